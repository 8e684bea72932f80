#!/usr/bin/env bash
# `strata migrate check`: finding codes, exit classes, --json shape, read-only
# guarantees, --drift, --roundtrip, --strict.
# Usage: bash tests/e2e/check.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init check "$@"

V1=20240101000001
V2=20240101000002
V3=20240101000003
V4=20240101000004
S() { strata_t migrate -d sqlite:app.db "$@"; }

# base NAME: case dir with V1, V2 applied to app.db
base() {
    cd "$E2E_TMP" || exit 2
    mkdir -p "$1/migrations"
    cd "$1" || exit 2
    mig migrations $V1 create_users_table \
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE UNIQUE INDEX users_email ON users(email);" \
        "DROP TABLE users;"
    mig migrations $V2 create_posts_table \
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);" \
        "DROP TABLE posts;"
    if ! "$STRATA" migrate -d sqlite:app.db up -q >/dev/null 2>&1; then
        fail "setup '$1': up failed"
    fi
}

# validate_json: validates the check --json shape of the last command's stdout
# against the spec, and that exit_code equals the process exit code.
validate_json() {
    local r
    r=$(printf '%s' "$OUT" | python3 -c '
import json, sys
rc = int(sys.argv[1]); strict = sys.argv[2] == "1"
errs = []
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("stdout is not JSON: %s" % e); sys.exit(0)
def isint(x): return isinstance(x, int) and not isinstance(x, bool)
for k, chk in [("ok", lambda x: isinstance(x, bool)), ("exit_code", isint), ("applied", isint),
               ("pending", lambda x: isinstance(x, list) and all(isinstance(v, str) for v in x)),
               ("findings", lambda x: isinstance(x, list))]:
    if k not in d: errs.append("missing key %s" % k)
    elif not chk(d[k]): errs.append("bad type for %s: %r" % (k, d[k]))
if d.get("exit_code") != rc: errs.append("exit_code %r != process exit %d" % (d.get("exit_code"), rc))
if rc == 0 and d.get("ok") is not True: errs.append("ok should be true when exit is 0")
if rc >= 2 and d.get("ok") is not False: errs.append("ok should be false when exit is %d" % rc)
sev = {"bad-name": "error", "not-a-migration": "warning", "duplicate-version": "error", "parse-error": "error",
       "missing-down": "warning", "pragma-in-transaction": "error", "destructive": "warning",
       "newer-history": "error", "missing-file": "error", "checksum-mismatch": "error",
       "out-of-order": "error", "partial": "error", "pending": "info", "drift": "error",
       "roundtrip": "error", "no-database": "info", "baseline-stale": "info", "not-utf8": "info",
       "baseline-refused": "info"}
cls = {"bad-name": 3, "not-a-migration": 3, "duplicate-version": 3, "parse-error": 3, "missing-down": 3,
       "pragma-in-transaction": 3, "destructive": 3, "newer-history": 4, "missing-file": 4,
       "checksum-mismatch": 4, "out-of-order": 4, "partial": 6, "pending": 1, "drift": 5,
       "roundtrip": 5, "no-database": 0, "baseline-stale": 0, "not-utf8": 0, "baseline-refused": 0}
want = 0
for f in d.get("findings", []):
    if not isinstance(f, dict): errs.append("finding not an object: %r" % f); continue
    for k in ("code", "severity", "version", "file", "line", "message", "detail"):
        if k not in f: errs.append("finding missing key %s: %r" % (k, f))
    c = f.get("code")
    if c not in sev: errs.append("unknown code %r" % c); continue
    if f.get("severity") not in ("error", "warning", "info"): errs.append("bad severity %r" % f.get("severity"))
    elif not strict and f.get("severity") != sev[c] and not (c in ("drift", "roundtrip") and f.get("severity") == "info"): errs.append("%s should have severity %s, got %s" % (c, sev[c], f.get("severity")))
    if not (f.get("line") is None or isint(f.get("line"))): errs.append("line must be int or null: %r" % f.get("line"))
    if not (f.get("version") is None or isinstance(f.get("version"), str)): errs.append("version must be string: %r" % f.get("version"))
    if not (f.get("file") is None or isinstance(f.get("file"), str)): errs.append("file must be string: %r" % f.get("file"))
    if not isinstance(f.get("message"), str) or not f.get("message"): errs.append("empty message: %r" % f)
    if f.get("baselined") is True: continue  # acknowledged in the baseline: never counts
    if f.get("severity") == "error" or (f.get("severity") == "warning" and strict) or c == "pending":
        want = max(want, cls[c])
if want != rc: errs.append("highest finding class is %d but exit is %d" % (want, rc))
print("OK" if not errs else "; ".join(errs))
' "$RC" "${STRICT:-0}" 2>&1)
    if [ "$r" = OK ]; then pass "json shape valid"; else fail "json shape: $r"; fi
}

# cj EXIT ARGS...: run `check --json ARGS` expecting EXIT, validate shape
cj() {
    local want=$1
    shift
    expect_exit "$want" -- S check --json "$@"
    validate_json
}

# has CODE [VERSION] [MESSAGE_REGEX]: a finding with that code (and version) exists
has() {
    local code=$1 ver=${2:-} re=${3:-}
    local r
    r=$(printf '%s' "$OUT" | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
code, ver, rx = sys.argv[1], sys.argv[2], sys.argv[3]
ok = any(f.get("code") == code and (not ver or f.get("version") == ver)
         and (not rx or re.search(rx, f.get("message") or "", re.I)) for f in d.get("findings", []))
print("yes" if ok else "no")
' "$code" "$ver" "$re" 2>&1)
    if [ "$r" = yes ]; then
        pass "finding $code${ver:+ for $ver}${re:+ ~/$re/}"
    else
        fail "expected finding $code${ver:+ for $ver}${re:+ with message ~/$re/}"
    fi
}

hasnt() {
    local code=$1
    if printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(f.get("code") == sys.argv[1] for f in d.get("findings", [])) else 1)' "$code" 2>/dev/null; then
        fail "unexpected finding $code"
    else
        pass "no $code finding"
    fi
}

# ---------------------------------------------------------------------------
case_ "class 0: clean, everything applied"
base clean
cj 0
expect_json_true "applied 2, nothing pending" "d['applied'] == 2 and d['pending'] == [] and d['ok'] is True"
expect_exit 0 -- S check
expect_exit 0 -- strata_t migrate check -d sqlite:app.db

case_ "file-only check without any database"
cd "$E2E_TMP" && mkdir -p nodb && cp -r clean/migrations nodb/ && cd nodb || exit 2
expect_exit 0 -- strata_t migrate check --json
validate_json
assert_eq "" "$(ls -A | grep -v '^migrations$')" "no database file created"
mig migrations $V3 create_bad_table "CREATE TABLE x (y);" "DROP TABLE x;"
printf 'junk' >migrations/1234567890123456789_bogus.sql
expect_exit 3 -- strata_t migrate check --json
validate_json
has bad-name
assert_eq "" "$(ls -A | grep -v '^migrations$')" "still no database file created"

case_ "database configured but file does not exist: no-database, not created"
cd "$E2E_TMP/nodb" && rm -f migrations/1234567890123456789_bogus.sql || exit 2
# No database yet: every migration is pending, and pending alone is class 1.
expect_exit 1 -- strata_t migrate -d sqlite:new.db check --json
validate_json
has no-database
has pending $V1
assert_absent new.db
assert_absent new.db-journal
assert_absent new.db-wal
assert_absent new.db-shm
expect_exit 1 -- env DATABASE_URL=sqlite:viaenv.db "$STRATA" migrate check
expect_stdout_match 'no-database'
assert_absent viaenv.db

# ---------------------------------------------------------------------------
case_ "class 1: pending only"
base pending
mig migrations $V3 create_tags_table "CREATE TABLE tags (x);" "DROP TABLE tags;"
mig migrations $V4 create_more_table "CREATE TABLE more (x);" "DROP TABLE more;"
cj 1
expect_json_true "pending list" "d['pending'] == ['$V3', '$V4'] and d['applied'] == 2"
has pending $V3
has pending $V4
expect_exit 1 -- S check

# ---------------------------------------------------------------------------
case_ "class 3: bad-name (a version of more than 18 digits)"
base c3_badname
printf -- '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n' >migrations/1234567890123456789_add_things.sql
cj 3
has bad-name
expect_json_true "file names 1234567890123456789_add_things.sql" "any(f['code']=='bad-name' and '1234567890123456789_add_things.sql' in (f['file'] or '') for f in d['findings'])"

case_ "not-a-migration: a .sql name not starting with a digit is ignored, a warning (3 with --strict)"
base not_a_migration
printf -- '-- migrate:up\nCREATE TABLE never (x);\n' >migrations/add_things.sql
cj 0
has not-a-migration "" 'rename it <version>_<name>\.sql to run it'
expect_json_true "file names add_things.sql" "any(f['code']=='not-a-migration' and f['file'].endswith('migrations/add_things.sql') and f['severity']=='warning' for f in d['findings'])"
STRICT=1 cj 3 --strict
expect_exit 0 -- S up
assert_false "add_things.sql never ran" table_exists app.db never

case_ "class 3: duplicate-version"
base c3_dup
mig migrations $V3 create_a_table "CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations $V3 create_b_table "CREATE TABLE b (x);" "DROP TABLE b;"
cj 3
has duplicate-version $V3

case_ "class 3: parse-error (missing marker, empty, SQL error with --roundtrip) reported together; not UTF-8 is info"
base c3_parse
printf 'CREATE TABLE a (x);\n' >migrations/${V3}_create_a_table.sql
printf -- "-- migrate:up\nSELECT 'caf\xe9';\n-- migrate:down\nSELECT 1;\n" >migrations/20240101000005_latin1.sql
: >migrations/20240101000006_create_empty_table.sql
printf -- '-- migrate:up\nCREATE TABLE ok (x);\n\nCREATE TABLEX broken (x);\n-- migrate:down\nDROP TABLE ok;\n' \
    >migrations/20240101000007_create_broken_table.sql
cj 3 --roundtrip
has parse-error $V3
has not-utf8 20240101000005 "bytes that are not UTF-8 at column 12: sent to the server as they are"
expect_json_true "the Latin-1 file is no parse error: its bytes go to the server as they are" \
    "not any(f['code']=='parse-error' and f['version']=='20240101000005' for f in d['findings']) and [f['line'] for f in d['findings'] if f['code']=='not-utf8'] == [2]"
has parse-error 20240101000006
has parse-error 20240101000007
expect_json_true "syntax error finding has line 4" \
    "any(f['code']=='parse-error' and f['version']=='20240101000007' and f['line']==4 for f in d['findings'])"
expect_exit 3 -- S check --roundtrip
expect_stdout_match "20240101000007_create_broken_table\\.sql" "plain output names the file"

case_ "class 3: parse-error for an SQL syntax error on its own (file:line:col), found by the --roundtrip replay"
base c3_syntax
printf -- '-- migrate:up\nCREATE TABLE ok (x);\n\nCREATE TABLEX broken (x);\n-- migrate:down\nDROP TABLE ok;\n' \
    >migrations/${V3}_create_broken_table.sql
cj 1
expect_json_true "plain check does not replay (the replay is part of --roundtrip)" \
    "not any(f['code']=='parse-error' for f in d['findings'])"
cj 3 --roundtrip
has parse-error $V3
expect_json_true "finding has line 4" "any(f['code']=='parse-error' and f['line']==4 for f in d['findings'])"
expect_exit 3 -- S check --roundtrip
expect_output_match "${V3}_create_broken_table\\.sql:4(:[0-9]+)?" "plain output has file:line"
# file-only check (no database configured) must find it too
expect_exit 3 -- strata_t migrate check --roundtrip

case_ "class 3: pragma-in-transaction (PRAGMA and VACUUM among other statements), allowed with transaction:false or alone"
base c3_pragma
mig migrations $V3 set_pragma "PRAGMA journal_mode = WAL;
CREATE TABLE a (x);" "DROP TABLE a;"
mig migrations $V4 vacuum_db "DELETE FROM a;
VACUUM;" "SELECT 1;"
cj 3
has pragma-in-transaction $V3
has pragma-in-transaction $V4
expect_exit 3 -- S up
expect_stderr_match "${V3}_set_pragma\\.sql:2: PRAGMA journal_mode cannot run inside a transaction" "up refuses with check's finding"
expect_exit 0 -- sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 'a'"
expect_stdout_match '^0$' "nothing ran"
rm migrations/${V3}_set_pragma.sql migrations/${V4}_vacuum_db.sql
# A lone VACUUM, and SQLite's table-rebuild PRAGMA inside a wrapped section, are not findings:
# the first runs outside a transaction, the second turns foreign keys off around it.
mig migrations $V3 vacuum_alone "VACUUM;" "SELECT 1;"
mig migrations $V4 rebuild "PRAGMA foreign_keys=OFF;
CREATE TABLE b (x);
PRAGMA foreign_keys=ON;" "DROP TABLE b;"
cj 1
hasnt pragma-in-transaction
expect_exit 0 -- S up -q
rm migrations/${V3}_vacuum_alone.sql migrations/${V4}_rebuild.sql
base c3_pragma_false
printf -- '-- migrate:up transaction:false\nPRAGMA user_version = 7;\nVACUUM;\n-- migrate:down transaction:false\nPRAGMA user_version = 0;\n' \
    >migrations/${V3}_vacuum_db.sql
cj 1
hasnt pragma-in-transaction

case_ "missing-down: warning (exit 0/1), --strict makes it exit 3"
base c3_missing_down
mig migrations $V3 create_a_table "CREATE TABLE a (x);" "-"
expect_exit 0 -- S up -q
cj 0
has missing-down $V3
STRICT=1 cj 3 --strict
has missing-down $V3
expect_exit 3 -- S check --strict

case_ "destructive: warning, --strict makes it exit 3"
base c3_destructive
mig migrations $V3 drop_title_from_posts "ALTER TABLE posts DROP COLUMN title;" "ALTER TABLE posts ADD COLUMN title TEXT;"
mig migrations $V4 drop_posts_table "DROP TABLE posts;" "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));"
expect_exit 1 -- S check
cj 1
has destructive $V3
has destructive $V4
STRICT=1 cj 3 --strict
has destructive $V3

# ---------------------------------------------------------------------------
# The baseline: an existing project acknowledges its findings once, and only new ones fail.

# counted: "VERSION:CODE" of every finding that counts (not info, not baselined), sorted.
counted() {
    printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted("%s:%s" % (f["version"], f["code"]) for f in d["findings"]
                      if f["severity"] != "info" and not f.get("baselined"))))'
}

