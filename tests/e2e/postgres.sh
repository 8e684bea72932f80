#!/usr/bin/env bash
# strata migrate against a real PostgreSQL server started for this test (tests/servers/pg_server.sh):
# the walkthrough (new, up, status, check, dump, drift, roundtrip, down, redo, dry run), errors
# with file:line and the server's detail, redacted passwords, --schema, --wait, transaction:false
# with a half-done state and --resume, several processes racing on `up`, and kill -9 mid-migration;
# strata mcp's migration tools ending at their deadline while another session locks the history
# table (tests/e2e/mcp_database.py).
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/postgres.sh /path/to/strata     ROUNDS=N (concurrency rounds, default 5)
. "$(dirname "$0")/lib.sh"
e2e_init postgres "$@"

start_test_pg

pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
fresh_db() { pq "$SERVER_URL" "CREATE DATABASE $1" >/dev/null && echo "$BASE/$1"; }

# ---------------------------------------------------------------------------------------------
case_ "walkthrough: new, up, status, check, dump"
URL=$(fresh_db walk)
export DATABASE_URL=$URL
mkdir -p migrations
mig migrations 20240101000001 create_users_table \
    "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, m mood);
CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
  NEW.email := lower(NEW.email); -- ; inside a body
  RETURN NEW;
END;
\$\$;
CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION lower_email();" \
    "DROP TABLE users;
DROP FUNCTION lower_email();
DROP TYPE mood;"
mig migrations 20240101000002 create_posts_table \
    "CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), body text DEFAULT E'it\\'s');
CREATE INDEX posts_user_id ON posts (user_id);
CREATE VIEW post_counts AS SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;" \
    "DROP VIEW post_counts;
DROP TABLE posts;"
expect_exit 0 -- "$STRATA" migrate up
expect_stderr_match 'applied 20240101000001_create_users_table'
expect_stderr_match 'applied 20240101000002_create_posts_table'
no_password_in_output
assert_eq 2 "$(pq "$URL" 'SELECT count(*) FROM strata_migrations')" "two history rows"
expect_exit 0 -- "$STRATA" migrate status --json
expect_json_true "status --json counts" 'd["applied"] == 2 and d["pending"] == 0'
expect_json_true "status --json shows the URL redacted" '"***" in d["database"] and "'"$PASSWORD"'" not in d["database"]'
expect_exit 0 -- "$STRATA" migrate check --drift --roundtrip --strict
expect_stderr_match 'check: 0 error\(s\), 0 warning\(s\), 0 pending, 2 applied'
assert_eq 0 "$(pq "$URL" "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'strata_scratch%'")" "the scratch schema is dropped"
expect_exit 0 -- "$STRATA" migrate dump
expect_stdout_match '^CREATE TYPE mood AS ENUM'
expect_stdout_match '^CREATE TABLE posts'
expect_stdout_match '^CREATE INDEX posts_user_id ON posts USING btree \(user_id\);'
expect_stdout_match '^CREATE VIEW post_counts AS'
expect_stdout_match '^CREATE TRIGGER users_lower'
first_dump=$OUT
expect_exit 0 -- "$STRATA" migrate dump
assert_eq "$first_dump" "$OUT" "dump is deterministic"

