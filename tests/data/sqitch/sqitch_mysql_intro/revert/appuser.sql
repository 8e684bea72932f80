-- Revert appuser

BEGIN;

DROP USER flipr;

COMMIT;
