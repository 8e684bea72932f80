#!/usr/bin/env bash
# The approximate vector index of long-running processes (core/search/ann_*.h) at scale, side by
# side in one run with the exact scan, hnswlib called directly on the same vectors (the floor)
# and sqlite-vec:
#
#   corpus    the bench corpus as bench/store_postgres.sh builds it: JSONL records from
#             $PEERS/corpus/files (../shared/bench/make-corpus.sh) making about ROWS chunks of SIZE
#             characters (ROWS=1000000 gives 1,318,324 chunks), `strata ingest --jsonl --no-embed`
#             into a SQLite store, then `strata embed --provider local` (384-d).
#             With DISTINCT_TEXT="DIR ...", no text twice: the corpus once, then the text files
#             under those folders (e.g. "/usr/share/doc /usr/lib/python3.11 /usr/share/perl
#             /usr/include"), for a collection whose chunks are nearly all distinct vectors (the
#             bench corpus repeats itself about 12 times).
#   queries   Q (300) real headings of the corpus (store_postgres_driver.py queries).
#   in-process bench/ann_bench.cpp, built here against the build's libstrata_core.a: the exact
#             scan, strata's index of KIND (build time, bytes, RSS growth; p50/p99 and recall@10 against
#             the scan), a long-running process's whole vector search (search::Searcher) with the
#             index and with `exact`; it dumps the vectors, queries and exact top 10.
#   floor     bench/ann_floor.cpp: hnswlib alone on the dumped vectors, the same graph, for
#             several search breadths (ef): on the distinct vectors (one node per vector, as
#             strata's index) and on every row (FLOOR_ALL=0 skips this one: the longest build).
#   sqlite-vec vec0 (cosine, k=10) on the same vectors, when ../shared/bench/install-peers.sh
#             installed it ($PEERS/node/node_modules/sqlite-vec-linux-x64/vec0.so), through
#             Debian's Python (/usr/bin/python3: a pyenv Python may be built without
#             enable_load_extension); p50/p99 and recall against the scan.
#
# JSON lines on stdout and in $PEERS/results/ann.jsonl.
#   usage: bench/ann.sh      env: STRATA, BUILD (the build folder), ROWS, SIZE, Q, THREADS (index
#          build threads; 0, the default, is strata's default: the machine's cores), BREADTHS (the
#          fixed search breadths measured beside the default, "100 200 400 800 1600"), PEERS,
#          CORPUS, KEEP=DIR (keep the store there; a later run reuses it), FLOOR=0 (skip the hnswlib build), SEARCHER=0 (skip the Searcher measures),
#          KIND (strata's index: rabitq, the default, or hnsw)
# Run it niced on a shared machine: the 1.3M build takes the most memory (about 3 GB with the
# mapped vectors).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$ROOT/../shared/bench
BUILD=${BUILD:-$ROOT/build}
STRATA=${STRATA:-$BUILD/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/files}
ROWS=${ROWS:-1000000}
SIZE=${SIZE:-400}
Q=${Q:-300}
THREADS=${THREADS:-0}
CORE_LIB=$BUILD/core/libstrata_core.a
[ -x "$STRATA" ] || { echo "ann.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
[ -f "$CORE_LIB" ] || { echo "ann.sh: $CORE_LIB not found" >&2; exit 1; }
[ -d "$CORPUS" ] || bash "$SHARED/make-corpus.sh" "$CORPUS" >&2
if [ -n "${KEEP:-}" ]; then
  T=$KEEP
  mkdir -p "$T"
else
  T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-ann.XXXXXX")
  trap 'rm -rf "$T"' EXIT
fi
PY=$ROOT/bench/store_postgres_driver.py
RESULTS=$PEERS/results/ann.jsonl
mkdir -p "$(dirname "$RESULTS")"
S=$T/store.db

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ ! -f "$S" ]; then
  if [ -n "${DISTINCT_TEXT:-}" ]; then
    # shellcheck disable=SC2086
    python3 "$PY" distinct "$CORPUS" "$T/records.jsonl" "$ROWS" "$SIZE" $DISTINCT_TEXT >/dev/null
  else
    python3 "$PY" records "$CORPUS" "$T/records.jsonl" "$ROWS" "$SIZE" >/dev/null
  fi
  t0=$(date +%s.%N)
  "$STRATA" ingest --jsonl --size "$SIZE" --no-embed -q --store "$S" "$T/records.jsonl"
  t1=$(date +%s.%N)
  "$STRATA" embed --provider local -q --store "$S" >/dev/null
  t2=$(date +%s.%N)
  rm -f "$T/records.jsonl"
  echo "{\"bench\":\"ann\",\"what\":\"corpus\",\"ingest_s\":$(python3 -c "print(round($t1 - $t0, 1))"),\"embed_s\":$(python3 -c "print(round($t2 - $t1, 1))")}" | tee -a "$RESULTS"
