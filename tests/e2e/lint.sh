#!/usr/bin/env bash
# `strata migrate lint FILE...`: plain SQL from any tool, its engine, the four output formats,
# exit codes, strata:ignore comments, --ddl-lock-timeout (and, on a real PostgreSQL server, that
# the timeout is set: a migration behind a held lock fails at once instead of waiting).
# Usage: bash tests/e2e/lint.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init lint "$@"
cd "$E2E_TMP" || exit 2

# Alembic's offline SQL (`alembic upgrade head --sql`): its own transaction, no dbmate markers.
cat > alembic.sql <<'SQL'
BEGIN;

CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);

-- Running upgrade  -> 1a2b
ALTER TABLE users ADD COLUMN email_verified BOOLEAN DEFAULT random() > 0.5;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
CREATE INDEX ix_users_email ON users (email);
UPDATE alembic_version SET version_num='1a2b';

COMMIT;
SQL

case_ "engine needed"
expect_exit 2 -- "$STRATA" migrate lint alembic.sql
expect_stderr_match "needs the SQL's engine"
expect_exit 2 -- "$STRATA" migrate lint --engine oracle alembic.sql
expect_exit 2 -- "$STRATA" migrate lint --engine postgres missing.sql
expect_stderr_match "missing.sql: no such file"
mkfifo pipe.sql
expect_exit 2 -- "$STRATA" migrate lint --engine postgres pipe.sql
expect_stderr_match "pipe.sql: not a regular file"
# A database URL names the engine; nothing is connected (no server listens there).
expect_exit 0 -- "$STRATA" migrate -d postgres://nobody@127.0.0.1:1/none lint alembic.sql
expect_stdout_match "volatile-default"

case_ "table"
expect_exit 0 -- "$STRATA" migrate lint --engine postgres alembic.sql
expect_stdout_match "^CODE +SEVERITY +FILE +MESSAGE"
expect_stdout_match "volatile-default +warning +alembic.sql:6 "
expect_stdout_match "set-not-null +warning +alembic.sql:7 "
expect_stdout_match "index-without-concurrently +warning +alembic.sql:8 "
expect_stdout_match "no-lock-timeout +warning +alembic.sql:6 "
# Two ALTER TABLE statements that each read all of users (eugene W12): one would read it once.
expect_stdout_match "multiple-alter-table +warning +alembic.sql:7 "
expect_stderr_match "lint: 1 file\(s\), 0 error\(s\), 5 warning\(s\) \(exit 0\)"
# The table created in the file is new: nothing about it.
expect_stdout_nomatch "alembic_version"
expect_exit 3 -- "$STRATA" migrate lint --engine postgres --strict alembic.sql

case_ "json"
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --json alembic.sql
expect_json_true "json shape" 'd["ok"] is True and d["exit_code"] == 0 and sorted(set(d) ) == ["exit_code", "findings", "ok"] and all(set(f) == {"code", "severity", "file", "line", "message"} for f in d["findings"])'
expect_json_true "codes and lines" '[(f["code"], f["line"]) for f in d["findings"]] == [("no-lock-timeout", 6), ("volatile-default", 6), ("set-not-null", 7), ("multiple-alter-table", 7), ("index-without-concurrently", 8)]'
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --format json alembic.sql
expect_json_true "--format json" 'len(d["findings"]) == 5'

case_ "stdin and errors"
run sh -c "printf 'BEGIN;\nALTER TABLE t DROP COLUMN c;\n' | '$STRATA' migrate lint --engine postgres --json -"
assert_eq "$RC" 3 "an unbalanced BEGIN is an error: exit 3"
expect_json_true "stdin findings" '[(f["code"], f["file"], f["line"], f["severity"]) for f in d["findings"]][:1] == [("unbalanced-transaction", "-", 1, "error")]'

case_ "github annotations"
# A quoted name holding a line break and a workflow command: escaped, it starts no command.
printf 'ALTER TABLE "t\n::error file=x::injected" DROP COLUMN c;\n' > evil.sql
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --format github alembic.sql evil.sql
expect_stdout_match "^::warning file=alembic.sql,line=6,title=strata volatile-default::ADD COLUMN email_verified"
expect_stdout_match "^::warning file=evil.sql,line=1,title=strata destructive::DROP COLUMN c of t%0A::error file=x::injected destroys data$"
expect_stdout_nomatch "^::error file=x"
assert_eq "$(printf '%s\n' "$OUT" | grep -vc '^::')" 0 "every line is an annotation"

case_ "sarif"
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --format sarif alembic.sql
expect_json_true "sarif 2.1.0" 'd["version"] == "2.1.0" and d["runs"][0]["tool"]["driver"]["name"] == "strata"'
expect_json_true "sarif results" '[(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in d["runs"][0]["results"]][1] == ("volatile-default", "warning", "alembic.sql", 6)'
expect_json_true "sarif rules" 'sorted(r["id"] for r in d["runs"][0]["tool"]["driver"]["rules"]) == ["index-without-concurrently", "multiple-alter-table", "no-lock-timeout", "set-not-null", "volatile-default"]'

