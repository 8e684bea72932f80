-- What `strata ask` searched for, when it was not the question as asked: a follow-up in a
-- conversation is retrieved in the conversation's context, as the standalone question a model
-- rewrote it into, or offline as the question with the earlier questions' words at a lower
-- weight. NULL when retrieval searched for the question itself (rows from before this
-- migration included).
-- migrate:up
ALTER TABLE llm_calls ADD COLUMN retrieval_query TEXT;

-- migrate:down
ALTER TABLE llm_calls DROP COLUMN retrieval_query;
