#!/usr/bin/env bash
# End-to-end tests of keyword search for terms with dots, pluses and hyphens (search/fts_compounds.h):
# `0.1`, `3.11`, `UTF-8` and `x86-64` find the page that holds the whole term first, though their
# pieces ("0", "1", "8") are in every page; a piece alone still finds the whole term's page; `C++`
# is searched as `C`. Keyword mode only: no embedding. (PostgreSQL's equal ranking of these
# queries: tests/unit/store/pg_store_search_test.cpp, CompoundTermsRankAsSQLite.)
#
# Usage: bash tests/e2e/search_terms.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init search_terms "$@"

export STRATA_STORE="$E2E_TMP/store.db"
S() { strata_t "$@"; }

# first_source: the source of the first hit of the last --json search.
first_source() { printf '%s\n' "$OUT" | head -n1 | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["source"])'; }

mkdir docs
cat >docs/float.md <<'EOF2'
# Floating point arithmetic

Representation error: the decimal fraction 0.1 cannot be held exactly in binary, so adding 0.1
three times does not give 0.3 exactly.
EOF2
cat >docs/encoding.md <<'EOF2'
# Text files

Files are read as UTF-8 unless another encoding is given; a byte order mark is skipped.
EOF2
cat >docs/whatsnew.md <<'EOF2'
# What's new

New in Python 3.11: exception groups and except*. Builds for x86-64 and arm64.
EOF2
for i in 1 2 3 4 5 6 7 8; do
    printf '# Table %s\n\nTable %s has 0 rows on 1 page, 8 columns of 11 bytes, 3 indexes and 64 bits of 1 flag.\n' "$i" "$i" >"docs/table$i.md"
done

# ---------------------------------------------------------------------------------------------
case_ "a compound term finds the page holding it whole first"
expect_exit 0 -- S ingest docs -q
expect_exit 0 -- S search --mode keyword --json "why is 0.1 + 0.2 not 0.3"
assert_eq "docs/float.md" "$(first_source)" "0.1 + 0.2 → float.md"
expect_exit 0 -- S search --mode keyword --json "UTF-8"
assert_eq "docs/encoding.md" "$(first_source)" "UTF-8 → encoding.md"
expect_exit 0 -- S search --mode keyword --json "python 3.11"
assert_eq "docs/whatsnew.md" "$(first_source)" "python 3.11 → whatsnew.md"
expect_exit 0 -- S search --mode keyword --json "x86-64"
assert_eq "docs/whatsnew.md" "$(first_source)" "x86-64 → whatsnew.md"

# ---------------------------------------------------------------------------------------------
case_ "the pieces are still terms"
expect_exit 0 -- S search --mode keyword --json "utf"
assert_eq "docs/encoding.md" "$(first_source)" "utf alone → encoding.md"
expect_exit 0 -- S search --mode keyword --json "8" -k 20
n=$(printf '%s\n' "$OUT" | grep -c '"source"')
assert_eq "9" "$n" "8: the eight table pages and UTF-8's"
expect_stdout_match '"source": *"docs/encoding.md"'
# C++ has no second token: it is searched as C, and finds nothing here (no page has a "c").
expect_exit 0 -- S search --mode keyword --json "C++"
assert_eq "" "$OUT" "C++: no hits"

e2e_finish
