-- Revert psqlvars:schema from pg

BEGIN;

DROP SCHEMA :"app_schema";

COMMIT;
