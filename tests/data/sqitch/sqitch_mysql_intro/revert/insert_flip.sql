-- Revert insert_flip

BEGIN;

DROP FUNCTION insert_flip;

COMMIT;
