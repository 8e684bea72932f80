#!/usr/bin/env bash
# End-to-end test of the shell completions the build writes (scripts/completions.py, from
# the templates in completions/ and the binary's command tree) into completions/ beside the
# binary.
#
# Usage: bash tests/e2e/completions.sh /path/to/strata
# Env: STRATA_COMPLETIONS_DIR (default: the completions/ folder beside the binary).
#
# bash: sources strata.bash and calls _strata with COMP_WORDS /
#       COMP_CWORD set, as bash itself does on <TAB>.
# fish: (if installed) `complete -C` with that folder on fish_complete_path.
# zsh:  (if installed) syntax check, and real completion in a zpty session
#       when the zsh/zpty module is available.
# Each shell's description of every option (with its stated default) and every fixed list of
# values are compared with the binary's command tree (`strata __complete-spec --json`) by
# completion_texts.py: fish through `complete -C`, zsh through the specs _strata gives
# _arguments, bash (which shows no descriptions) through its value lists.
# Migration versions are completed by running `strata migrate status --json`,
# collection names and document sources by running `strata collections
# --json` and `strata documents --json` against a store made here with
# `strata ingest`; the directory of $1 is put first on PATH so that the
# tested binary is used.
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
COMPDIR=$(cd "${STRATA_COMPLETIONS_DIR:-$(dirname "$bin")/completions}" 2>/dev/null && pwd) ||
    die "the built completions are not beside $bin (build the strata_completions target)"
for f in strata.bash _strata strata.fish; do
    [ -f "$COMPDIR/$f" ] || die "missing completion file: $COMPDIR/$f"
done

