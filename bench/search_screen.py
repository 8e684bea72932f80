#!/usr/bin/env python3
"""Screen keyword-ranking ideas on existing stores without rebuilding strata.

    bench/search_screen.py CONFIGS.jsonl --ir DIR [--qa DIR] [--eval ../shared/eval]

A replica of `strata search --mode keyword` read from a store's own FTS5 index (its terms,
positions and lengths, through SQLite's fts5vocab; the porter tokenizer is SQLite's own): BM25
with k1 1.6, b 0.4 and the title weight 3 (store/fts_bm25.h), FTS5's idf, the query's terms as
search/fts_query.cpp makes them (Lucene's 33 stop words and the pronouns, at most 64 terms; then
the whole term of each name such as C++ or C#, once: common/symbol_terms.h), the best 100 chunks,
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
  fw                           drop English function words from queries too: 1 FUNCTION_WORDS, 2
                               SPEAKER_WORDS (pronouns, auxiliaries, question words)
  fwc                          a list of WORD_CLASSES to drop from queries (pronouns, auxiliaries,
                               modals, wh, clitics)
  stop: "lucene"               Lucene's 33 stop words only, as the binary before 6af5022 (the
                               pronouns searched for)
  cstop                        drop query terms in more than this share of the chunks
  k1, b                        BM25's parameters (1.6, 0.4)
  coord                        coordination: a chunk's BM25 times (the idf of the query terms it
                               holds / the idf of all the query's terms) to this power
  tw                           the title's weight (3: store/fts_bm25.h)
  tl                           a title as a label: the weight above only for a title of at most tl
                               terms; a longer one weighs 1 + (tw - 1) x tl / its terms
  wv, wvf, wvt, wvm             expansion by word vectors: each query word's wvm (3) nearest words
                               (cosine >= wvt, 0.6) from the table wvf, in the collection, weight
                               wv x cosine
  tc                           the title's terms found in at least this share of the chunks'
                               titles (a site's suffix) left out of the index
  hw                           the chunk's heading path (chunks.headings) as a field of this weight
  ew, eo, ed, elen             the evidence: weight, other chunks counted, decay per other chunk,
                               others divided by 1 + elen x ln(chunks of the document)
  dsat                         a term's saturation across a page: in the evidence, an other chunk's
                               BM25 counts each query term's part divided by 1 + dsat x (earlier
                               chunks of its page in the pool matching that term)
  hb, hrare                    heading bonus: hb x (idf of the query's rare terms, those in at most
                               hrare (1%) of chunks, found in the chunk's headings) / (idf of all
                               query terms), added to the chunk's share of the best score; only when
                               the query has a rare term in the headings
  coall, cot                   co-occurrence expansion with the terms that co-occur with ALL query
                               terms: the cot (3) terms of highest summed PMI among those in chunks
                               of every query term (at least 3 each), each of weight coall
Hybrid (with --vectors DIR; the vector lists come from the binary, `strata search --mode vector
-k 400`, cached as DIR/<set>.vec.jsonl; --strata PATH): the keyword list above, 400 deep (the
evidence among its best 100, the rest in BM25 order), fused with the vector list by weighted
reciprocal rank (k 60) as search/rrf.cpp does:
  vw                           the vector weight (0.03): a config with vw is scored in hybrid mode
  guard: "pool", gpool         only chunks in keyword's best gpool (100) take the vector's part
  guard: "top", gtop           keyword's best gtop (1) chunks count as the vector list's best gtop
                               (its i-th best as the vector's i-th), so keyword's best stays first
  guard: "raise"               keyword's best chunk's vector part raised to the vector list's
                               first's, w / 61 (the lists otherwise as they are), so it stays first:
                               search/searcher.cpp's fuse_hybrid below weight 1
  guard: "front"               keyword's best chunk put first in the vector list (the others move
                               down a place)
  guard: "margin", gm          keyword's best counts as the vector's best too only when the
                               runner-up's keyword score is below (1 - gm) x its own
  agree                        the vector weight scaled by 2 x (share of keyword's top-10 documents
                               also in the vector's top 10), at most agree x the weight
--ir DIR: DIR/<collection>/store.db as `KEEP=DIR/<collection> bench/search_eval.sh` leaves it
(npl, med, cisi, cacm, lisa, scifact: those present). --qa DIR: DIR/<manual>.db for postgresql,
python, fastapi, each one collection ingested from the corpus folder make-docs.sh builds.
Prints one JSON line per config: per set nDCG@10 (IR) or success@3 (docs-qa), and MRR@10.
--loso: then leaves each set out in turn, picks among the configs after the first the one with
the best mean gain over the first (the baseline) on the other sets (nDCG@10 for a collection,
MRR@10 for a manual), and prints the pick's gain on the set left out, and their mean.
Standard library only (Python's sqlite3 with FTS5).
"""
import argparse, collections, heapq, json, math, os, re, sqlite3, subprocess, sys, tempfile

