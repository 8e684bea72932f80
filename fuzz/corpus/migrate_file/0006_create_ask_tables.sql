-- `strata ask`: conversations and their messages (for --continue / --conversation), a log of
-- every answer given (listed by `strata logs`), and a cache of model answers keyed by what
-- determines them, so that asking the same thing twice costs no network call.
-- migrate:up
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  collection TEXT NOT NULL,        -- by name: a conversation outlives a re-created collection
  title TEXT NOT NULL,             -- the first question, cut to 200 bytes
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The turns a follow-up question is sent with: each question as the user asked it (without the
-- sources it was asked with, which would crowd the window) and the answer as it was given.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

CREATE TABLE llm_calls (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
  collection TEXT NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,            -- as far as it came, for a partial or failed call
  provider TEXT NOT NULL,          -- 'openai', 'anthropic' or 'none' (the offline answer)
  model TEXT NOT NULL,             -- 'extractive' for the offline answer
  endpoint TEXT,                   -- the URL posted to; NULL offline
  status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'error')),
  error TEXT,                      -- the message a partial or failed call ended with
  cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1)),
  input_tokens INTEGER,            -- as the provider reported them; NULL when it did not
  output_tokens INTEGER,
  latency_ms REAL NOT NULL,        -- the model's part: request sent to last byte (0 when cached)
  total_ms REAL NOT NULL,          -- the whole command, retrieval included
  chunk_ids TEXT NOT NULL,         -- JSON array of the chunk ids the prompt held, in source order
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX llm_calls_conversation_idx ON llm_calls (conversation_id, id);

-- Keyed by the sha256 of (endpoint, request body): the body holds the model, the parameters,
-- the instructions and every message, so any change to them is another key.
CREATE TABLE response_cache (
  key TEXT PRIMARY KEY,            -- lowercase hex
  answer TEXT NOT NULL,
  model TEXT NOT NULL,             -- as the server named it
  finish_reason TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- migrate:down
DROP TABLE response_cache;
DROP INDEX llm_calls_conversation_idx;
DROP TABLE llm_calls;
DROP INDEX messages_conversation_idx;
DROP TABLE messages;
DROP TABLE conversations;
