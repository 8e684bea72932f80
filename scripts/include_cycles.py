#!/usr/bin/env python3
"""Counts include cycles inside core/migrate, core/ingest and cli (issue 33: includes that run
back up): a folder's files as modules (a .h and its .cpp are one), an edge per #include "..."
that names another module of the same folder (resolved from the file's own folder, then from
the include roots), and the strongly connected components of more than one module.

Usage: python3 scripts/include_cycles.py [ROOT]    (ROOT: a checkout, default this one)
Prints a line per folder; exits 1 when any folder has a cycle.
"""
import os
import re
import sys

FOLDERS = [("core/migrate", ["core"]), ("core/ingest", ["core"]), ("cli", ["cli", "core"])]
INCLUDE = re.compile(r'\s*#\s*include\s*"([^"]+)"')


def modules(root, folder):
    files = {}
    for d, _, names in os.walk(os.path.join(root, folder)):
        for n in names:
            if n.endswith((".h", ".cpp")):
                path = os.path.join(d, n)
                files[os.path.relpath(path, root)] = path
    return files


def graph(root, folder, include_roots):
    files = modules(root, folder)
    node = lambda rel: re.sub(r"\.(h|cpp)$", "", rel)
    edges = set()
    for rel, path in files.items():
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = INCLUDE.match(line)
                if not m:
                    continue
                candidates = [os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1)))]
                candidates += [os.path.normpath(os.path.join(r, m.group(1))) for r in include_roots]
                target = next((c for c in candidates if c in files), None)
                if target and node(target) != node(rel):
                    edges.add((node(rel), node(target)))
    return sorted({node(r) for r in files}), edges


def cycles(nodes, edges):
    """Tarjan's strongly connected components, iteratively; those of two modules or more."""
    adj = {n: [] for n in nodes}
    for a, b in edges:
        adj[a].append(b)
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter[0]
                counter[0] += 1
                stack.append(v)
                on.add(v)
            if i < len(adj[v]):
                work.append((v, i + 1))
                w = adj[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            for w in adj[v]:
                if w in on:
                    low[v] = min(low[v], low[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    failed = False
    for folder, roots in FOLDERS:
        nodes, edges = graph(root, folder, roots)
        found = cycles(nodes, edges)
        inside = sum(1 for a, b in edges if any(a in c and b in c for c in found))
        print(f"include-cycles: {folder}: {len(nodes)} modules, {len(edges)} includes, "
              f"{len(found)} cycles, {inside} includes inside them"
              + "".join(f"\n  cycle: {' '.join(c)}" for c in found))
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
