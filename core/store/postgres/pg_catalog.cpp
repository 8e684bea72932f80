// Temporary: replaced by the implementation.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "common/error.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {

std::optional<CollectionInfo> find_collection(Store& store, const std::string& name, CollectionDetail detail) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<CollectionInfo> list_collections(Store& store) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::string> collection_names(Store& store) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
CollectionInfo remove_collection(Store& store, const std::string& name) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<DocumentSummary> find_document(Store& store, const std::string& collection, const std::string& source) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<std::string> document_sources(Store& store, const std::string& collection) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::string document_text(Store& store, std::int64_t document_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }

}  // namespace strata::store::pg
