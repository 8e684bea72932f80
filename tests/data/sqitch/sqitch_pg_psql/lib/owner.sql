COMMENT ON SCHEMA :"app_schema" IS :'registry';
