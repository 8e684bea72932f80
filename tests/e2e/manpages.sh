#!/usr/bin/env bash
# Check the man pages the build wrote: that each renders without warnings, has the sections a user
# looks for, and lists exactly the options of the binary, with the prose of its template.
#
# Usage: bash tests/e2e/manpages.sh /path/to/strata
# Env: STRATA_MAN_DIR (default: the man/ folder beside the binary, where cmake/manpages.cmake
#      writes the pages).
#
# The pages are written from man/ by scripts/manpages.py: a template man/NAME.S.in gets the
# option items of the commands it names from `strata __complete-spec --json`, a page without
# options is copied. Checked here:
#   - the written pages are those of man/, and are what scripts/manpages.py writes from man/ and
#     this binary now (a stale build folder fails);
#   - the generator refuses drift: prose keyed by an option the command lacks, a marker naming a
#     command the binary lacks, and a command whose options no page lists each exit 2 with a
#     message naming the template;
#   - each template's prose for an option follows that option's item and help text in its page;
# and for each page (every one, so a new command's page is checked as soon as it exists):
#   - `man --warnings -E UTF-8 -l -Tutf8 -Z` (man-db; runs the tbl
#     preprocessor named on the first line) must print nothing on stderr;
#   - `groff -t -man -ww -z` must print nothing on stderr;
#   - the rendered text must have NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS,
#     ENVIRONMENT, FILES, EXAMPLES and SEE ALSO sections, and `lexgrog` (if
#     present) must find a NAME line;
#   - .TH names the page as its file does (strata-ask.1: STRATA-ASK, section 1),
#     and its footer carries the project's version from CMakeLists.txt;
#   - strata(1)'s SEE ALSO names it.
# Then, against the binary's help: every subcommand that `strata --help`
# lists has a page strata-CMD.1 that names each of its subcommands and
# mentions every long option of `strata CMD [SUB] --help`, its OPTIONS
# section has an item for each option the command defines and none for an
# option it lacks (and the commands this project has shipped are still
# listed), and the defaults the templates' prose states name the numbers the binary's help
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

SRCDIR=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd) || die "source tree not found: $(dirname "$0")/../.."
bin=${1:-}
[ -n "$bin" ] || die "usage: bash tests/e2e/manpages.sh /path/to/strata"
[ -x "$bin" ] || die "strata binary not found or not executable: $bin"
MANDIR=$(cd "${STRATA_MAN_DIR:-$(dirname "$bin")/man}" 2>/dev/null && pwd) ||
    die "the built man pages are not beside $bin (build the strata_man_pages target)"
command -v man >/dev/null 2>&1 || die "man (man-db) is not installed (apt-get install man-db groff)"
command -v groff >/dev/null 2>&1 || die "groff is not installed (apt-get install groff)"

export LC_ALL=C.UTF-8 MANWIDTH=80
unset MANPAGER PAGER MANOPT