HYBRID_DEPTH, RRF_K = 400, 60.0

LUCENE_STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then "
                  "there these they this to was will with".split())
# The personal and possessive pronouns search/fts_query.cpp drops too (since 6af5022).
PRONOUNS = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself its itself them theirs themselves""".split())
STOP = LUCENE_STOP | PRONOUNS
# English function words beyond Lucene's 33 (NLTK's English list less those): pronouns, auxiliaries,
# question words, determiners and prepositions; the `fw` config drops them from queries too.
FUNCTION_WORDS = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself its itself them theirs themselves what which who whom those am were been being have has
had having do does did doing because until while about against between through during before after above below
from up down out off over under again further once here when where why how all any both each few more most other
some nor only own same so than too very s t can just don should now d ll m o re ve y ain aren couldn didn doesn
hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn""".split())
# The classes of function words that are never a keyword of a language or a tool, for `fwc`: a list
# of the classes to drop; `fw` 2 drops them all (SPEAKER_WORDS).
WORD_CLASSES = {
    "pronouns": PRONOUNS,
    "auxiliaries": set("am were been being have has had having do does did doing".split()),
    "modals": set("can could should would might must shall may".split()),
    "wh": set("what which who whom how why".split()),
    "clitics": set("s t don d ll m re ve".split()),
}
SPEAKER_WORDS = set().union(*WORD_CLASSES.values())
IR = ("npl", "med", "cisi", "cacm", "lisa", "scifact")
QA = ("postgresql", "python", "fastapi")


