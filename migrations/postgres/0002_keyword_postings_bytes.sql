-- A keyword block's postings as bytes a search reads whole, in place of four integer arrays:
-- sending an array costs the server one call of the element's send function per element; bytes
-- go as they are. At 1,318,324 chunks the postings of a two-term query (335,014) took 108 to 143
-- ms to read as arrays against 10 to 19 ms as bytes, so a search now reads every posting of its
-- terms and scores them in the client (store/postgres/pg_bm25.h). `postings` holds, in ascending
-- chunk id, all big-endian, after a first byte that says which of two layouts follows:
--   1 (wide): per posting the chunk id (8 bytes), then its text, title and CJK hits and its
--     length (4 bytes each): 24 bytes a posting. What SQL writes (this migration, the writers'
--     merges and removals: strata_posting below).
--   2 (narrow): the first chunk id (8 bytes), then per posting the chunk id less that one (4
--     bytes), hits and length (2 bytes each): 12 bytes a posting, when every value fits. What
--     the writers' batches write (store/postgres/pg_keyword_index.h): half the bytes to store,
--     send and read (a search of 180,000 postings: 6.5 to 8.6 ms against 12.8 to 14.9 to read).
-- chunk_ids and document_ids stay arrays: the writers' SQL finds a document's postings by them,
-- and a filtered search reads the documents.
-- migrate:up
-- Posting `i` (from 0) of a block's bytes, either layout, as the wide layout's 24 bytes.
CREATE FUNCTION strata_posting(postings BYTEA, i INTEGER) RETURNS BYTEA LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE get_byte(postings, 0)
    WHEN 1 THEN substring(postings FROM 2 + i * 24 FOR 24)
    WHEN 2 THEN
      int8send(('x' || encode(substring(postings FROM 2 FOR 8), 'hex'))::bit(64)::bigint
               + ('x' || encode(substring(postings FROM 10 + i * 12 FOR 4), 'hex'))::bit(32)::bigint)
      || int4send(('x' || encode(substring(postings FROM 14 + i * 12 FOR 2), 'hex'))::bit(16)::int)
      || int4send(('x' || encode(substring(postings FROM 16 + i * 12 FOR 2), 'hex'))::bit(16)::int)
      || int4send(('x' || encode(substring(postings FROM 18 + i * 12 FOR 2), 'hex'))::bit(16)::int)
      || int4send(('x' || encode(substring(postings FROM 20 + i * 12 FOR 2), 'hex'))::bit(16)::int)
  END
$$;
-- One rewrite of the table: the bytes computed from the arrays as each row is copied and checked
-- there, the arrays dropped (a rewrite keeps no trace of them; an UPDATE then DROP COLUMN left the
-- table twice its size), and the bytes neither compressed nor moved out of the row (a block of
-- 128 postings is 3 kB of them), as the arrays were not: a search reads them in place.
CREATE FUNCTION strata_postings_bytes(chunk_ids BIGINT[], text_hits INTEGER[], title_hits INTEGER[], cjk_hits INTEGER[],
                                      lengths INTEGER[]) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
  SELECT '\x01'::bytea || string_agg(int8send(u.chunk_id) || int4send(u.text_hits) || int4send(u.title_hits)
                                     || int4send(u.cjk_hits) || int4send(u.length), ''::bytea ORDER BY u.n)
    FROM unnest(chunk_ids, text_hits, title_hits, cjk_hits, lengths) WITH ORDINALITY
      AS u (chunk_id, text_hits, title_hits, cjk_hits, length, n)
$$;
DROP VIEW chunk_terms;
ALTER TABLE chunk_term_blocks ADD COLUMN postings BYTEA;
ALTER TABLE chunk_term_blocks
  ALTER postings TYPE BYTEA USING strata_postings_bytes(chunk_ids, text_hits, title_hits, cjk_hits, lengths),
  ALTER postings SET STORAGE PLAIN, ALTER postings SET NOT NULL,
  ADD CONSTRAINT chunk_term_blocks_postings_size CHECK (
    (get_byte(postings, 0) = 1 AND length(postings) = 1 + 24 * cardinality(chunk_ids))
    OR (get_byte(postings, 0) = 2 AND length(postings) = 9 + 12 * cardinality(chunk_ids))),
  DROP COLUMN text_hits, DROP COLUMN title_hits, DROP COLUMN cjk_hits, DROP COLUMN lengths;
