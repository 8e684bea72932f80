#!/usr/bin/env bash
# Search latency on ROWS (100,000) chunks with 384-dimension vectors, one thread, in one run:
#
#   store      the benchmark corpus ($PEERS/corpus/files, ../shared/bench/make-corpus.sh)
#              ingested by `strata ingest --size SIZE` (SIZE chars, chosen so that the corpus
#              makes more than ROWS chunks), cut to its first ROWS chunks (the later ones are
#              deleted, in chunk id order, before embedding), then `strata embed --provider local`
#              (384 dimensions). Made once and kept with STORE=path.
#   queries    Q (300) real headings of the corpus's Markdown files (2 to 8 words), evenly
#              spaced in path order.
#   in-process bench/search_bench.cpp, built here against the build's libstrata_core.a:
#              search::Searcher, k=10, the three modes interleaved query by query (the first
#              query of each mode, which loads the vectors, is reported apart); then the vector
#              index alone on the same query vectors: exact top-10 with the int8 pre-pass (the
#              default) and the plain float32 scan, and whether both return the same top 10.
#   sqlite-vec the npm package sqlite-vec through better-sqlite3 (installed in $PEERS by
#              ../shared/bench/install-peers.sh) on the SAME vectors and query vectors: a vec0
#              table float[384] with distance_metric=cosine, k=10 KNN one query at a time; its
#              top 10 is compared with the exact float32 top 10. For reference, also its
#              standard run (../shared/bench/sqlite-knn.mjs vec: 100,000 random unit vectors,
#              200 queries) unless STANDARD=0.
#   CLI        `strata search --mode M -k 10` as one process per query (CLI_QUERIES, 50, per
#              mode): the cost of starting, opening the store and loading the vectors each time.
#              With BASE (another strata binary, e.g. an older build), the same calls of BASE on
#              BASE_STORE (made by BASE the same way when missing) run interleaved with these,
#              query by query, and the table gives both and their ratio.
#
# One JSON line per measure on stderr and in $PEERS/results/search-speed.jsonl, then tables.
#   usage: bench/search_speed.sh
#   env:   STRATA (default <repo>/build/strata, built with scripts/build.sh if missing),
#          CORE_LIB (<dir of STRATA>/core/libstrata_core.a), ROWS (100000), SIZE (400), Q (300),
#          CLI_QUERIES (50), STANDARD (1), STORE (keep/reuse the store at this path),
#          BASE, BASE_STORE (default: a temporary store),
#          PEERS (~/.cache/strata-peers), CORPUS ($PEERS/corpus/files)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$ROOT/../shared/bench
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/files}
ROWS=${ROWS:-100000}
SIZE=${SIZE:-400}
Q=${Q:-300}
CLI_QUERIES=${CLI_QUERIES:-50}
STANDARD=${STANDARD:-1}
export PEERS

if [ ! -x "$STRATA" ]; then
  if [ "$STRATA" = "$ROOT/build/strata" ]; then
    echo "search_speed.sh: building strata into $ROOT/build" >&2
    BUILD_DIR=$ROOT/build BUILD_TYPE=Release bash "$ROOT/scripts/build.sh" >&2
  else
    echo "search_speed.sh: $STRATA not found (set STRATA, or build: bash scripts/build.sh)" >&2
    exit 1
  fi
fi
CORE_LIB=${CORE_LIB:-$(dirname "$STRATA")/core/libstrata_core.a}
[ -f "$CORE_LIB" ] || { echo "search_speed.sh: $CORE_LIB not found (set CORE_LIB)" >&2; exit 1; }
if [ ! -d "$CORPUS" ]; then
  # make-corpus.sh takes its output folder as an argument (it ignores $PEERS) and empties it first.
  [ "$(basename "$CORPUS")" = files ] || { echo "search_speed.sh: no corpus at $CORPUS" >&2; exit 1; }
  bash "$SHARED/make-corpus.sh" "$(dirname "$CORPUS")" >&2
fi
NODE_OK=1
if ! command -v node >/dev/null || [ ! -f "$PEERS/node/node_modules/sqlite-vec-linux-x64/vec0.so" ] ||
   [ ! -d "$PEERS/node/node_modules/better-sqlite3/build" ]; then
  echo "search_speed.sh: sqlite-vec / better-sqlite3 not installed in $PEERS (run $SHARED/install-peers.sh): sqlite-vec skipped" >&2
  NODE_OK=0
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$PEERS/results"
OUT=$PEERS/results/search-speed.jsonl
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
emit() { echo "$1" | tee -a "$OUT" >&2; }
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "search_speed.sh: warning: load average $(loadavg) on $(nproc) cores: other work will distort the figures" >&2
fi

