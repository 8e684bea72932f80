#!/usr/bin/env python3
"""Recall and specificity of `strata migrate lint` on other linters' own cases.

Usage: python3 bench/lint_cases.py STRATA [--squawk SQUAWK] [CASE_FILE...]
       (default: every tests/data/lint-cases/*.jsonl)

Each case (tests/unit/migrate/lint_cases_test.cpp reads the same files) is a SQL text, an optional
setup run before it as an earlier file, the peer's verdict ("flag" or "ok") and the strata codes
that answer the peer's rule. A flagged case is found when strata reports one of those codes on
the case's own file (recall: found / flagged); a clean one is clean when it reports none
(specificity: clean / expected clean). Printed per source and engine as a Markdown table; a MySQL
case with "servers" (the verdict per server, e.g. mariadb-10.11, mysql-8.0) is run once per server
with --server-version and counted in that server's row ("mysql mysql-8.0").
With --squawk, squawk (squawk-cli) runs on the PostgreSQL cases too: a case counts as flagged
by squawk when it reports a rule that answers one of the case's codes (SQUAWK_RULES below), so
that both tools are asked the same question; squawk gets --assume-in-transaction where the case
runs in one, and sees the setup's statements (it ignores what it cannot use).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# strata code -> squawk rules that answer it (bench/lint_squawk.py's MAP, turned around).
SQUAWK_RULES = {
    "volatile-default": {"adding-field-with-default", "adding-serial-primary-key-field"},
    "missing-not-valid": {"adding-foreign-key-constraint", "constraint-missing-not-valid"},
    "validate-same-transaction": {"constraint-missing-not-valid"},
    "set-not-null": {"adding-not-nullable-field"},
    "constraint-builds-index": {"adding-primary-key-constraint", "adding-serial-primary-key-field",
                                "disallowed-unique-constraint"},
    "not-null-without-default": {"adding-required-field"},
    "domain-constraint": {"ban-alter-domain-with-add-constraint"},
    "not-in-transaction": {"ban-concurrent-index-creation-in-transaction"},
    "destructive": {"ban-drop-column", "ban-drop-database", "ban-drop-table", "ban-truncate-cascade"},
    "drop-not-null": {"ban-drop-not-null"},
    "column-type-rewrite": {"changing-column-type"},
    "rename": {"renaming-column", "renaming-table"},
    "index-without-concurrently": {"require-concurrent-index-creation"},
    "drop-index-not-concurrent": {"require-concurrent-index-deletion"},
    "detach-not-concurrent": {"require-concurrent-partition-detach"},
    "reindex-not-concurrent": {"require-concurrent-reindex"},
    "no-lock-timeout": {"require-timeout-settings", "require-lock-timeout"},
    "rewrites-table": {"prefer-repack"},
}


def load(paths):
    for path in paths:
        source = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield source, json.loads(line)


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def strata_flags(strata, case, d, server=None):
    files = []
    if case.get("setup"):
        files.append(write(d, "setup.sql", case["setup"]))
    files.append(write(d, "case.sql", ("-- migrate:up\n" if case.get("in_transaction") else "") + case["sql"]))
    version = ["--server-version", server] if server else []
    out = subprocess.run([strata, "migrate", "lint", "--engine", case.get("engine", "postgres"), *version, "--json", *files],
                         capture_output=True, text=True, check=False, cwd=d)
    found = json.loads(out.stdout)["findings"]
    return any(f["code"] in case["codes"] and f["severity"] != "info" and f["file"].endswith("case.sql") for f in found)


def squawk_flags(squawk, case, d):
    rules = set().union(*(SQUAWK_RULES.get(c, set()) for c in case["codes"]))
    if not rules:
        return None  # squawk has no rule for this question
    path = write(d, "case.sql", case.get("setup", "") + case["sql"])
    args = [squawk, "--reporter", "json", "--pg-version", "15"]
    if case.get("in_transaction"):
        args.append("--assume-in-transaction")
    out = subprocess.run(args + [path], capture_output=True, text=True, check=False)
    try:
        found = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        return None
    first = case.get("setup", "").count("\n")  # squawk counts lines from 0
    return any(v.get("rule_name") in rules and v.get("line", 0) >= first for v in found)


def ratio(a, b):
    return f"{a}/{b}" if b else "–"


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    strata = os.path.abspath(args.pop(0)) if os.sep in args[0] else args.pop(0)
    squawk = None
    if "--squawk" in args:
        i = args.index("--squawk")
        squawk = args[i + 1]
        del args[i:i + 2]
    paths = args or sorted(glob.glob(os.path.join(ROOT, "tests", "data", "lint-cases", "*.jsonl")))
    rows = {}
    with tempfile.TemporaryDirectory() as d:
        for source, case in load(paths):
            # A MySQL case may say what each server does ("servers": {"mariadb-10.11": "flag", ...}):
            # strata is asked once per server, judging for it, and scored in that server's row.
            judged = sorted(case["servers"].items()) if "servers" in case else [(None, case["expect"])]
            for server, expect in judged:
                engine = case.get("engine", "postgres") + (f" {server}" if server else "")
                r = rows.setdefault((source, engine), {"flag": 0, "found": 0, "ok": 0, "clean": 0, "sq_flag": 0,
                                                       "sq_found": 0, "sq_ok": 0, "sq_clean": 0})
                flagged = strata_flags(strata, case, d, server)
                r[expect] += 1
                r["found" if expect == "flag" else "clean"] += int(flagged == (expect == "flag"))
            key = (source, case.get("engine", "postgres"))
            expect = case["expect"]
            if squawk and key[1] == "postgres":
                r = rows[key]
                s = squawk_flags(squawk, case, d)
                if s is not None:
                    r["sq_" + expect] += 1
                    r["sq_found" if expect == "flag" else "sq_clean"] += int(s == (expect == "flag"))
    head = "| source | engine | cases | strata recall | strata specificity |"
    sep = "|---|---|---|---|---|"
    if squawk:
        head += " squawk recall | squawk specificity |"
        sep += "---|---|"
    print(head)
    print(sep)
    total = {}
    for (source, engine), r in sorted(rows.items()):
        line = (f"| {source} | {engine} | {r['flag'] + r['ok']} | {ratio(r['found'], r['flag'])} | "
                f"{ratio(r['clean'], r['ok'])} |")
        if squawk:
            line += (f" {ratio(r['sq_found'], r['sq_flag'])} | {ratio(r['sq_clean'], r['sq_ok'])} |"
                     if engine == "postgres" else " – | – |")
        print(line)
        t = total.setdefault(engine, dict.fromkeys(r, 0))
        for k, v in r.items():
            t[k] += v
    for engine, r in sorted(total.items()):
        line = (f"| all | {engine} | {r['flag'] + r['ok']} | {ratio(r['found'], r['flag'])} | "
                f"{ratio(r['clean'], r['ok'])} |")
        if squawk:
            line += (f" {ratio(r['sq_found'], r['sq_flag'])} | {ratio(r['sq_clean'], r['sq_ok'])} |"
                     if engine == "postgres" else " – | – |")
        print(line)


if __name__ == "__main__":
    main()
