#!/usr/bin/env bash
# End-to-end walkthrough of `strata migrate` (see spec/migrate-cli.md).
# Usage: bash tests/e2e/walkthrough.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init walkthrough "$@"

# ---------------------------------------------------------------------------
case_ "global: --version / --help"
expect_exit 0 -- "$STRATA" --version
# The line's one form for this build (git revision, -dirty, or outside git) is cli.sh's check.
expect_stdout_match '^strata 0\.1\.0 \('
expect_exit 0 -- "$STRATA" --help
expect_stdout_match 'migrate'
expect_exit 0 -- "$STRATA" -h
expect_exit 0 -- "$STRATA" migrate --help

# ---------------------------------------------------------------------------
# `new`
mkdir -p newtest && cd newtest || exit 2
N() { strata_t migrate "$@"; }

case_ "new: creates DIR/<UTC timestamp>_<name>.sql with both markers"
before=$(utc_now)
expect_exit 0 -- N new create_users_table
after=$(utc_now)
newpath=$(printf '%s\n' "$OUT" | tail -n 1)
expect_stdout_match '(^|/)migrations/[0-9]{14}_create_users_table\.sql$'
expect_stderr_nomatch 'warning' "create_<x>_table follows the conventions"
if [ -f "$newpath" ]; then
    pass "printed path exists"
    base=$(basename "$newpath")
    ts=${base%%_*}
    if [[ $ts =~ ^[0-9]{14}$ ]] && [ "$ts" -ge "$before" ] && [ "$ts" -le "$after" ]; then
        pass "timestamp $ts is current UTC"
    else
        fail "timestamp '$ts' not a UTC YYYYMMDDHHMMSS between $before and $after"
    fi
    upl=$(grep -n '^-- migrate:up' "$newpath" | head -n1 | cut -d: -f1)
    downl=$(grep -n '^-- migrate:down' "$newpath" | head -n1 | cut -d: -f1)
    if [ -n "$upl" ] && [ -n "$downl" ] && [ "$upl" -lt "$downl" ]; then
        pass "markers present, up before down"
    else
        fail "new file lacks '-- migrate:up' / '-- migrate:down' markers in order: $(cat "$newpath")"
    fi
else
    fail "new did not create the printed path '$newpath'"
fi

case_ "new: creates a missing --dir"
expect_exit 0 -- N --dir deep/nested/migs new create_things_table
assert_true "nested dir created with one file" test "$(ls deep/nested/migs | wc -l)" = 1

case_ "new: refuses names that are not snake_case (exit 2)"
count_before=$(ls migrations | wc -l)
for bad in CreateUsers 9lives add-col "create users" _leading ""; do
    expect_exit 2 -- N new "$bad"
    expect_error_line
done
assert_eq "$count_before" "$(ls migrations | wc -l)" "no file created for refused names"

case_ "new: unconventional name warns but succeeds"
expect_exit 0 -- N --dir other new do_stuff
expect_stderr_match '^strata: warning: '
assert_true "file for do_stuff created" ls other/*_do_stuff.sql

case_ "new: refuses (exit 3) when a file for that version already exists"
mkdir -p clash
now_epoch=$(date -u +%s)
for i in 0 1 2 3 4 5 6; do
    v=$(date -u -d "@$((now_epoch + i))" +%Y%m%d%H%M%S)
    printf -- '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n' >"clash/${v}_other.sql"
done
expect_exit 3 -- N --dir clash new create_clash_table
expect_error_line
assert_eq 7 "$(ls clash | wc -l)" "no file added to clash dir"
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------
# A fixed migration set for the rest of the walkthrough.
mkdir -p w && cd w || exit 2
DB=app.db
S() { strata_t migrate -d "sqlite:$DB" --dir migrations "$@"; }

V1=20240101000001 V2=20240101000002 V3=20240101000003 V4=20240101000004
V5=20240101000005 V6=20240101000006 V7=20240101000007 V8=20240101000008
V9=20240101000009

mig migrations $V1 create_users_table \
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);" \
    "DROP TABLE users;"
mig migrations $V2 create_posts_table \
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT);
CREATE INDEX posts_user_id ON posts(user_id);" \
    "DROP TABLE posts;"
# Trigger with a BEGIN ... END body, ';' inside string literals and comments.
cat >migrations/${V3}_create_audit_table.sql <<'SQL'
-- migrate:up
-- a comment; with a semicolon
CREATE TABLE audit (id INTEGER PRIMARY KEY, msg TEXT NOT NULL);
/* block comment; END; still a comment */
CREATE TRIGGER users_ai AFTER INSERT ON users
BEGIN
  INSERT INTO audit(msg) VALUES ('user added; id=' || NEW.id);
  INSERT INTO audit(msg) VALUES ('second;statement; END;');
END;
INSERT INTO users(email) VALUES ('semi;colon@example.com');

-- migrate:down
DROP TRIGGER users_ai;
DELETE FROM users WHERE email = 'semi;colon@example.com';
DROP TABLE audit;
SQL
# golang-migrate style pair
echo "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);" >migrations/${V4}_create_tags_table.up.sql
echo "DROP TABLE tags;" >migrations/${V4}_create_tags_table.down.sql
# transaction:false migration (VACUUM cannot run inside a transaction)
cat >migrations/${V5}_create_nt_log_table.sql <<'SQL'
-- migrate:up transaction:false
CREATE TABLE nt_log (x INTEGER);
VACUUM;

