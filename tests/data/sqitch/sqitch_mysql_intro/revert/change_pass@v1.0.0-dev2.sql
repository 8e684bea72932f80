-- Revert change_pass

BEGIN;

DROP FUNCTION change_pass;

COMMIT;