case_ "strata:ignore"
cat > ignored.sql <<'SQL'
SET lock_timeout = '2s';
-- strata:ignore index-without-concurrently lookup holds twelve rows
CREATE INDEX i ON lookup (code);
-- strata:ignore index-without-concurrently
CREATE INDEX j ON users (email);
SQL
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --json ignored.sql
expect_json_true "the reasoned comment silences its statement only" '[(f["code"], f["line"]) for f in d["findings"]] == [("index-without-concurrently", 5), ("ignore-without-reason", 4)]'

case_ "ddl lock timeout"
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --ddl-lock-timeout 2 --json alembic.sql
expect_json_true "no no-lock-timeout when strata sets it" '"no-lock-timeout" not in [f["code"] for f in d["findings"]]'
mkdir proj && printf '[migrate]\nddl_lock_timeout = 2\n' > proj/strata.toml && cp alembic.sql proj/
(cd proj && run "$STRATA" migrate lint --engine postgres --json alembic.sql)
expect_json_true "migrate.ddl_lock_timeout in strata.toml" '"no-lock-timeout" not in [f["code"] for f in d["findings"]]'
expect_exit 2 -- "$STRATA" migrate lint --engine postgres --ddl-lock-timeout -1 alembic.sql

case_ "SQLite's own rules"
printf 'DROP TABLE old;\nBEGIN;\nPRAGMA foreign_keys = OFF;\nCOMMIT;\n' > lite.sql
expect_exit 0 -- "$STRATA" migrate lint --engine sqlite --json lite.sql
expect_json_true "destructive and the PRAGMA in the file's own transaction" '[(f["code"], f["line"], f["severity"]) for f in d["findings"]] == [("pragma-in-transaction", 3, "warning"), ("destructive", 1, "warning")]'
expect_exit 3 -- "$STRATA" migrate lint --engine sqlite --strict lite.sql
printf 'CREATE TABLE t (a int);\nBEGIN;\n' > lite2.sql
expect_exit 3 -- "$STRATA" migrate lint --engine sqlite --json lite2.sql
expect_json_true "a BEGIN never committed is an error" '[(f["code"], f["severity"]) for f in d["findings"]] == [("unbalanced-transaction", "error")]'

case_ "hostile SQL: deep nesting, a password, a superuser"
# 60 KB of `SELECT 1+1+...` (30,000 levels) crashed lint in a copy of libpg_query's tree, 200 KB
# (100,000 levels) inside libpg_query; deep parentheses stop the grammar. Each is said, skipped,
# and the statements after it are linted.
python3 -c 'import sys; sys.stdout.write("SELECT 1" + "+1" * 30000 + ";\nSELECT 1" + "+1" * 100000 + ";\nSELECT " + "(" * 30000 + "1" + ")" * 30000 + ";\nCREATE ROLE admin SUPERUSER PASSWORD '"'"'hunter2'"'"';\n")' > deep.sql
expect_exit 3 -- "$STRATA" migrate lint --engine postgres --json deep.sql
expect_json_true "deep statements skipped, said with their line" '[(f["code"], f["line"], f["severity"]) for f in d["findings"]] == [("server-reach", 4, "error"), ("password-in-migration", 4, "warning"), ("not-linted", 3, "info"), ("not-linted", 1, "info")]'
expect_json_true "the limit is named" '"nested deeper than 32768 levels" in d["findings"][3]["message"] and "2 statement(s)" in d["findings"][3]["message"]'
# Memory follows the largest statement, not the file: 4 MB of ordinary statements.
python3 -c '
import sys
for i in range(40000):
    sys.stdout.write("CREATE TABLE t%d (id bigint PRIMARY KEY, name text);\nALTER TABLE old ADD COLUMN c%d int DEFAULT random();\n" % (i, i))' > big.sql
/usr/bin/time -f '%M' -o big.kb "$STRATA" migrate lint --engine postgres --json big.sql > big.json 2>/dev/null
# Each ALTER of old rewrites it (volatile-default), each after the first a second time (multiple-alter-table).
assert_eq "$(python3 -c 'import json; print(len(json.load(open("big.json"))["findings"]))')" 80000 "two findings per ALTER but the first, and one no-lock-timeout"
# Under a sanitizer the resident size is mostly the sanitizer's (shadow memory, a 256 MB
# quarantine): the bound is checked by the release build's run.
if ldd "$STRATA" 2>/dev/null | grep -q 'libasan\|libtsan'; then
    skip "memory bound not checked under a sanitizer (max RSS $(tail -1 big.kb) KB)"
else
    assert_true "4 MB of SQL linted within 300 MB (was 1 GB): $(tail -1 big.kb) KB" [ "$(tail -1 big.kb)" -lt 307200 ]
