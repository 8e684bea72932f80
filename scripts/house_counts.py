#!/usr/bin/env python3
"""Counts that say how the house is kept (issue "the house"), for a closing note or a review:

  scripts/house_counts.py [REPO]

- store_kind_branches: lines of core/ and cli/ outside core/store/backends.* that test a StoreKind;
- pg_calls_outside_backend: calls into the PostgreSQL store's namespace (pg::) from core/store/ files
  outside core/store/postgres/;
- arrows_up: includes from one core area into another that the layer order (cmake/core_layers.cmake,
  when present) puts above it; without an order, the area-to-area includes that lie on a cycle;
- libpq_clients: files of core/ that call libpq's functions themselves (core/pq/connection.cpp is the one);
- flag_names_in_core: string literals of core/ that name a strata --flag (scripts/flag_literals.py);
- readme_lines.
"""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
core = os.path.join(root, "core")


def sources(folder):
    for d, _, files in os.walk(folder):
        for f in files:
            if f.endswith((".cpp", ".h")):
                p = os.path.join(d, f)
                yield os.path.relpath(p, root), open(p, encoding="utf-8", errors="replace").read()


def code_lines(text):
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("//") or s.startswith("*"):
            continue
        yield line.split("//")[0] if '"' not in line.split("//")[0][-1:] else line


files = list(sources(core)) + list(sources(os.path.join(root, "cli")))
counts = {}
counts["store_kind_branches"] = sum(
    1 for p, t in files if not re.search(r"core/store/backends?\.", p) and not p.endswith("store/store.h")
    for line in code_lines(t) if re.search(r"StoreKind::\w+", line) and re.search(r"==|!=|case |switch|\?", line))
counts["pg_calls_outside_backend"] = sum(
    len(re.findall(r"\bpg::\w+", "\n".join(code_lines(t)))) for p, t in files
    if (p.startswith("core/store/") and not p.startswith("core/store/postgres/") and not re.search(r"core/store/backends?\.", p))
    or p.startswith("core/search/"))
# A libpq client: a file outside core/pq/pq_library.* that calls libpq's functions itself (through
# the loaded table, pq_library()) rather than through core/pq's Connection.
counts["libpq_clients"] = sum(1 for p, t in files if p.startswith("core/") and not p.startswith("core/pq/pq_library")
                              and re.search(r"\b(pq_library|pq|lib)\(\)\.\w+", t))
# The string literals themselves (scripts/flag_literals.py): the line scan this replaced also
# counted `--depth;` in code and two literals of one line once.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flag_literals import flag_literals  # noqa: E402
counts["flag_names_in_core"] = len(flag_literals(root))
counts["readme_lines"] = sum(1 for _ in open(os.path.join(root, "README.md"), encoding="utf-8"))

# Areas and the includes between them.
areas = sorted(a for a in os.listdir(core) if os.path.isdir(os.path.join(core, a)))
edges = {}
for p, t in files:
    if not p.startswith("core/"):
        continue
    src = p.split("/")[1]
    for m in re.finditer(r'^\s*#\s*include\s*"([a-z_]+)/', t, re.M):
        dst = m.group(1)
        if dst in areas and dst != src:
            edges.setdefault((src, dst), []).append(p)
order = None
layers = os.path.join(root, "cmake", "core_layers.cmake")
if os.path.exists(layers):
    m = re.search(r"set\(layers\b([^)]*)\)", open(layers).read())
    if m:
        order = [w for line in m.group(1).splitlines() for w in line.split("#")[0].split()]
up = []
if order:
    rank = {a: i for i, a in enumerate(order)}
    up = sorted(e for e in edges if e[0] in rank and e[1] in rank and rank[e[1]] > rank[e[0]])
else:
    def reaches(a, b, seen=None):
        seen = seen or set()
        if a == b:
            return True
        seen.add(a)
        return any(reaches(d, b, seen) for (s, d) in edges if s == a and d not in seen)
    up = sorted(e for e in edges if reaches(e[1], e[0]))
counts["arrows_up"] = len(up)
for k, v in counts.items():
    print(f"{k:28} {v}")
print("arrows:", ", ".join(f"{a} -> {b} ({edges[(a, b)][0]})" for a, b in up) or "none",
      "(against cmake/core_layers.cmake)" if order else "(edges on a cycle between areas)")
