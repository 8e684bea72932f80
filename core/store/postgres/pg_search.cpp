// search_store.h on PostgreSQL: the same answers as search_store.cpp gives on SQLite, from the
// tables of migrations/postgres/0001. Keyword ranking is pg_bm25.cpp's; filters pg_filters.cpp's.
#include <algorithm>
#include <bit>
#include <cstring>

#include "common/error.h"
#include "common/setting.h"
#include "common/sha256.h"
#include "common/text.h"
#include "pq/binary_copy.h"
#include "store/document_rules.h"
#include "store/fts_tokenizer.h"
#include "store/postgres/pg_bm25.h"
#include "store/postgres/pg_filters.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_search_snapshot.h"

namespace strata::store::pg {
namespace {

static_assert(std::endian::native == std::endian::little, "vector bytes are little-endian float32, copied as they are");

std::string search_param_id(std::int64_t id) { return std::to_string(id); }

bool search_true(const pq::Result& r) { return r.rows() > 0 && r.text(0, 0) == "t"; }


}  // namespace

bool Backend::any_document_passes(Store& /*store*/, std::int64_t collection_id, const std::vector<DocumentFilter>& filters) {
  std::vector<pq::Param> params{search_param_id(collection_id)};
  const std::string where = filter_conditions(filters, params);
  return search_true(connection().exec(
      "SELECT EXISTS (SELECT 1 FROM documents d WHERE d.collection_id = $1" + where + ")", params, false,
      "reading documents"));
}

bool Backend::collection_is_whole_store(Store& /*store*/, std::int64_t collection_id) {
  // Two seeks on documents_path_idx (collection_id, path), as on SQLite.
  return !search_true(connection().exec(
      "SELECT EXISTS (SELECT 1 FROM documents WHERE collection_id < $1) "
      "OR EXISTS (SELECT 1 FROM documents WHERE collection_id > $1)",
      {search_param_id(collection_id)}, false, "reading collections"));
}

std::vector<std::string> Backend::terms_not_in_collection(Store& /*store*/, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms) {
  pq::Connection& c = connection();
  const FtsTokenizer tokenizer;
  SearchSnapshot snapshot(c);
  std::vector<std::string> absent;
  for (const std::string& term : terms) {
    // `term` is an FTS5 expression (one quoted term): absent when none of its phrases is there.
    bool found = false;
    for (const std::vector<std::string>& tokens : match_phrases(term, tokenizer)) {
      if (!tokens.empty() && collection_has_phrase(c, collection_id, tokens, tokenizer)) {
        found = true;
        break;
      }
    }
    if (!found) absent.push_back(term);
  }
  snapshot.commit();
  return absent;
}

std::vector<std::string> Backend::words_inside_no_term(Store& store, std::int64_t collection_id, const std::vector<std::string>& words) {
  pq::Connection& c = connection();
  SearchSnapshot snapshot(c);
  // SQLite's vocabulary also holds the scope column's tokens ("c12", one per collection), which
  // count there when the collection is the whole store: so they do here.
  const bool whole_store = collection_is_whole_store(store, collection_id);
  const std::string scope_term = "c" + std::to_string(collection_id);
  std::vector<std::string> out;
  for (const std::string& w : words) {
    // SQLite matches `term GLOB '*word*'` (the word in lower case): a substring, unless the word
    // holds GLOB's own characters, which then keep their meaning.
    const std::string lower = to_lower(w);
    const bool plain = lower.find_first_of("*?[") == std::string::npos;
    const std::optional<std::string> regex = plain ? std::nullopt : glob_regex("*" + lower + "*");
    bool inside = false;
    if (plain && whole_store) inside = scope_term.find(lower) != std::string::npos;
    if (!inside && (plain || regex)) {
      inside = search_true(c.exec(std::string("SELECT EXISTS (SELECT 1 FROM term_stats WHERE collection_id = $1 AND chunks > 0 AND ") +
                                  (plain ? "strpos(term, $2) > 0" : "term ~ $2") + ")",
                              {search_param_id(collection_id), plain ? lower : *regex}, false, "keyword search"));
    }
    if (!inside) out.push_back(w);
  }
  snapshot.commit();
  return out;
}

std::vector<KeywordRow> Backend::keyword_search(Store& /*store*/, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit,
                                       bool in_memory, const KeywordRanking& ranking) {
  return bm25_search(connection(), collection_id, match, filters, limit, ranking, in_memory);
}

std::vector<std::int64_t> Backend::filtered_chunk_ids(Store& /*store*/, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters) {
  std::vector<pq::Param> params{search_param_id(collection_id)};
  const std::string where = filter_conditions(filters, params);
  const pq::Result r = connection().exec(
      "SELECT c.id FROM documents d JOIN chunks c ON c.document_id = d.id WHERE d.collection_id = $1" + where +
          " ORDER BY c.id",
      params, true, "filtering documents");
  std::vector<std::int64_t> ids;
  ids.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) ids.push_back(r.int64(i, 0));
  return ids;
}

