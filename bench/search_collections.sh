#!/usr/bin/env bash
# One collection among others: keyword search of FastAPI's docs in a store holding only them
# ("alone") and in a store that also holds the Python 3.11 and PostgreSQL 15 manuals as other
# collections ("shared"), ingested first so that FastAPI's chunks come last, as in a store that
# grew. For each of FastAPI's docs-qa questions (../shared/eval/docs-qa/fastapi/questions.jsonl,
# 20) `strata search --mode keyword -k 10 --json` runs as one process per query, ROUNDS times
# (queries interleaved alone/shared); the table gives p50 and p90 per store and whether the two
# stores gave identical hits (source, lines and score) for every question.
#
# With BASE=path/to/an/older/strata, the same again with that build (its own two stores, as its
# schema may be older) in the same run, side by side.
#
#   usage: bench/search_collections.sh
#   env:   STRATA (default <repo>/build/strata), BASE (none), ROUNDS (5),
#          DOCS (a folder holding python/ and postgresql/ as ../shared/eval/docs-qa/make-docs.sh
#          makes them; default $PEERS/docs-qa, made with make-docs.sh if missing),
#          PEERS (~/.cache/strata-peers), STORES (keep/reuse the stores in this folder)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QA=$ROOT/../shared/eval/docs-qa
STRATA=${STRATA:-$ROOT/build/strata}
BASE=${BASE:-}
ROUNDS=${ROUNDS:-5}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DOCS=${DOCS:-$PEERS/docs-qa}
[ -x "$STRATA" ] || { echo "search_collections.sh: $STRATA not found (set STRATA, or build: bash scripts/build.sh)" >&2; exit 1; }
if [ ! -d "$DOCS/python" ] || [ ! -d "$DOCS/postgresql" ]; then
  echo "search_collections.sh: making the docs-qa corpora in $DOCS" >&2
  bash "$QA/make-docs.sh" "$DOCS" >&2
fi
FASTAPI=$QA/fastapi-docs/docs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
STORES=${STORES:-$T}
mkdir -p "$STORES" "$PEERS/results"
OUT=$PEERS/results/search-collections.jsonl
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "search_collections.sh: warning: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work will distort the figures" >&2
fi

# make_stores BIN TAG: STORES/TAG-alone.db and STORES/TAG-shared.db.
make_stores() {
  local bin=$1 tag=$2
  if [ ! -f "$STORES/$tag-alone.db" ]; then
    "$bin" ingest -q --store "$STORES/$tag-alone.db" --collection fastapi "$FASTAPI" >&2
  fi
  if [ ! -f "$STORES/$tag-shared.db" ]; then
    "$bin" ingest -q --store "$STORES/$tag-shared.db" --collection python "$DOCS/python" >&2 || true
    "$bin" ingest -q --store "$STORES/$tag-shared.db" --collection postgresql "$DOCS/postgresql" >&2 || true
    "$bin" ingest -q --store "$STORES/$tag-shared.db" --collection fastapi "$FASTAPI" >&2
  fi
}

python3 -c 'import json,sys; [print(json.loads(l)["text"]) for l in open(sys.argv[1]) if l.strip()]' \
  "$QA/fastapi/questions.jsonl" > "$T/queries"

# measure BIN TAG: one JSON line with p50/p90 (ms) alone and shared, and identical hits.
measure() {
  local bin=$1 tag=$2
  python3 - "$bin" "$STORES/$tag-alone.db" "$STORES/$tag-shared.db" "$T/queries" "$ROUNDS" "$tag" <<'EOF'
import json, subprocess, sys, time
binary, alone, shared, queries, rounds, tag = sys.argv[1:7]
queries = [q for q in open(queries).read().splitlines() if q]
times = {"alone": [], "shared": []}
hits = {"alone": {}, "shared": {}}
def run(store, q):
    t0 = time.perf_counter()
    out = subprocess.run([binary, "search", "--store", store, "--collection", "fastapi", "--mode", "keyword",
                          "-k", "10", "--json", "-q", "--", q], capture_output=True, text=True, check=True).stdout
    dt = (time.perf_counter() - t0) * 1000
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    key = [(r["source"].split("/docs/", 1)[-1], tuple(r.get("lines") or ()), round(r["score"], 9)) for r in rows]
    return dt, key
for _ in range(int(rounds)):
    for q in queries:
        for name, store in (("alone", alone), ("shared", shared)):
            dt, key = run(store, q)
            times[name].append(dt)
            hits[name][q] = key
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]
same = sum(1 for q in queries if hits["alone"][q] == hits["shared"][q])
print(json.dumps({"bench": "search_collections", "build": tag, "queries": len(queries), "rounds": int(rounds),
                  "alone_p50_ms": round(pct(times["alone"], 0.5), 2), "alone_p90_ms": round(pct(times["alone"], 0.9), 2),
                  "shared_p50_ms": round(pct(times["shared"], 0.5), 2), "shared_p90_ms": round(pct(times["shared"], 0.9), 2),
                  "identical_hits": same}))
EOF
}

rev() { "$1" --version 2>/dev/null | head -1; }
make_stores "$STRATA" head
[ -z "$BASE" ] || make_stores "$BASE" base
{
  measure "$STRATA" head
  [ -z "$BASE" ] || measure "$BASE" base
} | tee -a "$OUT" > "$T/results"
echo "$(rev "$STRATA")${BASE:+ vs base $(rev "$BASE")}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$T/results" <<'EOF'
import json, sys
print("| build | alone p50 | shared p50 | shared/alone | alone p90 | shared p90 | identical hits |")
print("|---|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {r['build']} | {r['alone_p50_ms']} ms | {r['shared_p50_ms']} ms | {r['shared_p50_ms'] / r['alone_p50_ms']:.2f}x "
          f"| {r['alone_p90_ms']} ms | {r['shared_p90_ms']} ms | {r['identical_hits']}/{r['queries']} |")
EOF