# --- the store ------------------------------------------------------------------------------------
# make_store BINARY PATH: the corpus ingested by BINARY, cut to ROWS chunks, embedded.
make_store() {
  local bin=$1 store=$2 t0
  t0=$(date +%s.%N)
  "$bin" ingest -q --store "$store" --size "$SIZE" "$CORPUS"
  python3 - "$store" "$ROWS" <<'PY'
import sqlite3, sys
db, rows = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
n = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
if n < rows:
    sys.exit(f"search_speed.sh: the corpus made {n} chunks at this SIZE, fewer than ROWS={rows}: lower SIZE")
last = db.execute("SELECT id FROM chunks ORDER BY id LIMIT 1 OFFSET ?", (rows - 1,)).fetchone()[0]
db.execute("DELETE FROM chunks WHERE id > ?", (last,))
db.execute("DELETE FROM documents WHERE id NOT IN (SELECT document_id FROM chunks)")
db.execute("UPDATE documents SET chunk_count = (SELECT count(*) FROM chunks c WHERE c.document_id = documents.id) "
           "WHERE id = (SELECT document_id FROM chunks WHERE id = ?)", (last,))
db.commit()
print(f"search_speed.sh: {n} chunks ingested, cut to {rows}", file=sys.stderr)
PY
  "$bin" embed -q --provider local --store "$store"
  echo "search_speed.sh: store made in $(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6) s" >&2
}
S=${STORE:-$T/store.db}
[ -f "$S" ] || make_store "$STRATA" "$S"
BASE=${BASE:-}
BASE_S=
if [ -n "$BASE" ]; then
  BASE_S=${BASE_STORE:-$T/base-store.db}
  [ -f "$BASE_S" ] || make_store "$BASE" "$BASE_S"
fi
read -r CHUNKS BYTES DOCS < <(python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("SELECT count(*), sum(length(CAST(text AS BLOB))), count(DISTINCT document_id) FROM chunks").fetchone())' "$S")
echo "search_speed.sh: store $S: $CHUNKS chunks in $DOCS documents, $BYTES bytes of text" >&2

# --- the queries: Markdown headings of the corpus ---------------------------------------------------
python3 - "$CORPUS" "$Q" >"$T/queries.txt" <<'PY'
import os, re, sys
root, want = sys.argv[1], int(sys.argv[2])
heads, seen = [], set()
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        if not f.endswith(".md"):
            continue
        for line in open(os.path.join(d, f), encoding="utf-8", errors="replace"):
            m = re.match(r"#{1,6}\s+(.*)", line)
            if not m:
                continue
            text = re.sub(r"[`*_\[\]<>{}#]|\(.*?\)", " ", m.group(1))
            words = re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", text)
            q = " ".join(words)
            if 2 <= len(words) <= 8 and q.lower() not in seen:
                seen.add(q.lower())
                heads.append(q)
