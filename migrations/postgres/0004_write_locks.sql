-- Writers' exclusion per collection, as a row each writer locks (SELECT ... FOR UPDATE) until its
-- transaction ends. It was an advisory lock: any role that may connect can take one, so a reader
-- (or anyone on the server) held every writer of a collection off with one call. Locking a row
-- FOR UPDATE needs UPDATE on its table, which the reader role is never granted (strata-store(5)):
-- only the roles that may write a collection can hold its writers off. A row per collection
-- name, written by the first writer of that name (INSERT ... ON CONFLICT DO NOTHING); it outlives
-- the collection, as a name's lock must (a removal and a new ingest of the same name exclude each
-- other), and is a few bytes.
-- migrate:up
CREATE TABLE write_locks (
  collection TEXT COLLATE "C" PRIMARY KEY
);

-- migrate:down
DROP TABLE write_locks;
