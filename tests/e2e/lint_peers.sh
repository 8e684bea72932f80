#!/usr/bin/env bash
# `strata migrate lint` on what other linters' cases taught it (tests/data/lint-cases/): breaking
# changes beyond tables and columns, MySQL's copies and locks as written, SQLite's rebuild recipe;
# the codes, lines and exit codes as the binary prints them.
# Usage: bash tests/e2e/lint_peers.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init lint_peers "$@"
cd "$E2E_TMP" || exit 2

case_ "postgres: breaking changes beyond tables"
cat > break.sql <<'SQL'
SET lock_timeout = '2s';
DROP VIEW active_users;
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TABLE users ALTER COLUMN id DROP IDENTITY;
ALTER TABLE users SET SCHEMA archive;
SQL
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --json break.sql
expect_json_true "codes and lines" '[(f["code"], f["line"]) for f in d["findings"]] == [("drop-object", 2), ("rename", 3), ("drop-identity", 4), ("rename", 5)]'
expect_exit 3 -- "$STRATA" migrate lint --engine postgres --strict break.sql

case_ "postgres: what the file made is not flagged"
cat > own.sql <<'SQL'
SET lock_timeout = '2s';
CREATE VIEW v AS SELECT 1 AS one;
DROP VIEW v;
ALTER TABLE users RENAME TO accounts;
CREATE VIEW users AS SELECT * FROM accounts;
SQL
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --json own.sql
expect_json_true "no finding" 'd["findings"] == []'

case_ "mysql: copies and locks as written"
cat > my.sql <<'SQL'
ALTER TABLE users MODIFY country varchar(21), ALGORITHM=COPY;
ALTER TABLE users ADD INDEX users_name (name), LOCK=NONE;
ALTER TABLE users CHANGE note note TEXT, ALGORITHM=INPLACE, LOCK=SHARED;
SQL
expect_exit 0 -- "$STRATA" migrate lint --engine mysql --json my.sql
expect_json_true "codes and lines" '[(f["code"], f["line"]) for f in d["findings"]] == [("alter-copies-table", 1), ("alter-locks-table", 3)]'

case_ "sqlite: the documented rebuild"
cat > rebuild.sql <<'SQL'
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
INSERT INTO new_users SELECT id, email FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
DROP TABLE sessions;
SQL
expect_exit 0 -- "$STRATA" migrate lint --engine sqlite --json rebuild.sql
expect_json_true "only the table not rebuilt" '[(f["code"], f["line"]) for f in d["findings"]] == [("destructive", 5)]'

e2e_finish
