-- MCP sessions of `strata serve` (the initialize era's Mcp-Session-Id) kept in the store, so that
-- a session opened through one server works through another on the same store
-- (store/mcp_sessions.h): who opened it (a key's name, '' without keys), the revision it
-- negotiated (its index in the server's list), and when it was opened and last used (ISO 8601
-- UTC text written by strata).

-- migrate:up
CREATE TABLE mcp_sessions (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL
);
CREATE INDEX mcp_sessions_by_last_use ON mcp_sessions (last_used_at);

-- migrate:down
DROP TABLE mcp_sessions;
