-- Verify psqlvars:schema on pg

SELECT pg_catalog.has_schema_privilege(:'app_schema', 'usage');