case_ "baseline: --write-baseline acknowledges the warnings of applied migrations; --strict then exits 0"
base bl_adopt
mig migrations $V3 drop_title_from_posts "ALTER TABLE posts DROP COLUMN title;" "-"
expect_exit 0 -- S up -q
expect_exit 3 -- S check --strict
STRICT=1 cj 3 --strict
assert_eq "$V3:destructive $V3:missing-down" "$(counted)" "without a baseline both warnings count"
expect_exit 0 -- S check --write-baseline
expect_stderr_match 'wrote (\./)?migrations/\.strata-baseline\.json: 2 finding\(s\) baselined'
assert_eq "2" "$(grep -c '"code":' migrations/.strata-baseline.json)" "the file holds one line per finding"
STRICT=1 cj 0 --strict
expect_json_true "both listed, baselined, and named" \
    "d['baselined'] == 2 and d['baseline'] in ('migrations/.strata-baseline.json', './migrations/.strata-baseline.json') and sorted(f['code'] for f in d['findings'] if f['baselined']) == ['destructive', 'missing-down']"
expect_exit 0 -- S check --strict
expect_stderr_match '0 warning\(s\).*2 baselined'
expect_stdout_nomatch 'destructive'
expect_exit 3 -- S check --strict --no-baseline

case_ "baseline: a new migration's warning fails --strict and is the only one counted"
mig migrations $V4 create_tags_table "CREATE TABLE tags (x);" "-"
STRICT=1 cj 3 --strict
assert_eq "$V4:missing-down" "$(counted)" "only the new migration's finding counts"
expect_exit 3 -- S check --strict
expect_stdout_match "missing-down +warning +$V4"
expect_stdout_nomatch "$V3"

