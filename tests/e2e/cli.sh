#!/usr/bin/env bash
# End-to-end tests of the command line as a whole: "did you mean" for mistyped commands,
# sub-subcommands and options (exit 2, `strata: error:` and a hint), `--version` (text and
# --json) with the git revision, the exit-code table of `strata --help`, the flags every
# subcommand shares (--store, --collection, --json, -q, -v, --color, NO_COLOR), and ingest's
# [chunk] from strata.toml (a new collection's chunking; a recorded one wins, with a warning
# naming file:line; a bad value names file:line), and which libraries start-up loads.
#
# Usage: bash tests/e2e/cli.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
e2e_init cli "$@"

unset STRATA_STORE XDG_CONFIG_HOME
export HOME="$E2E_TMP/home"
mkdir -p "$HOME"

case_ "did you mean: a mistyped command"
expect_exit 2 -- "$STRATA" serach foo
expect_error_line "^strata: error: unknown command 'serach'; did you mean 'search'\\?$"
expect_stderr_match "^strata: hint: run 'strata --help' for the list of commands$"
expect_exit 2 -- "$STRATA" --color never injest docs/
expect_error_line "unknown command 'injest'; did you mean 'ingest'\\?"
expect_exit 2 -- "$STRATA" frobnicate
expect_error_line "^strata: error: unknown command 'frobnicate'$"

case_ "did you mean: migrate's and the catalog's sub-subcommands"
expect_exit 2 -- "$STRATA" migrate stauts
expect_error_line "unknown command 'stauts' for 'strata migrate'; did you mean 'status'\\?"
expect_exit 2 -- "$STRATA" migrate -d sqlite:app.db --dir m chek
expect_error_line "unknown command 'chek' for 'strata migrate'; did you mean 'check'\\?"
expect_exit 2 -- "$STRATA" documents shwo x
expect_error_line "unknown command 'shwo' for 'strata documents'; did you mean 'show'\\?"

case_ "did you mean: a mistyped option, with or without =value"
expect_exit 2 -- "$STRATA" search --colection x query
expect_error_line "unknown option '--colection' for 'strata search'; did you mean '--collection'\\?"
expect_stderr_match "^strata: hint: run 'strata search --help' for its options$"
expect_exit 2 -- "$STRATA" ingest --stratgy=fixed docs/
expect_error_line "unknown option '--stratgy' for 'strata ingest'; did you mean '--strategy'\\?"
expect_exit 2 -- "$STRATA" migrate up --dryrun
expect_error_line "unknown option '--dryrun' for 'strata migrate up'; did you mean '--dry-run'\\?"
expect_exit 2 -- "$STRATA" tokens --bogus-flag-name
expect_error_line "^strata: error: unknown option '--bogus-flag-name' for 'strata tokens'$"

case_ "--version: version and git revision; --json"
expect_exit 0 -- "$STRATA" --version
expect_stdout_match '^strata [0-9]+\.[0-9]+\.[0-9]+ \((git [0-9a-f]{7,}(-dirty)?|built outside git)\)$'
expect_stderr_empty
text_version=$OUT
expect_exit 0 -- "$STRATA" --version --json
expect_stdout_match '^\{"dirty":(true|false),"git":("[0-9a-f]{7,}"|null),"sqlite":"3\.[0-9]+\.[0-9]+","version":"[0-9.]+"\}$'
# The SQLite library the binary runs with: the one sqlite3(1) reports on this machine (both use
# the system libsqlite3).
assert_eq "$(sqlite3 --version | cut -d' ' -f1)" \
    "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["sqlite"])')" \
    "--version --json names the SQLite library in use"
json_version=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
rev = "built outside git" if d["git"] is None else "git " + d["git"] + ("-dirty" if d["dirty"] else "")
print("strata %s (%s)" % (d["version"], rev))')
assert_eq "$text_version" "$json_version" "--version and --version --json agree"
expect_exit 0 -- "$STRATA" --json --version
expect_stdout_match '"version"'