BINDIR=$(dirname "$bin")
export PATH="$BINDIR:$PATH"
unset DATABASE_URL STRATA_MIGRATIONS_DIR STRATA_STORE
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
# has_line LIST ITEM: ITEM is a whole line of LIST. In bash itself: a grep per candidate made
# this script spend minutes starting processes.
has_line() {
    [[ $'\n'"$1"$'\n' == *$'\n'"$2"$'\n'* ]]
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
        if ! has_line "$REPLY_LIST" "$c"; then
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
        if has_line "$REPLY_LIST" "$c"; then
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
expect_has "strata -<TAB> offers global options" --help --version --color -- strata -
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
expect_lacks "strata -<TAB> has no migrate options" --database --dir -- strata -
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
expect_exact "strata ch<TAB> -> chat chunk" "chat chunk" -- strata ch
expect_exact "strata chu<TAB> -> chunk" "chunk" -- strata chu
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

# --- ingest, collections, documents ------------------------------------------
# The knowledge store lives in its own folder (kb/), so that the file
# completions of the other cases see only what they expect.
INGEST_OPTS="--store --collection --glob --exclude --hidden --no-ignore --files-from --null --jsonl --id --meta --loader --loader-cmd --loader-timeout --strategy --size --overlap --unit --tokenizer --rechunk --prune --dry-run --checksum --threads --embed --no-embed --base-url --api-key-env --max-retries --timeout --json --quiet --verbose --color --help"
COLL_OPTS="--color --help --json --quiet --store -h -q"
DOCS_OPTS="--collection --color --help --json --quiet --store -h -q"
NAMES="default notes read me team:wiki"
SOURCES="docs/guide/setup.md docs/intro.md docs/with space.txt"
mkdir -p kb/docs/guide
cd kb || die "cannot cd to $TMP/kb"
printf '# Intro\n\nHello.\n' >docs/intro.md
printf '# Setup\n\nRun it.\n' >docs/guide/setup.md
printf 'a file name with a space\n' >"docs/with space.txt"
# Records whose metadata and title hold a "source" of their own: only the
# top-level one is a document's source.
printf '%s\n' '{"id":"rec-1","text":"first","metadata":{"source":"NOT-THIS","deep":{"source":"NOR-THIS"}}}' \
    '{"id":"rec:2 b","text":"second","title":"\"source\":\"NOT-TITLE\""}' >records.jsonl
kb_setup() {
    "$@" >"$TMP/.setup" 2>&1 || fail "setup: '$*' failed: $(head -c 400 "$TMP/.setup")"
}
kb_setup strata ingest -q docs
kb_setup strata ingest -q --collection notes docs/intro.md
kb_setup strata ingest -q --collection team:wiki --jsonl records.jsonl
kb_setup strata ingest -q --collection "read me" docs/guide/setup.md
kb_setup strata ingest -q --store other.db --collection archive docs/intro.md
if [ "$(strata collections --json 2>&1 | grep -c '"name"')" != 4 ]; then
    fail "setup: 'strata collections --json' does not list 4 collections: $(strata collections --json 2>&1 | head -c 400)"
fi

expect_has "strata <TAB> offers ingest, collections, documents" ingest collections documents -- strata ""
expect_exact "strata in<TAB> -> ingest" "ingest" -- strata in
expect_exact "strata col<TAB> -> collections" "collections" -- strata col
expect_exact "strata con<TAB> -> config" "config" -- strata con
expect_exact "strata do<TAB> -> documents" "documents" -- strata "do"
# shellcheck disable=SC2086
expect_has "strata ingest --<TAB>" $INGEST_OPTS -- strata ingest --
expect_has "strata ingest -<TAB> offers the short options" -0 -q -v -h -- strata ingest -
expect_lacks "strata ingest --<TAB> has no chunk, tokens or migrate options" --format --compat --separator --lossy --ids --database -- strata ingest --
expect_exact "strata ingest --loader <TAB>" "code docx epub html man markdown odt pdf pptx text" -- strata ingest --loader ""
expect_exact "strata ingest --strategy <TAB> (with auto)" "auto fixed markdown paragraph recursive sentence token" -- strata ingest --strategy ""
expect_exact "strata ingest --strategy=a<TAB> (split at '=')" "auto" -- strata ingest --strategy = a
expect_exact "strata ingest --unit <TAB>" "bytes chars tokens" -- strata ingest --unit ""
expect_exact "strata ingest --tokenizer <TAB>" "cl100k_base o200k_base" -- strata ingest --tokenizer ""
expect_exact "strata ingest --color <TAB>" "always auto never" -- strata ingest --color ""
for o in --size --overlap --glob --exclude --meta --id --threads; do
    expect_exact "strata ingest $o <TAB> offers nothing" "" -- strata ingest "$o" ""
done
expect_exact "strata ingest --store oth<TAB> completes files" "other.db" -- strata ingest --store oth
expect_exact "strata ingest --files-from rec<TAB> completes files" "records.jsonl" -- strata ingest --files-from rec
expect_exact "strata ingest do<TAB> completes folders" "docs" -- strata ingest "do"
expect_exact "strata ingest docs/<TAB> completes files and folders" "docs/guide docs/intro.md docs/with space.txt" -- strata ingest docs/
expect_exact "strata ingest -0 --collection notes rec<TAB> (after a flag and a value)" "records.jsonl" -- strata ingest -0 --collection notes rec
expect_exact "strata ingest --glob '*.md' do<TAB>" "docs" -- strata ingest --glob "'*.md'" "do"

expect_exact "strata collections <TAB>" "copy grants list remove" -- strata collections ""
expect_exact "strata collections re<TAB>" "remove" -- strata collections re
expect_exact "strata collections -<TAB>" "$COLL_OPTS" -- strata collections -
expect_exact "strata collections remove -<TAB>" "$COLL_OPTS" -- strata collections remove -
expect_exact "strata collections list <TAB> offers its options" "$COLL_OPTS" -- strata collections list ""
expect_exact "strata collections --store oth<TAB> completes files" "other.db" -- strata collections --store oth
expect_exact "strata documents <TAB>" "list remove show" -- strata documents ""
expect_exact "strata documents -<TAB>" "$DOCS_OPTS" -- strata documents -
expect_exact "strata documents show -<TAB>" "--collection --color --help --json --quiet --store --text -h -q" -- strata documents show -
expect_exact "strata documents remove --<TAB>" "--collection --color --help --json --quiet --store" -- strata documents remove --
expect_exact "strata documents list <TAB> offers its options" "$DOCS_OPTS" -- strata documents list ""

# Collection names and document sources, asked from the binary.
expect_exact "ingest --collection <TAB> offers the collections" "$NAMES" -- strata ingest --collection ""
expect_exact "ingest --collection n<TAB>" "notes" -- strata ingest --collection n
expect_exact "ingest --collection=n<TAB> (split at '=')" "notes" -- strata ingest --collection = n
expect_exact "ingest --collection team:<TAB> (split at ':')" "wiki" -- strata ingest --collection team : ""
expect_exact "ingest --collection=team:w<TAB> (split at '=' and ':')" "wiki" -- strata ingest --collection = team : w
expect_exact "ingest --collection 're<TAB> (quoted)" "read me" -- strata ingest --collection "'re"
expect_exact "ingest --collection read\\ <TAB> (escaped space)" "read me" -- strata ingest --collection 'read\ '
expect_exact "ingest --store other.db --collection <TAB>" "archive" -- strata ingest --store other.db --collection ""
expect_exact "ingest --store=other.db --collection <TAB>" "archive" -- strata ingest --store = other.db --collection ""
expect_exact "documents --collection <TAB>" "$NAMES" -- strata documents --collection ""
expect_exact "documents show --collection <TAB>" "$NAMES" -- strata documents show --collection ""
expect_exact "collections remove <TAB>" "$NAMES" -- strata collections remove ""
expect_exact "collections remove t<TAB>" "team:wiki" -- strata collections remove t
expect_exact "collections remove notes <TAB> offers no second name" "" -- strata collections remove notes ""
expect_exact "collections --store other.db remove <TAB>" "archive" -- strata collections --store other.db remove ""
expect_exact "collections remove --store other.db <TAB> (option after the subcommand)" "archive" -- strata collections remove --store other.db ""
expect_exact "documents show <TAB>" "$SOURCES" -- strata documents show ""
expect_exact "documents show docs/i<TAB>" "docs/intro.md" -- strata documents show docs/i
expect_exact "documents show docs/with\\ <TAB> (escaped space)" "docs/with space.txt" -- strata documents show 'docs/with\ '
expect_exact "documents show docs/intro.md <TAB> offers no second source" "" -- strata documents show docs/intro.md ""
expect_exact "documents --collection notes show <TAB>" "docs/intro.md" -- strata documents --collection notes show ""
expect_exact "documents show --collection=notes <TAB>" "docs/intro.md" -- strata documents show --collection = notes ""
expect_exact "documents --collection 'read me' show <TAB> (quoted name passed on)" "docs/guide/setup.md" -- strata documents --collection "'read me'" show ""
expect_exact "documents --collection team:wiki show <TAB>: top-level ids only" "rec-1 rec:2 b" -- strata documents --collection team : wiki show ""
expect_exact "documents remove <TAB>" "$SOURCES" -- strata documents remove ""
expect_exact "documents remove docs/intro.md <TAB> leaves out the sources given" "docs/guide/setup.md docs/with space.txt" -- strata documents remove docs/intro.md ""
expect_exact "documents remove docs/intro.md 'docs/with space.txt' <TAB>" "docs/guide/setup.md" -- strata documents remove docs/intro.md "'docs/with space.txt'" ""
expect_exact "documents --store other.db --collection archive show <TAB>" "docs/intro.md" -- strata documents --store other.db --collection archive show ""
expect_exact "strata --color never documents show <TAB>" "$SOURCES" -- strata --color never documents show ""
expect_exact "documents --collection nope show <TAB> offers nothing" "" -- strata documents --collection nope show ""
expect_exact "documents --store missing.db show <TAB> offers nothing" "" -- strata documents --store missing.db show ""

# embed (still in kb/, with its collections and records.jsonl)
EMBED_OPTS="--store --collection --text --jsonl --provider --model --dimensions --base-url --api-key-env --concurrency --batch-size --batch-tokens --max-input-tokens --max-retries --timeout --strict --switch-model --json --quiet --color --help"
expect_has "strata <TAB> offers embed" embed -- strata ""
expect_exact "strata em<TAB> -> embed" "embed" -- strata em
# shellcheck disable=SC2086
expect_has "strata embed --<TAB>" $EMBED_OPTS -- strata embed --
expect_has "strata embed -<TAB> offers the short options" -q -h -- strata embed -
expect_lacks "strata embed --<TAB> has no ingest or chunk options" --glob --strategy --format --database -- strata embed --
expect_exact "strata embed --provider <TAB>" "local openai" -- strata embed --provider ""
expect_has "strata embed --model <TAB> offers known models" hash-ngram-v2 hash-ngram-v1 text-embedding-3-small nomic-embed-text bge-m3 -- strata embed --model ""
expect_exact "strata embed --model nomic<TAB>" "nomic-embed-text" -- strata embed --model nomic
export STRATA_COMPLETION_TEST_KEY=not-shown
expect_exact "strata embed --api-key-env STRATA_COMPLETION_T<TAB> offers variable names" "STRATA_COMPLETION_TEST_KEY" -- strata embed --api-key-env STRATA_COMPLETION_T
unset STRATA_COMPLETION_TEST_KEY
expect_exact "strata embed --collection n<TAB>" "notes" -- strata embed --collection n
expect_exact "strata embed --store other.db --collection <TAB>" "archive" -- strata embed --store other.db --collection ""
expect_exact "strata embed --color <TAB>" "always auto never" -- strata embed --color ""
for o in --text --dimensions --base-url --concurrency --batch-size --batch-tokens --max-input-tokens --max-retries --timeout; do
    expect_exact "strata embed $o <TAB> offers nothing" "" -- strata embed "$o" ""
done
expect_exact "strata embed --jsonl rec<TAB> completes files" "records.jsonl" -- strata embed --jsonl rec
expect_exact "strata embed rec<TAB> without --jsonl offers nothing" "" -- strata embed rec
expect_exact "strata embed --store oth<TAB> completes files" "other.db" -- strata embed --store oth

# search, ask, logs (still in kb/)
expect_has "strata <TAB> offers search, ask, logs" search ask logs -- strata ""
expect_exact "strata sea<TAB> -> search" "search" -- strata sea
expect_exact "strata search --mo<TAB> -> --mode" "--mode" -- strata search --mo
expect_exact "strata search --mode <TAB>" "hybrid keyword vector" -- strata search --mode ""
expect_exact "strata search --mode=k<TAB> (split at '=')" "keyword" -- strata search --mode = k
expect_exact "strata search --collection n<TAB>" "notes" -- strata search --collection n
expect_exact "strata search ro<TAB> (free-text query) offers nothing" "" -- strata search ro
expect_exact "strata search -k 5 --where team=ops ro<TAB> offers nothing" "" -- strata search -k 5 --where team=ops ro
for o in -k --where --vector-weight --base-url; do
    expect_exact "strata search $o <TAB> offers nothing" "" -- strata search "$o" ""
done
expect_exact "strata ask --provider <TAB>" "anthropic none openai" -- strata ask --provider ""
expect_exact "strata embed --provider <TAB> is still embed's" "local openai" -- strata embed --provider ""
expect_has "strata ask --model <TAB> offers chat models" gpt-4o-mini claude-3-5-haiku-latest llama3.2 -- strata ask --model ""
expect_lacks "strata ask --model <TAB> has no embedding models" text-embedding-3-small hash-ngram-v1 hash-ngram-v2 -- strata ask --model ""
expect_exact "strata ask --mode <TAB>" "hybrid keyword vector" -- strata ask --mode ""
expect_exact "strata ask --vec<TAB> -> --vector-weight" "--vector-weight" -- strata ask --vec
expect_exact "strata ask --vector-weight 0.5 --mode <TAB> (the weight is a value)" "hybrid keyword vector" -- strata ask --vector-weight 0.5 --mode ""
expect_exact "strata ask --collection n<TAB>" "notes" -- strata ask --collection n
expect_has "strata ask -<TAB> offers the short options" -c -k -q -h -- strata ask -
expect_exact "strata ask wh<TAB> (free-text question) offers nothing" "" -- strata ask wh
for o in -k --where --vector-weight --temperature --max-tokens --context-tokens --max-retries --conversation; do
    expect_exact "strata ask $o <TAB> offers nothing" "" -- strata ask "$o" ""
done
expect_has "strata logs -<TAB>" -n --limit --conversation --json --store -- strata logs -
expect_exact "strata chat --provider <TAB>" "anthropic none openai" -- strata chat --provider ""
expect_exact "strata chat --collection n<TAB>" "notes" -- strata chat --collection n
expect_lacks "strata chat --<TAB> has no ask-only options" --continue --context-only --json -- strata chat --
expect_lacks "strata logs -<TAB> has no ask options" --model --provider --collection -- strata logs -
expect_exact "strata logs -n <TAB> offers nothing" "" -- strata logs -n ""
expect_has "strata <TAB> offers config" config -- strata ""
expect_has "strata <TAB> offers mcp" mcp -- strata ""
expect_has "strata mcp -<TAB>" --store --collection --no-migrate -- strata mcp -
expect_has "strata config -<TAB>" --path --json --color -- strata config -
expect_lacks "strata config -<TAB> has no store options" --store --collection -- strata config -
cd "$TMP" || die "cannot cd to $TMP"
expect_exact "no store here: collections remove <TAB> offers nothing" "" -- strata collections remove ""
expect_exact "no store here: ingest --collection <TAB> offers nothing" "" -- strata ingest --collection ""
expect_exact "no store here: documents show <TAB> offers nothing" "" -- strata documents show ""
if [ -e "$TMP/.strata" ] || [ -e "$TMP/kb/missing.db" ]; then
    fail "bash: completing created a store"
else
    pass "bash: completing creates no store"
fi
export STRATA_STORE="$TMP/kb/other.db"
expect_exact "STRATA_STORE is honoured: collections remove <TAB>" "archive" -- strata collections remove ""
expect_exact "STRATA_STORE is honoured: documents show <TAB>" "" -- strata documents show ""
expect_exact "STRATA_STORE, --collection archive: documents show <TAB>" "docs/intro.md" -- strata documents --collection archive show ""
unset STRATA_STORE
printf '#!/bin/sh\necho "strata: error: boom" >&2\nexit 7\n' >"$TMP/fakebin/strata"
expect_exact "failing binary: collections remove <TAB> offers nothing" "" -- "$TMP/fakebin/strata" --store kb/.strata/store.db collections remove ""
expect_exact "failing binary: documents show <TAB> offers nothing" "" -- "$TMP/fakebin/strata" documents --store kb/.strata/store.db show ""
printf '#!/bin/sh\necho "not json at all"\necho "{\\"name\\": 3}"\nexit 0\n' >"$TMP/fakebin/strata"
expect_exact "garbage output: ingest --collection <TAB> offers nothing" "" -- "$TMP/fakebin/strata" ingest --collection ""
saved_path=$PATH
PATH=/usr/bin:/bin
expect_exact "binary not on PATH: collections remove <TAB> offers nothing" "" -- strata collections --store kb/.strata/store.db remove ""
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
        has_line "$offered" "$o" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then
        pass "bash: $sub: every option in '$sub --help' is completed"
    else
        fail "bash: $sub: options in 'strata migrate $sub --help' not completed:$missing"
    fi
    unknown=""
    known=$(printf '%s\n%s\n' "$sub_help" "$migrate_help" | help_opts)
    for o in $offered; do
        has_line "$known" "$o" || unknown="$unknown $o"
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
for cmd in chunk tokens ingest collections documents embed search ask logs mcp config; do
    printf '%s\n' "$top_help" | grep -qw -- "$cmd" || fail "'strata --help' does not list '$cmd'"
done
for sub in list remove copy grants; do
    strata collections --help 2>&1 | grep -qw -- "$sub" || fail "'strata collections --help' does not list '$sub'"
done
for sub in list show remove; do
    strata documents --help 2>&1 | grep -qw -- "$sub" || fail "'strata documents --help' does not list '$sub'"
done
short_opts() { # short options (-x,--long, -x,-y,--long, or -x alone: "-k N") in CLI11 help text on stdin
    grep -oE -- '^ +-[A-Za-z0-9](,-[A-Za-z0-9])*(,--| |$)' | grep -oE -- '-[A-Za-z0-9]' | sort -u
}
# help_check SHELL "WORDS" OFFERED: every option in `strata WORDS --help` is
# in OFFERED (the candidates for `strata WORDS -<TAB>`, one a line), and
# every option offered is in that help or the parent command's.
help_check() {
    local sh=$1 words=$2 offered=$3 help parent_help="" o missing="" unknown="" known
    # shellcheck disable=SC2086
    help=$(strata $words --help 2>&1) || { fail "'strata $words --help' exited non-zero"; return; }
    # shellcheck disable=SC2086
    case $words in *" "*) parent_help=$(strata ${words%% *} --help 2>&1) ;; esac
    for o in $(printf '%s\n' "$help" | help_opts) $(printf '%s\n' "$help" | short_opts); do
        has_line "$offered" "$o" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then
        pass "$sh: $words: every option in '$words --help' is completed"
    else
        fail "$sh: $words: options in 'strata $words --help' not completed:$missing"
    fi
    known=$({ printf '%s\n%s\n' "$help" "$parent_help" | help_opts; printf '%s\n%s\n' "$help" "$parent_help" | short_opts; })
    for o in $offered; do
        [[ $o == -* ]] || continue
        has_line "$known" "$o" || unknown="$unknown $o"
    done
    if [ -z "$unknown" ]; then
        pass "$sh: $words: every completed option is in the binary's help"
    else
        fail "$sh: $words: completed options not in 'strata $words --help':$unknown"
    fi
}
# Every command and subcommand the binary lists (its command table), so that a new command or
# option is checked in the three shells as soon as it exists.
subcommands_of() { # the names under "Subcommands:" in CLI11's help on stdin
    # "down, rollback": a subcommand and its alias; the name is the first.
    awk '/^Subcommands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { sub(/,$/, "", $1); print $1 }'
}
help_cmds=()
for cmd in $(strata --help 2>&1 | subcommands_of); do
    help_cmds+=("$cmd")
    for sub in $(strata "$cmd" --help 2>&1 | subcommands_of); do help_cmds+=("$cmd $sub"); done
