-- Keyword search over titles and over Chinese, Japanese and Korean text: chunks_fts gets two
-- more columns beside the chunk's text, indexed with the same tokenizer as in 0005:
--   title  the document's title (documents.title: a JSONL record's "title", a page's <title> or
--          first heading, a file's name), in every chunk of the document, so that a document is
--          found by its title; keyword search weighs this column above the text (store/fts_bm25.h).
--          Its first 300 characters only (store/document_writer.h, k_indexed_title_chars): it is
--          repeated with every chunk.
--   cjk    the CJK terms of the chunk's text (common/cjk_terms.h: bigrams of each run of CJK
--          characters, and the words glued to a run), which unicode61 alone cannot give: it keeps
--          a whole Chinese clause as one token. The title's CJK terms go with the title.
-- The terms are computed by strata when it writes a chunk or a title (chunks.cjk_terms,
-- documents.title_cjk_terms; NULL when there are none). Rows this migration finds with a CJK
-- character (the GLOB class below is common/cjk_terms.cpp's, tested) are listed in
-- cjk_terms_pending: strata computes their terms the next time it opens the store, and
-- removes them from the list. Chunks written by other tools get no CJK terms.
--
-- chunks_fts stays external-content (the text is stored once): its content is the view
-- chunks_fts_content, which joins each chunk to its document. FTS5 needs the old values of a
-- row to remove it from the index, so rows leave the index BEFORE they change, read through the
-- same view, and enter it AFTER: a chunk's text or terms change, its document's title changes,
-- or it is deleted. A document's chunks are deleted before the document itself, as by ON DELETE
-- CASCADE the document row would already be gone when its chunks are, and their titles unknown.
-- migrate:up
ALTER TABLE chunks ADD COLUMN cjk_terms TEXT;           -- space-separated; NULL when none
ALTER TABLE documents ADD COLUMN title_cjk_terms TEXT;  -- space-separated; NULL when none

CREATE TABLE cjk_terms_pending (
  kind TEXT NOT NULL CHECK (kind IN ('chunk', 'title')),
  row_id INTEGER NOT NULL,          -- chunks.id or documents.id
  PRIMARY KEY (kind, row_id)
) WITHOUT ROWID;

INSERT INTO cjk_terms_pending (kind, row_id) SELECT 'chunk', id FROM chunks WHERE text GLOB '*[ᄀ-ᇿ々-〇぀-ヿ㄰-㆏ㇰ-ㇿ㐀-䶿一-鿿ꥠ-꥿가-퟿豈-﫿ｦ-ￜ𠀀-𿿿]*';
INSERT INTO cjk_terms_pending (kind, row_id) SELECT 'title', id FROM documents WHERE substr(title, 1, 300) GLOB '*[ᄀ-ᇿ々-〇぀-ヿ㄰-㆏ㇰ-ㇿ㐀-䶿一-鿿ꥠ-꥿가-퟿豈-﫿ｦ-ￜ𠀀-𿿿]*';

DROP TRIGGER chunks_fts_after_insert;
DROP TRIGGER chunks_fts_after_delete;
DROP TRIGGER chunks_fts_after_update;
DROP TABLE chunks_fts;

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

CREATE TRIGGER documents_delete_chunks BEFORE DELETE ON documents BEGIN
  DELETE FROM chunks WHERE document_id = old.id;
END;

INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');

-- migrate:down
DROP TRIGGER documents_delete_chunks;
DROP TRIGGER documents_fts_after_update;
DROP TRIGGER documents_fts_before_update;
DROP TRIGGER chunks_fts_after_update;
DROP TRIGGER chunks_fts_before_update;
DROP TRIGGER chunks_fts_before_delete;
DROP TRIGGER chunks_fts_after_insert;
DROP TABLE chunks_fts;
DROP VIEW chunks_fts_content;
DROP TABLE cjk_terms_pending;
ALTER TABLE documents DROP COLUMN title_cjk_terms;
ALTER TABLE chunks DROP COLUMN cjk_terms;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
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
