#!/usr/bin/env python3
"""Convert BEIR's SciFact (corpus.jsonl, queries.jsonl, qrels/test.tsv) to ../shared/eval's format.

    bench/scifact_convert.py SRC OUT --repo OWNER/NAME --commit SHA [--path scifact]
    bench/scifact_convert.py --git-dir DIR OUT --repo OWNER/NAME --commit SHA [--path scifact]
    bench/scifact_convert.py --git-dir DIR OUT --repo OWNER/NAME --commit SHA --zip data/scifact.zip

SRC is a folder holding BEIR's SciFact files; with --git-dir they are read from that git
directory at COMMIT under PATH instead (a bare snapshot, no work tree). --zip reads the CSV form
of SciFact (a zip of corpus_train.csv: doc_id, title, abstract as a list of sentences; and
claims_validation.csv: id, claim, ..., cited_doc_ids) and derives BEIR's test split from it as
BEIR does: a document's text is its abstract's sentences joined by spaces, the queries are the
300 validation ("dev") claims, a query's judgments are its cited documents (339). OUT (default
~/.cache/strata-peers/eval/scifact) gets what bench/search_eval.sh reads (EVAL=OUT/..,
COLLECTION=scifact): docs.jsonl ({"id", "title", "text"}), queries.jsonl (the test queries that
have judgments), qrels.tsv (query, doc, relevance; binary), docs/<id>.txt (title line, then
text) and SOURCE.md, which records the repository, commit, path and git blob id of each input
file, so that the copy can be checked against its source. The data is not part of this
repository. Checks that the copy is BEIR's: 5,183 documents, 300 test queries with judgments,
every judged document in the corpus (--expect-docs/--expect-queries for another size).
Standard library only.
"""
import argparse, ast, csv, hashlib, io, json, os, subprocess, sys, tokenize, zipfile

FILES = ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv")


