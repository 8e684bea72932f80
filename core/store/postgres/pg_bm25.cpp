#include "store/postgres/pg_bm25.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <string_view>

#include "common/error.h"
#include "pq/binary_array.h"
#include "pq/binary_copy.h"
#include "store/fts_bm25.h"
#include "store/postgres/pg_filters.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/postgres/pg_postings_cache.h"
#include "store/postgres/pg_search_snapshot.h"
#include "store/postgres/pg_terms.h"

namespace strata::store::pg {
namespace {

// ---- the query --------------------------------------------------------------------------------

// FTS5's bareword characters: ASCII letters, digits, '_', 0x1A and every byte of a non-ASCII one.
bool pg_bareword_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == 0x1A;
}

[[noreturn]] void pg_unsupported_match(const std::string& match) {
  throw Error(ExitCode::invalid_input,
              "keyword search on PostgreSQL: the expression '" + match + "' is not phrases joined by OR",
              "give the query's words; the store writes the expression itself");
}

// The strings of `match`, unquoted, in order.
std::vector<std::string> pg_match_strings(const std::string& match) {
  std::vector<std::string> out;
  bool expect_phrase = true;
  std::size_t i = 0;
  while (i < match.size()) {
    const auto c = static_cast<unsigned char>(match[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '"') {
      if (!expect_phrase) pg_unsupported_match(match);
      std::optional<std::string> s = read_fts_string(match, i);
      if (!s) pg_unsupported_match(match);  // an unterminated string
      out.push_back(std::move(*s));
      expect_phrase = false;
      continue;
    }
    if (!pg_bareword_byte(c)) pg_unsupported_match(match);
    std::size_t end = i;
    while (end < match.size() && pg_bareword_byte(static_cast<unsigned char>(match[end]))) ++end;
    const std::string word = match.substr(i, end - i);
    i = end;
    if (word == "OR" && !expect_phrase) {
      expect_phrase = true;
      continue;
    }
    // AND, NOT and NEAR are operators FTS5 reads with other meanings; a bareword after a phrase
    // would be an implicit AND. Neither is ever written by fts_match_expression.
    if (!expect_phrase || word == "AND" || word == "NOT" || word == "NEAR" || word == "OR") pg_unsupported_match(match);
    // A bareword followed by '*' is a prefix query (not supported); a quote after it is caught
    // above as an implicit AND.
    if (i < match.size() && match[i] == '*') pg_unsupported_match(match);
    out.push_back(word);
    expect_phrase = false;
  }
  if (out.empty() || expect_phrase) pg_unsupported_match(match);
  return out;
}

// ---- the statistics ----------------------------------------------------------------------------

struct PgBm25 {
  double k1 = k_keyword_bm25.k1;
  double b = k_keyword_bm25.b;
  double avgdl = 1.0;
  std::int64_t rows = 0;
  long long title_cap = 0;  // capped_column_weight's cap for the title; 0: none
};

// The weights of a chunk's columns (text, title, cjk) for a title of `title_terms` tokens.
std::array<double, 3> pg_column_weights(const PgBm25& s, long long title_terms) {
  return {k_keyword_column_weights.text,
          capped_column_weight(k_keyword_column_weights.title, s.title_cap, title_terms),
          k_keyword_column_weights.cjk};
}

// A title column's tokens (title_column's result), as FTS5's column size counts them.
long long pg_title_terms(const FtsTokenizer& tokenizer, std::string_view title) {
  long long n = 0;
  tokenizer.for_each_term(title, [&](std::string_view) { ++n; });
  return n;
}

// One phrase's term of a chunk's score, computed exactly as strata_bm25 computes it (and as the
// SQL below does, operation for operation).
double pg_phrase_score(double idf, double f, double d, const PgBm25& s) {
  return idf * ((f * (s.k1 + 1.0)) / (f + s.k1 * (1 - s.b + s.b * d / s.avgdl)));
}

double pg_idf(std::int64_t rows, std::int64_t hits) {
  double idf = std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
  return idf <= 0.0 ? 1e-6 : idf;
}

// A chunk holding a phrase of several tokens: its weighted hits, as chunk_terms gives a term's.
struct PgPhrasePosting {
  std::int64_t chunk_id = 0, document_id = 0;
  double f = 0;
  std::int32_t length = 0;
};

// A phrase's postings as the process's copy keeps them (pg_postings_cache.h): one string of
// the records as they are, filed under a name no term has (a term never holds the byte 0x01).
std::string pg_phrase_cache_name(const std::vector<std::string>& phrase) {
  std::string name = "\x01";
  for (const std::string& token : phrase) {
    name += token;
    name += ' ';
  }
  return name;
}

std::shared_ptr<const TermBlocks> pg_phrase_entry(const std::vector<PgPhrasePosting>& postings) {
  auto entry = std::make_shared<TermBlocks>();
  std::string bytes(postings.size() * sizeof(PgPhrasePosting), '\0');
  if (!postings.empty()) std::memcpy(bytes.data(), postings.data(), bytes.size());
  entry->bytes = bytes.size() + sizeof(std::string);
  entry->blocks.push_back(std::move(bytes));
  return entry;
}

std::vector<PgPhrasePosting> pg_phrase_postings_of(const TermBlocks& entry) {
  std::vector<PgPhrasePosting> out;
  if (entry.blocks.size() != 1 || entry.blocks[0].size() % sizeof(PgPhrasePosting) != 0) return out;
  out.resize(entry.blocks[0].size() / sizeof(PgPhrasePosting));
  if (!out.empty()) std::memcpy(out.data(), entry.blocks[0].data(), entry.blocks[0].size());
  return out;
}

// One term or phrase of the query, however many times the query holds it.
struct PgQueryTerm {
  std::vector<std::string> tokens;  // one: a term of chunk_terms; several: a phrase
  double qtf = 0;                   // the phrases of the query it is
  std::vector<std::size_t> at;      // their places among the query's phrases
  std::int64_t df = 0;              // chunks of the collection holding it
  double idf = 0;
  std::vector<PgPhrasePosting> postings;  // phrases only
};

// Occurrences of `phrase` in `column`'s tokens: positions where its tokens follow one another, as
// FTS5 counts a phrase's instances (overlapping ones each count).
int pg_phrase_hits(const FtsTokenizer& tokenizer, std::string_view column, const std::vector<std::string>& phrase) {
  std::vector<std::string> tokens;
  tokenizer.for_each_term(column, [&](std::string_view t) { tokens.emplace_back(t); });
  int hits = 0;
  for (std::size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
    if (std::equal(phrase.begin(), phrase.end(), tokens.begin() + static_cast<std::ptrdiff_t>(i))) ++hits;
  }
  return hits;
}

// A posting as a block holds it.
struct PgPosting {
  std::int64_t chunk_id = 0;
  std::int64_t text = 0, title = 0, cjk = 0, length = 0;
};

// A posting's term of the score: the hits made doubles, then weighted (weighted_hits), then
// pg_phrase_score (the order of operations SQLite's strata_bm25 follows; the same doubles
// whichever layout held the integers).
double pg_posting_value(const PgPosting& p, double idf, const PgBm25& s, const std::array<double, 3>& weights) {
  const double hits[] = {static_cast<double>(p.text), static_cast<double>(p.title), static_cast<double>(p.cjk)};
  return pg_phrase_score(idf, weighted_hits(hits, weights.data(), weights.size()), static_cast<double>(p.length), s);
}

// A block's postings (migrations/postgres/0002: a layout byte, then wide or narrow postings):
// their count, or nullopt for bytes that are neither layout.
std::optional<std::size_t> pg_block_postings(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  const auto layout = static_cast<std::uint8_t>(bytes[0]);
  if (layout == k_postings_wide && (bytes.size() - 1) % k_wide_posting_bytes == 0) {
    return (bytes.size() - 1) / k_wide_posting_bytes;
  }
  if (layout == k_postings_narrow && bytes.size() >= k_narrow_header_bytes &&
      (bytes.size() - k_narrow_header_bytes) % k_narrow_posting_bytes == 0) {
    return (bytes.size() - k_narrow_header_bytes) / k_narrow_posting_bytes;
  }
  return std::nullopt;
}

// The chunk id of posting `k` of a block (pg_block_postings counted them).
std::int64_t pg_chunk_at(std::string_view bytes, std::size_t k) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (p[0] == k_postings_wide) return static_cast<std::int64_t>(pq::big_endian(p + 1 + k * k_wide_posting_bytes, 8));
  return static_cast<std::int64_t>(pq::big_endian(p + 1, 8)) +
         static_cast<std::int64_t>(pq::big_endian(p + k_narrow_header_bytes + k * k_narrow_posting_bytes, 4));
}

// Posting `k` of a block.
PgPosting pg_posting_at(std::string_view bytes, std::size_t k) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (p[0] == k_postings_wide) {
    const unsigned char* q = p + 1 + k * k_wide_posting_bytes;
    const auto int32_at = [q](int at) { return static_cast<std::int64_t>(static_cast<std::int32_t>(pq::big_endian(q + at, 4))); };
    return PgPosting{pg_chunk_at(bytes, k), int32_at(8), int32_at(12), int32_at(16), int32_at(20)};
  }
  const unsigned char* q = p + k_narrow_header_bytes + k * k_narrow_posting_bytes;
  const auto uint16_at = [q](int at) { return static_cast<std::int64_t>(pq::big_endian(q + at, 2)); };
  return PgPosting{pg_chunk_at(bytes, k), uint16_at(4), uint16_at(6), uint16_at(8), uint16_at(10)};
}

