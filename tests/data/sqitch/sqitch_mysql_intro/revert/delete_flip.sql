-- Revert delete_flip

BEGIN;

DROP FUNCTION delete_flip;

COMMIT;
