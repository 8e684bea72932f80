#include "store/postgres/pg_bm25.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <string_view>

#include "common/error.h"
#include "pq/binary_array.h"
#include "store/fts_bm25.h"
#include "store/postgres/pg_filters.h"
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
      std::string s;
      ++i;
      for (;;) {
        if (i >= match.size()) pg_unsupported_match(match);  // an unterminated string
        if (match[i] == '"') {
          if (i + 1 < match.size() && match[i + 1] == '"') {
            s += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        s += match[i++];
      }
      out.push_back(std::move(s));
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

// ---- numbers in and out of SQL -----------------------------------------------------------------

// A double as text that reads back as the same double.
std::string bm25_exact_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string bm25_float_array(const std::vector<double>& items) {
  std::string out = "{";
  for (const double v : items) {
    if (out.size() > 1) out += ',';
    out += bm25_exact_text(v);
  }
  return out + "}";
}

// A float8 column of a binary result: 8 bytes, big-endian IEEE 754 (exact, whatever the
// session's extra_float_digits).
double bm25_float8(const pq::Result& r, int row, int column) {
  const std::string_view v = r.text(row, column);
  std::uint64_t bits = 0;
  for (const char ch : v) bits = (bits << 8) | static_cast<unsigned char>(ch);
  return std::bit_cast<double>(bits);
}

// ---- the statistics ----------------------------------------------------------------------------

struct PgBm25 {
  double k1 = k_keyword_bm25.k1;
  double b = k_keyword_bm25.b;
  double avgdl = 1.0;
  std::int64_t rows = 0;
};

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

// One term or phrase of the query, however many times the query holds it.
struct PgQueryTerm {
  std::vector<std::string> tokens;  // one: a term of chunk_terms; several: a phrase
  double qtf = 0;                   // the phrases of the query it is
  std::vector<std::size_t> at;      // their places among the query's phrases
  std::int64_t df = 0;              // chunks of the collection holding it
  double idf = 0;
  double bound = 0;  // the most it can add to a score: f(k1+1)/(f + k1(1-b+b|D|/avgdl)) < k1+1
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

// The chunks of the collection holding `phrase` (several tokens), with their weighted hits: the
// chunks holding every token (chunk_terms), read again and tokenized, as FTS5 reads a phrase's
// positions. Only a token that unicode61 and fts_words.h cut differently makes such a phrase.
std::vector<PgPhrasePosting> pg_phrase_postings(pq::Connection& c, std::int64_t collection_id,
                                                const std::vector<std::string>& phrase, const FtsTokenizer& tokenizer,
                                                bool first_only) {
  std::vector<std::string> distinct = phrase;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  pq::Result r = c.exec(
      "SELECT h.chunk_id, ch.document_id, h.length, ch.text, coalesce(d.title, ''), coalesce(d.title_cjk_terms, ''), "
      "coalesce(ch.cjk_terms, '') FROM (SELECT chunk_id, max(length) AS length FROM chunk_terms "
      "WHERE collection_id = $1 AND term = ANY ($2::text[]) GROUP BY chunk_id HAVING count(*) = $3) h "
      "JOIN chunks ch ON ch.id = h.chunk_id JOIN documents d ON d.id = ch.document_id ORDER BY h.chunk_id",
      {std::to_string(collection_id), pq::to_text_array(distinct), std::to_string(distinct.size())}, false,
      "keyword search");
  std::vector<PgPhrasePosting> out;
  for (int i = 0; i < r.rows(); ++i) {
    const double text = pg_phrase_hits(tokenizer, r.text(i, 3), phrase);
    const double title = pg_phrase_hits(tokenizer, title_column(r.text(i, 4), r.text(i, 5)), phrase);
    const double cjk = pg_phrase_hits(tokenizer, r.text(i, 6), phrase);
    if (text + title + cjk == 0) continue;
    const double f = text * k_keyword_column_weights.text + title * k_keyword_column_weights.title +
                     cjk * k_keyword_column_weights.cjk;
    out.push_back(PgPhrasePosting{r.int64(i, 0), r.int64(i, 1), f, static_cast<std::int32_t>(r.int64(i, 2))});
    if (first_only) break;
  }
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
    if (added) terms.push_back(PgQueryTerm{std::move(tokens), 0, {}, 0, 0, 0, {}});
    terms[it->second].qtf += 1;
    terms[it->second].at.push_back(place++);
  }
  return terms;
}

// The query's single terms (indexes into `terms`) once per phrase they are, in the query's order,
// as strata_bm25 adds the phrases' shares up: a chunk's score summed from its postings in this
// order (the statements below read postings term after term: each joins its terms LATERAL to a
// subquery that OFFSET 0 keeps from being flattened, so no plan can read them in another order)
// is the very double SQLite computes, not one rounded in another order. `keep` selects the terms wanted.
template <typename Keep>
std::vector<std::size_t> pg_in_query_order(const std::vector<PgQueryTerm>& terms, Keep keep) {
  std::vector<std::pair<std::size_t, std::size_t>> places;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].tokens.size() != 1 || !keep(i)) continue;
    for (const std::size_t at : terms[i].at) places.emplace_back(at, i);
  }
  std::sort(places.begin(), places.end());
  std::vector<std::size_t> out;
  for (const auto& [at, i] : places) out.push_back(i);
  return out;
}