-- migrate:down transaction:false
DROP TABLE nt_log;
SQL
# foreign_keys:off table rebuild
cat >migrations/${V6}_add_body_to_posts_table.sql <<'SQL'
-- migrate:up foreign_keys:off
CREATE TABLE posts_new (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT, body TEXT);
INSERT INTO posts_new (id, user_id, title) SELECT id, user_id, title FROM posts;
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;
CREATE INDEX posts_user_id ON posts(user_id);

-- migrate:down foreign_keys:off
CREATE TABLE posts_old (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT);
INSERT INTO posts_old (id, user_id, title) SELECT id, user_id, title FROM posts;
DROP TABLE posts;
ALTER TABLE posts_old RENAME TO posts;
CREATE INDEX posts_user_id ON posts(user_id);
SQL

case_ "up: applies everything oldest first"
expect_exit 0 -- S up
expect_stderr_match "^applied ${V1}_create_users_table \\([0-9.]+ ms\\)$" "exact format from the spec: 'applied 20240101000000_create_users (3.1 ms)'"
expect_stderr_match "applied +${V4}_create_tags_table"
expect_stderr_match "applied +${V6}_add_body_to_posts_table"
assert_eq "$V1 $V2 $V3 $V4 $V5 $V6" "$(history_versions $DB | tr '\n' ' ' | sed 's/ $//')" "history has V1..V6"
order=$(grep -oE "applied +[0-9]+" "$E2E_TMP/.err" | awk '{print $2}' | tr '\n' ' ' | sed 's/ $//')
assert_eq "$V1 $V2 $V3 $V4 $V5 $V6" "$order" "applied in version order"
for t in users posts audit tags nt_log; do
    assert_true "table $t exists" table_exists $DB $t
done
assert_eq "users_ai" "$(db_q $DB "SELECT name FROM sqlite_master WHERE type='trigger'")" "trigger with BEGIN..END body created"
assert_eq "user added; id=1|second;statement; END;" \
    "$(db_q $DB "SELECT group_concat(msg, '|') FROM (SELECT msg FROM audit ORDER BY id)")" \
    "trigger body and ';' inside string literals preserved"
assert_eq "semi;colon@example.com" "$(db_q $DB "SELECT email FROM users")" "string literal with ';' inserted intact"
assert_true "posts rebuilt with body column (foreign_keys:off migration ran)" \
    sh -c "sqlite3 -readonly $DB 'PRAGMA table_info(posts)' | grep -q '|body|'"
assert_eq "ok" "$(db_q $DB 'PRAGMA integrity_check')" "integrity ok"
assert_eq "" "$(db_q $DB 'PRAGMA foreign_key_check')" "no FK violations"
assert_eq "applied" "$(db_q $DB "SELECT DISTINCT state FROM strata_migrations")" "all history rows state=applied"
assert_eq 6 "$(db_q $DB "SELECT count(*) FROM strata_migrations WHERE length(checksum)=64 AND length(checksum_ws)=64 AND applied_at LIKE '____-__-__T__:__:__%' AND strata_version <> ''")" \
    "history columns filled (checksum, checksum_ws, applied_at ISO-8601, strata_version)"

case_ "history checksums: sha256 of the file, and of the file without whitespace"
f1=migrations/${V1}_create_users_table.sql
assert_eq "$(sha256sum <"$f1" | cut -c1-64)" "$(db_q $DB "SELECT checksum FROM strata_migrations WHERE version=$V1")" "checksum = sha256(file)"
assert_eq "$(tr -d ' \t\n\r\f\v' <"$f1" | sha256sum | cut -c1-64)" "$(db_q $DB "SELECT checksum_ws FROM strata_migrations WHERE version=$V1")" \
    "checksum_ws = sha256(file without whitespace)"

case_ "up: nothing pending"
expect_exit 0 -- S up
expect_stderr_match 'nothing to apply'

case_ "wait: SQLite has no server: ready at once, or exit 7 naming a missing folder or a file that is not a database"
expect_exit 0 -- "$STRATA" migrate -d sqlite:w.db wait
expect_stdout_empty
expect_stderr_match 'w\.db accepts connections \(after '
assert_true "wait created nothing" test ! -e w.db
expect_exit 0 -- "$STRATA" migrate -d sqlite:w.db wait --json
expect_json_true "wait --json" 'd["ready"] is True and d["database"] == "w.db" and d["waited_ms"] >= 0'
expect_exit 7 -- "$STRATA" migrate -d sqlite:no/such/w.db wait
expect_error_line '^strata: error: no/such/w\.db: the folder no/such does not exist$'
printf 'not a database at all, longer than a SQLite header would be' >junk.db
expect_exit 7 -- "$STRATA" migrate -d sqlite:junk.db wait
expect_error_line 'junk\.db: not a SQLite database'
rm -f junk.db

# ---------------------------------------------------------------------------
case_ "create and drop (SQLite): idempotent, --json, drop asks on a terminal and needs --yes elsewhere"
expect_exit 0 -- "$STRATA" migrate -d sqlite:made.db create
expect_stderr_match 'created made\.db'
assert_true "the file is there" test -f made.db
expect_exit 0 -- "$STRATA" migrate -d sqlite:made.db create --json
expect_json_true "create --json on an existing database" 'd["created"] is False and d["database"] == "made.db"'
expect_exit 0 -- "$STRATA" migrate -d sqlite:made.db up
expect_exit 2 -- "$STRATA" migrate -d sqlite:made.db drop
expect_error_line '^strata: error: drop needs --yes when it cannot ask \(not at a terminal\)$'
assert_true "not dropped without --yes" test -f made.db
answer_on_pty n "$STRATA" migrate -d sqlite:made.db drop >pty.txt
assert_eq 2 "$?" "answered no: exit 2"
assert_true "it asked, naming the database" grep -q 'drop the database made\.db and all its data? \[y/N\]' pty.txt
assert_true "answered no: not dropped" test -f made.db
answer_on_pty y "$STRATA" migrate -d sqlite:made.db drop >pty.txt
assert_eq 0 "$?" "answered y: exit 0 ($(tr -d '\r' <pty.txt | tail -1))"
assert_true "answered y: dropped" test ! -e made.db
expect_exit 0 -- "$STRATA" migrate -d sqlite:made.db drop --yes --json
expect_json_true "drop --json of a database that is not there" 'd["dropped"] is False'
printf 'precious notes, not a database at all' >notes.db
expect_exit 7 -- "$STRATA" migrate -d sqlite:notes.db drop -y
expect_error_line 'notes\.db: not a SQLite database'
assert_true "a file that is not a database is never removed" test -f notes.db
rm -f notes.db pty.txt

