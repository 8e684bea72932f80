// embedding_store.h: the store's backend's embeddings (backend.h, EmbeddingsBackend).
#include "store/embedding_store.h"

#include "store/backend.h"

namespace strata::store {

EmbeddingStore::EmbeddingStore(Store& store) : impl_(store.backend().embeddings(store)) {}
EmbeddingStore::~EmbeddingStore() = default;

ChunkCounts EmbeddingStore::chunk_counts(std::int64_t collection_id) { return impl_->chunk_counts(collection_id); }

void EmbeddingStore::record_model(std::int64_t collection_id, const EmbeddingModel& model) {
  impl_->record_model(collection_id, model);
}

std::int64_t EmbeddingStore::switch_model(std::int64_t collection_id, const EmbeddingModel& model) {
  return impl_->switch_model(collection_id, model);
}

std::int64_t EmbeddingStore::count_pending(std::int64_t collection_id) { return impl_->count_pending(collection_id); }

std::vector<ChunkToEmbed> EmbeddingStore::pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id,
                                                         std::size_t limit) {
  return impl_->pending_chunks(collection_id, after_chunk_id, limit);
}

std::optional<std::int64_t> EmbeddingStore::known_dimensions(const std::string& provider, const std::string& model) {
  return impl_->known_dimensions(provider, model);
}

std::optional<std::string> EmbeddingStore::cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                                         const std::string& scope) {
  return impl_->cached_vector(model, text_sha256, scope);
}

void EmbeddingStore::store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                                   std::optional<std::int64_t> record_on, const std::string& scope) {
  impl_->store_vectors(model, rows, record_on, scope);
}

std::optional<std::string> EmbeddingStore::chunk_vector(std::int64_t chunk_id) { return impl_->chunk_vector(chunk_id); }

}  // namespace strata::store
