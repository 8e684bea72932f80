#!/usr/bin/env bash
# Keyword search over HTTP: `strata serve` against the FastAPI + uvicorn peer
# (../shared/bench/bench-serve-peer.sh: Debian 12's python3-fastapi and uvicorn, 2 workers) on the
# same store, the same request bodies and the same wrk settings, in one run.
#
#   store    ../shared/eval/npl ingested with `strata ingest --jsonl` (collection npl; no vectors,
#            so both sides run a keyword search: BM25 over the store's FTS5 index)
#   bodies   one {"query", "collection", "k"} a line from npl's queries.jsonl
#   peer     bench-serve-peer.sh (it starts, warms, times and stops its server)
#   strata   `strata serve --listen 127.0.0.1:0 --workers W`, POST /api/v1/search, wrk warm-up 2 s,
#            then DURATION with --latency (the same wrk-post-lines.lua); then one connection at a
#            time (wrk -t1 -c1) for the latency of a request alone
#   in-process  bench/search_inprocess.cpp, built here against the build's libstrata_core.a:
#            search::Searcher::search on the same queries in one warm process (a long-running
#            process's, with its in-memory copy of the keyword index), one at a time: what a
#            request over HTTP should cost plus the server's own part
#   Reported: requests/s, p50, p90 and p99 per side, the throughput ratio (strata / peer), and
#   the p50 and p99 of one request at a time beside the in-process search's.
#
#   usage: bench/serve_search.sh      env: STRATA (default <repo>/build/strata), BUILD (its build
#          folder), DURATION (10s), THREADS (2), CONNECTIONS (16), WORKERS (2: strata's worker
#          threads and the peer's processes), K (10)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
STRATA=${STRATA:-$BUILD/strata}
CORE_LIB=$BUILD/core/libstrata_core.a
SHARED=$ROOT/../shared
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WORKERS:-2}
K=${K:-10}
[ -x "$STRATA" ] || { echo "serve_search.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
[ -f "$SHARED/eval/npl/docs.jsonl" ] || { echo "serve_search.sh: $SHARED/eval/npl not found" >&2; exit 1; }
[ -f "$CORE_LIB" ] || { echo "serve_search.sh: $CORE_LIB not found" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-serve.XXXXXX")
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$STRATA" ingest --jsonl --store "$T/npl.db" --collection npl -q "$SHARED/eval/npl/docs.jsonl"

# the peer: its own script, on the same store
PEERS="$T/peers" COLLECTION=npl K=$K DURATION=$DURATION THREADS=$THREADS CONNECTIONS=$CONNECTIONS WORKERS=$WORKERS \
  bash "$SHARED/bench/bench-serve-peer.sh" "$T/npl.db" 8711 >"$T/peer.txt" 2>"$T/peer.err" ||
  { cat "$T/peer.err" >&2; exit 1; }
tail -1 "$T/peer.txt" >"$T/peer.json"

# strata serve, the same bodies
python3 - "$SHARED/eval/npl/queries.jsonl" npl "$K" >"$T/bodies.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        print(json.dumps({"query": json.loads(line)["text"], "collection": sys.argv[2], "k": int(sys.argv[3])}))
PY
python3 -c 'import json, sys
for line in open(sys.argv[1]):
    if line.strip(): print(json.loads(line)["query"])' "$T/bodies.jsonl" >"$T/queries.txt"
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" "$ROOT/bench/search_inprocess.cpp" "$CORE_LIB" \
  -lSQLiteCpp -lsqlite3 -lpg_query $(pkg-config --libs libutf8proc gumbo libcrypto libpq tomlplusplus zlib libcurl) -pthread \
  -o "$T/search_inprocess"

"$STRATA" serve --listen 127.0.0.1:0 --store "$T/npl.db" --collection npl --workers "$WORKERS" 2>"$T/serve.err" &
SERVER=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$T/serve.err" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "serve_search.sh: strata serve did not start:" >&2; cat "$T/serve.err" >&2; exit 1; }
URL=http://127.0.0.1:$port/api/v1/search
hits=$(curl -sf -X POST -H 'Content-Type: application/json' -d "$(head -1 "$T/bodies.jsonl")" "$URL" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
[ "$hits" -gt 0 ] || { echo "serve_search.sh: no hits for the first query" >&2; exit 1; }
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$SHARED/bench/wrk-post-lines.lua" "$URL" -- "$T/bodies.jsonl" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$SHARED/bench/wrk-post-lines.lua" "$URL" -- "$T/bodies.jsonl" >"$T/strata.txt"
wrk -t1 -c1 -d"$DURATION" --latency -s "$SHARED/bench/wrk-post-lines.lua" "$URL" -- "$T/bodies.jsonl" >"$T/alone.txt"
"$T/search_inprocess" "$T/npl.db" "$T/queries.txt" npl "$K" >"$T/inprocess.json"

python3 - "$T/strata.txt" "$T/peer.json" "$T/alone.txt" "$T/inprocess.json" <<'PY'
import json, re, sys
w = open(sys.argv[1]).read()
peer = json.load(open(sys.argv[2]))
alone_text = open(sys.argv[3]).read()
inproc = json.load(open(sys.argv[4]))
def ms(label, w=w):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, w, re.M)
    return None if not m else round(float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)], 3)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", w)
mine = {"req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", w).group(1)), "p50_ms": ms("50"), "p90_ms": ms("90"),
        "p99_ms": ms("99"), "non_2xx": int(non2xx.group(1)) if non2xx else 0}
print(f"{'side':<32} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
print(f"{'strata serve':<32} {mine['req_per_s']:>9.0f} {mine['p50_ms']:>8} {mine['p90_ms']:>8} {mine['p99_ms']:>8} {mine['non_2xx']:>8}")
print(f"{peer['peer']:<32} {peer['req_per_s']:>9.0f} {peer['p50_ms']:>8} {peer['p90_ms']:>8} {peer['p99_ms']:>8} {peer['non_2xx']:>8}")
print(f"throughput ratio (strata / peer): {mine['req_per_s'] / peer['req_per_s']:.2f}")
print(f"one request at a time: p50 {ms('50', alone_text)} ms, p99 {ms('99', alone_text)} ms; "
      f"in-process search: p50 {inproc['p50_ms']} ms, p99 {inproc['p99_ms']} ms (keyword list p50 {inproc['keyword_p50_ms']} ms)")
PY