case_ "baseline: a changed file's findings are new; the old entries are reported stale"
cd "$E2E_TMP" && mkdir -p bl_changed && cp -r bl_adopt/migrations bl_changed/ && cd bl_changed || exit 2
rm migrations/${V4}_create_tags_table.sql
expect_exit 0 -- strata_t migrate check --strict
printf -- '-- why: titles moved to a table\n' >>migrations/${V3}_drop_title_from_posts.sql
expect_exit 3 -- strata_t migrate check --strict --json
STRICT=1 validate_json
assert_eq "$V3:destructive $V3:missing-down" "$(counted)" "both findings of the changed file count again"
has baseline-stale $V3 'destructive'
has baseline-stale $V3 'missing-down'
expect_exit 0 -- strata_t migrate check --write-baseline
expect_exit 0 -- strata_t migrate check --strict --json
hasnt baseline-stale

# The baseline is the repository's: a pull request can list its own error in it as easily as it
# adds the migration. The entry (code, version, file and checksum, as written ones are) hides
# nothing: the error is listed and counts, and the output says the entry was refused.
case_ "baseline: an entry naming an error hides nothing, and check says so"
cd "$E2E_TMP" && mkdir -p bl_error/migrations && cd bl_error || exit 2
printf -- '-- migrate:up\nCREATE TABLE d (x);\nVACUUM;\n' >migrations/${V3}_vacuum.sql
expect_exit 3 -- S check --write-baseline
python3 - migrations/.strata-baseline.json <<'PY'
import json, sys
path = sys.argv[1]
d = json.load(open(path))
entry = dict(d["findings"][0], code="pragma-in-transaction", line=3)  # the warning's checksum: the same file
d["findings"].append(entry)
json.dump(d, open(path, "w"))
PY
cj 3
has pragma-in-transaction $V3
has baseline-refused $V3 'lists this pragma-in-transaction error, but a baseline acknowledges warnings only'
hasnt baseline-stale
expect_json_true "the error is not baselined, the warning is" \
    "sorted((f['code'], f['baselined']) for f in d['findings'] if f['severity'] != 'info') == [('missing-down', True), ('pragma-in-transaction', False)]"
