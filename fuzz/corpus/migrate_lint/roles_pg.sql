€-- migrate:up
CREATE ROLE admin SUPERUSER PASSWORD 'x';
ALTER ROLE app PASSWORD '${APP_PASSWORD}';
GRANT pg_read_server_files TO app;
-- migrate:down
DROP ROLE admin;
