-- Background jobs of `strata serve`, as migrations/0020 on SQLite. Replicas on one store claim
-- queued jobs with FOR UPDATE SKIP LOCKED (pg_jobs.cpp); a job whose runner stopped beating is
-- taken over. Writers (the roles `strata collections grants` names) insert and update it.

-- migrate:up
CREATE TABLE jobs (
  id TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT NOT NULL,
  collection TEXT NOT NULL,
  owner TEXT NOT NULL,
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  done BIGINT NOT NULL DEFAULT 0,
  total BIGINT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  result TEXT,
  error TEXT,
  cancel_requested BOOLEAN NOT NULL DEFAULT false,
  revision BIGINT NOT NULL DEFAULT 0,
  runner TEXT,
  heartbeat_at TEXT
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_owner ON jobs (owner, created_at);

-- migrate:down
DROP TABLE jobs;
