-- Full-text index over chunk text (FTS5, external content: the text is stored once, in chunks).
-- Triggers keep it in step; 'rebuild' indexes chunks that existed before this migration.
-- migrate:up
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER chunks_fts_after_update AFTER UPDATE OF text ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');

-- migrate:down
DROP TRIGGER chunks_fts_after_update;
DROP TRIGGER chunks_fts_after_delete;
DROP TRIGGER chunks_fts_after_insert;
DROP TABLE chunks_fts;
