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

e2e_finish
