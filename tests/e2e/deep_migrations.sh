#!/usr/bin/env bash
# Migration files nested deeper than any reader follows (a pull request's, a repository `strata
# mcp` serves): thousands of parentheses, CASEs and subselects, and a Drizzle journal a million
# levels deep (which ended check, status and strata mcp's migration tools with SIGSEGV). `migrate check`, `lint` and `diff`
# on the CLI, and `strata mcp`'s migrate_check tool, answer with a finding or an error naming the
# file and line, never a crash; the MCP server goes on answering after the call.
# Usage: bash tests/e2e/deep_migrations.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init deep_migrations "$@"

cd "$E2E_TMP" || exit 2
# deep KIND LEVELS: one statement nested LEVELS deep.
deep() {
    python3 - "$1" "$2" <<'PY'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
if kind == "parens":
    print("SELECT " + "(" * n + "1" + ")" * n + ";")
elif kind == "case":
    print("SELECT " + "CASE WHEN 1=1 THEN " * n + "1" + " END" * n + ";")
elif kind == "subselect":
    print("SELECT " + "(SELECT " * n + "1" + ")" * n + ";")
elif kind == "check":
    print("CREATE TABLE d (a int CHECK (" + "(" * n + "a > 0" + ")" * n + "));")
PY
}

# no_crash DESC: the last command (RC, $E2E_TMP/.err) ended by itself, with no internal error.
no_crash() {
    if [ "$RC" -ge 128 ] || grep -q 'internal error' "$E2E_TMP/.err"; then
        fail "$1: exit $RC: $(head -c 300 "$E2E_TMP/.err")"
    else
        pass "$1: exit $RC"
    fi
}

for engine in sqlite postgres mysql; do
    for kind in parens case subselect check; do
        for levels in 3000 100000; do
            dir=proj-$engine-$kind-$levels
            mkdir -p "$dir/.git" "$dir/migrations"
            {
                printf -- '-- migrate:up\nCREATE TABLE t (x int);\n'
                deep "$kind" "$levels"
                printf -- '-- migrate:down\nDROP TABLE t;\n'
            } >"$dir/migrations/1_deep.sql"
        done
    done
done

case_ "migrate lint: a finding or an error naming the file, never a crash"
for engine in sqlite postgres mysql; do
    for kind in parens case subselect check; do
        for levels in 3000 100000; do
            f=proj-$engine-$kind-$levels/migrations/1_deep.sql
            run "$STRATA" migrate lint --engine "$engine" --format json "$f"
            no_crash "lint $engine $kind $levels"
        done
    done
done

case_ "migrate check: a finding or an error naming the file, never a crash"
for kind in parens case subselect check; do
    for levels in 3000 100000; do
        dir=proj-sqlite-$kind-$levels
        cd "$dir" || exit 2
        E2E_CMD_TIMEOUT=60 run "$STRATA" migrate -d sqlite:app.db check --json
        no_crash "check sqlite $kind $levels"
        E2E_CMD_TIMEOUT=60 run "$STRATA" migrate -d sqlite:app.db check --roundtrip --json
        no_crash "check --roundtrip sqlite $kind $levels"
        cd "$E2E_TMP" || exit 2
    done
done

case_ "migrate diff: the desired schema nested too deep is an error naming the file, never a crash"
for kind in parens case subselect check; do
    for levels in 3000 100000; do
        dir=proj-sqlite-$kind-$levels
        deep "$kind" "$levels" >"$dir/want.sql"
        cd "$dir" || exit 2
        E2E_CMD_TIMEOUT=60 run "$STRATA" migrate -d sqlite:app.db diff more --to want.sql --dry-run
        no_crash "diff sqlite $kind $levels"
        cd "$E2E_TMP" || exit 2
    done
done

case_ "strata mcp: migrate_check on a deep file answers, and the server goes on"
cat >mcp_deep.py <<'PY'
import os, sys
sys.path.insert(0, os.environ["E2E_LIB_DIR"])
import mcp_session
from mcp_session import Session, check
mcp_session.STRATA, mcp_session.STORE = sys.argv[1], sys.argv[2]
s = Session()
r = s.request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})
check("initialize", isinstance(r, dict) and "result" in r, repr(r)[:200])
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
for i in range(2):
    s.call(10 + i, "migrate_check")
    r = s.reply(60) or {}
    check("migrate_check %d answers" % i, r.get("id") == 10 + i and "result" in r, repr(r)[:300])
r = s.request(3, "ping")
check("the server lives on", r == {"jsonrpc": "2.0", "id": 3, "result": {}}, repr(r)[:200])
rc, _, err = s.close()
check("exit 0 at end of input", rc == 0, "rc %s: %s" % (rc, err[-300:]))
sys.exit(1 if mcp_session.failed else 0)
PY
for kind in parens case subselect check; do
    for levels in 3000 100000; do
        dir=proj-sqlite-$kind-$levels
        cd "$dir" || exit 2
        DATABASE_URL=sqlite:app.db E2E_LIB_DIR=$E2E_LIB_DIR E2E_CMD_TIMEOUT=120 run python3 ../mcp_deep.py "$STRATA" "$E2E_TMP/no-store.db"
        report_checks "$kind $levels: "
        assert_eq 0 "$RC" "mcp sqlite $kind $levels: $ERR"
        cd "$E2E_TMP" || exit 2
    done
done

case_ "a Drizzle journal nested a million levels deep: an error naming it, on the CLI and over MCP"
cd "$E2E_TMP" || exit 2
mkdir -p drizzle-deep/drizzle/meta drizzle-deep/.git
python3 -c 'import sys; sys.stdout.write("{\"entries\": [" + "[" * 1000000 + "]" * 1000000 + "]}")' >drizzle-deep/drizzle/meta/_journal.json
printf 'CREATE TABLE t (x int);\n' >drizzle-deep/drizzle/0000_init.sql
cd drizzle-deep || exit 2
for sub in check status; do
    expect_exit 3 -- "$STRATA" migrate -d sqlite:app.db "$sub"
    expect_error_line "meta/_journal\.json: not a Drizzle journal \(JSON nested deeper than 32 levels\)"
done
DATABASE_URL=sqlite:app.db E2E_LIB_DIR=$E2E_LIB_DIR E2E_CMD_TIMEOUT=120 run python3 ../mcp_deep.py "$STRATA" "$E2E_TMP/no-store.db"
report_checks "drizzle journal: "
assert_eq 0 "$RC" "mcp on a deep Drizzle journal: $ERR"
cd "$E2E_TMP" || exit 2

e2e_finish