fi

case_ "what reaches the whole server: passwords, settings and memberships of its roles and databases"
cat > reach.sql <<'SQL'
ALTER ROLE postgres PASSWORD '${PW}';
ALTER DATABASE app SET search_path = evil, public;
ALTER ROLE app SET session_preload_libraries = 'auto_explain';
GRANT postgres TO app;
CREATE ROLE readers NOLOGIN;
GRANT readers TO app;
ALTER DATABASE app RESET search_path;
SQL
expect_exit 3 -- "$STRATA" migrate lint --engine postgres --json reach.sql
expect_json_true "four server-reach errors, on their lines; the role the file creates is its own" \
    '[(f["code"], f["line"], f["severity"]) for f in d["findings"]] == [("server-reach", n, "error") for n in (1, 2, 3, 4)]'
expect_exit 3 -- "$STRATA" migrate lint --engine postgres reach.sql
expect_stdout_match "GRANT postgres TO app gives every power of postgres"

case_ "the timeout on a real server"
chmod 755 "$E2E_TMP"  # as root the server runs as nobody, which must reach its data directory
start_db_server pg_server.sh "$E2E_TMP/pg"
URL=$(cat "$E2E_TMP/pg/url")
mkdir -p srv/migrations && cd srv || exit 2
mig migrations 1 create_t "CREATE TABLE t (a int);" "DROP TABLE t;"
expect_exit 0 -- "$STRATA" migrate -d "$URL" up -q
mig migrations 2 add_b "ALTER TABLE t ADD COLUMN b int;" "ALTER TABLE t DROP COLUMN b;"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --ddl-lock-timeout 1 up --dry-run
expect_stdout_match "SET lock_timeout = '1000ms'"
# Another session holds the table; the migration gives up after a second, records nothing.
python3 - "$URL" > holder.out 2>&1 <<'PY' &
import subprocess, sys, time
p = subprocess.Popen(["psql", sys.argv[1], "-q"], stdin=subprocess.PIPE, text=True)
p.stdin.write("BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; SELECT pg_sleep(20);\n"); p.stdin.flush()
time.sleep(20)
PY
e2e_bg $!
sleep 1.5
start=$(date +%s)
E2E_CMD_TIMEOUT=15 expect_exit 6 -- "$STRATA" migrate -d "$URL" --ddl-lock-timeout 1 up
expect_stderr_match "lock timeout"
assert_true "gave up within 10 s" [ $(( $(date +%s) - start )) -lt 10 ]
assert_eq "$(psql "$URL" -qAt -c "select count(*) from strata_migrations where version = '2'")" 0 "nothing recorded"

# On a server too: `check` lints each migration with PostgreSQL's rules, and MCP's migrate_check
# runs the same lint in a worker thread of the server.
mkdir -p deepproj/migrations
{ printf -- '-- migrate:up\n'; cat ../deep.sql; printf -- '-- migrate:down\n'; } > deepproj/migrations/1_deep.sql
psql "$URL" -qX -c "CREATE DATABASE deep" >/dev/null
DEEP_URL=${URL%/postgres}/deep
cd deepproj || exit 2
run "$STRATA" migrate -d "$DEEP_URL" check --json
assert_eq "$RC" 3 "check on PostgreSQL: the superuser is an error (exit 3), no crash"
expect_json_true "check reports the deep statements as not linted" '[(f["code"], f["line"]) for f in d["findings"] if f["code"] in ("not-linted", "server-reach", "password-in-migration")] == [("server-reach", 5), ("password-in-migration", 5), ("not-linted", 4), ("not-linted", 2)]'
cat > mcp_check.py <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["E2E_LIB_DIR"])
import mcp_session
from mcp_session import Session, check
mcp_session.STRATA, mcp_session.STORE = sys.argv[1], sys.argv[2]
s = Session()
s.request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
s.call(2, "migrate_check")
r = s.reply(60) or {}
findings = (r.get("result") or {}).get("structuredContent", {}).get("findings", [])
check("migrate_check answers", r.get("id") == 2 and "result" in r, repr(r)[:300])
check("migrate_check: the deep statements not linted, the superuser found",
      sorted(f["code"] for f in findings if f["code"] in ("not-linted", "server-reach")) == ["not-linted", "not-linted", "server-reach"],
      repr(findings)[:600])
r = s.request(3, "ping")
check("the server lives on", r == {"jsonrpc": "2.0", "id": 3, "result": {}}, repr(r))
s.close()
sys.exit(1 if mcp_session.failed else 0)
PY
DATABASE_URL=$DEEP_URL E2E_LIB_DIR=$E2E_LIB_DIR E2E_CMD_TIMEOUT=90 run python3 mcp_check.py "$STRATA" "$E2E_TMP/no-store.db"
report_checks
assert_eq "$RC" 0 "mcp_check.py: $ERR"

e2e_finish
