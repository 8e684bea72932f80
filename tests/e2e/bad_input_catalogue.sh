#!/usr/bin/env bash
# The catalogue of bad input (tests/e2e/bad_input_catalogue.tsv), case by case: every row runs in
# a fresh copy of one fixture (a store with an embedded collection, a migrated database, a few
# files) and must end with its exit code, exactly one `strata: error:` line (or, for an input the
# run skips or fails while going on, a `strata: warning:` line) containing the row's text, no
# crash, sanitizer or exception text, no hang (every command runs under timeout), and every file
# of the case directory byte for byte as it was (nothing written, nothing created). First, the
# table in docs/bad-input.md must be the one scripts/bad_input_table.py makes from the data file.
#
# Usage: bash tests/e2e/bad_input_catalogue.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"
e2e_init bad_input_catalogue "$@"
. "$HERE/../servers/e2e_helpers.sh"

CATALOGUE="${CATALOGUE:-$HERE/bad_input_catalogue.tsv}"  # CATALOGUE=FILE: a subset, when working on a few rows

case_ "docs/bad-input.md lists exactly the catalogue"
run python3 "$ROOT/scripts/bad_input_table.py" --check "$CATALOGUE" "$ROOT/docs/bad-input.md"
if [ "$RC" = 0 ]; then pass "table matches"; else fail "docs/bad-input.md and the catalogue disagree"; fi

# ---------------------------------------------------------------------------------------------
# The fixture every case starts from.
unset STRATA_STORE STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_BASE_URL
export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config"
mkdir -p "$HOME"
start_server --require-key "$STRATA_CANARY_KEY"
chat_script() { ctl POST /_control/chat_script "{\"responses\": $1}"; }

# The MySQL rows' server, its database `strata` made fresh for each row.
MYDIR="$E2E_TMP/my"
bash "$HERE/../servers/mariadb_server.sh" start "$MYDIR" >/dev/null 2>"$E2E_TMP/my.err" ||
    { echo "cannot start the MariaDB test server: $(cat "$E2E_TMP/my.err")" >&2; exit 2; }
e2e_on_exit "bash '$HERE/../servers/mariadb_server.sh' stop '$MYDIR'"
MYSQL_PORT=$(cat "$MYDIR/port")
MYSQL="mysql://strata:$(cat "$MYDIR/password")@127.0.0.1:$MYSQL_PORT"
my_root() { mariadb --no-defaults -h127.0.0.1 -P"$MYSQL_PORT" -uroot -p"$(cat "$MYDIR/root_password")" -N -B -e "$1"; }
# Ends the connection running SELECT SLEEP once it appears (within 10 s), as the server going away would.
kill_sleeper() {
    local id
    for _ in $(seq 1 100); do
        id=$(my_root "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'")
        [ -n "$id" ] && { my_root "KILL $id"; return; }
        sleep 0.1
    done
}

F="$E2E_TMP/fixture"
mkdir -p "$F/docs" "$F/migrations"
cd "$F" || exit 2
printf '# Rollback\n\nRolling back a migration runs its down section.\n' >docs/a.md
printf 'Checksums record each applied migration file.\n' >docs/b.txt
printf 'caf\xe9\n' >latin1.txt
python3 -c 'import sys; sys.stdout.buffer.write(b"hello\0" + bytes(range(256)) * 8)' >bin.dat
mig migrations 20240101000001 create_users_table "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;"
"$STRATA" migrate -d sqlite:app.db up -q >/dev/null 2>&1 || { echo "fixture: migrate up failed" >&2; exit 2; }
"$STRATA" ingest --store store.db --collection docs -q docs >/dev/null 2>&1 || { echo "fixture: ingest failed" >&2; exit 2; }
"$STRATA" embed --store store.db --collection docs --provider openai --base-url "$URL" --dimensions 8 -q \
    >/dev/null 2>&1 || { echo "fixture: embed failed" >&2; exit 2; }
cd "$E2E_TMP" || exit 2

# strata: the binary, bounded in time, so that a hang is a failure (exit 124), not a stuck suite.
strata() { timeout -k 5 "${E2E_CMD_TIMEOUT:-30}" "$STRATA" "$@"; }
# tree_sig: every file and folder under the current directory with a hash of its content
# (tree_sig.py says how SQLite files are compared).
tree_sig() { python3 "$HERE/tree_sig.py"; }
CRASH_RE='terminate called|Segmentation fault|Aborted|core dumped|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|internal error|std::|what\(\)|stack trace|#[0-9]+ 0x'

