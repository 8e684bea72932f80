-- API keys for `strata serve` (`strata keys create|list|revoke`): who may call a server over
-- this store, with what scope, on which collections, how often and until when. Only the SHA-256
-- of each secret is kept (hex): a copy of the store, or a role that may read it, gives no key.
-- A revoked key keeps its row (and so its name: a name is never reused for another secret, and
-- the conversations recorded under "apikey:NAME" stay that key's). Times are ISO 8601 UTC
-- ("2026-11-26T22:50:00Z"), written by strata; collections is a JSON array of names, [] for all.
-- migrate:up
CREATE TABLE api_keys (
  name TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  collections TEXT NOT NULL,
  rate_per_minute INTEGER,
  expires_at TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

-- migrate:down
DROP TABLE api_keys;
