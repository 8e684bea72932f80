#!/usr/bin/env python3
"""Ask strata each question of questions.jsonl offline and score the answer's lead.

    score.py QUESTIONS RESULTS --strata BIN --stores DIR [--split tune|heldout|all] [--ids ID,...]

Each corpus C is asked from DIR/C.db, collection C (bench/offline_answers.sh makes them). One
`strata ask --json --no-log --provider none` process per question, from an empty working
directory so that no strata.toml applies. Success:
  - kind "none": the answer abstains (JSON "abstained", or the text "The documents do not answer");
  - any other kind: it does not abstain and one of the question's keys (case-insensitive
    substring, whitespace collapsed) is in the answer's first two sentences.
A sentence ends at '.', '!' or '?' followed by whitespace, or at a newline; citation marks that
open the next piece ("[1]", "[2][3]", "[1, 2]") stay with the sentence before them, and so does a
fenced code block (``` to ```, or to the end): the offline answer puts one after the sentence
ending in ':' that introduces it, and it is that sentence's command, not sentences of its own.
Writes one JSON line per question to RESULTS; prints a table per corpus and split on stdout.
Standard library only.
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

SPLIT_AT = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
LEADING_CITES = re.compile(r"^((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)(.*)$", re.S)
ABSTAIN_TEXT = re.compile(r"^\s*the documents do not answer", re.I)
FENCE = re.compile(r"^[ \t]*```[^\n]*\n.*?(?:^[ \t]*```[ \t]*$|\Z)", re.M | re.S)
CORPORA = ["postgresql", "python", "fastapi", "strata"]


def sentences(text):
    out = []
    text = text or ""
    pos = 0
    for m in FENCE.finditer(text):
        out = prose(text[pos:m.start()], out)
        block = m.group(0).strip()
        if out:
            out[-1] += "\n" + block
        else:
            out.append(block)
        pos = m.end()
    return prose(text[pos:], out)


def prose(text, out):
    for piece in SPLIT_AT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        m = LEADING_CITES.match(piece)
        if m and out:  # "... end. [1] Next" -> "[1]" belongs to "... end."
            out[-1] += " " + m.group(1).strip()
            piece = m.group(2).strip()
            if not piece:
                continue
        out.append(piece)
    return out


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def ask(binary, store, collection, question, cwd, env):
    t0 = time.perf_counter()
    p = subprocess.run([binary, "ask", "--store", store, "--collection", collection, "--json", "--no-log",
                        "--no-stdin", "--provider", "none", "-q", "--", question],
                       capture_output=True, text=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL)
    ms = (time.perf_counter() - t0) * 1000
    try:
        d = json.loads(p.stdout)
    except ValueError:
        d = {"answer": "", "error": (p.stderr or p.stdout).strip()[-500:], "exit": p.returncode}
    return d, ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("questions")
    ap.add_argument("results")
    ap.add_argument("--strata", required=True)
    ap.add_argument("--stores", required=True)
    ap.add_argument("--split", default="all", choices=["tune", "heldout", "all"])
    ap.add_argument("--ids", default="", help="only these ids (comma-separated)")
    a = ap.parse_args()
    qs = [json.loads(l) for l in open(a.questions, encoding="utf-8") if l.strip()]
    if a.split != "all":
        qs = [q for q in qs if q["split"] == a.split]
    if a.ids:
        want = set(a.ids.split(","))
        qs = [q for q in qs if q["id"] in want]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRATA_LLM_", "OPENAI_", "ANTHROPIC_")) and k != "STRATA_STORE"}
    version = subprocess.run([a.strata, "--version"], capture_output=True, text=True).stdout.strip()
    cells = {}  # (corpus, split) -> [ok, n]
    with tempfile.TemporaryDirectory() as cwd, open(a.results, "w", encoding="utf-8") as out:
        for q in qs:
            d, ms = ask(a.strata, os.path.join(a.stores, q["corpus"] + ".db"), q["corpus"], q["question"], cwd, env)
            answer = d.get("answer") or ""
            abstained = bool(d.get("abstained")) or bool(ABSTAIN_TEXT.match(answer))
            lead = " ".join(sentences(answer)[:2])
            hit = next((k for k in q["key"] if norm(k) in norm(lead)), None)
            ok = abstained if q["kind"] == "none" else (not abstained and hit is not None)
            for cell in ((q["corpus"], q["split"]), (q["corpus"], "all"), ("all", q["split"]), ("all", "all")):
                c = cells.setdefault(cell, [0, 0])
                c[0] += ok
                c[1] += 1
            row = {"id": q["id"], "corpus": q["corpus"], "kind": q["kind"], "split": q["split"], "success": ok,
                   "abstained": abstained, "key_found": hit, "first_two": lead, "question": q["question"],
                   "key": q["key"], "ms": round(ms, 1), "strata": version}
            if "error" in d:
                row["error"] = d["error"]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{version}; {len(qs)} questions; success = a key in the first two sentences (kind none: abstained)")
    splits = ["tune", "heldout", "all"] if a.split == "all" else [a.split]
    print("| corpus | " + " | ".join(splits) + " |")
    print("|---|" + "---:|" * len(splits))
    for corpus in [c for c in CORPORA if (c, "all") in cells] + ["all"]:
        row = []
        for s in splits:
            ok, n = cells.get((corpus, s), [0, 0])
            row.append(f"{ok}/{n}" + (f" ({ok / n:.2f})" if n else ""))
        name = "**all**" if corpus == "all" else corpus
        print(f"| {name} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