// ---- the SQL -----------------------------------------------------------------------------------

// A posting's term of the score (t: chunk_terms, q: the query term), as pg_phrase_score, from
// the constants bound as $first (k1), k1 + 1, 1 - b, b, avgdl and the three column weights. A
// term the query holds twice is two rows of q (pg_in_query_order), added twice as on SQLite.
std::string pg_posting_score(int first = 8) {
  const auto p = [&](int i) { return "$" + std::to_string(first + i) + "::float8"; };
  const std::string f = "(t.text_hits * " + p(5) + " + t.title_hits * " + p(6) + " + t.cjk_hits * " + p(7) + ")";
  return "q.idf * ((" + f + " * " + p(1) + ") / (" + f + " + " + p(0) + " * (" + p(2) + " + " + p(3) + " * t.length / " +
         p(4) + ")))";
}

// The posting of term q.term for chunk `id` (an SQL expression), as a subquery `t` of
// chunk_terms's columns: the one block of the term that can hold the chunk (a term's blocks never
// overlap: the first whose last_chunk is at least `id`), found by one probe of the primary key,
// and the chunk's place in it (array_position); the other arrays read at that place, not
// unnested (200 probes: 1 ms against 15 ms).
std::string pg_probe_sql(const std::string& id) {
  return "(SELECT b.collection_id, b.term, b.chunk_ids[b.i] AS chunk_id, b.document_ids[b.i] AS document_id, "
         "b.text_hits[b.i] AS text_hits, b.title_hits[b.i] AS title_hits, b.cjk_hits[b.i] AS cjk_hits, "
         "b.lengths[b.i] AS length FROM (SELECT y.*, array_position(y.chunk_ids, " + id + ") AS i "
         "FROM chunk_term_blocks y WHERE y.collection_id = $1 AND y.term = q.term AND y.last_chunk >= " + id +
         " ORDER BY y.last_chunk LIMIT 1) b WHERE b.i IS NOT NULL OFFSET 0) t";
}

// The constants of pg_posting_score, in its order.
std::vector<pq::Param> pg_score_constants(const PgBm25& s) {
  return {bm25_exact_text(s.k1), bm25_exact_text(s.k1 + 1.0), bm25_exact_text(1 - s.b), bm25_exact_text(s.b), bm25_exact_text(s.avgdl),
          bm25_exact_text(k_keyword_column_weights.text), bm25_exact_text(k_keyword_column_weights.title),
          bm25_exact_text(k_keyword_column_weights.cjk)};
}

