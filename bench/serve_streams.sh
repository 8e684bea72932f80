#!/usr/bin/env bash
# 1,000 concurrent streamed chat completions through `strata serve` against a slow upstream model
# (tests/servers/slow_stream_server.py: asyncio, one thread for every stream), with /healthz
# measured meanwhile. Run niced; the load average is reported with the figures.
#
#   store     a two-document collection (docs), built-in embeddings: the search is not what is measured
#   upstream  PIECES deltas EVERY_MS apart (default 40 x 250 ms: a stream lasts about 10 s)
#   strata    `strata serve --workers 4` (defaults otherwise: --max-streams 1024, 1024 connections)
#   client    bench/serve_streams_client.py: N streams opened over RAMP seconds, all open at once,
#             each a question of its own (no cached answers); a 503 asked again after Retry-After
#   Reported: streams completed (and correct: the upstream's answer, ending data: [DONE]), 503s,
#             the upstream's most streams open at once, strata's peak RSS (VmHWM) and its RSS
#             sampled every 0.5 s, /healthz p50/p99 on a keep-alive connection every 10 ms while
#             the streams run (and for 3 s before, no stream open: the machine's floor), the load average.
#
#   usage: bench/serve_streams.sh     env: STRATA (default <repo>/build/strata), N (1000), RAMP (4),
#          PIECES (40), EVERY_MS (250), WORKERS (4)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
N=${N:-1000}
RAMP=${RAMP:-4}
PIECES=${PIECES:-40}
EVERY_MS=${EVERY_MS:-250}
WORKERS=${WORKERS:-4}
[ -x "$STRATA" ] || { echo "serve_streams.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-streams.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
ulimit -n 8192 2>/dev/null || true

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d)"
# shellcheck source=slow_stream_setup.sh
. "$ROOT/bench/slow_stream_setup.sh"
slow_stream_setup

nice -n 10 "$STRATA" serve --listen 127.0.0.1:0 --store "$T/store.db" --collection docs --workers "$WORKERS" \
  --base-url "$UP/v1" --model slow-model 2>"$T/serve.err" &
SERVER=$!
PIDS+=("$SERVER")
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$T/serve.err" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "serve_streams.sh: strata serve did not start:" >&2; cat "$T/serve.err" >&2; exit 1; }
BASE=http://127.0.0.1:$port
expect=$(python3 -c "print(' '.join('word%d' % (i + 1) for i in range($PIECES)))")
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
echo "strata serve before the streams: RSS $(( $(rss_kb) / 1024 )) MB"

# /healthz with no stream open first: the machine's own floor at this load, for comparison.
nice -n 10 python3 "$ROOT/bench/serve_streams_client.py" probe "$BASE" 3 >"$T/idle.json"
( while kill -0 "$SERVER" 2>/dev/null; do rss_kb; sleep 0.5; done ) >"$T/rss.txt" 2>/dev/null &
PIDS+=($!)
probe_seconds=$(python3 -c "print($RAMP + $PIECES * $EVERY_MS / 1000.0)")
nice -n 10 python3 "$ROOT/bench/serve_streams_client.py" probe "$BASE" "$probe_seconds" >"$T/probe.json" &
probe=$!
nice -n 10 python3 "$ROOT/bench/serve_streams_client.py" streams "$BASE" "$N" "$RAMP" "$expect" >"$T/streams.json"
wait "$probe"
load=$(cut -d' ' -f1-3 /proc/loadavg)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status")
max_open=$(curl -s "$UP/_control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_open"])')
rss_max=$(sort -n "$T/rss.txt" | tail -1)
python3 - "$T/streams.json" "$T/probe.json" "$N" "$max_open" "$hwm" "$rss_max" "$load" "$T/idle.json" <<'PY'
import json, sys
s, p, idle = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[8]))
n, max_open, hwm, rss_max, load = int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6] or 0), sys.argv[7]
print(f"streams: {s['completed']}/{n} completed, {s['correct']} correct, {s['refused_503']} answered 503 (asked again), "
      f"{s['errors']} errors, in {s['seconds']} s; the upstream held {max_open} open at once")
print(f"strata serve RSS: peak {hwm / 1024:.1f} MB (VmHWM), sampled max {rss_max / 1024:.1f} MB")
print(f"/healthz meanwhile: {p['n']} requests, p50 {p['p50_ms']} ms, p99 {p['p99_ms']} ms, max {p['max_ms']} ms, "
      f"{p['failed']} failed")
print(f"/healthz before, no stream open: {idle['n']} requests, p50 {idle['p50_ms']} ms, p99 {idle['p99_ms']} ms")
print(f"load average: {load}")
PY
