-- The prefixes a collection's model was given, beside its provider, model and server: the text put
-- before every query (embedding_query_prefix, "search_query: " for nomic-embed-text) and before
-- every chunk (embedding_document_prefix, "search_document: ") when they were embedded. Models
-- trained with such prefixes rank worse without them, and a query must be embedded as the
-- collection's chunks were meant to be met, so they are part of what the vectors are (a change is
-- a change of model: strata embed --switch-model). NULL is no prefix: every collection recorded
-- before this migration was embedded without one.
-- migrate:up
ALTER TABLE collections ADD COLUMN embedding_query_prefix TEXT;
ALTER TABLE collections ADD COLUMN embedding_document_prefix TEXT;

-- migrate:down
ALTER TABLE collections DROP COLUMN embedding_document_prefix;
ALTER TABLE collections DROP COLUMN embedding_query_prefix;