case_ "start-up loads no library a command does not use (libpq, libcurl, libcrypto, poppler, libzip, libxml2)"
# They are dlopen'ed on first use; linked, they were most of every command's start-up cost.
# LD_DEBUG=files makes the dynamic loader list every object it opens, on stderr.
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u | tr '\n' ' '; }
printf 'One line.\n' >startup.txt
mkdir -p startup-migrations
for cmd in "--version" "chunk startup.txt" "tokens startup.txt" "migrate -d sqlite:startup.db --dir startup-migrations status"; do
    # shellcheck disable=SC2086
    libs=$(cd "$E2E_TMP" && loaded "$STRATA" $cmd)
    case "$libs" in
        *libsqlite3*) ;;
        *) fail "strata $cmd: LD_DEBUG=files shows no library at all: [$libs]"; continue ;;
    esac
    if printf '%s' "$libs" | grep -Eq 'libpq|libcurl|libcrypto|libssl|poppler|strata-pdf|libzip|libxml2|libicu|strata-office'; then
        fail "strata $cmd loads [$libs]"
    else
        pass "strata $cmd: no libpq, libcurl, libcrypto, poppler, libzip or libxml2"
    fi
done
# The PostgreSQL driver opens libpq when it connects: nothing listens on port 9, so the error
# is libpq's own (exit 7), not a library that cannot be loaded.
expect_exit 7 -- "$STRATA" migrate -d postgres://strata@127.0.0.1:9/x --dir startup-migrations status
expect_stderr_nomatch 'cannot load'
expect_error_line '127\.0\.0\.1'
libs=$(loaded "$STRATA" migrate -d postgres://strata@127.0.0.1:9/x --dir startup-migrations status)
case "$libs" in *libpq.so.5*) pass "migrate on postgres:// loads libpq" ;; *) fail "migrate on postgres:// did not load libpq: [$libs]" ;; esac

case_ "the git revision is read at build time, and outside git says so"
if command -v cmake >/dev/null 2>&1 && [ -f "$src/cmake/git_revision.cmake" ]; then
    mkdir -p nogit
    run cmake -DSOURCE_DIR="$E2E_TMP/nogit" -DOUTPUT="$E2E_TMP/nogit/rev.cpp" -P "$src/cmake/git_revision.cmake"
    assert_eq 0 "$RC" "git_revision.cmake outside a repository succeeds"
    assert_true "no revision outside git" grep -q 'return "";' nogit/rev.cpp
    if command -v git >/dev/null 2>&1; then
        mkdir -p repo && (cd repo && git init -q && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m x \
            && printf 'a\n' >f && git add f && git -c user.name=t -c user.email=t@t commit -q -m f)
        rev=$(git -C repo rev-parse --short=7 HEAD)
        run cmake -DSOURCE_DIR="$E2E_TMP/repo" -DOUTPUT="$E2E_TMP/repo.cpp" -P "$src/cmake/git_revision.cmake"
        assert_true "clean tree: the short revision" grep -q "return \"$rev\";" repo.cpp
        before=$(stat -c %Y.%s repo.cpp)
        sleep 1
        run cmake -DSOURCE_DIR="$E2E_TMP/repo" -DOUTPUT="$E2E_TMP/repo.cpp" -P "$src/cmake/git_revision.cmake"
        assert_eq "$before" "$(stat -c %Y.%s repo.cpp)" "same revision: the file is not rewritten (nothing rebuilds)"
        printf 'b\n' >repo/f
        run cmake -DSOURCE_DIR="$E2E_TMP/repo" -DOUTPUT="$E2E_TMP/repo.cpp" -P "$src/cmake/git_revision.cmake"
        assert_true "changed tracked file: -dirty" grep -q "return \"$rev-dirty\";" repo.cpp
    fi
else
    skip "cmake or the source tree is not available"
fi

