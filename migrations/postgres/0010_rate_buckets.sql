-- Rate and token limits of `strata serve`'s keys counted in the store, as migrations/0021 on
-- SQLite: replicas on one store count one limit (pg_rate_buckets.cpp: one upsert a decision, by
-- the server's clock). Every role the grants name writes it (a server runs as any of them).

-- migrate:up
CREATE TABLE rate_buckets (
  name TEXT COLLATE "C" PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  at DOUBLE PRECISION NOT NULL,
  allowed BOOLEAN NOT NULL
);

-- migrate:down
DROP TABLE rate_buckets;
