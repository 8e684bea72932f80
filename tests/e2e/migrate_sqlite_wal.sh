#!/usr/bin/env bash
# `strata migrate up` of several migrations on SQLite holds the database in WAL and exclusive
# locking mode for the run (one sync a commit instead of four) and puts both modes back: after a
# run, after a failing migration, never for a database the user keeps in WAL or a migration that
# sets the journal mode itself; readers see every migration's own commit as before.
# Usage: bash tests/e2e/migrate_sqlite_wal.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_sqlite_wal "$@"

# project NAME N: N dbmate migrations, each a table and an index.
project() {
    cd "$E2E_TMP" || exit 2
    rm -rf "$1"
    mkdir -p "$1"
    cd "$1" || exit 2
    local i
    for i in $(seq 1 "$2"); do
        mig db/migrations "2024010100$(printf '%04d' "$i")" "t$i" \
            "CREATE TABLE t$i (id INTEGER PRIMARY KEY, a TEXT); CREATE INDEX t${i}_a ON t$i (a);" "DROP TABLE t$i;"
    done
}
S() { strata_t migrate -d sqlite:app.db "$@"; }
journal() { sqlite3 -batch -noheader "$1" 'PRAGMA journal_mode'; }

case_ "up of many migrations leaves the database in its rollback journal, every one applied"
project plain 30
expect_exit 0 -- S up
assert_eq 30 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "30 history rows"
assert_eq 30 "$(db_q app.db "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%'")" "30 tables"
assert_eq delete "$(journal app.db)" "journal mode back to delete"
assert_absent app.db-wal
assert_absent app.db-shm
assert_eq ok "$(db_q app.db 'PRAGMA integrity_check')" "integrity_check ok"

case_ "a failing migration half-way: the ones before it stay applied, the journal mode is restored"
project failing 6
mig db/migrations 20240101000004 t4 "CREATE TABLE t4 (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);" "DROP TABLE t4;"
expect_exit 6 -- S up
assert_eq 3 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "the three before it applied"
assert_eq 0 "$(db_q app.db "SELECT count(*) FROM sqlite_schema WHERE name = 't4'")" "the failing one rolled back"
assert_eq delete "$(journal app.db)" "journal mode back to delete after the failure"
assert_absent app.db-wal

case_ "a database the user keeps in WAL stays in WAL"
project wal 5
sqlite3 app.db 'PRAGMA journal_mode=WAL; CREATE TABLE keep (x);' >/dev/null
expect_exit 0 -- S up
assert_eq wal "$(journal app.db)" "still WAL"
assert_eq 5 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "5 history rows"

case_ "a migration that sets the journal mode itself keeps what it set"
project own 4
mig db/migrations 20240101000000 wal "PRAGMA journal_mode = WAL;" "PRAGMA journal_mode = DELETE;"
expect_exit 0 -- S up
assert_eq wal "$(journal app.db)" "the migration's WAL stays"
assert_eq 5 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "5 history rows"

case_ "down of several migrations and up again: the journal mode unchanged"
project down 8
expect_exit 0 -- S up
expect_exit 0 -- S down --steps 3
assert_eq 5 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "5 left after down"
expect_exit 0 -- S up
assert_eq 8 "$(db_q app.db 'SELECT count(*) FROM strata_migrations')" "8 after up"
assert_eq delete "$(journal app.db)" "delete mode"

case_ "a dry run changes nothing, not even the journal mode"
project dry 5
sqlite3 app.db 'CREATE TABLE keep (x);' >/dev/null
before=$(file_sig app.db)
expect_exit 0 -- S up --dry-run
assert_eq "$before" "$(file_sig app.db)" "database file unchanged"
assert_eq delete "$(journal app.db)" "delete mode"

e2e_finish
