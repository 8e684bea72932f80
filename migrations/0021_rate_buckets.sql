-- Rate and token limits of `strata serve`'s keys counted in the store (store/rate_buckets.h), so
-- that every server on one store counts one limit: a token bucket per key and kind, its tokens
-- and when they were counted (seconds since the epoch, by the database's clock), and whether the
-- last use was allowed.

-- migrate:up
CREATE TABLE rate_buckets (
  name TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at REAL NOT NULL,
  allowed INTEGER NOT NULL
);

-- migrate:down
DROP TABLE rate_buckets;
