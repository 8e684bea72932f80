#!/usr/bin/env bash
# A Sqitch project on PostgreSQL whose scripts use psql's own commands (tests/data/sqitch/
# sqitch_pg_psql: \set with `cat FILE`, :'var' and :"var", sqitch.conf's deploy variables and
# Sqitch's registry variable, \ir, \i, \if/\else, \echo), which Sqitch runs through psql: strata
# brings it up from empty with the schema and rows the real `sqitch deploy` gives, and finds no
# drift once sqitch deployed it. A backquoted command other than `cat FILE` and a file outside the
# project are refused with the file and line before anything runs; a psql line in a file of
# strata's own layout never reaches the server.
# PostgreSQL on STRATA_TEST_PG_URL's server, else one started here (tests/servers/pg_server.sh);
# exits 77 when neither can be had.
# Usage: bash tests/e2e/migrate_sqitch_psql.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_sqitch_psql "$@"
DATA="$E2E_LIB_DIR/../data/sqitch/sqitch_pg_psql"
cd "$E2E_TMP" || exit 2

case_ "PostgreSQL server"
PG_URL=${STRATA_TEST_PG_URL:-}
if [ -z "$PG_URL" ]; then
    chmod 755 "$E2E_TMP"
    if ! bash "$E2E_LIB_DIR/../servers/pg_server.sh" start "$E2E_TMP/pg" 2>"$E2E_TMP/server.err"; then
        echo "migrate_sqitch_psql: SKIP: no STRATA_TEST_PG_URL and no PostgreSQL server could be started: $(cat "$E2E_TMP/server.err")"
        exit 77
    fi
    e2e_on_exit "bash '$E2E_LIB_DIR/../servers/pg_server.sh' stop '$E2E_TMP/pg'"
    PG_URL=$(cat "$E2E_TMP/pg/url")
