#!/usr/bin/env bash
# Check that every man page in man/ renders without warnings and has the sections a user looks for.
#
# Usage: bash tests/e2e/manpages.sh [/path/to/strata]
#
# For each man/*.[1-8] (every page there, so a new command's page is checked as soon as it exists):
#   - `man --warnings -E UTF-8 -l -Tutf8 -Z` (man-db; runs the tbl
#     preprocessor named on the first line) must print nothing on stderr;
#   - `groff -t -man -ww -z` must print nothing on stderr;
#   - the rendered text must have NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS,
#     ENVIRONMENT, FILES, EXAMPLES and SEE ALSO sections, and `lexgrog` (if
#     present) must find a NAME line;
#   - .TH names the page as its file does (strata-ask.1: STRATA-ASK, section 1),
#     and its footer carries the project's version from CMakeLists.txt;
#   - strata(1)'s SEE ALSO names it.
# With a binary path, also checks that every subcommand that `strata --help`
# lists has a page man/strata-CMD.1 that names each of its subcommands and
# mentions every long option of `strata CMD [SUB] --help`, that its OPTIONS
# section has an item for each option the command defines and none for an
# option it lacks (and that the commands this project has shipped are still
# listed), and that the default each OPTIONS item states names the numbers the binary's help
# gives (scripts/interface_text.py --only=man).
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
pages=("$MANDIR"/*.[1-8])
[ ${#pages[@]} -gt 0 ] || die "no man pages in $MANDIR"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-manpages.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

VERSION=$(sed -n 's/^project(strata VERSION \([0-9.]*\).*/\1/p' "$MANDIR/../CMakeLists.txt")
[ -n "$VERSION" ] || die "no project(strata VERSION ...) in $MANDIR/../CMakeLists.txt"
[ -f "$MANDIR/strata.1" ] || die "missing $MANDIR/strata.1"
# strata(1)'s SEE ALSO, rendered: from its heading to the next one.
SEE_ALSO=$(man -E UTF-8 -l -Tutf8 "$MANDIR/strata.1" 2>/dev/null | sed 's/.\x08//g' |
           awk '/^SEE ALSO$/ { f = 1; next } f && /^[A-Z]/ { exit } f')

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

    # .TH NAME SECTION DATE SOURCE: the name with man's escaped hyphens, upper case.
    th=$(grep -m1 '^\.TH ' "$page" || true)
    th_name=$(printf '%s\n' "$th" | awk '{ print $2 }' | sed 's/\\-/-/g' | tr 'A-Z' 'a-z')
    th_section=$(printf '%s\n' "$th" | awk '{ print $3 }')
    if [ "$th_name.$th_section" = "$p" ]; then
        pass "$p: .TH names it $th_name($th_section)"
    else
        fail "$p: .TH says '$th_name($th_section)', the file is $p"
    fi
    if printf '%s\n' "$th" | grep -qF "\"strata $VERSION\""; then
        pass "$p: .TH carries version $VERSION"
    else
        fail "$p: .TH does not carry \"strata $VERSION\" (CMakeLists.txt's version): $th"
    fi
    if [ "$p" != strata.1 ]; then
        if printf '%s\n' "$SEE_ALSO" | grep -qF "${p%.*}(${p##*.})"; then
            pass "$p: strata(1) SEE ALSO names it"
        else
            fail "$p: strata(1) SEE ALSO does not name ${p%.*}(${p##*.})"
        fi
    fi

    if command -v lexgrog >/dev/null 2>&1; then
        if lexgrog "$page" >"$TMP/lex" 2>&1 && grep -q ' - ' "$TMP/lex"; then
            pass "$p: lexgrog finds the NAME line"
        else
            fail "$p: lexgrog cannot parse the NAME section: $(cat "$TMP/lex")"
        fi
    fi
done

# Optional: compare with the binary's help.
# subcommands_of: the names under "Subcommands:" in CLI11's help on stdin.
subcommands_of() {
    awk '/^Subcommands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { sub(/,$/, "", $1); print $1 }'  # "down, rollback": the name
}
# long_options_of: every --option named in the help text on stdin.
long_options_of() {
    grep -oE -- '(^|[^A-Za-z0-9-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
# options_of_help: the options CLI11's help on stdin defines (the first column of its option
# lines: "-q,--quiet", "-k N"), one a line, without -h/--help.
options_of_help() {
    awk '/^ +-/ { print $1 }' | tr ',' '\n' | grep -E -- '^--?[A-Za-z0-9]' | grep -vxE -- '-h|--help' | sort -u
}
# option_items PAGE: the options named by the items (the tag line after .TP) of the page's
# OPTIONS section and, for migrate, its SUBCOMMANDS section, one a line, without -h/--help.
option_items() {
    awk '/^\.SH / { f = ($0 ~ /^\.SH "?(OPTIONS|SUBCOMMANDS)/); tp = 0; next }
         f && tp { if ($0 !~ /^\.PD/) { print; tp = 0 }; next }
         f && /^\.TP/ { tp = 1 }' "$1" |
        sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' |
        grep -oE -- '(^|[ "(|,[])--?[A-Za-z0-9][A-Za-z0-9-]*' | grep -oE -- '--?[A-Za-z0-9][A-Za-z0-9-]*' |
        grep -vxE -- '-h|--help' | sort -u
}
bin=${1:-}
if [ -n "$bin" ]; then
    [ -x "$bin" ] || die "strata binary not found or not executable: $bin"
    top=$("$bin" --help 2>&1) || fail "'strata --help' exited non-zero"
    commands=$(printf '%s\n' "$top" | subcommands_of)
    # The commands shipped so far: the list read from --help must not silently shrink.
    for cmd in migrate chunk tokens ingest collections documents embed search ask logs config; do
        if printf '%s\n' "$commands" | grep -qx -- "$cmd"; then
            pass "'strata --help' lists $cmd"
        else
            fail "'strata --help' does not list $cmd"
        fi
    done
    for cmd in $commands; do
        page="$MANDIR/strata-$cmd.1"
        [ -f "$page" ] || { fail "strata $cmd has no man page: missing man/strata-$cmd.1"; continue; }
        pass "strata $cmd has its page strata-$cmd.1"
        text=$(man -E UTF-8 -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g')
        chelp=$("$bin" "$cmd" --help 2>&1) || { fail "'strata $cmd --help' exited non-zero"; continue; }
        for sub in $(printf '%s\n' "$chelp" | subcommands_of); do
            if printf '%s\n' "$text" | grep -qw -- "$sub"; then
                pass "strata-$cmd.1 names the subcommand '$sub'"
            else
                fail "strata-$cmd.1 does not mention the subcommand '$sub'"
            fi
            chelp="$chelp
$("$bin" "$cmd" "$sub" --help 2>&1)" || fail "'strata $cmd $sub --help' exited non-zero"
        done
        missing=""
        for o in $(printf '%s\n' "$chelp" | long_options_of); do
            printf '%s\n' "$text" | grep -qF -- "$o" || missing="$missing $o"
        done
        if [ -z "$missing" ]; then
            pass "strata-$cmd.1 documents every option of 'strata $cmd [SUB] --help'"
        else
            fail "strata-$cmd.1 does not mention options of 'strata $cmd [SUB] --help':$missing"
        fi
        # OPTIONS has an item for each option the command defines, and none for one it lacks.
        defined=$(printf '%s\n' "$chelp" | options_of_help)
        items=$(option_items "$page")
        missing=$(comm -23 <(printf '%s\n' "$defined") <(printf '%s\n' "$items") | tr '\n' ' ')
        extra=$(comm -13 <(printf '%s\n' "$defined") <(printf '%s\n' "$items") | tr '\n' ' ')
        if [ -z "$missing" ]; then
            pass "strata-$cmd.1 OPTIONS has an item for every option of 'strata $cmd [SUB] --help'"
        else
            fail "strata-$cmd.1 OPTIONS has no item for: $missing"
        fi
        if [ -z "$extra" ]; then
            pass "strata-$cmd.1 OPTIONS lists no option that 'strata $cmd [SUB] --help' lacks"
        else
            fail "strata-$cmd.1 OPTIONS lists options that 'strata $cmd [SUB] --help' lacks: $extra"
        fi
    done
    # The defaults the OPTIONS items state agree with the binary's help (its numbers and values;
    # scripts/interface_text.py, against `strata __complete-spec --json`).
    if out=$(python3 "$MANDIR/../scripts/interface_text.py" --only=man "$bin" 2>&1); then
        pass "the defaults in OPTIONS agree with the binary: $(printf '%s\n' "$out" | tail -n 1)"
    else
        while IFS= read -r line; do
            case $line in *" checked, "*) ;; *) fail "$line" ;; esac
        done <<<"$out"
    fi
fi

echo "$NAME: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