mkdir -p "$E2E_TMP/outputs"
N=0
while IFS=$'\t' read -r id command kind input setup cmd code message; do
    case "$id" in '' | '#'* | id) continue ;; esac
    N=$((N + 1))
    case_ "$id $command ($kind): $input"
    server_reset
    case "$setup$cmd" in *MYSQL* | *my_root* | *kill_sleeper*) my_root "DROP DATABASE IF EXISTS strata; CREATE DATABASE strata" ;; esac
    D="$E2E_TMP/cases/$id"
    mkdir -p "$D"
    cp -a "$F/." "$D/"
    cd "$D" || exit 2
    if [ "$setup" != - ]; then
        eval "$setup" >/dev/null 2>&1 || fail "setup failed: $setup"
    fi
    before=$(tree_sig)
    E2E_CMD="$cmd"
    (eval "$cmd") >"$E2E_TMP/.out" 2>"$E2E_TMP/.err" </dev/null
    RC=$?
    cp "$E2E_TMP/.out" "$E2E_TMP/outputs/$id.out"
    cp "$E2E_TMP/.err" "$E2E_TMP/outputs/$id.err"
    ok=1
    [ "$RC" = "$code" ] || { fail "expected exit $code, got $RC"; ok=0; }
    n_err=$(grep -c '^strata: error: ' "$E2E_TMP/.err")
    if [ "$n_err" = 0 ] && { [ "$code" = 0 ] || grep -q '^strata: warning: ' "$E2E_TMP/.err"; }; then
        line=$(grep -F -- "$message" "$E2E_TMP/.err" | grep '^strata: warning: ')
        [ "$(printf '%s\n' "$line" | grep -c .)" = 1 ] ||
            { fail "expected one 'strata: warning:' line containing [$message]"; ok=0; }
    else
        [ "$n_err" = 1 ] || { fail "expected exactly one 'strata: error:' line, found $n_err"; ok=0; }
        grep '^strata: error: ' "$E2E_TMP/.err" | grep -qF -- "$message" ||
            { fail "the error line does not contain [$message]"; ok=0; }
    fi
    if cat "$E2E_TMP/.out" "$E2E_TMP/.err" | grep -Eqa -- "$CRASH_RE"; then
        fail "crash, sanitizer or exception text in the output"
        ok=0
    fi
    after=$(tree_sig)
    if [ "$before" != "$after" ]; then
        fail "files changed: $(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep '^[<>]' | head -5 | tr '\n' ' ')"
        ok=0
    fi
    [ $ok = 1 ] && pass "$id"
    cd "$E2E_TMP" || exit 2
    [ "${E2E_KEEP:-0}" = 1 ] || rm -rf "$D"
done <"$CATALOGUE"

case_ "the catalogue has at least 60 cases and covers every command"
if [ "$N" -ge 60 ]; then pass "$N cases"; else fail "only $N cases"; fi
for c in migrate ingest chunk tokens embed search ask logs collections documents config; do
    cut -f2 "$CATALOGUE" | grep -qx "$c" || fail "no case for $c"
done
for k in file flag environment config stdin server; do
    cut -f3 "$CATALOGUE" | grep -qx "$k" || fail "no case of kind $k"
done

case_ "a usage error's hint names the command typed"
for spec in "tokens --truncate -5|strata tokens" "migrate up --bogus|strata migrate up" \
    "search --mode bogus x|strata search" "documents show|strata documents show"; do
    # shellcheck disable=SC2086
    run "$STRATA" ${spec%%|*}
    assert_eq 2 "$RC" "strata ${spec%%|*}: exit 2"
    expect_stderr_match "^strata: hint: run '${spec#*|} --help' for (usage|its options)\$"
done

case_ "the canary API key is in no output of the catalogue"
if grep -rqaF -- "$STRATA_CANARY_KEY" "$E2E_TMP/outputs"; then
    fail "the canary key was printed: $(grep -rlaF -- "$STRATA_CANARY_KEY" "$E2E_TMP/outputs" | head -3 | tr '\n' ' ')"
else
    pass "no canary in $(find "$E2E_TMP/outputs" -type f | wc -l) outputs"
fi

e2e_finish