// Scores summed in another order differ in their last bits: every pruning comparison keeps this
// margin on the safe side of them.
constexpr double k_pg_margin = 1e-9;

// Theta is the limit-th best full score of this many times `limit` chunks, the best by their
// partial scores: the more of them, the closer theta to the true limit-th best (copies of one
// document, or chunks strong in a rare term alone, fill the first few `limit`), and the fewer
// chunks left to score in full.
constexpr int k_pg_theta_sample = 5;

// What a pruned statement gives: the rows when the pruning was sound, and in any case theta, a
// floor under the limit-th best full score (the limit-th best of `limit` chunks' full scores).
struct PgPruned {
  std::optional<std::vector<KeywordRow>> rows;
  double theta = 0;
};

// A chunk's partial score: the essential terms' share (phrases' included), summed in the
// query's order.
struct PgPart {
  std::int64_t chunk_id = 0;
  double score = 0;
};

// A term's postings as its blocks hold them, in parallel arrays by ascending chunk id (a term's
// blocks never overlap and are read in order).
struct PgPostings {
  std::vector<std::int64_t> chunk_ids, document_ids, text_hits, title_hits, cjk_hits, lengths;
};

// What one search has read, kept for its later MaxScore attempts: a term made essential by a
// second attempt (or the last, which reads every term) is read once, and so are the documents
// that pass the filters.
struct PgSearchReads {
  std::map<std::string, PgPostings, std::less<>> postings;  // by term
  std::optional<std::unordered_set<std::int64_t>> passing;  // documents passing the filters (none: not read)
};

// Posting k of `p` scored for a term of `idf`: as pg_posting_score computes it in SQL, the hits
// made doubles, then weighted, then pg_phrase_score.
double pg_posting_value(const PgPostings& p, std::size_t k, double idf, const PgBm25& s) {
  const double f = static_cast<double>(p.text_hits[k]) * k_keyword_column_weights.text +
                   static_cast<double>(p.title_hits[k]) * k_keyword_column_weights.title +
                   static_cast<double>(p.cjk_hits[k]) * k_keyword_column_weights.cjk;
  return pg_phrase_score(idf, f, static_cast<double>(p.lengths[k]), s);
}