expect_exit 3 -- S check --strict
expect_stdout_match "baseline-refused +info"
expect_stdout_match "pragma-in-transaction +error"

case_ "baseline: --baseline FILE and --write-baseline FILE name another file"
cd "$E2E_TMP/bl_changed" || exit 2
mv migrations/.strata-baseline.json ci-baseline.json
expect_exit 3 -- strata_t migrate check --strict
expect_exit 0 -- strata_t migrate check --strict --baseline ci-baseline.json
expect_exit 0 -- strata_t migrate check --write-baseline other.json
assert_eq "$(python3 -c 'import json,sys; print(len(json.load(open("ci-baseline.json"))["findings"]))')" \
    "$(python3 -c 'import json,sys; print(len(json.load(open("other.json"))["findings"]))')" "same findings written"
expect_exit 3 -- strata_t migrate check --strict --baseline missing.json
expect_error_line '^strata: error: missing\.json: cannot read the baseline file$'
expect_exit 2 -- strata_t migrate check --baseline other.json --no-baseline

case_ "baseline: a malformed file is refused with one line naming it"
cd "$E2E_TMP/bl_changed" || exit 2
printf '{"format": 1,\n "findings": [oops]}\n' >migrations/.strata-baseline.json
expect_exit 3 -- strata_t migrate check
expect_error_line '^strata: error: (\./)?migrations/\.strata-baseline\.json:2:15: not a strata baseline file \(invalid JSON\)$'
printf '{"format": 1, "findings": [{"code": "destructive", "version": "%s", "file": "x.sql"}]}\n' $V3 \
    >migrations/.strata-baseline.json
