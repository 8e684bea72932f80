-- Revert insert_user

BEGIN;

DROP PROCEDURE insert_user;

COMMIT;
