#!/usr/bin/env bash
# 1,000 chats at once over `strata serve`'s WebSocket (/api/v1/chat/ws) against a slow upstream
# model, side by side in one run with the same 1,000 as streamed chat completions (server-sent
# events, the route bench/serve_streams.sh measures), with /healthz measured meanwhile. Run niced;
# the load average is reported with the figures.
#
#   store     a two-document collection (docs), built-in embeddings: the search is not what is measured
#   upstream  tests/servers/slow_stream_server.py, PIECES deltas EVERY_MS apart (default 40 x 250 ms:
#             an answer lasts about 10 s), one process for both sides (its counts reset between them)
#   strata    `strata serve --workers WORKERS --max-streams MAX_STREAMS`, a fresh server for each side
#             (so that each side's peak RSS is its own)
#   client    bench/serve_websocket_client.mjs (Node; the `ws` npm package, pinned, installed with
#             tests/e2e/lib.sh's npm_install_pinned into the build folder's page-clients/, which
#             tests/e2e/serve_websocket.sh shares): N connections opened over RAMP seconds, all
#             open at once, each a question of its own (no cached answers).
#               ws   the WebSocket: ready, {"type":"ask"}, then sources, chunk..., done
#               sse  POST /v1/chat/completions with stream (POST /api/v1/ask's resumable answers are
#                    bounded to 32 at once and 4 a caller, so it cannot hold 1,000)
#   Reported for each side: chats completed (done, and correct: the upstream's answer) of N, 503s,
#             errors and unexpected close codes, wall time, the upstream's most streams open at
#             once, strata's peak RSS (VmHWM) and its RSS sampled every 0.5 s, /healthz p50/p99 on a
#             keep-alive connection every 10 ms while the chats run (bench/serve_streams_client.py's
#             probe, another process) and for 3 s before, none open (the machine's floor), the
#             first piece's latency (question sent to first chunk) and the load average.
#   The aim (WebSocket): all N complete, RSS under 300 MB, /healthz p99 under 20 ms meanwhile.
#
#   usage: bench/serve_websocket.sh   env: STRATA (default <repo>/build/strata), N (1000), RAMP (4),
#          PIECES (40), EVERY_MS (250), WORKERS (4), MAX_STREAMS (2048), SIDES ("ws sse": the order)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
N=${N:-1000}
RAMP=${RAMP:-4}
PIECES=${PIECES:-40}
EVERY_MS=${EVERY_MS:-250}
WORKERS=${WORKERS:-4}
MAX_STREAMS=${MAX_STREAMS:-2048}
SIDES=${SIDES:-ws sse}
WS_VERSION=8.18.3
[ -x "$STRATA" ] || { echo "serve_websocket.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "serve_websocket.sh: node not found (scripts/install-deps.sh --test)" >&2; exit 1; }
BUILD=$(cd "$(dirname "$STRATA")" && pwd)

# `ws`, pinned, where tests/e2e/serve_websocket.sh keeps it (kept between runs).
# shellcheck source=../tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
set -euo pipefail
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD}/page-clients"
npm_install_pinned "$CLIENTS" "ws@$WS_VERSION" ||
  { echo "serve_websocket.sh: npm could not install ws@$WS_VERSION into $CLIENTS" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-websocket.XXXXXX")
PIDS=()
SERVER=""
stop_server() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
cleanup() {
  stop_server
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
# Each chat holds a client socket and an upstream one in strata, and one in the client.
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt 8192 ]; then
  ulimit -Sn 8192 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
fi

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d), node $(node --version), ws $WS_VERSION, open files $(ulimit -Sn)"
# shellcheck source=slow_stream_setup.sh
. "$ROOT/bench/slow_stream_setup.sh"
slow_stream_setup
expect=$(python3 -c "print(' '.join('word%d' % (i + 1) for i in range($PIECES)))")
probe_seconds=$(python3 -c "print($RAMP + $PIECES * $EVERY_MS / 1000.0)")

