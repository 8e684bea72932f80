-- Keyword search finds names that end in '+' or '#' whole: `C++`, `g++`, `Notepad++`, `C#`, `F#`.
-- The tokenizer (unicode61) drops both characters, so `C++` was indexed and searched as `C`.
-- Each such name now gives a whole term (common/symbol_terms.h: `C++` → cplusplus, `C#` →
-- csharp) in the column of terms strata derives itself, chunks_fts's `cjk` (migration 0007:
-- chunks.cjk_terms, documents.title_cjk_terms, which now hold the CJK terms and then these;
-- common/index_terms.h), and a query holds the same term beside its pieces. No change to the
-- schema: strata writes the terms of every chunk and title from now on, and this migration lists
-- the rows written before that may hold such a name in cjk_terms_pending, as 0007 listed those
-- with CJK text: strata computes their terms the next time it opens the store (an ASCII letter
-- or digit before a '+' or '#', which every name has: a few rows more than need it, whose terms
-- are computed and found unchanged).
-- migrate:up
INSERT OR IGNORE INTO cjk_terms_pending (kind, row_id) SELECT 'chunk', id FROM chunks WHERE text GLOB '*[A-Za-z0-9][+#]*';
INSERT OR IGNORE INTO cjk_terms_pending (kind, row_id) SELECT 'title', id FROM documents WHERE substr(title, 1, 300) GLOB '*[A-Za-z0-9][+#]*';

-- migrate:down
-- Nothing of the schema to undo. The terms written stay in the rows: an older strata never
-- searches for them (they count in their rows' lengths, as any term).
