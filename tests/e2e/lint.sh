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
expect_stderr_match "lint: 1 file\(s\), 0 error\(s\), 4 warning\(s\) \(exit 0\)"
# The table created in the file is new: nothing about it.
expect_stdout_nomatch "alembic_version"
expect_exit 3 -- "$STRATA" migrate lint --engine postgres --strict alembic.sql

case_ "json"
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --json alembic.sql
expect_json_true "json shape" 'd["ok"] is True and d["exit_code"] == 0 and sorted(set(d) ) == ["exit_code", "findings", "ok"] and all(set(f) == {"code", "severity", "file", "line", "message"} for f in d["findings"])'
expect_json_true "codes and lines" '[(f["code"], f["line"]) for f in d["findings"]] == [("no-lock-timeout", 6), ("volatile-default", 6), ("set-not-null", 7), ("index-without-concurrently", 8)]'
expect_exit 0 -- "$STRATA" migrate lint --engine postgres --format json alembic.sql
expect_json_true "--format json" 'len(d["findings"]) == 4'

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
expect_json_true "sarif rules" 'sorted(r["id"] for r in d["runs"][0]["tool"]["driver"]["rules"]) == ["index-without-concurrently", "no-lock-timeout", "set-not-null", "volatile-default"]'

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

e2e_finish
