#!/usr/bin/env bash
# Catalogue of bad input: every case must fail with the documented exit code,
# exactly one "strata: error:" line on stderr (hint lines allowed) naming the
# culprit, and leave the database unchanged.
# Usage: bash tests/e2e/bad_input.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init bad_input "$@"

V1=20240101000001
V2=20240101000002
V3=20240101000003
S() { strata_t migrate -d sqlite:app.db "$@"; }

# setup NAME: fresh case directory with V1 applied to app.db; records FP/SHA.
setup() {
    cd "$E2E_TMP" || exit 2
    mkdir -p "$1/migrations"
    cd "$1" || exit 2
    mig migrations $V1 create_users_table \
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" "DROP TABLE users;"
    if ! "$STRATA" migrate -d sqlite:app.db up -q >/dev/null 2>&1 || ! table_exists app.db users; then
        fail "setup for '$1': initial 'up' failed"
    fi
    FP=$(db_fingerprint app.db)
    SHA=$(file_sha app.db)
}
unchanged() {
    assert_eq "$FP" "$(db_fingerprint app.db)" "database content unchanged"
    assert_eq 1 "$(history_count app.db)" "history unchanged (only V1)"
}
bytes_unchanged() { assert_eq "$SHA" "$(file_sha "${1:-app.db}")" "database bytes unchanged"; }

# ---------------------------------------------------------------------------
case_ "missing up marker"
setup no_up
printf -- '-- migrate:down\nDROP TABLE widgets;\n' >migrations/${V2}_create_widgets_table.sql
expect_exit 3 -- S up
expect_error_line "${V2}_create_widgets_table"
unchanged

case_ "no markers at all"
setup no_markers
printf 'CREATE TABLE widgets (x);\n' >migrations/${V2}_create_widgets_table.sql
expect_exit 3 -- S up
expect_error_line "${V2}_create_widgets_table"
unchanged

case_ "duplicated up marker"
setup dup_up
printf -- '-- migrate:up\nCREATE TABLE a (x);\n-- migrate:up\nCREATE TABLE b (x);\n-- migrate:down\nDROP TABLE a;\n' \
    >migrations/${V2}_create_a_table.sql
expect_exit 3 -- S up
expect_error_line "${V2}_create_a_table"
unchanged

case_ "duplicated down marker"
setup dup_down
printf -- '-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n-- migrate:down\nDROP TABLE a;\n' \
    >migrations/${V2}_create_a_table.sql
expect_exit 3 -- S up
expect_error_line "${V2}_create_a_table"
unchanged

# Sections are found by their markers, in either order (as dbmate reads them): a down section
# written first is still the down section, and the up section is what runs on up.
case_ "down marker before up marker"
setup down_first
printf -- '-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (x);\n' >migrations/${V2}_create_a_table.sql
expect_exit 0 -- S up
expect_stderr_match "applied ${V2}_create_a_table"
assert_true "the up section ran: a created" table_exists app.db a
assert_eq 2 "$(history_count app.db)" "V2 recorded"
expect_exit 0 -- S down
assert_false "the down section ran: a dropped" table_exists app.db a
unchanged

case_ "duplicate versions"
setup dup_version
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations $V2 create_b_table "CREATE TABLE b (x);" "DROP TABLE b;"
expect_exit 3 -- S up
expect_error_line "$V2"
if grep -q "${V2}_create_a_table" "$E2E_TMP/.err" && grep -q "${V2}_create_b_table" "$E2E_TMP/.err"; then
    pass "both files named"
else
    fail "duplicate-version error should name both files"
fi
unchanged

case_ "duplicate version across dbmate and golang-migrate formats"
setup dup_version_formats
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
echo "CREATE TABLE a (x);" >migrations/${V2}_create_a_table.up.sql
echo "DROP TABLE a;" >migrations/${V2}_create_a_table.down.sql
expect_exit 3 -- S up
expect_error_line "$V2"
unchanged

