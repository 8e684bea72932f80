#!/usr/bin/env bash
# Trial: kill -9 a long `strata migrate up` at random moments. After every kill
# the history table must match the schema exactly (no applied-but-unrecorded
# or recorded-but-missing migration), integrity_check must be ok, and a rerun
# of `up` must exit 0 and complete everything.
# Usage: bash tests/e2e/trial_kill.sh /path/to/strata
#   ROUNDS=N (default 20 when a full run takes <= 0.8 s, 14 up to 1.3 s, else 10;
#   LONG=1 -> 50)
#   MIGS=N (default 200), ROWS=N rows per migration (auto-calibrated)
. "$(dirname "$0")/lib.sh"
e2e_init trial_kill "$@"

MIGS=${MIGS:-200}
ROWS=${ROWS:-3000}
TARGET_MS=${TARGET_MS:-1000}

ver() { printf '2024%010d\n' "$1"; }

gen() {
    rm -rf migrations
    mkdir -p migrations
    local i
    for i in $(seq 1 "$MIGS"); do
        mig migrations "$(ver "$i")" "create_t${i}_table" \
            "CREATE TABLE t_$i (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO t_$i (v)
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)
  SELECT hex(randomblob(16)) FROM c;
CREATE INDEX t_${i}_v ON t_$i(v);" \
            "DROP TABLE t_$i;"
    done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# full_run DB -> sets DUR (ms); checks the run completes
full_run() {
    local t0 t1
    t0=$(now_ms)
    expect_exit 0 -- "$STRATA" migrate -d "sqlite:$1" up -q
    t1=$(now_ms)
    DUR=$((t1 - t0))
    assert_eq "$MIGS" "$(history_count "$1")" "uninterrupted run applied all $MIGS migrations"
}