// Calls add(k, posting) for each posting k of a block of `count` (as pg_block_postings counted
// them).
template <typename Add>
void pg_for_each_posting(std::string_view bytes, std::size_t count, Add add) {
  for (std::size_t k = 0; k < count; ++k) add(k, pg_posting_at(bytes, k));
}

// The place (1-based) of a COPY row of blocks: the places come in order, each joined LATERAL to
// its blocks in key order, so a place before the current one, or none of the query's, is a
// server's answer out of order. `what` names the postings ("the query's terms'").
std::int64_t pg_block_place(const pq::BinaryCopyReader::Row& row, std::int64_t place, std::size_t places,
                            std::string_view what) {
  if (!row[0] || !row[1]) throw Error(ExitCode::unavailable, "keyword search: a block without its place or postings");
  const std::int64_t n = pq::binary_int8(*row[0], "keyword search");
  if (n < place || n < 1 || n > static_cast<std::int64_t>(places)) {
    throw Error(ExitCode::unavailable, "keyword search: the server returned " + std::string(what) + " postings out of order");
  }
  return n;
}

// A block of place `place` (1-based, in order; each place's blocks in key order): its postings
// and, when asked for, its document ids.
using PgOnBlock =
    std::function<void(std::int64_t place, std::string_view postings, const std::optional<std::string_view>& documents)>;

// The blocks of `places` (terms), place after place, streamed from the server in one binary COPY
// (read as it arrives: only what on_block keeps is held), each place joined LATERAL to its blocks
// in key order (a nested loop over the places in order, the only plan such a join has; checked
// as the rows come). `with_documents`: each block's document ids too (an array costs the server
// a call per element).
void pg_stream_blocks(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& places,
                      bool with_documents, std::string_view what, const PgOnBlock& on_block) {
  std::int64_t place = 0;
  pq::BinaryCopyReader reader(3, "keyword search", [&](pq::BinaryCopyReader::Row row) {
    place = pg_block_place(row, place, places.size(), what);
    on_block(place, *row[1], row[2]);
  });
  // COPY takes no parameters: the id is a number and the terms go as one quoted literal.
  c.copy_out("COPY (SELECT q.n, b.postings, b.document_ids FROM unnest(" + c.literal(pq::to_text_array(places)) +
                 "::text[]) WITH ORDINALITY AS q (term, n) CROSS JOIN LATERAL (SELECT y.postings, " +
                 (with_documents ? "y.document_ids" : "NULL::bigint[]") +
                 " AS document_ids FROM chunk_term_blocks y WHERE y.collection_id = " + std::to_string(collection_id) +
                 " AND y.term = q.term ORDER BY y.last_chunk OFFSET 0) b) TO STDOUT (FORMAT binary)",
             [&](std::string_view piece) { reader.feed(piece); }, "keyword search");
  reader.finish();
}

