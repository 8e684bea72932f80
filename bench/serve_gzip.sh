#!/usr/bin/env bash
# How much smaller `strata serve`'s gzip (core/http/compression.h) makes its larger answers: the
# OpenAPI document and 100-hit searches (k's most over HTTP) over real manuals, each fetched with
# and without `Accept-Encoding: gzip` (curl), plus zlib level 9 on the same bytes for comparison
# (the server uses level 6, zlib's default).
#   Material: the stores bench/offline_answers.sh keeps (postgresql: the PostgreSQL 15 manual's
#   HTML, python: the Python 3.11 manual's, fastapi: FastAPI's Markdown), in STORES.
#   Reported: a Markdown table on stdout, a JSON line per answer in $PEERS/results/serve_gzip.jsonl.
#   usage: bench/serve_gzip.sh     env: STRATA (default <repo>/build/strata), STORES (default
#          ~/.cache/strata-peers/oa-stores: make them with
#          `STORES=... bash bench/offline_answers.sh`), PEERS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
STORES=${STORES:-$PEERS/oa-stores}
[ -x "$STRATA" ] || { echo "serve_gzip.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-gzip.XXXXXX")
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$PEERS/results"
RESULTS=$PEERS/results/serve_gzip.jsonl
: >"$RESULTS"

# measure NAME URL [CURL ARGS...]: the answer's bytes plain and gzipped, as the server sends them.
measure() {
  local name=$1 url=$2
  shift 2
  curl -sS -o "$T/plain" "$@" "$url"
  curl -sS -o "$T/gz" -H 'Accept-Encoding: gzip' "$@" "$url"
  python3 - "$name" "$T/plain" "$T/gz" >>"$RESULTS" <<'PY'
import gzip, json, sys
name, plain, gz = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
assert gzip.decompress(gz) == plain, "the gzipped answer is not the plain one"
hits = None
try:
    hits = len(json.loads(plain).get("hits", [])) or None
except (ValueError, AttributeError):
    pass
print(json.dumps({"answer": name, "hits": hits, "bytes": len(plain), "gzipped": len(gz),
                  "ratio": round(len(plain) / len(gz), 2),
                  "level9_ratio": round(len(plain) / len(gzip.compress(plain, 9)), 2)}))
PY
}

for corpus in postgresql python fastapi; do
  [ -f "$STORES/$corpus.db" ] || { echo "serve_gzip.sh: no $STORES/$corpus.db (bench/offline_answers.sh makes it)" >&2; exit 1; }
  "$STRATA" serve --store "$STORES/$corpus.db" --collection "$corpus" --listen 127.0.0.1:0 2>"$T/serve.err" &
  SERVER=$!
  BASE=""
  for _ in $(seq 1 100); do
    BASE=$(grep -o 'listening on http://[0-9.:]*' "$T/serve.err" | head -1 | sed 's/listening on //' || true)
    [ -n "$BASE" ] && break
    sleep 0.05
  done
  [ -n "$BASE" ] || { echo "serve_gzip.sh: the server did not start: $(cat "$T/serve.err")" >&2; exit 1; }
  [ "$corpus" = postgresql ] && measure "/openapi.json" "$BASE/openapi.json"
  for q in "how do I roll back a transaction" "default value of the setting" "create an index" "read a file line by line"; do
    measure "$corpus: \"$q\"" "$BASE/api/v1/search" -H 'Content-Type: application/json' \
      -d "{\"query\": \"$q\", \"collection\": \"$corpus\", \"k\": 100}"
  done
  kill -TERM "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  SERVER=""
done

echo "$("$STRATA" --version | head -1)"
python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| answer | hits | bytes | gzipped | smaller by | zlib level 9 |")
print("|---|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %s | %s | %s | %.2fx | %.2fx |" % (r["answer"], r["hits"] or "", format(r["bytes"], ","),
                                                 format(r["gzipped"], ","), r["ratio"], r["level9_ratio"]))
PY
