#!/usr/bin/env python3
"""Extract squawk's own rule tests as lint cases (JSONL on stdout).

Usage: python3 bench/squawk_cases.py SQUAWK_CHECKOUT > cases.jsonl

Reads crates/squawk_linter/src/rules/*.rs of a squawk checkout (github.com/sbdchd/squawk) and
writes one line per test that lints SQL with one rule and expects either findings
(lint_errors, lint_errors_with) or none (lint_ok, lint_ok_with):
  {"rule": "adding-foreign-key-constraint", "test": "...", "sql": "...", "expect": "error"|"ok",
   "settings": true|false}
"settings" marks the *_with variants (a PostgreSQL version or "assume in transaction" given to
squawk), which bench/lint_squawk.sh reports apart. Tests that build their SQL at run time are
skipped; the count of each is printed on stderr.
"""
import json
import os
import re
import sys

RAW = re.compile(r'r(#*)"(.*?)"\1', re.S)
FN = re.compile(r'\n\s*(?:#\[test\]\s*)+(?:#\[[^\]]*\]\s*)*fn\s+(\w+)\s*\(\)\s*\{', re.S)
CALL = re.compile(r'\b(lint_errors|lint_ok|lint_errors_with|lint_ok_with)\s*\(\s*(&?\w+|r#*"|")', re.S)
RULE = re.compile(r'Rule::(\w+)')


def kebab(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '-', name).lower()


def bodies(text):
    starts = [(m.group(1), m.end()) for m in FN.finditer(text)]
    for i, (name, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        yield name, text[start:end]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    rules = os.path.join(sys.argv[1], "crates/squawk_linter/src/rules")
    kept = skipped = 0
    for file in sorted(os.listdir(rules)):
        if not file.endswith(".rs") or file == "mod.rs":
            continue
        text = open(os.path.join(rules, file), encoding="utf-8").read()
        test_part = text[text.find("mod test"):] if "mod test" in text else ""
        for name, body in bodies(test_part):
            strings = {}
            for m in re.finditer(r'let\s+(\w+)\s*=\s*r(#*)"(.*?)"\2', body, re.S):
                strings[m.group(1)] = m.group(3)
            for m in re.finditer(r'let\s+(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*;', body, re.S):
                strings.setdefault(m.group(1), m.group(2).replace('\\"', '"').replace("\\n", "\n"))
            for call in CALL.finditer(body):
                kind, arg = call.group(1), call.group(2)
                if arg.startswith("r"):
                    raw = RAW.match(body, call.start(2))
                    sql = raw.group(2) if raw else None
                elif arg == '"':
                    lit = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S).match(body, call.start(2))
                    sql = lit.group(1).replace('\\"', '"') if lit else None
                else:
                    sql = strings.get(arg.lstrip("&"))
                rule = RULE.search(body, call.end())
                if sql is None or rule is None:
                    skipped += 1
                    continue
                kept += 1
                print(json.dumps({"rule": kebab(rule.group(1)), "test": file[:-3] + "::" + name, "sql": sql,
                                  "expect": "error" if kind.startswith("lint_errors") else "ok",
                                  "settings": kind.endswith("_with")}))
    print("squawk_cases: %d cases, %d skipped" % (kept, skipped), file=sys.stderr)


if __name__ == "__main__":
    main()