def blob_id(data: bytes) -> str:
    """git's object id of a file's bytes (git hash-object)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_inputs(a):
    out = {}
    for name in FILES:
        rel = f"{a.path.strip('/')}/{name}" if a.path else name
        if a.git_dir:
            data = subprocess.run(["git", "--git-dir", a.git_dir, "show", f"{a.commit}:{rel}"],
                                  capture_output=True, check=True).stdout
        else:
            with open(os.path.join(a.src, name), "rb") as f:
                data = f.read()
        if data.startswith(b"version https://git-lfs"):
            sys.exit(f"scifact_convert.py: {rel} is a Git LFS pointer, not the data")
        out[name] = (rel, data)
    return out


def read_zip(a):
    """The CSV form's zip, from the git directory at --commit (or a file), as BEIR's three files."""
    if a.git_dir:
        data = subprocess.run(["git", "--git-dir", a.git_dir, "show", f"{a.commit}:{a.zip}"],
                              capture_output=True, check=True).stdout
    else:
        with open(a.zip, "rb") as f:
            data = f.read()
    z = zipfile.ZipFile(io.BytesIO(data))
    csv.field_size_limit(1 << 30)

    def sentences(cell):  # a printed list of strings, with or without commas between them
        toks = tokenize.generate_tokens(io.StringIO(cell).readline)
        return [ast.literal_eval(t.string) for t in toks if t.type == tokenize.STRING]

    corpus = io.StringIO()
    for r in csv.DictReader(io.StringIO(z.read("corpus_train.csv").decode("utf-8"))):
        corpus.write(json.dumps({"_id": r["doc_id"], "title": r["title"],
                                 "text": " ".join(sentences(r["abstract"]))}, ensure_ascii=False) + "\n")
    queries, qrels = {}, {}
    for r in csv.DictReader(io.StringIO(z.read("claims_validation.csv").decode("utf-8"))):
        queries[r["id"]] = r["claim"]
        for d in r["cited_doc_ids"].strip("[]").replace(",", " ").split():
            qrels[(r["id"], d)] = 1
    q = "".join(json.dumps({"_id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in queries.items())
    t = "query-id\tcorpus-id\tscore\n" + "".join(f"{k}\t{d}\t1\n" for k, d in qrels)
    rel = a.zip
    return {"corpus.jsonl": (rel + ":corpus_train.csv", corpus.getvalue().encode("utf-8")),
            "queries.jsonl": (rel + ":claims_validation.csv", q.encode("utf-8")),
            "qrels/test.tsv": (rel + ":claims_validation.csv", t.encode("utf-8")),
            "zip": (rel, data)}


def convert(inputs):
    docs = [json.loads(l) for l in inputs["corpus.jsonl"][1].decode("utf-8").splitlines() if l.strip()]
    queries = {}
    for l in inputs["queries.jsonl"][1].decode("utf-8").splitlines():
        if l.strip():
            q = json.loads(l)
            queries[str(q["_id"])] = q["text"]
    qrels = []
    for i, l in enumerate(inputs["qrels/test.tsv"][1].decode("utf-8").splitlines()):
        parts = l.split("\t")
        if i == 0 and parts[0] == "query-id" or not l.strip():
            continue  # BEIR's header
        if int(parts[2]) > 0:
            qrels.append((parts[0], parts[1], int(parts[2])))
    return docs, queries, qrels


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", nargs="?", help="folder with BEIR's SciFact files (or use --git-dir)")
    p.add_argument("out", nargs="?", help="default ~/.cache/strata-peers/eval/scifact")
    p.add_argument("--git-dir", help="read the files from this git directory at --commit")
    p.add_argument("--repo", required=True, help="owner/name of the public repository the files come from")
    p.add_argument("--commit", required=True)
    p.add_argument("--path", default="scifact", help="the folder of the files in that repository")
    p.add_argument("--zip", help="the CSV form's zip: its path in the repository with --git-dir, else a file")
    p.add_argument("--expect-docs", type=int, default=5183)
    p.add_argument("--expect-queries", type=int, default=300)
    a = p.parse_args()
    if a.git_dir and a.src and not a.out:  # --git-dir DIR OUT: the one folder given is OUT
        a.out, a.src = a.src, None
    a.out = a.out or os.path.expanduser("~/.cache/strata-peers/eval/scifact")
    if not a.git_dir and not a.src and not a.zip:
        p.error("give SRC, --git-dir or --zip")
    inputs = read_zip(a) if a.zip else read_inputs(a)
    docs, queries, qrels = convert(inputs)
    ids = {str(d["_id"]) for d in docs}
    judged = sorted({q for q, _, _ in qrels}, key=lambda x: (len(x), x))
    problems = []
    if len(docs) != a.expect_docs or len(ids) != len(docs):
        problems.append(f"{len(docs)} documents ({len(ids)} distinct ids), expected {a.expect_docs}")
    if len(judged) != a.expect_queries:
        problems.append(f"{len(judged)} judged test queries, expected {a.expect_queries}")
    problems += [f"judged document {d} is not in the corpus" for _, d, _ in qrels if d not in ids][:5]
    problems += [f"judged query {q} is not in queries.jsonl" for q in judged if q not in queries][:5]
    if problems:
        sys.exit("scifact_convert.py: not BEIR's SciFact:\n  " + "\n  ".join(problems))

    os.makedirs(os.path.join(a.out, "docs"), exist_ok=True)
    with open(os.path.join(a.out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs:
            rec = {"id": str(d["_id"]), "title": d.get("title") or "", "text": d.get("text") or ""}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            with open(os.path.join(a.out, "docs", rec["id"] + ".txt"), "w", encoding="utf-8") as t:
                t.write(rec["title"] + "\n" + rec["text"] + "\n")
    with open(os.path.join(a.out, "queries.jsonl"), "w", encoding="utf-8") as f:
        for q in judged:
            f.write(json.dumps({"id": q, "text": queries[q]}, ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "qrels.tsv"), "w", encoding="utf-8") as f:
        for q, d, r in qrels:
            f.write(f"{q}\t{d}\t{r}\n")
    with open(os.path.join(a.out, "SOURCE.md"), "w", encoding="utf-8") as f:
        f.write("# SciFact (BEIR), test split\n\n")
        f.write(f"Converted by bench/scifact_convert.py from {a.repo} at commit {a.commit}:\n\n")
        f.write("| file | git blob | bytes |\n|---|---|---:|\n")
        if a.zip:
            rel, data = inputs["zip"]
            f.write(f"| `{rel}` | {blob_id(data)} | {len(data)} |\n")
            f.write("\nBEIR's test split derived from its CSV form (corpus_train.csv, claims_validation.csv): "
                    "abstract sentences joined by spaces, the validation claims as queries, their cited "
                    "documents as judgments.\n")
        for name in ([] if a.zip else FILES):
            rel, data = inputs[name]
            f.write(f"| `{rel}` | {blob_id(data)} | {len(data)} |\n")
        f.write(f"\n{len(docs)} documents, {len(judged)} judged test queries, {len(qrels)} judgments "
                "(relevance > 0 kept, all 1). Title and text as BEIR gives them.\n")
    print(f"{a.out}: {len(docs)} documents, {len(judged)} queries, {len(qrels)} judgments")


if __name__ == "__main__":
    main()