fi
PG_BASE=${PG_URL%/*}
pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 "${@:2}"; }
fresh_db() { PGOPTIONS="-c client_min_messages=warning" pq "$PG_URL" -c "DROP DATABASE IF EXISTS psql_$1" -c "CREATE DATABASE psql_$1" >/dev/null && echo "$PG_BASE/psql_$1"; }
# The schema as pg_dump writes it, Sqitch's registry and strata's history left out.
pg_schema() { pg_dump -s -N sqitch -T strata_migrations "$1" | grep -v -e '^--' -e '^\\' -e '^$'; }
rows() { pq "$1" -c "SELECT name, body, note FROM psqlapp.templates ORDER BY name" -c "SELECT obj_description('psqlapp'::regnamespace)"; }
project() { rm -rf "$E2E_TMP/$1" && cp -r "$DATA" "$E2E_TMP/$1" && cd "$E2E_TMP/$1" || exit 2; }

# ---------------------------------------------------------------------------------------------
case_ "psql's commands in Sqitch scripts: up from empty gives the schema and rows sqitch deploy gives"
project p
DB=$(fresh_db strata_up)
expect_exit 0 -- strata_t migrate -d "$DB" up
expect_stderr_match 'applied 2'
FULL=$(fresh_db sqitch_deployed)
sqitch deploy "db:pg:${FULL#postgres:}" >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
assert_true "sqitch ran the scripts through psql (\\echo printed)" grep -q 'loading the templates into psqlapp' sqitch.out
assert_eq "$(pg_schema "$FULL")" "$(pg_schema "$DB")" "strata's schema is sqitch's"
assert_eq "$(rows "$FULL")" "$(rows "$DB")" "strata's rows are sqitch's (the template file's text, quotes and backslash kept)"
assert_eq "$(cat templates/welcome.txt)" "$(pq "$DB" -c "SELECT body FROM psqlapp.templates")" "the template loaded with \\set and cat"
assert_true "\\if :with_audit took its true branch" pq "$DB" -c "SELECT 1 FROM psqlapp.audit"
assert_false "\\if :{?undefined_variable} took none" pq "$DB" -c "SELECT 1 FROM psqlapp.never"
expect_exit 0 -- strata_t migrate -d "$DB" check --drift

case_ "psql's commands in Sqitch scripts: after sqitch's own deploy, check --drift replays them and finds no drift"
expect_exit 0 -- strata_t migrate -d "$FULL" status
expect_stdout_match '2 +templates +applied'
expect_exit 0 -- strata_t migrate -d "$FULL" check --drift
expect_output_nomatch 'replay failed'

case_ "psql's commands in Sqitch scripts: down runs revert/ through the same expansion"
expect_exit 0 -- strata_t migrate -d "$DB" down
assert_false "the templates table is gone" pq "$DB" -c "SELECT 1 FROM psqlapp.templates"
assert_true "the schema is still there" pq "$DB" -c "SELECT 1 FROM pg_namespace WHERE nspname = 'psqlapp'"

case_ "sqitch deploy --set and migrate --set: the variables given override sqitch.conf's, one schema"
project p
SET_ARGS=(--set with_audit=no)
DB=$(fresh_db strata_set)
expect_exit 0 -- strata_t migrate -d "$DB" "${SET_ARGS[@]}" up
FULL=$(fresh_db sqitch_set)
sqitch deploy "${SET_ARGS[@]}" "db:pg:${FULL#postgres:}" >sqitch.out 2>&1 || fail "sqitch deploy --set failed: $(cat sqitch.out)"
assert_eq "$(pg_schema "$FULL")" "$(pg_schema "$DB")" "strata's schema is sqitch's"
assert_true "\\if :with_audit took its false branch" pq "$DB" -c "SELECT 1 FROM psqlapp.no_audit"
assert_false "no audit table" pq "$DB" -c "SELECT 1 FROM psqlapp.audit"
expect_exit 0 -- strata_t migrate -d "$FULL" --set with_audit=no check --drift
# As `migrate` takes it, so does the subcommand; a value that is not NAME=VALUE is a usage error.
expect_exit 0 -- strata_t migrate -d "$FULL" status --set with_audit=no
expect_exit 2 -- strata_t migrate -d "$FULL" --set app-schema status
expect_error_line "--set 'app-schema': not NAME=VALUE"

# ---------------------------------------------------------------------------------------------
# up refused on an empty database with one error line matching $1, and nothing of the project
# applied: not even the change before the one refused.
expect_refused() {
    local db
    db=$(fresh_db refused)
    expect_exit 3 -- strata_t migrate -d "$db" up
    expect_error_line "$1"
    assert_eq "" "$(pq "$db" -c "SELECT nspname FROM pg_namespace WHERE nspname = 'psqlapp'")" "nothing applied"
}

case_ "a backquoted command other than cat FILE: refused with file and line, nothing run or applied"
project evil
printf '%s\n' 'BEGIN;' 'CREATE TABLE :"app_schema".early (x int);' '\set x `touch pwned`' 'COMMIT;' >>deploy/templates.sql
expect_refused 'deploy/templates\.sql:31: `touch pwned`: backquoted shell command not run'
assert_absent "$E2E_TMP/evil/pwned"
expect_exit 3 -- strata_t migrate check
expect_output_match 'psql-script +error +2 +deploy/templates\.sql:31 +`touch pwned`: backquoted shell command not run'

case_ "a file outside the project, through cat or \\i or a symbolic link: refused, nothing applied"
echo 'secret' >"$E2E_TMP/secret.txt"
project outside
sed -i 's|cat templates/welcome.txt|cat ../secret.txt|' deploy/templates.sql
expect_refused 'deploy/templates\.sql:7: `cat \.\./secret\.txt`: outside the project, not read'
project outside_link
ln -sf "$E2E_TMP/secret.txt" templates/welcome.txt
expect_refused 'deploy/templates\.sql:7: `cat templates/welcome\.txt`: outside the project, not read'
project outside_include
sed -i 's|\\i lib/functions.sql|\\i ../secret.txt|' deploy/templates.sql
expect_refused 'deploy/templates\.sql:26: \\i \.\./secret\.txt: outside the project, not read'

case_ "\\gset and an unknown meta-command: refused with file and line"
project gset
printf '%s\n' 'SELECT 1 AS one \gset' >>deploy/templates.sql
expect_refused 'deploy/templates\.sql:29: \\gset is not supported'
project unknown
sed -i 's|^\\echo loading|\\o /tmp/out loading|' deploy/templates.sql
expect_refused 'deploy/templates\.sql:3: \\o is not supported'
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------------------------
case_ "a psql line in a file of strata's own layout never reaches the server"
mkdir -p own/migrations && cd own || exit 2
printf -- '-- migrate:up\nCREATE TABLE a (x int);\n' >migrations/001_a.sql
printf -- '-- migrate:up\nCREATE TABLE b (x int);\n\\set ON_ERROR_STOP on\nCREATE TABLE c (x int);\n' >migrations/002_b.sql
DB=$(fresh_db own)
expect_exit 3 -- strata_t migrate -d "$DB" up
expect_stderr_match 'applied 001_a'
expect_stderr_match '^strata: error: \./migrations/002_b\.sql:3:1: \\set is a psql meta-command, not SQL: the server cannot run it$'
assert_true "the migration before it applied" pq "$DB" -c "SELECT 1 FROM a"
assert_false "nothing of the refused one ran" pq "$DB" -c "SELECT 1 FROM b"
cd "$E2E_TMP" || exit 2

e2e_finish
