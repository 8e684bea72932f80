#!/usr/bin/env python3
"""Score `strata migrate lint` on squawk's own rule tests (bench/squawk_cases.py writes them).

Usage: python3 bench/lint_squawk.py STRATA CASES.jsonl [--squawk SQUAWK] [--show-misses]

For each squawk rule that guards against an outage, data loss or broken running code, the
strata codes that answer it (MAP below); squawk's style rules (prefer-text-field, ban-char-field,
identifier-too-long, ...) are left out and counted apart. A case squawk expects flagged counts
as found when strata reports one of the rule's codes; a case squawk expects clean counts as
clean when strata reports none of them. Prints recall (found / flagged) and specificity
(clean / expected clean) per rule and in total; with --squawk, also runs squawk on every case
and says where squawk itself disagrees with its tests (its version may differ from the tests').
"""
import json
import os
import subprocess
import sys
import tempfile

MAP = {
    "adding-field-with-default": {"volatile-default"},
    "adding-foreign-key-constraint": {"missing-not-valid"},
    "adding-not-nullable-field": {"set-not-null"},
    "adding-primary-key-constraint": {"constraint-builds-index"},
    "adding-serial-primary-key-field": {"constraint-builds-index"},
    "adding-required-field": {"not-null-without-default"},
    "ban-alter-domain-with-add-constraint": {"domain-constraint"},
    "ban-concurrent-index-creation-in-transaction": {"not-in-transaction"},
    "ban-drop-column": {"destructive"},
    "ban-drop-database": {"destructive"},
    "ban-drop-table": {"destructive"},
    "ban-truncate-cascade": {"destructive"},
    "ban-drop-not-null": {"drop-not-null"},
    "ban-uncommitted-transaction": {"unbalanced-transaction"},
    "transaction-nesting": {"unbalanced-transaction", "nested-transaction"},
    "changing-column-type": {"column-type-rewrite"},
    "constraint-missing-not-valid": {"missing-not-valid", "validate-same-transaction"},
    "disallowed-unique-constraint": {"constraint-builds-index"},
    "renaming-column": {"rename"},
    "renaming-table": {"rename"},
    "require-concurrent-index-creation": {"index-without-concurrently"},
    "require-concurrent-index-deletion": {"drop-index-not-concurrent"},
    "require-concurrent-partition-detach": {"detach-not-concurrent"},
    "require-concurrent-reindex": {"reindex-not-concurrent"},
    "require-timeout-settings": {"no-lock-timeout"},
    "require-lock-timeout": {"no-lock-timeout"},
    "prefer-repack": {"rewrites-table"},
}


def strata_codes(strata, sql):
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(sql)
        path = f.name
    try:
        out = subprocess.run([strata, "migrate", "lint", "--engine", "postgres", "--json", path],
                             capture_output=True, text=True, check=False)
        return {x["code"] for x in json.loads(out.stdout)["findings"]}
    finally:
        os.unlink(path)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show-misses" in sys.argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    strata, cases_file = args
    per = {}
    style = 0
    for line in open(cases_file, encoding="utf-8"):
        case = json.loads(line)
        rule = case["rule"]
        if rule not in MAP:
            style += 1
            continue
        codes = strata_codes(strata, case["sql"])
        hit = bool(codes & MAP[rule])
        # Cases run with a PostgreSQL version or other settings are scored apart: strata's rules
        # are PostgreSQL 12+'s.
        r = per.setdefault(rule + (" (settings)" if case.get("settings") else ""), [0, 0, 0, 0])
        if case["expect"] == "error":
            r[0] += 1
            r[1] += hit
        else:
            r[2] += 1
            r[3] += not hit
        if show and hit != (case["expect"] == "error"):
            print("MISS %s %s (%s) strata: %s\n%s\n" % (case["expect"], case["test"], rule, sorted(codes),
                                                        case["sql"].strip()))
    total = [0, 0, 0, 0]
    print("%-46s %8s %12s" % ("squawk rule", "recall", "specificity"))
    for rule in sorted(per):
        r = per[rule]
        if not rule.endswith(" (settings)"):
            total = [a + b for a, b in zip(total, r)]
        print("%-46s %8s %12s" % (rule, "%d/%d" % (r[1], r[0]) if r[0] else "-", "%d/%d" % (r[3], r[2]) if r[2] else "-"))
    print("%-46s %8s %12s" % ("total (without settings)", "%d/%d" % (total[1], total[0]), "%d/%d" % (total[3], total[2])))
    print("(%d cases of squawk's style rules left out)" % style)


if __name__ == "__main__":
    main()
