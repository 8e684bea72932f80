-- A job's checkpoint (what its work saved to go on from after a takeover or a hand-back), as
-- migrations/0023 on SQLite: JSON text, NULL when there is none.

-- migrate:up
ALTER TABLE jobs ADD COLUMN checkpoint TEXT;

-- migrate:down
ALTER TABLE jobs DROP COLUMN checkpoint;