# The code points common/cjk_terms.cpp bigrams (is_cjk): a name may follow one inside a word (使用C++).
CJK_RANGES = ((0x1100, 0x11FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
              (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
              (0xFF66, 0xFFDC), (0x20000, 0x3FFFF))


def symbol_terms(text, most=16):
    """The whole terms of the names in a query, each once, as common/symbol_terms.h derives them and
    search/fts_query.cpp adds them: a word's trailing ASCII letters and digits (the whole word, or
    after a CJK character) starting with a letter, then one '+' or one '#' that no word character
    follows, or "++" (C++17): `C++` -> cplusplus, `C#` -> csharp, `Google+` -> googleplus."""
    out = []
    words = list(re.finditer(r"[^\W_]+", text))
    for i, m in enumerate(words):
        end = m.end()
        if end >= len(text) or text[end] not in "+#":
            continue
        word = m.group()
        name = re.search(r"[A-Za-z0-9]*$", word).group()
        if not name or not ("a" <= name[0].lower() <= "z"):
            continue
        if len(name) < len(word) and not any(a <= ord(word[-len(name) - 1]) <= b for a, b in CJK_RANGES):
            continue
        following = words[i + 1].start() if i + 1 < len(words) else None
        if text[end] == "#":
            if text[end + 1:end + 2] == "#" or following == end + 1:
                continue
            suffix = "sharp"
        else:
            after = end
            while after < len(text) and text[after] == "+":
                after += 1
            if after - end > 2 or (after - end == 1 and following == after):
                continue
            suffix = "plus" * (after - end)
        term = name.lower() + suffix
        if term not in out and len(out) < most:
            out.append(term)
    return out


def stop_words(cfg):
    """The query's stop words: the binary's, or Lucene's alone with `"stop": "lucene"`."""
    return LUCENE_STOP if cfg.get("stop") == "lucene" else STOP


def index_key(cfg):
    """The Index arguments a config needs beyond the store: heading, title, label, common."""
    return (cfg.get("hw", 0.0), cfg.get("tw", 3.0), cfg.get("tl", 0.0), cfg.get("tc", 0.0))


class Index:
    """One store's chunks: weighted term frequencies, text positions, lengths, document frequencies."""

    def __init__(self, path, heading_weight=0.0, title_weight=3.0, title_label=0.0, title_common=0.0):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.chunk_doc = dict(db.execute("SELECT id, document_id FROM chunks"))
        self.doc_source = dict(db.execute("SELECT id, source FROM documents"))
        self.doc_chunks = collections.Counter(self.chunk_doc.values())
        db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_fts, instance)")
        weight = {"text": 1.0, "title": 1.0, "cjk": 1.0}
        titles = collections.defaultdict(collections.Counter)  # weighted after the title's length is known
        self.tf = collections.defaultdict(lambda: collections.defaultdict(float))
        self.raw = collections.defaultdict(collections.Counter)  # text and title, unweighted
        self.pos = collections.defaultdict(lambda: collections.defaultdict(list))  # text only
        self.len = collections.Counter()
        for term, doc, col, offset in db.execute("SELECT term, doc, col, offset FROM temp.vocab"):
            if col not in weight:
                continue  # the collection's scope token
            if col == "title":
                titles[doc][term] += 1
            else:
                self.tf[doc][term] += weight[col]
            self.len[doc] += 1
            if col != "cjk":
                self.raw[doc][term] += 1
            if col == "text":
                self.pos[doc][term].append(offset)
        if title_common:  # a title's terms in at least this share of the chunks' titles: a site's suffix
            title_df = collections.Counter(t for terms in titles.values() for t in terms)
            common = {t for t, c in title_df.items() if c >= title_common * len(self.chunk_doc)}
            for doc, terms in titles.items():
                for t in common & set(terms):
                    self.len[doc] -= terms.pop(t)
        for doc, terms in titles.items():
            n = sum(terms.values())
            if not n:
                continue
            w = title_weight if not title_label else 1 + (title_weight - 1) * min(1.0, title_label / n)
            for term, c in terms.items():
                self.tf[doc][term] += w * c
        if heading_weight:
            self.add_headings(db, heading_weight)
        self.db_path = path
        self._headings = None
        self.n = len(self.chunk_doc)
        self.avgdl = sum(self.len.values()) / max(1, self.n)
        self.postings = collections.defaultdict(list)
        for doc, terms in self.tf.items():
            for t in terms:
                self.postings[t].append(doc)
        self.stemmer = sqlite3.connect(":memory:")
        self.stemmer.execute("CREATE VIRTUAL TABLE q USING fts5(t, tokenize='porter unicode61 remove_diacritics 2')")
        self.stemmer.execute("CREATE VIRTUAL TABLE temp.qv USING fts5vocab(main, q, instance)")
        self.stop_stems = set(self.stem(sorted(LUCENE_STOP)))

    @staticmethod
    def heading_instances(db):
        """(stemmed term, chunk id) for each word of each chunk's heading path (chunks.headings)."""
        mem = sqlite3.connect(":memory:")
        mem.execute("CREATE VIRTUAL TABLE h USING fts5(t, tokenize='porter unicode61 remove_diacritics 2')")
        mem.executemany("INSERT INTO h (rowid, t) VALUES (?, ?)",
                        ((c, " ".join(json.loads(h))) for c, h in db.execute("SELECT id, headings FROM chunks WHERE headings IS NOT NULL")
                         if h.startswith("[")))
        mem.execute("CREATE VIRTUAL TABLE temp.hv USING fts5vocab(main, h, instance)")
        return [(term, doc) for term, doc, _, _ in mem.execute("SELECT term, doc, col, offset FROM temp.hv")]

    def add_headings(self, db, weight):
        """The chunk's heading path as a further field of `weight`, its terms counted in the
        chunk's length, as a column of chunks_fts would be."""
        for term, doc in self.heading_instances(db):
            self.tf[doc][term] += weight
            self.len[doc] += 1

    def heading_terms(self):
        """Each chunk's heading path as a set of stemmed terms (read once, on first use)."""
        if self._headings is None:
            self._headings = {}
            for term, doc in self.heading_instances(sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)):
                self._headings.setdefault(doc, set()).add(term)
        return self._headings

    def stem(self, words):
        out = []
        for w in words:
            self.stemmer.execute("DELETE FROM q")
            self.stemmer.execute("INSERT INTO q (t) VALUES (?)", (w,))
            out += [r[0] for r in self.stemmer.execute("SELECT term FROM temp.qv ORDER BY offset")]
        return out

    def query_terms(self, text, stop=STOP):
        words = re.findall(r"[^\W_]+", text)  # unicode61's words: letters and digits, split at '_'
        kept = [w for w in words if w.lower() not in stop][:64]
        return self.stem(kept or words[:64]) + self.stem(symbol_terms(text))

    def df(self, t):
        return len(self.postings.get(t, ()))

    def idf(self, t, kind):
        n = self.df(t)
        if kind == "lucene":
            return math.log(1 + (self.n - n + 0.5) / (n + 0.5))
        v = math.log((self.n - n + 0.5) / (n + 0.5))
        return v if v > 0 else 1e-6

    def bm25(self, weighted_terms, cfg, pool=100, parts=None):
        k1, b, kind = cfg.get("k1", 1.6), cfg.get("b", 0.4), cfg.get("idf", "fts5")
        scores = collections.defaultdict(float)
        coverage, whole = collections.defaultdict(float), 0.0
        for t, w in weighted_terms:
            idf = self.idf(t, kind) * w
            whole += idf if t in self.postings else 0.0
            for d in self.postings.get(t, ()):
                f = self.tf[d][t]
                x = idf * f * (k1 + 1) / (f + k1 * (1 - b + b * self.len[d] / self.avgdl))
                scores[d] += x
                coverage[d] += idf
                if parts is not None:
                    parts[d][t] = parts[d].get(t, 0.0) + x
        if cfg.get("coord") and whole > 0:
            for d in scores:
                scores[d] *= (coverage[d] / whole) ** cfg["coord"]
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

    def evidence(self, hits, cfg, parts=None):
        weight, others, decay, elen = cfg.get("ew", 0.15), cfg.get("eo", 6), cfg.get("ed", 1.0), cfg.get("elen", 0.0)
        if not hits:
            return hits
        best = hits[0][1]
        by_doc = collections.defaultdict(list)
        if cfg.get("dsat") and parts is not None:
            # a term's part in an other chunk counts less the more of the page's earlier chunks
            # (in the pool's order) already matched it: the lent scores saturate per term
            seen = collections.defaultdict(collections.Counter)
            lent = {}
            for c, s in hits:
                d = self.chunk_doc[c]
                lent[c] = sum(x / (1.0 + cfg["dsat"] * seen[d][t]) for t, x in parts[c].items()) / best
                for t in parts[c]:
                    seen[d][t] += 1
            out = []
            for c, s in hits:
                own, total, counted = s / best, 0.0, 0
                for c2, _ in hits:
                    if counted == others:
                        break
                    if c2 != c and self.chunk_doc[c2] == self.chunk_doc[c]:
                        total += lent[c2]
                        counted += 1
                out.append((c, own + weight * total))
            out.sort(key=lambda x: -x[1])
            return out
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

    def cooccurring_with_all(self, query, cfg):
        """The cot terms of highest summed PMI among those found in at least 3 chunks of every
        query term (2 to 10% of all chunks), each of weight coall."""
        terms = [t for t in dict.fromkeys(query) if self.postings.get(t)]
        if len(terms) < 2:
            return []
        common, pmi = None, collections.defaultdict(float)
        for t in terms:
            chunks = self.postings[t]
            together = collections.Counter()
            for c in chunks:
                together.update(self.tf[c].keys())
            ok = {w for w, n in together.items() if n >= 3}
            common = ok if common is None else common & ok
            for w in ok:
                if 2 <= self.df(w) <= 0.1 * self.n:
                    pmi[w] += math.log(together[w] * self.n / (len(chunks) * self.df(w)))
        cands = sorted(((pmi[w], w) for w in common if w in pmi and w not in query and w not in self.stop_stems
                        and not w.isdigit()), reverse=True)[:cfg.get("cot", 3)]
        return [(w, cfg["coall"]) for _, w in cands]

    def heading_bonus(self, hits, query, cfg):
        rare = [t for t in dict.fromkeys(query) if 0 < self.df(t) <= cfg.get("hrare", 0.01) * self.n]
        if not rare or not hits:
            return hits
        heads = self.heading_terms()
        total = sum(self.idf(t, "fts5") for t in dict.fromkeys(query) if self.df(t)) or 1.0
        best = hits[0][1]
        out = []
        for c, s in hits:
            h = heads.get(c, ())
            bonus = sum(self.idf(t, "fts5") for t in rare if t in h) / total
            out.append((c, s + cfg["hb"] * bonus * best))
        out.sort(key=lambda x: -x[1])
        return out

    def keyword_list(self, text, cfg, depth):
        """Keyword's list as the binary makes it `depth` deep: the evidence among the best 100,
        the rest after them in BM25 order."""
        hits = self.rank(text, cfg)
        if depth <= 100:
            return hits
        full = self.rank(text, cfg, pool=depth)
        first = {c for c, _ in hits}
        return hits + [(c, s) for c, s in full if c not in first]

    _neighbours = {}

    def neighbour_terms(self, text, query, cfg):
        """Expansion by word vectors: for each query word, its wvm (3) nearest words in the
        file cfg["wvf"] ({word: [[neighbour, cosine], ...]}, precomputed from a word-vector table)
        with cosine at least wvt (0.6) whose stems are in the collection and not in the query,
        each of weight wv x cosine."""
        path = cfg["wvf"]
        if path not in Index._neighbours:
            Index._neighbours[path] = json.load(open(path, encoding="utf-8"))
        table, have, out = Index._neighbours[path], set(query), []
        for word in re.findall(r"[^\W_]+", text.lower()):
            if word in stop_words(cfg):
                continue
            kept = 0
            for near, cos in table.get(word, []):
                if cos < cfg.get("wvt", 0.6) or kept >= cfg.get("wvm", 3):
                    break
                stem = self.stem([near])
                if stem and stem[0] in self.postings and stem[0] not in have:
                    have.add(stem[0])
                    out.append((stem[0], cfg["wv"] * cos))
                    kept += 1
        return out

    def rank(self, text, cfg, pool=100):
        drop = {0: set(), 1: FUNCTION_WORDS, 2: SPEAKER_WORDS}[cfg.get("fw", 0)]
        for c in cfg.get("fwc", ()):
            drop = drop | WORD_CLASSES[c]
        query = self.query_terms(text, stop_words(cfg) | drop)
        if cfg.get("cstop"):
            query = [t for t in query if self.df(t) <= cfg["cstop"] * self.n] or query
        weighted = [(t, 1.0) for t in query]
        if cfg.get("co"):
            weighted += self.cooccurring_terms(query, cfg)
        if cfg.get("coall"):
            weighted += self.cooccurring_with_all(query, cfg)
        if cfg.get("wv"):
            weighted += self.neighbour_terms(text, query, cfg)
        parts = collections.defaultdict(dict) if cfg.get("dsat") else None
        base = self.bm25(weighted, cfg, pool, parts)
        if pool > 100:
            return base  # the tail of a hybrid keyword list: BM25 order
        if cfg.get("prox"):
            base = self.proximity(base, query, cfg)
        if cfg.get("hb"):
            base = self.heading_bonus(base, query, cfg)
        hits = self.evidence(base, cfg, parts)
        if cfg.get("prf") and hits:
            second = self.bm25(weighted + self.feedback_terms(hits, query, cfg), cfg, 10**9 if cfg.get("rerank") else 100)
            if cfg.get("rerank"):
                first = {c for c, _ in base}
                second = [(c, s) for c, s in second if c in first]
            hits = self.evidence(second, cfg)
        return hits