expect_exit 3 -- strata_t migrate check --json
expect_error_line '^strata: error: (\./)?migrations/\.strata-baseline\.json: findings\[0\]\.checksum: missing$'
expect_stdout_empty
expect_exit 3 -- strata_t migrate check --no-baseline --strict
expect_exit 0 -- strata_t migrate check --no-baseline

# ---------------------------------------------------------------------------
case_ "class 4: checksum-mismatch"
base c4_checksum
echo "CREATE TABLE extra (x);" >>migrations/${V2}_create_posts_table.sql
cj 4
has checksum-mismatch $V2
expect_json_true "not described as whitespace-only" "not any(f['code']=='checksum-mismatch' and 'only whitespace' in f['message'].lower() for f in d['findings'])"

case_ "class 4: whitespace-only edit says whitespace"
base c4_ws
f=migrations/${V1}_create_users_table.sql
sed -e 's/^CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);/CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    email TEXT NOT NULL\n);/' "$f" >"$f.new"
printf '\n\n' >>"$f.new"
mv "$f.new" "$f"
cj 4
has checksum-mismatch $V1 'whitespace'
expect_exit 4 -- S check
expect_output_match '[Ww]hitespace'

case_ "class 4: missing-file"
base c4_missing
rm migrations/${V2}_create_posts_table.sql
cj 4
has missing-file $V2
# status reports the states and exits 0; check is the gate (exit 4 above).
expect_exit 0 -- S status --json
expect_json_true "status shows missing" "[m['state'] for m in d['migrations'] if m['version']=='$V2'] == ['missing']"

case_ "class 4: out-of-order"
base c4_ooo
mig migrations 20231231000000 create_early_table "CREATE TABLE early (x);" "DROP TABLE early;"
cj 4
has out-of-order 20231231000000
expect_json_true "out-of-order file also pending" "'20231231000000' in d['pending']"

case_ "class 4: newer-history"
base c4_newer
sqlite3 app.db "UPDATE strata_migrations SET strata_version = '99.0.0' WHERE version = $V2"
FP=$(db_fingerprint app.db)
cj 4
has newer-history $V2
mig migrations $V3 create_tags_table "CREATE TABLE tags (x);" "DROP TABLE tags;"
expect_exit 4 -- S up
expect_error_line "99\\.0\\.0|newer"
assert_eq "$FP" "$(db_fingerprint app.db)" "up refused to touch a database written by a newer strata"

