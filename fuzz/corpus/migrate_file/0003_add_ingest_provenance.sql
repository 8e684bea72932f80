-- What incremental ingest needs: where a document came from on disk and how it was decoded,
-- and for each chunk its character range, last page and the chunker configuration it was cut
-- with (a collection re-chunked only in part holds chunks of two configurations).
-- migrate:up
CREATE TABLE chunk_configs (
  id INTEGER PRIMARY KEY,
  config TEXT NOT NULL UNIQUE      -- canonical JSON of the chunk options
);

ALTER TABLE documents ADD COLUMN path TEXT;            -- absolute file path; NULL for stdin and JSONL
ALTER TABLE documents ADD COLUMN encoding TEXT NOT NULL DEFAULT 'utf-8';  -- of the source bytes
ALTER TABLE documents ADD COLUMN char_count INTEGER NOT NULL DEFAULT 0;   -- of the loaded text
ALTER TABLE documents ADD COLUMN mtime_ns INTEGER;     -- for the unchanged-file fast path
ALTER TABLE documents ADD COLUMN page_count INTEGER;   -- PDFs only
ALTER TABLE documents ADD COLUMN chunk_count INTEGER NOT NULL DEFAULT 0;

ALTER TABLE chunks ADD COLUMN char_start INTEGER NOT NULL DEFAULT 0;  -- code points, half-open
ALTER TABLE chunks ADD COLUMN char_end INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chunks ADD COLUMN page_end INTEGER;        -- PDFs: the page the chunk ends on
ALTER TABLE chunks ADD COLUMN config_id INTEGER;       -- chunk_configs.id (no REFERENCES: DROP COLUMN forbids it)

CREATE INDEX documents_path_idx ON documents (collection_id, path);

-- migrate:down
DROP INDEX documents_path_idx;
ALTER TABLE chunks DROP COLUMN config_id;
ALTER TABLE chunks DROP COLUMN page_end;
ALTER TABLE chunks DROP COLUMN char_end;
ALTER TABLE chunks DROP COLUMN char_start;
ALTER TABLE documents DROP COLUMN chunk_count;
ALTER TABLE documents DROP COLUMN page_count;
ALTER TABLE documents DROP COLUMN mtime_ns;
ALTER TABLE documents DROP COLUMN char_count;
ALTER TABLE documents DROP COLUMN encoding;
ALTER TABLE documents DROP COLUMN path;
DROP TABLE chunk_configs;