case_ "duplicate version with different zero padding (numeric ordering)"
setup dup_version_numeric
mig migrations 2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations 002 create_b_table "CREATE TABLE b (x);" "DROP TABLE b;"
expect_exit 3 -- S up
expect_error_line
unchanged

# Names are read as dbmate reads them (the leading digits are the version), so the only bad
# name left is a version too long; a name not starting with a digit is ignored, as by dbmate.
for badname in 1234567890123456789_too_long.sql 12345678901234567890.sql; do
    case_ "bad file name: $badname"
    setup "badname_${badname%%.sql}"
    printf -- '-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n' >"migrations/$badname"
    expect_exit 3 -- S up
    expect_error_line "${badname%.sql}" 'more than 18 digits'
    unchanged
done

case_ "a .sql name not starting with a digit is ignored by up, a check warning"
setup notaversion
printf -- '-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n' >migrations/notaversion.sql
expect_exit 0 -- S up
expect_stderr_match 'nothing to apply'
unchanged
expect_exit 0 -- S check
expect_stdout_match 'not-a-migration.*notaversion\.sql'
expect_exit 3 -- S check --strict

case_ "non-.sql files are ignored"
setup ignored_files
echo "# notes" >migrations/README.md
touch migrations/.gitkeep
echo "CREATE TABLE x (y);" >migrations/${V2}_create_x_table.sql.bak
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
expect_exit 0 -- S up
assert_true "a created" table_exists app.db a
assert_false "x not created from .bak" table_exists app.db x

case_ "non-UTF-8 file: its bytes go to the server as they are (as dbmate sends them); check says so"
setup non_utf8
printf -- "-- migrate:up\nINSERT INTO users (email) VALUES ('caf\xe9 \xc3\x28');\n-- migrate:down\nDELETE FROM users;\n" \
    >migrations/${V2}_insert_latin1.sql
expect_exit 0 -- S up
assert_eq "636166e920c328" "$(db_q app.db "SELECT hex(email) FROM users" | tr 'A-F' 'a-f')" "the bytes stored as the file has them"
expect_exit 0 -- S check --json
expect_json_true "not-utf8 info at line 2" "[(f['severity'], f['line']) for f in d['findings'] if f['code'] == 'not-utf8'] == [('info', 2)]"

case_ "empty file"
setup empty_file
: >migrations/${V2}_create_nothing_table.sql
expect_exit 3 -- S up
expect_error_line "${V2}_create_nothing_table"
unchanged

case_ "up section present but empty"
setup empty_up
printf -- '-- migrate:up\n\n-- migrate:down\nSELECT 1;\n' >migrations/${V2}_create_nothing_table.sql
# strata-migrate(1), new: "an empty up section is a parse error".
expect_exit 3 -- S up
expect_error_line "${V2}_create_nothing_table" 'the up section is empty'
unchanged

case_ "unreadable migrations directory"
setup unreadable_dir
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
chmod 000 migrations
if ! ls migrations >/dev/null 2>&1; then
    expect_exit 3 -- S up
    expect_error_line "migrations"
    unchanged
elif can_drop_root; then
    note "running as root: chmod 000 does not block root, running strata as 'nobody'"
    chmod 755 "$E2E_TMP" "$E2E_TMP/.bin" 2>/dev/null
    chmod 777 .
    chmod 666 app.db
    run as_nobody timeout 30 "$STRATA" migrate -d sqlite:app.db up
    assert_eq 3 "$RC" "unreadable dir -> exit 3 (as nobody)"
    expect_error_line "migrations"
    unchanged
else
    skip "running as root: chmod 000 does not block reads and setpriv is unavailable; case skipped"
fi
chmod 755 migrations

case_ "unreadable migration file"
setup unreadable_file
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
chmod 000 migrations/${V2}_create_a_table.sql
if ! cat migrations/${V2}_create_a_table.sql >/dev/null 2>&1; then
    expect_exit 3 -- S up
    expect_error_line "${V2}_create_a_table"
    unchanged