# side NAME: a fresh strata serve, the idle probe, then N chats of that kind with the probe and
# the RSS sampler beside them; one JSON object of the side's figures into $T/NAME.result.
side() {
  local name=$1 port="" sampler probe
  curl -s -X POST "$UP/_control/reset" >/dev/null
  nice -n 10 "$STRATA" serve --listen 127.0.0.1:0 --store "$T/store.db" --collection docs --workers "$WORKERS" \
    --max-streams "$MAX_STREAMS" --base-url "$UP/v1" --model slow-model 2>"$T/$name.serve.err" &
  SERVER=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$T/$name.serve.err" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "serve_websocket.sh: strata serve did not start:" >&2; cat "$T/$name.serve.err" >&2; exit 1; }
  local base=http://127.0.0.1:$port
  local rss0
  rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status")
  nice -n 10 python3 "$ROOT/bench/serve_streams_client.py" probe "$base" 3 >"$T/$name.idle.json"
  ( while kill -0 "$SERVER" 2>/dev/null; do awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; sleep 0.5; done ) >"$T/$name.rss" 2>/dev/null &
  sampler=$!
  nice -n 10 python3 "$ROOT/bench/serve_streams_client.py" probe "$base" "$probe_seconds" >"$T/$name.probe.json" &
  probe=$!
  nice -n 10 node "$ROOT/bench/serve_websocket_client.mjs" "$name" "$CLIENTS" "$base" "$N" "$RAMP" "$expect" >"$T/$name.client.json"
  wait "$probe"
  local load hwm max_open
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status")
  max_open=$(curl -s "$UP/_control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_open"])')
  stop_server
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  python3 - "$T/$name" "$hwm" "$rss0" "$max_open" "$load" >"$T/$name.result" <<'PY'
import json, sys
p = sys.argv[1]
rss = [int(x) for x in open(p + ".rss").read().split() if x.isdigit()]
print(json.dumps({"client": json.load(open(p + ".client.json")), "probe": json.load(open(p + ".probe.json")),
                  "idle": json.load(open(p + ".idle.json")), "hwm_kb": int(sys.argv[2]), "rss0_kb": int(sys.argv[3]),
                  "rss_max_kb": max(rss or [0]), "max_open": int(sys.argv[4]), "load": sys.argv[5]}))
PY
  # anything strata said besides its access log and start lines (errors, warnings)
  grep -v -e '^{' -e '^strata serve: ' "$T/$name.serve.err" | head -5 | sed "s/^/$name: strata serve said: /" >&2 || true
}

for s in $SIDES; do side "$s"; done

# shellcheck disable=SC2086  # SIDES: a list of words
python3 - "$T" "$N" $SIDES <<'PY'
import json, sys
t, n, sides = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
label = {"ws": "WebSocket /api/v1/chat/ws", "sse": "SSE /v1/chat/completions"}
rows = []
for s in sides:
    r = json.load(open(f"{t}/{s}.result"))
    c, p, idle = r["client"], r["probe"], r["idle"]
    closes = ", ".join(f"{k}: {v}" for k, v in c["closes"].items()) or "none"
    print(f"{label[s]}: {c['completed']}/{n} completed ({c['correct']} correct), {c['refused_503']} answered 503, "
          f"{c['errors']} errors ({c['timeouts']} timed out), unexpected closes: {closes}; in {c['seconds']} s; "
          f"the upstream held {r['max_open']} open at once; peak RSS {r['hwm_kb'] / 1024:.1f} MB (VmHWM; sampled max "
          f"{r['rss_max_kb'] / 1024:.1f} MB, {r['rss0_kb'] / 1024:.1f} MB before); /healthz meanwhile p50 {p['p50_ms']} ms, "
          f"p99 {p['p99_ms']} ms, max {p['max_ms']} ms ({p['n']} requests, {p['failed']} failed), before p50 "
          f"{idle['p50_ms']} / p99 {idle['p99_ms']} ms; first piece p50 {c['first_chunk_p50_ms']} ms, p99 "
          f"{c['first_chunk_p99_ms']} ms; load average {r['load']}")
    for e in c["first_errors"]:
        print(f"  {s}: {e}")
    rows.append((label[s], c, p, idle, r))
print()
print("| side | completed | wall | peak RSS | /healthz p50 / p99 / max | idle /healthz p50 / p99 | first piece p50 | load |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, c, p, idle, r in rows:
    print(f"| {name} | {c['completed']:,} of {n:,} | {c['seconds']} s | {r['hwm_kb'] / 1024:.1f} MB | "
          f"{p['p50_ms']} / {p['p99_ms']} / {p['max_ms']} ms | {idle['p50_ms']} / {idle['p99_ms']} ms | "
          f"{c['first_chunk_p50_ms']} ms | {r['load'].split()[0]} |")
PY
