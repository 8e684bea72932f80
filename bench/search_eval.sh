#!/usr/bin/env bash
# Retrieval quality of `strata search` on a real test collection: ../shared/eval/npl (the Glasgow
# NPL / "vaswani" collection: 11,429 short abstracts, 93 queries, 2,083 relevance judgments).
#
#   1. `strata ingest --jsonl docs.jsonl` into a fresh store (default chunking; CHUNK_ARGS adds
#      options, e.g. "--size 4000"), then `strata embed --provider local` (the built-in
#      embedder: no network, no model download).
#   2. Every query through `strata search --json -k 100 --mode M` for M in keyword, vector and
#      hybrid (a mode written hybrid@W adds --vector-weight W): one process per query, as a user or a script would call it. A document's rank is
#      that of its best chunk (the first of its chunks in the list), so a run can hold a few
#      fewer than 100 documents when a long document has several chunks in the top 100.
#   3. The runs (TREC format) are scored with ../shared/eval/score.py next to the reference BM25
#      (../shared/eval/bm25_baseline.py, Lucene-style k1=0.9 b=0.4, Porter stemming), which is
#      run here at the same depth (100): its MAP over 100 documents is 0.2614, over 1000 (the
#      figure in ../shared/eval/README.md) 0.2858; nDCG@10, Recall@100 and MRR@10 are the same.
#
# Aims (issue 6): keyword nDCG@10 >= the reference with stemming (0.4378); hybrid >= keyword.
#
#   usage: bench/search_eval.sh
#   env:   STRATA (default <repo>/build/strata, built with scripts/build.sh if missing),
#          EVAL (default <repo>/../shared/eval), COLLECTION (npl), MODES ("keyword vector hybrid";
#          e.g. "hybrid@1 hybrid@0.1" for other vector weights), K (100), CHUNK_ARGS (""),
#          EMBED_ARGS ("", e.g. "--model hash-ngram-v1" or "--dimensions 1536"), SEARCH_ARGS ("", e.g.
#          "--title-cap 6": given to every search), KEEP (a folder to keep the store and the runs in),
#          PEERS (~/.cache/strata-peers; results appended to $PEERS/results/search-eval.jsonl)
# Output: one JSON line per mode on stderr and in the results file, then a markdown table.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
EVAL=${EVAL:-$ROOT/../shared/eval}
COLLECTION=${COLLECTION:-npl}
MODES=${MODES:-keyword vector hybrid}
K=${K:-100}
CHUNK_ARGS=${CHUNK_ARGS:-}
EMBED_ARGS=${EMBED_ARGS:-}
SEARCH_ARGS=${SEARCH_ARGS:-}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DATA=$EVAL/$COLLECTION

for f in docs.jsonl queries.jsonl qrels.tsv; do
  [ -f "$DATA/$f" ] || { echo "search_eval.sh: $DATA/$f not found (set EVAL)" >&2; exit 1; }
done
if [ ! -x "$STRATA" ]; then
  if [ "$STRATA" = "$ROOT/build/strata" ]; then
    echo "search_eval.sh: building strata into $ROOT/build" >&2
    BUILD_DIR=$ROOT/build BUILD_TYPE=Release bash "$ROOT/scripts/build.sh" >&2
  else
    echo "search_eval.sh: $STRATA not found (set STRATA, or build: bash scripts/build.sh)" >&2
    exit 1
  fi
fi

if [ -n "${KEEP:-}" ]; then
  T=$KEEP
  mkdir -p "$T"
  rm -f "$T"/store.db*
else
  T=$(mktemp -d)
  trap 'rm -rf "$T"' EXIT
fi
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "search_eval.sh: warning: load average $LOAD on $(nproc) cores (timings only; scores are unaffected)" >&2
fi

now_ns() { date +%s%N; }
t0=$(now_ns)
# shellcheck disable=SC2086
"$STRATA" ingest --jsonl --store "$T/store.db" -q $CHUNK_ARGS "$DATA/docs.jsonl"
t1=$(now_ns)
# shellcheck disable=SC2086
"$STRATA" embed --provider local --store "$T/store.db" -q $EMBED_ARGS
t2=$(now_ns)
INGEST_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}')
EMBED_S=$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.2f", (b - a) / 1e9}')
echo "search_eval.sh: ingest $INGEST_S s, embed $EMBED_S s (load average $LOAD)" >&2

# The reference BM25 at the same depth.
python3 "$EVAL/bm25_baseline.py" "$DATA/docs.jsonl" "$DATA/queries.jsonl" "$T/reference.run" \
  --stem porter --depth "$K" --tag bm25-porter >/dev/null 2>&1

mkdir -p "$PEERS/results"
python3 - "$STRATA" "$T" "$DATA" "$EVAL/score.py" "$K" "$LOAD" "$INGEST_S" "$EMBED_S" "$CHUNK_ARGS" \
  "$PEERS/results/search-eval.jsonl" "$EMBED_ARGS" "$SEARCH_ARGS" $MODES <<'PY'
