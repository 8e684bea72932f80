-- Verify psqlvars:templates on pg

BEGIN;

SELECT name, body FROM :"app_schema".templates WHERE FALSE;

ROLLBACK;
