-- Keyword search with English stemming: chunks_fts rebuilt with the porter tokenizer over
-- unicode61 (so "migrations" finds "migration", "rolled" finds "roll"), the same external-content
-- design as 0002; its triggers on chunks name the table, not its definition, so they stay.
--
-- Also a store-wide counter of changes to the embeddings table, kept by triggers (a chunk deleted
-- by a re-ingest deletes its vector through ON DELETE CASCADE, which fires them too): search
-- caches a collection's vector matrix, in memory and beside the store, and a cache made at
-- another count is stale, even when a vector was replaced under a reused chunk id.
-- migrate:up
DROP TABLE chunks_fts;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');

-- store_id tells two stores apart whose counters happen to be equal (a store deleted and made again).
CREATE TABLE embedding_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL,
  store_id TEXT NOT NULL
);

INSERT INTO embedding_generation (id, generation, store_id) VALUES (1, 0, lower(hex(randomblob(16))));

CREATE TRIGGER embeddings_generation_after_insert AFTER INSERT ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_update AFTER UPDATE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_delete AFTER DELETE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;

-- migrate:down
DROP TRIGGER embeddings_generation_after_delete;
DROP TRIGGER embeddings_generation_after_update;
DROP TRIGGER embeddings_generation_after_insert;
DROP TABLE embedding_generation;

DROP TABLE chunks_fts;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');
