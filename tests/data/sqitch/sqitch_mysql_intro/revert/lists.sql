-- Revert lists

BEGIN;

DROP TABLE lists;

COMMIT;
