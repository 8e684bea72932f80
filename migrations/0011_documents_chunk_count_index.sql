-- A collection's chunk count (what search compares with its vectors, and `collections` lists)
-- is the sum of its documents' chunk_count. Without this index the sum read every document row
-- of the collection: on a 100,000-chunk store ~200 pages, a third of a one-shot search's time.
-- With it the sum reads the index alone.
-- migrate:up
CREATE INDEX documents_collection_chunks_idx ON documents (collection_id, chunk_count);

-- migrate:down
DROP INDEX documents_collection_chunks_idx;
