#!/usr/bin/env python3
"""Screen a link prior for documentation: a page that many other pages link to ranks higher.

    bench/link_prior_screen.py DOCS RUNS [--eval ../shared/eval] [--weights 0,0.02,0.05,...]

DOCS: the folder `../shared/eval/docs-qa/make-docs.sh` builds (postgresql, python, fastapi).
RUNS: <manual>.run for each, the binary's keyword runs as `../shared/eval/docs-qa/strata_run.py
STORE MANUAL DOCS/MANUAL QUESTIONS RUNS/MANUAL.run -k 100` writes them (one store per manual).

A page's in-links are the other pages of its manual that link to it (HTML `href`, Markdown
`](...)`, relative links resolved against the linking page; each linking page counted once).
Targets linked from more than half the pages are the site's own navigation (the home page,
indexes) and get no prior. Each question's pages are re-scored as score x (1 + w x ln(1 + in-links))
and re-ranked; a weight of 0 gives the run as it is. Prints success@3 / MRR@10 per manual and
weight (`score_qa.py`). The prior is not in strata: no weight gains on all three manuals (the
history's "search quality", 2026-11-26, link prior). Standard library only.
"""
import argparse, collections, json, math, os, posixpath, re, subprocess, sys, tempfile

MANUALS = ("postgresql", "python", "fastapi")
HREF = re.compile(r"""href\s*=\s*["']([^"'#?]+)""", re.I)
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s?]+)")


def in_links(root):
    pages = set()
    for folder, _, files in os.walk(root):
        for f in files:
            if f.endswith((".html", ".htm", ".md")):
                pages.add(os.path.relpath(os.path.join(folder, f), root))
    linked = collections.defaultdict(set)
    for page in pages:
        text = open(os.path.join(root, page), encoding="utf-8", errors="replace").read()
        for m in (MARKDOWN_LINK if page.endswith(".md") else HREF).finditer(text):
            url = m.group(1)
            if "://" in url or url.startswith("mailto:"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), url))
            if target in pages and target != page:
                linked[target].add(page)
    return {t: len(s) for t, s in linked.items() if len(s) <= len(pages) / 2}


def rerank(run_path, links, weight, out_path):
    runs = collections.defaultdict(list)
    for line in open(run_path, encoding="utf-8"):
        q, _, page, _, score, _ = line.split()
        runs[q].append((page, float(score)))
    with open(out_path, "w", encoding="utf-8") as out:
        for q, hits in runs.items():
            hits = sorted(((p, s * (1 + weight * math.log1p(links.get(p, 0)))) for p, s in hits), key=lambda h: -h[1])
            for rank, (page, score) in enumerate(hits, 1):
                out.write(f"{q} Q0 {page} {rank} {score:.6f} link-prior\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("docs")
    p.add_argument("runs")
    p.add_argument("--eval", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval"))
    p.add_argument("--weights", default="0,0.02,0.05,0.1,0.15,0.2,0.3")
    a = p.parse_args()
    tmp = tempfile.mkdtemp()
    links = {m: in_links(os.path.join(a.docs, m)) for m in MANUALS}
    for w in (float(x) for x in a.weights.split(",")):
        row = {}
        for m in MANUALS:
            out = os.path.join(tmp, f"{m}.run")
            rerank(os.path.join(a.runs, f"{m}.run"), links[m], w, out)
            score = subprocess.run([sys.executable, f"{a.eval}/docs-qa/score_qa.py", out, f"{a.eval}/docs-qa/{m}/qrels.tsv", "--json"],
                                   capture_output=True, text=True, check=True).stdout
            g = json.loads(score)["groups"][m]
            row[m] = [round(g["success@3"], 3), round(g["MRR@10"], 3)]
        print(json.dumps({"weight": w, "res": row}))


if __name__ == "__main__":
    main()
