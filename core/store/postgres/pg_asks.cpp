// Temporary: replaced by the implementation.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "common/error.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {

Asks::Asks(Store& store) : store_(store) {}
std::optional<std::int64_t> Asks::last_conversation() { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<Conversation> Asks::conversation(std::int64_t id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<CachedAnswer> Asks::cached_answer(const std::string& key) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
AskStore::Written Asks::write(const AskRecord& record) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::vector<LlmCall> Asks::calls(std::size_t limit, std::optional<std::int64_t> conversation) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }
std::optional<LlmCall> Asks::call(std::int64_t id) { throw Error(ExitCode::unavailable, "not yet on PostgreSQL"); }

}  // namespace strata::store::pg
