#!/usr/bin/env bash
# Trial: kill -9 `strata embed` (against the local test server) at random moments, each round
# on a fresh copy of one ingested store. After every kill the store must pass integrity_check
# and foreign_key_check, its FTS index must match its chunks (FTS5 integrity-check), every
# stored vector must be the server's vector of its chunk with its cache row beside it (whole
# batches only), and a rerun must exit 0 and converge to exactly the store an uninterrupted run
# leaves (canonical dump: documents, chunks, vectors, cache, the collection's model).
# embed_kill.sh checks the other half: a resumed run never sends a chunk that was stored.
#
# Usage: bash tests/e2e/trial_embed_kill.sh /path/to/strata
#   ROUNDS=N rounds killed mid-run (default 3; LONG=1 -> 50; up to max(2N, N+4) tried), FILES=N (default 40)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init trial_embed_kill "$@"
. "$HERE/../servers/e2e_helpers.sh"
TOOL="$HERE/trial_tool.py"
tool() { python3 "$TOOL" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

ROUNDS=${ROUNDS:-3}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-50}
FILES=${FILES:-40}
EMBED=(embed --collection docs --model test-model --batch-size 4 --concurrency 2 -q)

start_server
server_config '{"latency_ms": 15}'

case_ "an ingested store and an uninterrupted embed"
tool gen in "$FILES" 5
expect_exit 0 -- "$STRATA" ingest --store base.db --collection docs --size 300 -q in
chunks=$(db_q base.db "SELECT count(*) FROM chunks")
cp base.db ref.db
t0=$(now_ms)
expect_exit 0 -- "$STRATA" "${EMBED[@]}" --store ref.db --base-url "$URL"
D=$(($(now_ms) - t0))
FULL_MS=$D
assert_eq "$chunks" "$(db_q ref.db "SELECT count(*) FROM embeddings")" "every chunk has a vector"
assert_eq ok "$(tool check ref.db 8)" "reference store consistent"
tool canon ref.db >ref.txt
note "$FILES files, $chunks chunks; uninterrupted embed ${D} ms"
[ "$D" -lt 150 ] && D=150

killed_rounds=0
start=$(now_ms)
# A round that ends before its kill is checked but not counted: rounds go on until ROUNDS
# were killed mid-run or twice ROUNDS (at least ROUNDS + 4) were tried, so a busy machine still
# gets its kills.
r=0
tries=$((2 * ROUNDS))
[ "$tries" -lt $((ROUNDS + 4)) ] && tries=$((ROUNDS + 4))
while [ "$killed_rounds" -lt "$ROUNDS" ] && [ "$r" -lt "$tries" ]; do
    r=$((r + 1))
    case_ "round $r: kill -9 during embed"
    cp base.db k.db && rm -f k.db-wal k.db-shm
    delay=$((10 + RANDOM * RANDOM % (D * 80 / 100)))
    kill9_after "$delay" "$STRATA" "${EMBED[@]}" --store k.db --base-url "$URL"
    killed=$KILLED rc=$KILL_RC
    if [ $killed = 1 ] && [ $rc = 137 ]; then
        killed_rounds=$((killed_rounds + 1))
        label="killed after ${delay} ms"
    else
        label="finished before the kill at ${delay} ms (rc $rc)"
        assert_eq 0 "$rc" "$label: exit 0"
        D=$((delay * 80 / 100))
        [ "$D" -lt 150 ] && D=150
    fi
    n=$(db_q_rw k.db "SELECT count(*) FROM embeddings")
    assert_eq ok "$(tool check k.db 8)" "$label: consistent ($n of $chunks vectors)"
    expect_exit 0 -- "$STRATA" "${EMBED[@]}" --store k.db --base-url "$URL"
    tool canon k.db >"got.$r"
    if cmp -s ref.txt "got.$r"; then
        pass "rerun converged to the uninterrupted run's store"
    else
        fail "rerun differs from the uninterrupted run: $(diff ref.txt "got.$r" | head -n 4 | cut -c1-160)"
    fi
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   round $r: delay=$delay killed=$killed rc=$rc vectors=$n"
    rm -f "got.$r"
done
elapsed=$(($(now_ms) - start))
echo "trial_embed_kill: $r rounds ($killed_rounds killed mid-run) in $((elapsed / 1000)) s; uninterrupted run ${FULL_MS} ms; $chunks chunks"
if [ "$killed_rounds" -lt $(((ROUNDS + 1) / 2)) ]; then
    case_ "kill coverage"
    fail "only $killed_rounds of $r rounds were killed mid-run"
fi

e2e_finish