case_ "exit codes: one table in strata --help, the one of core/common/error.h"
expect_exit 0 -- "$STRATA" --help
table=$(printf '%s\n' "$OUT" | sed -n '/^Exit status/,$p' | awk '/^  [0-9] /{print $1, $2}')
header=$(sed -n '/enum class ExitCode/,/^};/p' "$src/core/common/error.h" |
    sed -nE 's/^ *([a-z_]+) = ([0-9]+),.*/\2 \1/p')
assert_eq "$header" "$table" "strata --help lists every code of error.h with its name"
# Every man page's EXIT STATUS uses codes of that table only; strata(1) lists all of them.
codes_in_page() { # PAGE -> the codes its EXIT STATUS lists (tbl rows "N|..." or ".TP/.B N")
    awk '/^\.SH "?EXIT STATUS/{p=1; next} /^\.SH/{p=0} p' "$1" |
        grep -oE '^([0-9]+)\||^\.B [0-9]+$' | grep -oE '[0-9]+' | sort -un | tr '\n' ' '
}
all_codes=$(printf '%s\n' "$header" | awk '{print $1}' | sort -un | tr '\n' ' ')
assert_eq "$all_codes" "$(codes_in_page "$src/man/strata.1.in")" "strata(1) EXIT STATUS lists every code"
# The pages' sources: a command's page is a template (its EXIT STATUS is typed there).
for page in "$src"/man/*.1.in "$src"/man/*.5; do
    for c in $(codes_in_page "$page"); do
        case " $all_codes" in *" $c "*) pass "$(basename "$page"): code $c" ;;
            *) fail "$(basename "$page") EXIT STATUS lists code $c, which is not in core/common/error.h" ;; esac
    done
done

case_ "shared flags: --json, -q, --color on every command that prints; --store and --collection where a store is used"
for spec in "ingest:store,collection,json,quiet,verbose,color" "search:store,collection,json,quiet,verbose,color" \
    "ask:store,collection,json,quiet,color" "embed:store,collection,json,quiet,color" \
    "collections:store,json,quiet,color" "documents:store,collection,json,quiet,color" \
    "logs:store,json,quiet,color" "migrate:json,quiet,color" "migrate status:json,quiet,color" \
    "tokens:json,color" "chunk:color" "config:json,color"; do
    cmd=${spec%%:*}
    # shellcheck disable=SC2086
    help=$("$STRATA" $cmd --help)
    for flag in $(printf '%s' "${spec#*:}" | tr , ' '); do
        if printf '%s\n' "$help" | grep -qE -- "(^|[ ,])--$flag([ ,=]|$)"; then
            pass "strata $cmd has --$flag"
        else
            fail "strata $cmd --help does not list --$flag"
        fi
    done
    printf '%s\n' "$help" | grep -q 'never' || fail "strata $cmd: --color does not list never"
done
for cmd in ingest search ask embed collections documents logs migrate; do
    # shellcheck disable=SC2086
    "$STRATA" $cmd --help | grep -qE -- '-q,--quiet' && pass "strata $cmd: -q is --quiet" || fail "strata $cmd: no -q,--quiet"
done
for cmd in ingest search; do
    "$STRATA" $cmd --help | grep -qE -- '-v,--verbose' && pass "strata $cmd: -v is --verbose" || fail "strata $cmd: no -v,--verbose"
done

mkdir -p docs
printf '# Pools\n\nA connection pool keeps connections open.\n' >docs/pool.md
printf 'Retention: keep logs for 30 days.\n' >docs/retention.txt

case_ "--store, --collection, -v, -q on real commands"
expect_exit 0 -- "$STRATA" ingest --store s.db --collection kb -v docs
expect_stderr_match '^new .*pool\.md'
expect_exit 0 -- "$STRATA" search --store s.db --collection kb -v pool
expect_stdout_match 'pool\.md'
expect_output_match 'keyword'
expect_exit 0 -- "$STRATA" search --store s.db --collection kb -q nothingmatcheszzz
expect_stderr_empty
expect_exit 0 -- "$STRATA" logs --store s.db
expect_stderr_match 'no logged calls'
expect_exit 0 -- "$STRATA" logs --store s.db -q
expect_stderr_empty
expect_exit 0 -- "$STRATA" documents --store s.db --collection kb --json
expect_stdout_match '"source":"docs/pool.md"'

case_ "--color always colours a message; NO_COLOR and --color never do not"
esc=$(printf '\033')
unset NO_COLOR
expect_exit 2 -- "$STRATA" --color always serach
assert_true "--color always: escape codes on stderr" grep -q "$esc" "$E2E_TMP/.err"
expect_exit 2 -- "$STRATA" search --color always --colection x y
assert_true "a subcommand's --color always too" grep -q "$esc" "$E2E_TMP/.err"
NO_COLOR=1 run "$STRATA" serach
assert_false "NO_COLOR: no escape codes" grep -q "$esc" "$E2E_TMP/.err"
expect_exit 2 -- "$STRATA" --color never serach
assert_false "--color never: no escape codes" grep -q "$esc" "$E2E_TMP/.err"
export NO_COLOR=1

case_ "ingest: [chunk] of strata.toml chooses a new collection's chunking"
mkdir -p proj/docs && cp docs/* proj/docs/
printf '[chunk]\nstrategy = "fixed"\nsize = 40\n' >proj/strata.toml
cd proj || exit 2
expect_exit 0 -- "$STRATA" ingest --json docs
assert_eq "fixed 40" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; c=json.load(sys.stdin)["chunking"]; print(c["strategy"], c["size"])')" "chunking from strata.toml"

case_ "ingest: the recorded chunking wins over a changed strata.toml, with a warning naming file:line"
printf '[chunk]\nstrategy = "fixed"\nsize = 80\n' >strata.toml
expect_exit 0 -- "$STRATA" ingest -q docs
expect_stderr_match "^strata: warning: $E2E_TMP/proj/strata.toml:3: \\[chunk\\] asks for .*80.* but collection 'default' records .*40.*--rechunk"
expect_exit 0 -- "$STRATA" ingest --json docs
expect_stdout_match '"size":40'
expect_exit 0 -- "$STRATA" ingest --rechunk --json docs
expect_stdout_match '"size":80'
expect_stdout_match '"changed":2'
expect_exit 0 -- "$STRATA" ingest docs
expect_stderr_nomatch 'warning'

case_ "a bad value from strata.toml names file:line, not a flag"
printf '[chunk]\nstrategy = "semantic"\n' >strata.toml
expect_exit 2 -- "$STRATA" ingest --collection fresh docs
expect_error_line "^strata: error: $E2E_TMP/proj/strata.toml:2: chunk.strategy: unknown strategy 'semantic'$"
expect_exit 2 -- "$STRATA" chunk docs/pool.md
expect_error_line "^strata: error: $E2E_TMP/proj/strata.toml:2: chunk.strategy: unknown strategy 'semantic'"
expect_exit 0 -- "$STRATA" ingest --collection fresh --strategy recursive docs
printf '[chunk]\nsize = 0\n' >strata.toml
expect_exit 2 -- "$STRATA" ingest --collection fresher docs
expect_error_line "^strata: error: $E2E_TMP/proj/strata.toml:2: chunk.size must be 1 or more$"
expect_exit 2 -- "$STRATA" chunk docs/pool.md
expect_error_line "^strata: error: $E2E_TMP/proj/strata.toml:2: chunk.size must be a whole number of 1 or more"
printf '[chunk]\nsize = 10\noverlap = 10\n' >strata.toml
expect_exit 2 -- "$STRATA" chunk docs/pool.md
expect_error_line "$E2E_TMP/proj/strata.toml:3: chunk.overlap \\(10\\) must be below chunk.size \\(10\\)$"
cd "$E2E_TMP" || exit 2

e2e_finish
