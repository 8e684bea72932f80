#!/usr/bin/env bash
# End-to-end tests of keyword search for terms with dots, pluses and hyphens (search/fts_compounds.h):
# `0.1`, `3.11`, `UTF-8` and `x86-64` find the page that holds the whole term first, though their
# pieces ("0", "1", "8") are in every page; a piece alone still finds the whole term's page. Names
# that end in '+' or '#' (common/symbol_terms.h): `C++`, `C#`, `g++`, `Notepad++` find their page
# before pages about the letter C or the C language, in the text or in the title; `C` still finds
# them all. Keyword mode only: no embedding. (PostgreSQL's equal ranking of these queries:
# tests/unit/store/pg_store_search_test.cpp, CompoundTermsRankAsSQLite and
# NamesEndingInPlusOrHashRankAsSQLite; a store upgraded with rows written before: the unit tests
# store_symbol_terms_test.cpp and pg_store_writer_test.cpp.)
#
# Usage: bash tests/e2e/search_terms.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init search_terms "$@"

export STRATA_STORE="$E2E_TMP/store.db"
S() { strata_t "$@"; }


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
# C++'s letter is in no page here, nor its whole term: nothing found.
expect_exit 0 -- S search --mode keyword --json "C++"
assert_eq "" "$OUT" "C++: no hits"

# ---------------------------------------------------------------------------------------------
case_ "C++, C#, g++ and Notepad++ find their page before pages about the letter C"
mkdir lang
cat >lang/cpp.md <<'EOF2'
# Templates

C++ templates are instantiated at compile time; g++ and other compilers take C++17 code.
EOF2
cat >lang/csharp.md <<'EOF2'
# Generics

C# generics keep their type arguments at run time.
EOF2
cat >lang/c.md <<'EOF2'
# The C language

C is a small language: C has no templates and no generics. C, C, C.
EOF2
cat >lang/letter.md <<'EOF2'
# The letter C

C is the third letter of the alphabet; c is its small form. Notepad is a program, C too.
EOF2
cat >lang/editor.md <<'EOF2'
# Notepad++

A text program for Windows, with tabs.
EOF2
cat >lang/sums.md <<'EOF2'
# Sums in C

In C, a+b adds; see issue#12 about C.
EOF2
expect_exit 0 -- S ingest lang --collection lang -q
L() { S search --mode keyword --json --collection lang "$@"; }
expect_exit 0 -- L "C++"
assert_eq "lang/cpp.md" "$(first_source)" "C++ → cpp.md"
expect_exit 0 -- L "c++ templates"
assert_eq "lang/cpp.md" "$(first_source)" "c++ templates → cpp.md (c.md speaks of templates too)"
expect_exit 0 -- L "C#"
assert_eq "lang/csharp.md" "$(first_source)" "C# → csharp.md"
expect_exit 0 -- L "g++"
assert_eq "lang/cpp.md" "$(first_source)" "g++ → cpp.md"
expect_exit 0 -- L "Notepad++"
assert_eq "lang/editor.md" "$(first_source)" "Notepad++ → editor.md, by its title"
expect_exit 0 -- L "C" -k 20
n=$(printf '%s\n' "$OUT" | grep -c '"source"')
assert_eq "5" "$n" "C: every page with the letter (editor.md has none)"
# One '+' or '#' inside a word is no name: a+b and issue#12 are their pieces.
expect_exit 0 -- L "a+b issue#12"
assert_eq "lang/sums.md" "$(first_source)" "a+b issue#12 → sums.md"

e2e_finish