# ---------------------------------------------------------------------------
case_ "class 5: --drift"
base c5_drift
cj 0 --drift
sqlite3 app.db "ALTER TABLE users ADD COLUMN nickname TEXT; CREATE INDEX users_nick ON users(nickname);"
cj 5 --drift
has drift
cj 0
hasnt drift
expect_exit 5 -- S check --drift
expect_output_match 'nickname|users_nick|users' "drift output points at the changed object"

case_ "class 5: --roundtrip"
base c5_roundtrip
cj 0 --roundtrip
mig migrations $V3 create_pair_tables "CREATE TABLE pair_a (x);
CREATE TABLE pair_b (x);" "DROP TABLE pair_a;"
cj 5 --roundtrip
has roundtrip $V3
expect_exit 0 -- S up -q
cj 5 --roundtrip
has roundtrip $V3
expect_exit 5 -- S check --roundtrip
expect_output_match "${V3}_create_pair_tables|$V3"
# fix the down section -> clean again (file changed, so accept it first)
mig migrations $V3 create_pair_tables "CREATE TABLE pair_a (x);
CREATE TABLE pair_b (x);" "DROP TABLE pair_b;
DROP TABLE pair_a;"
expect_exit 0 -- S accept $V3
cj 0 --roundtrip

case_ "--roundtrip without a database"
cd "$E2E_TMP/c5_roundtrip" || exit 2
expect_exit 0 -- strata_t migrate check --roundtrip
mig migrations $V4 create_leaky_table "CREATE TABLE leaky (x);
CREATE INDEX leaky_x ON leaky(x);" "DROP INDEX leaky_x;"
# --roundtrip needs no database: it runs in an in-memory scratch database (strata-migrate(1)).
expect_exit 5 -- strata_t migrate check --roundtrip
expect_stdout_match "^roundtrip .*$V4"
assert_eq "" "$(ls -A | grep -vE '^(migrations|app\.db)$')" "no scratch files left behind"

# ---------------------------------------------------------------------------
case_ "class 6: partial (transaction:false migration stopped midway)"
base c6_partial
cat >migrations/${V3}_backfill_users.sql <<'SQL'
-- migrate:up transaction:false
CREATE TABLE p1 (x);
INSERT INTO no_such_table VALUES (1);
CREATE TABLE p2 (x);

-- migrate:down
DROP TABLE IF EXISTS p2;
DROP TABLE IF EXISTS p1;
SQL
expect_exit 6 -- S up
expect_stderr_match "${V3}_backfill_users\\.sql:3"
assert_eq "partial|1" "$(db_q app.db "SELECT state, statements_done FROM strata_migrations WHERE version=$V3")" \
    "history row state=partial statements_done=1"
cj 6
has partial $V3
# status reports the states and exits 0; check is the gate (exit 6 above).
expect_exit 0 -- S status --json
expect_json_true "status shows partial" "[m['state'] for m in d['migrations'] if m['version']=='$V3'] == ['partial']"
expect_exit 6 -- S up
expect_error_line "$V3"

case_ "up --resume continues a partial migration after the cause is fixed"
sqlite3 app.db "CREATE TABLE no_such_table (x);"
expect_exit 6 -- S up
expect_exit 0 -- S up --resume
assert_eq "applied|3" "$(db_q app.db "SELECT state, statements_done FROM strata_migrations WHERE version=$V3")" \
    "history row now state=applied statements_done=3"
assert_true "p2 created" table_exists app.db p2
assert_eq 1 "$(db_q app.db 'SELECT count(*) FROM no_such_table')" "statement 2 ran once"
cj 0

# ---------------------------------------------------------------------------
case_ "several findings at once, highest class wins"
base many
printf 'x' >migrations/1234567890123456789_notes_v2.sql                          # bad-name (3)
mig migrations $V3 create_a_table "CREATE TABLE a (x);" "-"                     # missing-down + pending
echo "-- edited" >>migrations/${V1}_create_users_table.sql                       # checksum (4)
cj 4
has bad-name
has missing-down $V3
has pending $V3
has checksum-mismatch $V1
expect_json_true "at least four findings" "len(d['findings']) >= 4"
expect_exit 4 -- S check
expect_stdout_match 'bad-name'
expect_stdout_match 'checksum-mismatch'
# add a recorded partial migration by hand -> 6 wins
sqlite3 app.db "INSERT INTO strata_migrations (version, name, checksum, checksum_ws, applied_at, duration_ms, strata_version, state, statements_done)
                SELECT $V4, 'half_done', checksum, checksum_ws, applied_at, 1.0, strata_version, 'partial', 1 FROM strata_migrations WHERE version=$V2"
mig migrations $V4 half_done "CREATE TABLE h1 (x);
CREATE TABLE h2 (x);" "DROP TABLE h2;"
cj 6
has partial $V4
has checksum-mismatch $V1