elif can_drop_root; then
    note "running as root: chmod 000 does not block root, running strata as 'nobody'"
    chmod 755 "$E2E_TMP" "$E2E_TMP/.bin" 2>/dev/null
    chmod 777 . migrations
    chmod 666 app.db
    run as_nobody timeout 30 "$STRATA" migrate -d sqlite:app.db up
    assert_eq 3 "$RC" "unreadable file -> exit 3 (as nobody)"
    expect_error_line "${V2}_create_a_table"
    unchanged
else
    skip "running as root: chmod 000 does not block reads and setpriv is unavailable; case skipped"
fi
chmod 644 migrations/${V2}_create_a_table.sql

case_ "migrations directory is missing"
setup missing_dir
# As for STRATA_MIGRATIONS_DIR (docs/bad-input.md B019): invalid input, exit 3.
expect_exit 3 -- S --dir does_not_exist up
expect_error_line "does_not_exist: migrations directory does not exist"
unchanged

# ---------------------------------------------------------------------------
case_ "database path is a directory"
setup db_is_dir
mkdir dbdir
for sub in up status check dump; do
    expect_exit 7 -- strata_t migrate -d sqlite:dbdir "$sub"
    expect_error_line "dbdir"
done
assert_eq "" "$(ls -A dbdir)" "directory left empty"

case_ "database cannot be created (parent directory missing)"
setup cannot_create
expect_exit 7 -- strata_t migrate -d "sqlite:$PWD/no/such/dir/new.db" up
expect_error_line "no/such/dir/new\.db"
assert_absent "no"

case_ "file is not a SQLite database"
setup not_sqlite
head -c 8192 /dev/urandom >junk.db
JSHA=$(file_sha junk.db)
for sub in up status dump; do
    expect_exit 7 -- strata_t migrate -d sqlite:junk.db "$sub"
    expect_error_line "junk\.db"
done
assert_eq "$JSHA" "$(file_sha junk.db)" "junk file bytes unchanged"
assert_absent junk.db-journal
assert_absent junk.db-wal

case_ "text file is not a SQLite database"
setup text_not_sqlite
printf 'hello, I am not a database\n%.0s' $(seq 1 200) >notes.db
JSHA=$(file_sha notes.db)
expect_exit 7 -- strata_t migrate -d sqlite:notes.db up
expect_error_line "notes\.db"
assert_eq "$JSHA" "$(file_sha notes.db)" "text file bytes unchanged"

case_ "a history table of the same name with other columns: the hint names --table"
setup foreign_shape
sqlite3 other.db 'CREATE TABLE strata_migrations (id INTEGER PRIMARY KEY, applied TEXT)'
expect_exit 7 -- strata_t migrate -d sqlite:other.db status
expect_error_line "reading history table strata_migrations"
expect_stderr_match '^strata: hint: was it created by another tool\? pass --table to use another name$'
if grep '^strata: error: ' "$E2E_TMP/.err" | grep -q -- '--table'; then
    fail "the advice is the hint, not part of the error"
else
    pass "the advice is the hint, not part of the error"
fi
DATABASE_URL=sqlite:other.db strata_t mcp --store mcp.db >mcp.out 2>mcp.err <<'EOF'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"migrate_status","arguments":{}}}
EOF
text=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    m = json.loads(l)
    if m.get("id") == 2: print(m["result"]["content"][0]["text"])' mcp.out)
case $text in
    *"[migrate] table in strata.toml"*) pass "an MCP agent is told the setting: $text" ;;
    *) fail "an MCP agent is not told the setting: $text" ;;
esac
case $text in
    *--*) fail "an MCP agent is told to pass a flag: $text" ;;
    *) pass "an MCP agent is not told to pass a flag" ;;
esac

case_ "read-only database"
setup readonly_db
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
ro_mode=""
if [ "$(id -u)" != 0 ]; then
    chmod 444 app.db
    ro_mode="chmod 444"