def fuse(keyword, vector, cfg, chunk_doc, kscores=None):
    """Weighted reciprocal-rank fusion as search/rrf.cpp (ties: best rank, then keyword, then id),
    with the guards of the config."""
    w = cfg.get("vw", 0.03)
    if cfg.get("agree") is not None:
        kd, vd = [], []
        for lst, out in ((keyword, kd), (vector, vd)):
            for c in lst:
                d = chunk_doc.get(c)
                if d not in out:
                    out.append(d)
                if len(out) == 10:
                    break
        share = len(set(kd) & set(vd)) / 10.0
        w = w * min(cfg["agree"], 2.0 * share)
    if cfg.get("guard") == "pool":
        allowed = set(keyword[:cfg.get("gpool", 100)])
        vector = [c for c in vector if c in allowed]
    guarded = {}
    if cfg.get("guard") == "top":  # keyword's i-th best counts as the vector's i-th best too
        guarded = {c: r for r, c in enumerate(keyword[:cfg.get("gtop", 1)], 1)}
    if cfg.get("guard") == "margin" and len(keyword) > 1 and kscores[1] < (1 - cfg.get("gm", 0.05)) * kscores[0]:
        guarded = {keyword[0]: 1}  # keyword's best is clearly ahead: it keeps the first place
    if cfg.get("guard") == "front":  # keyword's best moved to the vector list's head
        vector = keyword[:1] + [c for c in vector if c not in keyword[:1]]
    vector = [c for c in vector if c not in guarded]
    score, best = collections.defaultdict(float), {}
    for li, (lst, weight) in enumerate(((keyword, 1.0), (vector, w))):
        for r, c in enumerate(lst, 1):
            score[c] += weight / (RRF_K + r)
            if c not in best or r < best[c][0]:
                best[c] = (r, li)
    for c, r in guarded.items():
        score[c] += w / (RRF_K + r)
    if cfg.get("guard") == "raise" and keyword:  # keyword's best: its vector part raised to the first's
        kb = keyword[0]
        vr = vector.index(kb) + 1 if kb in vector else None
        score[kb] += w / (RRF_K + 1) - (w / (RRF_K + vr) if vr else 0.0)
    order = sorted(score, key=lambda c: (-score[c], best[c][0], best[c][1], c))
    return [(c, score[c]) for c in order]