// The blocks of each of `places` (terms) as the process's copy (pg_postings_cache.h) holds them
// in `state`: those found there taken from it, the others read from the server in one COPY and
// kept there. `df`: the chunks holding each place's term, as term_stats gives them in the same
// snapshot (a term has no more postings than that: more is a damaged index, refused before
// anything is kept). A term's postings are checked ascending as they are read, so that what is
// kept can be searched by chunk id (pg_best_kept).
std::vector<std::shared_ptr<const TermBlocks>> pg_kept_blocks(pq::Connection& c, std::int64_t collection_id,
                                                              const std::vector<std::string>& places,
                                                              const std::vector<std::int64_t>& df,
                                                              const PostingsState& state, std::string_view what) {
  PostingsCache& cache = PostingsCache::process();
  std::map<std::string, std::shared_ptr<const TermBlocks>, std::less<>> found;
  std::vector<std::string> missing;
  std::vector<std::int64_t> missing_df;
  for (std::size_t i = 0; i < places.size(); ++i) {
    if (found.contains(places[i])) continue;
    std::shared_ptr<const TermBlocks> blocks = cache.find(state, places[i]);
    if (!blocks) {
      missing.push_back(places[i]);
      missing_df.push_back(df[i]);
    }
    found.emplace(places[i], std::move(blocks));
  }
  if (!missing.empty()) {
    std::vector<TermBlocks> read(missing.size());
    std::vector<std::int64_t> postings(missing.size(), 0);
    std::vector<std::int64_t> last(missing.size(), std::numeric_limits<std::int64_t>::min());
    pg_stream_blocks(c, collection_id, missing, false, what,
                     [&](std::int64_t n, std::string_view bytes, const std::optional<std::string_view>&) {
                       const auto at = static_cast<std::size_t>(n - 1);
                       const std::optional<std::size_t> count = pg_block_postings(bytes);
                       if (!count) {
                         throw Error(ExitCode::unavailable, "keyword search: a block of term '" + missing[at] +
                                                                "' holds " + std::to_string(bytes.size()) +
                                                                " bytes of no known layout");
                       }
                       postings[at] += static_cast<std::int64_t>(*count);
                       if (postings[at] > missing_df[at]) {
                         throw Error(ExitCode::unavailable, "keyword search: term '" + missing[at] +
                                                                "' has more postings than the " +
                                                                std::to_string(missing_df[at]) +
                                                                " chunks term_stats counts (a damaged keyword index)");
                       }
                       pg_for_each_posting(bytes, *count, [&](std::size_t, const PgPosting& p) {
                         if (p.chunk_id <= last[at]) {
                           throw Error(ExitCode::unavailable, "keyword search: the postings of term '" + missing[at] +
                                                                  "' are not in ascending chunk id (a damaged index?)");
                         }
                         last[at] = p.chunk_id;
                       });
                       read[at].blocks.emplace_back(bytes);
                       read[at].bytes += bytes.size() + sizeof(std::string);
                     });
    for (std::size_t i = 0; i < missing.size(); ++i) {
      auto blocks = std::make_shared<const TermBlocks>(std::move(read[i]));
      cache.put(state, missing[i], blocks);
      found[missing[i]] = std::move(blocks);
    }
  }
  std::vector<std::shared_ptr<const TermBlocks>> out;
  out.reserve(places.size());
  for (const std::string& place : places) out.push_back(found.at(place));
  return out;
}

// Each place's kept blocks to on_block, place after place, as pg_stream_blocks gives them.
void pg_each_kept_block(const std::vector<std::shared_ptr<const TermBlocks>>& kept, const PgOnBlock& on_block) {
  for (std::size_t i = 0; i < kept.size(); ++i) {
    for (const std::string& block : kept[i]->blocks) on_block(static_cast<std::int64_t>(i + 1), block, std::nullopt);
  }
}

// As pg_stream_blocks without document ids, from the process's copy (pg_kept_blocks).
void pg_cached_blocks(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& places,
                      const std::vector<std::int64_t>& df, const PostingsState& state, std::string_view what,
                      const PgOnBlock& on_block) {
  pg_each_kept_block(pg_kept_blocks(c, collection_id, places, df, state, what), on_block);
}

// The blocks of `places` from the process's copy when `state` is given (pg_cached_blocks), else
// streamed from the server (pg_stream_blocks).
void pg_read_blocks(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& places,
                    const std::vector<std::int64_t>& df, bool with_documents, const PostingsState* state,
                    std::string_view what, const PgOnBlock& on_block) {
  if (state != nullptr && !with_documents) {
    pg_cached_blocks(c, collection_id, places, df, *state, what, on_block);
  } else {
    pg_stream_blocks(c, collection_id, places, with_documents, what, on_block);
  }
}

// Chunks holding each term (term_stats), by term.
using PgTermChunks = std::map<std::string, std::int64_t, std::less<>>;

// The chunks of the collection holding every one of `tokens` (distinct), ascending, each with its
// length and, per column, the least hits of any of the tokens there (a column holds the phrase
// no more often than its rarest token): the tokens' posting blocks read in binary as the scorer reads them, rarest token first,
// each next token's postings merged into the chunks so far as they arrive. What is held is at
// most the rarest token's chunks. (Decoding postings in SQL through the chunk_terms view and
// grouping them took seconds at 1.3 million chunks for `51.2.1`, whose `1` and `2` are in every
// eighth chunk.)
// `known`: chunks holding each term, as the search read them from term_stats for its single terms
// (a compound's pieces are among them); term_stats is asked only when a token is not there.
// `state`: the postings may come from the process's copy (pg_read_blocks).
std::vector<PgPosting> pg_chunks_holding_all(pq::Connection& c, std::int64_t collection_id,
                                             const std::vector<std::string>& tokens, const PgTermChunks& known,
                                             const PostingsState* state) {
  std::vector<std::pair<std::int64_t, std::string>> by_rarity;  // (chunks holding it, token)
  for (const std::string& token : tokens) {
    const auto it = known.find(token);
    if (it == known.end()) break;
    by_rarity.emplace_back(it->second, token);
  }
  if (by_rarity.size() != tokens.size()) {
    by_rarity.clear();
    const pq::Result r = c.exec("SELECT term, chunks FROM term_stats WHERE collection_id = $1 AND term = ANY ($2::text[])",
                                {std::to_string(collection_id), pq::to_text_array(tokens)}, false, "keyword search");
    for (int i = 0; i < r.rows(); ++i) by_rarity.emplace_back(r.int64(i, 1), r.str(i, 0));
  }
  // A token no chunk holds: no chunk holds them all.
  if (by_rarity.size() != tokens.size()) return {};
  std::sort(by_rarity.begin(), by_rarity.end());
  std::vector<std::string> places;
  std::vector<std::int64_t> counts;
  for (auto& [chunks, token] : by_rarity) {
    places.push_back(std::move(token));
    counts.push_back(chunks);
  }
  const auto rarest = static_cast<std::size_t>(std::clamp<std::int64_t>(by_rarity.front().first, 0, 1'000'000));
  std::vector<PgPosting> held, next;
  held.reserve(rarest);
  next.reserve(rarest);
  std::int64_t place = 0;
  std::size_t at = 0;  // held[at] is the first chunk of `held` the place's postings have not passed
  const auto finish_place = [&] {
    if (place > 1) std::swap(held, next);
    next.clear();
    at = 0;
  };
  const auto on_block = [&](std::int64_t n, std::string_view bytes, const std::optional<std::string_view>&) {
    if (n != place) {
      finish_place();
      place = n;
    }
    const std::optional<std::size_t> count = pg_block_postings(bytes);
    if (!count) {
      throw Error(ExitCode::unavailable, "keyword search: a block of term '" + places[static_cast<std::size_t>(n - 1)] +
                                             "' holds " + std::to_string(bytes.size()) + " bytes of no known layout");
    }
    pg_for_each_posting(bytes, *count, [&](std::size_t, const PgPosting& p) {
      if (place == 1) {
        if (held.size() < rarest) held.push_back(p);  // bounded by the count term_stats gave
        return;
      }
      while (at < held.size() && held[at].chunk_id < p.chunk_id) ++at;
      if (at < held.size() && held[at].chunk_id == p.chunk_id) {
        PgPosting both = held[at++];
        both.text = std::min(both.text, p.text);
        both.title = std::min(both.title, p.title);
        both.cjk = std::min(both.cjk, p.cjk);
        next.push_back(both);
      }
    });
  };
  pg_read_blocks(c, collection_id, places, counts, false, state, "the phrase's", on_block);
  // A place without blocks (a token term_stats counts but no block holds) leaves no chunk.
  if (place < static_cast<std::int64_t>(places.size())) return {};
  finish_place();
  return held;
}