elif chattr +i app.db 2>/dev/null; then
    e2e_on_exit "chattr -i '$E2E_TMP/readonly_db/app.db'"
    ro_mode="chattr +i"
fi
if [ -n "$ro_mode" ]; then
    expect_exit 7 -- S up
    expect_error_line
    expect_stderr_match 'app\.db|read-?only|readonly' "names the database or says read-only"
    [ "$ro_mode" = "chattr +i" ] && chattr -i app.db
    chmod 644 app.db
    unchanged
    bytes_unchanged
elif unshare -m true 2>/dev/null; then
    ro_mode="read-only bind mount"
    run unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && cd "$1" && exec timeout 30 "$2" migrate -d sqlite:app.db up' \
        sh "$PWD" "$STRATA"
    assert_eq 7 "$RC" "up on a read-only mount exits 7"
    expect_error_line
    unchanged
else
    skip "running as root without chattr/unshare support: cannot make the database read-only"
fi
[ -n "$ro_mode" ] && note "read-only simulated with: $ro_mode"
if [ "$(id -u)" = 0 ] && can_drop_root; then
    case_ "read-only database (chmod 444, strata running as nobody)"
    setup readonly_db_nobody
    mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
    chmod 755 "$E2E_TMP" "$E2E_TMP/.bin" 2>/dev/null
    chmod 777 . migrations
    chmod 444 app.db
    run as_nobody timeout 30 "$STRATA" migrate -d sqlite:app.db up
    assert_eq 7 "$RC" "read-only db -> exit 7 (as nobody)"
    expect_error_line
    expect_stderr_match 'app\.db|read-?only|readonly' "names the database or says read-only"
    unchanged
    bytes_unchanged
fi

case_ "database locked by another sqlite3 process (BEGIN EXCLUSIVE)"
setup locked_sqlite3
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mkfifo holder.fifo
sqlite3 app.db <holder.fifo >holder.out 2>&1 &
HOLDER=$!
e2e_bg $HOLDER
exec 3>holder.fifo
echo "BEGIN EXCLUSIVE;" >&3
echo "SELECT count(*) FROM users;" >&3
locked=0
for _ in $(seq 1 50); do
    if ! sqlite3 -cmd ".timeout 0" app.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; then
        locked=1
        break
    fi
    sleep 0.1
done
if [ $locked = 1 ]; then
    t0=$(date +%s)
    expect_exit 7 -- S up --lock-timeout 1
    t1=$(date +%s)
    expect_error_line
    expect_stderr_match '[Ll]ock|[Bb]usy' "mentions lock/busy"
    # Gave up (exit 7, the lock named) while the lock was held: a wait that never ended would be
    # run's timeout (exit 124). How long it took is not asserted (a loaded machine is slow).
    note "gave up in $((t1 - t0)) s"
else
    fail "could not get sqlite3 to hold an exclusive lock"
fi
echo "ROLLBACK;" >&3
echo ".quit" >&3
exec 3>&-
wait $HOLDER 2>/dev/null
unchanged
expect_exit 0 -- S up
assert_true "a applied once the lock is gone" table_exists app.db a

case_ "migration lock (flock on the database file) held by another process"
setup locked_flock
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
if hold_flock app.db; then
    for args in "up" "down" "redo" "stamp $V2" "accept --all"; do
        # shellcheck disable=SC2086
        run_timed S $args --lock-timeout 1
        assert_eq 7 "$RC" "$args with the lock held -> exit 7"
        expect_error_line
        expect_stderr_match '[Ll]ock' "mentions the lock"
        # It waited for the lock (at least the timeout; no upper bound: a loaded machine is slow,
        # and a wait that never ended is run's timeout, exit 124, not 7).
        if [ "$MS" -ge 900 ]; then pass "$args waited for the lock (${MS} ms)"; else fail "$args: --lock-timeout 1 but gave up after ${MS} ms"; fi
    done
    release_flock
    unchanged
    # a waiting `up` proceeds as soon as the lock is released
    hold_flock app.db
    t0=$(date +%s%N)
    "$STRATA" migrate -d sqlite:app.db up --lock-timeout 20 >waiter.out 2>waiter.err &
    WAITER=$!
    e2e_bg $WAITER
    sleep 1
    if kill -0 $WAITER 2>/dev/null; then pass "up waits while the lock is held"; else fail "up did not wait for the lock ($(cat waiter.err))"; fi
    release_flock
    wait $WAITER
    wrc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    assert_eq 0 "$wrc" "waiting up exits 0 after the lock is released ($(tr '\n' ' ' <waiter.err))"
    if [ "$ms" -ge 900 ]; then pass "waited for the lock's release (${ms} ms)"; else fail "waiting up finished after ${ms} ms, before the lock was released"; fi
    assert_true "a applied once the lock is released" table_exists app.db a
