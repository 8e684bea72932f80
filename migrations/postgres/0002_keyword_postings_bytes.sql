-- A keyword block's postings as bytes a search reads whole: `postings` holds, per posting in
-- ascending chunk id, the chunk id (8 bytes) then its text, title and CJK hits and its length
-- (4 bytes each), all big-endian (int8send, int4send): 24 bytes a posting. It replaces the four
-- integer arrays. Sending an array costs the server one call of the element's send function per
-- element; bytes go as they are. At 1,318,324 chunks the postings of a two-term query (335,014)
-- took 108 to 143 ms to read as arrays against 10 to 19 ms as bytes, so a search now reads
-- every posting of its terms and scores them in the client (store/postgres/pg_bm25.h).
-- chunk_ids and document_ids stay arrays: the writers' SQL finds a document's postings by them,
-- and a filtered search reads the documents.
-- migrate:up
ALTER TABLE chunk_term_blocks ADD COLUMN postings BYTEA;
UPDATE chunk_term_blocks b SET postings = (
  SELECT string_agg(int8send(u.chunk_id) || int4send(u.text_hits) || int4send(u.title_hits) || int4send(u.cjk_hits)
                    || int4send(u.length), ''::bytea ORDER BY u.n)
    FROM unnest(b.chunk_ids, b.text_hits, b.title_hits, b.cjk_hits, b.lengths) WITH ORDINALITY
      AS u (chunk_id, text_hits, title_hits, cjk_hits, length, n));
-- Not compressed nor moved out of the row (a block of 128 postings is 3 kB of them), as the
-- arrays were not: a search reads them in place.
ALTER TABLE chunk_term_blocks ALTER postings SET NOT NULL, ALTER postings SET STORAGE PLAIN,
  ADD CONSTRAINT chunk_term_blocks_postings_size CHECK (length(postings) = 24 * cardinality(chunk_ids));
DROP VIEW chunk_terms;
ALTER TABLE chunk_term_blocks DROP COLUMN text_hits, DROP COLUMN title_hits, DROP COLUMN cjk_hits, DROP COLUMN lengths;

-- The postings one per row, as before: (collection, term, chunk) with its hits and length, read
-- out of the bytes (slowly: for checks and the writers' rare statements, not for search).
CREATE VIEW chunk_terms AS
  SELECT b.collection_id, b.term, u.chunk_id, u.document_id,
         ('x' || encode(substring(b.postings FROM (u.n - 1)::int * 24 + 9 FOR 4), 'hex'))::bit(32)::int AS text_hits,
         ('x' || encode(substring(b.postings FROM (u.n - 1)::int * 24 + 13 FOR 4), 'hex'))::bit(32)::int AS title_hits,
         ('x' || encode(substring(b.postings FROM (u.n - 1)::int * 24 + 17 FOR 4), 'hex'))::bit(32)::int AS cjk_hits,
         ('x' || encode(substring(b.postings FROM (u.n - 1)::int * 24 + 21 FOR 4), 'hex'))::bit(32)::int AS length
    FROM chunk_term_blocks b
    CROSS JOIN LATERAL unnest(b.chunk_ids, b.document_ids) WITH ORDINALITY AS u (chunk_id, document_id, n);

-- migrate:down
DROP VIEW chunk_terms;
ALTER TABLE chunk_term_blocks ADD COLUMN text_hits INTEGER[], ADD COLUMN title_hits INTEGER[],
  ADD COLUMN cjk_hits INTEGER[], ADD COLUMN lengths INTEGER[];
UPDATE chunk_term_blocks b SET
  text_hits = (SELECT array_agg(('x' || encode(substring(b.postings FROM i * 24 + 9 FOR 4), 'hex'))::bit(32)::int ORDER BY i)
                 FROM generate_series(0, cardinality(b.chunk_ids) - 1) AS i),
  title_hits = (SELECT array_agg(('x' || encode(substring(b.postings FROM i * 24 + 13 FOR 4), 'hex'))::bit(32)::int ORDER BY i)
                  FROM generate_series(0, cardinality(b.chunk_ids) - 1) AS i),
  cjk_hits = (SELECT array_agg(('x' || encode(substring(b.postings FROM i * 24 + 17 FOR 4), 'hex'))::bit(32)::int ORDER BY i)
                FROM generate_series(0, cardinality(b.chunk_ids) - 1) AS i),
  lengths = (SELECT array_agg(('x' || encode(substring(b.postings FROM i * 24 + 21 FOR 4), 'hex'))::bit(32)::int ORDER BY i)
               FROM generate_series(0, cardinality(b.chunk_ids) - 1) AS i);
ALTER TABLE chunk_term_blocks ALTER text_hits SET NOT NULL, ALTER title_hits SET NOT NULL, ALTER cjk_hits SET NOT NULL,
  ALTER lengths SET NOT NULL, ALTER text_hits SET STORAGE PLAIN, ALTER title_hits SET STORAGE PLAIN,
  ALTER cjk_hits SET STORAGE PLAIN, ALTER lengths SET STORAGE PLAIN, DROP COLUMN postings;
CREATE VIEW chunk_terms AS
  SELECT b.collection_id, b.term, u.chunk_id, u.document_id, u.text_hits, u.title_hits, u.cjk_hits, u.length
    FROM chunk_term_blocks b
    CROSS JOIN LATERAL unnest(b.chunk_ids, b.document_ids, b.text_hits, b.title_hits, b.cjk_hits, b.lengths)
      AS u (chunk_id, document_id, text_hits, title_hits, cjk_hits, length);
