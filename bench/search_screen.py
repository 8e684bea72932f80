#!/usr/bin/env python3
"""Screen keyword-ranking ideas on existing stores without rebuilding strata.

    bench/search_screen.py CONFIGS.jsonl --ir DIR [--qa DIR] [--eval ../shared/eval]

A replica of `strata search --mode keyword` read from a store's own FTS5 index (its terms,
positions and lengths, through SQLite's fts5vocab; the porter tokenizer is SQLite's own): BM25
with k1 1.6, b 0.4 and the title weight 3 (store/fts_bm25.h), FTS5's idf, the query's terms as
search/fts_query.cpp makes them (Lucene's 33 stop words, at most 64 terms), the best 100 chunks,
then a page's chunks as evidence for each other (search/document_evidence.h, 0.15 x 6); a
document ranks as its best chunk. With an empty config ({}) it gives the binary's keyword runs
(checked to 4 places on every collection of ../shared/eval and the three docs-qa manuals), so a
config's difference from {} is the idea's. Figures that decide a change come from the binary.

Each line of CONFIGS.jsonl is one config, a JSON object of any of:
  prf, fbd, fbt, beta, rerank  RM3-style pseudo-relevance feedback: the fbt terms most probable in
                               the best fbd chunks (weighted by score; not query terms, Lucene stop
                               words, digits, or in more than 10% / fewer than 2 chunks) added with
                               weights summing to beta x the query's terms; rerank: only the first
                               pass's chunks are re-scored
  prox, win                    a term-pair proximity bonus (BM25TP): prox x sum over pairs of
                               query terms of min idf x sat(sum 1/d^2 over occurrences within win)
  co, cot                      co-occurrence expansion: for each query term the cot (3) terms of
                               highest PMI with it over chunks, each of weight co
  idf: "lucene"                ln(1 + (N - n + 0.5) / (n + 0.5)) instead of FTS5's idf
  cstop                        drop query terms in more than this share of the chunks
  k1, b                        BM25's parameters (1.6, 0.4)
  hw                           the chunk's heading path (chunks.headings) as a field of this weight
  ew, eo, ed, elen             the evidence: weight, other chunks counted, decay per other chunk,
                               others divided by 1 + elen x ln(chunks of the document)
--ir DIR: DIR/<collection>/store.db as `KEEP=DIR/<collection> bench/search_eval.sh` leaves it
(npl, med, cisi, cacm, lisa, scifact: those present). --qa DIR: DIR/<manual>.db for postgresql,
python, fastapi, each one collection ingested from the corpus folder make-docs.sh builds.
Prints one JSON line per config: per set nDCG@10 (IR) or success@3 (docs-qa), and MRR@10.
Standard library only (Python's sqlite3 with FTS5).
"""
import argparse, collections, heapq, json, math, os, re, sqlite3, subprocess, sys, tempfile

STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then "
           "there these they this to was will with".split())
IR = ("npl", "med", "cisi", "cacm", "lisa", "scifact")
QA = ("postgresql", "python", "fastapi")