# ---------------------------------------------------------------------------
case_ "status: table"
expect_exit 0 -- S status
expect_stdout_match 'VERSION +NAME +STATE +APPLIED_AT'
assert_eq 6 "$(grep -cE "^ *2024010100000[1-6] .*applied" "$E2E_TMP/.out")" "six applied rows"
expect_stdout_match "$V4 +create_tags_table +applied"

case_ "status --json"
expect_exit 0 -- S status --json
expect_json_true "json shape" "isinstance(d['database'], str) and isinstance(d['dir'], str) and d['applied']==6 and d['pending']==0 and len(d['migrations'])==6"
expect_json_true "versions/states" "[(m['version'], m['state']) for m in d['migrations']] == [(v, 'applied') for v in ['$V1','$V2','$V3','$V4','$V5','$V6']]"
expect_json_true "applied_at and file set" "all(m['applied_at'] and m['file'] for m in d['migrations'])"
expect_json_true "golang pair name" "d['migrations'][3]['name'] == 'create_tags_table'"

case_ "check: clean -> 0"
expect_exit 0 -- S check

mig migrations $V7 create_t7_table "CREATE TABLE t7 (x);" "DROP TABLE t7;"
mig migrations $V8 create_t8_table "CREATE TABLE t8 (x);" "DROP TABLE t8;"
mig migrations $V9 create_t9_table "CREATE TABLE t9 (x);" "DROP TABLE t9;"

case_ "check: pending -> 1"
expect_exit 1 -- S check
expect_exit 1 -- S check --json
expect_json_true "pending list" "d['pending'] == ['$V7','$V8','$V9'] and d['exit_code'] == 1 and d['applied'] == 6"

case_ "status shows pending"
expect_exit 0 -- S status --json
expect_json_true "pending count 3" "d['pending'] == 3 and [m['state'] for m in d['migrations']][-3:] == ['pending']*3 and d['migrations'][-1]['applied_at'] is None"

case_ "up --steps 1 (with --json)"
expect_exit 0 -- S up --steps 1 --json
expect_json_true "json lists V7 only" "[str(a['version']) for a in d['applied']] == ['$V7'] and d['applied'][0]['name'] == 'create_t7_table' and isinstance(d['applied'][0]['duration_ms'], (int, float)) and d['dry_run'] is False"
assert_true "t7 exists" table_exists $DB t7
assert_false "t8 not yet" table_exists $DB t8

case_ "up --to V8 (options after the subcommand)"
expect_exit 0 -- strata_t migrate up --to $V8 -d "sqlite:$DB" --dir migrations
assert_true "t8 exists" table_exists $DB t8
assert_false "t9 not yet" table_exists $DB t9
expect_exit 0 -- S up -q
expect_stderr_empty
assert_eq 9 "$(history_count $DB)" "9 applied"

case_ "down (default one step)"
expect_exit 0 -- S down
expect_stderr_match "$V9"
assert_false "t9 dropped" table_exists $DB t9
assert_eq 8 "$(history_count $DB)" "8 applied"

case_ "down --steps 2"
expect_exit 0 -- S down --steps 2
assert_false "t8 dropped" table_exists $DB t8
assert_false "t7 dropped" table_exists $DB t7
assert_eq 6 "$(history_count $DB)" "6 applied"

case_ "down --to V3 (V3 stays applied; golang .down.sql; foreign_keys:off down)"
expect_exit 0 -- S down --to $V3
assert_eq "$V1 $V2 $V3" "$(history_versions $DB | tr '\n' ' ' | sed 's/ $//')" "history V1..V3"
assert_false "tags dropped by .down.sql" table_exists $DB tags
assert_false "nt_log dropped" table_exists $DB nt_log
assert_false "posts.body gone after rebuild down" \
    sh -c "sqlite3 -readonly $DB 'PRAGMA table_info(posts)' | grep -q '|body|'"
assert_true "audit still there" table_exists $DB audit

case_ "down --all"
expect_exit 0 -- S down --all
assert_eq 0 "$(history_count $DB)" "history empty"
assert_eq "strata_migrations" "$(db_q $DB "SELECT group_concat(name) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")" \
    "only the history table remains"

case_ "up again after down --all"
expect_exit 0 -- S up
assert_eq 9 "$(history_count $DB)" "9 applied"

case_ "redo"
sqlite3 $DB "INSERT INTO t9 VALUES (42)"
expect_exit 0 -- S redo
assert_eq 9 "$(history_count $DB)" "still 9 applied"
assert_true "t9 exists" table_exists $DB t9
assert_eq 0 "$(db_q $DB 'SELECT count(*) FROM t9')" "t9 recreated (row gone)"
expect_exit 0 -- S redo --steps 2
assert_eq 9 "$(history_count $DB)" "still 9 applied after redo --steps 2"