else
    fail "could not take a flock on app.db"
fi

case_ "database locked by another strata holding the migration lock"
setup locked_strata
# ~6 s of CPU inside one migration, measured on this machine: the first strata must outlast the
# second one's 1 s lock timeout, and a fixed row count takes under 2 s on a fast machine.
slow_rows=$(python3 - <<'PY'
import sqlite3, time
db = sqlite3.connect(":memory:")
n = 2_000_000
t0 = time.monotonic()
db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) FROM c", (n,)).fetchone()
per_row = max(time.monotonic() - t0, 1e-3) / n
print(max(14_000_000, min(400_000_000, int(6.0 / per_row))))
PY
)
note "slow migration: $slow_rows rows"
cat >migrations/${V2}_create_slow_table.sql <<SQL
-- migrate:up
CREATE TABLE slow AS
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $slow_rows)
  SELECT count(*) AS n FROM c;

-- migrate:down
DROP TABLE slow;
SQL
"$STRATA" migrate -d sqlite:app.db up >first.out 2>first.err &
FIRST=$!
e2e_bg $FIRST
# wait until the first process holds the migration lock (a flock on the database file) or its
# write transaction is visible. Under load (ctest -j, sanitizers) its start can take seconds:
# without this wait the second process could take the lock first and do the slow work itself.
seen=0
for _ in $(seq 1 200); do
    if ! flock -n -E 99 app.db true 2>/dev/null; then seen=1; break; fi
    if ! sqlite3 -cmd ".timeout 0" app.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; then seen=1; break; fi
    sleep 0.05
done
[ $seen = 1 ] || note "never saw the first strata take the lock within 10 s"
sleep 0.2
t0=$(date +%s)
expect_exit 7 -- S up --lock-timeout 1
t1=$(date +%s)
expect_error_line
expect_stderr_match '[Ll]ock|[Bb]usy' "mentions the lock"
note "second strata gave up in $((t1 - t0)) s"  # that it gave up first is the check below, not a time
if kill -0 $FIRST 2>/dev/null; then
    pass "first strata still running while the second gave up"
else
    note "first strata finished before the second one gave up; slow migration too fast on this machine"
fi
wait $FIRST
frc=$?
assert_eq 0 "$frc" "first strata completed ($(cat first.err))"
assert_eq "$V1 $V2" "$(history_versions app.db | tr '\n' ' ' | sed 's/ $//')" "slow migration recorded exactly once"

