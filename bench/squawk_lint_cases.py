#!/usr/bin/env python3
"""Write squawk's own rule tests as strata lint cases (tests/data/lint-cases/squawk.jsonl).

Usage: python3 bench/squawk_lint_cases.py SQUAWK_CHECKOUT COMMIT > tests/data/lint-cases/squawk.jsonl

Reads the cases bench/squawk_cases.py extracts from a squawk checkout (github.com/sbdchd/squawk
at COMMIT) and keeps those of the rules about outages, data loss and running code (the rules
bench/lint_squawk.py maps to strata codes; the style rules are left out). Each case is squawk's
SQL linted alone (a *_with test's settings, a PostgreSQL version or "assume in transaction",
are not given to strata, whose rules are PostgreSQL 12+'s), expected flagged with one of the
rule's codes or clean, as squawk's test says; where strata's verdict differs on purpose, the
case states strata's verdict and why (ARGUED below, shown in strata-migrate(1), "Where strata
disagrees"). tests/unit/migrate/lint_cases_test.cpp holds every case to its verdict.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lint_squawk import MAP  # noqa: E402

PG12 = ("strata's rules are PostgreSQL 12+'s (squawk judged this case for PostgreSQL 11): from 12 on "
        "SET NOT NULL uses a validated CHECK (col IS NOT NULL) and reads no row")
ARGUED = {
    "adding_field_with_default::default_random_with_args_err":
        ("ok", "now() takes no argument: the server refuses now(123) before any row is touched "
               "(function now(integer) does not exist), so no volatile default is ever written"),
    "adding_not_null_field::regression_gh_issue_628_pg11_with_validated_check_err": ("ok", PG12),
    "adding_not_null_field::pg11_cross_migration_validate_then_set_not_null_err": ("ok", PG12),
    "prefer_repack::cluster_below_pg19_ok":
        ("flag", "CLUSTER rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes for "
                 "the whole rewrite on every version; squawk only suggests REPACK from PostgreSQL 19 on"),
    "prefer_repack::vacuum_full_below_pg19_ok":
        ("flag", "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes for "
                 "the whole rewrite on every version; squawk only suggests REPACK from PostgreSQL 19 on"),
    "require_timeout_settings::err_missing_statement_timeout":
        ("ok", "strata asks for lock_timeout, which bounds the wait that queues every other query behind "
               "the lock; a statement_timeout would also cut a long but harmless backfill"),
    "require_timeout_settings::err_other_ddl_operations":
        ("ok", "CREATE TYPE makes a new object and locks no table in use: there is no wait to bound"),
    "require_timeout_settings::err_comment_on_explains_lock_impact":
        ("ok", "COMMENT ON takes SHARE UPDATE EXCLUSIVE, which blocks no read or write, so queries queued "
               "behind it do not wait"),
    "require_timeout_settings::err_vacuum_full_false_uses_non_full_lock":
        ("ok", "a plain VACUUM takes SHARE UPDATE EXCLUSIVE, which blocks no read or write, so queries "
               "queued behind it do not wait"),
}


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    checkout, commit = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, os.path.join(here, "squawk_cases.py"), checkout],
                         capture_output=True, text=True, check=True).stdout
    seen = {}
    used = set()
    for line in out.splitlines():
        case = json.loads(line)
        rule = case["rule"]
        if rule not in MAP:
            continue
        test = case["test"]
        seen[test] = seen.get(test, 0) + 1
        file, _, _ = test.partition("::")
        row = {
            "id": test if seen[test] == 1 else "%s#%d" % (test, seen[test]),
            "engine": "postgres",
            "sql": case["sql"],
            "expect": "flag" if case["expect"] == "error" else "ok",
            "codes": sorted(MAP[rule]),
        }
        if test in ARGUED:
            row["strata"], row["why"] = ARGUED[test]
            used.add(test)
        row["source"] = {"repo": "sbdchd/squawk", "commit": commit,
                         "path": "crates/squawk_linter/src/rules/%s.rs" % file}
        print(json.dumps(row))
    missing = set(ARGUED) - used
    if missing:
        print("squawk_lint_cases: argued cases not found: %s" % ", ".join(sorted(missing)), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