case_ "dump: deterministic, history excluded, loads into a fresh db"
expect_exit 0 -- S dump -o schema1.sql
assert_exists schema1.sql
expect_exit 0 -- S dump
cp "$E2E_TMP/.out" schema2.sql
assert_true "dump -o and stdout dump identical" cmp -s schema1.sql schema2.sql
expect_exit 0 -- S dump
assert_true "two dumps identical" cmp -s schema2.sql "$E2E_TMP/.out"
assert_false "history table not in dump" grep -q strata_migrations schema1.sql
assert_true "trigger in dump" grep -q 'users_ai' schema1.sql
assert_true "index in dump" grep -q 'posts_user_id' schema1.sql
run sh -c 'sqlite3 fresh.db < schema1.sql'
assert_eq 0 "$RC" "dump loads into sqlite3 ($ERR)"
assert_eq "$(db_user_schema $DB)" "$(db_user_schema fresh.db)" "fresh db from dump has the same schema"
# a second database built from the same files dumps identically
expect_exit 0 -- strata_t migrate -d sqlite:other.db --dir migrations up -q
expect_exit 0 -- strata_t migrate -d sqlite:other.db --dir migrations dump -o schema3.sql
assert_eq "$(grep -v '^--' schema1.sql)" "$(grep -v '^--' schema3.sql)" "dump of an identically migrated db is identical (comments aside)"

# ---------------------------------------------------------------------------
case_ "load: a dump into an empty database, its versions recorded; refused on a database that is not empty"
expect_exit 0 -- strata_t migrate -d sqlite:loaded.db --dir migrations load schema1.sql --json
expect_json_true "load --json lists the recorded versions" 'd["file"] == "schema1.sql" and len(d["recorded"]) == '"$(grep -c '^--   ' schema1.sql)"
assert_eq "$(db_user_schema $DB)" "$(db_user_schema loaded.db)" "the loaded database has the dumped schema"
expect_exit 0 -- strata_t migrate -d sqlite:loaded.db --dir migrations dump -o schema4.sql
assert_eq "$(tail -n +2 schema1.sql)" "$(tail -n +2 schema4.sql)" "it dumps as the database it came from (title aside), applied list included"
expect_exit 0 -- strata_t migrate -d sqlite:loaded.db --dir migrations status --json
expect_json_true "status: nothing pending after load" 'd["pending"] == 0'
expect_exit 7 -- strata_t migrate -d sqlite:loaded.db --dir migrations load schema1.sql
expect_error_line 'loaded\.db is not empty: load applies a schema to an empty database'
sed 's/^--   '"$V1"' /--   29990101000000 /' schema1.sql >bad_list.sql
expect_exit 3 -- strata_t migrate -d sqlite:loaded2.db --dir migrations load bad_list.sql
expect_error_line 'bad_list\.sql: lists the applied migration 29990101000000, which no migration file has'
assert_true "nothing was created" test ! -e loaded2.db
printf 'CREATE TABLE a (x INTEGER);\nCREATE TABLE oops (;\n' >broken.sql
expect_exit 6 -- strata_t migrate -d sqlite:loaded3.db --dir migrations load broken.sql
expect_error_line 'broken\.sql:2'
assert_eq "" "$(db_user_schema loaded3.db 2>/dev/null)" "a failed load leaves no table behind"
expect_exit 2 -- strata_t migrate -d sqlite:loaded4.db --dir migrations load missing.sql
expect_error_line 'missing\.sql: cannot read'
rm -f loaded*.db schema4.sql bad_list.sql broken.sql

# ---------------------------------------------------------------------------
F1=migrations/${V1}_create_users_table.sql
F2=migrations/${V2}_create_posts_table.sql
V10=20240101000010
case_ "checksum change blocks up (exit 4 naming the file)"
echo "-- touched" >>"$F1"
mig migrations $V10 create_t10_table "CREATE TABLE t10 (x);" "DROP TABLE t10;"
fp=$(db_fingerprint $DB)
expect_exit 4 -- S up
expect_error_line "${V1}_create_users_table"
assert_eq "$fp" "$(db_fingerprint $DB)" "database unchanged"
assert_false "pending t10 not applied" table_exists $DB t10
# status reports the states and exits 0; check is the gate (exit 4 below).
expect_exit 0 -- S status --json
expect_json_true "status says modified" "[m['state'] for m in d['migrations'] if m['version']=='$V1'] == ['modified']"
expect_exit 4 -- S check --json
expect_json_true "check finding checksum-mismatch for V1" "any(f['code']=='checksum-mismatch' and f['version']=='$V1' for f in d['findings'])"

case_ "accept V after editing a file"
expect_exit 0 -- S accept $V1
expect_exit 0 -- S status --json
expect_json_true "V1 applied again" "[m['state'] for m in d['migrations'] if m['version']=='$V1'] == ['applied']"
expect_exit 0 -- S up
assert_true "t10 applied" table_exists $DB t10

case_ "accept --all"
echo "-- touched" >>"$F2"
echo "-- touched" >>migrations/${V4}_create_tags_table.up.sql
expect_exit 4 -- S check
expect_exit 0 -- S accept --all
expect_exit 0 -- S check