DROP FUNCTION strata_postings_bytes(BIGINT[], INTEGER[], INTEGER[], INTEGER[], INTEGER[]);

-- The postings one per row, as before: (collection, term, chunk) with its hits and length, read
-- out of the bytes (slowly: for checks and the writers' rare statements, not for search).
CREATE VIEW chunk_terms AS
  SELECT b.collection_id, b.term, u.chunk_id, u.document_id,
         ('x' || encode(substring(p.posting FROM 9 FOR 4), 'hex'))::bit(32)::int AS text_hits,
         ('x' || encode(substring(p.posting FROM 13 FOR 4), 'hex'))::bit(32)::int AS title_hits,
         ('x' || encode(substring(p.posting FROM 17 FOR 4), 'hex'))::bit(32)::int AS cjk_hits,
         ('x' || encode(substring(p.posting FROM 21 FOR 4), 'hex'))::bit(32)::int AS length
    FROM chunk_term_blocks b
    CROSS JOIN LATERAL unnest(b.chunk_ids, b.document_ids) WITH ORDINALITY AS u (chunk_id, document_id, n)
    CROSS JOIN LATERAL (SELECT strata_posting(b.postings, (u.n - 1)::int) AS posting) p;

-- migrate:down
-- The arrays again, in one rewrite as well.
CREATE FUNCTION strata_postings_field(postings BYTEA, n INTEGER, at INTEGER) RETURNS INTEGER[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(('x' || encode(substring(strata_posting(postings, i) FROM at FOR 4), 'hex'))::bit(32)::int ORDER BY i)
    FROM generate_series(0, n - 1) AS i
$$;
DROP VIEW chunk_terms;
ALTER TABLE chunk_term_blocks ADD COLUMN text_hits INTEGER[], ADD COLUMN title_hits INTEGER[],
  ADD COLUMN cjk_hits INTEGER[], ADD COLUMN lengths INTEGER[];
ALTER TABLE chunk_term_blocks
  ALTER text_hits TYPE INTEGER[] USING strata_postings_field(postings, cardinality(chunk_ids), 9),
  ALTER title_hits TYPE INTEGER[] USING strata_postings_field(postings, cardinality(chunk_ids), 13),
  ALTER cjk_hits TYPE INTEGER[] USING strata_postings_field(postings, cardinality(chunk_ids), 17),
  ALTER lengths TYPE INTEGER[] USING strata_postings_field(postings, cardinality(chunk_ids), 21),
  ALTER text_hits SET STORAGE PLAIN, ALTER title_hits SET STORAGE PLAIN, ALTER cjk_hits SET STORAGE PLAIN,
  ALTER lengths SET STORAGE PLAIN, ALTER text_hits SET NOT NULL, ALTER title_hits SET NOT NULL,
  ALTER cjk_hits SET NOT NULL, ALTER lengths SET NOT NULL, DROP COLUMN postings;
DROP FUNCTION strata_postings_field(BYTEA, INTEGER, INTEGER);
DROP FUNCTION strata_posting(BYTEA, INTEGER);
CREATE VIEW chunk_terms AS
  SELECT b.collection_id, b.term, u.chunk_id, u.document_id, u.text_hits, u.title_hits, u.cjk_hits, u.length
    FROM chunk_term_blocks b
    CROSS JOIN LATERAL unnest(b.chunk_ids, b.document_ids, b.text_hits, b.title_hits, b.cjk_hits, b.lengths)
      AS u (chunk_id, document_id, text_hits, title_hits, cjk_hits, length);