// A regular expression every column holding `phrase` matches (PostgreSQL's syntax), or "" when
// the phrase gives none worth asking: its longest run of two or more pieces of ASCII digits alone,
// one after another. A token of ASCII digits is written with exactly those digits (unicode61 folds
// letters only), marks may follow each (they fold away), and two tokens in a row have at least
// one separator between them, never an ASCII letter or digit. So `9.22` gives
// `9[^0-9A-Za-z]*[^0-9A-Za-z]+2[^0-9A-Za-z]*2`: true wherever the tokens 9 and 22 follow one
// another, and true of some texts where they do not, which pg_phrase_hits then counts as none.
// Pieces holding letters give nothing (accents and case fold them from other characters).
std::string pg_phrase_prefilter(const std::vector<std::string>& phrase) {
  const auto digits = [](const std::string& t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::size_t best_from = 0, best_size = 0;
  for (std::size_t i = 0; i < phrase.size();) {
    std::size_t j = i;
    while (j < phrase.size() && digits(phrase[j])) ++j;
    if (j - i > best_size) best_from = i, best_size = j - i;
    i = j == i ? i + 1 : j;
  }
  if (best_size < 2) return "";
  std::string re;
  for (std::size_t i = best_from; i < best_from + best_size; ++i) {
    if (i > best_from) re += "[^0-9A-Za-z]+";
    for (const char c : phrase[i]) {
      re += c;
      re += "[^0-9A-Za-z]*";
    }
  }
  return re;
}

// The chunks of the collection holding `phrase` (several tokens), with their weighted hits: the
// chunks holding every token (pg_chunks_holding_all), read again and tokenized, as FTS5 reads a
// phrase's positions, a page of chunks at a time; the server sends only those its columns'
// texts may hold the phrase in (pg_phrase_prefilter). Only a token that unicode61 and fts_words.h
// cut differently makes such a phrase. A column is read and tokenized only where each token is
// in it (the candidates' least hits): a chunk's title (its document's row, joined) only for the
// chunks whose title holds every token, since the join cost as much as the chunks' own rows
// (10 of 23 ms for 941 chunks of `assert.fail` at 1.6 million chunks); a chunk whose tokens are
// in different columns is not read at all.
std::vector<PgPhrasePosting> pg_phrase_postings(pq::Connection& c, std::int64_t collection_id,
                                                const std::vector<std::string>& phrase, const FtsTokenizer& tokenizer,
                                                bool first_only, const PgBm25& s, const PgTermChunks& known = {},
                                                const PostingsState* state = nullptr) {
  // With the process's copy, a phrase verified once in this state is not read again (its
  // chunks' texts were most of a search's time once the terms' blocks were kept).
  const bool keep = state != nullptr && !first_only;
  if (keep) {
    if (const auto kept = PostingsCache::process().find(*state, pg_phrase_cache_name(phrase))) {
      return pg_phrase_postings_of(*kept);
    }
  }
  std::vector<std::string> distinct = phrase;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const std::vector<PgPosting> candidates = pg_chunks_holding_all(c, collection_id, distinct, known, state);
  std::vector<PgPosting> titled, untitled;  // each ascending, as the candidates
  for (const PgPosting& p : candidates) {
    if (p.title > 0) {
      titled.push_back(p);
    } else if (p.text > 0 || p.cjk > 0) {
      untitled.push_back(p);
    }
  }
  std::vector<PgPhrasePosting> out;
  const std::string prefilter = pg_phrase_prefilter(phrase);
  // The title column as the index holds it (title_column): a match in its cut title is one in
  // the whole title.
  const std::string titled_sql =
      "SELECT ch.id, ch.document_id, ch.text, coalesce(d.title, ''), coalesce(d.title_cjk_terms, ''), "
      "coalesce(ch.cjk_terms, '') FROM chunks ch JOIN documents d ON d.id = ch.document_id "
      "WHERE ch.id = ANY ($1::bigint[])" +
      std::string(prefilter.empty() ? ""
                                    : " AND (ch.text ~ $2 OR (coalesce(d.title, '') || ' ' || "
                                      "coalesce(d.title_cjk_terms, '')) ~ $2 OR coalesce(ch.cjk_terms, '') ~ $2)") +
      " ORDER BY ch.id";
  const std::string untitled_sql =
      "SELECT ch.id, ch.document_id, ch.text, '', '', coalesce(ch.cjk_terms, '') FROM chunks ch "
      "WHERE ch.id = ANY ($1::bigint[])" +
      std::string(prefilter.empty() ? "" : " AND (ch.text ~ $2 OR coalesce(ch.cjk_terms, '') ~ $2)") + " ORDER BY ch.id";
  // Whether a phrase was found (first_only: the search can stop).
  const auto read = [&](const std::vector<PgPosting>& chunks, const std::string& sql) {
    constexpr std::size_t k_page = 2048;
    for (std::size_t from = 0; from < chunks.size(); from += k_page) {
      const std::size_t to = std::min(chunks.size(), from + k_page);
      std::vector<std::int64_t> ids;
      for (std::size_t i = from; i < to; ++i) ids.push_back(chunks[i].chunk_id);
      const pq::Result r = c.exec(sql,
                                  prefilter.empty() ? std::vector<pq::Param>{pq::to_int_array(ids)}
                                                    : std::vector<pq::Param>{pq::to_int_array(ids), prefilter},
                                  false, "keyword search");
      std::size_t k = from;  // chunks[k]: the chunk of row i (both ascending; a removed chunk has no row)
      for (int i = 0; i < r.rows(); ++i) {
        const std::int64_t id = r.int64(i, 0);
        while (k < to && chunks[k].chunk_id < id) ++k;
        if (k == to || chunks[k].chunk_id != id) continue;
        const PgPosting& bound = chunks[k];
        const std::string title_text = bound.title > 0 ? title_column(r.text(i, 3), r.text(i, 4)) : std::string();
        const double text = bound.text > 0 ? pg_phrase_hits(tokenizer, r.text(i, 2), phrase) : 0;
        const double title = bound.title > 0 ? pg_phrase_hits(tokenizer, title_text, phrase) : 0;
        const double cjk = bound.cjk > 0 ? pg_phrase_hits(tokenizer, r.text(i, 5), phrase) : 0;
        if (text + title + cjk == 0) continue;
        const double hits[] = {text, title, cjk};
        const std::array<double, 3> w =
            pg_column_weights(s, title > 0 && s.title_cap > 0 ? pg_title_terms(tokenizer, title_text) : 0);
        const double f = weighted_hits(hits, w.data(), w.size());
        out.push_back(PgPhrasePosting{id, r.int64(i, 1), f, static_cast<std::int32_t>(bound.length)});
        if (first_only) return true;
      }
    }
    return false;
  };
  if (read(titled, titled_sql) && first_only) return out;
  read(untitled, untitled_sql);
  // The scorer takes postings in ascending chunk id.
  if (!titled.empty() && !untitled.empty()) {
    std::sort(out.begin(), out.end(), [](const PgPhrasePosting& a, const PgPhrasePosting& b) { return a.chunk_id < b.chunk_id; });
  }
  if (keep) PostingsCache::process().put(*state, pg_phrase_cache_name(phrase), pg_phrase_entry(out));
  return out;
}

// The query's terms and phrases, each once with its count; strings without tokens match nothing
// and are dropped.
std::vector<PgQueryTerm> pg_query_terms(const std::string& match, const FtsTokenizer& tokenizer) {
  std::vector<PgQueryTerm> terms;
  std::map<std::vector<std::string>, std::size_t> seen;
  std::size_t place = 0;
  for (std::vector<std::string>& tokens : match_phrases(match, tokenizer)) {
    if (tokens.empty()) {
      ++place;
      continue;
    }
    auto [it, added] = seen.emplace(tokens, terms.size());
    if (added) terms.push_back(PgQueryTerm{std::move(tokens), 0, {}, 0, 0, {}});
    terms[it->second].qtf += 1;
    terms[it->second].at.push_back(place++);
  }
  return terms;
}

// The query's single terms (indexes into `terms`) once per phrase they are, in the query's order,
// as strata_bm25 adds the phrases' shares up: a chunk's score summed from its postings in this
// order is the very double SQLite computes, not one rounded in another order.
std::vector<std::size_t> pg_in_query_order(const std::vector<PgQueryTerm>& terms) {
  std::vector<std::pair<std::size_t, std::size_t>> places;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].tokens.size() != 1) continue;
    for (const std::size_t at : terms[i].at) places.emplace_back(at, i);
  }
  std::sort(places.begin(), places.end());
  std::vector<std::size_t> out;
  for (const auto& [at, i] : places) out.push_back(i);
  return out;
}