done
if [ ${#help_cmds[@]} -ge 26 ]; then
    pass "the binary lists ${#help_cmds[@]} commands and subcommands to check"
else
    fail "the binary lists ${#help_cmds[@]} commands and subcommands, fewer than the 26 shipped: ${help_cmds[*]}"
fi
for words in "${help_cmds[@]}"; do
    # shellcheck disable=SC2086
    bcomp strata $words -
    help_check bash "$words" "$(printf '%s\n' "$REPLY_LIST" | sed '/^$/d' | sort -u)"
done

# What each shell says of every option, against the command tree (completion_texts.py).
TEXTS="$HERE/completion_texts.py"
strata __complete-spec --json >"$TMP/spec.json" 2>"$TMP/.spec_err" ||
    fail "'strata __complete-spec --json' failed: $(head -c 300 "$TMP/.spec_err")"
# texts_check SHELL ANSWERS: what SHELL gave for completion_texts.py's lines equals the tree.
texts_check() {
    local out
    if out=$(python3 "$TEXTS" check "$1" "$TMP/spec.json" "$2" 2>&1); then
        pass "$1: completions agree with the command tree in ${out#ok } checks"
    else
        fail "$1: completions differ from the command tree:"$'\n'"$(printf '%s\n' "$out" | head -n 20)"
    fi
}
: >"$TMP/bash.texts"
while IFS='|' read -r path opt; do
    printf '@@ %s|%s\n' "$path" "$opt" >>"$TMP/bash.texts"
    # shellcheck disable=SC2086  # the path's words
    bcomp strata $path "$opt" ""
    printf '%s\n' "$REPLY_LIST" >>"$TMP/bash.texts"
done < <(python3 "$TEXTS" lines bash "$TMP/spec.json")
texts_check bash "$TMP/bash.texts"

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
            has_line "$out" "$c" || { fail "fish: '$line': '$c' not offered; got: $(printf "%s\n" "$out" | tr "\n" " ")"; ok=0; }
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
    fexpect_lacks() { # fexpect_lacks "line" cand...
        local line=$1 out c ok=1
        shift
        out=$(fcomp "$line")
        for c in "$@"; do
            has_line "$out" "$c" && { fail "fish: '$line': '$c' offered but should not be"; ok=0; }
        done
        [ $ok = 1 ] && pass "fish: '$line' lacks $*"
    }
    fexpect "strata migrate stamp -d app.db " $V3
    # ingest, collections, documents
    cd "$TMP/kb" || die "cannot cd to $TMP/kb"
    fexpect "strata " ingest collections documents
    fexpect "strata ingest -" -0 -q -v -h
    fexpect_lacks "strata ingest --" --format --compat --separator --database --ids
    fexpect "strata ingest --loader " text markdown html pdf code docx odt pptx epub
    fexpect "strata ingest --strategy " auto fixed recursive paragraph sentence markdown token
    fexpect "strata ingest --unit " chars bytes tokens
    fexpect "strata ingest --tokenizer " cl100k_base o200k_base
    fexpect "strata ingest --color " auto always never
    fexpect_none "strata ingest --size "
    fexpect_none "strata ingest --glob "
    fexpect_none "strata ingest --meta "
    fexpect "strata ingest do" docs/
    fexpect "strata ingest docs/" docs/guide/ docs/intro.md "docs/with space.txt"
    fexpect "strata ingest --store oth" other.db
    fexpect "strata ingest --files-from rec" records.jsonl
    fexpect "strata ingest -0 --collection notes rec" records.jsonl
    fexpect "strata collections " list remove copy
    fexpect_lacks "strata collections " --store default
    fexpect "strata documents " list show remove
    fexpect_lacks "strata collections -" --collection
    fexpect "strata ingest --collection " default notes "read me" team:wiki
    fexpect "strata ingest --collection=n" --collection=notes
    fexpect "strata ingest --store other.db --collection " archive
    fexpect "strata ingest --store=other.db --collection " archive
    fexpect "strata documents --collection " default notes "read me" team:wiki
    fexpect "strata collections remove " default notes "read me" team:wiki
    fexpect_none "strata collections remove notes "
    fexpect "strata collections --store other.db remove " archive
    fexpect "strata collections remove --store other.db " archive
    fexpect "strata documents show " docs/intro.md docs/guide/setup.md "docs/with space.txt"
    fexpect_none "strata documents show docs/intro.md "
    fexpect "strata documents --collection notes show " docs/intro.md
    fexpect_lacks "strata documents --collection notes show " docs/guide/setup.md
    fexpect "strata documents show --collection=team:wiki " rec-1 "rec:2 b"
    fexpect_lacks "strata documents show --collection=team:wiki " NOT-THIS NOR-THIS NOT-TITLE
    fexpect "strata documents --collection 'read me' show " docs/guide/setup.md
    fexpect "strata documents remove docs/intro.md " docs/guide/setup.md "docs/with space.txt"
    fexpect_lacks "strata documents remove docs/intro.md " docs/intro.md
    fexpect "strata documents --store other.db --collection archive show " docs/intro.md
    fexpect_none "strata documents --collection nope show "
    fexpect_none "strata documents --store missing.db show "
    fexpect "strata " embed
    fexpect "strata embed -" -q -h
    fexpect_lacks "strata embed --" --glob --strategy --format --database
    fexpect "strata embed --provider " local openai
    fexpect "strata embed --model " hash-ngram-v2 hash-ngram-v1 text-embedding-3-small nomic-embed-text
    fexpect "strata embed --collection " default notes "read me" team:wiki
    fexpect "strata embed --store other.db --collection " archive
    fexpect "strata embed --jsonl rec" records.jsonl
    fexpect_none "strata embed --dimensions "
    fexpect "strata " search ask logs
    fexpect "strata search --mo" --mode
    fexpect "strata search --mode " keyword vector hybrid
    fexpect "strata search --collection " default notes "read me" team:wiki
    fexpect_none "strata search rec"
    fexpect_none "strata search -k "
    fexpect "strata ask --provider " openai anthropic none
    fexpect_lacks "strata ask --provider " local
    fexpect "strata ask --model " gpt-4o-mini claude-3-5-haiku-latest
    fexpect "strata ask --mode " keyword vector hybrid
    fexpect "strata ask --vec" --vector-weight
    fexpect_none "strata ask --vector-weight "
    fexpect "strata ask -" -c -k -q -h
    fexpect_none "strata ask rec"
    fexpect "strata chat --" --tools --conversation --model
    fexpect_lacks "strata chat --" --continue --context-only --json
    fexpect "strata chat --provider " openai anthropic none
    fexpect "strata logs -" -n -h
    fexpect "strata " config mcp
    fexpect "strata mcp --" --store --collection --no-migrate
    fexpect "strata config --" --path --json --color
    cd "$TMP" || die "cannot cd to $TMP"
    fexpect_none "strata collections remove "
    fexpect_none "strata ingest --collection "
    STRATA_STORE="$TMP/kb/other.db" fexpect "strata collections remove " archive
    PATH="$TMP/fakebin:/usr/bin:/bin" fexpect_none "strata collections --store kb/.strata/store.db remove "
    PATH="$TMP/fakebin:/usr/bin:/bin" fexpect_none "strata documents --store kb/.strata/store.db show "
    PATH="$TMP/fakebin:/usr/bin:/bin" fexpect_none "strata ingest --store kb/.strata/store.db --collection "
    for words in "${help_cmds[@]}"; do
        help_check fish "$words" "$(fcomp "strata $words -" | sed '/^$/d' | sort -u)"
    done
    # Every option's description and values, one fish for all the lines.
    mapfile -t text_lines < <(python3 "$TEXTS" lines fish "$TMP/spec.json")
    # shellcheck disable=SC2016  # $argv and $l are fish's
    fish --no-config -c 'set -p fish_complete_path $argv[1]; for l in $argv[2..]; echo "@@ $l"; complete -C $l; end' \
        "$COMPDIR" "${text_lines[@]}" >"$TMP/fish.texts" 2>"$TMP/.ferr"
    texts_check fish "$TMP/fish.texts"
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
    # Every option's description and values as zsh reads _strata's specs (sourcing the file
    # defines _strata_specs; its own call of _strata fails outside completion, unseen).
    mapfile -t text_lines < <(python3 "$TEXTS" lines zsh "$TMP/spec.json")
    # shellcheck disable=SC2016  # zsh's
    zsh -f -c 'source $1 >/dev/null 2>&1; shift; local p; for p in "$@"; do print -r -- "@@ $p"; _strata_specs $p; print -rl -- $reply; done' \
        zsh "$COMPDIR/_strata" "${text_lines[@]}" >"$TMP/zsh.texts" 2>&1
    texts_check zsh "$TMP/zsh.texts"
    if zsh -fc 'zmodload zsh/zpty' 2>/dev/null && command -v timeout >/dev/null 2>&1; then
        # One zsh runs every completion (a zsh and compinit per line took most of this script's
        # time): it reads "DIR<TAB>LINE" lines on stdin and, for each, cds the interactive zsh in
        # its zpty to DIR, types LINE<TAB> (compadd is wrapped to print every match), clears the
        # line and prints the matches, one a line, then ZC-END.
        cat >"$TMP/zcomp.zsh" <<'ZEOF'
zmodload zsh/zpty || exit 3
zpty z 'TERM=dumb PS1= PROMPT= RPROMPT= zsh -f -i'
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -d ${(q)2}"
zpty -w z 'compadd() { local -a __h; builtin compadd -O __h "$@"; (( $#__h )) && print -rl -- "<M>"$^__h >&2; builtin compadd "$@"; }'
zpty -w z 'zstyle ":completion:*" menu no; unsetopt beep; LISTMAX=100000; print -- ZC-READY'
while zpty -r z l; do [[ $l == *ZC-READY* && $l != *print* ]] && break; done
n=0
while IFS=$'\t' read -r dir line; do
  n=$((n + 1))
  zpty -w z "cd -- ${(q)dir}; print -- ZC-CD-$n"
  while zpty -r z l; do [[ $l == *ZC-CD-$n* && $l != *print* ]] && break; done
  zpty -w -n z "$line"$'\t'
  # The completion runs before zle reads the keys that follow; the pause keeps a listing from
  # seeing them as typeahead.
  sleep 0.2
  zpty -w -n z $'\C-u'
  zpty -w z "print -- ZC-DONE-$n"
  out=''
  while zpty -r z l; do out+=$l; [[ $l == *ZC-DONE-$n* && $l != *print* ]] && break; done
  print -r -- "$out" | tr '\r' '\n' | grep -a '<M>' | sed 's/.*<M>//' | sort -u
  print -- ZC-END
done
zpty -d z
ZEOF
        coproc ZCOMP { zsh -f "$TMP/zcomp.zsh" "$COMPDIR" "$TMP/.zcompdump" 2>&1; }
        # zcomp LINE: sets ZOUT to the candidates, one a line (completed in $ZDIR, default $TMP);
        # after 20 s without an answer, to what came so far. Never in a subshell or pipeline: bash does
        # not give those the coprocess's descriptors.
        zcomp() {
            local l
            ZOUT=""
            printf '%s\t%s\n' "${ZDIR:-$TMP}" "$1" >&"${ZCOMP[1]}" || return
            while IFS= read -r -t 20 l <&"${ZCOMP[0]}"; do
                [ "$l" = ZC-END ] && return
                ZOUT+="$l"$'\n'
            done
        }
        zexpect() { # zexpect "line" cand...
            local line=$1 out c ok=1
            shift
            zcomp "$line"; out=$ZOUT
            for c in "$@"; do
                has_line "$out" "$c" || { fail "zsh: '$line': '$c' not offered; got: $(printf "%s\n" "$out" | tr "\n" " ")"; ok=0; }
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
        zexpect "strata migrate stamp -d app.db " $V3
        zexpect_lacks() { # zexpect_lacks "line" cand...
            local line=$1 out c ok=1
            shift
            zcomp "$line"; out=$ZOUT
            for c in "$@"; do
                has_line "$out" "$c" && { fail "zsh: '$line': '$c' offered but should not be"; ok=0; }
            done
            [ $ok = 1 ] && pass "zsh: '$line' lacks $*"
        }
        zexpect_none() {
            local out
            zcomp "$1"; out=$ZOUT
            if [ -n "$out" ]; then
                fail "zsh: '$1': expected no candidates, got: $(printf "%s\n" "$out" | tr "\n" " ")"
            else
                pass "zsh: '$1' offers nothing"
            fi
        }
        # ingest, collections, documents
        ZDIR=$TMP/kb
        zexpect "strata " ingest collections documents
        zexpect "strata ingest --loader " text markdown html pdf code docx odt pptx epub
        zexpect "strata ingest --strategy " auto fixed recursive paragraph sentence markdown token
        zexpect "strata ingest --unit " chars bytes tokens
        zexpect "strata ingest --tokenizer " cl100k_base o200k_base
        zexpect "strata ingest --color=" auto always never
        zexpect "strata ingest do" docs
        zexpect "strata ingest --store oth" other.db
        zexpect "strata ingest --files-from rec" records.jsonl
        zexpect "strata collections " list remove copy
        zexpect "strata documents " list show remove
        zexpect "strata ingest --collection " default notes "read me" team:wiki
        zexpect "strata ingest --store other.db --collection " archive
        zexpect "strata documents --collection=" default notes "read me" team:wiki
        zexpect "strata collections remove " default notes "read me" team:wiki
        zexpect "strata collections remove --store other.db " archive
        zexpect "strata documents show " docs/intro.md docs/guide/setup.md "docs/with space.txt"
        zexpect "strata documents show --json " docs/intro.md docs/guide/setup.md
        zexpect "strata documents --collection notes show " docs/intro.md
        zexpect_lacks "strata documents --collection notes show " docs/guide/setup.md
        zexpect "strata documents show --collection team:wiki " rec-1 "rec:2 b"
        zexpect_lacks "strata documents show --collection team:wiki " NOT-THIS NOR-THIS NOT-TITLE
        zexpect "strata documents remove docs/intro.md " docs/guide/setup.md "docs/with space.txt"
        zexpect_lacks "strata documents remove docs/intro.md " docs/intro.md
        zexpect_none "strata documents --store missing.db show "
        zexpect "strata " embed
        zexpect "strata embed --provider " local openai
        zexpect "strata embed --model " hash-ngram-v2 hash-ngram-v1 text-embedding-3-small nomic-embed-text
        zexpect "strata embed --collection " default notes "read me" team:wiki
        zexpect "strata embed --store oth" other.db
        zexpect "strata " search ask logs
        zexpect "strata search --mode=" keyword vector hybrid
        zexpect "strata search --collection " default notes "read me" team:wiki
        zexpect "strata ask --provider=" openai anthropic none
        zexpect "strata ask --model=" gpt-4o-mini claude-3-5-haiku-latest
        zexpect "strata ask --vec" --vector-weight
        zexpect "strata logs --" --limit --conversation --json
        zexpect "strata " config mcp
        zexpect "strata mcp --" --store --collection --no-migrate
        zexpect "strata config --" --path --json --color
        ZDIR=$TMP
        zexpect_none "strata collections remove "
        for words in "${help_cmds[@]}"; do
            zcomp "strata $words -"
            help_check zsh "$words" "$(printf '%s' "$ZOUT" | sed '/^$/d' | sort -u)"
        done
    else
        echo "$NAME: note: zsh/zpty or timeout not available; interactive zsh checks skipped"
    fi
else
    echo "$NAME: note: zsh not installed; zsh checks skipped"
fi

echo "$NAME: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
