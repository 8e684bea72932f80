#!/usr/bin/env python3
"""What `strata ingest` keeps of real PDF manuals' page edges, against poppler's pdftotext.

For each PDF: the lines at page edges (the first two and last two lines of each page of
`pdftotext -raw`) are grouped by shape (digits as #); for every shape seen at 5 or more page
edges, the table gives how often a line of that shape occurs in pdftotext's text and in the text
strata stored (its chunks laid back at their byte offsets), and how often its words occur anywhere
in strata's text (the two break some lines apart differently). Running headers and folios should be
gone from strata's text; section headings that happen to open many pages ("See Also", "Syntax:")
should all be there.

usage: pdf_chrome.py STORE PDF...
"""
import collections
import re
import sqlite3
import subprocess
import sys


def stored_text(db, path):
    rows = db.execute(
        "SELECT start_byte, end_byte, text FROM chunks c JOIN documents d ON d.id = c.document_id"
        " WHERE d.path = ? ORDER BY ordinal", (path,)).fetchall()
    if not rows:
        return ""
    buf = bytearray(b"\n" * max(r[1] for r in rows))
    for start, _end, text in rows:
        b = text.encode()
        buf[start:start + len(b)] = b
    return buf.decode("utf-8", "replace")


def shape(line):
    return re.sub(r"\d+", "#", line)


def report(db, path):
    pages = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    raw_lines = [l.strip() for pg in pages for l in pg.splitlines()]
    text = stored_text(db, path)
    kept_lines = [l.strip() for l in text.splitlines()]
    flat = " ".join(text.split())
    edges = collections.Counter()
    for pg in pages:
        ls = [l.strip() for l in pg.splitlines() if l.strip()]
        for l in ls[:2] + ls[-2:]:
            edges[shape(l)] += 1
    name = path.rsplit("/", 1)[-1]
    for s, at_edges in edges.most_common():
        if at_edges < 5:
            break
        rx = re.compile("^" + re.escape(s).replace("\\#", "#").replace("#", r"\d+") + "$")
        raw = sum(1 for l in raw_lines if rx.match(l))
        kept = sum(1 for l in kept_lines if rx.match(l))
        # poppler-cpp and pdftotext break some lines apart differently (an argument's name and
        # its description): the same words anywhere in the stored text, whitespace aside
        words = re.compile(re.escape(" ".join(s.split())).replace("\\#", "#").replace("#", r"\d+"))
        anywhere = len(words.findall(flat)) if s.strip("# ") else kept
        print(f"| {name} | `{s[:60]}` | {at_edges} | {raw} | {kept} | {anywhere} |")


def main():
    db = sqlite3.connect(sys.argv[1])
    print("| PDF | line shape at page edges | page edges | lines in pdftotext | lines strata keeps |"
          " the words anywhere in strata's text |")
    print("|---|---|---:|---:|---:|---:|")
    for path in sys.argv[2:]:
        report(db, path)


if __name__ == "__main__":
    main()