// Every posting of the essential terms scored and summed per chunk, in the client: the terms'
// blocks read by one statement as binary arrays (unnesting them into rows on the server cost
// three times as much: a pass over 20,406 postings 20 ms against 7 ms a row a posting), each
// posting's score the very expression of pg_phrase_score, added term after term in the query's
// order, then the phrases' postings. Only the chunks of documents passing `filters` are kept.
// The terms' postings, and the documents passing the filters, are read into `reads` unless there
// already.
std::vector<PgPart> pg_essential_parts(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                                       const std::vector<bool>& essential, const std::vector<DocumentFilter>& filters,
                                       const PgBm25& s, PgSearchReads& reads) {
  auto& postings = reads.postings;
  const std::vector<std::size_t> in_order = pg_in_query_order(terms, [&](std::size_t j) { return essential[j]; });
  std::vector<std::string> names;
  for (const std::size_t i : in_order) {
    if (!postings.contains(terms[i].tokens[0])) names.push_back(terms[i].tokens[0]);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  // The documents are needed only to filter: each array sent costs the server about as much as
  // another (one call of the element's send function per element).
  const bool with_documents = !filters.empty();
  if (!names.empty()) {
    const pq::Result r = c.exec(
        std::string("SELECT term, chunk_ids, ") + (with_documents ? "document_ids" : "'{}'::bigint[]") +
            ", text_hits, title_hits, cjk_hits, lengths FROM chunk_term_blocks "
            "WHERE collection_id = $1 AND term = ANY ($2::text[]) ORDER BY term, last_chunk",
        {std::to_string(collection_id), pq::to_text_array(names)}, true, "keyword search");
    for (int i = 0; i < r.rows(); ++i) {
      PgPostings& p = postings[r.str(i, 0)];
      pq::append_int_array(r.text(i, 1), p.chunk_ids, "chunk_term_blocks.chunk_ids");
      pq::append_int_array(r.text(i, 2), p.document_ids, "chunk_term_blocks.document_ids");
      pq::append_int_array(r.text(i, 3), p.text_hits, "chunk_term_blocks.text_hits");
      pq::append_int_array(r.text(i, 4), p.title_hits, "chunk_term_blocks.title_hits");
      pq::append_int_array(r.text(i, 5), p.cjk_hits, "chunk_term_blocks.cjk_hits");
      pq::append_int_array(r.text(i, 6), p.lengths, "chunk_term_blocks.lengths");
      const std::size_t n = p.chunk_ids.size();
      if ((with_documents && p.document_ids.size() != n) || p.text_hits.size() != n || p.title_hits.size() != n ||
          p.cjk_hits.size() != n || p.lengths.size() != n) {
        throw Error(ExitCode::unavailable, "keyword search: a block of term '" + r.str(i, 0) + "' has arrays of different lengths");
      }
    }
  }
  if (with_documents && !reads.passing) {
    std::vector<pq::Param> params{std::to_string(collection_id)};
    const std::string where = filter_conditions(filters, params);
    const pq::Result r = c.exec("SELECT d.id FROM documents d WHERE d.collection_id = $1" + where, params, true, "keyword search");
    reads.passing.emplace();
    for (int i = 0; i < r.rows(); ++i) reads.passing->insert(r.int64(i, 0));
  }
  const std::optional<std::unordered_set<std::int64_t>>& passing = reads.passing;
  std::size_t read = 0;
  for (const std::size_t i : in_order) {
    const auto it = postings.find(terms[i].tokens[0]);
    if (it != postings.end()) read += it->second.chunk_ids.size();
  }
  std::unordered_map<std::int64_t, std::size_t> at;  // chunk id -> its place in `parts`
  at.reserve(read);
  std::vector<PgPart> parts;
  parts.reserve(read);
  const auto add = [&](std::int64_t chunk, std::int64_t document, double score) {
    if (passing && !passing->contains(document)) return;
    const auto [it, added] = at.emplace(chunk, parts.size());
    if (added) {
      parts.push_back(PgPart{chunk, score});
    } else {
      parts[it->second].score += score;
    }
  };
  for (const std::size_t i : in_order) {
    const auto it = postings.find(terms[i].tokens[0]);
    if (it == postings.end()) continue;
    const PgPostings& p = it->second;
    for (std::size_t k = 0; k < p.chunk_ids.size(); ++k) {
      add(p.chunk_ids[k], with_documents ? p.document_ids[k] : 0, pg_posting_value(p, k, terms[i].idf, s));
    }
  }
  for (const PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) continue;
    for (const PgPhrasePosting& p : t.postings) add(p.chunk_id, p.document_id, t.qtf * pg_phrase_score(t.idf, p.f, p.length, s));
  }
  return parts;
}

// Best first: score descending, then chunk id.
bool pg_part_better(const PgPart& x, const PgPart& y) {
  return x.score != y.score ? x.score > y.score : x.chunk_id < y.chunk_id;
}

// The non-essential terms' postings of some chunks, scored: per chunk, one score for each of the
// query's places that such a term holds (pg_in_query_order), NaN where the chunk lacks the term;
// flat, `places` to a chunk (a vector per chunk cost a third of the client's time in allocations).
struct PgOthers {
  std::size_t places = 0;
  std::unordered_map<std::int64_t, std::size_t> at;  // chunk id -> its first score in `scores`
  std::vector<double> scores;

  // The chunk's scores (nullptr without any).
  const double* of(std::int64_t chunk) const {
    const auto it = at.find(chunk);
    return it == at.end() ? nullptr : scores.data() + it->second;
  }
  // The chunk's scores summed in any order (0 without any).
  double sum(std::int64_t chunk) const {
    const double* v = of(chunk);
    double out = 0;
    for (std::size_t i = 0; v != nullptr && i < places; ++i) {
      if (!std::isnan(v[i])) out += v[i];
    }
    return out;
  }
};

