#!/usr/bin/env bash
# `migrate lint` and `check` on MySQL's ALTER TABLE, against what a real MariaDB does: every case
# of tests/data/lint-cases/mysql_online_ddl.jsonl (but those where strata states its disagreement)
# runs on a fresh database after its setup, written to run online (ALGORITHM=INPLACE, LOCK=NONE);
# strata flags a case exactly when the server refuses that. Then the server judged for: `check`
# with a connected server names its version (it wins over --server-version), `lint` takes
# --server-version and migrate.server_version, and refuses a version that is none.
# Usage: bash tests/e2e/lint_mysql.sh /path/to/strata   (skips, 77, without the MariaDB binaries)
CASES_FILE=$(cd "$(dirname "$0")/../data/lint-cases" && pwd)/mysql_online_ddl.jsonl
. "$(dirname "$0")/lib.sh"
e2e_init lint_mysql "$@"

MYDIR="$E2E_TMP/my"
set +e
start_db_server mariadb_server.sh "$MYDIR"
PORT=$(cat "$MYDIR/port")
BASE="mysql://strata:$(cat "$MYDIR/password")@127.0.0.1:$PORT"
sql() {  # sql DB STATEMENTS: runs them as root; the server's error on stderr
    mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$(cat "$MYDIR/root_password")" -N -B "$1" -e "$2"
}
VERSION=$(sql mysql "SELECT VERSION()")

case_ "each case: strata flags what the server cannot run online"
python3 - "$CASES_FILE" "$E2E_TMP/cases" <<'PY'
import json, os, re, sys
src, out = sys.argv[1], sys.argv[2]
for n, line in enumerate(open(src, encoding="utf-8"), 1):
    c = json.loads(line)
    # Lock cases only; a statement that names its ALGORITHM or LOCK is judged as written; the
    # disagreements are argued.
    if "strata" in c or "alter-copies-table" not in c["codes"] or re.search(r"\b(ALGORITHM|LOCK)\s*=", c["sql"], re.I):
        continue
    d = os.path.join(out, "%02d" % n)
    os.makedirs(d)
    stmt = c["sql"].strip().rstrip(";")
    online = stmt + (" ALGORITHM=INPLACE LOCK=NONE" if stmt.upper().startswith("CREATE") else ", ALGORITHM=INPLACE, LOCK=NONE")
    for name, text in (("setup.sql", c["setup"]), ("case.sql", c["sql"]), ("online.sql", online + ";\n"),
                       ("id", c["id"]), ("codes", " ".join(c["codes"]))):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
PY
checked=0
for d in "$E2E_TMP"/cases/*/; do
    id=$(cat "$d/id")
    db="c$(basename "$d")"
    sql mysql "CREATE DATABASE $db" && sql "$db" "$(cat "$d/setup.sql")" || { fail "$id: the setup does not run"; continue; }
    if sql "$db" "$(cat "$d/online.sql")" 2>"$d/server.err"; then server=ok; else server=flag; fi
    (cd "$d" && "$STRATA" migrate lint --engine mysql --server-version "$VERSION" --json setup.sql case.sql >lint.json)
    strata=$(python3 -c 'import json, sys
codes = open(sys.argv[2]).read().split()
d = json.load(open(sys.argv[1]))
print("flag" if any(f["code"] in codes and f["file"] == "case.sql" and f["severity"] != "info" for f in d["findings"]) else "ok")' "$d/lint.json" "$d/codes")
    assert_eq "$server" "$strata" "$id: the server's verdict ($(head -c 160 "$d/server.err"))"
    checked=$((checked + 1))
done
assert_true "at least 15 cases asked of the server ($checked)" [ "$checked" -ge 15 ]

case_ "check: the connected server's version is the one judged for"
mkdir -p m
printf -- '-- migrate:up\nCREATE TABLE t (id INT PRIMARY KEY, a INT);\n-- migrate:down\nDROP TABLE t;\n' >m/20240101000001_t.sql
printf -- '-- migrate:up\nALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0);\n-- migrate:down\nALTER TABLE t DROP CONSTRAINT a_positive;\n' >m/20240101000002_check.sql
sql mysql "CREATE DATABASE chk"
expect_exit 1 -- "$STRATA" migrate -d "$BASE/chk" --dir m --server-version mysql-5.7 check --json
label="MariaDB $(printf '%s' "$VERSION" | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/')"
expect_json_true "alter-copies-table judged for $label" \
    "[f['line'] for f in d['findings'] if f['code'] == 'alter-copies-table' and '(judged for $label)' in f['message']] == [2]"

case_ "lint: --server-version and migrate.server_version"
printf 'ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0);\n' >add_check.sql
expect_exit 0 -- "$STRATA" migrate lint --engine mysql --server-version mysql-8.0.36 --json add_check.sql
expect_json_true "MySQL 8.0.36 copies the table for it" \
    "[f['code'] for f in d['findings']] == ['alter-copies-table'] and '(judged for MySQL 8.0.36)' in d['findings'][0]['message']"
expect_exit 0 -- "$STRATA" migrate lint --engine mysql --server-version mysql-8.0.15 --json add_check.sql
expect_json_true "MySQL 8.0.15 ignores a CHECK: nothing flagged" "d['findings'] == []"
mkdir -p proj && cp add_check.sql proj/ && printf '[migrate]\nserver_version = "mysql-5.7"\n' >proj/strata.toml
cd proj || exit 1
expect_exit 0 -- "$STRATA" migrate lint --engine mysql --json add_check.sql
cd .. || exit 1
expect_json_true "migrate.server_version mysql-5.7: nothing flagged" "d['findings'] == []"
expect_exit 2 -- "$STRATA" migrate lint --engine mysql --server-version oracle-23 add_check.sql
expect_stderr_match "not a MySQL or MariaDB version: oracle-23"
expect_stderr_match "--server-version"

e2e_finish
