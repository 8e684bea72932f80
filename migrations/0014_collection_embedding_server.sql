-- The server a collection's vectors came from, beside its provider and model: the base URL of an
-- OpenAI-compatible server with userinfo, query and fragment left out (scheme://host:port/path).
-- Without it a collection embedded through a local server (Ollama on localhost) was searched,
-- asked about and embedded further through the default server, api.openai.com, which then
-- received the queries and new chunks. NULL for the local provider, which has no server, and for
-- collections recorded before this migration (the server is unknown: see strata-store(5)).
-- migrate:up
ALTER TABLE collections ADD COLUMN embedding_server TEXT;

-- migrate:down
ALTER TABLE collections DROP COLUMN embedding_server;