// The non-essential terms' postings of each of `ids` (chunks of the collection), scored: an
// index probe per chunk and term when they are few, else one pass over those terms' postings
// keeping the chunks asked for (a hashed = ANY).
PgOthers pg_other_scores(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                         const std::vector<bool>& essential, const PgBm25& s, const std::vector<std::int64_t>& ids,
                         double probe_cost) {
  PgOthers out;
  std::vector<std::string> names;
  std::vector<double> idf;
  std::int64_t postings = 0;
  for (const std::size_t i : pg_in_query_order(terms, [&](std::size_t j) { return !essential[j]; })) {
    names.push_back(terms[i].tokens[0]);
    idf.push_back(terms[i].idf);
  }
  if (ids.empty() || names.empty()) return out;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!essential[i]) postings += terms[i].df;
  }
  std::vector<pq::Param> params = {std::to_string(collection_id), pq::to_text_array(names), bm25_float_array(idf),
                                   pq::binary_int8_array(ids)};
  for (pq::Param& p : pg_score_constants(s)) params.push_back(std::move(p));
  const std::string q = "WITH q (term, idf, n) AS (SELECT * FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY) ";
  const bool probe = static_cast<double>(ids.size()) * static_cast<double>(names.size()) * probe_cost < static_cast<double>(postings);
  // The pass unnests only each block's chunk ids, keeps the places of the chunks asked for, and
  // reads the other arrays at those places: unnesting all six arrays of every posting (the view
  // chunk_terms) took 2.7 times as long (279,347 postings of 3 terms, 19,617 chunks asked for:
  // 146 ms against 53 ms).
  const std::string sql =
      probe ? q + "SELECT a.id, q.n, " + pg_posting_score(5) +
                  " FROM unnest($4::bigint[]) AS a (id) CROSS JOIN q CROSS JOIN LATERAL " + pg_probe_sql("a.id")
            : q + "SELECT b.chunk_ids[u.i], q.n, " + pg_posting_score(5) +
                  " FROM q CROSS JOIN LATERAL (SELECT * FROM chunk_term_blocks y WHERE y.collection_id = $1 AND y.term = q.term "
                  "OFFSET 0) b CROSS JOIN LATERAL unnest(b.chunk_ids) WITH ORDINALITY AS u (chunk_id, i) "
                  "CROSS JOIN LATERAL (SELECT b.text_hits[u.i] AS text_hits, b.title_hits[u.i] AS title_hits, "
                  "b.cjk_hits[u.i] AS cjk_hits, b.lengths[u.i] AS length) t "
                  "WHERE u.chunk_id = ANY ($4::bigint[])";
  const pq::Result r = c.exec(sql, params, {false, false, false, true}, true, "keyword search");
  out.places = names.size();
  out.at.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    const std::int64_t place = r.int64(i, 1) - 1;
    if (place < 0 || static_cast<std::size_t>(place) >= out.places) {
      throw Error(ExitCode::unavailable, "keyword search: the server answered for a term the query does not hold");
    }
    const auto [it, added] = out.at.try_emplace(r.int64(i, 0), out.scores.size());
    if (added) out.scores.resize(out.scores.size() + out.places, std::numeric_limits<double>::quiet_NaN());
    out.scores[it->second + static_cast<std::size_t>(place)] = bm25_float8(r, i, 2);
  }
  return out;
}

// Whether the query holds a phrase of several tokens, whose share is added apart (its scores then
// agree with SQLite's to rounding only).
bool pg_has_phrases(const std::vector<PgQueryTerm>& terms) {
  return std::any_of(terms.begin(), terms.end(), [](const PgQueryTerm& t) { return t.tokens.size() > 1; });
}

