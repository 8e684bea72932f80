// Temporary: replaced by the implementation.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "common/error.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {

Embeddings::Embeddings(Store& store) : store_(store) {}
Embeddings::~Embeddings() = default;
ChunkCounts Embeddings::chunk_counts(std::int64_t collection_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Embeddings::record_model(std::int64_t collection_id, const EmbeddingModel& model) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::int64_t Embeddings::switch_model(std::int64_t collection_id, const EmbeddingModel& model) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::int64_t Embeddings::count_pending(std::int64_t collection_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<ChunkToEmbed> Embeddings::pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id, std::size_t limit) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<std::int64_t> Embeddings::known_dimensions(const std::string& provider, const std::string& model) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<std::string> Embeddings::cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                           const std::string& scope) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Embeddings::store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows, std::optional<std::int64_t> record_on,
                     const std::string& scope) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<std::string> Embeddings::chunk_vector(std::int64_t chunk_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }

}  // namespace strata::store::pg
