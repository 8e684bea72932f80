#!/usr/bin/env bash
# Real-world MySQL/MariaDB migration sets (tests/e2e/data/mysql-sets, copied unchanged from public
# projects; each folder's SOURCE says from where) applied with strata on a throwaway MariaDB server
# (tests/servers/mariadb_server.sh) and compared with a peer applying the same files:
#   kalbasit__ncps   dbmate format, 6 migrations with downs; peer: dbmate (skipped, saying so, when
#                    its binary is absent; $STRATA_DBMATE or the peers cache)
#   flipt-io__flipt  golang-migrate format, versions 0-12, up files only; peer: the mariadb client
#                    applying each .up.sql whole, in version order (what golang-migrate's mysql driver
#                    does with multiStatements)
# For each set: up, status, check (lint findings), check --drift and --roundtrip, the schema against
# the peer's (SHOW CREATE TABLE of every table, history tables left out), dump against SHOW CREATE,
# taking over the peer's history table (dbmate's / golang-migrate's schema_migrations), and for ncps
# down --all and up again. What these sets found in strata (the dump's table order, the scratch
# database's collation, ADD FOREIGN KEY in lint) is asserted as regressions.
# Skips (exit 77) only when the MariaDB server binaries are absent.
# Usage: bash tests/e2e/realworld_mysql.sh /path/to/strata
here=$(cd "$(dirname "$0")" && pwd)
SETS=$here/data/mysql-sets
. "$here/lib.sh"
e2e_init realworld_mysql "$@"

MYDIR="$E2E_TMP/my"
set +e
start_db_server mariadb_server.sh "$MYDIR"
PASSWORD=$(cat "$MYDIR/password")
PORT=$(cat "$MYDIR/port")
ROOT_PASSWORD=$(cat "$MYDIR/root_password")
BASE="mysql://strata:$PASSWORD@127.0.0.1:$PORT"
DBMATE=${STRATA_DBMATE:-$HOME/.cache/strata-peers/node/node_modules/@dbmate/linux-x64/bin/dbmate}
[ -x "$DBMATE" ] || DBMATE=""

