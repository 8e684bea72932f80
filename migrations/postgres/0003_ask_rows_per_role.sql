-- Whose the ask tables' rows are, on a server several people share. Each row of conversations,
-- messages, llm_calls and response_cache records the database role that wrote it (owner_role),
-- and row-level security keeps every role, the tables' owner included (FORCE), to its own: a
-- reader's questions, piped text and answers are not a colleague's to read. Rows from before
-- this migration become the role that applies it (the tables' owner). Beside it, the id of the
-- user's key (principal) and a MAC under that key on each message and cache entry (see
-- core/store/ask_rows.h): a superuser or a role with BYPASSRLS can still write any row, and
-- such a row never answers for the user's model. The cache is keyed per role and key and is
-- rebuilt empty (its entries are only a saving). strata-store(5) lists the grants a role needs.
-- migrate:up
ALTER TABLE conversations ADD COLUMN owner_role TEXT NOT NULL DEFAULT current_user, ADD COLUMN principal TEXT;
CREATE INDEX conversations_owner_idx ON conversations (owner_role, principal, updated_at);
ALTER TABLE messages ADD COLUMN owner_role TEXT NOT NULL DEFAULT current_user, ADD COLUMN mac TEXT;
ALTER TABLE llm_calls ADD COLUMN owner_role TEXT NOT NULL DEFAULT current_user, ADD COLUMN principal TEXT;
DROP TABLE response_cache;
CREATE TABLE response_cache (
  owner_role TEXT NOT NULL DEFAULT current_user,
  principal TEXT NOT NULL,
  key TEXT NOT NULL,
  answer TEXT NOT NULL,
  model TEXT NOT NULL,
  finish_reason TEXT,
  input_tokens BIGINT,
  output_tokens BIGINT,
  mac TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  PRIMARY KEY (owner_role, principal, key)
);
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY strata_own_rows ON conversations USING (owner_role = CURRENT_USER) WITH CHECK (owner_role = CURRENT_USER);
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
CREATE POLICY strata_own_rows ON messages USING (owner_role = CURRENT_USER) WITH CHECK (owner_role = CURRENT_USER);
ALTER TABLE llm_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE llm_calls FORCE ROW LEVEL SECURITY;
CREATE POLICY strata_own_rows ON llm_calls USING (owner_role = CURRENT_USER) WITH CHECK (owner_role = CURRENT_USER);
ALTER TABLE response_cache ENABLE ROW LEVEL SECURITY;
ALTER TABLE response_cache FORCE ROW LEVEL SECURITY;
CREATE POLICY strata_own_rows ON response_cache USING (owner_role = CURRENT_USER) WITH CHECK (owner_role = CURRENT_USER);

-- migrate:down
DROP POLICY strata_own_rows ON llm_calls;
ALTER TABLE llm_calls NO FORCE ROW LEVEL SECURITY;
ALTER TABLE llm_calls DISABLE ROW LEVEL SECURITY;
DROP POLICY strata_own_rows ON messages;
ALTER TABLE messages NO FORCE ROW LEVEL SECURITY;
ALTER TABLE messages DISABLE ROW LEVEL SECURITY;
DROP POLICY strata_own_rows ON conversations;
ALTER TABLE conversations NO FORCE ROW LEVEL SECURITY;
ALTER TABLE conversations DISABLE ROW LEVEL SECURITY;
DROP TABLE response_cache;
CREATE TABLE response_cache (
  key TEXT PRIMARY KEY,
  answer TEXT NOT NULL,
  model TEXT NOT NULL,
  finish_reason TEXT,
  input_tokens BIGINT,
  output_tokens BIGINT,
  created_at TEXT NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
);
ALTER TABLE llm_calls DROP COLUMN owner_role, DROP COLUMN principal;
ALTER TABLE messages DROP COLUMN owner_role, DROP COLUMN mac;
DROP INDEX conversations_owner_idx;
ALTER TABLE conversations DROP COLUMN owner_role, DROP COLUMN principal;
