#!/usr/bin/env bash
# Sqitch projects, taken as they are (tests/data/sqitch: Sqitch's own tutorial projects, pinned with
# their SOURCE): sqitch.plan's order, deploy/ as up, revert/ as down, reworked changes' @tag
# scripts, the registry Sqitch keeps (sqitch.db beside a SQLite database; the schema sqitch on
# PostgreSQL). Each project brought up from empty by strata with the schema `sqitch deploy` gives,
# taken over half-way from the registry of a real `sqitch deploy --to`, and checked clean once
# fully deployed by sqitch; `migrate new` writes a change that sqitch itself then deploys.
# SQLite always; PostgreSQL on STRATA_TEST_PG_URL's server, else one started here
# (tests/servers/pg_server.sh), skipped loudly when neither can be had.
# Usage: bash tests/e2e/migrate_sqitch.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_sqitch "$@"
DATA="$E2E_LIB_DIR/../data/sqitch"
cd "$E2E_TMP" || exit 2

# The schema of a SQLite database, strata's history and Sqitch's registry left out.
sqlite_schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'strata\_%' ESCAPE '\\' ORDER BY type, name"; }

# ---------------------------------------------------------------------------------------------
case_ "Sqitch on SQLite (sqitch-sqlite-intro): the plan's order, reworked change included"
rm -rf lite && cp -r "$DATA/sqitch_sqlite_intro" lite && cd lite || exit 2
expect_exit 0 -- strata_t migrate -d sqlite:strata.db status
expect_stdout_match '1 +users +pending'
expect_stdout_match '3 +userflips@v1.0.0-dev2 +pending'
expect_stdout_match '6 +userflips +pending'

case_ "Sqitch on SQLite: up from empty gives the schema sqitch deploy gives"
expect_exit 0 -- strata_t migrate -d sqlite:strata.db up
expect_stderr_match 'applied 6'
sqitch deploy db:sqlite:sqitch_full.db >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
assert_eq "$(sqlite_schema sqitch_full.db)" "$(sqlite_schema strata.db)" "strata's schema is sqitch's"
assert_true "the view has the reworked twitter column" sqlite3 strata.db "SELECT twitter FROM userflips WHERE 0"
expect_exit 0 -- strata_t migrate -d sqlite:strata.db check

case_ "Sqitch on SQLite: fully deployed by sqitch, check clean and status all applied"
expect_exit 0 -- strata_t migrate -d sqlite:sqitch_full.db status
expect_stdout_match '6 +userflips +applied'
expect_exit 0 -- strata_t migrate -d sqlite:sqitch_full.db check

case_ "Sqitch on SQLite: taken over half-way from sqitch.db's changes"
mkdir half && sqitch deploy --to userflips@v1.0.0-dev1 db:sqlite:half/app.db >sqitch.out 2>&1 || fail "sqitch deploy --to failed: $(cat sqitch.out)"
assert_true "sqitch keeps its registry beside the database" test -f half/sqitch.db
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db status
expect_stdout_match '3 +userflips@v1.0.0-dev2 +applied'
expect_stdout_match '4 +lists +pending'
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db up
expect_stderr_match "imported 3 version\(s\) from Sqitch's sqitch.changes table"
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db check
assert_eq 6 "$(sqlite3 half/app.db 'SELECT count(*) FROM strata_migrations')" "every change in strata's history"
assert_eq "$(sqlite_schema sqitch_full.db)" "$(sqlite_schema half/app.db)" "the schema is sqitch's"

case_ "Sqitch on SQLite: dump and down (revert/ as down)"
expect_exit 0 -- strata_t migrate -d sqlite:strata.db dump -o schema.sql
assert_true "the dump has the view" grep -q 'CREATE VIEW userflips' schema.sql
expect_exit 0 -- strata_t migrate -d sqlite:strata.db down
assert_false "revert/userflips.sql ran: the view is the older one" sqlite3 strata.db "SELECT twitter FROM userflips WHERE 0"

case_ "Sqitch on SQLite: a deploy script changed since sqitch deployed it is reported"
printf -- '-- edited\n' >>deploy/users.sql
expect_exit 4 -- strata_t migrate -d sqlite:sqitch_full.db check
expect_output_match 'users'
cp "$DATA/sqitch_sqlite_intro/deploy/users.sql" deploy/users.sql

case_ "Sqitch on SQLite: migrate new writes the project's own layout, which sqitch deploys"
expect_exit 0 -- strata_t migrate new add_tags
assert_true "deploy, revert and verify scripts" test -f deploy/add_tags.sql -a -f revert/add_tags.sql -a -f verify/add_tags.sql
assert_true "the plan line" grep -q '^add_tags [0-9T:-]*Z .* <.*>$' sqitch.plan
sqitch deploy db:sqlite:sqitch_full.db >sqitch.out 2>&1 || fail "sqitch did not take strata's plan line: $(cat sqitch.out)"
assert_true "sqitch deployed add_tags" grep -q 'add_tags' sqitch.out
expect_exit 0 -- strata_t migrate -d sqlite:sqitch_full.db status
expect_stdout_match '7 +add_tags +applied'
cd "$E2E_TMP" || exit 2

case_ "Sqitch on SQLite: check --roundtrip runs each change's verify script after its deploy script"
rm -rf rt && cp -r "$DATA/sqitch_sqlite_intro" rt && cd rt || exit 2
expect_exit 0 -- strata_t migrate check --roundtrip
sed -i 's/SELECT nickname, name, description, created_at/SELECT nickname, name, no_such_column, created_at/' verify/lists.sql
expect_exit 3 -- strata_t migrate check --roundtrip
expect_output_match 'verify-failed'
expect_output_match 'no_such_column'
cd "$E2E_TMP" || exit 2