shopt -s nullglob
pages=("$MANDIR"/*.[1-8])
[ ${#pages[@]} -gt 0 ] || die "no man pages in $MANDIR"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-manpages.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

VERSION=$(sed -n 's/^project(strata VERSION \([0-9.]*\).*/\1/p' "$SRCDIR/CMakeLists.txt")
[ -n "$VERSION" ] || die "no project(strata VERSION ...) in $SRCDIR/CMakeLists.txt"
[ -f "$MANDIR/strata.1" ] || die "missing $MANDIR/strata.1"
# strata(1)'s SEE ALSO, rendered: from its heading to the next one.
SEE_ALSO=$(man -E UTF-8 -l -Tutf8 "$MANDIR/strata.1" 2>/dev/null | sed 's/.\x08//g' |
           awk '/^SEE ALSO$/ { f = 1; next } f && /^[A-Z]/ { exit } f')

# The written pages are man/'s, as scripts/manpages.py writes them from man/ and this binary.
sources=$(cd "$SRCDIR/man" && ls | sed -n -e 's/\.in$//' -e '/\.[1-8]$/p' | sort)
written=$(cd "$MANDIR" && ls | grep -E '\.[1-8]$' | sort)
if [ -n "$sources" ] && [ "$sources" = "$written" ]; then
    pass "the pages written are those of man/ ($(printf '%s\n' "$written" | wc -l))"
else
    fail "the pages in $MANDIR are not those of man/: $(diff <(printf '%s\n' "$sources") <(printf '%s\n' "$written") | grep '^[<>]' | tr '\n' ' ')"
fi
mkdir "$TMP/fresh"
if python3 "$SRCDIR/scripts/manpages.py" --binary "$bin" "$SRCDIR/man" "$TMP/fresh" 2>"$TMP/err"; then
    for page in "${pages[@]}"; do
        p=$(basename "$page")
        if cmp -s "$page" "$TMP/fresh/$p"; then
            pass "$p is what scripts/manpages.py writes from man/ and this binary"
        else
            fail "$p is stale: not what scripts/manpages.py writes from man/ now (rebuild strata_man_pages)"
        fi
    done
else
    fail "scripts/manpages.py failed on man/: $(cat "$TMP/err")"
fi

# Drift stops the build: each of these templates makes scripts/manpages.py exit 2, naming it.
# refused CASE MESSAGE: man/ copied to $TMP/CASE (changed by the caller) must be refused.
refused() {
    local rc=0
    python3 "$SRCDIR/scripts/manpages.py" --binary "$bin" "$TMP/$1" "$TMP/$1.out" >/dev/null 2>"$TMP/err" || rc=$?
    if [ "$rc" = 2 ] && grep -qF -- "$2" "$TMP/err"; then
        pass "manpages.py refuses $1: $(head -c 160 "$TMP/err")"
    else
        fail "manpages.py on $1 exited $rc (want 2 and '$2'): $(head -c 300 "$TMP/err")"
    fi
}
cp -r "$SRCDIR/man" "$TMP/unknown-option"
printf '%s\n' '.\" @OPTION --no-such-option@' 'Prose for an option strata search lacks.' >"$TMP/prose"
sed -i "/^\.\\\\\" @OPTIONS strata search@\$/r $TMP/prose" "$TMP/unknown-option/strata-search.1.in"
refused unknown-option "strata-search.1.in:"
grep -q 'prose for --no-such-option, which .strata search. does not have' "$TMP/err" ||
    fail "the message does not name the option and the command: $(cat "$TMP/err")"
cp -r "$SRCDIR/man" "$TMP/unknown-command"
sed -i 's/^\.\\" @OPTIONS strata search@$/.\\" @OPTIONS strata serach@/' "$TMP/unknown-command/strata-search.1.in"
refused unknown-command "@OPTIONS strata serach@ names a command the binary does not have"
cp -r "$SRCDIR/man" "$TMP/unlisted"
sed -i '/^\.\\" @OPTIONS strata migrate accept@$/d' "$TMP/unlisted/strata-migrate.1.in"
refused unlisted "no page lists the options of strata migrate accept"

# Each template's prose for an option follows that option's item: .TP, the tag naming it, the
# help text, then the prose's lines as they are.
if out=$(python3 - "$SRCDIR" "$MANDIR" <<'PY' 2>&1
import os, re, sys
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import manpages
src, out = os.path.join(sys.argv[1], "man"), sys.argv[2]
checked, bad = 0, []
def names(tag):  # the bold words of an item's tag: \fB\-k\fR, \fB\-\-mode\fR
    return [w.replace("\\-", "-") for w in re.findall(r"\\fB((?:\\-|[A-Za-z0-9])+)\\fR", tag)]
for name in sorted(os.listdir(src)):
    if not name.endswith(".in"):
        continue
    page = open(os.path.join(out, name[:-3]), encoding="utf-8").read().split("\n")
    for piece in manpages.parse(os.path.join(src, name)):
        for option, lines, n in piece[2] if piece[0] == "options" else []:
            while lines and not lines[-1].strip():
                lines = lines[:-1]
            found = any(page[i] == ".TP" and option in names(page[i + 1])
                        and page[i + 3 : i + 3 + len(lines)] == lines for i in range(len(page) - 3))
            checked += 1
            if not found:
                bad.append("%s:%d: the prose for %s is not under its item in %s" % (name, n, option, name[:-3]))
print("\n".join(bad + ["%d prose blocks" % checked]))
sys.exit(1 if bad or not checked else 0)
PY
); then
    pass "every template's prose follows its option's item and help text: $(printf '%s\n' "$out" | tail -n 1)"
else
    fail "prose not under its option's item: $out"
fi

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

# Compare with the binary's help.
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
    [ -f "$page" ] || { fail "strata $cmd has no man page: missing strata-$cmd.1 in $MANDIR (a template man/strata-$cmd.1.in)"; continue; }
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
# The defaults the templates' prose states agree with the binary's help (its numbers;
# scripts/interface_text.py, against `strata __complete-spec --json`).
if out=$(python3 "$SRCDIR/scripts/interface_text.py" --only=man "$bin" 2>&1); then
    pass "the defaults the templates' prose states agree with the binary: $(printf '%s\n' "$out" | tail -n 1)"
else
    while IFS= read -r line; do
        case $line in *" checked, "*) ;; *) fail "$line" ;; esac
    done <<<"$out"
fi

echo "$NAME: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
