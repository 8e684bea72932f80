#!/usr/bin/env bash
# End-to-end test of the README's own question, offline: with this project's README and man pages
# ingested as scripts/demo.sh ingests them (the pages rendered by man), `strata ask "how do I roll
# back a migration"` with no model configured (and again over the pages as roff, man(1)'s source
# form) leads with the passage that answers it (strata
# migrate down rolls back the newest migration, with its command), and cites no sentence that
# only quotes the question as an example (README's and the man pages' `strata ask how do I roll
# back a migration`), nor a man page's shell example as prose.
#
# Usage: bash tests/e2e/ask_readme.sh /path/to/strata
# Env:   STRATA_MAN_DIR (default: the man/ folder beside the binary, as tests/e2e/manpages.sh)
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
MANDIR=${STRATA_MAN_DIR:-$(cd "$(dirname "${1:-.}")" && pwd)/man}
. "$HERE/lib.sh"
e2e_init ask_readme "$@"
unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL
export STRATA_STORE="$E2E_TMP/store.db"

case_ "the README and the man pages, as demo.sh ingests them"
[ -f "$MANDIR/strata-migrate.1" ] || { echo "ask_readme: no built man pages in $MANDIR (build strata_man_pages)" >&2; exit 2; }
command -v man >/dev/null 2>&1 || { echo "ask_readme: man (man-db) is not installed" >&2; exit 2; }
mkdir -p docs/man
cp "$SRCDIR/README.md" docs/
for page in "$MANDIR"/*.[1-9]; do
    MANWIDTH=100 LC_ALL=C.UTF-8 man -E UTF-8 --nh --nj -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g' \
        >"docs/man/$(basename "$page").txt"
done
assert_true "strata-migrate(1) rendered" test -s docs/man/strata-migrate.1.txt
expect_exit 0 -- "$STRATA" ingest -q docs
expect_exit 0 -- "$STRATA" embed -q

# The answer in .out leads with the rollback of the newest migration (first line matching $1) and
# cites strata-migrate(1) (a line "[n] $2:L..." for its first citation), with the command.
expect_rollback_answer() {
    local first n
    first=$(head -n 1 "$E2E_TMP/.out")
    if printf '%s\n' "$first" | grep -Eq "$1"; then
        pass "the answer leads with the rollback of the newest migration"
    else
        fail "the answer's first sentence is not the answer: $first"
    fi
    n=$(printf '%s\n' "$first" | grep -Eo '\[[0-9]+\]' | head -n 1 | tr -d '[]')
    if [ -n "$n" ] && grep -Eq "^\[$n\] $2:L" "$E2E_TMP/.out"; then
        pass "the first sentence cites strata-migrate(1)"
    else
        fail "the first sentence's citation [$n] is not strata-migrate(1)"
    fi
    expect_stdout_match '^\$ strata migrate down$'
}

case_ "offline ask: the answer first, cited"
expect_exit 0 -- "$STRATA" ask "how do I roll back a migration"
# The man page's description of `down` (or the example that introduces the command).
expect_rollback_answer '^(down \[options\] )?Roll back the newest (applied )?migration' 'docs/man/strata-migrate\.1\.txt'
# No sentence that quotes the question (an example of asking it), nor a shell example as prose.
expect_stdout_nomatch 'how do I roll back a migration'
expect_stdout_nomatch '\$ strata (search|ask) '

case_ "the README and the man pages as roff (as man(1) reads them), in a store of their own"
# Every chunk of strata-migrate(1) shares its title's words ("roll back ... migrations"), so
# redo's short entry ranks first and the examples that show `down` 30th: the answer must still
# lead with the instruction for the action asked about, with its command.
mkdir -p roff
cp "$SRCDIR/README.md" "$MANDIR"/*.[1-9] roff/
expect_exit 0 -- "$STRATA" ingest -q --store "$E2E_TMP/roff.db" roff
expect_exit 0 -- "$STRATA" ask --store "$E2E_TMP/roff.db" "how do I roll back a migration"
expect_rollback_answer '^Roll back the newest migration' 'roff/strata-migrate\.1'

e2e_finish
