# shellcheck shell=bash
# Shared helpers for strata end-to-end tests.
#
# Usage inside a test:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init <name> "$@"          # $1 of the test = path to the strata binary
#   case_ "what is being tested"
#   expect_exit 0 -- "$STRATA" migrate up
#   expect_stderr_match 'applied 2024'
#   ...
#   e2e_finish                      # prints "<name>: N passed, M failed", exits 0/1
#
# Environment knobs:
#   LONG=1            longer trial runs (used by trial_*.sh)
#   E2E_VERBOSE=1     print every case name and passing check
#   E2E_KEEP=1        keep the scratch directory (path printed at exit)
#   E2E_CMD_TIMEOUT   per-command timeout in seconds (default 30)

# Where this file is (tests/e2e), read while the test still runs in the directory it was started from.
E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

set -u

E2E_PASSED=0
E2E_FAILED=0
E2E_CASE="(setup)"
E2E_NAME="e2e"
E2E_TMP=""
E2E_BG_PIDS=""
E2E_CLEANUP_CMDS=()
# e2e_own_network FLAGS "$@" (FLAGS: -rn, or -rnm for a mount namespace too): runs the calling
# script again inside a network namespace of its own (unshare FLAGS, loopback up), so that even a
# failing check sends nothing off the machine. STRATA_WEB_NETNS is 1 inside, 0 where namespaces
# are unavailable (the script then runs as it is, and says what it skips).
e2e_own_network() {
    local flags=$1
    shift
    [ -n "${STRATA_WEB_NETNS:-}" ] && return 0
    if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 && unshare "$flags" true 2>/dev/null; then
        export STRATA_WEB_NETNS=1
        exec unshare "$flags" bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
    fi
    export STRATA_WEB_NETNS=0
}

RC=0
OUT=""
ERR=""
E2E_CMD=""