import json, resource, subprocess, sys, time

strata, tmp, data, scorer, k, load, ingest_s, embed_s, chunk_args, results, embed_args, search_args = sys.argv[1:13]
modes = sys.argv[13:]

def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
store = f"{tmp}/store.db"
queries = [json.loads(line) for line in open(f"{data}/queries.jsonl", encoding="utf-8") if line.strip()]
chunks = int(subprocess.run(["sqlite3", store, "SELECT count(*) FROM chunks"], capture_output=True, text=True).stdout.strip() or 0) \
    if subprocess.run(["which", "sqlite3"], capture_output=True).returncode == 0 else None

def score(run):
    out = subprocess.run([sys.executable, scorer, f"{data}/qrels.tsv", run, "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["mean"]

rows = []
ref = score(f"{tmp}/reference.run")
rows.append(("reference BM25, Porter (bm25_baseline.py, k1=0.9 b=0.4)", ref, None, "reference"))
model = subprocess.run(["sqlite3", store, "SELECT embedding_model FROM collections WHERE embedding_model IS NOT NULL LIMIT 1"],
                       capture_output=True, text=True).stdout.strip() if chunks is not None else ""
for spec in modes:
    mode, _, weight = spec.partition("@")
    run_path = f"{tmp}/{spec}.run"
    seconds, short, cpu0 = 0.0, 0, child_cpu()
    with open(run_path, "w", encoding="utf-8") as run:
        for q in queries:
            cmd = [strata, "search", "--store", store, "--mode", mode, "-k", k, "--json"]
            if weight:
                cmd += ["--vector-weight", weight]
            cmd += search_args.split() + ["--", q["text"]]
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            seconds += time.perf_counter() - t0
            if p.returncode != 0:
                sys.exit(f"search_eval.sh: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
            seen, rank = set(), 0
            for line in p.stdout.splitlines():
                if not line.strip():
                    continue
                hit = json.loads(line)
                doc = hit["source"]  # a JSONL record's id
                if doc in seen:       # a later chunk of a document already ranked
                    continue
                seen.add(doc)
                rank += 1
                run.write(f"{q['id']} Q0 {doc} {rank} {float(hit['score']):.6f} strata-{mode}\n")
            short += rank < int(k)
    cpu_ms = (child_cpu() - cpu0) * 1000 / len(queries)
    m = score(run_path)
    ms = seconds * 1000 / len(queries)
    line = {"bench": "search-eval", "collection": data.rstrip("/").split("/")[-1], "mode": mode, "vector_weight": weight or "default", "model": model if mode != "keyword" else "", "k": int(k),
            "chunk_args": chunk_args, "embed_args": embed_args, "search_args": search_args, "chunks": chunks, "queries": len(queries),
            **{key: round(v, 4) for key, v in m.items()}, "ms_per_query_process": round(ms, 1), "cpu_ms_per_query_process": round(cpu_ms, 1),
            "queries_under_k_docs": short, "reference_ndcg10": round(ref["nDCG@10"], 4),
            "load_avg": load, "ingest_s": float(ingest_s), "embed_s": float(embed_s)}
    print(json.dumps(line), file=sys.stderr)
    with open(results, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
    label = f"strata search --mode {mode}" + (f" --vector-weight {weight}" if weight else "") + \
        (f" {search_args}" if search_args else "") + \
        (f" ({model})" if mode != "keyword" and model else "")
    rows.append((label, m, (ms, cpu_ms), spec))

print(f"### Retrieval quality: {data.rstrip('/').split('/')[-1]} ({len(queries)} queries, {chunks} chunks, top {k})")
print()
print("| run | nDCG@10 | Recall@100 | MRR@10 | MAP@100 | ms per query, one process each (CPU ms) |")
print("|---|---:|---:|---:|---:|---:|")
for name, m, ms, _ in rows:
    print(f"| {name} | {m['nDCG@10']:.4f} | {m['Recall@100']:.4f} | {m['MRR@10']:.4f} | {m['MAP']:.4f} | "
          f"{'' if ms is None else f'{ms[0]:.1f} ({ms[1]:.1f})'} |")
print()
by = {spec: m["nDCG@10"] for _, m, _, spec in rows[1:]}
if "keyword" in by:
    print(f"keyword nDCG@10 {by['keyword']:.4f} vs reference {ref['nDCG@10']:.4f}: "
          f"{'meets' if by['keyword'] >= ref['nDCG@10'] - 5e-5 else 'misses'} the aim")
if "hybrid" in by and "keyword" in by:
    print(f"hybrid nDCG@10 {by['hybrid']:.4f} vs keyword {by['keyword']:.4f}: "
          f"{'meets' if by['hybrid'] >= by['keyword'] else 'misses'} the aim")
print(f"(ingest {ingest_s} s, local embed {embed_s} s; load average {load} at the start)")
PY
