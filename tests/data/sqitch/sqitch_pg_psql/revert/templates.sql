-- Revert psqlvars:templates from pg

BEGIN;

DROP FUNCTION :"app_schema".template(text);
DROP TABLE :"app_schema".audit;
DROP TABLE :"app_schema".templates;

COMMIT;
