// Temporary: replaced by the implementation.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "common/error.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {

struct Writer::Impl {};
Writer::Writer(Store& store, std::string collection, std::string config_json, bool record_config) { (void)store; throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
Writer::~Writer() = default;
std::optional<StoredDocument> Writer::find(const std::string& source) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<std::int64_t> Writer::known_config_id() { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Writer::begin() { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Writer::commit() { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
bool Writer::in_transaction() const { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
PutResult Writer::put(const DocumentRecord& doc, bool force) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<StoredDocument> Writer::files_under(const std::string& folder) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<MisnamedDocument> Writer::documents_named_apart(const std::string& root) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Writer::rename(std::int64_t document_id, const std::string& source) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
void Writer::remove(std::int64_t document_id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }

}  // namespace strata::store::pg
