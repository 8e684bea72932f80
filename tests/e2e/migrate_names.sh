#!/usr/bin/env bash
# `strata migrate` with the file names and sections dbmate and golang-migrate accept: dbmate names
# (hyphen, dots, version only), golang-migrate's dotted pair names, `--migrate:up` without a space,
# a schema.sql beside the migrations (ignored; a check warning), empty downs (no-op rollbacks)
# and --dir given twice (one set, one history table); a dbmate project as dbmate users run it
# (db/migrations, -u/--url, rollback, DBMATE_MIGRATIONS_DIR, Go durations); a goose project's
# files (-- +goose Up/Down, StatementBegin/End, NO TRANSACTION, ENVSUB ON).
# Usage: bash tests/e2e/migrate_names.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_names "$@"

# project: init/ holds a dbmate file with a hyphenated name and a schema.sql dump;
# migrations/ holds dbmate and golang-migrate files with dots, empty downs and a bare version.
project() {
    cd "$E2E_TMP" || exit 2
    rm -rf "$1"
    mkdir -p "$1/init" "$1/migrations"
    cd "$1" || exit 2
    printf -- '--migrate:up\nCREATE TABLE accounts (id INTEGER PRIMARY KEY);\n--migrate:down\nDROP TABLE accounts;\n' \
        >init/00000000000001-initial-schema.sql
    printf 'CREATE TABLE accounts (id INTEGER PRIMARY KEY);\nthis is not run\n' >init/schema.sql
    printf -- '-- migrate:up\nCREATE TABLE audit (x TEXT);\n-- migrate:down\n-- audit rows are kept\n' \
        >migrations/20240101000000.sql
    printf 'CREATE TABLE flags (x TEXT);\n' >migrations/20240102000000_1.10.0_flags..up.sql
    printf '' >migrations/20240102000000_1.10.0_flags..down.sql
    printf -- '-- migrate:up\nCREATE TABLE tags (x TEXT);\n-- migrate:down\nDROP TABLE tags;\n' \
        >migrations/20240103000000_add.tags.table.sql
}
S() { strata_t migrate -d sqlite:app.db --dir init --dir migrations "$@"; }

case_ "up with two --dir runs both directories in version order, schema.sql ignored"
project twodirs
expect_exit 0 -- S up
expect_stderr_match 'applied 00000000000001_initial-schema'
expect_stderr_match 'applied 20240101000000 '
expect_stderr_match 'applied 20240102000000_1\.10\.0_flags\. '
expect_stderr_match 'applied 20240103000000_add\.tags\.table '
assert_eq "1,20240101000000,20240102000000,20240103000000" \
    "$(db_q app.db "SELECT group_concat(version, ',') FROM (SELECT version FROM strata_migrations ORDER BY version)")" \
    "one history table holds both directories' migrations"
for t in accounts audit flags tags; do assert_true "table $t" table_exists app.db "$t"; done
expect_exit 0 -- S status --json
expect_json_true "status lists 4 applied from both dirs" \
    "d['applied'] == 4 and d['pending'] == 0 and d['dirs'] == ['init', 'migrations'] and d['dir'] == 'init'"
expect_json_true "status keeps the zero padding and names the version-only file" \
    "[(m['version'], m['name']) for m in d['migrations']][:2] == [('00000000000001', 'initial-schema'), ('20240101000000', '')]"

case_ "check: schema.sql is a not-a-migration warning; --strict makes it exit 3"
expect_exit 0 -- S check --json
expect_json_true "one not-a-migration warning naming init/schema.sql" \
    "[(f['code'], f['severity'], f['file']) for f in d['findings'] if f['code'] == 'not-a-migration'] == [('not-a-migration', 'warning', 'init/schema.sql')]"
expect_json_true "no missing-down for the empty downs" \
    "not any(f['code'] == 'missing-down' for f in d['findings'])"
expect_exit 3 -- S check --strict
expect_stdout_match 'not-a-migration.*init/schema\.sql.*rename it <version>_<name>\.sql to run it'

case_ "down through empty downs: nothing runs, the rows go"
expect_exit 0 -- S down
expect_stderr_match 'reverted 20240103000000_add\.tags\.table'
assert_false "tags dropped" table_exists app.db tags
expect_exit 0 -- S down --steps 2
expect_stderr_match 'reverted 20240102000000_1\.10\.0_flags\. '
expect_stderr_match 'reverted 20240101000000 '
assert_true "flags kept: its .down.sql is empty" table_exists app.db flags
assert_true "audit kept: its down is comment-only" table_exists app.db audit
assert_eq "1" "$(db_q app.db "SELECT group_concat(version) FROM strata_migrations")" \
    "only the first row is left"
expect_exit 0 -- S down --all --json
expect_json_true "down --all reverts the last one" \
    "[s['version'] for s in d['reverted']] == ['00000000000001'] and d['reverted'][0]['name'] == 'initial-schema'"
