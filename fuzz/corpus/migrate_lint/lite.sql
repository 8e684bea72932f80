DROP TABLE old;
BEGIN;
PRAGMA foreign_keys = OFF;
COMMIT;
ATTACH '/etc/x' AS x;
