-- The knowledge store's first schema: collections of documents, split into chunks.
-- Shipped migrations are never edited; later changes are new files.
-- migrate:up
CREATE TABLE collections (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  chunk_config TEXT NOT NULL DEFAULT '{}',  -- JSON: the chunking options the collection was built with
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  source TEXT NOT NULL,            -- path, or the id given on stdin / in JSONL
  title TEXT,
  content_hash TEXT NOT NULL,      -- sha256 of the loaded text
  size_bytes INTEGER NOT NULL,
  mtime TEXT,
  loader TEXT NOT NULL,            -- text, markdown, html, pdf, ...
  metadata TEXT NOT NULL DEFAULT '{}',  -- JSON object
  ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (collection_id, source)
);

CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,        -- 0-based position in the document
  text TEXT NOT NULL,
  start_byte INTEGER NOT NULL,     -- half-open byte range in the loaded text
  end_byte INTEGER NOT NULL,
  line_start INTEGER NOT NULL,
  line_end INTEGER NOT NULL,
  page INTEGER,                    -- PDFs only
  token_count INTEGER,
  headings TEXT,                   -- JSON array: the markdown heading path
  UNIQUE (document_id, ordinal)
);

CREATE INDEX chunks_document_id_idx ON chunks (document_id);

-- migrate:down
DROP TABLE chunks;
DROP TABLE documents;
DROP TABLE collections;