// A chunk's exact score: the score of each of its postings added in the query's order
// (pg_in_query_order, a term once per phrase it is), as strata_bm25 adds them on SQLite, so that
// it is the very same double and copies of a text tie exactly. `in_order`: the query's places
// (pg_in_query_order of every term); `essential`: per term, its postings when it is essential,
// else nullptr (its scores are in `o`, which holds every one of them for this chunk).
double pg_exact_score(std::int64_t chunk, const std::vector<PgQueryTerm>& terms, const std::vector<std::size_t>& in_order,
                      const std::vector<const PgPostings*>& essential, const PgOthers& o, const PgBm25& s) {
  const double* others = o.of(chunk);
  double sum = 0;
  std::size_t other_place = 0;
  for (const std::size_t i : in_order) {
    if (essential[i] == nullptr) {
      const double v = others == nullptr ? std::numeric_limits<double>::quiet_NaN() : others[other_place];
      ++other_place;
      if (!std::isnan(v)) sum += v;
      continue;
    }
    const std::vector<std::int64_t>& ids = essential[i]->chunk_ids;
    const auto at = std::lower_bound(ids.begin(), ids.end(), chunk);
    if (at != ids.end() && *at == chunk) {
      sum += pg_posting_value(*essential[i], static_cast<std::size_t>(at - ids.begin()), terms[i].idf, s);
    }
  }
  return sum;
}

// The best `limit` of `rows` (bm25: negative scores), best first: score, then chunk id.
std::vector<KeywordRow> pg_best(std::vector<KeywordRow> rows, std::size_t limit) {
  const auto better = [](const KeywordRow& x, const KeywordRow& y) {
    return x.bm25 != y.bm25 ? x.bm25 < y.bm25 : x.chunk_id < y.chunk_id;
  };
  const std::size_t keep = std::min(limit, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(), better);
  rows.resize(keep);
  return rows;
}

// Every posting of every term scored, summed per chunk in the query's order: exact (but for a
// phrase of several tokens), and as slow as the postings are many.
std::vector<KeywordRow> pg_score_all(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                                     const std::vector<DocumentFilter>& filters, const PgBm25& s, std::size_t limit,
                                     PgSearchReads& reads) {
  const std::vector<PgPart> parts =
      pg_essential_parts(c, collection_id, terms, std::vector<bool>(terms.size(), true), filters, s, reads);
  std::vector<KeywordRow> rows;
  rows.reserve(parts.size());
  for (const PgPart& p : parts) rows.push_back(KeywordRow{p.chunk_id, -p.score});
  return pg_best(std::move(rows), limit);
}