e2e_init() {
    E2E_NAME=$1
    shift
    local bin=${1:-}
    if [ -z "$bin" ]; then
        echo "usage: bash $0 /path/to/strata" >&2
        exit 2
    fi
    case "$bin" in
        /*) STRATA=$bin ;;
        *) STRATA=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
    esac
    if [ ! -x "$STRATA" ]; then
        echo "$E2E_NAME: strata binary not found or not executable: $STRATA" >&2
        exit 2
    fi
    for tool in sqlite3 python3 timeout sha256sum; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "$E2E_NAME: required tool missing: $tool" >&2
            exit 2
        fi
    done
    E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-e2e-$E2E_NAME.XXXXXX")
    # The user's own config folder (the user file, the trust file strata trust writes) is the
    # test's, never the machine's: a test that wants one of its own sets XDG_CONFIG_HOME again.
    export XDG_CONFIG_HOME="$E2E_TMP/.user-config"
    # Likewise the user's state folder (ask's key, `strata logs off`, chat's history).
    export XDG_STATE_HOME="$E2E_TMP/.user-state"
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM
    # Work on a private copy so a rebuild of the binary during the run
    # ("text file busy") cannot make a test fail. E2E_NO_COPY=1 disables it.
    if [ "${E2E_NO_COPY:-0}" != 1 ]; then
        mkdir -p "$E2E_TMP/.bin"
        cp "$STRATA" "$E2E_TMP/.bin/strata" || exit 2
        STRATA="$E2E_TMP/.bin/strata"
    fi
    export STRATA
    cd "$E2E_TMP" || exit 2
    # A clean, predictable environment for the binary.
    unset DATABASE_URL STRATA_MIGRATIONS_DIR
    # One canary API key for the whole suite: every script runs with it, and tests that look
    # for leaks (canary.sh, bad_input_catalogue.sh, ask.sh, embed.sh) must find it nowhere.
    export STRATA_CANARY_KEY="sk-strata-canary-7Qf3Zx9Lm2Wc8Rt5Yh1Kd4Np6Vb0Gs3J"
    export OPENAI_API_KEY=$STRATA_CANARY_KEY ANTHROPIC_API_KEY=$STRATA_CANARY_KEY
    export NO_COLOR=1
    export TZ=UTC
    export LC_ALL=C
}

e2e_cleanup() {
    local rc=$?
    local p c
    for p in $E2E_BG_PIDS; do
        kill -9 "$p" 2>/dev/null
    done
    for c in "${E2E_CLEANUP_CMDS[@]+"${E2E_CLEANUP_CMDS[@]}"}"; do
        eval "$c" >/dev/null 2>&1
    done
    cd / || true
    if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
        if [ "${E2E_KEEP:-0}" = 1 ]; then
            echo "$E2E_NAME: scratch directory kept: $E2E_TMP" >&2
        else
            chmod -R u+rwX "$E2E_TMP" 2>/dev/null
            rm -rf "$E2E_TMP"
        fi
    fi
    return $rc
}

# Register a background pid to be killed at exit.
e2e_bg() { E2E_BG_PIDS="$E2E_BG_PIDS $1"; }
# serve_up LISTEN [FLAGS...]: `strata serve --listen LISTEN FLAGS` in the
# background (stderr in $E2E_TMP/serve.err), waited for until it announces its address: SERVE_PID,
# PORT and BASE (its scheme, on 127.0.0.1 whatever address it listens on). The serve_* scripts'.
serve_up() {
    local listen=$1 i line scheme
    shift
    : >"$E2E_TMP/serve.err"
    "$STRATA" serve --listen "$listen" "$@" 2>"$E2E_TMP/serve.err" &
    SERVE_PID=$!
    e2e_bg "$SERVE_PID"
    for i in $(seq 1 200); do
        grep -q 'listening on ' "$E2E_TMP/serve.err" && break
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.05
    done
    line=$(grep -m1 -o 'listening on https\?://[^ ]*' "$E2E_TMP/serve.err" || true)
    PORT=${line##*:}
    scheme=${line#listening on }
    scheme=${scheme%%://*}
    BASE="$scheme://127.0.0.1:$PORT"
    [ -n "$line" ] || fail "no address announced: $(cat "$E2E_TMP/serve.err")"
}
# http_req METHOD PATH [CURL ARGS...]: curl to serve_up's $BASE; STATUS and BODY (the raw bytes
# in $E2E_TMP/body). expect_http STATUS WHAT: asserts STATUS, showing the body when it differs.
http_req() {
    local method=$1 path=$2
    shift 2
    STATUS=$(curl -sS -o "$E2E_TMP/body" -w '%{http_code}' -X "$method" "$@" "$BASE$path" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
}
expect_http() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }
# job_wait ID [SECONDS] [CURL ARGS...]: polls GET /api/v1/jobs/ID on serve_up's $BASE until the job
# has ended (succeeded, failed or cancelled) or SECONDS (default 60) pass; the job's JSON in
# $E2E_TMP/job and JOB_STATUS (its status; "timeout" when it had not ended).
job_wait() {
    local id=$1 seconds=${2:-60}
    shift 2 2>/dev/null || shift $#
    local deadline=$((SECONDS + seconds))
    JOB_STATUS=timeout
    while [ "$SECONDS" -le "$deadline" ]; do
        curl -sS -o "$E2E_TMP/job" "$@" "$BASE/api/v1/jobs/$id" 2>/dev/null
        local s
        s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status",""))' "$E2E_TMP/job" 2>/dev/null)
        case "$s" in succeeded|failed|cancelled) JOB_STATUS=$s; return 0 ;; esac
        sleep 0.2
    done
    return 0
}
# job_field EXPR: a Python expression over the last job_wait's job `j`, printed.
job_field() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$E2E_TMP/job"; }
# serve_down: SIGTERM to serve_up's server, then its exit code in STOP_RC.
serve_down() {
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID"
    STOP_RC=$?
}
# Register a shell command to run at exit (e.g. undo chattr +i).
e2e_on_exit() { E2E_CLEANUP_CMDS+=("$1"); }

case_() {
    E2E_CASE=$1
    if [ "${E2E_VERBOSE:-0}" = 1 ]; then
        echo "== $E2E_CASE"
    fi
}

note() { echo "$E2E_NAME: [$E2E_CASE] note: $*"; }
skip() { echo "$E2E_NAME: [$E2E_CASE] SKIP: $*"; }

_e2e_indent() { sed -e 's/^/      | /' | head -n "${1:-25}"; }

pass() {
    E2E_PASSED=$((E2E_PASSED + 1))
    if [ "${E2E_VERBOSE:-0}" = 1 ]; then
        echo "   ok: $*"
    fi
    return 0
}

# fail MESSAGE  -- reports the current case, the last command and its output.
fail() {
    E2E_FAILED=$((E2E_FAILED + 1))
    echo "FAIL $E2E_NAME [$E2E_CASE]: $*"
    if [ -n "$E2E_CMD" ]; then
        echo "      last command: $E2E_CMD"
        echo "      exit code: $RC"
        if [ -s "$E2E_TMP/.out" ]; then
            echo "      stdout:"
            _e2e_indent 25 <"$E2E_TMP/.out"
        fi
        if [ -s "$E2E_TMP/.err" ]; then
            echo "      stderr:"
            _e2e_indent 25 <"$E2E_TMP/.err"
        fi
    fi
    return 1
}

e2e_finish() {
    echo "$E2E_NAME: $E2E_PASSED passed, $E2E_FAILED failed"
    if [ "$E2E_FAILED" -ne 0 ]; then
        exit 1
    fi
    exit 0
}

# --------------------------------------------------------------------------
# npm packages for tests (MCP clients and servers), pinned, installed into a folder of the build
# directory (of $STRATA_TEST_PACKAGES when set: CI's builds share one) and kept between runs: npm_install_pinned DIR PACKAGE@VERSION...  (returns 1 on failure,
# npm's log on stderr). Never a global install.
npm_install_pinned() {
    local dir=$1
    shift
    local marker
    marker="$dir/.installed-$(printf '%s' "$*" | tr -c 'A-Za-z0-9.' '_')"
    [ -f "$marker" ] && return 0
    command -v npm >/dev/null 2>&1 || return 1
    mkdir -p "$dir" || return 1
    # Two tests running at once may share a folder (mcp.sh and serve_mcp.sh share mcp-clients/;
    # CI shares every folder between its builds through STRATA_TEST_PACKAGES): one npm at a
    # time in it, the second finding the first's marker.
    (
        flock -w 900 9 || exit 1
        [ -f "$marker" ] && exit 0
        [ -f "$dir/package.json" ] || printf '{"name":"strata-test-packages","private":true}\n' >"$dir/package.json"
        (cd "$dir" && timeout 600 npm install --no-audit --no-fund --save-exact --loglevel=error "$@" >npm.log 2>&1) || {
            cat "$dir/npm.log" >&2
            exit 1
        }
        touch "$marker"
    ) 9>"$dir/.npm-lock"
}

# The Node the MCP inspector and the conformance suite need (22; Debian 12's nodejs is 18, which
# lacks CustomEvent): npm's `node` package at this version, installed with npm_install_pinned
# beside a test's other packages; its binary is then DIR/node_modules/.bin/node.
NODE22_VERSION=22.23.3

# report_checks [PREFIX]: $OUT's lines "ok NAME", "FAIL NAME: why" and "note TEXT" (tests/e2e/
# mcp_session.py's check, the MCP clients' scripts) as passes, failures and notes.
report_checks() {
    while IFS= read -r line; do
        case $line in
            "ok "*) pass "${1-}${line#ok }" ;;
            "FAIL "*) fail "${1-}${line#FAIL }" ;;
            "note "*) note "${line#note }" ;;
        esac
    done <<<"$OUT"
}

# strata mcp's migration tools against a database server whose history table another session
# holds locked (postgres.sh, mysql.sh): mcp_project URL makes the project mcpproj/ with one
# migration applied to URL; the caller then locks the table, and mcp_locked_history URL MESSAGE
# runs tests/e2e/mcp_database.py there (the database from $DATABASE_URL, as a user's environment
# gives it). MESSAGE: what the server says when its lock wait ends the call.
mcp_project() {
    rm -rf mcpproj && mkdir -p mcpproj
    mig mcpproj/migrations 1 one "CREATE TABLE one (id int);" "DROP TABLE one;"
    expect_exit 0 -- "$STRATA" migrate -d "$1" --dir mcpproj/migrations up
}
mcp_locked_history() {
    DATABASE_URL=$1 E2E_CMD_TIMEOUT=90 run python3 "$E2E_LIB_DIR/mcp_database.py" "$STRATA" "$E2E_TMP/no-store.db" "$E2E_TMP/mcpproj" configured
    report_checks
    [ "$RC" = 0 ] || fail "mcp_database.py exited $RC: $ERR"
    printf '%s\n' "$OUT" | grep -q "$2" || fail "the lock's wait did not end the call ($2): $OUT"
}

# --------------------------------------------------------------------------
# Running commands

# run CMD...   runs with stdin=/dev/null; sets RC, OUT, ERR.
run() {
    E2E_CMD=$(printf '%q ' "$@")
    E2E_CMD=${E2E_CMD% }
    if [ "$(type -t "$1")" = function ]; then
        # shell functions cannot be run under timeout(1); run them directly
        "$@" >"$E2E_TMP/.out" 2>"$E2E_TMP/.err" </dev/null
    else
        timeout -k 5 "${E2E_CMD_TIMEOUT:-30}" "$@" >"$E2E_TMP/.out" 2>"$E2E_TMP/.err" </dev/null
    fi
    RC=$?
    OUT=$(cat "$E2E_TMP/.out")
    ERR=$(cat "$E2E_TMP/.err")
    if [ "$RC" = 124 ]; then
        echo "$E2E_NAME: [$E2E_CASE] command timed out after ${E2E_CMD_TIMEOUT:-30}s: $E2E_CMD" >&2
    fi
    return 0
}

# expect_exit CODE -- CMD...
expect_exit() {
    local want=$1
    shift
    [ "${1:-}" = "--" ] && shift
    run "$@"
    if [ "$RC" = "$want" ]; then
        pass "exit $want: $E2E_CMD"
    else
        fail "expected exit $want, got $RC"
    fi
}

expect_stderr_match() {
    if grep -Eq -- "$1" "$E2E_TMP/.err"; then
        pass "stderr ~ /$1/"
    else
        fail "stderr does not match /$1/${2:+ ($2)}"
    fi
}

expect_stderr_nomatch() {
    if grep -Eq -- "$1" "$E2E_TMP/.err"; then
        fail "stderr unexpectedly matches /$1/${2:+ ($2)}"
    else
        pass "stderr !~ /$1/"
    fi
}

expect_stdout_match() {
    if grep -Eq -- "$1" "$E2E_TMP/.out"; then
        pass "stdout ~ /$1/"
    else
        fail "stdout does not match /$1/${2:+ ($2)}"
    fi
}

expect_stdout_nomatch() {
    if grep -Eq -- "$1" "$E2E_TMP/.out"; then
        fail "stdout unexpectedly matches /$1/${2:+ ($2)}"
    else
        pass "stdout !~ /$1/"
    fi
}

# stdout or stderr matches
expect_output_match() {
    if cat "$E2E_TMP/.out" "$E2E_TMP/.err" | grep -Eq -- "$1"; then
        pass "output ~ /$1/"
    else
        fail "neither stdout nor stderr matches /$1/${2:+ ($2)}"
    fi
}

# neither stdout nor stderr matches
expect_output_nomatch() {
    if cat "$E2E_TMP/.out" "$E2E_TMP/.err" | grep -Eq -- "$1"; then
        fail "the output unexpectedly matches /$1/${2:+ ($2)}"
    else
        pass "output !~ /$1/"
    fi
}

expect_stderr_empty() {
    if [ -s "$E2E_TMP/.err" ]; then
        fail "stderr is not empty"
    else
        pass "stderr empty"
    fi
}

expect_stdout_empty() {
    if [ -s "$E2E_TMP/.out" ]; then
        fail "stdout is not empty"
    else
        pass "stdout empty"
    fi
}

# expect_error_line [REGEX...]
# stderr must contain exactly one line starting "strata: error: "; every other
# line must start with "strata: hint: " (or continue the hint: "strata:" and
# spaces). Each REGEX must match the error line.
expect_error_line() {
    local n_err n_other line re ok=1
    n_err=$(grep -c '^strata: error: ' "$E2E_TMP/.err")
    n_other=$(grep -vc -e '^strata: error: ' -e '^strata: hint: ' -e '^strata:       ' "$E2E_TMP/.err")
    if [ "$n_err" != 1 ]; then
        fail "expected exactly one 'strata: error:' line on stderr, found $n_err"
        return 1
    fi
    if [ "$n_other" != 0 ]; then
        fail "stderr has $n_other line(s) that are neither 'strata: error:' nor 'strata: hint:'"
        return 1
    fi
    line=$(grep '^strata: error: ' "$E2E_TMP/.err")
    for re in "$@"; do
        if ! printf '%s\n' "$line" | grep -Eq -- "$re"; then
            fail "error line does not match /$re/"
            ok=0
        fi
    done
    [ $ok = 1 ] && pass "one error line${*:+ matching $*}"
    [ $ok = 1 ]
}

# assert_eq EXPECTED ACTUAL DESCRIPTION
assert_eq() {
    if [ "$1" = "$2" ]; then
        pass "$3"
    else
        fail "$3: expected [$1], got [$2]"
    fi
}

assert_ne() {
    if [ "$1" != "$2" ]; then
        pass "$3"
    else
        fail "$3: both are [$1]"
    fi
}

# assert_true DESCRIPTION CMD...  (CMD output suppressed)
assert_true() {
    local d=$1
    shift
    if "$@" >/dev/null 2>&1; then
        pass "$d"
    else
        fail "$d"
    fi
}

assert_false() {
    local d=$1
    shift
    if "$@" >/dev/null 2>&1; then
        fail "$d"
    else
        pass "$d"
    fi
}

assert_exists() { if [ -e "$1" ]; then pass "exists: $1"; else fail "file should exist: $1"; fi; }
assert_absent() { if [ -e "$1" ]; then fail "file should not exist: $1"; else pass "absent: $1"; fi; }

# --------------------------------------------------------------------------
# on_pty STREAM COLS OTHERFILE CMD...: CMD with STREAM (stdout, stderr, or both) on a
# pseudo-terminal COLS columns wide (0: the default size) and the other stream to OTHERFILE
# (unused for both); what the terminal received is printed on stdout. Returns CMD's exit code.
# Standard input is /dev/null, or the file $ON_PTY_STDIN names.
on_pty() {
    python3 - "$@" <<'PY'
import fcntl, os, pty, struct, subprocess, sys, termios
stream, cols, other, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
master, slave = pty.openpty()
if cols > 0:
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
with open(other, "wb") as o:
    out, err = (slave, slave) if stream == "both" else (slave, o) if stream == "stdout" else (o, slave)
    stdin = open(os.environ["ON_PTY_STDIN"], "rb") if os.environ.get("ON_PTY_STDIN") else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
sys.exit(p.wait())
PY
}

# answer_on_pty ANSWER CMD...: runs CMD on a terminal (stdin, stdout and stderr), types ANSWER
# at the first question that ends in "[y/N] ", prints what the terminal showed; its exit code
# is CMD's.
answer_on_pty() {
    python3 - "$@" <<'PY'
import os, pty, subprocess, sys, time
answer, cmd = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave)
os.close(slave)
seen, answered, deadline = b"", False, time.time() + 20
while time.time() < deadline:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not answered and b"[y/N] " in seen:
        os.write(master, answer.encode() + b"\n")
        answered = True
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(p.wait())
PY
}

# first_source: the source of the first hit of the last `--json` search (JSON lines in $OUT).
first_source() { printf '%s\n' "$OUT" | head -n1 | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["source"])'; }

# --------------------------------------------------------------------------
# Database helpers (sqlite3 CLI, read-only where possible)

# db_q DB SQL    query read-only, '|' separated, no headers
db_q() {
    sqlite3 -readonly -batch -noheader "$1" "$2" 2>&1
}

# db_q_rw DB SQL  (needed when a hot journal must be recovered, e.g. after kill -9)
db_q_rw() {
    sqlite3 -batch -noheader "$1" "$2" 2>&1
}

# db_schema DB   normalised list of schema objects (type|name|tbl_name|sql), sorted
db_schema() {
    if [ ! -e "$1" ]; then
        echo "ABSENT"
        return
    fi
    sqlite3 -readonly -batch -noheader "$1" \
        "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name" 2>&1
}

# db_user_schema DB [HISTORY_TABLE]  like db_schema, without the history table
# and with whitespace in the SQL collapsed (for dump round trips).
db_user_schema() {
    local hist=${2:-strata_migrations}
    if [ ! -e "$1" ]; then
        echo "ABSENT"
        return
    fi
    sqlite3 -readonly -batch -noheader "$1" \
        "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> '$hist' AND sql IS NOT NULL
         ORDER BY type, name" 2>&1 | tr -s ' \t\n' ' '
}

# db_fingerprint DB   hash of the full logical content (schema + all rows)
db_fingerprint() {
    if [ ! -e "$1" ]; then
        echo "ABSENT"
        return
    fi
    sqlite3 -readonly -batch "$1" .dump 2>&1 | sha256sum | cut -c1-16
}

# file_sig FILE   size + mtime(ns) + sha256 of the raw bytes
file_sig() {
    if [ ! -e "$1" ]; then
        echo "ABSENT"
        return
    fi
    echo "$(stat -c '%s %.9Y' "$1" 2>/dev/null || stat -c '%s %Y' "$1") $(sha256sum <"$1" | cut -c1-16)"
}

file_sha() {
    if [ ! -e "$1" ]; then
        echo "ABSENT"
        return
    fi
    sha256sum <"$1" | cut -c1-64
}

# history_versions DB [TABLE]  applied versions, one per line, ascending
history_versions() {
    local t=${2:-strata_migrations}
    sqlite3 -readonly -batch -noheader "$1" "SELECT version FROM \"$t\" ORDER BY version" 2>/dev/null
}

history_count() {
    local t=${2:-strata_migrations}
    local n
    n=$(sqlite3 -readonly -batch -noheader "$1" "SELECT count(*) FROM \"$t\"" 2>/dev/null) || n=0
    echo "${n:-0}"
}

# table_exists DB NAME
table_exists() {
    [ "$(sqlite3 -readonly -batch -noheader "$1" \
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$2'" 2>/dev/null)" = 1 ]
}

# --------------------------------------------------------------------------
# JSON helpers (python3)

# json_eval EXPR   evaluates EXPR with d = json.loads($OUT); prints result
json_eval() {
    printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
if isinstance(r, bool):
    print("true" if r else "false")
elif isinstance(r, (list, dict)):
    print(json.dumps(r, sort_keys=True))
else:
    print(r)
' "$1" 2>&1
}

# expect_json_true DESCRIPTION PY_EXPR   (d is the parsed stdout of the last command)
expect_json_true() {
    local r
    r=$(json_eval "$2")
    if [ "$r" = true ]; then
        pass "$1"
    else
        fail "$1: python check [$2] gave: $r"
    fi
}

# no_password_in_output: the last command printed $PASSWORD (the test server's) nowhere.
no_password_in_output() {
    if grep -Fq -- "$PASSWORD" "$E2E_TMP/.out" "$E2E_TMP/.err"; then
        fail "the password appears in the output"
    else
        pass "no password in the output"
    fi
}

# start_db_server SCRIPT DIR: starts a database server for the test with tests/servers/SCRIPT
# (pg_server.sh, mariadb_server.sh) in DIR, stopped when the test ends; the test is skipped
# (exit 77) when the server's binaries are absent, and fails when the server cannot start.
start_db_server() {
    local script rc
    script="$E2E_LIB_DIR/../servers/$1"
    bash "$script" start "$2" 2>"$E2E_TMP/server.err"
    rc=$?
    if [ $rc = 77 ]; then
        echo "$E2E_NAME: SKIP: $(cat "$E2E_TMP/server.err")"
        exit 77
    fi
    [ $rc = 0 ] || { echo "$E2E_NAME: cannot start the test server: $(cat "$E2E_TMP/server.err")"; exit 1; }
    e2e_on_exit "bash '$script' stop '$2'"
}

# start_test_pg: a PostgreSQL server for the test in $E2E_TMP/pg (start_db_server: skips with 77
# without the server binaries), stopped when the test ends; sets PGDIR, SERVER_URL (its postgres
# database, as user postgres), PASSWORD and BASE (SERVER_URL without the database), and turns
# `set -e` off as the database tests run.
start_test_pg() {
    PGDIR="$E2E_TMP/pg"
    chmod 755 "$E2E_TMP"  # as root the server runs as nobody, which must reach its data directory
    set +e
    start_db_server pg_server.sh "$PGDIR"
    SERVER_URL=$(cat "$PGDIR/url")
    PASSWORD=$(cat "$PGDIR/password")
    BASE=${SERVER_URL%/postgres}
}

# --------------------------------------------------------------------------
# Migration file helpers

# mig DIR VERSION NAME UP_SQL [DOWN_SQL]
# Writes DIR/VERSION_NAME.sql in dbmate format. If DOWN_SQL is the literal
# string "-" the down section is omitted entirely.
mig() {
    local dir=$1 v=$2 n=$3 up=$4 down=${5-}
    mkdir -p "$dir"
    {
        echo "-- migrate:up"
        printf '%s\n' "$up"
        if [ "$down" != "-" ]; then
            echo
            echo "-- migrate:down"
            printf '%s\n' "$down"
        fi
    } >"$dir/${v}_${n}.sql"
}

utc_now() { date -u +%Y%m%d%H%M%S; }

# strata_t ARGS...  run the binary under timeout; records the real command line
# (use inside per-test wrapper functions so failure reports show real argv).
strata_t() {
    E2E_CMD="$(printf '%q ' strata "$@")"
    E2E_CMD="(cwd ${PWD#"$E2E_TMP"/}) ${E2E_CMD% }"
    timeout -k 5 "${E2E_CMD_TIMEOUT:-30}" "$STRATA" "$@"
}

# hold_flock FILE: start a background process holding an exclusive flock on
# FILE (the lock `strata migrate up` takes); sets HOLDER_PID. Release with
# release_flock.
hold_flock() {
    rm -f "$E2E_TMP/.flock_ready"
    python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)
' "$1" "$E2E_TMP/.flock_ready" &
    HOLDER_PID=$!
    e2e_bg "$HOLDER_PID"
    local _
    for _ in $(seq 1 100); do
        [ -e "$E2E_TMP/.flock_ready" ] && return 0
        sleep 0.02
    done
    return 1
}
release_flock() {
    kill -9 "$HOLDER_PID" 2>/dev/null
    wait "$HOLDER_PID" 2>/dev/null
    return 0
}

# elapsed_ms CMD...: like run, and sets MS to the wall time in milliseconds
run_timed() {
    local t0 t1
    t0=$(date +%s%N)
    run "$@"
    t1=$(date +%s%N)
    MS=$(((t1 - t0) / 1000000))
}

# as_nobody CMD...: run CMD as an unprivileged user (root only, needs setpriv).
# Returns 125 when that is not possible.
can_drop_root() {
    [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1
}
as_nobody() {
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
}

# --------------------------------------------------------------------------
# Fault trials

# in_private_mounts SCRIPT ARGS...: as root, re-runs SCRIPT in a private mount namespace
# (unshare), so the mounts a trial makes (tmpfs, read-only binds) vanish with it. Call before
# e2e_init; returns (and the script runs as it is) when that is not possible.
in_private_mounts() {
    if [ "${STRATA_TRIAL_NS:-0}" != 1 ] && [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
        STRATA_TRIAL_NS=1 exec unshare -m --propagation private bash "$@"
    fi
}

# kill9_after MS CMD...: runs CMD in the background and kills it with SIGKILL after MS
# milliseconds. Sets KILLED (1 when it was still running) and KILL_RC (its exit status).
kill9_after() {
    local ms=$1 pid
    shift
    "$@" >"$E2E_TMP/.kill.out" 2>"$E2E_TMP/.kill.err" </dev/null &
    pid=$!
    e2e_bg "$pid"
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then KILLED=1; else KILLED=0; fi
    wait "$pid" 2>/dev/null
    KILL_RC=$?
}

# start_together N CMD...: N processes of CMD released at the same moment; waits for all.
# Process p's output is in out.p and err.p; fails the case for each one that did not exit 0.
start_together() {
    local n=$1 p rc pids=()
    shift
    rm -f "$E2E_TMP/.go"
    for p in $(seq 1 "$n"); do
        (while [ ! -e "$E2E_TMP/.go" ]; do sleep 0.005; done; exec "$@") >"out.$p" 2>"err.$p" </dev/null &
        pids+=("$!")
        e2e_bg "$!"
    done
    sleep 0.05
    touch "$E2E_TMP/.go"
    TOGETHER_OK=1
    for p in $(seq 1 "$n"); do
        wait "${pids[$((p - 1))]}"
        rc=$?
        if [ "$rc" != 0 ]; then
            E2E_CMD="$(printf '%q ' "$@")  (process $p of $n)"
            RC=$rc
            cp "out.$p" "$E2E_TMP/.out"
            cp "err.$p" "$E2E_TMP/.err"
            fail "process $p exited $rc"
            TOGETHER_OK=0
        fi
    done
    [ $TOGETHER_OK = 1 ] && pass "all $n processes exited 0"
    E2E_CMD=""
}

# tty_screen FILE: what a terminal shows after the bytes in FILE (a carriage return goes back to
# the line's start, ESC [ K erases to its end, other escape sequences are dropped), one line per
# line: for checking that a status line was redrawn and erased, not printed line after line.
tty_screen() {
    python3 - "$1" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
for raw in data.split("\n"):
    line, col = [], 0
    for tok in re.findall(r"\x1b\[K|\x1b\[[0-9;?]*[A-Za-z]|\r|[^\r\x1b]", raw):
        if tok == "\r":
            col = 0
        elif tok == "\x1b[K":
            del line[col:]
        elif tok.startswith("\x1b"):
            continue
        else:
            if col < len(line):
                line[col] = tok
            else:
                line.append(tok)
            col += 1
    print("".join(line))
PY
}
