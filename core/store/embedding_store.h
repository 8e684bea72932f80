#pragma once
// The store's embedding tables (migration 0004): each collection's embedding model, one vector
// per chunk, and the vector cache keyed by (provider, model, dimensions, sha256 of the text).
// All their SQL is here. Vectors cross this API as blobs (little-endian float32), so the store
// does not depend on core/embed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace strata::store {

class EmbeddingsBackend;

// The most dimensions a collection's vectors may have: a size read from a store is data, and
// reading vectors allocates rows times this many floats. Embedding models make at most a few
// thousand (text-embedding-3-large 3,072; the local model 8,192).
inline constexpr std::int64_t k_max_vector_dimensions = 65'536;

struct EmbeddingModel {
  EmbeddingModel() = default;
  // The server is optional here, as in the store: most code names a model by its first three.
  EmbeddingModel(std::string provider_name, std::string model_name, std::int64_t size, std::string server_url = {})
      : provider(std::move(provider_name)), model(std::move(model_name)), dimensions(size), server(std::move(server_url)) {}

  std::string provider;
  std::string model;
  std::int64_t dimensions = 0;
  // The server the vectors came from (net::server_of of its base URL: no userinfo, query or
  // fragment), recorded with the model (migration 0014). "": the local provider, or a
  // collection recorded before the server was (unknown).
  std::string server;
  // The text put before every query and before every chunk when they were embedded (migration
  // 0017; embed/model_prefixes.h has the known models' own). "": none, as in every collection
  // recorded before the prefixes were. Part of what the vectors are: a query embedded without
  // the collection's query prefix is a different model's query.
  std::string query_prefix;
  std::string document_prefix;

  bool operator==(const EmbeddingModel&) const = default;
};

// A collection's chunks counted row by row, and of those the ones with a vector (the collection
// itself: collections.h, find_collection).
struct ChunkCounts {
  std::int64_t chunks = 0;
  std::int64_t embedded = 0;
};

struct ChunkToEmbed {
  std::int64_t chunk_id = 0;
  std::string text;
  std::string source;    // the document's source
  std::int64_t ordinal = 0;
  std::string title;     // the document's title; "" when it has none
};

// Vectors to store: one blob for every chunk in `chunk_ids` (identical texts share one), and a
// cache row when `cache` is set.
struct VectorRow {
  std::vector<std::int64_t> chunk_ids;
  std::string blob;
  std::string text_sha256;  // lowercase hex; empty when not cached
  bool cache = false;
};

class EmbeddingStore {
 public:
  // REQUIRES: `store` outlives this object. Every method throws Error(unavailable) naming the
  // store when SQLite fails (busy beyond the store's timeout, disk full, read-only).
  //
  // While this object lives, the store's connection commits with PRAGMA synchronous = NORMAL
  // (restored afterwards): in WAL mode a commit then does not wait for the disk, and the store
  // stays consistent through a crash or kill -9; only a power loss can take back the last few
  // commits. Vectors are derived data, so that costs at most re-embedding a batch or two,
  // while an fsync per batch can cost more than the request that made it. It also raises the
  // connection's page cache to 64 MB (restored afterwards) for the cache table's random access.
  explicit EmbeddingStore(Store& store);
  ~EmbeddingStore();
  EmbeddingStore(const EmbeddingStore&) = delete;
  EmbeddingStore& operator=(const EmbeddingStore&) = delete;

  // Visits every chunk of the collection.
  ChunkCounts chunk_counts(std::int64_t collection_id);

  // Records the collection's model and server (in its own transaction).
  void record_model(std::int64_t collection_id, const EmbeddingModel& model);
  // Drops every vector of the collection and records `model`, in one transaction, so that a
  // crash leaves either the old model with its vectors or the new one with none. Returns the
  // number of vectors dropped. The cache keeps the old vectors (switching back is free).
  std::int64_t switch_model(std::int64_t collection_id, const EmbeddingModel& model);

  // Chunks of the collection without a vector.
  std::int64_t count_pending(std::int64_t collection_id);
  // The next `limit` of them with an id above `after_chunk_id`, in id order (keyset paging:
  // each page is one short query, so nothing is held open while batches are stored).
  std::vector<ChunkToEmbed> pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id, std::size_t limit);

  // The size this store has seen for (provider, model): recorded on a collection, else in the
  // cache (the most common one). nullopt when neither knows it.
  std::optional<std::int64_t> known_dimensions(const std::string& provider, const std::string& model);

  // The cached vector blob for the text whose sha256 is `text_sha256` under `model`, made by the
  // server `scope` names (embed::Provider::cache_scope; "" for the local models and the
  // provider's own API). Two servers may serve different vectors under one model name: a
  // cache keyed by the model alone gave a collection re-embedded against another server the
  // first server's vectors.
  std::optional<std::string> cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                           const std::string& scope = "");

  // Stores `rows` in one transaction: cache rows (under `model`) and embeddings rows. A chunk
  // deleted meanwhile (a concurrent re-ingest) is skipped. When `record_on` is set, the
  // collection's model is recorded in the same transaction (a model whose size was learnt from
  // the first response).
  void store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                     std::optional<std::int64_t> record_on = std::nullopt, const std::string& scope = "");

  // The vector blob of a chunk, if it has one.
  std::optional<std::string> chunk_vector(std::int64_t chunk_id);

 private:
  std::unique_ptr<EmbeddingsBackend> impl_;  // the store's backend's (backend.h)
};

}  // namespace strata::store
