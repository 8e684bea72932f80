-- A job's checkpoint: what its work saved to go on from (a crawl's frontier, the pages it has done
-- and the time it has spent; JSON written by strata with the job's progress), so that a job taken
-- over after its server was killed, or handed back when it stopped, is resumed where it was
-- rather than run again from its start. NULL when there is none; dropped when the job ends.

-- migrate:up
ALTER TABLE jobs ADD COLUMN checkpoint TEXT;

-- migrate:down
ALTER TABLE jobs DROP COLUMN checkpoint;