# ---------------------------------------------------------------------------
# check / status / dump must not write: same bytes, same mtime, no new files.
readonly_probe() { # readonly_probe LABEL ARGS...
    local label=$1 before after lsb lsa
    shift
    before=$(file_sig app.db)
    lsb=$(ls -A | tr '\n' ' ')
    sleep 0.01
    run "$@"
    after=$(file_sig app.db)
    lsa=$(ls -A | tr '\n' ' ')
    assert_eq "$before" "$after" "$label: db size/mtime/sha unchanged"
    assert_eq "$lsb" "$lsa" "$label: no files created or left behind (-wal/-journal/-shm)"
}

case_ "check never writes (rollback-journal database)"
base ro_rollback
mig migrations $V3 create_tags_table "CREATE TABLE tags (x);" "DROP TABLE tags;"
echo "-- edit" >>migrations/${V1}_create_users_table.sql
sqlite3 app.db "PRAGMA journal_mode=DELETE;" >/dev/null
for args in "check" "check --json" "check --drift" "check --roundtrip" "check --strict --drift --roundtrip --json" "status" "status --json" "dump"; do
    # shellcheck disable=SC2086
    readonly_probe "$args" S $args
done

case_ "drift and roundtrip: each object, which side, column order is info, -v, -q"
cd "$E2E_TMP" && mkdir -p drift_detail && cd drift_detail || exit 2
mig migrations $V1 create_t_table "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);" "DROP TABLE t;"
mig migrations $V2 drop_a "ALTER TABLE t DROP COLUMN a;" "ALTER TABLE t ADD COLUMN a TEXT;"
mig migrations $V3 create_pair_tables "CREATE TABLE pair_a (x);
CREATE TABLE pair_b (x);" "DROP TABLE pair_a;"
mig migrations $V4 create_q_table "CREATE TABLE q (x);" "DROP TABLE nowhere;"
cj 5 --roundtrip
has roundtrip $V2 "another order"
has roundtrip $V3 "pair_b"
has roundtrip $V4 "down fails"
rm migrations/${V3}_*.sql migrations/${V4}_*.sql
expect_exit 0 -- S up -q
expect_exit 0 -- S down -q
sqlite3 app.db "CREATE TABLE hand_made (x);"
cj 5 --drift
has drift "" "table hand_made is in the live database but not in the applied migrations"
has drift "" "another order"
expect_exit 5 -- S check --drift -v
expect_stdout_match "expected: CREATE TABLE t \(id INTEGER PRIMARY KEY, a TEXT, b TEXT\)" "-v prints the definitions"
expect_exit 5 -- S check --drift -q
expect_stdout_match "hand_made"
expect_stdout_nomatch "another order|pending" "-q: errors only"
sqlite3 app.db "DROP TABLE hand_made;"
expect_exit 1 -- S check --drift -q
expect_stdout_empty

case_ "adopting a dbmate database: check --drift is clean after the import"
cd "$E2E_TMP" && mkdir -p adopt_dbmate && cd adopt_dbmate || exit 2
mig migrations 0001 create_users_table "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;"
mig migrations 0002 create_tags_table "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;"
sqlite3 app.db "CREATE TABLE schema_migrations (version varchar(128) primary key); INSERT INTO schema_migrations VALUES ('0001'), ('0099'); CREATE TABLE users (id INTEGER PRIMARY KEY);"
cj 4
has missing-file 0099 "^version 0099 is listed in dbmate's schema_migrations"
sqlite3 app.db "DELETE FROM schema_migrations WHERE version = '0099';"
cj 1 --drift
hasnt drift
expect_exit 0 -- S up
expect_stderr_match "imported 1 version"
cj 0 --drift
hasnt drift
expect_exit 0 -- S status --json
expect_json_true "imported 0001: applied, applied_at null" \
    'd["migrations"][0]["version"] == "0001" and d["migrations"][0]["state"] == "applied" and d["migrations"][0]["applied_at"] is None and d["migrations"][1]["applied_at"] is not None'
expect_exit 0 -- S dump
expect_stdout_nomatch "schema_migrations"
expect_stdout_match "^--   0001 create_users_table"

