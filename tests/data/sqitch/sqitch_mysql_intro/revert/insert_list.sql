-- Revert insert_list

BEGIN;

DROP FUNCTION insert_list;

COMMIT;