// ---- the scores --------------------------------------------------------------------------------

// The title column's tokens of each of `documents` (title_column, tokenized as the writer did).
std::unordered_map<std::int64_t, long long> pg_title_terms_of(pq::Connection& c, const std::vector<std::int64_t>& documents) {
  std::unordered_map<std::int64_t, long long> out;
  if (documents.empty()) return out;
  const FtsTokenizer tokenizer;
  const pq::Result r = c.exec(
      "SELECT id, coalesce(title, ''), coalesce(title_cjk_terms, '') FROM documents WHERE id = ANY ($1::bigint[])",
      {pq::to_int_array(documents)}, false, "keyword search");
  for (int i = 0; i < r.rows(); ++i) out[r.int64(i, 0)] = pg_title_terms(tokenizer, title_column(r.text(i, 1), r.text(i, 2)));
  return out;
}

// A chunk's score so far: the places' shares added in the query's order.
struct PgScored {
  std::int64_t chunk_id = 0;
  double score = 0;
};

// The query's places' postings scored one place after another and merged into the sums as they
// come: a place's postings arrive in ascending chunk id, so the sums so far (ascending too) are
// copied into the next sums up to each posting's chunk, and a chunk in both gets the sum's score
// plus the place's, in that order. So every chunk's score is added up place after place in the
// query's order (the very double strata_bm25 computes). Merging sorted lists reads memory in
// order: an array indexed by chunk id over the collection's ids cost more than the rest of the
// search in cache misses (180,000 postings over 1.3 million ids). Only the sums are held, twice.
class PgSums {
 public:
  // Room for `postings` postings of the query in all (its sums hold at most that many chunks).
  explicit PgSums(std::int64_t postings) {
    const auto room = static_cast<std::size_t>(std::clamp<std::int64_t>(postings, 0, 1'000'000));
    sums_.reserve(room);
    next_.reserve(room);
  }
  // The next place's postings follow.
  void start_place() {
    finish_place();
    in_place_ = true;
  }
  void add(std::int64_t chunk, double v) {
    if (chunk <= last_) {
      throw Error(ExitCode::unavailable, "keyword search: a term's postings are not in ascending chunk id (a damaged index?)");
    }
    last_ = chunk;
    while (at_ < sums_.size() && sums_[at_].chunk_id < chunk) next_.push_back(sums_[at_++]);
    if (at_ < sums_.size() && sums_[at_].chunk_id == chunk) {
      next_.push_back(PgScored{chunk, sums_[at_++].score + v});
    } else {
      next_.push_back(PgScored{chunk, v});
    }
  }
  // The best `limit` chunks (bm25: negative scores), best first: score, then chunk id.
  std::vector<KeywordRow> best(std::size_t limit) {
    finish_place();
    const auto better = [](const PgScored& x, const PgScored& y) {
      return x.score != y.score ? x.score > y.score : x.chunk_id < y.chunk_id;
    };
    const std::size_t keep = std::min(limit, sums_.size());
    std::partial_sort(sums_.begin(), sums_.begin() + static_cast<std::ptrdiff_t>(keep), sums_.end(), better);
    std::vector<KeywordRow> out;
    out.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i) out.push_back(KeywordRow{sums_[i].chunk_id, -sums_[i].score});
    return out;
  }

 private:
  void finish_place() {
    if (!in_place_) return;
    next_.insert(next_.end(), sums_.begin() + static_cast<std::ptrdiff_t>(at_), sums_.end());
    std::swap(sums_, next_);
    next_.clear();
    at_ = 0;
    last_ = std::numeric_limits<std::int64_t>::min();
    in_place_ = false;
  }
  std::vector<PgScored> sums_, next_;
  std::size_t at_ = 0;  // sums_[at_] is the first not yet copied into next_
  std::int64_t last_ = std::numeric_limits<std::int64_t>::min();
  bool in_place_ = false;
};

