// EmbeddingStore on PostgreSQL (embedding_store.h): each method answers as the SQLite one does.
// Vectors travel as bytea, raw both ways: a batch goes as one INSERT over unnest()ed arrays sent
// in binary (pq/binary_array.h), so it costs one statement, one bump of embedding_generation (its
// trigger fires once per statement) and no hex text: written as hex, a 384-dimension vector was
// 3 KB of text to build, send and decode instead of 1.5 KB copied as it is.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "pq/binary_array.h"
#include "store/postgres/pg_backend.h"

namespace strata::store::pg {
namespace {

// As embedding_store.cpp's cache_provider: the server joins the provider's name unless it is
// the provider's own.
std::string emb_cache_provider(const EmbeddingModel& model, const std::string& scope) {
  return scope.empty() ? model.provider : model.provider + " " + scope;
}

pq::Param emb_dimensions(const EmbeddingModel& m) {
  // 0 is a size still to learn (an unknown model before its first response): NULL until then.
  return m.dimensions > 0 ? pq::Param(std::to_string(m.dimensions)) : std::nullopt;
}

// The collection's model and server ("" recorded as NULL, as rows from before the column).
void emb_record(pq::Connection& db, std::int64_t collection_id, const EmbeddingModel& m) {
  db.exec("UPDATE collections SET embedding_provider = $2, embedding_model = $3, embedding_dimensions = $4, "
          "embedding_server = $5, embedding_query_prefix = $6, embedding_document_prefix = $7 WHERE id = $1",
          {std::to_string(collection_id), m.provider, m.model, emb_dimensions(m),
           m.server.empty() ? std::nullopt : pq::Param(m.server),
           m.query_prefix.empty() ? std::nullopt : pq::Param(m.query_prefix),
           m.document_prefix.empty() ? std::nullopt : pq::Param(m.document_prefix)},
          false, "recording the embedding model");
}

// Taken first by every transaction that writes vectors: the generation trigger updates this row
// anyway, and taking it before any chunk row is locked (the embeddings' foreign key) keeps two
// transactions from taking the two in opposite orders (an ingest deleting chunks cascades to
// embeddings and so to this row).
void emb_lock_generation(pq::Connection& db) {
  db.exec("SELECT 1 FROM embedding_generation WHERE id = 1 FOR UPDATE", {}, false, "writing vectors");
}

// Opens a transaction writing vectors, in one round trip (a batch of 64 vectors costs little
// more than its round trips). Vectors are derived data: as the SQLite store's synchronous =
// NORMAL, its commit does not wait for the server's disk; a server crash can take back the last
// batches (re-embedded next time), never leave them half-written. With `lock`, the generation
// row is taken first (emb_lock_generation).
void emb_begin_vector_write(pq::Connection& db, bool lock) {
  db.exec_script(lock ? "BEGIN; SET LOCAL synchronous_commit = off; "
                        "SELECT 1 FROM embedding_generation WHERE id = 1 FOR UPDATE"
                      : "BEGIN; SET LOCAL synchronous_commit = off",
                 "writing vectors");
}

}  // namespace

Embeddings::Embeddings(Store& store) : store_(store) {}
Embeddings::~Embeddings() = default;

ChunkCounts Embeddings::chunk_counts(std::int64_t collection_id) {
  // Embeddings carry their chunk's collection, and the foreign key removes them with the chunk:
  // two index-only counts instead of a join over every chunk.
  const pq::Result r = pg_connection(store_).exec(
      "SELECT (SELECT count(*) FROM chunks WHERE collection_id = $1), "
      "(SELECT count(*) FROM embeddings WHERE collection_id = $1)",
      {std::to_string(collection_id)}, false, "counting chunks");
  return ChunkCounts{r.int64(0, 0), r.int64(0, 1)};
}

void Embeddings::record_model(std::int64_t collection_id, const EmbeddingModel& model) {
  pq::Connection& db = pg_connection(store_);
  pq::in_transaction(db, [&] { emb_record(db, collection_id, model); });
}

std::int64_t Embeddings::switch_model(std::int64_t collection_id, const EmbeddingModel& model) {
  pq::Connection& db = pg_connection(store_);
  return pq::in_transaction(db, [&] {
    emb_lock_generation(db);
    const std::int64_t dropped =
        db.exec("DELETE FROM embeddings WHERE collection_id = $1", {std::to_string(collection_id)}, false,
                "dropping the collection's vectors")
            .affected();
    emb_record(db, collection_id, model);
    return dropped;
  });
}

std::int64_t Embeddings::count_pending(std::int64_t collection_id) {
  const ChunkCounts counts = chunk_counts(collection_id);
  return counts.chunks - counts.embedded;
}

std::vector<ChunkToEmbed> Embeddings::pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id,
                                                     std::size_t limit) {
  // Keyset paging on chunks (collection_id, id), as the SQLite store pages. The anti-join's own
  // bound on e.chunk_id (implied, but not derived by the planner) starts its scan of the
  // embeddings at the page: without it each page read every vector id below it again, and
  // pages cost more the further a run got (28 ms a page halfway through 131,903 chunks).
  const pq::Result r = pg_connection(store_).exec(
      "SELECT c.id, c.text, d.source, c.ordinal, coalesce(d.title, '') FROM chunks c "
      "JOIN documents d ON d.id = c.document_id "
      "WHERE c.collection_id = $1 AND c.id > $2 "
      "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id AND e.chunk_id > $2) "
      "ORDER BY c.id LIMIT $3",
      {std::to_string(collection_id), std::to_string(after_chunk_id), std::to_string(limit)}, false,
      "reading chunks to embed");
  std::vector<ChunkToEmbed> page;
  page.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    page.push_back(ChunkToEmbed{r.int64(i, 0), r.str(i, 1), r.str(i, 2), r.int64(i, 3), r.str(i, 4)});
  }
  return page;
}