fi
[ -f "$T/queries.txt" ] || python3 "$PY" queries "$CORPUS" "$T/queries.txt" "$Q"

# shellcheck disable=SC2046
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" "$ROOT/bench/ann_bench.cpp" "$CORE_LIB" \
  -lSQLiteCpp -lsqlite3 -lpg_query $(pkg-config --libs libutf8proc gumbo libcrypto libpq tomlplusplus zlib libcurl) -pthread -o "$T/ann_bench"
g++ -std=c++20 -O2 -DNDEBUG "$ROOT/bench/ann_floor.cpp" -pthread -o "$T/ann_floor"
mkdir -p "$T/dump"
"$T/ann_bench" "$S" "$T/queries.txt" default 10 "$THREADS" "$T/dump" | tee -a "$RESULTS"

VEC=$PEERS/node/node_modules/sqlite-vec-linux-x64/vec0.so
SYSPY=${SYSPY:-/usr/bin/python3}
if [ -f "$VEC" ] && ! "$SYSPY" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
  echo "{\"bench\":\"ann\",\"what\":\"sqlite-vec\",\"skipped\":\"$SYSPY's sqlite3 cannot load extensions\"}" | tee -a "$RESULTS"
elif [ -f "$VEC" ]; then
  "$SYSPY" - "$T/dump" "$VEC" "${VEC_Q:-0}" <<'PY' | tee -a "$RESULTS"
import json, sqlite3, sys, time
from array import array
d, ext, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = json.load(open(d + "/meta.json"))
D, K, n = meta["dims"], meta["k"], meta["rows"]
V = open(d + "/vectors.f32", "rb")  # read row by row: a whole copy would double the memory
Q = open(d + "/queries.f32", "rb").read()
exact = [list(map(int, l.split())) for l in open(d + "/exact.txt")]
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(ext[:-3])
t0 = time.perf_counter()
db.execute(f"create virtual table v using vec0(e float[{D}] distance_metric=cosine)")
db.executemany("insert into v(rowid, e) values (?, ?)", ((i + 1, V.read(D * 4)) for i in range(n)))
insert_s = time.perf_counter() - t0
ms, found = [], 0
nq = min(meta["queries"], limit) if limit > 0 else meta["queries"]
exact = exact[:nq]
for q in range(nq):
    t = time.perf_counter()
    ids = [r[0] for r in db.execute(f"select rowid from v where e match ? and k = {K}", (Q[q * D * 4:(q + 1) * D * 4],))]
    ms.append((time.perf_counter() - t) * 1000)
    found += len(set(ids) & set(exact[q]))
ms.sort()
pct = lambda p: ms[min(len(ms) - 1, max(0, int(-(-p * len(ms) // 100)) - 1))]
print(json.dumps({"bench": "ann", "what": "sqlite-vec", "version": db.execute("select vec_version()").fetchone()[0],
                  "queries": len(ms), "p50_ms": round(pct(50), 3), "p99_ms": round(pct(99), 3),
                  "recall": round(found / max(1, sum(len(e) for e in exact)), 4), "insert_s": round(insert_s, 1)}))
PY
else
  echo "{\"bench\":\"ann\",\"what\":\"sqlite-vec\",\"skipped\":\"$VEC not installed (../shared/bench/install-peers.sh)\"}" | tee -a "$RESULTS"
fi
if [ "${FLOOR:-1}" != 0 ]; then
  # hnswlib on the distinct vectors, as strata's index holds them, then on every row.
  DISTINCT=1 "$T/ann_floor" "$T/dump" 32 200 "$THREADS" | tee -a "$RESULTS"
  [ "${FLOOR_ALL:-1}" = 0 ] || "$T/ann_floor" "$T/dump" 32 200 "$THREADS" | tee -a "$RESULTS"
fi
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2