// A term's kept postings (pg_kept_blocks: checked, ascending) looked up by chunk id, the chunks
// asked for ascending between two reset()s: the block found by galloping over the blocks' first
// chunk ids, a block's postings decoded only up to the chunk asked for.
class PgKeptCursor {
 public:
  explicit PgKeptCursor(const TermBlocks& term) {
    for (const std::string& b : term.blocks) {
      const std::size_t n = pg_block_postings(b).value_or(0);
      if (n == 0) continue;
      blocks_.push_back(b);
      counts_.push_back(n);
      firsts_.push_back(pg_chunk_at(b, 0));
      postings_ += n;
    }
  }
  void reset() { block_ = 0, at_ = 0; }
  // The term's posting of `chunk`, or null.
  const PgPosting* seek(std::int64_t chunk) {
    if (firsts_.empty() || chunk < firsts_[0]) return nullptr;
    std::size_t step = 1, last = block_;  // firsts_[last] <= chunk
    while (last + step < firsts_.size() && firsts_[last + step] <= chunk) last += step, step *= 2;
    const auto end = firsts_.begin() + static_cast<std::ptrdiff_t>(std::min(last + step, firsts_.size()));
    const auto b = static_cast<std::size_t>(std::upper_bound(firsts_.begin() + static_cast<std::ptrdiff_t>(last), end, chunk) -
                                            firsts_.begin()) - 1;
    if (b != block_) block_ = b, at_ = 0;
    // The first posting at or after `chunk` in the block, by its chunk id alone.
    std::size_t lo = at_, hi = counts_[block_];
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (pg_chunk_at(blocks_[block_], mid) < chunk) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    at_ = lo;
    if (at_ == counts_[block_] || pg_chunk_at(blocks_[block_], at_) != chunk) return nullptr;
    found_ = pg_posting_at(blocks_[block_], at_);
    return &found_;
  }
  // Calls f(posting) for every posting, ascending.
  template <typename F>
  void each(F f) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) pg_for_each_posting(blocks_[b], counts_[b], [&](std::size_t, const PgPosting& p) { f(p); });
  }
  std::size_t postings() const { return postings_; }

 private:
  std::vector<std::string_view> blocks_;
  std::vector<std::size_t> counts_;
  std::vector<std::int64_t> firsts_;
  std::size_t postings_ = 0;
  std::size_t block_ = 0, at_ = 0;
  PgPosting found_;
};

// The best `limit` chunks from the process's copy (pg_kept_blocks gave each place's blocks, in
// the query's order) without scoring every posting, or nullopt when pruning would not pay (the
// caller then scores them all). Scoring every posting of a frequent term was most of a kept
// search's time (a query with `the` adds a million postings). This is MaxScore: no posting of a
// term adds more than its best (worked out once per term and state of the index, and kept with
// its blocks; a phrase's from its postings), so the terms are taken highest bound first, each new term's chunks scored in full (every place looked
// up in the query's order, so each score is the very double the exhaustive sum gives), until
// the chunks of the terms left could not reach the `limit`th best even holding all of them: a
// chunk in none of the terms taken scores at most the sum of the others' bounds. The rows are
// then those of the exhaustive scorer: a chunk left out scores strictly below every row.
std::optional<std::vector<KeywordRow>> pg_best_kept(const std::vector<PgQueryTerm>& terms,
                                                    const std::vector<std::size_t>& in_order,
                                                    const std::vector<std::shared_ptr<const TermBlocks>>& kept,
                                                    const PgBm25& s, std::size_t limit) {
  if (limit == 0) return std::vector<KeywordRow>{};
  const std::array<double, 3> weights = pg_column_weights(s, 0);
  // The lists whose values a chunk's score adds up, in that order: the places, then the phrases.
  struct List {
    const PgQueryTerm* term = nullptr;
    std::optional<PgKeptCursor> cursor;                    // a place
    const std::vector<PgPhrasePosting>* phrase = nullptr;  // a phrase
    double bound = 0;
    std::size_t postings = 0;
    std::size_t at = 0;  // a phrase's next posting in a sweep
  };
  std::vector<List> lists;
  std::size_t total = 0;
  for (std::size_t i = 0; i < in_order.size(); ++i) {
    List l;
    l.term = &terms[in_order[i]];
    l.cursor.emplace(*kept[i]);
    l.bound = kept[i]->best->load();
    if (l.bound < 0) {
      l.bound = 0;  // a term without postings adds nothing
      l.cursor->each([&](const PgPosting& p) { l.bound = std::max(l.bound, pg_posting_value(p, l.term->idf, s, weights)); });
      kept[i]->best->store(l.bound);
    }
    l.postings = l.cursor->postings();
    lists.push_back(std::move(l));
  }
  for (const PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) continue;
    List l;
    l.term = &t;
    l.phrase = &t.postings;
    for (const PgPhrasePosting& p : t.postings) l.bound = std::max(l.bound, t.qtf * pg_phrase_score(t.idf, p.f, p.length, s));
    l.postings = t.postings.size();
    lists.push_back(std::move(l));
  }
  for (const List& l : lists) total += l.postings;
  // A value the rounding of a sum in another order cannot pass.
  const auto above = [](double bound) { return bound * (1.0 + 1e-9) + 1e-12; };
  const auto value_of = [&](List& l, std::int64_t chunk) -> std::optional<double> {
    if (l.cursor) {
      const PgPosting* p = l.cursor->seek(chunk);
      if (p == nullptr) return std::nullopt;
      return pg_posting_value(*p, l.term->idf, s, weights);
    }
    const std::vector<PgPhrasePosting>& v = *l.phrase;
    while (l.at < v.size() && v[l.at].chunk_id < chunk) ++l.at;
    if (l.at == v.size() || v[l.at].chunk_id != chunk) return std::nullopt;
    return l.term->qtf * pg_phrase_score(l.term->idf, v[l.at].f, v[l.at].length, s);
  };
  std::vector<std::size_t> by_bound(lists.size());
  for (std::size_t i = 0; i < lists.size(); ++i) by_bound[i] = i;
  std::stable_sort(by_bound.begin(), by_bound.end(), [&](std::size_t a, std::size_t b) { return lists[a].bound > lists[b].bound; });
  const auto better = [](const PgScored& x, const PgScored& y) {
    return x.score != y.score ? x.score > y.score : x.chunk_id < y.chunk_id;
  };
  std::vector<PgScored> best;  // a heap, the worst of the best on top
  // Whether a chunk bounded by `most` cannot reach the `limit`th best.
  const auto out_of_reach = [&](double most) { return best.size() == limit && above(most) < best.front().score; };
  std::vector<std::optional<double>> values(lists.size());  // a chunk's value in each list
  std::size_t scored = 0;
  for (std::size_t r = 0; r < by_bound.size(); ++r) {
    // rest[j]: the bounds of by_bound[j..] summed, leaving out the list taken now.
    std::vector<double> rest(by_bound.size() + 1, 0.0);
    for (std::size_t j = by_bound.size(); j-- > 0;) rest[j] = rest[j + 1] + (j == r ? 0.0 : lists[by_bound[j]].bound);
    if (out_of_reach(rest[r] + lists[by_bound[r]].bound)) break;
    // Pruning that would score most postings anyway costs more than the sums.
    if (scored + lists[by_bound[r]].postings > total / 2) return std::nullopt;
    for (List& l : lists) {
      if (l.cursor) l.cursor->reset();
      l.at = 0;
    }
    // The chunks of the list taken now, each with its value there.
    List& added = lists[by_bound[r]];
    std::vector<PgScored> chunks;
    chunks.reserve(added.postings);
    if (added.cursor) {
      added.cursor->each([&](const PgPosting& p) {
        chunks.push_back(PgScored{p.chunk_id, pg_posting_value(p, added.term->idf, s, weights)});
      });
    } else {
      for (const PgPhrasePosting& p : *added.phrase) {
        chunks.push_back(PgScored{p.chunk_id, added.term->qtf * pg_phrase_score(added.term->idf, p.f, p.length, s)});
      }
    }
    // A chunk not scored before holds none of the lists taken before, so it scores at most its
    // value here and the bounds of the lists not taken yet: most chunks of a frequent term's
    // list are left there without a lookup. The others' lists are looked up highest bound
    // first, a chunk of a list taken before left (it was scored then), and one that cannot
    // reach the best with the bounds of the lists not looked up yet left too; the rest are
    // scored in the query's order.
    for (const PgScored& own : chunks) {
      if (out_of_reach(own.score + rest[r + 1])) continue;
      bool skip = false;
      double partial = own.score;
      for (std::size_t j = 0; j < by_bound.size() && !skip; ++j) {
        const std::size_t i = by_bound[j];
        if (j == r) {
          values[i] = own.score;
        } else {
          values[i] = value_of(lists[i], own.chunk_id);
          if (values[i]) {
            skip = j < r;
            partial += *values[i];
          }
        }
        skip = skip || out_of_reach(partial + rest[j + 1]);
      }
      if (skip) continue;
      double score = 0;
      for (const std::optional<double>& v : values) {
        if (v) score += *v;
      }
      ++scored;
      const PgScored row{own.chunk_id, score};
      if (best.size() < limit) {
        best.push_back(row);
        std::push_heap(best.begin(), best.end(), better);
      } else if (better(row, best.front())) {
        std::pop_heap(best.begin(), best.end(), better);
        best.back() = row;
        std::push_heap(best.begin(), best.end(), better);
      }
    }
  }
  std::sort(best.begin(), best.end(), better);
  std::vector<KeywordRow> out;
  out.reserve(best.size());
  for (const PgScored& row : best) out.push_back(KeywordRow{row.chunk_id, -row.score});
  return out;
}

