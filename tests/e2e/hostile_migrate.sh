#!/usr/bin/env bash
# Migration files and schema files a repository wrote (a pull request in CI): check's replays,
# diff (also --dry-run) and load on SQLite change no file but their own scratch or database
# (ATTACH, VACUUM INTO); dump -o and check --write-baseline never write through a planted
# FILE.tmp link; a migration file linked out of the project is never read; a dump never holds
# a value of the environment.
# Usage: bash tests/e2e/hostile_migrate.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init hostile_migrate "$@"

S() { strata_t migrate -d sqlite:app.db "$@"; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
HOSTILE="CREATE TABLE t (x);
ATTACH DATABASE '../victim.db' AS v;
INSERT INTO v.precious VALUES ('pwned');
VACUUM INTO '../out.db';"

# project NAME: $E2E_TMP/NAME, a git work tree with a migrations folder, and victim.db beside it.
project() {
    cd "$E2E_TMP" || exit 2
    rm -f victim.db out.db
    sqlite3 victim.db "CREATE TABLE precious (v TEXT); INSERT INTO precious VALUES ('kept');"
    VICTIM=$(sum victim.db)
    mkdir -p "$1/.git" "$1/migrations"
    cd "$1" || exit 2
}
victim_untouched() {
    assert_eq "$VICTIM" "$(sum "$E2E_TMP/victim.db")" "victim.db unchanged"
    assert_absent "$E2E_TMP/out.db"
}

case_ "check --roundtrip replays ATTACH and VACUUM INTO in a scratch that refuses them"
project roundtrip
mig migrations 1 hostile "$HOSTILE" "DROP TABLE t;"
expect_exit 3 -- S check --roundtrip
expect_stdout_match 'attach-outside-project'
expect_stdout_match "ATTACH or VACUUM INTO of '\.\./victim\.db' refused"
victim_untouched

case_ "check --drift replays the applied migrations as they are now"
project drift
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
expect_exit 0 -- S up -q
mig migrations 1 create_t "$HOSTILE" "DROP TABLE t;"
run S check --drift
assert_ne 0 "$RC" "check --drift fails"
expect_stdout_match "refused"
victim_untouched

case_ "diff --dry-run proves its draft in a scratch that refuses ATTACH"
project diff
mig migrations 1 hostile "$HOSTILE" "DROP TABLE t;"
printf 'CREATE TABLE t (x);\nCREATE TABLE u (y);\n' >want.sql
expect_exit 6 -- S diff add_u --to want.sql --dry-run
expect_error_line "ATTACH or VACUUM INTO of '../victim.db' refused"
victim_untouched
printf "CREATE TABLE u (y);\nATTACH '../victim.db' AS v;\n" >want2.sql
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
run S diff add_u --to want2.sql --dry-run
assert_ne 0 "$RC" "a desired schema that attaches is refused"
victim_untouched

case_ "load applies a schema file that attaches nothing"
project load
printf "CREATE TABLE t (x);\nATTACH '../victim.db' AS v;\nDELETE FROM v.precious;\n" >schema.sql
expect_exit 6 -- strata_t migrate -d sqlite:fresh.db load schema.sql
expect_error_line "schema.sql:2:1: ATTACH or VACUUM INTO of '../victim.db' refused"
victim_untouched

case_ "dump -o never writes through a planted schema.sql.tmp"
project dump_link
echo 'precious rc' >"$E2E_TMP/bashrc"
ln -s "$E2E_TMP/bashrc" schema.sql.tmp
mig migrations 1 create_t 'CREATE VIEW "$(touch PWNED)" AS SELECT 1;' 'DROP VIEW "$(touch PWNED)";'
expect_exit 0 -- S up -q
expect_exit 0 -- S dump -o schema.sql
assert_eq "precious rc" "$(cat "$E2E_TMP/bashrc")" "the link's target unchanged"
assert_true "schema.sql written" grep -q 'CREATE VIEW' schema.sql

case_ "check --write-baseline never writes through a planted .tmp"
ln -s "$E2E_TMP/bashrc" migrations/.strata-baseline.json.tmp
mig migrations 2 drop_it 'SELECT 1;' ''  # pending: exit 1
expect_exit 1 -- S check --write-baseline
assert_eq "precious rc" "$(cat "$E2E_TMP/bashrc")" "the link's target unchanged"
assert_true "the baseline written" grep -q '"findings"' migrations/.strata-baseline.json

case_ "a repeatable migration linked out of the project is never read"
project link_out
printf 'AWS_SECRET_ACCESS_KEY=canary-e2e-link\n' >"$E2E_TMP/credentials"
ln -s "$E2E_TMP/credentials" migrations/R__env.sql
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
expect_exit 3 -- S up --dry-run
expect_error_line "R__env.sql: a symbolic link to $E2E_TMP/credentials, outside the project"
expect_output_nomatch 'canary-e2e-link'

case_ "a dump never holds a value the environment gave a view"
project dump_secret
mig migrations 1 create_v "CREATE VIEW v AS SELECT '\${AWS_SECRET_ACCESS_KEY}' AS k;" "DROP VIEW v;"
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-e2e-canary
expect_exit 0 -- S --envsub up -q
expect_exit 0 -- S dump -o schema.sql
expect_stderr_match 'the value of \$\{AWS_SECRET_ACCESS_KEY\} \(from your environment\) is in view v'
assert_false "no piece of the value in schema.sql" grep -qi 'wJalrXUtnFEMI' schema.sql
assert_true "the placeholder instead" grep -qF "'\${AWS_SECRET_ACCESS_KEY}' AS k" schema.sql
expect_output_nomatch 'wJalrXUtnFEMI'
unset AWS_SECRET_ACCESS_KEY

case_ "a committed app.db-journal that names another file is never rolled back (status, check, dry run, dump)"
# SQLite deletes the super-journal a hot journal names once it has rolled the journal back and
# finds none of its children: a repository's journal would choose a file to delete.
plant_journal() {
    python3 - "$1" "$2" <<'PY'
import os, struct, sys
db, victim = sys.argv[1], sys.argv[2].encode()
page = struct.unpack(">H", open(db, "rb").read(100)[16:18])[0]
magic = bytes.fromhex("d9d505f920a163d7")
head = (magic + struct.pack(">IIIII", 0, 0x12345678, os.path.getsize(db) // page, 4096, page)).ljust(4096, b"\0")
tail = struct.pack(">I", 0x40000000 // page + 1) + victim + struct.pack(">II", len(victim), sum(victim)) + magic
open(db + "-journal", "wb").write(head + tail)
PY
}
for cmd in "status" "check" "check --roundtrip" "up --dry-run" "dump"; do
    project journal
    mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
    rm -f app.db app.db-journal
    sqlite3 app.db "CREATE TABLE t (x);"
    echo precious >"$E2E_TMP/victim_file"
    plant_journal app.db "$E2E_TMP/victim_file"
    # shellcheck disable=SC2086
    expect_exit 7 -- S $cmd
    expect_error_line "app.db-journal: an unfinished transaction that names another file for SQLite to delete"
    assert_eq "precious" "$(cat "$E2E_TMP/victim_file" 2>/dev/null)" "$cmd: the file the journal names is kept"
done

case_ "a migration file name with a line break is refused, never printed as lines or dumped as SQL"
project newline_name
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
printf -- '-- migrate:up\nCREATE TABLE b (x);\n-- migrate:down\nDROP TABLE b;\n' \
    >"migrations/002_b"$'\n'"CREATE TABLE pwned (secret); --.sql"
expect_exit 3 -- S up
expect_error_line "002_b\\\\nCREATE TABLE pwned \\(secret\\); --\\.sql: a file name with a line break"
expect_exit 3 -- S check
assert_false "nothing applied" test -e app.db

case_ "a history name with a line break is one comment line of the dump, and load runs nothing of it"
project history_name
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
expect_exit 0 -- S up -q
sqlite3 app.db "UPDATE strata_migrations SET name = 'create_t' || char(10) || 'CREATE TABLE pwned (x); --'"
expect_exit 0 -- S dump -o schema.sql
assert_false "no line of the name's own" grep -q '^CREATE TABLE pwned' schema.sql
assert_true "the name escaped on its comment line" grep -qF -- '--   1 create_t\nCREATE TABLE pwned (x); --' schema.sql
expect_exit 0 -- strata_t migrate -d sqlite:fresh.db load schema.sql
assert_eq "" "$(sqlite3 fresh.db "SELECT name FROM sqlite_master WHERE name = 'pwned'")" "load created no table pwned"

case_ "a default ./migrations that links out of the project is not read; --dir still reads it"
project default_link
rmdir migrations
mkdir -p "$E2E_TMP/elsewhere"
printf -- '-- migrate:up\nCREATE TABLE outside_canary (x);\n-- migrate:down\nSELECT 1;\n' >"$E2E_TMP/elsewhere/005_out.sql"
ln -s "$E2E_TMP/elsewhere" migrations
expect_exit 3 -- S up --dry-run
expect_error_line "./migrations: leads to $E2E_TMP/elsewhere, outside the project .*: not read as the default migrations directory"
expect_output_nomatch 'outside_canary'
expect_exit 0 -- S --dir ./migrations up --dry-run
expect_stdout_match 'outside_canary'

case_ "a .env that is a named pipe or an endless file is refused, not waited on or read for ever"
project dotenv_special
mig migrations 1 create_t "CREATE TABLE t (x);" "DROP TABLE t;"
mkfifo .env
expect_exit 2 -- strata_t migrate status
expect_error_line "\\.env: not a regular file, not read as a \\.env file"
rm .env
ln -s /dev/zero .env
expect_exit 2 -- strata_t migrate status
expect_error_line "\\.env: not a regular file"
rm .env

e2e_finish
