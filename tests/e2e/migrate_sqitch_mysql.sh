#!/usr/bin/env bash
# Sqitch's MySQL registry and the places sqitch.conf can move things to, beside the real sqitch
# (Debian's 1.3.1, with DBD::mysql and the mariadb client):
#   - SQLite: a registry of another name (`registry = meta`: meta.db beside the database) read and
#     taken over; reworked scripts under `reworked_dir` deployed by sqitch and by strata alike;
#   - MySQL (MariaDB, tests/servers/mariadb_server.sh): Sqitch's MySQL tutorial project
#     (tests/data/sqitch/sqitch_mysql_intro) brought up from empty by strata with the schema
#     `sqitch deploy` gives, fully deployed by sqitch and checked clean, taken over half-way from the
#     `sqitch` database's changes, and from a registry database of another name.
# Skips (77) only when the MariaDB server binaries are absent.
# Usage: bash tests/e2e/migrate_sqitch_mysql.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_sqitch_mysql "$@"
DATA="$E2E_LIB_DIR/../data/sqitch"
cd "$E2E_TMP" || exit 2
set +e

# The schema of a SQLite database, strata's history left out.
sqlite_schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'strata\_%' ESCAPE '\\' ORDER BY type, name"; }

# ---------------------------------------------------------------------------------------------
case_ "Sqitch on SQLite: a registry of another name (registry = meta) is read and taken over"
rm -rf reg && cp -r "$DATA/sqitch_sqlite_intro" reg && cd reg || exit 2
printf '[engine "sqlite"]\n\tregistry = meta\n' >>sqitch.conf
mkdir full half
sqitch deploy db:sqlite:full/app.db >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
assert_true "sqitch kept its registry in meta.db" test -f full/meta.db -a ! -e full/sqitch.db
expect_exit 0 -- strata_t migrate -d sqlite:full/app.db status
expect_stdout_match '6 +userflips +applied'
expect_exit 0 -- strata_t migrate -d sqlite:full/app.db check
sqitch deploy --to userflips@v1.0.0-dev1 db:sqlite:half/app.db >sqitch.out 2>&1 || fail "sqitch deploy --to failed: $(cat sqitch.out)"
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db status
expect_stdout_match '3 +userflips@v1.0.0-dev2 +applied'
expect_stdout_match '4 +lists +pending'
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db up
expect_stderr_match "imported 3 version\(s\) from Sqitch"
expect_stderr_match 'applied 6_userflips'
expect_exit 0 -- strata_t migrate -d sqlite:half/app.db check
assert_eq "$(sqlite_schema full/app.db)" "$(sqlite_schema half/app.db)" "the schema sqitch alone gives"
cd "$E2E_TMP" || exit 2

case_ "Sqitch on SQLite: reworked scripts under reworked_dir, as sqitch deploys them"
rm -rf rw && cp -r "$DATA/sqitch_sqlite_intro" rw && cd rw || exit 2
for d in deploy revert verify; do mkdir -p "old/$d" && mv "$d"/*@*.sql "old/$d/"; done
printf '[core]\n\treworked_dir = old\n' >>sqitch.conf
assert_true "the reworked scripts moved" test -f old/deploy/userflips@v1.0.0-dev2.sql -a ! -e deploy/userflips@v1.0.0-dev2.sql
# Each database in a folder of its own: Sqitch's registry (sqitch.db3) sits beside the database.
mkdir sq st
sqitch deploy db:sqlite:sq/app.db3 >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
expect_exit 0 -- strata_t migrate -d sqlite:st/app.db3 status
expect_stdout_match '3 +userflips@v1.0.0-dev2 +pending'
expect_exit 0 -- strata_t migrate -d sqlite:st/app.db3 up
expect_stderr_match 'applied 6'
assert_eq "$(sqlite_schema sq/app.db3)" "$(sqlite_schema st/app.db3)" "strata's schema is sqitch's"
expect_exit 0 -- strata_t migrate -d sqlite:sq/app.db3 status
expect_stdout_match '6 +userflips +applied'
expect_exit 0 -- strata_t migrate -d sqlite:sq/app.db3 check
expect_exit 0 -- strata_t migrate -d sqlite:st/app.db3 down --steps 4
assert_eq 0 "$(sqlite3 st/app.db3 "SELECT count(*) FROM sqlite_master WHERE name = 'userflips'")" \
    "old/revert/userflips@v1.0.0-dev2.sql ran: the view is gone"
assert_eq 2 "$(sqlite3 st/app.db3 'SELECT count(*) FROM strata_migrations')" "two changes left"
expect_exit 0 -- strata_t migrate check --roundtrip
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------------------------
case_ "MariaDB server"
MYDIR="$E2E_TMP/my"
start_db_server mariadb_server.sh "$MYDIR"
PORT=$(cat "$MYDIR/port")
ROOTPW=$(cat "$MYDIR/root_password")
# root, as the tutorial's sqitch.conf has it: the project creates a server user and grants to it.
URL="mysql://root:$ROOTPW@127.0.0.1:$PORT"
sql() { mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$ROOTPW" -N -B "$@"; }
n=0
fresh_db() { n=$((n + 1)); DB=sqm_$n; sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"; }
# Sqitch keeps one registry per server (the database `sqitch`), whichever database it deploys to:
# each deploy to another database starts without it, and without the server user flipr that the
# project's change `appuser` creates.
fresh_server() { sql -e "DROP USER IF EXISTS flipr; DROP DATABASE IF EXISTS sqitch"; }
sqitch_my() { local db=$1; shift; sqitch deploy --no-verify "$@" "db:mysql://root:$ROOTPW@127.0.0.1:$PORT/$db"; }
# The schema as mariadb-dump writes it (tables, procedures), strata's history left out, and the
# character set of the session that created each procedure (the mysql client sqitch runs speaks
# latin1, strata utf8mb4): the session's, not the schema's.
my_schema() {
    mariadb-dump --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$ROOTPW" --no-data --routines --skip-comments \
        --skip-dump-date --ignore-table="$1.strata_migrations" "$1" | sed -e 's/ AUTO_INCREMENT=[0-9]*//' -e "s/\`$1\`/DB/g" \
        -e '/SET character_set_client *=/d' -e '/SET character_set_results *=/d' -e '/SET collation_connection *=/d'
}
rm -rf myp && cp -r "$DATA/sqitch_mysql_intro" myp && cd myp || exit 2