case_ "adopting a golang-migrate database: check --drift is clean after the import"
cd "$E2E_TMP" && mkdir -p adopt_golang/migrations && cd adopt_golang || exit 2
echo "CREATE TABLE users (id INTEGER PRIMARY KEY);" >migrations/000001_create_users.up.sql
echo "DROP TABLE users;" >migrations/000001_create_users.down.sql
echo "CREATE TABLE tags (id INTEGER PRIMARY KEY);" >migrations/000002_create_tags.up.sql
echo "DROP TABLE tags;" >migrations/000002_create_tags.down.sql
sqlite3 app.db "CREATE TABLE schema_migrations (version uint64, dirty bool); CREATE UNIQUE INDEX version_unique ON schema_migrations (version); INSERT INTO schema_migrations VALUES (1, 0); CREATE TABLE users (id INTEGER PRIMARY KEY);"
cj 1 --drift
hasnt drift
expect_exit 0 -- S up
cj 0 --drift
hasnt drift

case_ "a dirty golang-migrate version: status, up, down and check agree"
cd "$E2E_TMP" && mkdir -p dirty_golang/migrations && cd dirty_golang || exit 2
echo "CREATE TABLE users (id INTEGER PRIMARY KEY);" >migrations/000001_create_users.up.sql
echo "DROP TABLE users;" >migrations/000001_create_users.down.sql
echo "CREATE TABLE tags (id INTEGER PRIMARY KEY);" >migrations/000002_create_tags.up.sql
echo "DROP TABLE tags;" >migrations/000002_create_tags.down.sql
sqlite3 app.db "CREATE TABLE schema_migrations (version uint64, dirty bool); INSERT INTO schema_migrations VALUES (2, 1); CREATE TABLE users (id INTEGER PRIMARY KEY);"
FP=$(db_fingerprint app.db)
expect_exit 0 -- S status
expect_stdout_match "000002 +create_tags +partial \(dirty\)"
expect_stderr_match "dirty"
expect_exit 0 -- S status --json
expect_json_true "dirty 000002 is partial" \
    '[(m["version"], m["state"]) for m in d["migrations"]] == [("000001", "applied"), ("000002", "partial")]'
cj 6
has partial 000002 "golang-migrate left version 000002 dirty"
expect_json_true "the way out is SQL, each statement on its own line" \
    '[f["fix"].splitlines()[1::2] for f in d["findings"] if f["code"] == "partial"] == [["  UPDATE schema_migrations SET dirty = 0 WHERE version = 2;", "  UPDATE schema_migrations SET version = 1, dirty = 0;"]]'
expect_exit 6 -- S check
expect_stdout_match "^to resolve partial 000002:"
expect_stdout_match "^    UPDATE schema_migrations SET dirty = 0 WHERE version = 2;$"
for cmd in "up" "down" "up --dry-run"; do
    # shellcheck disable=SC2086
    expect_exit 6 -- S $cmd
    expect_error_line "version 000002 dirty"
    expect_stderr_match "^strata: hint: either finish .*, then clear the flag:$"
    expect_stderr_match "^strata:         UPDATE schema_migrations SET dirty = 0 WHERE version = 2;$"
    expect_stderr_match "^strata:         UPDATE schema_migrations SET version = 1, dirty = 0;$"
done
assert_eq "$FP" "$(db_fingerprint app.db)" "nothing written while dirty"
sqlite3 app.db "UPDATE schema_migrations SET version = 1, dirty = 0;"
expect_exit 0 -- S up
cj 0 --drift

case_ "check never writes (WAL database)"
base ro_wal
mig migrations $V3 create_tags_table "CREATE TABLE tags (x);" "DROP TABLE tags;"
if [ "$(sqlite3 app.db 'PRAGMA journal_mode=WAL;')" = wal ]; then
    rm -f app.db-wal app.db-shm
    for args in "check" "check --json --drift --roundtrip" "status --json" "dump"; do
        # shellcheck disable=SC2086
        readonly_probe "$args" S $args
        rm -f app.db-wal app.db-shm
    done
else
    fail "could not switch the test database to WAL"
fi

case_ "check/status/dump do not take the migration lock"
base nolock
mig migrations $V3 create_tags_table "CREATE TABLE tags (x);" "DROP TABLE tags;"
if hold_flock app.db; then
    # V3 is pending: check exits 1 (pending only), status and dump 0.
    for spec in "check:1" "check --json:1" "status:0" "dump:0"; do
        args=${spec%:*} want=${spec##*:}
        # shellcheck disable=SC2086
        # With a 60 s lock timeout, a command that waited for the lock would be stopped by run's
        # 30 s timeout (exit 124): answering at all, with the lock still held, is the check.
        run S $args --lock-timeout 60
        assert_eq "$want" "$RC" "$args: exit $want while another process holds the migration lock"
        assert_true "$args answered while the lock was still held" kill -0 "$HOLDER_PID"
    done
    release_flock
else
    fail "could not take a flock on app.db"
fi

e2e_finish
