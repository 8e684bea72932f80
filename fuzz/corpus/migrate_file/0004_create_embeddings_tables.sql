-- Embeddings: one vector per chunk, the model each collection's vectors come from, and a cache
-- of vectors by text so that identical text is never embedded twice (across documents,
-- collections and re-ingests). Vectors are little-endian float32 blobs, 4 bytes per dimension.
-- migrate:up
ALTER TABLE collections ADD COLUMN embedding_provider TEXT;     -- 'local' or 'openai'; NULL: none yet
ALTER TABLE collections ADD COLUMN embedding_model TEXT;
ALTER TABLE collections ADD COLUMN embedding_dimensions INTEGER;

CREATE TABLE embeddings (
  chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
  vector BLOB NOT NULL CHECK (length(vector) > 0 AND length(vector) % 4 = 0)
);

-- Keyed by what determines a vector; the text itself is not kept (the chunks hold it). A rowid
-- table with a UNIQUE key rather than WITHOUT ROWID: the rows are mostly a 1.5-12 KB blob, and
-- in a WITHOUT ROWID table each would sit in the key's b-tree at a random place (the key is a
-- hash) and spill into overflow pages; here the blobs are appended in rowid order and only the
-- small key entries land at random. Measured for 10,000 384-dimension vectors in 100 commits:
-- inserts 2.7 times faster, a file less than half the size, lookups 1.4 times faster.
CREATE TABLE embedding_cache (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  dimensions INTEGER NOT NULL,
  text_sha256 TEXT NOT NULL,       -- lowercase hex of the chunk text's UTF-8 bytes
  vector BLOB NOT NULL CHECK (length(vector) = 4 * dimensions),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (provider, model, dimensions, text_sha256)
);

-- migrate:down
DROP TABLE embedding_cache;
DROP TABLE embeddings;
ALTER TABLE collections DROP COLUMN embedding_dimensions;
ALTER TABLE collections DROP COLUMN embedding_model;
ALTER TABLE collections DROP COLUMN embedding_provider;
