#!/usr/bin/env bash
# Trial: four `strata embed` processes started at once on one store, against the local test
# server (the writers of trial_concurrent.sh and trial_ingest_concurrent.sh, for embed). Every
# process must exit 0 without an error or warning, and the store must end exactly as one
# uninterrupted run leaves it: one vector per chunk, the server's, with its cache row, the FTS
# index in step (canonical dump compared line for line). Odd rounds start from an ingested store
# with no vectors; even rounds from one that is half embedded (a run killed part-way).
#
# The processes do not coordinate: each pages through the chunks without a vector, so two may
# ask the server for the same chunk; the store keeps one vector per chunk (its primary key), and
# the figure printed at the end says how much work was repeated.
#
# Usage: bash tests/e2e/trial_embed_concurrent.sh /path/to/strata
#   ROUNDS=N (default 2; LONG=1 -> 20), PROCS=N (default 4), FILES=N (default 40)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init trial_embed_concurrent "$@"
. "$HERE/../servers/e2e_helpers.sh"
TOOL="$HERE/trial_tool.py"
tool() { python3 "$TOOL" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

ROUNDS=${ROUNDS:-2}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-20}
PROCS=${PROCS:-4}
FILES=${FILES:-40}
EMBED=(embed --collection docs --model test-model --batch-size 8)

start_server
server_config '{"latency_ms": 10}'

case_ "an ingested store, a half-embedded copy and an uninterrupted embed"
tool gen in "$FILES" 9
expect_exit 0 -- "$STRATA" ingest --store base.db --collection docs --size 300 -q in
chunks=$(db_q base.db "SELECT count(*) FROM chunks")
cp base.db ref.db
expect_exit 0 -- "$STRATA" "${EMBED[@]}" --concurrency 2 -q --store ref.db --base-url "$URL"
assert_eq ok "$(tool check ref.db 8)" "reference store consistent"
tool canon ref.db >ref.txt
# Half embedded: a run that the server stops part-way (a 401 is fatal), its batches kept.
cp base.db half.db
server_script "[$(printf '{},%.0s' $(seq 1 $((chunks / 16))))"'{"status": 401}]'
run "$STRATA" "${EMBED[@]}" -q --store half.db --base-url "$URL" --concurrency 1
assert_eq 7 "$RC" "the half run stops at the scripted 401 (exit 7)"
server_reset
server_config '{"latency_ms": 10}'
half=$(db_q half.db "SELECT count(*) FROM embeddings")
note "$FILES files, $chunks chunks; the half-embedded store holds $half vectors"

start=$(now_ms)
sent_total=0
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then kind="no vectors yet"; cp base.db s.db; else kind="half embedded"; cp half.db s.db; fi
    rm -f s.db-wal s.db-shm
    case_ "round $r: $PROCS embed processes at once ($kind)"
    before=$(inputs_sent)
    start_together "$PROCS" "$STRATA" "${EMBED[@]}" --concurrency 2 --store s.db --base-url "$URL"
    bad=$(cat err.* | grep -E '^strata: (error|warning)' || true)
    if [ -z "$bad" ]; then pass "no error or warning"; else fail "stderr: $(printf '%s' "$bad" | head -n 5)"; fi
    assert_eq ok "$(tool check s.db 8)" "store consistent"
    tool canon s.db >got.txt
    if cmp -s ref.txt got.txt; then
        pass "final store equals one uninterrupted run"
    else
        fail "final store differs from one uninterrupted run: $(diff ref.txt got.txt | head -n 4 | cut -c1-160)"
    fi
    sent=$(($(inputs_sent) - before))
    sent_total=$((sent_total + sent))
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   round $r: $kind, $sent inputs sent for $chunks chunks"
    rm -f out.* err.* got.txt
done
elapsed=$(($(now_ms) - start))
echo "trial_embed_concurrent: $ROUNDS rounds x $PROCS processes in $((elapsed / 1000)) s; $chunks chunks; $sent_total inputs sent in all"

e2e_finish