def vector_lists(strata, store, queries, cache):
    """The binary's vector list of each query, `HYBRID_DEPTH` chunk ids, cached in `cache`."""
    if os.path.exists(cache):
        return {r["q"]: r["ids"] for r in map(json.loads, open(cache, encoding="utf-8"))}
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    collection = db.execute("SELECT name FROM collections ORDER BY id LIMIT 1").fetchone()[0]
    out = {}
    with open(cache + ".tmp", "w", encoding="utf-8") as f:
        for q in queries:
            p = subprocess.run([strata, "search", "--store", store, "--collection", collection, "--mode", "vector",
                                "-k", str(HYBRID_DEPTH), "--json", "-q", "--", q["text"]], capture_output=True, text=True, check=True)
            out[q["id"]] = [json.loads(l)["id"] for l in p.stdout.splitlines() if l.strip()]
            f.write(json.dumps({"q": q["id"], "ids": out[q["id"]]}) + "\n")
    os.replace(cache + ".tmp", cache)
    return out


def write_run(index, queries, cfg, path, to_id, vectors=None):
    with open(path, "w", encoding="utf-8") as f:
        for q in queries:
            seen = set()
            if "vw" in cfg:
                kl = index.keyword_list(q["text"], cfg, HYBRID_DEPTH)
                ranked = fuse([c for c, _ in kl], vectors[q["id"]], cfg, index.chunk_doc, [s for _, s in kl])[:100]
            else:
                ranked = index.rank(q["text"], cfg)
            for c, s in ranked:
                d = to_id(index.doc_source[index.chunk_doc[c]])
                if d not in seen:
                    seen.add(d)
                    f.write(f"{q['id']} Q0 {d} {len(seen)} {s:.6f} screen\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("configs")
    p.add_argument("--ir", help="folder of <collection>/store.db")
    p.add_argument("--qa", help="folder of <manual>.db")
    p.add_argument("--vectors", help="folder for the cached vector lists (hybrid configs)")
    p.add_argument("--strata", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "strata"))
    p.add_argument("--loso", action="store_true", help="leave-one-set-out choice among the configs")
    p.add_argument("--only", help="comma-separated sets to run (default: all present)")
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
    if a.only:
        sets = [x for x in sets if x[0] in a.only.split(",")]
    tmp = tempfile.mkdtemp()
    results = [{"cfg": c, "res": {}} for c in configs]
    field_weights = sorted({index_key(c) for c in configs})
    for name, store, queries_path in sets:  # one store in memory at a time
        indexes = {w: Index(store, *w) for w in field_weights}
        queries = [json.loads(l) for l in open(queries_path, encoding="utf-8") if l.strip()]
        index = indexes[field_weights[0]]
        if name in QA:  # sources relative to the folder ingested: their common folder
            root = os.path.commonpath(list(index.doc_source.values())) + "/"
            to_id = lambda s, root=root: s[len(root):] if s.startswith(root) else s
        else:
            to_id = lambda s: s
        vectors = None
        if any("vw" in r["cfg"] for r in results):
            os.makedirs(a.vectors, exist_ok=True)
            vectors = vector_lists(a.strata, store, queries, f"{a.vectors}/{name}.vec.jsonl")
        for r in results:
            index = indexes[index_key(r["cfg"])]
            run = f"{tmp}/{name}.run"
            write_run(index, queries, r["cfg"], run, to_id, vectors)
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
    if a.loso and len(results) > 1:
        print(json.dumps(leave_one_out(results)))


def leave_one_out(results):
    """Each set left out in turn: the config (after the baseline, results[0]) with the best mean
    gain on the other sets, and its gain on the one left out."""
    def value(r, name):
        return r["res"][name][1] if name in QA else r["res"][name][0]
    base, names = results[0], list(results[0]["res"])
    folds = {}
    for out in names:
        rest = [n for n in names if n != out]
        gains = [(sum(value(r, n) - value(base, n) for n in rest) / len(rest), i) for i, r in enumerate(results[1:], 1)]
        g, i = max(gains)
        folds[out] = {"pick": results[i]["cfg"], "mean_gain_others": round(g, 4),
                      "gain_left_out": round(value(results[i], out) - value(base, out), 4)}
    return {"loso": folds, "mean_gain_left_out": round(sum(f["gain_left_out"] for f in folds.values()) / len(folds), 4)}


if __name__ == "__main__":
    main()
