-- Tokens per minute for `strata serve`'s keys (`strata keys create --tokens N/min`): how many of
-- an upstream model's tokens (prompt and answer) a key's chat completions may spend a minute.
-- NULL: no such limit.

-- migrate:up
ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER;

-- migrate:down
ALTER TABLE api_keys DROP COLUMN tokens_per_minute;
