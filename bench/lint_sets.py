#!/usr/bin/env python3
"""`strata migrate lint` beside squawk on real PostgreSQL migration sets.

Usage: python3 bench/lint_sets.py STRATA SQUAWK [SET_DIR...] [--sample N]
       (default sets: the PostgreSQL ones of ../shared/migrate-sets)
       bench/lint.sh installs squawk from npm and runs this.

Each set's migrations are given to both tools in version order: golang-migrate's .up.sql halves,
or dbmate's whole files. Both are asked about PostgreSQL 15 (squawk --pg-version 15; dbmate
files with --assume-in-transaction, since dbmate wraps each section in one). Findings are
compared per statement (file and line of the statement), leaving out the rules of taste squawk
has and strata does not (prefer-bigint-over-int, prefer-text-field, prefer-timestamptz,
ban-char-field, prefer-identity, prefer-robust-stmts, require-statement-timeout,
identifier-too-long, require-table-schema, ...). Prints per set: migrations, statements flagged
by both, by strata alone, by squawk alone, findings per migration, and each tool's wall time;
then --sample N (default 10) random statements of each "alone" list, to be read by hand.
"""
import glob
import json
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STYLE = {"prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-text-field", "prefer-timestamptz",
         "prefer-timestamp-tz", "ban-char-field", "prefer-identity", "prefer-robust-stmts", "require-statement-timeout",
         "identifier-too-long", "require-table-schema", "require-enum-value-ordering", "ban-create-domain-with-constraint",
         "ban-duplicate-column-assignments"}
STRATA_INFO = {"not-linted", "missing-down"}


def version_key(path):
    m = re.match(r"(\d+)", os.path.basename(path))
    return (int(m.group(1)) if m else 0, os.path.basename(path))


def set_files(d):
    ups = glob.glob(os.path.join(d, "*.up.sql"))
    if ups:
        return sorted(ups, key=version_key), False
    return sorted((f for f in glob.glob(os.path.join(d, "*.sql")) if re.match(r"\d", os.path.basename(f))),
                  key=version_key), True


def statement_lines(path):
    """The first line of each statement, for mapping a finding's line to its statement."""
    text = open(path, encoding="utf-8", errors="replace").read()
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "statement_lines.py")], input=text,
                         capture_output=True, text=True, check=False).stdout
    return [int(x) for x in out.split()]


def statement_of(lines, line):
    best = lines[0] if lines else line
    for s in lines:
        if s <= line:
            best = s
    return best


def run_strata(strata, files):
    start = time.monotonic()
    out = subprocess.run([strata, "migrate", "lint", "--engine", "postgres", "--json"] + files,
                         capture_output=True, text=True, check=False)
    took = time.monotonic() - start
    found = []
    for f in json.loads(out.stdout)["findings"]:
        if f["code"] in STRATA_INFO or not f.get("line"):
            continue
        found.append((f["file"], f["line"], f["code"]))
    return found, took


def run_squawk(squawk, files, in_transaction):
    args = [squawk, "--reporter", "json", "--pg-version", "15"] + (["--assume-in-transaction"] if in_transaction else [])
    start = time.monotonic()
    out = subprocess.run(args + files, capture_output=True, text=True, check=False)
    took = time.monotonic() - start
    found = []
    for f in json.loads(out.stdout or "[]"):
        if f["rule_name"] in STYLE:
            continue
        found.append((f["file"], f["line"] + 1, f["rule_name"]))  # squawk's lines count from 0
    return found, took


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sample = 10
    if "--sample" in sys.argv:
        sample = int(sys.argv[sys.argv.index("--sample") + 1])
        args = [a for a in args if a != str(sample)]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    strata, squawk = args[:2]
    sets = args[2:] or sorted(d for d in glob.glob(os.path.join(ROOT, "..", "shared", "migrate-sets", "*__postgres*")))
    random.seed(1)
    only = {"strata": [], "squawk": []}
    totals = [0, 0, 0, 0, 0, 0, 0.0, 0.0]
    print("%-44s %5s %6s %7s %7s %9s %9s %8s %8s" % ("set", "migr", "both", "strata", "squawk", "strata/m", "squawk/m",
                                                      "strata s", "squawk s"))
    for d in sets:
        files, dbmate = set_files(d)
        if not files:
            continue
        s_found, s_took = run_strata(strata, files)
        q_found, q_took = run_squawk(squawk, files, dbmate)
        lines = {f: statement_lines(f) for f in files}
        s_stmts = {(f, statement_of(lines[f], l)): c for f, l, c in s_found}
        q_stmts = {(f, statement_of(lines[f], l)): c for f, l, c in q_found}
        both = set(s_stmts) & set(q_stmts)
        for k in set(s_stmts) - both:
            only["strata"].append((k, s_stmts[k]))
        for k in set(q_stmts) - both:
            only["squawk"].append((k, q_stmts[k]))
        row = [len(files), len(both), len(set(s_stmts) - both), len(set(q_stmts) - both), len(s_found), len(q_found)]
        totals = [a + b for a, b in zip(totals, row + [s_took, q_took])]
        print("%-44s %5d %6d %7d %7d %9.2f %9.2f %8.2f %8.2f" % (os.path.basename(d), row[0], row[1], row[2], row[3],
                                                                 row[4] / row[0], row[5] / row[0], s_took, q_took))
    n = max(totals[0], 1)
    print("%-44s %5d %6d %7d %7d %9.2f %9.2f %8.2f %8.2f" % ("total", totals[0], totals[1], totals[2], totals[3],
                                                             totals[4] / n, totals[5] / n, totals[6], totals[7]))
    for tool in ("strata", "squawk"):
        by_rule = {}
        for _, code in only[tool]:
            by_rule[code] = by_rule.get(code, 0) + 1
        print("\n%s alone, by rule: %s" % (tool, ", ".join("%s %d" % kv for kv in sorted(by_rule.items(), key=lambda kv: -kv[1]))))
    for tool in ("strata", "squawk"):
        print("\n%s alone, %d of %d statements:" % (tool, min(sample, len(only[tool])), len(only[tool])))
        for (f, line), code in random.sample(only[tool], min(sample, len(only[tool]))):
            text = open(f, encoding="utf-8", errors="replace").read().split("\n")
            print("  %s:%d %s: %s" % (os.path.relpath(f, os.path.join(ROOT, "..")), line, code, text[line - 1].strip()[:110]))


if __name__ == "__main__":
    main()