# sql [DB] STATEMENTS: as root, tab-separated rows without headers.
sql() {
    local db=""
    [ $# = 2 ] && { db=$1; shift; }
    mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$ROOT_PASSWORD" -N -B -r ${db:+"$db"} -e "$1"
}
# client_apply DB FILE: FILE through the mariadb client, as golang-migrate's driver sends it (whole).
client_apply() { mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$ROOT_PASSWORD" "$1" <"$2"; }
fresh_db() { sql "CREATE DATABASE $1" && echo "$BASE/$1"; }
# show_schema DB: SHOW CREATE TABLE of every base table but the history tables, by the client, with
# the AUTO_INCREMENT counter removed: the schema as the server sees it, independent of strata.
show_schema() {
    local t q=""
    for t in $(sql "$1" "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'" | cut -f1 | sort); do
        case $t in strata_migrations | schema_migrations) continue ;; esac
        q="$q SHOW CREATE TABLE \`$t\`;"
    done
    [ -n "$q" ] && sql "$1" "$q" | cut -f2- | sed -e 's/ AUTO_INCREMENT=[0-9]*//'
}
# dump_body: strata's dump in $OUT without its header line and the applied-migrations list, and
# without the statement terminators, to compare with show_schema.
dump_body() { printf '%s\n' "$OUT" | sed -e 1d -e '/^SET FOREIGN_KEY_CHECKS = 0;$/d' -e '/^-- Applied migrations:/,$d' | sed -e '${/^$/d;}' -e 's/;$//'; }

# ---------------------------------------------------------------------------------------------
# kalbasit__ncps: dbmate format
NCPS=$SETS/kalbasit__ncps/migrations

case_ "ncps (dbmate): up on a new database"
URL=$(fresh_db ncps)
run_timed "$STRATA" migrate -d "$URL" --dir "$NCPS" up
NCPS_MS=$MS
assert_eq 0 "$RC" "strata up exits 0"
expect_stderr_match '^applied 20260318053904_add_pinned_closures_table'
assert_eq "6	applied" "$(sql ncps "SELECT COUNT(*), MIN(state) FROM strata_migrations")" "history: 6 applied"
assert_eq 9 "$(show_schema ncps | grep -c '^CREATE TABLE')" "9 tables"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" up
expect_stderr_match 'nothing to apply'

case_ "ncps (dbmate): status"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" status
assert_eq 6 "$(printf '%s\n' "$OUT" | grep -Ec '^2026[0-9]{10} +[a-z_]+ +applied ')" "status lists 6 applied"
expect_stdout_nomatch 'pending|partial'

case_ "ncps (dbmate): check, --drift, --roundtrip"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --json
# The finding is real: MODIFY (TEXT -> VARCHAR(512)) on the existing nar_files. Its ADD UNIQUE
# (line 4) is built in place while the table takes writes: not flagged.
expect_json_true "lint: alter-without-algorithm at line 2 of 20260127223000, nothing else but info" \
    "sorted((f['code'], f['version'], f['line']) for f in d['findings'] if f['severity'] != 'info') == [('alter-without-algorithm', '20260127223000', 2)]"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --drift
expect_stdout_nomatch '^drift '
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --roundtrip
expect_stdout_nomatch '^roundtrip '
assert_eq "" "$(sql "SHOW DATABASES LIKE 'strata\\_scratch%'")" "the scratch databases are gone"

case_ "ncps (dbmate): the same schema as dbmate's"
if [ -n "$DBMATE" ]; then
    PEER=$(fresh_db ncps_dbmate)
    run_timed "$DBMATE" --url "$PEER" --migrations-dir "$NCPS" --no-dump-schema up
    NCPS_PEER_MS=$MS
    assert_eq 0 "$RC" "dbmate up exits 0"
    assert_eq "$(show_schema ncps_dbmate)" "$(show_schema ncps)" "SHOW CREATE TABLE of every table equals dbmate's"
    case_ "ncps (dbmate): strata reads dbmate's history"
    expect_exit 0 -- "$STRATA" migrate -d "$PEER" --dir "$NCPS" status
    assert_eq 6 "$(printf '%s\n' "$OUT" | grep -Ec ' applied +-$')" "dbmate's 6 versions are applied (applied_at unknown)"
    expect_exit 0 -- "$STRATA" migrate -d "$PEER" --dir "$NCPS" check --drift
    expect_stdout_nomatch '^drift '
    expect_exit 0 -- "$STRATA" migrate -d "$PEER" --dir "$NCPS" dump
    expect_stdout_nomatch 'schema_migrations'
    # dbmate stopped after 3 of the 6: strata takes over and applies the other 3.
    MIX=$(fresh_db ncps_mix)
    run "$DBMATE" --url "$MIX" --migrations-dir "$NCPS" --no-dump-schema up
    for _ in 1 2 3; do run "$DBMATE" --url "$MIX" --migrations-dir "$NCPS" --no-dump-schema rollback; done
    assert_eq "3" "$(sql ncps_mix "SELECT COUNT(*) FROM schema_migrations")" "dbmate: 3 applied"
    expect_exit 0 -- "$STRATA" migrate -d "$MIX" --dir "$NCPS" up
    expect_stderr_match 'imported 3 version\(s\) from dbmate'
    assert_eq "$(show_schema ncps)" "$(show_schema ncps_mix)" "the schema equals strata's alone"
else
    NCPS_PEER_MS=-
    skip "no dbmate binary (set STRATA_DBMATE)"
fi

case_ "ncps (dbmate): dump is SHOW CREATE"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" dump
expect_stdout_match '^-- Schema of MariaDB database ncps'
expect_stdout_match '^--   20260318053904 add_pinned_closures_table$'
assert_eq "$(show_schema ncps)" "$(dump_body)" "the dump's statements are the server's SHOW CREATE TABLE"
printf '%s\n' "$OUT" >ncps_dump.sql
sql "CREATE DATABASE ncps_reload"
# Tables are dumped in name order after SET FOREIGN_KEY_CHECKS = 0: nar_file_chunks references
# nar_files, which follows it.
assert_true "the dump loads with the mysql client" client_apply ncps_reload ncps_dump.sql
assert_eq "$(show_schema ncps)" "$(show_schema ncps_reload)" "the reloaded schema is the same"

case_ "ncps (dbmate): down --all, then up again"
BEFORE=$(show_schema ncps)
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" down --all
expect_stderr_match '^reverted 20260101000000_init_schema'
assert_eq "strata_migrations" "$(sql ncps "SHOW TABLES")" "down --all leaves only the history table"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" status
assert_eq 6 "$(printf '%s\n' "$OUT" | grep -c ' pending ')" "all 6 pending again"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" up
assert_eq "$BEFORE" "$(show_schema ncps)" "up again gives the same schema"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --drift

case_ "ncps (dbmate): a database whose default collation is not the server's"
# 20260131021850_add_chunks.sql creates chunks and nar_file_chunks without CHARSET/COLLATE, so they
# take the database's default: utf8mb4_unicode_ci here, utf8mb4_general_ci on the server.
sql "CREATE DATABASE ncps_coll CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
URL=$BASE/ncps_coll
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" up
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --roundtrip
# The scratch database takes the live one's character set and collation (utf8mb4_unicode_ci here),
# so the tables created without one replay the same.
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$NCPS" check --drift
expect_stdout_nomatch '^drift '

# ---------------------------------------------------------------------------------------------
# flipt-io__flipt: golang-migrate format, up files only, version 0 first
FLIPT=$SETS/flipt-io__flipt/migrations
FLIPT_FILES=$(cd "$FLIPT" && printf '%s\n' *.up.sql | sort -n)

case_ "flipt (golang-migrate): up on a new database"
URL=$(fresh_db flipt)
run_timed "$STRATA" migrate -d "$URL" --dir "$FLIPT" up
FLIPT_MS=$MS
assert_eq 0 "$RC" "strata up exits 0"
expect_stderr_match '^applied 0_initial '
expect_stderr_match '^applied 12_namespaces_add_state_modified_at '
assert_eq "13	applied" "$(sql flipt "SELECT COUNT(*), MIN(state) FROM strata_migrations")" "history: 13 applied"
assert_eq 14 "$(show_schema flipt | grep -c '^CREATE TABLE')" "14 tables"
assert_eq "default" "$(sql flipt "SELECT \`key\` FROM namespaces")" "the INSERT beside the DDL in 4_create_namespaces ran"

case_ "flipt (golang-migrate): status"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" status
assert_eq 13 "$(printf '%s\n' "$OUT" | grep -Ec '^[0-9]+ +[a-z_]+ +applied ')" "status lists 13 applied"
expect_stdout_match '^0 +initial +applied '

case_ "flipt (golang-migrate): check, --drift, --roundtrip"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" check --json
# Legitimate findings of this set: no .down.sql at all (13 missing-down), the DROP COLUMNs of
# 10_alter_rules_rollout_segments, and ALTERs of existing tables without ALGORITHM= in 5 (ADD
# FOREIGN KEY) and 11 (MODIFY); their index builds run online and are not flagged.
expect_json_true "13 missing-down, 3 destructive, 21 alter-without-algorithm (9 of them ADD FOREIGN KEY), no error" \
    "[sum(1 for f in d['findings'] if f['code'] == c) for c in ('missing-down', 'destructive', 'alter-without-algorithm')] == [13, 3, 21] and all(f['severity'] != 'error' for f in d['findings'])"
expect_json_true "destructive: 10_alter_rules_rollout_segments lines 4, 12, 13" \
    "sorted((f['version'], f['line']) for f in d['findings'] if f['code'] == 'destructive') == [('10', 4), ('10', 12), ('10', 13)]"
# ADD FOREIGN KEY on an existing table copies it while foreign_key_checks is on: flagged.
expect_json_true "ADD FOREIGN KEY on existing tables is flagged" \
    "sorted(f['line'] for f in d['findings'] if f['code'] == 'alter-without-algorithm' and f['version'] == '5' and 'FOREIGN' in f['message']) == [19, 32, 35, 49, 60, 63, 75, 78, 81]"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" check --drift
expect_stdout_nomatch '^drift '
# The server-generated foreign key names (constraints_ibfk_1, rules_ibfk_3, ...) that 5 and 10 drop
# by name come out the same in the scratch replay.
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" check --roundtrip
expect_stdout_nomatch '^roundtrip '
assert_eq "" "$(sql "SHOW DATABASES LIKE 'strata\\_scratch%'")" "the scratch databases are gone"

case_ "flipt (golang-migrate): down without .down.sql files is refused"
# golang-migrate would run an empty migration; strata refuses (strata-migrate(1): "without a .down.sql
# the migration cannot be rolled back").
expect_exit 3 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" down
expect_error_line '12_namespaces_add_state_modified_at.up.sql: has no .down.sql file'
assert_eq "13" "$(sql flipt "SELECT COUNT(*) FROM strata_migrations")" "nothing rolled back"

case_ "flipt (golang-migrate): the same schema as the mariadb client's"
sql "CREATE DATABASE flipt_client"
t0=$(date +%s%N)
ok=1
for f in $FLIPT_FILES; do
    client_apply flipt_client "$FLIPT/$f" || { ok=0; fail "the mariadb client fails at $f"; break; }
done
FLIPT_PEER_MS=$((($(date +%s%N) - t0) / 1000000))
[ $ok = 1 ] && pass "the mariadb client applies all 13"
assert_eq "$(show_schema flipt_client)" "$(show_schema flipt)" "SHOW CREATE TABLE of every table equals the client's"

case_ "flipt (golang-migrate): dump is SHOW CREATE"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir "$FLIPT" dump
expect_stdout_match '^--   0 initial$'
assert_eq "$(show_schema flipt)" "$(dump_body)" "the dump's statements are the server's SHOW CREATE TABLE"
printf '%s\n' "$OUT" >flipt_dump.sql
sql "CREATE DATABASE flipt_reload"
# As for ncps: `constraints` references namespaces and segments, which follow it.
assert_true "the dump loads with the mysql client" client_apply flipt_reload flipt_dump.sql
assert_eq "$(show_schema flipt)" "$(show_schema flipt_reload)" "the reloaded schema is the same"

case_ "flipt (golang-migrate): strata takes over golang-migrate's history"
# golang-migrate keeps one row, the newest version: 12 here, with version 0 among those it implies.
sql flipt_client "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL, PRIMARY KEY (version)); INSERT INTO schema_migrations VALUES (12, 0)"
expect_exit 0 -- "$STRATA" migrate -d "$BASE/flipt_client" --dir "$FLIPT" status
assert_eq 13 "$(printf '%s\n' "$OUT" | grep -Ec ' applied +-$')" "versions 0-12 applied (applied_at unknown)"
expect_exit 0 -- "$STRATA" migrate -d "$BASE/flipt_client" --dir "$FLIPT" check --drift
expect_stdout_nomatch '^drift '
# golang-migrate stopped at 5: strata applies 6-12 and imports 0-5.
sql "CREATE DATABASE flipt_half"
for f in $FLIPT_FILES; do
    case $f in [0-5]_*) client_apply flipt_half "$FLIPT/$f" ;; esac
done
sql flipt_half "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL, PRIMARY KEY (version)); INSERT INTO schema_migrations VALUES (5, 0)"
expect_exit 0 -- "$STRATA" migrate -d "$BASE/flipt_half" --dir "$FLIPT" up
expect_stderr_match 'imported 6 version\(s\) from golang-migrate'
expect_stderr_match '^applied 6_constraints_with_description '
assert_eq "$(show_schema flipt)" "$(show_schema flipt_half)" "the schema equals strata's alone"
# Left dirty at 5: refused, naming the version.
sql "CREATE DATABASE flipt_dirty"
sql flipt_dirty "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL, PRIMARY KEY (version)); INSERT INTO schema_migrations VALUES (5, 1)"
expect_exit 6 -- "$STRATA" migrate -d "$BASE/flipt_dirty" --dir "$FLIPT" up
expect_stderr_match 'golang-migrate left version 5 dirty'

note "up: ncps strata ${NCPS_MS} ms, dbmate ${NCPS_PEER_MS} ms; flipt strata ${FLIPT_MS} ms, mariadb client ${FLIPT_PEER_MS} ms"
e2e_finish
