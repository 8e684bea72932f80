#!/usr/bin/env bash
# Trial: kill -9 `strata embed` while batches are in flight, several times, then resume. After
# every kill the store must be intact, hold only whole batches (each batch is one
# transaction: its vectors and its cache rows together), and the resumed run must never send
# the server a chunk whose vector was already stored (checked in the server's request log).
#
# Usage: bash tests/e2e/embed_kill.sh /path/to/strata
#   KILLS=N (default 3), CHUNKS=N (default 200)
. "$(dirname "$0")/lib.sh"
e2e_init embed_kill "$@"
. "$(dirname "$0")/../servers/e2e_helpers.sh"

KILLS=${KILLS:-3}
CHUNKS=${CHUNKS:-200}
BATCH=5
start_server
server_config '{"latency_ms": 120}'
new_store k.db
seed k.db docs $((CHUNKS / 10)) 10

stored() { db_q_rw k.db "SELECT count(*) FROM embeddings"; }

cat >cache_check.py <<'PY'
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
cache = {r[0] for r in c.execute("SELECT text_sha256 FROM embedding_cache")}
texts = [r[0] for r in c.execute("SELECT c.text FROM embeddings e JOIN chunks c ON c.id = e.chunk_id")]
missing = [t for t in texts if hashlib.sha256(t.encode()).hexdigest() not in cache]
print("ok" if not missing else "no cache row for %d stored vectors" % len(missing))
PY

# consistent LABEL: integrity, whole batches only, a cache row for every stored vector.
consistent() {
    assert_eq ok "$(db_q_rw k.db 'PRAGMA integrity_check')" "$1: integrity_check"
    local n
    n=$(stored)
    assert_eq 0 "$((n % BATCH))" "$1: only whole batches stored ($n vectors)"
    assert_eq ok "$(python3 cache_check.py k.db)" "$1: vectors and cache rows were committed together"
    assert_eq ok "$(vectors_ok k.db 8)" "$1: every stored vector is the server's"
}

for round in $(seq 1 "$KILLS"); do
    case_ "kill -9 number $round"
    before=$(stored)
    target=$((before + BATCH * (2 + round)))
    "$STRATA" embed --store k.db --collection docs --base-url "$URL" --model test-model \
        --batch-size $BATCH --concurrency 2 -q >"$E2E_TMP/run.out" 2>"$E2E_TMP/run.err" &
    pid=$!
    for _ in $(seq 1 600); do
        [ "$(stored)" -ge "$target" ] 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    consistent "after kill $round"
    # Every text stored so far must never be sent again.
    db_q_rw k.db "SELECT c.text FROM embeddings e JOIN chunks c ON c.id = e.chunk_id" >"$E2E_TMP/done.$round"
    n=$(stored)
    if [ "$n" -ge "$CHUNKS" ]; then
        skip "the run finished before the kill (machine too fast for $CHUNKS chunks)"
        break
    fi
    assert_true "kill $round: some progress was kept ($before -> $n)" test "$n" -gt "$before"
done

case_ "resume"
reqs_before=$(requests_made)
server_config '{"latency_ms": 0}'
expect_exit 0 -- "$STRATA" embed --store k.db --collection docs --base-url "$URL" --model test-model --batch-size $BATCH
assert_eq "$CHUNKS" "$(stored)" "every chunk has its vector after the resume"
consistent "after the resume"
cat "$E2E_TMP"/done.* 2>/dev/null | sort -u >"$E2E_TMP/done.all"
resent=$(server_log "[t for r in reqs[$reqs_before:] for t in r['inputs']]" | python3 -c '
import json, sys
sent = json.load(sys.stdin)
done = set(open(sys.argv[1]).read().splitlines())
print(sum(1 for t in sent if t in done))' "$E2E_TMP/done.all")
assert_eq 0 "$resent" "the resumed run sent no chunk that was stored before a kill"
sent_after=$(server_log "sum(len(r['inputs']) for r in reqs[$reqs_before:])")
assert_eq "$((CHUNKS - $(wc -l <"$E2E_TMP/done.all")))" "$sent_after" "it sent exactly the chunks without a vector"

e2e_finish
