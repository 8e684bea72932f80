-- Which state a collection's keyword index is in: a random number every writer of its postings
-- sets anew in the same statement that adjusts keyword_stats (store/postgres/pg_keyword_index.cpp),
-- so that a long-running process may keep postings it has read and know, from one row read in a
-- search's snapshot, whether they are still the index's (store/postgres/pg_postings_cache.h).
-- Random rather than counted: a store restored from a backup and written again never comes back
-- to a state a process has seen with other postings.

-- migrate:up
ALTER TABLE keyword_stats ADD COLUMN stamp BIGINT NOT NULL DEFAULT 0;

-- migrate:down
ALTER TABLE keyword_stats DROP COLUMN stamp;