case_ "Sqitch on SQLite: migrate diff writes deploy/ from the up and revert/ from the down"
rm -rf df && cp -r "$DATA/sqitch_sqlite_intro" df && cd df || exit 2
expect_exit 0 -- strata_t migrate -d sqlite:app.db up
expect_exit 0 -- strata_t migrate -d sqlite:app.db dump -o want.sql
printf 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n' >>want.sql
expect_exit 0 -- strata_t migrate diff add_notes --to want.sql
assert_true "the deploy script creates the table" grep -q 'CREATE TABLE.*notes' deploy/add_notes.sql
assert_true "the revert script drops it" grep -q 'DROP TABLE.*notes' revert/add_notes.sql
assert_true "the plan line" grep -q '^add_notes ' sqitch.plan
expect_exit 0 -- strata_t migrate -d sqlite:app.db up
assert_true "notes made" sqlite3 app.db "SELECT body FROM notes WHERE 0"
cd "$E2E_TMP" || exit 2

case_ "Sqitch: a plan whose dependencies break its order is refused, the change named"
mkdir broken && cp -r "$DATA/sqitch_sqlite_intro"/* broken/ && cd broken || exit 2
sed -i 's/^flips \[users\]/flips [users hashtags]/' sqitch.plan
expect_exit 3 -- strata_t migrate -d sqlite:x.db up
expect_stderr_match 'change flips \(line 6\) requires hashtags, and no change before it in the plan is named hashtags'
assert_false "nothing ran" test -s x.db
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------------------------
case_ "PostgreSQL server"
PG_URL=${STRATA_TEST_PG_URL:-}
if [ -z "$PG_URL" ]; then
    chmod 755 "$E2E_TMP"
    bash "$E2E_LIB_DIR/../servers/pg_server.sh" start "$E2E_TMP/pg" 2>"$E2E_TMP/server.err"
    if [ $? = 0 ]; then
        e2e_on_exit "bash '$E2E_LIB_DIR/../servers/pg_server.sh' stop '$E2E_TMP/pg'"
        PG_URL=$(cat "$E2E_TMP/pg/url")
    else
        skip "no STRATA_TEST_PG_URL and no PostgreSQL server could be started ($(cat "$E2E_TMP/server.err")): the PostgreSQL project is NOT tested"
    fi
fi
if [ -n "$PG_URL" ]; then
    PG_BASE=${PG_URL%/*}
    pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 "${@:2}"; }
    # fresh_db NAME: an empty database of that name (each case names its own, so two compared
    # databases are never one: a counter would not survive the $(...) subshell).
    fresh_db() { PGOPTIONS="-c client_min_messages=warning" pq "$PG_URL" -c "DROP DATABASE IF EXISTS sqitch_$1" -c "CREATE DATABASE sqitch_$1" >/dev/null && echo "$PG_BASE/sqitch_$1"; }
    # Sqitch's target for a database URL: db:pg://user:pw@host:port/db.
    sqitch_pg() { local db=$1; shift; sqitch deploy --no-verify "$@" "db:pg:${db#postgres:}"; }
    # The schema as pg_dump writes it, Sqitch's registry and strata's history left out.
    pg_schema() { pg_dump -s -N sqitch -T strata_migrations "$1" | grep -v -e '^--' -e '^\\' -e '^$'; }
    rm -rf "$E2E_TMP/pgi" && cp -r "$DATA/sqitch_pg_intro" "$E2E_TMP/pgi" && cd "$E2E_TMP/pgi" || exit 2

    case_ "Sqitch on PostgreSQL (sqitch-intro): from empty, the schema sqitch deploy gives, check clean"
    DB=$(fresh_db strata_up)
    expect_exit 0 -- strata_t migrate -d "$DB" up
    expect_exit 0 -- strata_t migrate -d "$DB" check
    FULL=$(fresh_db deployed)
    assert_ne "$DB" "$FULL" "two databases"
    sqitch_pg "$FULL" >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
    assert_eq "$(pg_schema "$FULL")" "$(pg_schema "$DB")" "strata's schema is sqitch's"

    case_ "Sqitch on PostgreSQL: fully deployed by sqitch, check clean"
    expect_exit 0 -- strata_t migrate -d "$FULL" status
    expect_stdout_match '13 +change_pass +applied'
    expect_exit 0 -- strata_t migrate -d "$FULL" check

    case_ "Sqitch on PostgreSQL: taken over half-way from the sqitch schema's changes"
    DB=$(fresh_db halfway)
    sqitch_pg "$DB" --to @v1.0.0-dev1 >sqitch.out 2>&1 || fail "sqitch deploy --to failed: $(cat sqitch.out)"
    expect_exit 0 -- strata_t migrate -d "$DB" status
    expect_stdout_match '4 +change_pass@v1.0.0-dev2 +applied'
    expect_stdout_match '5 +lists +pending'
    expect_exit 0 -- strata_t migrate -d "$DB" up
    expect_stderr_match "imported 4 version\(s\) from Sqitch's sqitch.changes table"
    expect_exit 0 -- strata_t migrate -d "$DB" check
    assert_eq 13 "$(pq "$DB" -c 'SELECT count(*) FROM strata_migrations')" "every change in strata's history"
    assert_eq "$(pg_schema "$FULL")" "$(pg_schema "$DB")" "the schema is sqitch's"
    cd "$E2E_TMP" || exit 2
fi

e2e_finish
