// Temporary: replaced by the implementation.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "common/error.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {

bool any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
bool collection_is_whole_store(Store& store, std::int64_t collection_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id,
                                              const std::vector<std::string>& words) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
VectorFingerprint vector_fingerprint(Store& store) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }

}  // namespace strata::store::pg
