// The mcp_sessions table on SQLite (mcp_sessions.h; migrations/0022).
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/mcp_sessions.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {

void Backend::save_mcp_session(Store& store, const std::string& id, const std::string& key, int version,
                               const std::string& at, const std::string& stale_before) {
  try {
    SQLite::Statement gone(database(store), "DELETE FROM mcp_sessions WHERE last_used_at < ?");
    gone.bind(1, stale_before);
    gone.exec();
    SQLite::Statement q(database(store),
                        "INSERT INTO mcp_sessions (id, key, version, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?4) "
                        "ON CONFLICT (id) DO UPDATE SET version = ?3, last_used_at = ?4 WHERE mcp_sessions.key = ?2");
    q.bind(1, id);
    q.bind(2, key);
    q.bind(3, version);
    q.bind(4, at);
    q.exec();
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "recording an MCP session");
  }
}

std::optional<int> Backend::use_mcp_session(Store& store, const std::string& id, const std::string& key,
                                            const std::string& at, const std::string& stale_before) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE mcp_sessions SET last_used_at = ? WHERE id = ? AND key = ? AND last_used_at >= ? "
                        "RETURNING version");
    q.bind(1, at);
    q.bind(2, id);
    q.bind(3, key);
    q.bind(4, stale_before);
    if (!q.executeStep()) return std::nullopt;
    const int version = q.getColumn(0).getInt();
    while (q.executeStep()) {
    }
    return version;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading an MCP session");
  }
}

bool Backend::end_mcp_session(Store& store, const std::string& id, const std::string& key) {
  try {
    SQLite::Statement q(database(store), "DELETE FROM mcp_sessions WHERE id = ? AND key = ?");
    q.bind(1, id);
    q.bind(2, key);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "ending an MCP session");
  }
}

}  // namespace strata::store::sqlite_store
