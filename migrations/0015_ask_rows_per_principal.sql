-- Whose the ask tables' rows are. A store is data from elsewhere (a repository's committed
-- store, a copy a colleague passed on): what it holds must never answer for the user's model
-- unless the user wrote it. Each conversation and logged call records its principal (the id of
-- the key in the user's state folder, "key:" and 16 hex digits; later an API key's id), and each
-- message and cache entry a MAC under that key (HMAC-SHA256 of what it vouches for: see
-- core/store/ask_rows.h). Rows from before carry none: they never answer nor are continued.
-- The cache is keyed per principal and is rebuilt empty (its entries are only a saving).
-- migrate:up
ALTER TABLE conversations ADD COLUMN principal TEXT;
CREATE INDEX conversations_principal_idx ON conversations (principal, updated_at);
ALTER TABLE messages ADD COLUMN mac TEXT;
ALTER TABLE llm_calls ADD COLUMN principal TEXT;
DROP TABLE response_cache;
CREATE TABLE response_cache (
  principal TEXT NOT NULL,
  key TEXT NOT NULL,               -- lowercase hex: sha256 of (endpoint, request body)
  answer TEXT NOT NULL,
  model TEXT NOT NULL,
  finish_reason TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  mac TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (principal, key)
) WITHOUT ROWID;

-- migrate:down
DROP TABLE response_cache;
CREATE TABLE response_cache (
  key TEXT PRIMARY KEY,
  answer TEXT NOT NULL,
  model TEXT NOT NULL,
  finish_reason TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;
ALTER TABLE llm_calls DROP COLUMN principal;
ALTER TABLE messages DROP COLUMN mac;
DROP INDEX conversations_principal_idx;
ALTER TABLE conversations DROP COLUMN principal;
