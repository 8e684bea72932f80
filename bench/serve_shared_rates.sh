#!/usr/bin/env bash
# What counting a key's rate limit in the PostgreSQL store costs a request (core/serve/
# shared_rates.h: one upsert of the key's bucket a request, so that replicas count one limit):
# `strata serve` on a PostgreSQL store (tests/servers/pg_server.sh starts one), two keys, one with
# a rate limit too high to refuse (1,000,000/min) and one without; REQUESTS requests of each,
# GET /api/v1/collections, one at a time, alternating in ROUNDS; the server's own time per request
# (the access log's duration_ms), the first WARM of each key left out.
#   Reported: p50 and p90 of each key and the difference of the p50s (the aim: at most 1 ms).
#   usage: bench/serve_shared_rates.sh     env: STRATA (default <repo>/build/strata), REQUESTS (300),
#          ROUNDS (2), WARM (50)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
REQUESTS=${REQUESTS:-300}
ROUNDS=${ROUNDS:-2}
WARM=${WARM:-50}
[ -x "$STRATA" ] || { echo "serve_shared_rates.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-rates.XXXXXX")
chmod 755 "$T"  # pg_server.sh runs the server as nobody when started as root
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  bash "$ROOT/tests/servers/pg_server.sh" stop "$T/pg" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
bash "$ROOT/tests/servers/pg_server.sh" start "$T/pg" >/dev/null
URL=$(head -1 "$T/pg/url")
STORE=${URL%/*}/postgres
printf 'A note for the store.\n' >"$T/note.txt"
"$STRATA" ingest "$T/note.txt" --store "$STORE" >/dev/null 2>&1
LIMITED=$("$STRATA" keys create limited --rate 1000000/min --store "$STORE" 2>/dev/null)
FREE=$("$STRATA" keys create free --store "$STORE" 2>/dev/null)
"$STRATA" serve --listen 127.0.0.1:0 --store "$STORE" 2>"$T/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q 'listening on ' "$T/serve.err" && break; sleep 0.1; done
BASE=$(grep -m1 -o 'http://[0-9.:]*' "$T/serve.err")
for _ in $(seq "$ROUNDS"); do
  for key in "$FREE" "$LIMITED"; do
    for _ in $(seq "$REQUESTS"); do curl -s -o /dev/null -H "Authorization: Bearer $key" "$BASE/api/v1/collections"; done
  done
done
python3 - "$T/serve.err" "$WARM" <<'PY'
import json, statistics, sys
times = {}
for line in open(sys.argv[1]):
    if line.startswith('{'):
        j = json.loads(line)
        if j.get('route') == '/api/v1/collections' and j.get('status') == 200:
            times.setdefault(j['key'], []).append(j['duration_ms'])
warm = int(sys.argv[2])
p50 = {}
for key in ('free', 'limited'):
    v = sorted(times.get(key, [])[warm:])
    p50[key] = statistics.median(v)
    print(f"{key:8} requests {len(v):5}  p50 {p50[key]:.3f} ms  p90 {v[int(len(v) * 0.9)]:.3f} ms")
print(f"the shared count's cost at p50: {p50['limited'] - p50['free']:.3f} ms (aim: at most 1 ms)")
PY
