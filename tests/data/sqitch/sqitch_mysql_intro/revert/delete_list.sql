-- Revert delete_list

BEGIN;

DROP FUNCTION delete_list;

COMMIT;
