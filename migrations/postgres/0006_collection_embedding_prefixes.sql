-- The prefixes a collection's model was given (query and document), as migrations/0017 on SQLite:
-- part of what the collection's vectors are; NULL is no prefix.
-- migrate:up
ALTER TABLE collections ADD COLUMN embedding_query_prefix TEXT;
ALTER TABLE collections ADD COLUMN embedding_document_prefix TEXT;

-- migrate:down
ALTER TABLE collections DROP COLUMN embedding_document_prefix;
ALTER TABLE collections DROP COLUMN embedding_query_prefix;
