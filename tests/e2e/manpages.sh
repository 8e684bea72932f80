#!/usr/bin/env bash
# Check that every man page in man/ renders without warnings.
#
# Usage: bash tests/e2e/manpages.sh [/path/to/strata]
#
# For each man/*.1 and man/*.5:
#   - `man --warnings -E UTF-8 -l -Tutf8 -Z` (man-db; runs the tbl
#     preprocessor named on the first line) must print nothing on stderr;
#   - `groff -t -man -ww -z` must print nothing on stderr;
#   - the rendered text must have NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS and
#     SEE ALSO sections, and `lexgrog` (if present) must find a NAME line.
# With a binary path, also checks that every subcommand and every long option
# shown by `strata migrate [SUB] --help` is mentioned in strata-migrate(1), and
# every long option of `strata CMD [SUB] --help` in strata-CMD(1), for chunk,
# tokens, ingest, collections, documents, embed, search, ask, logs and config (and
# that `strata --help` lists each of them).
# Prints "manpages: N passed, M failed"; exits non-zero on any failure.

set -u

NAME=manpages
PASSED=0
FAILED=0

die() {
    echo "$NAME: error: $*" >&2
    exit 2
}
pass() {
    PASSED=$((PASSED + 1))
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   ok: $*"
    return 0
}
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL $NAME: $*"
}

MANDIR=$(cd "$(dirname "$0")/../../man" 2>/dev/null && pwd) || die "man directory not found: $(dirname "$0")/../../man"
command -v man >/dev/null 2>&1 || die "man (man-db) is not installed (apt-get install man-db groff)"
command -v groff >/dev/null 2>&1 || die "groff is not installed (apt-get install groff)"

export LC_ALL=C.UTF-8 MANWIDTH=80
unset MANPAGER PAGER MANOPT

shopt -s nullglob
pages=("$MANDIR"/*.1 "$MANDIR"/*.5)
[ ${#pages[@]} -gt 0 ] || die "no man pages in $MANDIR"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-manpages.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

for page in "${pages[@]}"; do
    p=$(basename "$page")
    if man --warnings -E UTF-8 -l -Tutf8 -Z "$page" >/dev/null 2>"$TMP/err"; then
        if [ -s "$TMP/err" ]; then
            fail "$p: man --warnings printed:"
            sed 's/^/      | /' "$TMP/err"
        else
            pass "$p: man --warnings is clean"
        fi
    else
        fail "$p: man -l exited non-zero: $(head -c 400 "$TMP/err")"
    fi

    if groff -t -man -ww -z "$page" 2>"$TMP/err" && [ ! -s "$TMP/err" ]; then
        pass "$p: groff -ww is clean"
    else
        fail "$p: groff -t -man -ww -z printed:"
        sed 's/^/      | /' "$TMP/err"
    fi

    text=$(man -E UTF-8 -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g')
    for sec in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
        if printf '%s\n' "$text" | grep -qx "$sec"; then
            pass "$p: has section $sec"
        else
            fail "$p: section '$sec' missing from the rendered page"
        fi
    done

    if command -v lexgrog >/dev/null 2>&1; then
        if lexgrog "$page" >"$TMP/lex" 2>&1 && grep -q ' - ' "$TMP/lex"; then
            pass "$p: lexgrog finds the NAME line"
        else
            fail "$p: lexgrog cannot parse the NAME section: $(cat "$TMP/lex")"
        fi
    fi
done

# Optional: compare with the binary's help.
bin=${1:-}
if [ -n "$bin" ]; then
    [ -x "$bin" ] || die "strata binary not found or not executable: $bin"
    page="$MANDIR/strata-migrate.1"
    [ -f "$page" ] || die "missing $page"
    text=$(man -E UTF-8 -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g')
    top=$("$bin" --help 2>&1) || fail "'strata --help' exited non-zero"
    if printf '%s\n' "$top" | grep -qw migrate; then
        pass "'strata --help' lists migrate"
    else
        fail "'strata --help' does not list migrate"
    fi
    mhelp=$("$bin" migrate --help 2>&1) || fail "'strata migrate --help' exited non-zero"
    for sub in new up down redo status stamp dump check accept; do
        printf '%s\n' "$mhelp" | grep -qw -- "$sub" || fail "'strata migrate --help' does not list '$sub'"
        shelp=$("$bin" migrate "$sub" --help 2>&1) || { fail "'strata migrate $sub --help' exited non-zero"; continue; }
        missing=""
        for o in $(printf '%s\n%s\n' "$mhelp" "$shelp" | grep -oE -- '(^|[^A-Za-z0-9-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
            printf '%s\n' "$text" | grep -qF -- "$o" || missing="$missing $o"
        done
        if [ -z "$missing" ]; then
            pass "strata-migrate.1 documents every option of '$sub --help'"
        else
            fail "strata-migrate.1 does not mention options of 'strata migrate $sub --help':$missing"
        fi
    done
    # COMMAND[:SUB,SUB]: the options of the command and of each of its subcommands.
    for spec in chunk tokens ingest collections:list,remove documents:list,show,remove embed search ask logs config; do
        cmd=${spec%%:*}
        subs=""
        [ "$spec" != "$cmd" ] && subs=${spec#*:}
        page="$MANDIR/strata-$cmd.1"
        [ -f "$page" ] || { fail "missing $page"; continue; }
        text=$(man -E UTF-8 -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g')
        printf '%s\n' "$top" | grep -qw -- "$cmd" || { fail "'strata --help' does not list $cmd"; continue; }
        chelp=$("$bin" "$cmd" --help 2>&1) || { fail "'strata $cmd --help' exited non-zero"; continue; }
        for sub in ${subs//,/ }; do
            printf '%s\n' "$text" | grep -qw -- "$sub" || fail "strata-$cmd.1 does not mention the subcommand '$sub'"
            chelp="$chelp
$("$bin" "$cmd" "$sub" --help 2>&1)" || fail "'strata $cmd $sub --help' exited non-zero"
        done
        missing=""
        for o in $(printf '%s\n' "$chelp" | grep -oE -- '(^|[^A-Za-z0-9-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
            printf '%s\n' "$text" | grep -qF -- "$o" || missing="$missing $o"
        done
        if [ -z "$missing" ]; then
            pass "strata-$cmd.1 documents every option of '$cmd --help'"
        else
            fail "strata-$cmd.1 does not mention options of 'strata $cmd --help':$missing"
        fi
    done
fi

echo "$NAME: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