# consistent DB LABEL: history <-> schema consistency after a crash
consistent() {
    local db=$1 label=$2 ic hist tabs want_tabs n bad counts states
    if [ ! -e "$db" ]; then
        pass "$label: killed before the database was created"
        return 0
    fi
    # read-write connection so that a hot journal / WAL left by the killed
    # process is recovered exactly as the next strata run would do
    ic=$(db_q_rw "$db" 'PRAGMA integrity_check')
    assert_eq ok "$ic" "$label: integrity_check"
    if [ "$(db_q_rw "$db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='strata_migrations'")" = 1 ]; then
        hist=$(db_q_rw "$db" "SELECT version FROM strata_migrations ORDER BY version")
        states=$(db_q_rw "$db" "SELECT group_concat(DISTINCT state) FROM strata_migrations")
    else
        hist=""
        states=""
    fi
    tabs=$(db_q_rw "$db" "SELECT CAST(substr(name, 3) AS INTEGER) FROM sqlite_master
                          WHERE type='table' AND name LIKE 't\\_%' ESCAPE '\\' ORDER BY 1")
    want_tabs=$(for v in $hist; do echo $((10#${v#2024})); done)
    assert_eq "$want_tabs" "$tabs" "$label: tables match history rows exactly"
    n=$(printf '%s\n' "$hist" | grep -c .)
    assert_eq "$(for i in $(seq 1 "$n"); do ver "$i"; done)" "$hist" "$label: history is a prefix of the migration list"
    if [ -n "$hist" ]; then
        assert_eq applied "$states" "$label: every history row is state=applied"
        counts=$(db_q_rw "$db" "SELECT $(for t in $tabs; do printf '((SELECT count(*) FROM t_%s) = %s)+' "$t" "$ROWS"; done)0")
        assert_eq "$n" "$counts" "$label: every applied table has all its $ROWS rows"
        bad=$(db_q_rw "$db" "SELECT count(*) FROM sqlite_master WHERE type='index' AND name LIKE 't\\_%\\_v' ESCAPE '\\'")
        assert_eq "$n" "$bad" "$label: one index per applied migration"
    fi
    return 0
}

# ---------------------------------------------------------------------------
case_ "status after an up killed inside a transaction (a hot journal): it works"
mkdir -p hot/migrations
mig hot/migrations 20240101000000 big "CREATE TABLE t (x);
INSERT INTO t WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000000) SELECT i FROM c;" "DROP TABLE t;"
"$STRATA" migrate -d sqlite:hot/app.db --dir hot/migrations up -q >/dev/null 2>&1 </dev/null &
pid=$!
e2e_bg "$pid"
for _ in $(seq 1 200); do [ -s hot/app.db-journal ] && break; sleep 0.05; done
sleep 0.5
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
assert_exists hot/app.db-journal
chmod 444 hot/app.db
if can_drop_root; then
    chmod 755 "$E2E_TMP" hot
    run as_nobody "$STRATA" migrate -d sqlite:hot/app.db --dir hot/migrations status
    assert_eq 7 "$RC" "without write access: exit 7"
    expect_error_line 'holds an unfinished transaction \(hot/app\.db-journal, left by a run that was interrupted\)'
else
    skip "the message without write access needs root to drop to nobody"
fi
chmod 644 hot/app.db
expect_exit 0 -- "$STRATA" migrate -d sqlite:hot/app.db --dir hot/migrations status --json
expect_json_true "the interrupted migration is pending (its transaction rolled back)" "d['applied'] == 0 and d['pending'] == 1"
assert_absent hot/app.db-journal
assert_eq ok "$(db_q hot/app.db 'PRAGMA integrity_check')" "integrity ok"
rm -rf hot

# ---------------------------------------------------------------------------
case_ "calibration: uninterrupted run"
gen
full_run cal.db
note "$MIGS migrations x $ROWS rows: ${DUR} ms"
if [ -z "${ROWS_FIXED:-}" ] && [ "$DUR" -gt 0 ] && { [ "$DUR" -lt $((TARGET_MS * 6 / 10)) ] || [ "$DUR" -gt $((TARGET_MS * 14 / 10)) ]; }; then
    ROWS=$((ROWS * TARGET_MS / DUR))
    [ "$ROWS" -lt 200 ] && ROWS=200
    [ "$ROWS" -gt 50000 ] && ROWS=50000
    gen
    rm -f cal.db*
    full_run cal.db
    note "recalibrated: $MIGS migrations x $ROWS rows: ${DUR} ms"
fi
rm -f cal.db cal.db-*
D=$DUR
[ "$D" -lt 100 ] && D=100

if [ -n "${ROUNDS:-}" ]; then
    :
elif [ "${LONG:-0}" = 1 ]; then
    ROUNDS=50
elif [ "$D" -le 800 ]; then
    ROUNDS=20
elif [ "$D" -le 1300 ]; then
    ROUNDS=14
else
    ROUNDS=10
fi

# A round that ends before its kill is checked but counts as no kill, and the next one aims
# earlier. Rounds go on past ROUNDS (at most 4 more) until a quarter of them were killed
# mid-run, so a machine faster than at calibration still gets its kills (ROUNDS=1 in CI).
need=$(((ROUNDS + 3) / 4))
killed_rounds=0
r=0
while [ "$r" -lt "$ROUNDS" ] || { [ "$killed_rounds" -lt "$need" ] && [ "$r" -lt $((ROUNDS + 4)) ]; }; do
    r=$((r + 1))
    case_ "round $r: kill -9 during up"
    db="k$r.db"
    # random moment in [10 ms, 95% of a full run]
    delay=$((10 + RANDOM * RANDOM % (D * 95 / 100)))
    "$STRATA" migrate -d "sqlite:$db" up -q >"out.$r" 2>"err.$r" </dev/null &
    pid=$!
    e2e_bg "$pid"
    sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then
        killed=1
    else
        killed=0
    fi
    wait "$pid" 2>/dev/null
    rc=$?
    if [ $killed = 1 ] && [ $rc = 137 ]; then
        killed_rounds=$((killed_rounds + 1))
        label="killed after ${delay} ms"
    else
        label="finished before kill at ${delay} ms (rc $rc)"
        assert_eq 0 "$rc" "$label: exit 0"
        # runs are faster than calibrated: aim earlier from now on
        [ $((delay * 70 / 100)) -lt "$D" ] && D=$((delay * 70 / 100))
        [ "$D" -lt 100 ] && D=100
    fi
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   round $r: delay=$delay killed=$killed rc=$rc"
    expect_exit 0 -- "$STRATA" migrate -d "sqlite:$db" status -q
    consistent "$db" "$label"

    expect_exit 0 -- "$STRATA" migrate -d "sqlite:$db" up -q
    if grep -q '^strata: error' "$E2E_TMP/.err"; then fail "rerun printed an error"; else pass "rerun: no error"; fi
    assert_eq "$MIGS" "$(history_count "$db")" "rerun completed all $MIGS migrations"
    assert_eq ok "$(db_q "$db" 'PRAGMA integrity_check')" "rerun: integrity ok"
    assert_eq "$MIGS" "$(db_q "$db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name LIKE 't\\_%' ESCAPE '\\'")" \
        "rerun: all $MIGS tables exist"
    assert_eq 0 "$(db_q "$db" "SELECT count(*) FROM strata_migrations WHERE state <> 'applied'")" "rerun: no partial rows"
    rm -f "$db" "$db-wal" "$db-shm" "$db-journal" "out.$r" "err.$r"
done
echo "trial_kill: $r rounds, $killed_rounds killed mid-run, full run ${DUR} ms ($MIGS migrations x $ROWS rows)"
if [ "$killed_rounds" -lt "$need" ]; then
    case_ "kill coverage"
    fail "only $killed_rounds of $r rounds were killed mid-run"
fi

e2e_finish