case_ "Sqitch on MySQL (sqitch-mysql-intro): the plan's order, reworked changes included"
fresh_db; A=$DB
expect_exit 0 -- strata_t migrate -d "$URL/$A" status
expect_stdout_match '3 +insert_user@v1.0.0-dev2 +pending'
expect_stdout_match '12 +change_pass +pending'

case_ "Sqitch on MySQL: up from empty gives the schema sqitch deploy gives (DELIMITER blocks of two statements)"
fresh_server
expect_exit 0 -- strata_t migrate -d "$URL/$A" up
expect_stderr_match 'applied 12_change_pass'
fresh_db; B=$DB
fresh_server
sqitch_my "$B" >sqitch.out 2>&1 || fail "sqitch deploy failed: $(cat sqitch.out)"
assert_eq 12 "$(sql sqitch -e "SELECT count(*) FROM changes WHERE project = 'flipr'")" "sqitch's registry: a row per change"
assert_true "the dump has the reworked insert_user" grep -q 'ENCRYPT(md5(password)' <(my_schema "$B")
assert_eq "$(my_schema "$B")" "$(my_schema "$A")" "strata's schema is sqitch's"

case_ "Sqitch on MySQL: fully deployed by sqitch, every change applied and check clean"
expect_exit 0 -- strata_t migrate -d "$URL/$B" status
expect_stdout_match '4 +change_pass@v1.0.0-dev2 +applied'
expect_stdout_match '12 +change_pass +applied'
expect_exit 0 -- strata_t migrate -d "$URL/$B" check

case_ "Sqitch on MySQL: taken over half-way from the sqitch database's changes"
fresh_db; C=$DB
fresh_server
sqitch_my "$C" --to @v1.0.0-dev1 >sqitch.out 2>&1 || fail "sqitch deploy --to failed: $(cat sqitch.out)"
expect_exit 0 -- strata_t migrate -d "$URL/$C" status
expect_stdout_match '4 +change_pass@v1.0.0-dev2 +applied'
expect_stdout_match '5 +lists +pending'
expect_exit 0 -- strata_t migrate -d "$URL/$C" up
expect_stderr_match "imported 4 version\(s\) from Sqitch's sqitch.changes table"
expect_stderr_match 'applied 12_change_pass'
expect_exit 0 -- strata_t migrate -d "$URL/$C" check
assert_eq 12 "$(sql "$C" -e 'SELECT count(*) FROM strata_migrations')" "every change in strata's history"
assert_eq "$(my_schema "$B")" "$(my_schema "$C")" "the schema is sqitch's"
cd "$E2E_TMP" || exit 2

case_ "Sqitch on MySQL: a registry database of another name (registry = flipr_registry)"
rm -rf myr && cp -r "$DATA/sqitch_mysql_intro" myr && cd myr || exit 2
printf '[engine "mysql"]\n\tregistry = flipr_registry\n' >>sqitch.conf
fresh_db; D=$DB
fresh_server
sqitch_my "$D" --to @v1.0.0-dev1 >sqitch.out 2>&1 || fail "sqitch deploy --to failed: $(cat sqitch.out)"
assert_eq 4 "$(sql flipr_registry -e "SELECT count(*) FROM changes WHERE project = 'flipr'")" "sqitch wrote to flipr_registry"
assert_eq 0 "$(sql -e "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'sqitch'")" "and not to sqitch"
expect_exit 0 -- strata_t migrate -d "$URL/$D" status
expect_stdout_match '4 +change_pass@v1.0.0-dev2 +applied'
expect_stdout_match '5 +lists +pending'
expect_exit 0 -- strata_t migrate -d "$URL/$D" up
expect_stderr_match "imported 4 version\(s\) from Sqitch"
expect_stderr_match 'applied 12_change_pass'
expect_exit 0 -- strata_t migrate -d "$URL/$D" check
assert_eq "$(my_schema "$B")" "$(my_schema "$D")" "the schema is sqitch's"
cd "$E2E_TMP" || exit 2

e2e_finish
