-- Revert userflips

BEGIN;

DROP VIEW userflips;

COMMIT;