assert_false "accounts dropped" table_exists app.db accounts
assert_eq 0 "$(db_q app.db "SELECT count(*) FROM strata_migrations")" "history empty"

case_ "a pair without .down.sql is refused with the golang-migrate hint, nothing run"
project nodown
rm migrations/20240102000000_1.10.0_flags..down.sql
expect_exit 0 -- S up -q
expect_exit 3 -- S down --all
expect_error_line 'migrations/20240102000000_1\.10\.0_flags\.\.up\.sql: has no \.down\.sql file'
expect_stderr_match 'hint: add migrations/20240102000000_1\.10\.0_flags\.\.down\.sql'
assert_eq 4 "$(db_q app.db "SELECT count(*) FROM strata_migrations")" "nothing reverted"
assert_true "tags still there" table_exists app.db tags
expect_exit 0 -- S check --json
expect_json_true "missing-down names the pair" \
    "[(f['version'], f['message']) for f in d['findings'] if f['code'] == 'missing-down'] == [('20240102000000', 'no 20240102000000_1.10.0_flags..down.sql file: it cannot be rolled back')]"

case_ "the same version in two directories: duplicate-version naming both, nothing applied"
project dup
printf -- '-- migrate:up\nCREATE TABLE other (x);\n' >init/20240101000000_other.sql
expect_exit 3 -- S up
expect_error_line 'migrations/20240101000000\.sql: version 20240101000000 is also used by init/20240101000000_other\.sql'
assert_absent app.db
expect_exit 3 -- S check --json
expect_json_true "duplicate-version finding" \
    "any(f['code'] == 'duplicate-version' and f['file'] == 'migrations/20240101000000.sql' and 'init/20240101000000_other.sql' in f['message'] for f in d['findings'])"

case_ "--dir on migrate and on the subcommand add up; new writes into the first"
project split
expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir init status --dir migrations --json
expect_json_true "both directories read" "d['pending'] == 4 and d['dirs'] == ['init', 'migrations']"
expect_exit 0 -- strata_t migrate --dir init --dir migrations new add_things
expect_stdout_match '^init/[0-9]{14}_add_things\.sql$'

case_ "a migration named with a byte that is not UTF-8: --json after the commit cannot fail"
mkdir -p latin1/migrations
cd latin1 || exit 2
printf -- '-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\nDROP TABLE t;\n' >"migrations/20240101000000_caf$(printf '\351').sql"
expect_exit 0 -- strata_t migrate -d sqlite:app.db up --json
expect_stdout_match '"name":"caf\\udce9"'
assert_eq "20240101000000" "$(db_q app.db 'SELECT version FROM strata_migrations')" "committed, and the exit code says so"
expect_exit 0 -- strata_t migrate -d sqlite:app.db status --json
expect_json_true "the name's byte kept" "d['migrations'][0]['name'] == 'caf\udce9'"
cd .. || exit 2

case_ "versions with leading zeros on the command line are decimal (000010 is 10, not octal 8)"
cd "$E2E_TMP" || exit 2
rm -rf padded && mkdir -p padded/migrations && cd padded || exit 2
for v in 000001 000008 000009 000010 000011; do
    printf -- '-- migrate:up\nCREATE TABLE t%s (x TEXT);\n-- migrate:down\nDROP TABLE t%s;\n' "$v" "$v" >"migrations/${v}_t.sql"
done
expect_exit 0 -- strata_t migrate -d sqlite:app.db up --to 000010
expect_exit 0 -- strata_t migrate -d sqlite:app.db status --json
expect_json_true "up --to 000010 applied four, through 10" "sum(1 for m in d['migrations'] if m['state'] == 'applied') == 4"
expect_exit 0 -- strata_t migrate -d sqlite:app.db down --to 000009
expect_exit 0 -- strata_t migrate -d sqlite:app.db status --json
expect_json_true "down --to 000009 kept three" "sum(1 for m in d['migrations'] if m['state'] == 'applied') == 3"
cd .. || exit 2

case_ "a dbmate project as it is: db/migrations, -u/--url, rollback, DBMATE_MIGRATIONS_DIR, Go durations"
cd "$E2E_TMP" || exit 2
rm -rf dbmate && mkdir -p dbmate/db/migrations && cd dbmate || exit 2
printf -- '-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n' \
    >db/migrations/20240101000000_create_users.sql
