-- Deploy appuser

BEGIN;

CREATE USER flipr;

COMMIT;