VectorFingerprint Backend::vector_fingerprint(Store& /*store*/) {
  pq::Connection& c = connection();
  const pq::Result r =
      c.exec("SELECT store_id, generation FROM embedding_generation WHERE id = 1", {}, false, "reading vectors");
  if (r.rows() == 0) return VectorFingerprint{};
  // The server's store_id alone is a value any store's owner can set: a second store given a
  // first's id and generation would file its vectors where the first's snapshot is looked for,
  // and the first's searches would rank by them. So the id a snapshot is filed and checked
  // under (search/vector_snapshot.h) is also keyed by what the user named: the server, database
  // and schema as this connection reached them (its URL without the password).
  return VectorFingerprint{sha256_hex(c.display() + '\0' + r.str(0, 0)), r.int64(0, 1)};
}

CollectionVectors Backend::load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) {
  pq::Connection& c = connection();
  CollectionVectors out;
  out.dims = dims;
  // One snapshot: the fingerprint describes exactly the vectors read.
  SearchSnapshot snapshot(c);
  out.fingerprint = vector_fingerprint(store);
  const std::size_t bytes = dims * sizeof(float);
  // Room for them all at once: growing by one batch at a time copied the matrix read so far on
  // every batch (1,318,324 vectors of 384: 66 copies of up to 2 GB).
  const pq::Result count = c.exec("SELECT count(*) FROM embeddings WHERE collection_id = $1", {search_param_id(collection_id)},
                                  false, "reading vectors");
  const auto expected = static_cast<std::size_t>(std::max<std::int64_t>(0, count.int64(0, 0)));
  out.chunk_ids.reserve(expected);
  out.matrix.reserve(expected * dims);
  // One binary COPY: the vectors stream in a row at a time (libpq holds no whole result: a
  // 1,000,000-chunk collection is 1.5 GB of 384-dimension vectors), in place of a query per
  // 20,000 (66 round trips for 1,318,324 vectors, each finding its place in the index again).
  pq::BinaryCopyReader reader(2, "reading vectors", [&](pq::BinaryCopyReader::Row row) {
    if (!row[0] || !row[1]) throw Error(ExitCode::unavailable, store.path() + ": reading vectors: a row without its chunk or vector");
    const std::int64_t id = pq::binary_int8(*row[0], "reading vectors");
    const std::string_view v = *row[1];
    if (v.size() != bytes) {
      throw Error(ExitCode::invalid_input,
                  store.path() + ": chunk " + std::to_string(id) + " has a vector of " + std::to_string(v.size() / 4) +
                      " dimensions, the collection's model has " + std::to_string(dims),
                  "re-embed the collection: strata embed " + command_mention(Setting::switch_model));
    }
    out.chunk_ids.push_back(id);
    const std::size_t at = out.matrix.size();
    out.matrix.resize(at + dims);
    std::memcpy(out.matrix.data() + at, v.data(), bytes);
  });
  c.copy_out("COPY (SELECT chunk_id, vector FROM embeddings WHERE collection_id = " + std::to_string(collection_id) +
                 " ORDER BY chunk_id) TO STDOUT (FORMAT binary)",
             [&](std::string_view piece) { reader.feed(piece); }, "reading vectors");
  reader.finish();
  snapshot.commit();
  return out;
}

std::vector<std::int64_t> Backend::chunk_documents(Store& /*store*/, const std::vector<std::int64_t>& chunk_ids) {
  if (chunk_ids.empty()) return {};
  const pq::Result r = connection().exec(
      "SELECT coalesce(c.document_id, 0) FROM unnest($1::bigint[]) WITH ORDINALITY AS x (id, n) "
      "LEFT JOIN chunks c ON c.id = x.id ORDER BY x.n",
      {pq::to_int_array(chunk_ids)}, true, "reading chunks");
  std::vector<std::int64_t> out;
  out.reserve(chunk_ids.size());
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.int64(i, 0));
  return out;
}

std::vector<ChunkRef> Backend::chunk_refs(Store& /*store*/, const std::vector<std::int64_t>& chunk_ids) {
  if (chunk_ids.empty()) return {};
  const pq::Result r = connection().exec(
      "SELECT c.id, c.document_id, d.source, coalesce(d.title, ''), c.start_byte, c.end_byte, c.line_start, c.line_end, "
      "c.page, coalesce(c.page_end, c.page), c.text, coalesce(c.headings, '[]') FROM unnest($1::bigint[]) WITH ORDINALITY AS x (id, n) "
      "JOIN chunks c ON c.id = x.id JOIN documents d ON d.id = c.document_id ORDER BY x.n",
      {pq::to_int_array(chunk_ids)}, false, "reading chunks");
  const auto size = [&](int row, int column) { return static_cast<std::size_t>(r.int64(row, column)); };
  std::vector<ChunkRef> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    ChunkRef c;
    c.chunk_id = r.int64(i, 0);
    c.document_id = r.int64(i, 1);
    c.source = r.str(i, 2);
    c.title = r.str(i, 3);
    c.byte_start = size(i, 4);
    c.byte_end = size(i, 5);
    c.line_start = size(i, 6);
    c.line_end = size(i, 7);
    if (!r.is_null(i, 8)) {
      c.page_start = size(i, 8);
      c.page_end = size(i, 9);
    }
    c.text = r.str(i, 10);
    c.section = section_of(r.str(i, 11), c.title);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace strata::store::pg
