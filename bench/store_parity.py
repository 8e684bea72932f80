#!/usr/bin/env python3
"""Keyword ranking of two stores side by side (bench/store_parity.sh runs it).

    store_parity.py --strata BIN --eval DIR --sqlite PATH --pg URL --out DIR [--k 100]
                    [--queries N] [--max-diff 0.002] COLLECTION...

For each collection (a folder of DIR with docs.jsonl, queries.jsonl and qrels.tsv, ingested into
both stores under its own name), every query (or the first N) goes through
`strata search --mode keyword -k K --json` on each store, one process per query, the two stores
alternating query by query so that a change in machine load hits both alike. A document's rank is
that of its best chunk (as bench/search_eval.sh ranks). Each store's run is scored with
DIR/score.py. Prints a markdown table (nDCG@10 side by side with the difference, queries whose
top-K list of documents is the same on both, the largest score difference, and the processes'
p50/p95 milliseconds) and one JSON line per collection on stderr; exits 1 when a difference in
nDCG@10 exceeds --max-diff, 2 when a search fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))] if v else 0.0


def search(strata, store, collection, k, text):
    cmd = [strata, "search", "--store", store, "--collection", collection, "--mode", "keyword", "-k", str(k),
           "--json", "--", text]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    ms = (time.perf_counter() - t0) * 1000
    if p.returncode != 0:
        # The store's URL is printed without its password by strata itself.
        sys.exit(f"store_parity: strata search on {store if '://' not in store else 'PostgreSQL'} "
                 f"exited {p.returncode}: {p.stderr.strip()}")
    hits = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return hits, ms


def documents(hits):
    """(source, score) of each document at the rank of its best chunk."""
    seen, out = set(), []
    for h in hits:
        if h["source"] in seen:
            continue
        seen.add(h["source"])
        out.append((h["source"], float(h["score"])))
    return out


def score(scorer, qrels, run):
    p = subprocess.run([sys.executable, scorer, qrels, run, "--json"], capture_output=True, text=True, check=True)
    return json.loads(p.stdout)["mean"]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--strata", required=True)
    a.add_argument("--eval", required=True)
    a.add_argument("--sqlite", required=True)
    a.add_argument("--pg", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--k", type=int, default=100)
    a.add_argument("--queries", type=int, default=0)
    a.add_argument("--max-diff", type=float, default=0.002)
    a.add_argument("collections", nargs="+")
    args = a.parse_args()
    scorer = os.path.join(args.eval, "score.py")
    stores = {"sqlite": args.sqlite, "postgres": args.pg}
    rows, worst = [], 0.0
    for c in args.collections:
        data = os.path.join(args.eval, c)
        queries = [json.loads(line) for line in open(os.path.join(data, "queries.jsonl"), encoding="utf-8") if line.strip()]
        if args.queries > 0:
            queries = queries[: args.queries]
        runs = {s: open(os.path.join(args.out, f"{c}.{s}.run"), "w", encoding="utf-8") for s in stores}
        ms = {s: [] for s in stores}
        same, max_score_diff = 0, 0.0
        for i, q in enumerate(queries):
            order = list(stores) if i % 2 == 0 else list(reversed(list(stores)))
            docs = {}
            for s in order:
                hits, t = search(args.strata, stores[s], c, args.k, q["text"])
                ms[s].append(t)
                docs[s] = documents(hits)
                for rank, (src, sc) in enumerate(docs[s], 1):
                    runs[s].write(f"{q['id']} Q0 {src} {rank} {sc:.9f} strata-{s}\n")
            a_docs, b_docs = docs["sqlite"], docs["postgres"]
            same += [d for d, _ in a_docs] == [d for d, _ in b_docs]
            for (_, x), (_, y) in zip(a_docs, b_docs):
                max_score_diff = max(max_score_diff, abs(x - y))
        for f in runs.values():
            f.close()
        m = {s: score(scorer, os.path.join(data, "qrels.tsv"), os.path.join(args.out, f"{c}.{s}.run")) for s in stores}
        diff = m["postgres"]["nDCG@10"] - m["sqlite"]["nDCG@10"]
        worst = max(worst, abs(diff))
        line = {"bench": "store-parity", "collection": c, "queries": len(queries), "k": args.k,
                "sqlite_ndcg10": round(m["sqlite"]["nDCG@10"], 4), "postgres_ndcg10": round(m["postgres"]["nDCG@10"], 4),
                "diff": round(diff, 6), "same_ranking": same, "max_score_diff": max_score_diff,
                "sqlite_p50_ms": round(statistics.median(ms["sqlite"]), 1),
                "sqlite_p95_ms": round(percentile(ms["sqlite"], 0.95), 1),
                "postgres_p50_ms": round(statistics.median(ms["postgres"]), 1),
                "postgres_p95_ms": round(percentile(ms["postgres"], 0.95), 1)}
        print(json.dumps(line), file=sys.stderr)
        rows.append(line)
    print(f"### Keyword search, SQLite store vs PostgreSQL store (top {args.k}, one process per query)")
    print()
    print("| collection | queries | nDCG@10 SQLite | nDCG@10 PostgreSQL | difference | same top-K documents | "
          "largest score difference | ms p50/p95 SQLite | ms p50/p95 PostgreSQL |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['collection']} | {r['queries']} | {r['sqlite_ndcg10']:.4f} | {r['postgres_ndcg10']:.4f} | "
              f"{r['diff']:+.4f} | {r['same_ranking']}/{r['queries']} | {r['max_score_diff']:.1e} | "
              f"{r['sqlite_p50_ms']:.0f}/{r['sqlite_p95_ms']:.0f} | {r['postgres_p50_ms']:.0f}/{r['postgres_p95_ms']:.0f} |")
    print()
    verdict = "within" if worst <= args.max_diff else "beyond"
    print(f"largest nDCG@10 difference {worst:.4f}: {verdict} {args.max_diff}")
    return 0 if worst <= args.max_diff else 1


if __name__ == "__main__":
    sys.exit(main())