# ---------------------------------------------------------------------------------------------
case_ "load: a PostgreSQL dump (name order) applied in dependency order, its versions recorded"
expect_exit 0 -- "$STRATA" migrate -d "$URL" dump -o pg_schema.sql
# In name order a_orders (referencing z_customers) and a view on a later view come first.
rm -rf mload && mkdir mload
mig mload 1 order_first "CREATE TABLE z_customers (id bigint PRIMARY KEY);
CREATE TABLE a_orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES z_customers (id));
CREATE VIEW z_ids AS SELECT id FROM z_customers;
CREATE VIEW a_ids AS SELECT id FROM z_ids;" "DROP VIEW a_ids; DROP VIEW z_ids; DROP TABLE a_orders; DROP TABLE z_customers;"
ORDERED=$(fresh_db ordered)
expect_exit 0 -- "$STRATA" migrate -d "$ORDERED" --dir mload up
expect_exit 0 -- "$STRATA" migrate -d "$ORDERED" --dir mload dump -o ordered.sql
assert_true "the dump lists a_orders before z_customers" test "$(grep -n 'CREATE TABLE a_orders' ordered.sql | cut -d: -f1)" -lt "$(grep -n 'CREATE TABLE z_customers' ordered.sql | cut -d: -f1)"
LOADED=$(fresh_db loaded)
expect_exit 0 -- "$STRATA" migrate -d "$LOADED" --dir mload load ordered.sql --json
expect_json_true "version 1 recorded" 'd["recorded"] == ["1"]'
expect_exit 0 -- "$STRATA" migrate -d "$LOADED" --dir mload dump
assert_eq "$(sed 1d ordered.sql)" "$(printf '%s\n' "$OUT" | sed 1d)" "the loaded database dumps as the original"
expect_exit 0 -- "$STRATA" migrate -d "$LOADED" --dir mload check --drift
LOADED2=$(fresh_db loaded_walk)
expect_exit 0 -- "$STRATA" migrate -d "$LOADED2" load pg_schema.sql
expect_exit 0 -- "$STRATA" migrate -d "$LOADED2" status
expect_stdout_nomatch 'pending'
# A statement that can never run fails with its own error, and leaves nothing.
printf 'CREATE TABLE t (id int REFERENCES nowhere (id));\nCREATE TABLE u (id int);\n' >broken.sql
BROKEN=$(fresh_db load_broken)
expect_exit 6 -- "$STRATA" migrate -d "$BROKEN" --dir mload load broken.sql
expect_error_line '^strata: error: broken.sql:1:[0-9]+: relation "nowhere" does not exist'
assert_eq 0 "$(pq "$BROKEN" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "nothing was left"

# ---------------------------------------------------------------------------------------------
case_ "drift, down, redo, dry run"
pq "$URL" "ALTER TABLE users ADD COLUMN nickname text" >/dev/null
expect_exit 5 -- "$STRATA" migrate check --drift
expect_stdout_match 'table users: column nickname .nickname text. only in the live database'
pq "$URL" "ALTER TABLE users DROP COLUMN nickname" >/dev/null
expect_exit 0 -- "$STRATA" migrate down
expect_stderr_match 'reverted 20240101000002_create_posts_table'
assert_eq 0 "$(pq "$URL" "SELECT count(*) FROM pg_tables WHERE tablename = 'posts'")" "posts dropped"
expect_exit 0 -- "$STRATA" migrate up --dry-run
expect_stdout_match '^BEGIN;$'
expect_stdout_match '^INSERT INTO "public"."strata_migrations"'
assert_eq 1 "$(pq "$URL" 'SELECT count(*) FROM strata_migrations')" "dry run changed nothing"
expect_exit 0 -- "$STRATA" migrate up
expect_exit 0 -- "$STRATA" migrate redo --steps 2
assert_eq 2 "$(pq "$URL" 'SELECT count(*) FROM strata_migrations')" "redo leaves both applied"
unset DATABASE_URL

# ---------------------------------------------------------------------------------------------
case_ "a failing statement: file:line:col, the server's message and detail, rolled back"
URL=$(fresh_db failing)
rm -rf m2 && mkdir m2
mig m2 1 create_t "CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (1);" "DROP TABLE t;"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m2 up
expect_error_line 'm2/1_create_t.sql:4:1: duplicate key value violates unique constraint "t_pkey" \(detail: Key \(id\)=\(1\) already exists.\)'
assert_eq 0 "$(pq "$URL" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "nothing left behind"

case_ "wrong password: exit 7, password never printed"
expect_exit 7 -- "$STRATA" migrate -d "${BASE/$PASSWORD/wrong-$PASSWORD}/failing" --dir m2 up
expect_error_line 'postgres:\*\*\*@127\.0\.0\.1' 'password authentication failed'
no_password_in_output
expect_exit 7 -- "$STRATA" migrate -d "$BASE/no_such_db" --dir m2 status
expect_error_line 'database "no_such_db" does not exist'
no_password_in_output

case_ "scram-sha-256 login through strata's HMAC_Init_ex (core/migrate/engines/postgres/pq_hmac.cpp)"
# libpq's key stretching must bind to the executable's HMAC_Init_ex, and a login through it works
# (right password: exit 0; the wrong one was refused above).
if nm -D --defined-only "$STRATA" | grep -qw HMAC_Init_ex; then
    pass "the executable exports HMAC_Init_ex"
else
    fail "the executable does not export HMAC_Init_ex: libpq's SCRAM keys its HMAC in every round again"
