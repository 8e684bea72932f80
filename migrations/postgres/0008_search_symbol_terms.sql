-- Keyword search finds names that end in '+' or '#' whole: `C++`, `g++`, `Notepad++`, `C#`, `F#`,
-- as migrations/0019 on SQLite. Each such name gives a whole term (common/symbol_terms.h: `C++` →
-- cplusplus, `C#` → csharp) among the terms strata derives itself (chunks.cjk_terms,
-- documents.title_cjk_terms: the CJK terms, then these; common/index_terms.h), which chunk_terms
-- counts in its cjk column. Writers add them from now on; the documents written before that may
-- hold such a name (an ASCII letter or digit before a '+' or '#' in a chunk's text or in the
-- title) are listed here, and strata computes their terms and their postings again when a role
-- that may write them (the owner, who runs this upgrade, or a writer) next opens the store
-- (store/postgres/pg_terms_backfill.h), removing them from the list.
-- migrate:up
CREATE TABLE index_terms_pending (
  collection_id BIGINT NOT NULL,
  document_id BIGINT NOT NULL,
  PRIMARY KEY (collection_id, document_id)
);

INSERT INTO index_terms_pending (collection_id, document_id)
  SELECT collection_id, document_id FROM chunks WHERE text ~ '[A-Za-z0-9][+#]'
  UNION
  SELECT collection_id, id FROM documents WHERE title ~ '[A-Za-z0-9][+#]';

-- migrate:down
DROP TABLE index_terms_pending;
