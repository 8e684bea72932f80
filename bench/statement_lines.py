#!/usr/bin/env python3
"""Prints the 1-based first line of each SQL statement read on stdin (PostgreSQL's lexing:
quotes, dollar quotes, comments), one per line. For bench/lint_sets.py."""
import re
import sys

text = sys.stdin.read()
i, n, line, start = 0, len(text), 1, None
while i < n:
    c = text[i]
    if c == "\n":
        line += 1
        i += 1
        continue
    if text.startswith("--", i):
        j = text.find("\n", i)
        i = n if j < 0 else j
        continue
    if text.startswith("/*", i):
        j = text.find("*/", i + 2)
        j = n if j < 0 else j + 2
        line += text.count("\n", i, j)
        i = j
        continue
    if c.isspace():
        i += 1
        continue
    if start is None:
        start = line
        print(start)
    if c == ";":
        start = None
        i += 1
        continue
    if c in "'\"":
        j = i + 1
        while j < n and not (text[j] == c and not text.startswith(c * 2, j)):
            j += 2 if text.startswith(c * 2, j) else 1
        line += text.count("\n", i, j + 1)
        i = j + 1
        continue
    m = re.match(r"\$[A-Za-z_0-9]*\$", text[i:i + 64]) if c == "$" else None
    if m:
        tag = m.group(0)
        j = text.find(tag, i + len(tag))
        j = n if j < 0 else j + len(tag)
        line += text.count("\n", i, j)
        i = j
        continue
    i += 1