// MaxScore. The chunks holding an essential term get partial scores from those terms (`parts`);
// the best of them that pass the filters (k_pg_theta_sample times `limit`) get their full scores,
// and the limit-th best of these, or `floor` if higher, is theta: the limit-th best full score is
// at least that. A chunk holding no essential term scores at most `rest` (the other terms' bounds
// summed), so when theta > rest none can be among the best; a chunk of `parts` whose partial score
// plus `rest` is below theta cannot either. The others get their full scores (summed in the
// query's order, pg_exact_score), and the best `limit` of them are the answer. When theta <= rest
// the answer would not be sound (nullopt): the caller takes more terms as essential, so many that
// their `rest` is below theta.
PgPruned pg_score_pruned(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                         const std::vector<bool>& essential, const std::vector<DocumentFilter>& filters,
                         const PgBm25& s, std::size_t limit, double floor, double probe_cost, PgSearchReads& reads) {
  double rest = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!essential[i]) rest += terms[i].bound;
  }
  std::vector<PgPart> parts = pg_essential_parts(c, collection_id, terms, essential, filters, s, reads);
  PgPruned out;
  // Theta from the best sample's full scores: their other terms' share by probes (few chunks).
  const std::size_t sample = std::min(parts.size(), limit * static_cast<std::size_t>(k_pg_theta_sample));
  std::partial_sort(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(sample), parts.end(), pg_part_better);
  std::vector<std::int64_t> sample_ids;
  for (std::size_t i = 0; i < sample; ++i) sample_ids.push_back(parts[i].chunk_id);
  const PgOthers sample_others = pg_other_scores(c, collection_id, terms, essential, s, sample_ids, 0.0);
  std::vector<double> full;
  for (std::size_t i = 0; i < sample; ++i) full.push_back(parts[i].score + sample_others.sum(parts[i].chunk_id));
  double limit_th = 0;
  if (full.size() >= limit) {
    std::nth_element(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(limit - 1), full.end(), std::greater<>());
    limit_th = full[limit - 1];
  }
  out.theta = std::max(floor, limit_th);
  if (!(out.theta > rest * (1 + k_pg_margin))) return out;
  std::vector<const PgPart*> kept;
  std::vector<std::int64_t> ids;
  for (const PgPart& p : parts) {
    if ((p.score + rest) * (1 + k_pg_margin) >= out.theta) {
      kept.push_back(&p);
      ids.push_back(p.chunk_id);
    }
  }
  const PgOthers others = pg_other_scores(c, collection_id, terms, essential, s, ids, probe_cost);
  const bool phrases = pg_has_phrases(terms);
  const std::vector<std::size_t> in_order = pg_in_query_order(terms, [](std::size_t) { return true; });
  std::vector<const PgPostings*> postings_of(terms.size(), nullptr);
  static const PgPostings k_no_postings;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!essential[i] || terms[i].tokens.size() != 1) continue;
    const auto it = reads.postings.find(terms[i].tokens[0]);
    postings_of[i] = it == reads.postings.end() ? &k_no_postings : &it->second;
  }
  std::vector<KeywordRow> rows;
  rows.reserve(kept.size());
  for (const PgPart* p : kept) {
    const double score =
        phrases ? p->score + others.sum(p->chunk_id) : pg_exact_score(p->chunk_id, terms, in_order, postings_of, others, s);
    rows.push_back(KeywordRow{p->chunk_id, -score});
  }
  out.rows = pg_best(std::move(rows), limit);
  return out;
}

std::vector<KeywordRow> pg_score(pq::Connection& c, std::int64_t collection_id, const std::vector<PgQueryTerm>& terms,
                                 const std::vector<DocumentFilter>& filters, const PgBm25& s, std::size_t limit,
                                 const Bm25Plan& plan) {
  // Terms by how much they can add, most first (the rarest, mostly): the essential ones are a
  // prefix of this order. Phrases (their postings already read) are always essential.
  std::vector<std::size_t> order;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].tokens.size() != 1) continue;
    order.push_back(i);
    total += terms[i].df;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (terms[x].bound != terms[y].bound) return terms[x].bound > terms[y].bound;
    return terms[x].df < terms[y].df;
  });
  PgSearchReads reads;
  if (total <= plan.essential_postings || order.size() < 2) {
    return pg_score_all(c, collection_id, terms, filters, s, limit, reads);
  }
  // The terms of `order` from `k` on are not essential.
  const auto score_from = [&](std::size_t k, double floor) {
    std::vector<bool> essential(terms.size(), true);
    for (std::size_t j = k; j < order.size(); ++j) essential[order[j]] = false;
    return pg_score_pruned(c, collection_id, terms, essential, filters, s, limit, floor, plan.probe_cost, reads);
  };
  // First the rarest terms whose postings fit the budget (at least one term)...
  std::size_t k = 1;
  for (std::int64_t taken = terms[order[0]].df; k < order.size() && taken + terms[order[k]].df <= plan.essential_postings; ++k) {
    taken += terms[order[k]].df;
  }
  PgPruned first = score_from(k, 0.0);
  if (first.rows) {
    if (plan.pruned_answers != nullptr) ++*plan.pruned_answers;
    return std::move(*first.rows);
  }
  // ...then as many as theta (still a floor: it stands whatever the terms taken) calls for: the
  // other terms' bounds summed below it, so that this attempt is sound.
  double rest = 0;
  std::size_t needed = order.size();
  while (needed > 0 && (rest + terms[order[needed - 1]].bound) * (1 + k_pg_margin) < first.theta) {
    rest += terms[order[--needed]].bound;
  }
  if (needed > k && needed < order.size()) {
    PgPruned second = score_from(needed, first.theta);
    if (second.rows) {
      if (plan.pruned_answers != nullptr) ++*plan.pruned_answers;
      return std::move(*second.rows);
    }
  }
  return pg_score_all(c, collection_id, terms, filters, s, limit, reads);
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
    return c.exec("SELECT EXISTS (SELECT 1 FROM chunk_terms WHERE collection_id = $1 AND term = $2)",
                  {std::to_string(collection_id), tokens[0]}, false, "keyword search")
               .text(0, 0) == "t";
  }
  return !pg_phrase_postings(c, collection_id, tokens, tokenizer, true).empty();
}