expect_exit 0 -- strata_t migrate -u sqlite:app.db --wait-timeout 1m30s --lock-timeout 500ms up
expect_stderr_match 'applied 20240101000000_create_users'
assert_true "users created from db/migrations" table_exists app.db users
assert_false "no ./migrations made beside db/migrations" test -e migrations
expect_exit 0 -- strata_t migrate --url sqlite:app.db new create_posts
assert_eq 2 "$(find db/migrations -name '*.sql' | wc -l | tr -d ' ')" "new writes into db/migrations"
rm -f db/migrations/*_create_posts.sql  # its up section is still empty
expect_exit 0 -- strata_t migrate -u sqlite:app.db rollback
expect_stderr_match 'reverted 20240101000000_create_users'
assert_false "rollback is down" table_exists app.db users
expect_exit 2 -- strata_t migrate -u sqlite:app.db --lock-timeout 5parsecs up
expect_stderr_match "lock-timeout must be a number of seconds.*or a duration such as 90s or 1m30s"
mkdir -p other && mv db/migrations/*.sql other/
expect_exit 0 -- env DBMATE_MIGRATIONS_DIR=other "$STRATA" migrate -u sqlite:app.db status --json
expect_json_true "DBMATE_MIGRATIONS_DIR names the folder" "d['dirs'] == ['other'] and d['pending'] == 1"
expect_exit 0 -- env DBMATE_MIGRATIONS_DIR=other STRATA_MIGRATIONS_DIR=db/migrations "$STRATA" migrate -u sqlite:app.db status --json
expect_json_true "STRATA_MIGRATIONS_DIR comes first" "d['dirs'] == ['db/migrations'] and d['migrations'] == []"
cd .. || exit 2

case_ "dump -o onto a device writes to it and leaves it a device"
cd "$E2E_TMP/padded" || exit 2
expect_exit 0 -- strata_t migrate -d sqlite:app.db dump -o /dev/null
assert_true "/dev/null is still a character device" test -c /dev/null
cd .. || exit 2

case_ "a goose project's files, as goose runs them"
cd "$E2E_TMP" && rm -rf goose && mkdir -p goose/db && cd goose || exit 2
cat > db/00001_create_users.sql <<'SQL'
-- +goose Up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, region TEXT);
CREATE TABLE counts (n INTEGER);
INSERT INTO counts VALUES (0);

-- +goose Down
DROP TABLE counts;
DROP TABLE users;
SQL
cat > db/00002_count_users.sql <<'SQL'
-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER users_count AFTER INSERT ON users BEGIN
  UPDATE counts SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose ENVSUB ON
INSERT INTO users (email, region) VALUES ('a@example.com', '${REGION}');

-- +goose Down
DROP TRIGGER users_count;
DELETE FROM users;
SQL
cat > db/00003_vacuum.sql <<'SQL'
-- +goose NO TRANSACTION
-- +goose Up
VACUUM;
-- +goose Down
SELECT 1;
SQL
# The file asks for the environment: a project nobody trusted gets it with --envsub.
REGION=eu expect_exit 2 -- strata_t migrate -d sqlite:app.db --dir db up
expect_stderr_match "db/00002_count_users.sql:8: \\$\\{REGION\\}: the section asks"
REGION=eu expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir db --envsub up
assert_eq "$(db_q app.db "SELECT n FROM counts")" 1 "the trigger, kept whole, ran"
assert_eq "$(db_q app.db "SELECT region FROM users")" eu "ENVSUB ON expanded \${REGION}"
expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir db status --json
expect_json_true "three applied" '[m["state"] for m in d["migrations"]] == ["applied"] * 3'
expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir db down --all
assert_eq "$(db_q app.db "SELECT count(*) FROM sqlite_schema WHERE name IN ('users', 'counts')")" 0 "down undid them"
# A database goose migrated to version 2: its log taken over, version 3 run.
rm -f app.db
sqlite3 app.db "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, region TEXT); CREATE TABLE counts (n INTEGER);"
expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir db up
expect_stderr_match "imported 2 version\(s\) from goose's goose_db_version table"
expect_stderr_match "applied 00003_vacuum"
expect_exit 0 -- strata_t migrate -d sqlite:app.db --dir db dump
expect_stdout_nomatch "goose_db_version"
printf -- '-- +goose Up\n-- +goose Sideways\nSELECT 1;\n' > db/00004_bad.sql
expect_exit 3 -- strata_t migrate -d sqlite:app.db --dir db up
expect_stderr_match "db/00004_bad.sql:2: unknown goose annotation '-- \+goose sideways'"
cd .. || exit 2

case_ "a golang-migrate sqlite3 file with PRAGMA foreign_keys inside its own BEGIN: run, with a warning"
cd "$E2E_TMP" && rm -rf pocket && mkdir -p pocket/migrations && cd pocket || exit 2
printf 'BEGIN;\nPRAGMA foreign_keys = OFF;\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nCOMMIT;\n' > migrations/1_init.up.sql
printf 'DROP TABLE a;\n' > migrations/1_init.down.sql
expect_exit 1 -- strata_t migrate -d sqlite:app.db check --json  # 1: pending, no error
expect_json_true "a warning, not an error" '[(f["code"], f["severity"], f["line"]) for f in d["findings"] if f["code"] == "pragma-in-transaction"] == [("pragma-in-transaction", "warning", 2)]'
expect_exit 0 -- strata_t migrate -d sqlite:app.db up
assert_eq "$(db_q app.db "SELECT count(*) FROM sqlite_schema WHERE name = 'a'")" 1 "it ran"
cd .. || exit 2

e2e_finish
