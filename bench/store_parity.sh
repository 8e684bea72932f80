#!/usr/bin/env bash
# Keyword ranking of the knowledge store on PostgreSQL against the SQLite store, on the eval
# collections of ../shared/eval (issue 37: nDCG@10 within 0.002 of the SQLite store's on every
# collection).
#
#   1. A PostgreSQL server of its own (tests/servers/pg_server.sh), unless PG_URL names one (a
#      URL to its `postgres` database; a database strata_parity_PID is made on it and dropped).
#   2. Each collection's docs.jsonl ingested (`strata ingest --jsonl`, default chunking) into a
#      SQLite store and into the PostgreSQL store, as a collection of its name.
#   3. Every query through `strata search --mode keyword -k K --json` on both stores, one process
#      per query (bench/store_parity.py), each run scored with ../shared/eval/score.py.
#   4. With INPROC=1, keyword search timed in-process on the largest collection (by chunks) on
#      both stores (bench/store_keyword_bench.cpp, built here against the build's libstrata_core.a):
#      p50/p95 over its queries, the process start and connection left out.
#
#   usage: bench/store_parity.sh [COLLECTION...]      (default: npl cisi cacm med lisa)
#   env:   STRATA (default <repo>/build/strata), EVAL (<repo>/../shared/eval), K (100),
#          QUERIES (0: all; N: the first N of each collection), MAX_DIFF (0.002), PG_URL,
#          INPROC (1; 0 skips step 4), KEEP (a folder to keep the stores and the runs in)
# Output: a markdown table; one JSON line per collection on stderr. Exit 1 when a collection's
# nDCG@10 differs by more than MAX_DIFF, 2 for a failure of the setup or of a search.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
EVAL=${EVAL:-$ROOT/../shared/eval}
K=${K:-100}
QUERIES=${QUERIES:-0}
MAX_DIFF=${MAX_DIFF:-0.002}
INPROC=${INPROC:-1}
COLLECTIONS=("$@")
[ ${#COLLECTIONS[@]} -gt 0 ] || COLLECTIONS=(npl cisi cacm med lisa)

die() { echo "store_parity.sh: $*" >&2; exit 2; }
[ -x "$STRATA" ] || die "$STRATA not found (set STRATA, or build: bash scripts/build.sh)"
for c in "${COLLECTIONS[@]}"; do
  for f in docs.jsonl queries.jsonl qrels.tsv; do
    [ -f "$EVAL/$c/$f" ] || die "$EVAL/$c/$f not found (set EVAL)"
  done
done

if [ -n "${KEEP:-}" ]; then
  T=$KEEP
  mkdir -p "$T"
  rm -f "$T"/store.db*
else
  T=$(mktemp -d)
fi
chmod 755 "$T"  # as root the server runs as nobody, which must reach its data directory
PGDIR=$T/pg
DB=strata_parity_$$
cleanup() {
  if [ -n "${SERVER:-}" ]; then
    psql "$SERVER" -X -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  fi
  if [ -z "${PG_URL:-}" ] && [ -d "$PGDIR" ]; then
    bash "$ROOT/tests/servers/pg_server.sh" stop "$PGDIR" >/dev/null 2>&1 || true
  fi
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

if [ -n "${PG_URL:-}" ]; then
  SERVER=$PG_URL
else
  bash "$ROOT/tests/servers/pg_server.sh" start "$PGDIR" >&2 || die "could not start a PostgreSQL server"
  SERVER=$(cat "$PGDIR/url")
fi
psql "$SERVER" -X -q -c "CREATE DATABASE $DB" >/dev/null || die "could not create database $DB"
PG=${SERVER%/*}/$DB
LITE=$T/store.db
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

for c in "${COLLECTIONS[@]}"; do
  for store in "$LITE" "$PG"; do
    t0=$(date +%s%N)
    "$STRATA" ingest --jsonl --store "$store" --collection "$c" -q "$EVAL/$c/docs.jsonl"
    t1=$(date +%s%N)
    kind=SQLite
    [ "$store" = "$PG" ] && kind=PostgreSQL
    echo "store_parity.sh: $c ingested into $kind in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}') s" >&2
  done
done

rc=0
python3 "$ROOT/bench/store_parity.py" --strata "$STRATA" --eval "$EVAL" --sqlite "$LITE" --pg "$PG" --out "$T" \
  --k "$K" --queries "$QUERIES" --max-diff "$MAX_DIFF" "${COLLECTIONS[@]}" || rc=$?
[ "$rc" -le 1 ] || exit 2

if [ "$INPROC" = 1 ]; then
  # The largest collection by chunks.
  largest=$("$STRATA" collections --store "$LITE" --json |
    python3 -c 'import json, sys; print(max((json.loads(l) for l in sys.stdin if l.strip()), key=lambda c: c["chunks"])["name"])')
  BUILD=$(dirname "$STRATA")
  CORE_LIB=$BUILD/core/libstrata_core.a
  if [ -f "$CORE_LIB" ] && [ -f "$BUILD/build.ninja" ]; then
    # The libraries the strata binary links, but its CLI's.
    LIBS=$(awk '/^build strata:/ {f = 1} f && /LINK_LIBRARIES/ {sub(/.*LINK_LIBRARIES = /, ""); print; exit}' "$BUILD/build.ninja" |
      tr ' ' '\n' | grep -v -e '^$' -e libstrata_cli -e libstrata_core | tr '\n' ' ')
    # shellcheck disable=SC2086
    g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" -I/usr/include/postgresql \
      "$ROOT/bench/store_keyword_bench.cpp" "$CORE_LIB" $LIBS -lcrypto -pthread -o "$T/store_keyword_bench"
    python3 -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        print(" ".join(json.loads(line)["text"].split()))' "$EVAL/$largest/queries.jsonl" >"$T/queries.txt"
    echo
    echo "### Keyword search in-process on $largest ($(wc -l <"$T/queries.txt") queries, -k $K, 3 rounds after a warm-up; load average $LOAD)"
    echo
    echo "| store | p50 ms | p95 ms | mean ms |"
    echo "|---|---:|---:|---:|"
    for store in "$LITE" "$PG"; do
      "$T/store_keyword_bench" "$store" "$largest" "$T/queries.txt" "$K" 3 |
        python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
name = "SQLite" if d["store"] == "sqlite" else "PostgreSQL"
print("| %s | %.2f | %.2f | %.2f |" % (name, d["p50_ms"], d["p95_ms"], d["mean_ms"]))'
    done
  else
    echo "store_parity.sh: no $CORE_LIB (a CMake build beside $STRATA): in-process timing left out" >&2
  fi
fi
exit "$rc"
