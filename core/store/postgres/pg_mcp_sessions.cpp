// The mcp_sessions table on PostgreSQL (mcp_sessions.h; migrations/postgres/0011), answering as
// the SQLite store does.
#include <string>

#include "common/error.h"
#include "store/mcp_sessions.h"
#include "store/postgres/pg_backend.h"

namespace strata::store::pg {

void Backend::save_mcp_session(Store& /*store*/, const std::string& id, const std::string& key, int version,
                               const std::string& at, const std::string& stale_before) {
  pq::Connection& c = connection();
  c.exec("DELETE FROM mcp_sessions WHERE last_used_at < $1", {stale_before}, false, "recording an MCP session");
  c.exec(
      "INSERT INTO mcp_sessions (id, key, version, created_at, last_used_at) VALUES ($1, $2, $3::int, $4, $4) "
      "ON CONFLICT (id) DO UPDATE SET version = $3::int, last_used_at = $4 WHERE mcp_sessions.key = $2",
      {id, key, std::to_string(version), at}, false, "recording an MCP session");
}

std::optional<int> Backend::use_mcp_session(Store& /*store*/, const std::string& id, const std::string& key,
                                            const std::string& at, const std::string& stale_before) {
  const pq::Result r = connection().exec_prepared(
      "strata_use_mcp_session",
      "UPDATE mcp_sessions SET last_used_at = $1 WHERE id = $2 AND key = $3 AND last_used_at >= $4 RETURNING version",
      {at, id, key, stale_before}, false, "reading an MCP session");
  if (r.rows() == 0) return std::nullopt;
  return static_cast<int>(r.int64(0, 0));
}

bool Backend::end_mcp_session(Store& /*store*/, const std::string& id, const std::string& key) {
  const pq::Result r =
      connection().exec("DELETE FROM mcp_sessions WHERE id = $1 AND key = $2", {id, key}, false, "ending an MCP session");
  return r.affected() == 1;
}

}  // namespace strata::store::pg
