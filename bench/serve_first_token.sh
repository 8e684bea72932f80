#!/usr/bin/env bash
# Time to the first content chunk of a streamed chat completion, in one run: (a) from the upstream
# model called directly, (b) through `strata serve` (/v1/chat/completions, stream: true, the same
# upstream), and (c) the retrieval's own time (`strata ask --json`'s timings.retrieval_ms, the
# same question and store). strata's added latency is (b) - (a) - (c). Run niced; the load
# average is reported with the figures.
#
#   upstream  tests/servers/slow_stream_server.py: the first delta at once (FIRST_MS, default 0),
#             then 3 more 10 ms apart
#   client    bench/serve_streams_client.py first_token: N requests one after another on new
#             connections, each a question of its own (no cached answer), TCP_NODELAY; the time
#             from the request's last byte sent to the first "content":"word1" read
#   Reported: p50, p90 and min of (a) and (b), (c)'s median over 5 asks, the overhead, load average.
#
#   usage: bench/serve_first_token.sh     env: STRATA (default <repo>/build/strata), N (50), FIRST_MS (0)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
N=${N:-50}
FIRST_MS=${FIRST_MS:-0}
[ -x "$STRATA" ] || { echo "serve_first_token.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-first.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
CLIENT=$ROOT/bench/serve_streams_client.py

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d)"
mkdir -p "$T/docs"
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >"$T/docs/rollback.md"
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >"$T/docs/search.md"
"$STRATA" ingest "$T/docs" --store "$T/store.db" --collection docs -q

python3 "$ROOT/tests/servers/slow_stream_server.py" --port-file "$T/up.port" --first-ms "$FIRST_MS" --pieces 3 --every-ms 10 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$T/up.port" ] && break; sleep 0.05; done
UP=http://127.0.0.1:$(cat "$T/up.port")

nice -n 10 "$STRATA" serve --listen 127.0.0.1:0 --store "$T/store.db" --collection docs \
  --base-url "$UP/v1" --model slow-model 2>"$T/serve.err" &
PIDS+=($!)
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$T/serve.err" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "serve_first_token.sh: strata serve did not start:" >&2; cat "$T/serve.err" >&2; exit 1; }
BASE=http://127.0.0.1:$port
question='How is a migration rolled back? ({i})'
direct_body="{\"model\": \"slow-model\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"$question\"}]}"
strata_body="{\"model\": \"strata/docs\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"$question\"}]}"
# A warm-up of each (the server's first search opens its store), then the measured runs, interleaved.
nice -n 10 python3 "$CLIENT" first_token "$UP" /v1/chat/completions "$direct_body" 3 >/dev/null
nice -n 10 python3 "$CLIENT" first_token "$BASE" /v1/chat/completions "${strata_body/\{i\}/w}" 3 >/dev/null
nice -n 10 python3 "$CLIENT" first_token "$UP" /v1/chat/completions "$direct_body" "$N" >"$T/direct.json"
nice -n 10 python3 "$CLIENT" first_token "$BASE" /v1/chat/completions "$strata_body" "$N" >"$T/strata.json"
for i in 1 2 3 4 5; do
  nice -n 10 "$STRATA" ask --json --store "$T/store.db" --collection docs --base-url "$UP/v1" --model slow-model \
    "How is a migration rolled back? (ask $i)" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["timings"]["retrieval_ms"])'
done >"$T/retrieval.txt"
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$T/direct.json" "$T/strata.json" "$T/retrieval.txt" "$load" <<'PY'
import json, statistics, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
r = statistics.median(float(x) for x in open(sys.argv[3]) if x.strip())
print(f"(a) upstream directly:   first chunk p50 {d['p50_ms']} ms, p90 {d['p90_ms']} ms, min {d['min_ms']} ms ({d['n']} requests)")
print(f"(b) through strata serve: first chunk p50 {s['p50_ms']} ms, p90 {s['p90_ms']} ms, min {s['min_ms']} ms ({s['n']} requests)")
print(f"(c) retrieval alone (strata ask --json timings.retrieval_ms, median of 5): {r:.3f} ms")
print(f"added by strata beyond retrieval: p50 {s['p50_ms'] - d['p50_ms'] - r:.3f} ms")
print(f"load average: {sys.argv[4]}")
PY