std::vector<KeywordRow> bm25_search(pq::Connection& c, std::int64_t collection_id, const std::string& match,
                                    const std::vector<DocumentFilter>& filters, std::size_t limit,
                                    const Bm25Plan& plan) {
  if (limit == 0) return {};
  const FtsTokenizer tokenizer;
  std::vector<PgQueryTerm> terms = pg_query_terms(match, tokenizer);
  if (terms.empty()) return {};
  SearchSnapshot snapshot(c);
  // N and avgdl: the collection's chunks and their tokens (text, title and CJK terms).
  PgBm25 s;
  {
    const pq::Result r = c.exec("SELECT chunk_count, token_count FROM keyword_stats WHERE collection_id = $1",
                                {std::to_string(collection_id)}, false, "keyword search");
    if (r.rows() == 0 || r.int64(0, 0) <= 0) return {};
    s.rows = r.int64(0, 0);
    const std::int64_t tokens = r.int64(0, 1);
    s.avgdl = tokens > 0 ? static_cast<double>(tokens) / static_cast<double>(s.rows) : 1.0;
  }
  // n(p): the chunks holding each term (term_stats), or each phrase (read here).
  std::vector<std::string> names;
  for (const PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) names.push_back(t.tokens[0]);
  }
  std::map<std::string, std::int64_t, std::less<>> df;
  if (!names.empty()) {
    const pq::Result r = c.exec("SELECT term, chunks FROM term_stats WHERE collection_id = $1 AND term = ANY ($2::text[])",
                                {std::to_string(collection_id), pq::to_text_array(names)}, false, "keyword search");
    for (int i = 0; i < r.rows(); ++i) df[r.str(i, 0)] = r.int64(i, 1);
  }
  for (PgQueryTerm& t : terms) {
    if (t.tokens.size() == 1) {
      const auto it = df.find(t.tokens[0]);
      t.df = it == df.end() ? 0 : it->second;
    } else {
      t.postings = pg_phrase_postings(c, collection_id, t.tokens, tokenizer, false);
      t.df = static_cast<std::int64_t>(t.postings.size());
    }
    t.idf = pg_idf(s.rows, t.df);
    t.bound = t.qtf * t.idf * (s.k1 + 1.0);
  }
  std::erase_if(terms, [](const PgQueryTerm& t) { return t.df <= 0; });
  // A query of common terms aggregates hundreds of thousands of postings: in memory, not in
  // batches spilled to disk (the server's default work_mem is 4 MB). For this transaction only.
  if (snapshot.owns()) {
    c.exec("SELECT set_config('work_mem', '64MB', true) WHERE pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024",
           {}, false, "keyword search");
  }
  std::vector<KeywordRow> rows = terms.empty() ? std::vector<KeywordRow>{} : pg_score(c, collection_id, terms, filters, s, limit, plan);
  snapshot.commit();
  return rows;
}

}  // namespace strata::store::pg