case_ "CRLF + BOM version of an applied file: no checksum mismatch"
for f in "$F1" "$F2"; do
    { printf '\357\273\277'; sed 's/$/\r/' "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done
assert_eq "efbbbf" "$(head -c3 "$F1" | od -An -tx1 | tr -d ' \n')" "file really has a BOM"
expect_exit 0 -- S check
expect_exit 0 -- S status --json
expect_json_true "no modified state" "all(m['state']=='applied' for m in d['migrations'])"
expect_exit 0 -- S up
expect_stderr_match 'nothing to apply'

# ---------------------------------------------------------------------------
V11=20240101000011
case_ "up --dry-run prints SQL and changes nothing"
mig migrations $V11 create_t11_table "CREATE TABLE t11 (x);" "DROP TABLE t11;"
fp=$(db_fingerprint $DB)
sha=$(file_sha $DB)
expect_exit 0 -- S up --dry-run
expect_output_match 'BEGIN IMMEDIATE'
expect_output_match 'INSERT INTO "?strata_migrations"?'
expect_output_match 'CREATE TABLE t11'
assert_eq "$fp" "$(db_fingerprint $DB)" "schema/content unchanged"
assert_eq "$sha" "$(file_sha $DB)" "db bytes unchanged"
assert_false "t11 not created" table_exists $DB t11
expect_exit 0 -- S up --dry-run --json
expect_json_true "json dry_run true" "d['dry_run'] is True and [str(a['version']) for a in d['applied']] == ['$V11']"
assert_eq "$sha" "$(file_sha $DB)" "db bytes unchanged after --json dry run"
expect_exit 0 -- S up
assert_true "t11 created by real run" table_exists $DB t11

case_ "redo --dry-run changes nothing"
fp=$(db_fingerprint $DB)
sha=$(file_sha $DB)
expect_exit 0 -- S redo --dry-run
expect_output_match 'DROP TABLE t11'
expect_output_match 'CREATE TABLE t11'
assert_eq "$fp" "$(db_fingerprint $DB)" "schema/content unchanged"
assert_eq "$sha" "$(file_sha $DB)" "db bytes unchanged"

case_ "down --dry-run changes nothing"
fp=$(db_fingerprint $DB)
sha=$(file_sha $DB)
expect_exit 0 -- S down --dry-run
expect_output_match 'BEGIN IMMEDIATE'
expect_output_match 'DROP TABLE t11'
assert_eq "$fp" "$(db_fingerprint $DB)" "schema/content unchanged"
assert_eq "$sha" "$(file_sha $DB)" "db bytes unchanged"
assert_true "t11 still there" table_exists $DB t11

# ---------------------------------------------------------------------------
V12=20240101000012 V13=20240101000013 V14=20240101000014
case_ "--atomic: failure rolls back the whole batch"
mig migrations $V12 create_t12_table "CREATE TABLE t12 (x);" "DROP TABLE t12;"
mig migrations $V13 create_t13_table "CREATE TABLE t13 (x);
INSERT INTO no_such_table VALUES (1);" "DROP TABLE t13;"
fp=$(db_fingerprint $DB)
expect_exit 6 -- S up --atomic
expect_error_line "${V13}_create_t13_table"
assert_eq "$fp" "$(db_fingerprint $DB)" "nothing applied"
assert_false "t12 not created" table_exists $DB t12

case_ "without --atomic the good migration before the failing one stays"
expect_exit 6 -- S up -q
expect_error_line "${V13}_create_t13_table"
assert_true "t12 created" table_exists $DB t12
assert_false "t13 not created" table_exists $DB t13
assert_eq "" "$(db_q $DB "SELECT version FROM strata_migrations WHERE version=$V13")" "V13 not recorded"

case_ "--atomic success applies the whole batch"
mig migrations $V13 create_t13_table "CREATE TABLE t13 (x);" "DROP TABLE t13;"
mig migrations $V14 create_t14_table "CREATE TABLE t14 (x);" "DROP TABLE t14;"
expect_exit 0 -- S up --atomic
assert_true "t13 created" table_exists $DB t13
assert_true "t14 created" table_exists $DB t14

# ---------------------------------------------------------------------------
case_ "out-of-order file refused (exit 4, names both files)"
V0=20231231000000
mig migrations $V0 create_early_table "CREATE TABLE early (x);" "DROP TABLE early;"
fp=$(db_fingerprint $DB)
expect_exit 4 -- S up
expect_stderr_match "${V0}_create_early_table" "names the out-of-order file"
expect_stderr_match "${V14}_create_t14_table" "names the newest applied file"
expect_error_line
assert_eq "$fp" "$(db_fingerprint $DB)" "database unchanged"

case_ "--allow-out-of-order applies it"
expect_exit 0 -- S up --allow-out-of-order
assert_true "early created" table_exists $DB early
assert_eq 1 "$(db_q $DB "SELECT count(*) FROM strata_migrations WHERE version=$V0")" "V0 recorded"

case_ "foreign_keys:off migration leaving an FK violation fails (exit 6), db unchanged"
V15=20240101000015
cat >migrations/${V15}_insert_orphan_post.sql <<'SQL'
-- migrate:up foreign_keys:off
INSERT INTO posts (user_id, title) VALUES (424242, 'orphan');

-- migrate:down
DELETE FROM posts WHERE user_id = 424242;
SQL
fp=$(db_fingerprint $DB)
expect_exit 6 -- S up
expect_error_line "${V15}_insert_orphan_post" '[Ff]oreign|FOREIGN'
assert_eq "$fp" "$(db_fingerprint $DB)" "database unchanged"
assert_eq 0 "$(db_q $DB "SELECT count(*) FROM posts WHERE user_id=424242")" "orphan row not kept"
rm -f migrations/${V15}_insert_orphan_post.sql
expect_exit 0 -- S check

# ---------------------------------------------------------------------------
case_ "tricky statement splitting: CASE..END inside a trigger, quoted identifiers, '' escapes"
V16=20240101000016
cat >migrations/${V16}_create_counters_table.sql <<'SQL'
-- migrate:up
CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
CREATE TRIGGER posts_count AFTER INSERT ON posts
BEGIN
  INSERT OR IGNORE INTO counters (name, n)
    VALUES (CASE WHEN NEW.title IS NULL THEN 'untitled' ELSE 'titled' END, 0);
  UPDATE counters SET n = n + 1
    WHERE name = CASE WHEN NEW.title IS NULL THEN 'untitled' ELSE 'titled' END;
END;
CREATE TABLE "weird;name" ("col;1" TEXT, [col;2] TEXT, `col;3` TEXT);
INSERT INTO "weird;name" VALUES ('it''s; fine', '--not a comment', '/* nor this */');
INSERT INTO posts (user_id, title) VALUES (1, 'hello; world');
INSERT INTO posts (user_id, title) VALUES (1, NULL);

-- migrate:down
DELETE FROM posts WHERE title = 'hello; world' OR title IS NULL;
DROP TABLE "weird;name";
DROP TRIGGER posts_count;
DROP TABLE counters;
SQL
expect_exit 0 -- S up -q
assert_eq "titled|1,untitled|1" "$(db_q $DB "SELECT group_concat(name || '|' || n) FROM (SELECT * FROM counters ORDER BY name)")" \
    "trigger with CASE..END body fired correctly"
assert_eq "it's; fine|--not a comment|/* nor this */" "$(db_q $DB 'SELECT * FROM "weird;name"')" "quoted identifiers and literals intact"
expect_exit 0 -- S down
assert_false "counters dropped" table_exists $DB counters
assert_eq 0 "$(db_q $DB "SELECT count(*) FROM posts WHERE title = 'hello; world' OR title IS NULL")" "down removed the rows"
expect_exit 0 -- S up -q

case_ "CRLF + BOM pending file applies"
V17=20240101000017
{ printf '\357\273\277'; printf -- '-- migrate:up\r\nCREATE TABLE crlf_t (x);\r\nINSERT INTO crlf_t VALUES (1);\r\n\r\n-- migrate:down\r\nDROP TABLE crlf_t;\r\n'; } \
    >migrations/${V17}_create_crlf_t_table.sql
expect_exit 0 -- S up
assert_eq 1 "$(db_q $DB 'SELECT count(*) FROM crlf_t')" "CRLF/BOM migration ran"
expect_exit 0 -- S check
expect_exit 0 -- S down
assert_false "CRLF/BOM down section ran" table_exists $DB crlf_t
expect_exit 0 -- S up -q

case_ "--json on down / redo / stamp / accept prints JSON"
for args in "down" "redo" "accept --all"; do
    # shellcheck disable=SC2086
    expect_exit 0 -- S $args --json
    expect_json_true "$args --json is a JSON object" "isinstance(d, dict)"
done
expect_exit 0 -- S up --json
expect_json_true "up --json is a JSON object" "isinstance(d, dict) and d['dry_run'] is False"

case_ "--color never / no terminal: no ANSI escapes"
for args in "status" "check" "up --bogus"; do
    # shellcheck disable=SC2086
    run S --color never $args
    if cat "$E2E_TMP/.out" "$E2E_TMP/.err" | grep -q $'\033'; then fail "$args --color never printed ANSI escapes"; else pass "$args: no escapes"; fi
    # shellcheck disable=SC2086
    run env -u NO_COLOR "$STRATA" migrate -d "sqlite:$DB" --dir migrations $args
    if cat "$E2E_TMP/.out" "$E2E_TMP/.err" | grep -q $'\033'; then fail "$args on a pipe printed ANSI escapes"; else pass "$args: no escapes on a pipe"; fi
done

# ---------------------------------------------------------------------------
case_ "--table NAME uses another history table"
expect_exit 0 -- strata_t migrate -d sqlite:custom.db --dir migrations --table my_history up -q
assert_true "my_history exists" table_exists custom.db my_history
assert_false "strata_migrations not created" table_exists custom.db strata_migrations
assert_eq "$(ls migrations/*.sql | grep -vc '\.down\.sql$')" "$(history_count custom.db my_history)" "all recorded in my_history"

# ---------------------------------------------------------------------------
cd "$E2E_TMP" && mkdir -p envtest/migrations && cd envtest || exit 2
mig migrations $V1 create_users_table "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;"
mig migrations $V2 create_posts_table "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"

case_ "DATABASE_URL from the environment"
expect_exit 0 -- env DATABASE_URL=sqlite:fromenv.db "$STRATA" migrate up
assert_eq 2 "$(history_count fromenv.db)" "fromenv.db migrated"
expect_exit 0 -- env DATABASE_URL=sqlite:fromenv.db "$STRATA" migrate status --json
expect_json_true "status via env" "d['applied'] == 2 and d['pending'] == 0"

case_ ".env file (comments, export, quotes)"
cat >.env <<'EOF'
# database for local development
OTHER_SETTING=1
export DATABASE_URL="sqlite:fromdotenv.db"
EOF
expect_exit 0 -- "$STRATA" migrate up
assert_eq 2 "$(history_count fromdotenv.db)" "fromdotenv.db migrated via .env"
cat >.env <<'EOF'
DATABASE_URL='sqlite:single.db'   
EOF
expect_exit 0 -- "$STRATA" migrate up
assert_eq 2 "$(history_count single.db)" "single-quoted .env value"

case_ "real environment wins over .env"
fp=$(db_fingerprint single.db)
expect_exit 0 -- env DATABASE_URL=sqlite:winner.db "$STRATA" migrate up
assert_eq 2 "$(history_count winner.db)" "winner.db (env) migrated"
assert_eq "$fp" "$(db_fingerprint single.db)" ".env database untouched"

case_ "STRATA_MIGRATIONS_DIR"
mkdir -p altdir
mig altdir 20240301000000 create_alt_table "CREATE TABLE alt (x);" "DROP TABLE alt;"
expect_exit 0 -- env STRATA_MIGRATIONS_DIR=altdir "$STRATA" migrate -d sqlite:alt.db up
assert_true "alt table from STRATA_MIGRATIONS_DIR" table_exists alt.db alt
assert_false "default ./migrations not used" table_exists alt.db users

case_ "sqlite:///abs/path and other URL forms"
rm -f .env
mkdir -p abs
ABSDB="$E2E_TMP/envtest/abs/abs.db"
expect_exit 0 -- "$STRATA" migrate -d "sqlite://$ABSDB" up
assert_eq 2 "$(history_count "$ABSDB")" "sqlite:///abs/path created at the absolute path"
for url in "sqlite3://$ABSDB" "file:$ABSDB" "$ABSDB" "sqlite:abs/abs.db" "abs/abs.db"; do
    expect_exit 0 -- "$STRATA" migrate -d "$url" status --json
    expect_json_true "status via $url sees 2 applied" "d['applied'] == 2"
done
expect_exit 0 -- "$STRATA" migrate --database "sqlite://$ABSDB" status
(cd / && "$STRATA" migrate -d "sqlite://$ABSDB" --dir "$E2E_TMP/envtest/migrations" status --json >"$E2E_TMP/.out" 2>"$E2E_TMP/.err")
RC=$?; OUT=$(cat "$E2E_TMP/.out"); E2E_CMD="(cd / && strata migrate -d sqlite://$ABSDB status --json)"
assert_eq 0 "$RC" "absolute URL works from another cwd"
expect_json_true "status from / sees 2 applied" "d['applied'] == 2"

# ---------------------------------------------------------------------------
cd "$E2E_TMP" && mkdir -p dbm && cd dbm || exit 2
case_ "dbmate-managed database is recognised (up does not reapply)"
sqlite3 dbmate.db "CREATE TABLE schema_migrations (version varchar(128) primary key);
INSERT INTO schema_migrations (version) VALUES ('20240101000001'), ('20240101000002');
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));"
mig migrations $V1 create_users_table "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" "DROP TABLE users;"
mig migrations $V2 create_posts_table "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));" "DROP TABLE posts;"
mig migrations $V3 create_widgets_table "CREATE TABLE widgets (id INTEGER PRIMARY KEY);" "DROP TABLE widgets;"
expect_exit 0 -- strata_t migrate -d sqlite:dbmate.db up
expect_stderr_nomatch "applied +${V1}" "V1 must not be reapplied"
expect_stderr_nomatch "applied +${V2}" "V2 must not be reapplied"
expect_stderr_match "applied +${V3}_create_widgets_table"
assert_true "widgets created" table_exists dbmate.db widgets
expect_exit 0 -- strata_t migrate -d sqlite:dbmate.db status --json
expect_json_true "all three applied" "d['applied'] == 3 and d['pending'] == 0"
expect_exit 0 -- strata_t migrate -d sqlite:dbmate.db up
expect_stderr_match 'nothing to apply'