class Index:
    """One store's chunks: weighted term frequencies, text positions, lengths, document frequencies."""

    def __init__(self, path, heading_weight=0.0):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.chunk_doc = dict(db.execute("SELECT id, document_id FROM chunks"))
        self.doc_source = dict(db.execute("SELECT id, source FROM documents"))
        self.doc_chunks = collections.Counter(self.chunk_doc.values())
        db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_fts, instance)")
        weight = {"text": 1.0, "title": 3.0, "cjk": 1.0}
        self.tf = collections.defaultdict(lambda: collections.defaultdict(float))
        self.raw = collections.defaultdict(collections.Counter)  # text and title, unweighted
        self.pos = collections.defaultdict(lambda: collections.defaultdict(list))  # text only
        self.len = collections.Counter()
        for term, doc, col, offset in db.execute("SELECT term, doc, col, offset FROM temp.vocab"):
            if col not in weight:
                continue  # the collection's scope token
            self.tf[doc][term] += weight[col]
            self.len[doc] += 1
            if col != "cjk":
                self.raw[doc][term] += 1
            if col == "text":
                self.pos[doc][term].append(offset)
        if heading_weight:
            self.add_headings(db, heading_weight)
        self.n = len(self.chunk_doc)
        self.avgdl = sum(self.len.values()) / max(1, self.n)
        self.postings = collections.defaultdict(list)
        for doc, terms in self.tf.items():
            for t in terms:
                self.postings[t].append(doc)
        self.stemmer = sqlite3.connect(":memory:")
        self.stemmer.execute("CREATE VIRTUAL TABLE q USING fts5(t, tokenize='porter unicode61 remove_diacritics 2')")
        self.stemmer.execute("CREATE VIRTUAL TABLE temp.qv USING fts5vocab(main, q, instance)")
        self.stop_stems = set(self.stem(sorted(STOP)))

    def add_headings(self, db, weight):
        """The chunk's heading path (chunks.headings) as a further field of `weight`, its terms
        counted in the chunk's length, as a column of chunks_fts would be."""
        mem = sqlite3.connect(":memory:")
        mem.execute("CREATE VIRTUAL TABLE h USING fts5(t, tokenize='porter unicode61 remove_diacritics 2')")
        mem.executemany("INSERT INTO h (rowid, t) VALUES (?, ?)",
                        ((c, " ".join(json.loads(h))) for c, h in db.execute("SELECT id, headings FROM chunks WHERE headings IS NOT NULL")
                         if h.startswith("[")))
        mem.execute("CREATE VIRTUAL TABLE temp.hv USING fts5vocab(main, h, instance)")
        for term, doc, _, _ in mem.execute("SELECT term, doc, col, offset FROM temp.hv"):
            self.tf[doc][term] += weight
            self.len[doc] += 1

    def stem(self, words):
        out = []
        for w in words:
            self.stemmer.execute("DELETE FROM q")
            self.stemmer.execute("INSERT INTO q (t) VALUES (?)", (w,))
            out += [r[0] for r in self.stemmer.execute("SELECT term FROM temp.qv ORDER BY offset")]
        return out

    def query_terms(self, text):
        words = re.findall(r"[^\W_]+", text)  # unicode61's words: letters and digits, split at '_'
        kept = [w for w in words if w.lower() not in STOP][:64]
        return self.stem(kept or words[:64])

    def df(self, t):
        return len(self.postings.get(t, ()))

    def idf(self, t, kind):
        n = self.df(t)
        if kind == "lucene":
            return math.log(1 + (self.n - n + 0.5) / (n + 0.5))
        v = math.log((self.n - n + 0.5) / (n + 0.5))
        return v if v > 0 else 1e-6

    def bm25(self, weighted_terms, cfg, pool=100):
        k1, b, kind = cfg.get("k1", 1.6), cfg.get("b", 0.4), cfg.get("idf", "fts5")
        scores = collections.defaultdict(float)
        for t, w in weighted_terms:
            idf = self.idf(t, kind) * w
            for d in self.postings.get(t, ()):
                f = self.tf[d][t]
                scores[d] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * self.len[d] / self.avgdl))
        return heapq.nsmallest(pool, scores.items(), key=lambda x: (-x[1], x[0]))

    def proximity(self, hits, terms, cfg):
        lam, window, k1 = cfg["prox"], cfg.get("win", 5), 1.6
        terms = [t for t in dict.fromkeys(terms) if t in self.postings]
        out = []
        for c, s in hits:
            p = self.pos.get(c, {})
            present = [t for t in terms if t in p]
            bonus = 0.0
            for i in range(len(present)):
                for j in range(i + 1, len(present)):
                    acc = sum(1.0 / (abs(x - y) ** 2) for x in p[present[i]] for y in p[present[j]]
                              if 0 < abs(x - y) <= window)
                    if acc:
                        bonus += min(self.idf(present[i], "fts5"), self.idf(present[j], "fts5")) * acc * (k1 + 1) / (acc + k1)
            out.append((c, s + lam * bonus))
        out.sort(key=lambda x: (-x[1], x[0]))
        return out

    def evidence(self, hits, cfg):
        weight, others, decay, elen = cfg.get("ew", 0.15), cfg.get("eo", 6), cfg.get("ed", 1.0), cfg.get("elen", 0.0)
        if not hits:
            return hits
        best = hits[0][1]
        by_doc = collections.defaultdict(list)
        for c, s in hits:
            by_doc[self.chunk_doc[c]].append(s / best)
        out = []
        for c, s in hits:
            own, total, counted, skipped = s / best, 0.0, 0, False
            for x in by_doc[self.chunk_doc[c]]:
                if counted == others:
                    break
                if not skipped and x == own:
                    skipped = True
                    continue
                total += x * decay ** counted
                counted += 1
            if elen:
                total /= 1.0 + elen * math.log(self.doc_chunks[self.chunk_doc[c]])
            out.append((c, own + weight * total))
        out.sort(key=lambda x: -x[1])  # stable: equal scores keep BM25's order
        return out

    def feedback_terms(self, hits, query, cfg):
        probability = collections.Counter()
        for c, s in hits[:cfg.get("fbd", 10)]:
            length = sum(self.raw[c].values()) or 1
            for t, n in self.raw[c].items():
                probability[t] += s * n / length
        asked = set(query)
        cands = sorted(((p, t) for t, p in probability.items()
                        if t not in asked and t not in self.stop_stems and not t.isdigit()
                        and 2 <= self.df(t) <= 0.1 * self.n), reverse=True)[:cfg.get("fbt", 10)]
        total = sum(p for p, _ in cands) or 1.0
        return [(t, cfg.get("beta", 0.3) * len(query) * p / total) for p, t in cands]

    def cooccurring_terms(self, query, cfg):
        """For each query term, the `cot` terms with the highest pointwise mutual information with
        it over chunks (in at least 5 of its chunks, 2 to 10% of all chunks), each of weight `co`."""
        out = {}
        for t in dict.fromkeys(query):
            chunks = self.postings.get(t, ())
            if not chunks:
                continue
            together = collections.Counter()
            for c in chunks:
                together.update(self.tf[c].keys())
            scored = []
            for w, n in together.items():
                if w in out or w == t or w in self.stop_stems or w.isdigit() or n < 5 or not 2 <= self.df(w) <= 0.1 * self.n:
                    continue
                scored.append((math.log(n * self.n / (len(chunks) * self.df(w))), w))
            for _, w in sorted(scored, reverse=True)[:cfg.get("cot", 3)]:
                out[w] = cfg["co"]
        return [(w, x) for w, x in out.items() if w not in query]

    def rank(self, text, cfg):
        query = self.query_terms(text)
        if cfg.get("cstop"):
            query = [t for t in query if self.df(t) <= cfg["cstop"] * self.n] or query
        weighted = [(t, 1.0) for t in query]
        if cfg.get("co"):
            weighted += self.cooccurring_terms(query, cfg)
        base = self.bm25(weighted, cfg)
        if cfg.get("prox"):
            base = self.proximity(base, query, cfg)
        hits = self.evidence(base, cfg)
        if cfg.get("prf") and hits:
            second = self.bm25(weighted + self.feedback_terms(hits, query, cfg), cfg, 10**9 if cfg.get("rerank") else 100)
            if cfg.get("rerank"):
                first = {c for c, _ in base}
                second = [(c, s) for c, s in second if c in first]
            hits = self.evidence(second, cfg)
        return hits


