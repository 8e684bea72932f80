-- Revert flips

BEGIN;

DROP TABLE flips;

COMMIT;
