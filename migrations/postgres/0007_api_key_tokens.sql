-- Tokens per minute for `strata serve`'s keys, as migrations/0018 on SQLite: how many of an
-- upstream model's tokens a key's chat completions may spend a minute; NULL: no such limit.

-- migrate:up
ALTER TABLE api_keys ADD COLUMN tokens_per_minute BIGINT;

-- migrate:down
ALTER TABLE api_keys DROP COLUMN tokens_per_minute;