case_ "golang-migrate-managed database is recognised"
sqlite3 golang.db "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (20240101000002, 0);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));"
expect_exit 0 -- strata_t migrate -d sqlite:golang.db up
expect_stderr_nomatch "applied +${V1}" "V1 must not be reapplied"
expect_stderr_nomatch "applied +${V2}" "V2 must not be reapplied"
assert_true "widgets created" table_exists golang.db widgets

# ---------------------------------------------------------------------------
cd "$E2E_TMP" && mkdir -p stamp && cd stamp || exit 2
case_ "stamp V records <= V without running"
mig migrations $V1 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations $V2 create_b_table "CREATE TABLE b (x);" "DROP TABLE b;"
mig migrations $V3 create_c_table "CREATE TABLE c (x);" "DROP TABLE c;"
sqlite3 st.db "CREATE TABLE a (x); CREATE TABLE b (x);"
expect_exit 0 -- strata_t migrate -d sqlite:st.db stamp $V2
assert_eq "$V1 $V2" "$(history_versions st.db | tr '\n' ' ' | sed 's/ $//')" "V1,V2 recorded"
assert_false "c not created by stamp" table_exists st.db c
expect_exit 0 -- strata_t migrate -d sqlite:st.db up
expect_stderr_nomatch "applied +${V1}"
expect_stderr_match "applied +${V3}"
assert_true "c created by up" table_exists st.db c

