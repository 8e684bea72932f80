#!/usr/bin/env bash
# End-to-end test of the shell completions in completions/.
#
# Usage: bash tests/e2e/completions.sh /path/to/strata
#
# bash: sources completions/strata.bash and calls _strata with COMP_WORDS /
#       COMP_CWORD set, as bash itself does on <TAB>.
# fish: (if installed) `complete -C` with completions/ on fish_complete_path.
# zsh:  (if installed) syntax check, and real completion in a zpty session
#       when the zsh/zpty module is available.
# Migration versions are completed by running `strata migrate status --json`;
# the directory of $1 is put first on PATH so that the tested binary is used.
# No network is needed.  Prints "completions: N passed, M failed"; exits
# non-zero on any failure (2 on usage/setup errors).

set -u

NAME=completions
PASSED=0
FAILED=0

die() {
    echo "$NAME: error: $*" >&2
    exit 2
}

bin=${1:-}
[ -n "$bin" ] || die "usage: bash $0 /path/to/strata"
case $bin in
    /*) ;;
    *) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
esac
[ -x "$bin" ] || die "strata binary not found or not executable: $bin"
[ "$(basename "$bin")" = strata ] || die "binary must be named 'strata' (completions call it by that name): $bin"

HERE=$(cd "$(dirname "$0")" && pwd)
COMPDIR=$(cd "$HERE/../../completions" 2>/dev/null && pwd) || die "completions directory not found next to $HERE/../.."
for f in strata.bash _strata strata.fish; do
    [ -f "$COMPDIR/$f" ] || die "missing completion file: $COMPDIR/$f"
done

BINDIR=$(dirname "$bin")
export PATH="$BINDIR:$PATH"
unset DATABASE_URL STRATA_MIGRATIONS_DIR
export NO_COLOR=1 LC_ALL=C TZ=UTC

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-completions.XXXXXX") || die "mktemp failed"
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() { cd / && rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() {
    PASSED=$((PASSED + 1))
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   ok: $*"
    return 0
}
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL $NAME: $*"
}

# ---------------------------------------------------------------------------
# bash

# shellcheck source=/dev/null
source "$COMPDIR/strata.bash" || die "cannot source $COMPDIR/strata.bash"
complete -p strata 2>/dev/null | grep -q -- '-F _strata' || fail "bash: 'complete -F _strata strata' not registered"

# bcomp WORD...: run _strata as bash would for the words given; the last word
# is the one being completed (pass "" for an empty word).  Sets REPLY_LIST
# (one candidate per line) and BCOMP_ERR (stderr of the completion function).
bcomp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _strata strata "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]:-}" 2>"$TMP/.bcomp_err"
    BCOMP_ERR=$(cat "$TMP/.bcomp_err")
    REPLY_LIST=$(printf '%s\n' "${COMPREPLY[@]+"${COMPREPLY[@]}"}")
}

_show() { printf '%s' "$REPLY_LIST" | tr '\n' ' '; }

# expect_has "description" cand... -- WORD...
expect_has() {
    local desc=$1 c ok=1
    shift
    local -a cands=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do cands+=("$1"); shift; done
    shift
    bcomp "$@"
    if [ -n "$BCOMP_ERR" ]; then
        fail "bash: $desc: completion function wrote to stderr: $BCOMP_ERR"
        return
    fi
    for c in "${cands[@]}"; do
        if ! printf '%s\n' "$REPLY_LIST" | grep -qxF -- "$c"; then
            fail "bash: $desc: '$c' not offered; got: $(_show)"
            ok=0
        fi
    done
    [ $ok = 1 ] && pass "bash: $desc"
}

# expect_exact "description" "sorted space-separated list" -- WORD...
expect_exact() {
    local desc=$1 want=$2 got
    shift 3
    bcomp "$@"
    got=$(printf '%s\n' "$REPLY_LIST" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
    if [ -n "$BCOMP_ERR" ]; then
        fail "bash: $desc: completion function wrote to stderr: $BCOMP_ERR"
    elif [ "$got" = "$want" ]; then
        pass "bash: $desc"
    else
        fail "bash: $desc: expected [$want], got [$got]"
    fi
}

# expect_lacks "description" cand... -- WORD...
expect_lacks() {
    local desc=$1 c ok=1
    shift
    local -a cands=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do cands+=("$1"); shift; done
    shift
    bcomp "$@"
    for c in "${cands[@]}"; do
        if printf '%s\n' "$REPLY_LIST" | grep -qxF -- "$c"; then
            fail "bash: $desc: '$c' offered but should not be; got: $(_show)"
            ok=0
        fi
    done
    [ $ok = 1 ] && pass "bash: $desc"
}

SUBS="new up down redo status stamp dump check accept"
COMMON="--database --dir --table --lock-timeout --json --quiet --color --help"

cd "$TMP" || die "cannot cd to $TMP"

expect_exact "strata mig<TAB> -> migrate" "migrate" -- strata mig
expect_has "strata <TAB> offers migrate" migrate -- strata ""
expect_has "strata -<TAB> offers global options" --help --version -- strata -
# shellcheck disable=SC2086
expect_has "strata migrate <TAB> offers every subcommand" $SUBS -- strata migrate ""
expect_exact "strata migrate st<TAB>" "stamp status" -- strata migrate st
expect_lacks "strata migrate <TAB> does not offer options" --dry-run --database -- strata migrate ""
# shellcheck disable=SC2086
expect_has "strata migrate -<TAB> offers the common options" -d -q -h $COMMON -- strata migrate -
expect_has "strata migrate up --<TAB>" --dry-run --atomic --to --steps --allow-out-of-order --resume \
    --database --dir --json -- strata migrate up --
expect_has "strata migrate down --<TAB>" --steps --to --all --dry-run --database -- strata migrate down --
expect_lacks "strata migrate down --<TAB> has no up-only options" --atomic --resume -- strata migrate down --
expect_has "strata migrate redo --<TAB>" --steps --dry-run -- strata migrate redo --
expect_lacks "strata migrate redo --<TAB> has no --to/--all" --to --all --atomic -- strata migrate redo --
expect_has "strata migrate status --<TAB>" --json --database -- strata migrate status --
expect_has "strata migrate check --<TAB>" --drift --roundtrip --strict --json -- strata migrate check --
expect_has "strata migrate dump -<TAB>" -o --output -- strata migrate dump -
expect_has "strata migrate accept --<TAB>" --all -- strata migrate accept --
expect_has "strata migrate up <TAB> offers up's options" --dry-run --to -- strata migrate up ""
expect_exact "strata migrate --color <TAB>" "always auto never" -- strata migrate --color ""
expect_lacks "strata -<TAB> has no migrate options" --color --database -- strata -
expect_exact "strata migrate up --color=al<TAB> (split at '=')" "always" -- strata migrate up --color = al
expect_has "options after '-d sqlite:app.db' (split at ':')" --atomic -- strata migrate -d sqlite : app.db up --a
expect_has "subcommand after '--lock-timeout 5 --dir migrations'" new up -- strata migrate --lock-timeout 5 --dir migrations ""
expect_exact "strata migrate new <TAB> offers nothing" "" -- strata migrate new ""

mkdir -p dirA/sub && : >fileB.db
expect_exact "--dir completes directories" "dirA" -- strata migrate --dir d
expect_has "-d completes files" fileB.db -- strata migrate -d f
expect_has "-d sqlite:<TAB> completes files after the colon" fileB.db -- strata migrate -d sqlite : ""
expect_has "dump -o completes files" fileB.db -- strata migrate dump -o f
expect_has "dump --output completes files" fileB.db -- strata migrate dump --output f

# --- chunk and tokens --------------------------------------------------------
CHUNK_OPTS="--format --strategy --size --overlap --unit --tokenizer --separator --separators --compat --lossy --color --help"
TOKENS_OPTS="--ids --decode --truncate --tokenizer --json --color --help"
: >notes.md
expect_has "strata <TAB> offers every command" migrate chunk tokens -- strata ""
expect_exact "strata ch<TAB> -> chunk" "chunk" -- strata ch
expect_exact "strata tok<TAB> -> tokens" "tokens" -- strata tok
# shellcheck disable=SC2086
expect_has "strata chunk --<TAB>" $CHUNK_OPTS -- strata chunk --
expect_lacks "strata chunk --<TAB> has no migrate or tokens options" --database --dry-run --ids --json -- strata chunk --
expect_exact "strata chunk --strategy <TAB>" "fixed markdown paragraph recursive sentence token" -- strata chunk --strategy ""
expect_exact "strata chunk --strategy re<TAB>" "recursive" -- strata chunk --strategy re
expect_exact "strata chunk --unit <TAB>" "bytes chars tokens" -- strata chunk --unit ""
expect_exact "strata chunk --tokenizer <TAB>" "cl100k_base o200k_base" -- strata chunk --tokenizer ""
expect_exact "strata chunk --format <TAB>" "json jsonl text" -- strata chunk --format ""
expect_exact "strata chunk --format=te<TAB> (split at '=')" "text" -- strata chunk --format = te
expect_exact "strata chunk --compat <TAB>" "langchain" -- strata chunk --compat ""
expect_exact "strata chunk --color <TAB>" "always auto never" -- strata chunk --color ""
expect_exact "strata chunk --size <TAB> offers nothing" "" -- strata chunk --size ""
expect_exact "strata chunk --separators <TAB> offers nothing" "" -- strata chunk --separators ""
expect_exact "strata chunk no<TAB> completes files" "notes.md" -- strata chunk no
expect_exact "strata chunk --size 300 no<TAB> completes files after a value" "notes.md" -- strata chunk --size 300 no
expect_exact "strata chunk a.md no<TAB> completes more files" "notes.md" -- strata chunk a.md no
# shellcheck disable=SC2086
expect_has "strata tokens --<TAB>" $TOKENS_OPTS -- strata tokens --
expect_lacks "strata tokens --<TAB> has no chunk options" --strategy --size --database -- strata tokens --
expect_exact "strata tokens --tokenizer <TAB>" "cl100k_base o200k_base" -- strata tokens --tokenizer ""
expect_exact "strata tokens --color <TAB>" "always auto never" -- strata tokens --color ""
expect_exact "strata tokens --truncate <TAB> offers nothing" "" -- strata tokens --truncate ""
expect_exact "strata tokens --ids no<TAB> completes files" "notes.md" -- strata tokens --ids no

# --- migration versions, asked from the binary ------------------------------
V1=20240101000001
V2=20240101000002
V3=20240101000003
mkdir -p migrations
mkmig() {
    printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$3" "$4" >"migrations/$1_$2.sql"
}
mkmig $V1 create_users_table "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" "DROP TABLE users;"
mkmig $V2 create_posts_table "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);" "DROP TABLE posts;"
mkmig $V3 create_tags_table "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);" "DROP TABLE tags;"

if ! strata migrate -d sqlite:app.db up --to $V2 -q >"$TMP/.setup" 2>&1; then
    fail "setup: 'strata migrate -d sqlite:app.db up --to $V2' failed: $(cat "$TMP/.setup")"
fi
if ! strata migrate -d sqlite:app.db status --json >"$TMP/.status" 2>&1 || ! grep -q "$V3" "$TMP/.status"; then
    fail "setup: 'strata migrate status --json' did not list $V3: $(head -c 400 "$TMP/.status")"
fi

export DATABASE_URL=sqlite:app.db
expect_exact "up --to <TAB> offers pending versions" "$V3" -- strata migrate up --to ""
expect_exact "up --to=<TAB> offers pending versions" "$V3" -- strata migrate up --to = ""
expect_exact "stamp <TAB> offers pending versions" "$V3" -- strata migrate stamp ""
expect_exact "stamp 2024<TAB> completes a prefix" "$V3" -- strata migrate stamp 2024
expect_exact "stamp V <TAB> offers no second version" "" -- strata migrate stamp $V3 ""
expect_exact "down --to <TAB> offers applied versions" "$V1 $V2" -- strata migrate down --to ""
expect_exact "accept <TAB> with no changed file offers nothing" "" -- strata migrate accept ""
unset DATABASE_URL
expect_exact "no database configured: stamp <TAB> offers nothing" "" -- strata migrate stamp ""
expect_exact "-d sqlite:app.db is passed to status" "$V3" -- strata migrate -d sqlite : app.db stamp ""
expect_exact "--database after the subcommand is passed to status" "$V3" -- strata migrate stamp --database app.db ""

printf -- '-- a comment added after the migration was applied\n' >>"migrations/${V2}_create_posts_table.sql"
expect_exact "accept <TAB> offers the modified version" "$V2" -- strata migrate -d app.db accept ""

# --- guards: a failing or missing binary gives no candidates ----------------
mkdir -p "$TMP/fakebin"
printf '#!/bin/sh\necho "strata: error: boom" >&2\nexit 7\n' >"$TMP/fakebin/strata"
chmod +x "$TMP/fakebin/strata"
expect_exact "failing binary: stamp <TAB> offers nothing" "" -- "$TMP/fakebin/strata" migrate -d app.db stamp ""
printf '#!/bin/sh\necho "not json at all"\nexit 0\n' >"$TMP/fakebin/strata"
expect_exact "garbage output: up --to <TAB> offers nothing" "" -- "$TMP/fakebin/strata" migrate -d app.db up --to ""
saved_path=$PATH
PATH=/usr/bin:/bin
expect_exact "binary not on PATH: stamp <TAB> offers nothing" "" -- strata migrate -d app.db stamp ""
PATH=$saved_path

# --- every option the binary's --help lists is completed, and vice versa ----
help_opts() { # long options mentioned in help text on stdin
    grep -oE -- '(^|[^A-Za-z0-9-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
migrate_help=$(strata migrate --help 2>&1) || fail "'strata migrate --help' exited non-zero"
for sub in $SUBS; do
    sub_help=$(strata migrate "$sub" --help 2>&1) || { fail "'strata migrate $sub --help' exited non-zero"; continue; }
    bcomp strata migrate "$sub" --
    offered=$(printf '%s\n' "$REPLY_LIST" | sed '/^$/d' | sort -u)
    missing=""
    for o in $(printf '%s\n' "$sub_help" | help_opts); do
        printf '%s\n' "$offered" | grep -qxF -- "$o" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then
        pass "bash: $sub: every option in '$sub --help' is completed"
    else
        fail "bash: $sub: options in 'strata migrate $sub --help' not completed:$missing"
    fi
    unknown=""
    for o in $offered; do
        printf '%s\n%s\n' "$sub_help" "$migrate_help" | help_opts | grep -qxF -- "$o" || unknown="$unknown $o"
    done
    if [ -z "$unknown" ]; then
        pass "bash: $sub: every completed option is in the binary's help"
    else
        fail "bash: $sub: completed options not in 'strata migrate [$sub] --help':$unknown"
    fi
done
for sub in $SUBS; do
    printf '%s\n' "$migrate_help" | grep -qw -- "$sub" || fail "'strata migrate --help' does not list subcommand '$sub'"
done
top_help=$(strata --help 2>&1) || fail "'strata --help' exited non-zero"
for cmd in chunk tokens; do
    if ! printf '%s\n' "$top_help" | grep -qw -- "$cmd"; then
        fail "'strata --help' does not list '$cmd'"
        continue
    fi
    cmd_help=$(strata "$cmd" --help 2>&1) || { fail "'strata $cmd --help' exited non-zero"; continue; }
    bcomp strata "$cmd" --
    offered=$(printf '%s\n' "$REPLY_LIST" | sed '/^$/d' | sort -u)
    missing=""
    for o in $(printf '%s\n' "$cmd_help" | help_opts); do
        printf '%s\n' "$offered" | grep -qxF -- "$o" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then
        pass "bash: $cmd: every option in '$cmd --help' is completed"
    else
        fail "bash: $cmd: options in 'strata $cmd --help' not completed:$missing"
    fi
    unknown=""
    for o in $offered; do
        printf '%s\n' "$cmd_help" | help_opts | grep -qxF -- "$o" || unknown="$unknown $o"
    done
    if [ -z "$unknown" ]; then
        pass "bash: $cmd: every completed option is in the binary's help"
    else
        fail "bash: $cmd: completed options not in 'strata $cmd --help':$unknown"
    fi
done

# ---------------------------------------------------------------------------
# fish
if command -v fish >/dev/null 2>&1; then
    # fcomp LINE: candidates (first column) for `complete -C LINE`.
    fcomp() {
        # shellcheck disable=SC2016  # $argv is expanded by fish
        fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C $argv[2]' \
            "$COMPDIR" "$1" 2>"$TMP/.ferr" | cut -f1
    }
    fexpect() { # fexpect "line" cand...
        local line=$1 out c ok=1
        shift
        out=$(fcomp "$line")
        if [ -s "$TMP/.ferr" ]; then
            fail "fish: '$line': errors: $(head -c 300 "$TMP/.ferr")"
            return
        fi
        for c in "$@"; do
            printf '%s\n' "$out" | grep -qxF -- "$c" || { fail "fish: '$line': '$c' not offered; got: $(printf "%s\n" "$out" | tr "\n" " ")"; ok=0; }
        done
        [ $ok = 1 ] && pass "fish: '$line'"
    }
    fexpect_none() {
        local out
        out=$(fcomp "$1")
        if [ -n "$out" ] || [ -s "$TMP/.ferr" ]; then
            fail "fish: '$1': expected no candidates, got: $(printf "%s\n" "$out" | tr "\n" " ") $(head -c 300 "$TMP/.ferr")"
        else
            pass "fish: '$1' offers nothing"
        fi
    }
    fexpect "strata " migrate chunk tokens
    # shellcheck disable=SC2086
    fexpect "strata chunk --" $CHUNK_OPTS
    fexpect "strata chunk --strategy " fixed recursive paragraph sentence markdown token
    fexpect "strata chunk --unit " chars bytes tokens
    fexpect "strata chunk --tokenizer " cl100k_base o200k_base
    fexpect "strata chunk --format " jsonl json text
    fexpect "strata chunk --compat " langchain
    fexpect "strata chunk --size 300 no" notes.md
    # shellcheck disable=SC2086
    fexpect "strata tokens --" $TOKENS_OPTS
    fexpect "strata tokens --tokenizer " cl100k_base o200k_base
    fexpect "strata tokens no" notes.md
    # shellcheck disable=SC2086
    fexpect "strata migrate " $SUBS
    fexpect "strata migrate up --" --dry-run --atomic --to --steps --allow-out-of-order --resume --database
    fexpect "strata migrate down --" --all --steps --to --dry-run
    fexpect "strata migrate check --" --drift --roundtrip --strict --json
    fexpect "strata migrate --color " auto always never
    fexpect "strata migrate -d app.db stamp " $V3
    fexpect "strata migrate -d app.db up --to " $V3
    fexpect "strata migrate -d app.db accept " $V2
    # A strata that fails (on PATH, so that fish loads the completions).
    printf '#!/bin/sh\necho "strata: error: boom" >&2\nexit 7\n' >"$TMP/fakebin/strata"
    PATH="$TMP/fakebin:/usr/bin:/bin" fexpect_none "strata migrate -d app.db stamp "
    PATH="$TMP/fakebin:/usr/bin:/bin" fexpect_none "strata migrate -d app.db up --to "
else
    echo "$NAME: note: fish not installed; fish checks skipped"
fi

# ---------------------------------------------------------------------------
# zsh
if command -v zsh >/dev/null 2>&1; then
    if zsh -n "$COMPDIR/_strata" 2>"$TMP/.zerr"; then
        pass "zsh: _strata parses"
    else
        fail "zsh: syntax error in _strata: $(cat "$TMP/.zerr")"
    fi
    if zsh -fc 'zmodload zsh/zpty' 2>/dev/null && command -v timeout >/dev/null 2>&1; then
        # zcomp LINE: candidates zsh offers for LINE<TAB> (compadd is wrapped
        # to print every match; the line is then cleared and a marker printed).
        cat >"$TMP/zcomp.zsh" <<'ZEOF'
zmodload zsh/zpty || exit 3
zpty z 'TERM=dumb PS1= PROMPT= RPROMPT= zsh -f -i'
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { local -a __h; builtin compadd -O __h "$@"; (( $#__h )) && print -rl -- "<M>"$^__h >&2; builtin compadd "$@"; }'
zpty -w z 'zstyle ":completion:*" menu no; unsetopt beep; print -- ZC-READY'
while zpty -r z l; do [[ $l == *ZC-READY* && $l != *print* ]] && break; done
zpty -w -n z "$2"$'\t'
sleep 0.5
zpty -w -n z $'\C-u'
zpty -w z 'print -- ZC-DONE'
out=''
while zpty -r z l; do out+=$l; [[ $l == *ZC-DONE* && $l != *print* ]] && break; done
zpty -d z
print -r -- "$out" | tr '\r' '\n' | grep -a '<M>' | sed 's/.*<M>//' | sort -u
ZEOF
        zexpect() { # zexpect "line" cand...
            local line=$1 out c ok=1
            shift
            out=$(cd "$TMP" && timeout 20 zsh -f "$TMP/zcomp.zsh" "$COMPDIR" "$line" 2>&1)
            for c in "$@"; do
                printf '%s\n' "$out" | grep -qxF -- "$c" || { fail "zsh: '$line': '$c' not offered; got: $(printf "%s\n" "$out" | tr "\n" " ")"; ok=0; }
            done
            [ $ok = 1 ] && pass "zsh: '$line'"
        }
        zexpect "strata mig" migrate
        zexpect "strata " migrate chunk tokens
        zexpect "strata chunk --" --format --strategy --size --overlap --unit --tokenizer --separator --separators --compat --lossy --color
        zexpect "strata chunk --strategy " fixed recursive paragraph sentence markdown token
        zexpect "strata chunk --unit " chars bytes tokens
        zexpect "strata chunk --tokenizer " cl100k_base o200k_base
        zexpect "strata chunk --format " jsonl json text
        zexpect "strata chunk no" notes.md
        zexpect "strata tokens --" --ids --decode --truncate --tokenizer --json
        zexpect "strata tokens --tokenizer " cl100k_base o200k_base
        # shellcheck disable=SC2086
        zexpect "strata migrate " $SUBS
        zexpect "strata migrate up --" --dry-run --atomic --to --steps --allow-out-of-order --resume
        zexpect "strata migrate check --" --drift --roundtrip --strict --json
        zexpect "strata migrate -d app.db stamp " $V3
        zexpect "strata migrate -d app.db accept " $V2
    else
        echo "$NAME: note: zsh/zpty or timeout not available; interactive zsh checks skipped"
    fi
else
    echo "$NAME: note: zsh not installed; zsh checks skipped"
fi

echo "$NAME: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