std::optional<std::int64_t> Embeddings::known_dimensions(const std::string& provider, const std::string& model) {
  // starts_with rather than SQLite's range on ' '..'!': a text range follows the database's
  // collation, in which punctuation may not sort by code point. Ties go to the smaller size, as
  // SQLite's grouped rows come out.
  const pq::Result r = pg_connection(store_).exec(
      "SELECT d FROM ("
      " SELECT embedding_dimensions AS d, 1 AS pref, count(*) AS n FROM collections"
      "  WHERE embedding_provider = $1 AND embedding_model = $2 AND embedding_dimensions IS NOT NULL"
      "  GROUP BY embedding_dimensions"
      " UNION ALL"
      " SELECT dimensions, 2, count(*) FROM embedding_cache"
      "  WHERE (provider = $1 OR starts_with(provider, $1 || ' ')) AND model = $2"
      "  GROUP BY dimensions"
      ") AS known ORDER BY pref, n DESC, d LIMIT 1",
      {provider, model}, false, "reading the model's size");
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

std::optional<std::string> Embeddings::cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                                     const std::string& scope) {
  const pq::Result r = pg_connection(store_).exec(
      "SELECT vector FROM embedding_cache WHERE provider = $1 AND model = $2 AND dimensions = $3 AND text_sha256 = $4",
      {emb_cache_provider(model, scope), model.model, std::to_string(model.dimensions), text_sha256}, true,
      "reading the vector cache");
  if (r.rows() == 0) return std::nullopt;
  return r.bytes(0, 0);
}

void Embeddings::store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                               std::optional<std::int64_t> record_on, const std::string& scope) {
  // A chunk named twice keeps its last vector (SQLite's INSERT OR REPLACE); one statement may
  // not update a row twice.
  std::map<std::int64_t, std::size_t> vector_of_chunk;
  std::vector<std::string> cache_sha;
  std::vector<std::string_view> cache_vectors;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const std::int64_t id : rows[i].chunk_ids) vector_of_chunk[id] = i;
    if (rows[i].cache) {
      cache_sha.push_back(rows[i].text_sha256);
      cache_vectors.push_back(rows[i].blob);
    }
  }
  std::vector<std::int64_t> ids;
  std::vector<std::string_view> vectors;
  ids.reserve(vector_of_chunk.size());
  vectors.reserve(vector_of_chunk.size());
  for (const auto& [id, row] : vector_of_chunk) {
    ids.push_back(id);
    vectors.push_back(rows[row].blob);
  }

  pq::Connection& db = pg_connection(store_);
  try {
    emb_begin_vector_write(db, !ids.empty());
    if (record_on) emb_record(db, *record_on, model);
    // As SQLite's INSERT OR IGNORE, the cache skips a row that is already there and one whose
    // size is not the model's (its CHECK); the embeddings row of that chunk is still written.
    if (!cache_sha.empty()) {
      db.exec("INSERT INTO embedding_cache (provider, model, dimensions, text_sha256, vector) "
              "SELECT $1, $2, $3, u.sha, u.v FROM unnest($4::text[], $5::bytea[]) AS u (sha, v) "
              "WHERE length(u.v) = 4 * $3::bigint ON CONFLICT DO NOTHING",
              {emb_cache_provider(model, scope), model.model, std::to_string(model.dimensions),
               pq::to_text_array(cache_sha), pq::binary_bytea_array(cache_vectors)},
              {false, false, false, false, true}, false, "writing the vector cache");
    }
    if (!ids.empty()) {
      // Only chunks still there, share-locked so that a concurrent re-ingest cannot delete them
      // before the foreign key is checked (a chunk deleted meanwhile is skipped, as in SQLite).
      // ON CONFLICT: a second `strata embed` running at the same time may have stored it first.
      db.exec("WITH live AS (SELECT id, collection_id FROM chunks WHERE id = ANY ($1::bigint[]) FOR KEY SHARE) "
              "INSERT INTO embeddings (chunk_id, collection_id, vector) "
              "SELECT u.id, live.collection_id, u.v FROM unnest($1::bigint[], $2::bytea[]) AS u (id, v) "
              "JOIN live ON live.id = u.id "
              "ON CONFLICT (chunk_id) DO UPDATE SET vector = excluded.vector, collection_id = excluded.collection_id",
              {pq::binary_int8_array(ids), pq::binary_bytea_array(vectors)}, {true, true}, false, "writing vectors");
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

std::optional<std::string> Embeddings::chunk_vector(std::int64_t chunk_id) {
  const pq::Result r = pg_connection(store_).exec("SELECT vector FROM embeddings WHERE chunk_id = $1",
                                                  {std::to_string(chunk_id)}, true, "reading a vector");
  if (r.rows() == 0) return std::nullopt;
  return r.bytes(0, 0);
}

std::unique_ptr<EmbeddingsBackend> Backend::embeddings(Store& store) { return std::make_unique<Embeddings>(store); }

}  // namespace strata::store::pg