cd "$E2E_TMP" && mkdir -p envsub && cd envsub || exit 2
case_ "\${NAME} placeholders: envsub:on sections and --envsub; values never printed unless asked"
mkdir -p migrations
printf -- '-- migrate:up envsub:on\nCREATE TABLE ${APP_TABLE} (id INTEGER, token TEXT DEFAULT %s);\n\n-- migrate:down envsub:on\nDROP TABLE ${APP_TABLE};\n' "'\${APP_TOKEN}'" >migrations/1_table.sql
printf -- '-- migrate:up\nCREATE TABLE plain (note TEXT DEFAULT %s);\n-- migrate:down\nDROP TABLE plain;\n' "'\${APP_TOKEN}'" >migrations/2_plain.sql
# The marker is the project's request for the user's environment: granted once the user trusts
# the project (strata-security(7)), or with the user's own --envsub.
APP_TABLE=t expect_exit 2 -- strata_t migrate -d sqlite:e.db up
expect_error_line '^strata: error: ./migrations/1_table.sql:2: \$\{APP_TABLE\}: the section asks \(envsub:on\) to expand your environment, and this project is not trusted$'
assert_eq "" "$( [ -e e.db ] && sqlite3 e.db .tables)" "nothing was created"
expect_exit 0 -- strata_t trust
expect_exit 3 -- strata_t migrate -d sqlite:e.db up
expect_error_line '^strata: error: ./migrations/1_table.sql:2: \$\{APP_TABLE\} is not set$'
assert_eq "" "$( [ -e e.db ] && sqlite3 e.db .tables)" "nothing was created"
export APP_TABLE=users APP_TOKEN=tok-9f8e7d6c
expect_exit 0 -- strata_t migrate -d sqlite:e.db up --dry-run
expect_stdout_match 'CREATE TABLE \$\{APP_TABLE\} \(id INTEGER, token TEXT DEFAULT .\$\{APP_TOKEN\}.\);'
expect_output_nomatch 'tok-9f8e7d6c'
expect_exit 0 -- strata_t migrate -d sqlite:e.db up --dry-run --show-values
expect_stdout_match "CREATE TABLE users \\(id INTEGER, token TEXT DEFAULT 'tok-9f8e7d6c'\\);"
expect_exit 0 -- strata_t migrate -d sqlite:e.db up
assert_eq "tok-9f8e7d6c|\${APP_TOKEN}" "$(sqlite3 e.db "SELECT dflt_value FROM pragma_table_info('users') WHERE name = 'token'" | tr -d "'")|$(sqlite3 e.db "SELECT dflt_value FROM pragma_table_info('plain')" | tr -d "'")" "expanded where asked, left as written elsewhere"
checksum=$(sqlite3 e.db "SELECT checksum FROM strata_migrations WHERE version = 1")
assert_eq "$(sha256sum <migrations/1_table.sql | cut -c1-64)" "$checksum" "the checksum is the file's, not the expansion's"
APP_TOKEN=changed expect_exit 0 -- strata_t migrate -d sqlite:e.db check --roundtrip
expect_exit 0 -- strata_t migrate -d sqlite:e.db down --steps 2
expect_exit 0 -- strata_t migrate -d sqlite:e.db --envsub up
assert_eq "tok-9f8e7d6c" "$(sqlite3 e.db "SELECT dflt_value FROM pragma_table_info('plain')" | tr -d "'")" "--envsub: every section"
printf '[migrate]\nenvsub = true\n' >strata.toml
strata_t trust >/dev/null  # a project that expands the environment: the user trusts it
expect_exit 0 -- strata_t migrate -d sqlite:e.db down --dry-run
expect_stdout_match '^DROP TABLE plain;'
expect_exit 0 -- strata_t config
expect_stdout_match 'migrate.envsub[[:space:]]+true'
unset APP_TABLE APP_TOKEN
cd "$E2E_TMP" || exit 2

