-- API keys for `strata serve` (`strata keys create|list|revoke`), as migrations/0016 on SQLite:
-- only the SHA-256 of each secret (hex), a revoked key's row (and name) kept, times as ISO 8601
-- UTC text written by strata, collections a JSON array of names ([] for all).
-- Who may write it: only the store's owner (the role that made the schema and runs its
-- upgrades). No grant of strata's gives another role INSERT, UPDATE or DELETE on it (`strata
-- collections grants` lists the tables writers may change, and this is not one): a teammate who
-- may write documents must not be able to mint a key or widen one. Everyone the grants name may
-- read it (a `strata serve` running as any of them checks keys) and update last_used_at alone
-- (a column grant), which says when a key was last used and nothing more.
-- migrate:up
CREATE TABLE api_keys (
  name TEXT COLLATE "C" PRIMARY KEY,
  secret_sha256 TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  collections TEXT NOT NULL,
  rate_per_minute BIGINT,
  expires_at TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

-- migrate:down
DROP TABLE api_keys;
