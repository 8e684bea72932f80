-- MCP sessions of `strata serve` kept in the store, as migrations/0022 on SQLite: a session
-- opened through one replica works through another. Every role the grants name writes it.

-- migrate:up
CREATE TABLE mcp_sessions (
  id TEXT COLLATE "C" PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL
);
CREATE INDEX mcp_sessions_by_last_use ON mcp_sessions (last_used_at);

-- migrate:down
DROP TABLE mcp_sessions;