fi
expect_exit 0 -- env LD_DEBUG=bindings "$STRATA" migrate -d "$BASE/failing" --dir m2 status
if grep -Eq "binding file [^ ]*libpq[^ ]* \[0\] to [^ ]*strata \[0\]: normal symbol .HMAC_Init_ex" "$E2E_TMP/.err"; then
    pass "libpq's HMAC_Init_ex calls reach strata's"
else
    fail "libpq's HMAC_Init_ex is not bound to strata's: $(grep HMAC_Init_ex "$E2E_TMP/.err" | head -2)"
fi
# Over loopback strata tells libpq not to try GSSAPI encryption (tests/unit/migrate/database_url_test.cpp);
# a mode of the user's own still connects.
expect_exit 0 -- env PGGSSENCMODE=prefer "$STRATA" migrate -d "$BASE/failing" --dir m2 status
expect_exit 0 -- "$STRATA" migrate -d "$BASE/failing?gssencmode=disable" --dir m2 status

case_ "PG* environment variables fill in the URL"
port=${BASE##*:}
expect_exit 0 -- env PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSWORD="$PASSWORD" PGDATABASE=failing \
    "$STRATA" migrate --dir m2 status
expect_stderr_match '0 applied, 1 pending'

# ---------------------------------------------------------------------------------------------
case_ "--schema: migrations and history in that schema"
URL=$(fresh_db schemas)
expect_exit 0 -- "$STRATA" migrate -d "$URL" --schema billing up
assert_eq 2 "$(pq "$URL" 'SELECT count(*) FROM billing.strata_migrations')" "history in billing"
assert_eq 1 "$(pq "$URL" "SELECT count(*) FROM pg_tables WHERE schemaname = 'billing' AND tablename = 'posts'")" "tables in billing"
assert_eq 0 "$(pq "$URL" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "public untouched"
expect_exit 0 -- "$STRATA" migrate -d "$URL?search_path=billing" check --drift
expect_exit 1 -- "$STRATA" migrate -d "$URL" check
expect_exit 2 -- "$STRATA" migrate -d sqlite:x.db --schema billing status
expect_error_line 'PostgreSQL'

# ---------------------------------------------------------------------------------------------
case_ "transaction:false: progress recorded, check reports the half-done state, --resume"
URL=$(fresh_db nontx)
rm -rf m3 && mkdir m3
mig m3 1 create_t "CREATE TABLE t (id int, v text);" "DROP TABLE t;"
mig m3 2 index_t "CREATE INDEX CONCURRENTLY t_id ON t (id);
INSERT INTO gate VALUES (1);
CREATE INDEX CONCURRENTLY t_v ON t (v);" "DROP INDEX CONCURRENTLY t_v;
DROP INDEX CONCURRENTLY t_id;"
sed -i 's/^-- migrate:up$/-- migrate:up transaction:false/; s/^-- migrate:down$/-- migrate:down transaction:false/' m3/2_index_t.sql
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m3 up
expect_stderr_match 'strata: error: m3/2_index_t.sql:3:13: relation "gate" does not exist'
assert_eq "partial:1" "$(pq "$URL" "SELECT state || ':' || statements_done FROM strata_migrations WHERE version = 2")" "progress recorded"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m3 check
expect_stdout_match 'partial .*stopped after statement 1 at m3/2_index_t.sql:3:1'
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m3 up
expect_stderr_match 'hint: .*--resume'
pq "$URL" "CREATE TABLE gate (x int)" >/dev/null
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m3 up --resume
assert_eq "applied" "$(pq "$URL" "SELECT state FROM strata_migrations WHERE version = 2")" "finished"
assert_eq 2 "$(pq "$URL" "SELECT count(*) FROM pg_indexes WHERE tablename = 't'")" "both indexes built"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m3 down

# ---------------------------------------------------------------------------------------------
case_ "adopting golang-migrate and dbmate databases: check --drift is clean after the import"
rm -rf mg && mkdir mg
printf 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' >mg/000001_users.up.sql
printf 'DROP TABLE users;\n' >mg/000001_users.down.sql
printf 'CREATE TABLE tags (id bigint PRIMARY KEY);\n' >mg/000002_tags.up.sql
printf 'DROP TABLE tags;\n' >mg/000002_tags.down.sql
URL=$(fresh_db adopt_golang)
pq "$URL" "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (1, false); CREATE TABLE users (id bigint PRIMARY KEY, email text);" >/dev/null
expect_exit 1 -- "$STRATA" migrate -d "$URL" --dir mg check --drift
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg up
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg check --drift
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg dump
expect_stdout_nomatch 'schema_migrations'
URL=$(fresh_db adopt_dbmate)
rm -rf md && mkdir md
mig md 20240101000001 users "CREATE TABLE users (id bigint PRIMARY KEY, email text);" "DROP TABLE users;"
mig md 20240101000002 tags "CREATE TABLE tags (id bigint PRIMARY KEY);" "DROP TABLE tags;"
pq "$URL" "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000001'); CREATE TABLE users (id bigint PRIMARY KEY, email text);" >/dev/null
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir md up
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir md check --drift

case_ "a dirty golang-migrate version: status, up, down and check agree; the hint's SQL runs"
URL=$(fresh_db dirty_golang)
pq "$URL" "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, true); CREATE TABLE users (id bigint PRIMARY KEY, email text);" >/dev/null
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg status
expect_stdout_match '000002 +tags +partial \(dirty\)'
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir mg check
expect_stdout_match '^    UPDATE schema_migrations SET dirty = false WHERE version = 2;$'
for cmd in up down; do
    expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir mg $cmd
    expect_error_line 'version 000002 dirty'
    expect_stderr_match '^strata:         UPDATE schema_migrations SET dirty = false WHERE version = 2;$'
done
# The hint's first way out, run as printed: finish 2 by hand, clear the flag.
pq "$URL" "CREATE TABLE tags (id bigint PRIMARY KEY); UPDATE schema_migrations SET dirty = false WHERE version = 2" >/dev/null
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg check --drift
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg up
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg check --drift

case_ "column order alone is neither drift nor a roundtrip failure"
URL=$(fresh_db colorder)
rm -rf mc && mkdir mc
mig mc 1 create_t "CREATE TABLE t (id int, a text, b text);" "DROP TABLE t;"
mig mc 2 drop_a "ALTER TABLE t DROP COLUMN a;" "ALTER TABLE t ADD COLUMN a text;"
mig mc 3 broken "CREATE TABLE u (id int);" "DROP TABLE nowhere;"
mig mc 4 leaves "CREATE TABLE v (id int); CREATE TABLE w (id int);" "DROP TABLE v;"
expect_exit 5 -- "$STRATA" migrate -d "$URL" --dir mc check --roundtrip --json
expect_json_true "every broken down, column order as info" \
    '[(f["version"], f["severity"]) for f in d["findings"] if f["code"] == "roundtrip"] == [("2", "info"), ("3", "error"), ("4", "error")]'
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mc up --to 2
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mc down
expect_exit 1 -- "$STRATA" migrate -d "$URL" --dir mc check --drift

# ---------------------------------------------------------------------------------------------
case_ "--wait: gives up after --wait-timeout, or connects once the server is up"
start=$(date +%s%N)
expect_exit 7 -- "$STRATA" migrate -d "postgres://postgres:$PASSWORD@127.0.0.1:1/x" --dir m2 --wait --wait-timeout 1 status
elapsed=$((($(date +%s%N) - start) / 1000000))
assert_true "waited for --wait-timeout ($elapsed ms)" test "$elapsed" -ge 900
no_password_in_output
URL=$(fresh_db waiting)
bindir=$(cat "$PGDIR/bindir")
owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
# while_the_server_starts CMD...: stops the server, runs CMD in the background (its output and
# exit code in $E2E_TMP/wait.{out,err,rc}), starts the server a second later, and waits for CMD.
while_the_server_starts() {
    local waiter
    owner "$bindir/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1
    ("$@" >"$E2E_TMP/wait.out" 2>"$E2E_TMP/wait.err"; echo $? >"$E2E_TMP/wait.rc") &
    waiter=$!
    e2e_bg $waiter
    sleep 1
    owner "$bindir/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -o "$(cat "$PGDIR/options")" -w start >/dev/null 2>&1
    wait $waiter
}
rm -rf m6 && mkdir m6
mig m6 1 create_w "CREATE TABLE w (id int);" "DROP TABLE w;"
while_the_server_starts "$STRATA" migrate -d "$URL" --dir m6 --wait --wait-timeout 30 up
assert_eq 0 "$(cat "$E2E_TMP/wait.rc")" "up waited for the server and succeeded ($(head -c 300 "$E2E_TMP/wait.err"))"
assert_eq 1 "$(pq "$URL" 'SELECT count(*) FROM strata_migrations')" "applied after the wait"

# ---------------------------------------------------------------------------------------------
case_ "migrate wait: returns once the server accepts connections, or exits 7 after --wait-timeout"
expect_exit 0 -- "$STRATA" migrate -d "$URL" wait --json
expect_json_true "wait --json says ready, the URL redacted" 'd["ready"] is True and d["waited_ms"] >= 0 and "***" in d["database"]'
no_password_in_output
start=$(date +%s%N)
expect_exit 7 -- "$STRATA" migrate -d "postgres://postgres:$PASSWORD@127.0.0.1:1/x" wait --wait-timeout 1
elapsed=$((($(date +%s%N) - start) / 1000000))
assert_true "waited for --wait-timeout ($elapsed ms)" test "$elapsed" -ge 900
expect_error_line 'cannot connect'
expect_stderr_match '^strata: hint: waited 1 s \(--wait-timeout\)$'
no_password_in_output
while_the_server_starts "$STRATA" migrate -d "$URL" wait --wait-timeout 30
assert_eq 0 "$(cat "$E2E_TMP/wait.rc")" "wait returned once the server was up ($(head -c 300 "$E2E_TMP/wait.err"))"
assert_true "it says the database accepts connections" grep -q 'accepts connections (after' "$E2E_TMP/wait.err"
assert_eq "" "$(cat "$E2E_TMP/wait.out")" "nothing on stdout without --json"

# ---------------------------------------------------------------------------------------------
case_ "create and drop: the URL's database, idempotent, the password never shown"
NEWDB="$BASE/made_by_strata"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" create --json
expect_json_true "created, the URL redacted" 'd["created"] is True and "***" in d["database"]'
assert_eq 1 "$(pq "$SERVER_URL" "SELECT count(*) FROM pg_database WHERE datname = 'made_by_strata'")" "the database exists"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" create
expect_stderr_match 'made_by_strata already exists'
no_password_in_output
rm -rf m7 && mkdir m7
mig m7 1 create_t "CREATE TABLE t (id int);" "DROP TABLE t;"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" --dir m7 up
expect_exit 2 -- "$STRATA" migrate -d "$NEWDB" drop
expect_error_line 'drop needs --yes'
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" drop --yes --json
expect_json_true "dropped" 'd["dropped"] is True'
assert_eq 0 "$(pq "$SERVER_URL" "SELECT count(*) FROM pg_database WHERE datname = 'made_by_strata'")" "the database is gone"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" drop --yes
expect_stderr_match 'made_by_strata does not exist'
no_password_in_output
expect_exit 2 -- "$STRATA" migrate -d "$BASE" create
expect_error_line 'the URL names no database'
expect_exit 0 -- "$STRATA" migrate -d "$BASE/postgres" create --json
expect_json_true "the server's own postgres database already exists" 'd["created"] is False'

# ---------------------------------------------------------------------------------------------
ROUNDS=${ROUNDS:-5}
PROCS=${PROCS:-4}
MIGS=${MIGS:-10}
rm -rf m4 && mkdir m4
for i in $(seq 1 "$MIGS"); do
    mig m4 "$(printf '2024%010d' "$i")" "create_t${i}_table" \
        "CREATE TABLE t_$i (id bigserial PRIMARY KEY, v text NOT NULL);
INSERT INTO t_$i (v) VALUES ('row of migration $i; with a semicolon');
CREATE INDEX t_${i}_v ON t_$i (v);" "DROP TABLE t_$i;"
done
expected_versions=$(for i in $(seq 1 "$MIGS"); do printf '2024%010d\n' "$i"; done)
for r in $(seq 1 "$ROUNDS"); do
    case_ "round $r: $PROCS concurrent 'up' on a fresh database"
    URL=$(fresh_db "race$r")
    rm -f go
    pids=()
    for p in $(seq 1 "$PROCS"); do
        (while [ ! -e go ]; do sleep 0.005; done; exec "$STRATA" migrate -d "$URL" --dir m4 up) \
            >"out.$r.$p" 2>"err.$r.$p" </dev/null &
        pids+=("$!")
        e2e_bg "$!"
    done
    sleep 0.05
    touch go
    ok=1
    for p in $(seq 1 "$PROCS"); do
        wait "${pids[$((p - 1))]}" || { fail "process $p exited $?: $(head -c 300 "err.$r.$p")"; ok=0; }
    done
    [ $ok = 1 ] && pass "all $PROCS processes exited 0"
    applied_lines=$(cat err.$r.* | grep -oE 'applied +[0-9]+' | awk '{print $2}' | sort)
    assert_eq "$expected_versions" "$applied_lines" "each migration reported applied exactly once across all processes"
    assert_eq "$expected_versions" "$(pq "$URL" 'SELECT version FROM strata_migrations ORDER BY version')" "history has each version once"
    sum=$(pq "$URL" "SELECT $(for i in $(seq 1 "$MIGS"); do printf '(SELECT count(*) FROM t_%s)+' "$i"; done)0")
    assert_eq "$MIGS" "$sum" "each migration's insert ran exactly once"
done

# ---------------------------------------------------------------------------------------------
case_ "kill -9 during a migration: rolled back, lock released, the next up applies it"
URL=$(fresh_db killed)
rm -rf m5 && mkdir m5
mig m5 1 slow "CREATE TABLE slow (id int);
SELECT pg_sleep(30);" "DROP TABLE slow;"
"$STRATA" migrate -d "$URL" --dir m5 up >/dev/null 2>&1 &
victim=$!
e2e_bg $victim
for _ in $(seq 1 100); do
    [ "$(pq "$URL" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")" = 1 ] && break
    sleep 0.1
done
kill -9 $victim
wait $victim 2>/dev/null
sed -i 's/pg_sleep(30)/pg_sleep(0)/' m5/1_slow.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m5 --lock-timeout 20 up
expect_stderr_match 'applied 1_slow'
assert_eq 1 "$(pq "$URL" 'SELECT count(*) FROM strata_migrations')" "applied once"

# ---------------------------------------------------------------------------------------------
case_ "strata mcp's migration tools with the history table locked by another session: an error at the deadline"
URL=$(fresh_db locked)
mcp_project "$URL"
psql "$URL" -X -q -c "BEGIN; LOCK TABLE strata_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300);" >/dev/null 2>&1 &
locker=$!
e2e_bg $locker
for _ in $(seq 1 100); do
    [ "$(pq "$URL" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'strata_migrations' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
    sleep 0.1
done
mcp_locked_history "$URL" 'lock timeout'
# The locking session's backend goes with it (pg_sleep does not notice its client is gone).
pq "$URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()" >/dev/null
wait $locker 2>/dev/null

# ---------------------------------------------------------------------------------------------
case_ "a pull request's DO block that makes a role or resets the live database: refused by the replay"
rm -rf mr && mkdir mr
PRURL=$(fresh_db pr_roles)
mig mr 1 role "DO \$\$ BEGIN CREATE ROLE rt_evil SUPERUSER LOGIN PASSWORD 'x'; END \$\$;" "SELECT 1;"
run "$STRATA" migrate --dir mr -d "$PRURL" check --roundtrip --json
assert_ne 0 "$RC" "check fails"
assert_true "the replay refused it" grep -q "'create role' changes roles, databases or tablespaces" "$E2E_TMP/.out"
assert_eq "" "$(pq "$SERVER_URL" "SELECT rolname FROM pg_roles WHERE rolname = 'rt_evil'")" "no role made"
mig mr 1 role "DO \$\$ BEGIN ALTER DATABASE pr_roles SET statement_timeout = '1ms'; END \$\$;" "SELECT 1;"
run "$STRATA" migrate --dir mr -d "$PRURL" check --roundtrip --json
assert_true "the replay refused it" grep -q "'alter database'" "$E2E_TMP/.out"
mig mr 1 role "COPY (SELECT 'pwn') TO/**/PROGRAM 'touch $E2E_TMP/pwned_by_copy';" "SELECT 1;"
run "$STRATA" migrate --dir mr -d "$PRURL" check --roundtrip --json
assert_true "the replay refused it" grep -q "'to program' runs a program on the server" "$E2E_TMP/.out"
assert_absent "$E2E_TMP/pwned_by_copy"
assert_eq "" "$(pq "$SERVER_URL" "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE datname = 'pr_roles'")" "the live database's settings unchanged"

# ---------------------------------------------------------------------------------------------
case_ "dump as faithful as the database: dump, load, dump is identical, pg_dump sees the same schema, diff from the dump finds nothing"
rm -rf fd && mkdir fd
FDURL=$(fresh_db faithful)
mig fd 1 tricky "CREATE SCHEMA app;
CREATE TABLE app.accounts (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE app.invoices (id bigserial PRIMARY KEY, account_id int REFERENCES app.accounts (id));
CREATE INDEX invoices_account ON app.invoices (account_id);
CREATE TYPE app.mood AS ENUM ('a', 'b');
CREATE VIEW app.named AS SELECT id, name FROM app.accounts;
COMMENT ON TABLE app.accounts IS 'outside public';
CREATE TABLE codes (code text PRIMARY KEY);
ALTER TABLE codes ADD CONSTRAINT codes_code_unique UNIQUE (code);
CREATE TABLE flags (id int PRIMARY KEY, variant_id int);
CREATE TABLE variants (id int PRIMARY KEY, flag_id int REFERENCES flags (id));
ALTER TABLE flags ADD CONSTRAINT flags_variant_fk FOREIGN KEY (variant_id) REFERENCES variants (id);
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY);
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5 MAXVALUE 100000 CYCLE), n int);
CREATE TABLE counters (id serial PRIMARY KEY);
ALTER TABLE counters ADD CONSTRAINT counters_positive CHECK (id > 0) NOT VALID;" "SELECT 1;"
run "$STRATA" migrate --dir fd -d "$FDURL" up
assert_eq 0 "$RC" "up"
run "$STRATA" migrate --dir fd -d "$FDURL" dump -o fd/schema.sql
assert_eq 0 "$RC" "dump"
assert_true "names outside public are qualified" grep -q '^CREATE TABLE app.invoices (' fd/schema.sql
assert_true "UNLOGGED kept" grep -q '^CREATE UNLOGGED TABLE cache (' fd/schema.sql
assert_true "identity options kept" grep -q 'GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5 MAXVALUE 100000 CYCLE)' fd/schema.sql
assert_true "serial sequences owned by their column" grep -q '^ALTER SEQUENCE counters_id_seq OWNED BY counters.id;' fd/schema.sql
assert_true "foreign keys after every table" grep -q '^ALTER TABLE flags ADD CONSTRAINT flags_variant_fk FOREIGN KEY' fd/schema.sql
LOADURL=$(fresh_db faithful_loaded)
run "$STRATA" migrate --dir fd -d "$LOADURL" load fd/schema.sql
assert_eq 0 "$RC" "the dump loads (foreign keys in a cycle, a UNIQUE on the primary key's column)"
run "$STRATA" migrate --dir fd -d "$LOADURL" dump -o fd/schema2.sql
assert_eq "$(tail -n +2 fd/schema.sql)" "$(tail -n +2 fd/schema2.sql)" "dump, load, dump: identical"
BINDIR=$(cat "$PGDIR/bindir")
pgd() { "$BINDIR/pg_dump" --schema-only --no-owner --no-privileges "$1" | grep -v -e '^\\restrict' -e '^\\unrestrict' -e 'strata_migrations'; }
assert_eq "$(pgd "$FDURL")" "$(pgd "$LOADURL")" "pg_dump --schema-only of the original and of the loaded database: the same"
assert_eq "t" "$(pq "$LOADURL" "SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = 'codes'::regclass")" "the UNIQUE that duplicates the primary key survived"
run "$STRATA" migrate --dir fd -d "$FDURL" diff same --to fd/schema.sql --dry-run
assert_eq 0 "$RC" "diff --to the dump"
expect_stderr_match "no difference"
"$BINDIR/pg_dump" --schema-only --no-owner --no-privileges "$FDURL" >fd/pg_dump.sql
run "$STRATA" migrate --dir fd -d "$FDURL" diff same --to fd/pg_dump.sql --dry-run
assert_eq 0 "$RC" "diff --to a pg_dump --schema-only file (\\restrict, an empty search_path, the history table in it)"
expect_stderr_match "no difference"
sed -i 's/INCREMENT BY 5/INCREMENT BY 7/; s/CREATE UNLOGGED TABLE cache/CREATE TABLE cache/' fd/schema.sql
run "$STRATA" migrate --dir fd -d "$FDURL" diff changed --to fd/schema.sql --dry-run
assert_eq 0 "$RC" "diff of a changed dump"
assert_true "identity options changed in place" grep -q 'ALTER TABLE tickets ALTER COLUMN id SET INCREMENT BY 7' "$E2E_TMP/.out"
assert_true "logged again" grep -q 'ALTER TABLE cache SET LOGGED;' "$E2E_TMP/.out"

e2e_finish
