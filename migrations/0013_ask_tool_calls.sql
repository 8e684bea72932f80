-- The tools a model called before it answered (`ask --tools`, `strata chat`): a JSON array of
-- {"step", "tool", "origin", "arguments", "status", "ms", "result_bytes"}, in call order, with
-- status "ok", "error" (the tool failed or its arguments were wrong) or "refused" (a tool not
-- marked read-only that the user did not allow). NULL when no tool was offered (rows from
-- before this migration included).
-- migrate:up
ALTER TABLE llm_calls ADD COLUMN tool_calls TEXT;

-- migrate:down
ALTER TABLE llm_calls DROP COLUMN tool_calls;