cd "$E2E_TMP" && mkdir -p repeatable && cd repeatable || exit 2
case_ "repeatable migrations (R__name.sql): after the versioned ones, again whenever they change, never rolled back"
mig migrations 1 users "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" "DROP TABLE users;"
printf 'DROP VIEW IF EXISTS user_emails;\nCREATE VIEW user_emails AS SELECT email FROM users;\n' >migrations/R__user_emails.sql
printf -- '-- migrate:up\nDROP VIEW IF EXISTS user_count;\nCREATE VIEW user_count AS SELECT count(*) AS n FROM users;\n' >migrations/R__user_count.sql
expect_exit 0 -- strata_t migrate -d sqlite:r.db status
expect_stdout_match '^R +user_count +pending'
expect_exit 0 -- strata_t migrate -d sqlite:r.db up
assert_eq "applied 1_users|applied R__user_count|applied R__user_emails" "$(grep -o 'applied [^ ]*' "$E2E_TMP/.err" | tr '\n' '|' | sed 's/|$//')" "versioned first, then repeatable by name"
expect_exit 0 -- strata_t migrate -d sqlite:r.db up
expect_stderr_match 'nothing to apply'
printf 'DROP VIEW IF EXISTS user_emails;\nCREATE VIEW user_emails AS SELECT id, email FROM users;\n' >migrations/R__user_emails.sql
expect_exit 0 -- strata_t migrate -d sqlite:r.db status --json
expect_json_true "the changed one is outdated, the other applied" \
    '[(m["name"], m["state"]) for m in d["migrations"] if m["version"] == "R"] == [("user_count", "applied"), ("user_emails", "outdated")]'
expect_exit 1 -- strata_t migrate -d sqlite:r.db check
expect_stdout_match 'pending +info +R +./migrations/R__user_emails.sql +repeatable: changed since it was applied'
expect_exit 0 -- strata_t migrate -d sqlite:r.db up
expect_stderr_match 'applied R__user_emails'
expect_stderr_nomatch 'R__user_count'
assert_eq "id,email" "$(sqlite3 r.db "SELECT group_concat(name) FROM pragma_table_info('user_emails')")" "the view was replaced"
expect_exit 0 -- strata_t migrate -d sqlite:r.db check --drift --roundtrip
expect_exit 0 -- strata_t migrate -d sqlite:r.db down
expect_stderr_match 'reverted 1_users'
expect_exit 0 -- strata_t migrate -d sqlite:r.db status
expect_stdout_match '^R +user_emails +applied'
printf -- '-- migrate:up\nCREATE VIEW x AS SELECT 1;\n-- migrate:down\nDROP VIEW x;\n' >migrations/R__with_down.sql
expect_exit 3 -- strata_t migrate -d sqlite:r.db up
expect_error_line 'R__with_down.sql:3: a repeatable migration is never rolled back: remove its down section'
cd "$E2E_TMP" || exit 2

e2e_finish
