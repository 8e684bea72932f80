#!/usr/bin/env bash
# Trial: several `strata migrate up` processes race on one fresh database.
# Every process must exit 0 without error output, and every migration must be
# applied exactly once.
# Usage: bash tests/e2e/trial_concurrent.sh /path/to/strata
#   ROUNDS=N (default 20; LONG=1 -> 100), PROCS=N (default 4), MIGS=N (default 15)
. "$(dirname "$0")/lib.sh"
e2e_init trial_concurrent "$@"

ROUNDS=${ROUNDS:-20}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-100}
PROCS=${PROCS:-4}
MIGS=${MIGS:-15}

ver() { printf '2024%010d\n' "$1"; }

mkdir -p migrations
for i in $(seq 1 "$MIGS"); do
    mig migrations "$(ver "$i")" "create_t${i}_table" \
        "CREATE TABLE t_$i (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO t_$i (v) VALUES ('row of migration $i; with a semicolon');
CREATE INDEX t_${i}_v ON t_$i(v);" \
        "DROP TABLE t_$i;"
done
expected_versions=$(for i in $(seq 1 "$MIGS"); do ver "$i"; done)

start=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
    case_ "round $r: $PROCS concurrent 'up' on a fresh database"
    db="r$r.db"
    rm -f go
    pids=()
    for p in $(seq 1 "$PROCS"); do
        # each process spins until "go" exists, then all start together
        (while [ ! -e go ]; do sleep 0.005; done; exec "$STRATA" migrate -d "sqlite:$db" up) \
            >"out.$r.$p" 2>"err.$r.$p" </dev/null &
        pids+=("$!")
        e2e_bg "$!"
    done
    sleep 0.05
    touch go
    ok=1
    for p in $(seq 1 "$PROCS"); do
        wait "${pids[$((p - 1))]}"
        rc=$?
        if [ "$rc" != 0 ]; then
            E2E_CMD="strata migrate -d sqlite:$db up   (process $p of $PROCS)"
            RC=$rc
            cp "out.$r.$p" "$E2E_TMP/.out"
            cp "err.$r.$p" "$E2E_TMP/.err"
            fail "process $p exited $rc"
            ok=0
        fi
    done
    [ $ok = 1 ] && pass "all $PROCS processes exited 0"
    E2E_CMD=""

    bad=$(cat err.$r.* | grep -E '^strata: (error|warning)|[Ee]rror|panic|abort' || true)
    if [ -z "$bad" ]; then pass "no error output"; else fail "error output: $(printf '%s' "$bad" | head -n 5)"; fi

    applied_lines=$(cat err.$r.* | grep -oE 'applied +[0-9]+' | awk '{print $2}' | sort)
    assert_eq "$expected_versions" "$applied_lines" "each migration reported applied exactly once across all processes"

    hist=$(history_versions "$db")
    assert_eq "$expected_versions" "$hist" "history has each version exactly once"
    assert_eq "$MIGS" "$(db_q "$db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name LIKE 't\\_%' ESCAPE '\\'")" \
        "$MIGS tables exist"
    sum=$(db_q "$db" "SELECT $(for i in $(seq 1 "$MIGS"); do printf '(SELECT count(*) FROM t_%s)+' "$i"; done)0")
    assert_eq "$MIGS" "$sum" "each migration's insert ran exactly once"
    assert_eq ok "$(db_q "$db" 'PRAGMA integrity_check')" "integrity ok"
    assert_eq applied "$(db_q "$db" 'SELECT group_concat(DISTINCT state) FROM strata_migrations')" "all rows state=applied"
    rm -f "$db" "$db-wal" "$db-shm" "$db-journal" out.$r.* err.$r.* go
done
end=$(date +%s)
echo "trial_concurrent: $ROUNDS rounds x $PROCS processes x $MIGS migrations in $((end - start)) s"

e2e_finish