// Every posting of every term scored and summed per chunk in the client, in the query's order
// (pg_in_query_order), then the phrases' postings: exact. The blocks come as one binary COPY
// stream read as it arrives (however many postings the query's terms hold, only the sums are
// kept; scoring overlaps the server's sending), the places' terms one after another (each joined
// LATERAL to its blocks in key order: a nested loop over the places in order, the only plan such
// a join has; checked as the rows come). Only the chunks of documents passing `filters` are kept.
// With a title cap, a title hit's weight needs its title's length, which no posting holds: the
// postings are held (as many as term_stats counts, bounded as the sums are), the titles of the
// documents they have title hits in are read once, and then the places are scored in order.
// `state`: the postings may come from the process's copy (pg_read_blocks).
std::vector<KeywordRow> pg_score(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                                 const std::vector<DocumentFilter>& filters, const PgBm25& s, std::size_t limit,
                                 const PostingsState* state) {
  const std::vector<std::size_t> in_order = pg_in_query_order(terms);
  std::int64_t postings = 0;
  for (const std::size_t i : in_order) postings += terms[i].df;
  std::optional<std::unordered_set<std::int64_t>> passing;
  if (!filters.empty()) {
    std::vector<pq::Param> params{std::to_string(collection_id)};
    const std::string where = filter_conditions(filters, params);
    const pq::Result r = c.exec("SELECT d.id FROM documents d WHERE d.collection_id = $1" + where, params, true, "keyword search");
    passing.emplace();
    for (int i = 0; i < r.rows(); ++i) passing->insert(r.int64(i, 0));
  }
  PgSums sums(postings);
  const bool capped = s.title_cap > 0;
  const std::array<double, 3> weights = pg_column_weights(s, 0);
  struct HeldPosting {
    PgPosting p;
    std::int64_t document_id = 0;
  };
  std::vector<std::vector<HeldPosting>> held(capped ? in_order.size() : 0);  // per place
  std::unordered_set<std::int64_t> titled;  // documents of held postings with title hits
  if (!in_order.empty()) {
    std::vector<std::string> places;
    std::vector<std::int64_t> df;
    for (const std::size_t i : in_order) {
      places.push_back(terms[i].tokens[0]);
      df.push_back(terms[i].df);
    }
    std::vector<std::int64_t> documents;
    std::int64_t place = 0;
    std::int64_t in_place = 0;  // postings of the current place so far
    // A block: the place (1-based), its postings, its document ids (only when filtering or capping).
    const auto on_block = [&](std::int64_t n, std::string_view bytes, const std::optional<std::string_view>& document_ids) {
      // A place without blocks (none: its df counts them) is skipped by the join: nothing to add.
      if (n != place) {
        sums.start_place();
        in_place = 0;
      }
      place = n;
      const PgQueryTerm& t = terms[in_order[static_cast<std::size_t>(n - 1)]];
      const std::optional<std::size_t> postings_in_block = pg_block_postings(bytes);
      if (!postings_in_block) {
        throw Error(ExitCode::unavailable, "keyword search: a block of term '" + t.tokens[0] + "' holds " +
                                               std::to_string(bytes.size()) + " bytes of no known layout");
      }
      const std::size_t count = *postings_in_block;
      // A term has one posting a chunk holding it, as many as term_stats counts (read in the same
      // snapshot): more is a damaged index, and what a search holds stays bounded by the counts.
      in_place += static_cast<std::int64_t>(count);
      if (in_place > t.df) {
        throw Error(ExitCode::unavailable, "keyword search: term '" + t.tokens[0] + "' has more postings than the " +
                                               std::to_string(t.df) + " chunks term_stats counts (a damaged keyword index)");
      }
      if (passing || capped) {
        documents.clear();
        if (document_ids) pq::append_int_array(*document_ids, documents, "chunk_term_blocks.document_ids");
        if (documents.size() != count) {
          throw Error(ExitCode::unavailable, "keyword search: a block of term '" + t.tokens[0] +
                                                 "' holds postings and document ids of different counts");
        }
      }
      if (capped) {
        std::vector<HeldPosting>& to = held[static_cast<std::size_t>(n - 1)];
        pg_for_each_posting(bytes, count, [&](std::size_t k, const PgPosting& p) {
          if (passing && !passing->contains(documents[k])) return;
          to.push_back(HeldPosting{p, documents[k]});
          if (p.title > 0) titled.insert(documents[k]);
        });
        return;
      }
      pg_for_each_posting(bytes, count, [&](std::size_t k, const PgPosting& p) {
        if (!passing || passing->contains(documents[k])) sums.add(p.chunk_id, pg_posting_value(p, t.idf, s, weights));
      });
    };
    if (state != nullptr && !passing && !capped) {
      const std::vector<std::shared_ptr<const TermBlocks>> kept =
          pg_kept_blocks(c, collection_id, places, df, *state, "the query's terms'");
      if (std::optional<std::vector<KeywordRow>> rows = pg_best_kept(terms, in_order, kept, s, limit)) return *rows;
      pg_each_kept_block(kept, on_block);
    } else {
      pg_read_blocks(c, collection_id, places, df, passing || capped, state, "the query's terms'", on_block);
    }
    if (capped) {
      const std::unordered_map<std::int64_t, long long> title_terms =
          pg_title_terms_of(c, std::vector<std::int64_t>(titled.begin(), titled.end()));
      for (std::size_t at = 0; at < held.size(); ++at) {
        const PgQueryTerm& t = terms[in_order[at]];
        sums.start_place();
        for (const HeldPosting& h : held[at]) {
          const auto n = h.p.title > 0 ? title_terms.find(h.document_id) : title_terms.end();
          sums.add(h.p.chunk_id, pg_posting_value(h.p, t.idf, s, n == title_terms.end() ? weights
                                                                                         : pg_column_weights(s, n->second)));
        }
      }
    }
  }
  for (const PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) continue;
    sums.start_place();
    for (const PgPhrasePosting& p : t.postings) {
      if (passing && !passing->contains(p.document_id)) continue;
      sums.add(p.chunk_id, t.qtf * pg_phrase_score(t.idf, p.f, p.length, s));
    }
  }
  return sums.best(limit);
}

}  // namespace