# ---------------------------------------------------------------------------
case_ "failing statement in the middle of a migration (no such table)"
setup failing_stmt
cat >migrations/${V2}_create_orders_table.sql <<'SQL'
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY);
INSERT INTO orders VALUES (1);
INSERT INTO missing_table VALUES (1);
CREATE TABLE order_items (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE order_items;
DROP TABLE orders;
SQL
expect_exit 6 -- S up
expect_error_line "${V2}_create_orders_table\.sql:4:[0-9]+" "no such table: missing_table"
unchanged
assert_false "orders rolled back" table_exists app.db orders

case_ "failing statement: constraint violation on line 6"
setup failing_constraint
cat >migrations/${V2}_insert_users.sql <<'SQL'
-- migrate:up
INSERT INTO users (id, email) VALUES (1, 'a@example.com');

INSERT INTO users (id, email) VALUES (2, 'b@example.com');
-- the next statement violates the primary key
INSERT INTO users (id, email) VALUES (1, 'dup@example.com');

-- migrate:down
DELETE FROM users;
SQL
expect_exit 6 -- S up
expect_error_line "${V2}_insert_users\.sql:6:[0-9]+" "UNIQUE constraint failed"
unchanged
assert_eq 0 "$(db_q app.db 'SELECT count(*) FROM users')" "inserted rows rolled back"

case_ "failing migration after a good one: the good one stays, error names the bad one"
setup failing_second
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations $V3 create_b_table "CREATE TABLE b (x);
SELECT no_such_function(1);" "DROP TABLE b;"
run S up
assert_eq 6 "$RC" "exit 6"
assert_eq 1 "$(grep -c '^strata: error: ' "$E2E_TMP/.err")" "one error line"
expect_stderr_match "^strata: error: .*${V3}_create_b_table\.sql:3:[0-9]+.*no such function"
assert_true "a applied" table_exists app.db a
assert_false "b rolled back" table_exists app.db b

case_ "down without a down section (exit 3 before anything runs)"
setup no_down
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "-"
mig migrations $V3 create_b_table "CREATE TABLE b (x);" "DROP TABLE b;"
expect_exit 0 -- S up -q
FP=$(db_fingerprint app.db)
expect_exit 3 -- S down --all
expect_error_line "${V2}_create_a_table"
assert_eq "$FP" "$(db_fingerprint app.db)" "nothing rolled back (b still there)"
expect_exit 3 -- S down --steps 2
assert_eq "$FP" "$(db_fingerprint app.db)" "nothing rolled back with --steps 2"
expect_exit 0 -- S down
assert_false "b rolled back by a plain down" table_exists app.db b

# ---------------------------------------------------------------------------
case_ "postgres:// URL of a server that is not there"
setup postgres
for url in postgres://user:pw@127.0.0.1:1/db postgresql://127.0.0.1:1/app; do
    expect_exit 7 -- strata_t migrate -d "$url" up
    expect_error_line "cannot connect" "127.0.0.1"
    expect_stderr_match 'hint: .*--wait'
    expect_stderr_nomatch ':pw@'
    expect_exit 7 -- env DATABASE_URL="$url" "$STRATA" migrate status
    expect_error_line "cannot connect"
done
unchanged

case_ "unsupported URL scheme"
setup bad_scheme
expect_exit 2 -- strata_t migrate -d oracle://localhost/db up
expect_error_line "unknown scheme .oracle."
unchanged

case_ "no database configured for a write command"
setup no_database
run env -u DATABASE_URL "$STRATA" migrate up
assert_eq 2 "$RC" "up without any database -> exit 2"
expect_error_line
unchanged

case_ "usage errors (exit 2)"
setup usage
mig migrations $V2 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
FP=$(db_fingerprint app.db)
for args in "up --bogus" "--nope status" "frobnicate" "up --steps abc" "up --steps" "up --steps 0" \
    "down --steps 0" "up --to $V2 --steps 1" "down --all --steps 1" "down --all --to $V1" \
    "--color purple status" "--lock-timeout abc up" "down --steps -1" "stamp" "accept" "new"; do
    # shellcheck disable=SC2086
    expect_exit 2 -- S $args
    expect_error_line
    eline=$(grep '^strata: error: ' "$E2E_TMP/.err")
    if [ "${#eline}" -le 160 ]; then
        pass "error line is short and readable"
    else
        fail "error line for '$args' is ${#eline} chars long (not a readable one-line message)"
    fi
done
expect_exit 2 -- strata_t --bogus
expect_error_line
expect_exit 2 -- strata_t frobnicate
expect_error_line
assert_eq "$FP" "$(db_fingerprint app.db)" "database unchanged by usage errors"
assert_false "pending migration not applied" table_exists app.db a

e2e_finish
