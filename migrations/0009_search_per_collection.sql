-- Keyword search ranks each collection on its own statistics. Until now BM25's row count, mean
-- row length and term frequencies came from the whole chunks_fts table, so adding a collection
-- changed another's ranking, and a search of one collection among several scanned and joined
-- every collection's matching rows (2-3 ms alone, 40-250 ms beside the Python manual).
--
-- chunks_fts gets a fourth column, scope: one token naming the chunk's collection, 'c' and the
-- collection's id ("c12"). A search of one collection among others matches
--   scope : "c12" AND ({text title cjk} : (the query's terms))
-- so FTS5 itself keeps only that collection's rows (store/search_store.cpp), and strata_bm25
-- counts each term's rows within the collection (store/fts_bm25.h). The scope token is not text:
-- queries never match the scope column, and no row's length counts it.
--
-- keyword_stats caches each collection's row count and total length in tokens (text, title and
-- cjk columns), which FTS5 keeps only for the whole table. A search that finds no row for its
-- collection counts them (one pass over the collection's rows) and stores them when it can take
-- the write lock without waiting. Every change to a collection's chunks or to its documents'
-- titles deletes its row, in the same transaction, so a row present is always current.
-- migrate:up
DROP TRIGGER documents_fts_after_update;
DROP TRIGGER documents_fts_before_update;
DROP TRIGGER chunks_fts_after_update;
DROP TRIGGER chunks_fts_before_update;
DROP TRIGGER chunks_fts_before_delete;
DROP TRIGGER chunks_fts_after_insert;
DROP TABLE chunks_fts;
DROP VIEW chunks_fts_content;

CREATE VIEW chunks_fts_content AS
SELECT c.id AS id, c.text AS text,
       substr(coalesce(d.title, ''), 1, 300) || ' ' || coalesce(d.title_cjk_terms, '') AS title,
       coalesce(c.cjk_terms, '') AS cjk,
       'c' || d.collection_id AS scope
  FROM chunks c JOIN documents d ON d.id = c.document_id;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  title,
  cjk,
  scope,
  content = 'chunks_fts_content',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE keyword_stats (
  collection_id INTEGER PRIMARY KEY REFERENCES collections (id) ON DELETE CASCADE,
  chunk_count INTEGER NOT NULL,     -- the collection's chunks
  token_count INTEGER NOT NULL      -- their tokens in chunks_fts's text, title and cjk columns
);

CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk, scope)
    SELECT id, text, title, cjk, scope FROM chunks_fts_content WHERE id = new.id;
  DELETE FROM keyword_stats WHERE collection_id = (SELECT collection_id FROM documents WHERE id = new.document_id);
END;

CREATE TRIGGER chunks_fts_before_delete BEFORE DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk, scope)
    SELECT 'delete', id, text, title, cjk, scope FROM chunks_fts_content WHERE id = old.id;
  DELETE FROM keyword_stats WHERE collection_id = (SELECT collection_id FROM documents WHERE id = old.document_id);
END;

CREATE TRIGGER chunks_fts_before_update BEFORE UPDATE OF text, cjk_terms, document_id ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk, scope)
    SELECT 'delete', id, text, title, cjk, scope FROM chunks_fts_content WHERE id = old.id;
  DELETE FROM keyword_stats WHERE collection_id = (SELECT collection_id FROM documents WHERE id = old.document_id);
END;

CREATE TRIGGER chunks_fts_after_update AFTER UPDATE OF text, cjk_terms, document_id ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk, scope)
    SELECT id, text, title, cjk, scope FROM chunks_fts_content WHERE id = new.id;
  DELETE FROM keyword_stats WHERE collection_id = (SELECT collection_id FROM documents WHERE id = new.document_id);
END;

CREATE TRIGGER documents_fts_before_update BEFORE UPDATE OF title, title_cjk_terms, collection_id ON documents
WHEN old.title IS NOT new.title OR old.title_cjk_terms IS NOT new.title_cjk_terms
  OR old.collection_id IS NOT new.collection_id BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk, scope)
    SELECT 'delete', id, text, title, cjk, scope FROM chunks_fts_content
     WHERE id IN (SELECT id FROM chunks WHERE document_id = old.id);
  DELETE FROM keyword_stats WHERE collection_id = old.collection_id;
END;

CREATE TRIGGER documents_fts_after_update AFTER UPDATE OF title, title_cjk_terms, collection_id ON documents
WHEN old.title IS NOT new.title OR old.title_cjk_terms IS NOT new.title_cjk_terms
  OR old.collection_id IS NOT new.collection_id BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk, scope)
    SELECT id, text, title, cjk, scope FROM chunks_fts_content
     WHERE id IN (SELECT id FROM chunks WHERE document_id = new.id);
  DELETE FROM keyword_stats WHERE collection_id = new.collection_id;
END;

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');

-- migrate:down
DROP TRIGGER documents_fts_after_update;
DROP TRIGGER documents_fts_before_update;
DROP TRIGGER chunks_fts_after_update;
DROP TRIGGER chunks_fts_before_update;
DROP TRIGGER chunks_fts_before_delete;
DROP TRIGGER chunks_fts_after_insert;
DROP TABLE keyword_stats;
DROP TABLE chunks_fts;
DROP VIEW chunks_fts_content;

CREATE VIEW chunks_fts_content AS
SELECT c.id AS id, c.text AS text,
       substr(coalesce(d.title, ''), 1, 300) || ' ' || coalesce(d.title_cjk_terms, '') AS title,
       coalesce(c.cjk_terms, '') AS cjk
  FROM chunks c JOIN documents d ON d.id = c.document_id;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  title,
  cjk,
  content = 'chunks_fts_content',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk) SELECT id, text, title, cjk FROM chunks_fts_content WHERE id = new.id;
END;

CREATE TRIGGER chunks_fts_before_delete BEFORE DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk)
    SELECT 'delete', id, text, title, cjk FROM chunks_fts_content WHERE id = old.id;
END;

CREATE TRIGGER chunks_fts_before_update BEFORE UPDATE OF text, cjk_terms, document_id ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk)
    SELECT 'delete', id, text, title, cjk FROM chunks_fts_content WHERE id = old.id;
END;

CREATE TRIGGER chunks_fts_after_update AFTER UPDATE OF text, cjk_terms, document_id ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk) SELECT id, text, title, cjk FROM chunks_fts_content WHERE id = new.id;
END;

CREATE TRIGGER documents_fts_before_update BEFORE UPDATE OF title, title_cjk_terms ON documents
WHEN old.title IS NOT new.title OR old.title_cjk_terms IS NOT new.title_cjk_terms BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, title, cjk)
    SELECT 'delete', id, text, title, cjk FROM chunks_fts_content
     WHERE id IN (SELECT id FROM chunks WHERE document_id = old.id);
END;

CREATE TRIGGER documents_fts_after_update AFTER UPDATE OF title, title_cjk_terms ON documents
WHEN old.title IS NOT new.title OR old.title_cjk_terms IS NOT new.title_cjk_terms BEGIN
  INSERT INTO chunks_fts (rowid, text, title, cjk)
    SELECT id, text, title, cjk FROM chunks_fts_content
     WHERE id IN (SELECT id FROM chunks WHERE document_id = new.id);
END;

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');