std::vector<std::vector<std::string>> match_phrases(const std::string& match, const FtsTokenizer& tokenizer) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& s : pg_match_strings(match)) {
    std::vector<std::string> tokens;
    tokenizer.for_each_term(s, [&](std::string_view t) { tokens.emplace_back(t); });
    out.push_back(std::move(tokens));
  }
  return out;
}

bool collection_has_phrase(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& tokens,
                           const FtsTokenizer& tokenizer) {
  if (tokens.size() == 1) {
    return c.exec("SELECT EXISTS (SELECT 1 FROM chunk_term_blocks WHERE collection_id = $1 AND term = $2)",
                  {std::to_string(collection_id), tokens[0]}, false, "keyword search")
               .text(0, 0) == "t";
  }
  return !pg_phrase_postings(c, collection_id, tokens, tokenizer, true, PgBm25{}).empty();
}

std::vector<KeywordRow> bm25_search(pq::Connection& c, std::int64_t collection_id, const std::string& match,
                                    const std::vector<DocumentFilter>& filters, std::size_t limit,
                                    const KeywordRanking& ranking, bool keep_postings) {
  if (limit == 0) return {};
  const FtsTokenizer tokenizer;
  std::vector<PgQueryTerm> terms = pg_query_terms(match, tokenizer);
  if (terms.empty()) return {};
  SearchSnapshot snapshot(c);
  // N and avgdl: the collection's chunks and their tokens (text, title and CJK terms); and n(p):
  // the chunks holding each term (term_stats), or each phrase (read below). One statement: the
  // statistics row comes first (term NULL), then the terms'.
  PgBm25 s;
  s.title_cap = ranking.title_cap;
  std::vector<std::string> names;
  for (const PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) names.push_back(t.tokens[0]);
  }
  PgTermChunks df;
  // The state of the collection's index (pg_postings_cache.h), when the process's copy may serve:
  // the search then reads it in the same snapshot as the statistics.
  std::optional<PostingsState> state;
  {
    const pq::Result r = c.exec(
        "SELECT NULL, chunk_count, token_count, stamp::text || '.' || xmin::text,"
        " (SELECT store_id FROM embedding_generation WHERE id = 1) FROM keyword_stats WHERE collection_id = $1 UNION ALL "
        "SELECT term, chunks, 0, NULL, NULL FROM term_stats WHERE collection_id = $1 AND term = ANY ($2::text[])",
        {std::to_string(collection_id), pq::to_text_array(names)}, false, "keyword search");
    bool stats = false;
    for (int i = 0; i < r.rows(); ++i) {
      if (!r.is_null(i, 0)) {
        df[r.str(i, 0)] = r.int64(i, 1);
        continue;
      }
      stats = true;
      if (keep_postings && filters.empty() && ranking.title_cap == 0 && !r.is_null(i, 4)) {
        state = PostingsState{c.display() + '\0' + r.str(i, 4), collection_id, r.str(i, 3)};
      }
      s.rows = r.int64(i, 1);
      const std::int64_t tokens = r.int64(i, 2);
      s.avgdl = tokens > 0 && s.rows > 0 ? static_cast<double>(tokens) / static_cast<double>(s.rows) : 1.0;
    }
    if (!stats || s.rows <= 0) return {};
  }
  for (PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) {
      const auto it = df.find(t.tokens[0]);
      t.df = it == df.end() ? 0 : it->second;
    } else {
      t.postings = pg_phrase_postings(c, collection_id, t.tokens, tokenizer, false, s, df, state ? &*state : nullptr);
      t.df = static_cast<std::int64_t>(t.postings.size());
    }
    t.idf = pg_idf(s.rows, t.df);
  }
  std::erase_if(terms, [](const PgQueryTerm& t) { return t.df <= 0; });
  std::vector<KeywordRow> rows =
      terms.empty() ? std::vector<KeywordRow>{}
                    : pg_score(c, collection_id, terms, filters, s, limit, state ? &*state : nullptr);
  snapshot.commit();
  return rows;
}

}  // namespace strata::store::pg
