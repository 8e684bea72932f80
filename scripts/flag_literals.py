#!/usr/bin/env python3
"""The string literals of core/ that spell a strata --flag (issue "the house": core names settings,
the CLI alone names flags; core/common/setting.h):

  scripts/flag_literals.py [REPO]    lists them, file:line: literal, and their number last

Only string literals count: a comment, or `--depth;` in code, names no flag. A literal naming
another tool before its flag (`alembic upgrade --sql`) is that tool's. scripts/house_counts.py
reports the number, and tests/house/flag_names.py keeps it at its ceiling.
"""
import os
import re
import sys

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
OTHER_TOOLS = re.compile(r"(alembic|git|pg_dump|psql|mysql|prisma|drizzle|sqitch|npx|docker)\b[^\"]*--")


def literals(text):
    """(line, content) of each string literal of C++ source `text`, raw strings included."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif c == "'":
            # A digit separator (120'000) is no character literal.
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_") and not re.match(r"(u8|u|U|L)$", text[max(0, i - 2):i]):
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif c == '"':
            raw = re.search(r"(?:u8|u|U|L)?R$", text[max(0, i - 3):i])
            if raw:
                open_paren = text.find("(", i)
                delim = text[i + 1:open_paren]
                end = text.find(")" + delim + '"', open_paren)
                end = n if end < 0 else end
                yield line, text[open_paren + 1:end]
                line += text.count("\n", i, end)
                i = end + len(delim) + 2
                continue
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            yield line, text[i + 1:j]
            i = j + 1
        else:
            i += 1


def flag_literals(root):
    """(path, line, literal) of each literal of core/ that spells a flag."""
    found = []
    core = os.path.join(root, "core")
    for d, _, files in sorted(os.walk(core)):
        for f in sorted(files):
            if not f.endswith((".cpp", ".h")):
                continue
            path = os.path.join(d, f)
            text = open(path, encoding="utf-8", errors="replace").read()
            for line, literal in literals(text):
                if FLAG.search(literal) and not OTHER_TOOLS.search(literal):
                    found.append((os.path.relpath(path, root), line, literal))
    return found


if __name__ == "__main__":
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    found = flag_literals(root)
    for path, line, literal in found:
        print(f"{path}:{line}: \"{literal}\"")
    print(len(found))