def write_run(index, queries, cfg, path, to_id):
    with open(path, "w", encoding="utf-8") as f:
        for q in queries:
            seen = set()
            for c, s in index.rank(q["text"], cfg):
                d = to_id(index.doc_source[index.chunk_doc[c]])
                if d not in seen:
                    seen.add(d)
                    f.write(f"{q['id']} Q0 {d} {len(seen)} {s:.6f} screen\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("configs")
    p.add_argument("--ir", help="folder of <collection>/store.db")
    p.add_argument("--qa", help="folder of <manual>.db")
    p.add_argument("--eval", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval"))
    a = p.parse_args()
    configs = [json.loads(l) for l in open(a.configs, encoding="utf-8") if l.strip()]
    sets = []
    for name in IR:
        if a.ir and os.path.exists(f"{a.ir}/{name}/store.db") and os.path.exists(f"{a.eval}/{name}/qrels.tsv"):
            sets.append((name, f"{a.ir}/{name}/store.db", f"{a.eval}/{name}/queries.jsonl"))
    for name in QA:
        if a.qa and os.path.exists(f"{a.qa}/{name}.db"):
            sets.append((name, f"{a.qa}/{name}.db", f"{a.eval}/docs-qa/{name}/questions.jsonl"))
    tmp = tempfile.mkdtemp()
    results = [{"cfg": c, "res": {}} for c in configs]
    heading_weights = sorted({c.get("hw", 0.0) for c in configs})
    for name, store, queries_path in sets:  # one store in memory at a time
        indexes = {w: Index(store, w) for w in heading_weights}
        queries = [json.loads(l) for l in open(queries_path, encoding="utf-8") if l.strip()]
        index = indexes[heading_weights[0]]
        if name in QA:  # sources relative to the folder ingested: their common folder
            root = os.path.commonpath(list(index.doc_source.values())) + "/"
            to_id = lambda s, root=root: s[len(root):] if s.startswith(root) else s
        else:
            to_id = lambda s: s
        for r in results:
            index = indexes[r["cfg"].get("hw", 0.0)]
            run = f"{tmp}/{name}.run"
            write_run(index, queries, r["cfg"], run, to_id)
            if name in QA:
                out = subprocess.run([sys.executable, f"{a.eval}/docs-qa/score_qa.py", run, f"{a.eval}/docs-qa/{name}/qrels.tsv",
                                      "--json"], capture_output=True, text=True, check=True).stdout
                g = json.loads(out)["groups"][name]
                r["res"][name] = [round(g["success@3"], 4), round(g["MRR@10"], 4)]
            else:
                out = subprocess.run([sys.executable, f"{a.eval}/score.py", f"{a.eval}/{name}/qrels.tsv", run, "--json"],
                                     capture_output=True, text=True, check=True).stdout
                m = json.loads(out)["mean"]
                r["res"][name] = [round(m["nDCG@10"], 4), round(m["MRR@10"], 4)]
        del indexes, index
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
