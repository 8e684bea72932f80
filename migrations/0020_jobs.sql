-- Background jobs of `strata serve` (a crawl, an embed): answered 202 at once, run on the
-- server's own pool, and read back (GET /api/v1/jobs/{id}, strata jobs). A row per job; times as
-- ISO 8601 UTC text written by strata; request and result as JSON text. `revision` counts the
-- row's changes (the id of its events); `runner` and `heartbeat_at` say which process runs it
-- and when it last said so, so that a job whose process died is taken over by another.

-- migrate:up
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  collection TEXT NOT NULL,
  owner TEXT NOT NULL,
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  result TEXT,
  error TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 0,
  runner TEXT,
  heartbeat_at TEXT
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_owner ON jobs (owner, created_at);

-- migrate:down
DROP TABLE jobs;
