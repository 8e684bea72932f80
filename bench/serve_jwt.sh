#!/usr/bin/env bash
# What verifying a JWT (single sign-on: --jwt-issuer, core/auth/jwt.h) costs a request once the
# issuer's keys are held, against an API key: `strata serve --jwt-issuer https://idp.bench
# --jwt-audience strata --jwks FILE` on a small store, POST /api/v1/search one request at a time
# on a keep-alive connection, with the store's API key, an ES256 JWT and an RS256 JWT side by side.
#
#   store     a two-document collection (docs), with no vectors (a keyword search: the same small
#             cost for all three); a read key (`strata keys create bench --scope read`)
#   tokens    minted here with Node's own crypto (no npm): an EC P-256 key (ES256, signature in
#             IEEE P1363 form) and an RSA 2048 key (RS256), their public JWKs (kid, alg, use sig)
#             in a JWKS file; claims iss, aud, sub (bench-es256 / bench-rs256), scope read, iat,
#             nbf, exp (in 2 h)
#   client    Python's http.client, one keep-alive connection for each credential, opened before;
#             ROUNDS rounds of PER_ROUND requests of each credential, the three's order rotating
#             each round, so that drift hits all alike; the first round is a warm-up, left out
#   Reported for each credential: the client's time per request (request sent to answer read)
#             p50, p90 and mean, and the server's own (the access log's duration_ms) p50 and p90;
#             then the difference of the p50s, JWT minus key, in µs. The aim: at most 50 µs.
#
#   usage: bench/serve_jwt.sh   env: STRATA (default <repo>/build/strata), ROUNDS (41), PER_ROUND (50),
#          WORKERS (4)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
ROUNDS=${ROUNDS:-41}
PER_ROUND=${PER_ROUND:-50}
WORKERS=${WORKERS:-4}
ISS=https://idp.bench
AUD=strata
[ -x "$STRATA" ] || { echo "serve_jwt.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "serve_jwt.sh: node not found (scripts/install-deps.sh --test)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-jwt.XXXXXX")
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d), node $(node --version), load $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$T/docs"
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >"$T/docs/rollback.md"
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >"$T/docs/search.md"
"$STRATA" ingest "$T/docs" --store "$T/store.db" --collection docs --no-embed -q
KEY=$("$STRATA" keys create bench --scope read --store "$T/store.db" 2>/dev/null)
[ -n "$KEY" ] || { echo "serve_jwt.sh: strata keys create printed no secret" >&2; exit 1; }

# The issuer's keys and two tokens, with Node's crypto: $T/jwks.json, $T/tokens.json.
node --input-type=module - "$T" "$ISS" "$AUD" <<'JS'
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
const [dir, iss, aud] = process.argv.slice(-3);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const jwks = { keys: [] };
const tokens = {};
for (const [name, alg, kid, type, options] of [
  ['es256', 'ES256', 'bench-ec', 'ec', { namedCurve: 'P-256' }],
  ['rs256', 'RS256', 'bench-rsa', 'rsa', { modulusLength: 2048 }],
]) {
  const { publicKey, privateKey } = generateKeyPairSync(type, options);
  jwks.keys.push({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });
  const input = `${b64({ alg, kid, typ: 'JWT' })}.${b64({ iss, aud, sub: `bench-${name}`, scope: 'read', iat: now, nbf: now, exp: now + 7200 })}`;
  const key = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  tokens[name] = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
writeFileSync(`${dir}/jwks.json`, JSON.stringify(jwks, null, 1));
writeFileSync(`${dir}/tokens.json`, JSON.stringify(tokens));
JS

"$STRATA" serve --listen 127.0.0.1:0 --store "$T/store.db" --collection docs --workers "$WORKERS" \
  --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "$T/jwks.json" 2>"$T/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q 'listening on ' "$T/serve.err" && break; sleep 0.1; done
BASE=$(grep -m1 -o 'http://[0-9.:]*' "$T/serve.err") || { echo "serve_jwt.sh: strata serve did not start:" >&2; cat "$T/serve.err" >&2; exit 1; }

python3 - "$BASE" "$KEY" "$T/tokens.json" "$ROUNDS" "$PER_ROUND" >"$T/client.json" <<'PY'
import http.client, json, sys, time
from urllib.parse import urlparse
base, key, tokens_file, rounds, per_round = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
tokens = json.load(open(tokens_file))
creds = [("key", key), ("es256", tokens["es256"]), ("rs256", tokens["rs256"])]
u = urlparse(base)
body = json.dumps({"query": "roll back a migration", "collection": "docs", "k": 5}).encode()
conns = {}
for name, _ in creds:
    conns[name] = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conns[name].connect()
times = {name: [] for name, _ in creds}
bad = {name: 0 for name, _ in creds}
for r in range(rounds):
    order = creds[r % 3:] + creds[:r % 3]
    for name, secret in order:
        headers = {"Authorization": "Bearer " + secret, "Content-Type": "application/json"}
        c = conns[name]
        for _ in range(per_round):
            t0 = time.perf_counter()
            c.request("POST", "/api/v1/search", body=body, headers=headers)
            resp = c.getresponse()
            data = resp.read()
            dt = time.perf_counter() - t0
            if resp.status != 200:
                bad[name] += 1
                if bad[name] == 1:
                    print(f"{name}: {resp.status} {data[:300]!r}", file=sys.stderr)
            elif r > 0:
                times[name].append(dt * 1e6)
print(json.dumps({"times_us": times, "bad": bad}))
PY
sleep 0.5  # the access log's last lines

python3 - "$T/client.json" "$T/serve.err" "$PER_ROUND" <<'PY'
import json, statistics, sys
c = json.load(open(sys.argv[1]))
per_round = int(sys.argv[3])
who = {"bench": "key", "jwt:bench-es256": "es256", "jwt:bench-rs256": "rs256"}
server = {"key": [], "es256": [], "rs256": []}
for line in open(sys.argv[2]):
    if line.startswith("{"):
        j = json.loads(line)
        if j.get("route") == "/api/v1/search" and j.get("status") == 200 and j.get("key") in who:
            server[who[j["key"]]].append(j["duration_ms"] * 1000.0)
label = {"key": "API key", "es256": "JWT ES256", "rs256": "JWT RS256"}
def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]
p50, s50 = {}, {}
print("| credential | requests | client p50 | client p90 | client mean | server p50 | server p90 | non-200 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name in ("key", "es256", "rs256"):
    v = c["times_us"][name]
    s = server[name][per_round:]  # the first round left out, as the client does
    p50[name], s50[name] = statistics.median(v), (statistics.median(s) if s else float("nan"))
    print(f"| {label[name]} | {len(v)} | {p50[name]:.1f} µs | {q(v, 0.9):.1f} µs | {statistics.mean(v):.1f} µs | "
          f"{s50[name]:.1f} µs | {q(s, 0.9) if s else float('nan'):.1f} µs | {c['bad'][name]} |")
for name in ("es256", "rs256"):
    print(f"{label[name]} minus API key at p50: client {p50[name] - p50['key']:+.1f} µs, server {s50[name] - s50['key']:+.1f} µs (aim: at most 50 µs)")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