step = max(1, len(heads) // want)
for q in heads[::step][:want]:
    print(q)
PY
NQ=$(wc -l <"$T/queries.txt")
echo "search_speed.sh: $NQ queries, e.g. '$(sed -n 1p "$T/queries.txt")', '$(sed -n 2p "$T/queries.txt")'" >&2

# --- in-process ---------------------------------------------------------------------------------------
BUILD=$(dirname "$(dirname "$CORE_LIB")")
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" "$ROOT/bench/search_bench.cpp" "$CORE_LIB" \
  -lSQLiteCpp -lsqlite3 $(pkg-config --libs libutf8proc gumbo libcrypto libpq) -pthread -o "$T/search_bench"
mkdir -p "$T/dump"
LOAD_INPROC=$(loadavg)
"$T/search_bench" "$S" "$T/queries.txt" default 10 "$T/dump" >"$T/inproc.jsonl"
while IFS= read -r line; do
  emit "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["load_avg"]=sys.argv[2]; d["chunks"]=int(sys.argv[3]); print(json.dumps(d))' "$line" "$LOAD_INPROC" "$CHUNKS")"
done <"$T/inproc.jsonl"

# --- sqlite-vec -------------------------------------------------------------------------------------------
if [ "$NODE_OK" = 1 ]; then
  cat >"$T/vec-same.mjs" <<EOF
// sqlite-vec on the vectors search_bench dumped: vec0 float[D] cosine, k=10, one query at a time.
import { readFileSync } from 'node:fs';
import { peer, version, timed } from '$SHARED/lib.mjs';
const dir = process.argv[2];
const meta = JSON.parse(readFileSync(dir + '/meta.json', 'utf8'));
const f32 = (p) => { const b = readFileSync(p); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
const V = f32(dir + '/vectors.f32'), Qv = f32(dir + '/queries.f32');
const exact = readFileSync(dir + '/exact.txt', 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
const { default: Database } = await peer('better-sqlite3');
const db = new Database(':memory:');
db.loadExtension('$PEERS/node/node_modules/sqlite-vec-linux-x64/vec0');
const D = meta.dims, K = meta.k;
const row = (a, i) => Buffer.from(a.buffer, a.byteOffset + i * D * 4, D * 4);
const [, insert_s] = await timed(() => {
  db.exec(\`create virtual table v using vec0(e float[\${D}] distance_metric=cosine)\`);
  const ins = db.prepare('insert into v(rowid, e) values (?, ?)');
  db.transaction(() => { for (let i = 0; i < meta.rows; i++) ins.run(BigInt(i + 1), row(V, i)); })();
});
const st = db.prepare(\`select rowid, distance from v where e match ? and k = \${K}\`);
const out = [], ms = [];
const c0 = process.cpuUsage();
const [, seconds] = await timed(() => {
  for (let q = 0; q < meta.queries; q++) {
    const t0 = process.hrtime.bigint();
    out.push(st.all(row(Qv, q)).map((r) => Number(r.rowid)));
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
});
const cu = process.cpuUsage(c0), cpu_s = (cu.user + cu.system) / 1e6;
let sameOrder = 0, sameSet = 0, overlap = 0;
out.forEach((ids, q) => {
  const e = exact[q];
  if (ids.length === e.length && ids.every((x, j) => x === e[j])) sameOrder++;
  const s = new Set(e); const common = ids.filter((x) => s.has(x)).length;
  overlap += common; if (common === e.length && ids.length === e.length) sameSet++;
});
ms.sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(p / 100 * ms.length) - 1))];
console.log(JSON.stringify({ bench: 'sqlite-vec-same-vectors', peer: \`sqlite-vec@\${version('sqlite-vec')}\`,
  via: \`better-sqlite3@\${version('better-sqlite3')}\`, rows: meta.rows, dims: D, k: K, queries: meta.queries,
  seconds: +seconds.toFixed(3), qps: +(meta.queries / seconds).toFixed(1), cpu_qps: +(meta.queries / cpu_s).toFixed(1), p50_ms: +pct(50).toFixed(3), p95_ms: +pct(95).toFixed(3),
  insert_s: +insert_s.toFixed(2), top10_same_order_as_exact: sameOrder, top10_same_set_as_exact: sameSet,
  mean_overlap_at_10: +(overlap / meta.queries).toFixed(3) }));
EOF
  LOAD_VEC=$(loadavg)
  line=$(node "$T/vec-same.mjs" "$T/dump")
  emit "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["load_avg"]=sys.argv[2]; print(json.dumps(d))' "$line" "$LOAD_VEC")"
  echo "$line" >"$T/vec.json"
  if [ "$STANDARD" = 1 ]; then
    LOAD_STD=$(loadavg)
    line=$(node "$SHARED/sqlite-knn.mjs" vec)
    emit "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["bench"]="sqlite-vec-standard-random"; d["load_avg"]=sys.argv[2]; print(json.dumps(d))' "$line" "$LOAD_STD")"
    echo "$line" >"$T/vec-standard.json"
  fi
fi

# --- the one-shot CLI -----------------------------------------------------------------------------------
LOAD_CLI=$(loadavg)
python3 - "$T/queries.txt" "$CLI_QUERIES" "$STRATA" "$S" ${BASE:+"$BASE" "$BASE_S"} >"$T/cli.jsonl" <<'PY'
import json, resource, subprocess, sys, time
qfile, n = sys.argv[1], int(sys.argv[2])
# (prefix of the measure's name, binary, store): this build, and BASE when given.
runs = [("cli", sys.argv[3], sys.argv[4])]
if len(sys.argv) > 6:
    runs.append(("base-cli", sys.argv[5], sys.argv[6]))
queries = [l.rstrip("\n") for l in open(qfile, encoding="utf-8") if l.strip()][:n]
def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
def call(strata, store, mode, q):
    c0, t0 = child_cpu(), time.perf_counter()
    subprocess.run([strata, "search", "--store", store, "--mode", mode, "-k", "10", "--json", "--", q],
                   check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000, (child_cpu() - c0) * 1000
modes = ["keyword", "vector", "hybrid"]
first = {(r, m): call(b, st, m, queries[0])[0] for r, b, st in runs for m in modes}  # first calls, apart
ms = {(r, m): [] for r, _, _ in runs for m in modes}
cpu = {(r, m): [] for r, _, _ in runs for m in modes}
# Query by query and mode by mode, the binaries in turn (the order alternating), so that a change
# of the machine's load falls on both alike.
for i, q in enumerate(queries):
    for m in modes:
        for r, b, st in (runs if i % 2 == 0 else runs[::-1]):
            wall, c = call(b, st, m, q)
            ms[(r, m)].append(wall)
            cpu[(r, m)].append(c)
for r, b, _ in runs:
    for m in modes:
        s, c = sorted(ms[(r, m)]), sorted(cpu[(r, m)])
        pct = lambda v, p: v[min(len(v) - 1, max(0, -(-p * len(v) // 100) - 1))]
        # CPU time (user + system) of the process: on a loaded machine the steadier figure.
        print(json.dumps({"bench": "search-cli", "what": f"{r}-{m}", "binary": b, "queries": len(s),
                          "p50_ms": round(pct(s, 50), 2), "p95_ms": round(pct(s, 95), 2),
                          "mean_ms": round(sum(s) / len(s), 2), "cpu_p50_ms": round(pct(c, 50), 2),
                          "cpu_mean_ms": round(sum(c) / len(c), 2), "first_call_ms": round(first[(r, m)], 2)}))
PY
while IFS= read -r line; do
  emit "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["load_avg"]=sys.argv[2]; print(json.dumps(d))' "$line" "$LOAD_CLI")"
done <"$T/cli.jsonl"

# --- tables ------------------------------------------------------------------------------------------------
python3 - "$T" "$CHUNKS" "$DOCS" "$BYTES" "$NQ" "$LOAD_INPROC" "${LOAD_VEC:-}" "$LOAD_CLI" <<'PY'
import json, os, sys
t, chunks, docs, nbytes, nq, load_in, load_vec, load_cli = sys.argv[1:9]
rows = {json.loads(l)["what"]: json.loads(l) for l in open(f"{t}/inproc.jsonl")}
cli = {json.loads(l)["what"]: json.loads(l) for l in open(f"{t}/cli.jsonl")}
vec = json.load(open(f"{t}/vec.json")) if os.path.exists(f"{t}/vec.json") else None
std = json.load(open(f"{t}/vec-standard.json")) if os.path.exists(f"{t}/vec-standard.json") else None
print(f"### Search latency: {int(chunks):,} chunks ({int(nbytes):,} bytes of text in {int(docs):,} documents), "
      f"384-d local vectors, k=10, one thread, {nq} queries")
print()
print("| what | p50 ms | p95 ms | mean ms | CPU ms per query | queries/s | load average |")
print("|---|---:|---:|---:|---:|---:|---|")
for m in ("keyword", "vector", "hybrid"):
    r = rows[f"searcher-{m}"]
    print(f"| `Searcher::search`, {m} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['mean_ms']:.2f} | "
          f"{1000 / r['cpu_qps']:.2f} | {r['qps']:.1f} | {load_in} |")
for m in ("keyword", "vector", "hybrid"):
    for prefix, who in (("cli", "`strata search"), ("base-cli", "BASE `strata search")):
        r = cli.get(f"{prefix}-{m}")
        if r:
            print(f"| {who} --mode {m}` (one process per query, {r['queries']} queries) | {r['p50_ms']:.1f} | "
                  f"{r['p95_ms']:.1f} | {r['mean_ms']:.1f} | {r['cpu_mean_ms']:.1f} | {1000 / r['mean_ms']:.1f} | {load_cli} |")
if "base-cli-keyword" in cli:
    print()
    print("One process per query, this build / BASE, p50 wall and mean CPU: " + "; ".join(
        f"{m} {cli[f'cli-{m}']['p50_ms'] / cli[f'base-cli-{m}']['p50_ms']:.2f}x / "
        f"{cli[f'cli-{m}']['cpu_mean_ms'] / cli[f'base-cli-{m}']['cpu_mean_ms']:.2f}x" for m in ("keyword", "vector", "hybrid"))
          + f" (BASE {cli['base-cli-keyword']['binary']}).")
h = rows["searcher-hybrid"]
print()
print(f"First query of each mode in-process (vector and hybrid load the vectors then): keyword "
      f"{rows['searcher-keyword']['first_query_ms']:.1f} ms, vector {rows['searcher-vector']['first_query_ms']:.1f} ms "
      f"(load {rows['searcher-vector']['load_ms']:.1f} ms), hybrid {h['first_query_ms']:.1f} ms; store open {h['open_ms']:.1f} ms. "
      f"Hybrid parts, mean: embed {h['parts_mean_ms']['embed']:.3f} ms, keyword {h['parts_mean_ms']['keyword']:.3f} ms, "
      f"vector {h['parts_mean_ms']['vector']:.3f} ms. First CLI call: keyword {cli['cli-keyword']['first_call_ms']:.1f} ms, "
      f"vector {cli['cli-vector']['first_call_ms']:.1f} ms, hybrid {cli['cli-hybrid']['first_call_ms']:.1f} ms.")
print()
ex, i8 = rows["index-exact-float32"], rows["index-int8-prepass"]
print("### Exact vector top-10 on the same vectors and query vectors")
print()
print("| what | queries/s | CPU queries/s | p50 ms | p95 ms | top 10 identical to exact float32 | × sqlite-vec (wall / CPU) | load average |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
# Wall-time ratios move with the machine's load between the two runs; CPU-time ratios much less.
base, cbase = (vec["qps"], vec["cpu_qps"]) if vec else (None, None)
ratio = lambda r: f"{r['qps'] / base:.1f}× / {r['cpu_qps'] / cbase:.1f}×" if base else "—"
print(f"| strata `VectorIndex::search` (int8 pre-pass + float32 rescoring, the default) | {i8['qps']:.1f} | {i8['cpu_qps']:.1f} | {i8['p50_ms']:.2f} | "
      f"{i8['p95_ms']:.2f} | {i8['identical_to_exact']}/{i8['queries']} (rows and scores) | {ratio(i8)} | {load_in} |")
print(f"| strata `VectorIndex::search_exact` (float32 scan) | {ex['qps']:.1f} | {ex['cpu_qps']:.1f} | {ex['p50_ms']:.2f} | {ex['p95_ms']:.2f} | "
      f"reference | {ratio(ex)} | {load_in} |")
v = rows["searcher-vector"]
print(f"| strata `Searcher::search --mode vector` (query embedding, hit records, snippets) | {v['qps']:.1f} | {v['cpu_qps']:.1f} | {v['p50_ms']:.2f} | "
      f"{v['p95_ms']:.2f} | | {ratio(v)} | {load_in} |")
if vec:
    print(f"| {vec['peer']} vec0 cosine via {vec['via']} | {vec['qps']:.1f} | {vec.get('cpu_qps', '')} | {vec['p50_ms']:.2f} | {vec['p95_ms']:.2f} | "
          f"{vec['top10_same_order_as_exact']}/{vec['queries']} same order, {vec['top10_same_set_as_exact']}/{vec['queries']} same set "
          f"(mean overlap {vec['mean_overlap_at_10']}/10) | 1 | {load_vec} |")
if std:
    print(f"| same, its standard run (../shared/bench/sqlite-knn.mjs vec: {std['n']:,} random unit vectors, {std['queries']} queries) | "
          f"{std['qps']:.1f} | | | | | | |")
print()
aim1 = (f"{i8['qps'] / base:.1f}× sqlite-vec in wall time, {i8['cpu_qps'] / cbase:.1f}× in CPU time (aim ≥ 8×)"
        if base else "sqlite-vec not measured")
print(f"Exact vector top-10: {aim1}; hybrid p50 {h['p50_ms']:.2f} ms (aim < 30 ms).")
PY
