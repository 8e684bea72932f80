#!/usr/bin/env bash
# The main job end to end, offline: installs what is missing, builds strata, then builds a
# knowledge store from the project's own documentation (README, architecture notes, man pages),
# gives its chunks vectors with the built-in local embedder, searches it, and asks it questions:
# with no model configured, `strata ask` answers from the documents' own sentences, each cited
# and checked. Finally it re-runs ingest after an edit, a deletion and a new file to show that
# only the changes are written. strata itself sends nothing over the network.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
strata=${BUILD_DIR:-$root/build}/strata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs/man"
cp "$root/README.md" "$root/ARCHITECTURE.md" "$root/BENCHMARKS.md" "$work/docs/"
# The man pages as their readers see them (plain text) when man-db is installed, so that answers
# quote prose rather than roff; otherwise their roff source.
# The pages the build wrote (build/man: the templates of man/ with their options filled in).
for page in "$(dirname "$strata")"/man/*.[1-9]; do
  name=$(basename "$page")
  if command -v man >/dev/null 2>&1 &&
     MANWIDTH=100 man -E UTF-8 --nh --nj -l -Tutf8 "$page" 2>/dev/null | sed 's/.\x08//g' \
       >"$work/docs/man/$name.txt" && [ -s "$work/docs/man/$name.txt" ]; then
    continue
  fi
  rm -f "$work/docs/man/$name.txt"
  cp "$page" "$work/docs/man/"
done
cd "$work"
export STRATA_STORE="$work/.strata/store.db"
# The offline answer is the point: no model may be picked up from the environment.
unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL

bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
show() { printf '\n%s$ %s%s\n' "$bold" "$1" "$plain"; }
# step "$strata" ARGS...: show "$ strata ARGS..." and run it.
step() { show "strata ${*:2}"; "$@" </dev/null; }  # nothing piped: ask would read it as context
# piped N "$strata" ARGS...: the same, through "| head -n N" (head may close the pipe early).
piped() { local n=$1; shift; show "strata ${*:2} | head -n $n"; "$@" | head -n "$n" || true; }

step "$strata" --version
step "$strata" ingest docs
step "$strata" collections
piped 8 "$strata" documents
step "$strata" embed                             # the built-in local embedder: no network

# Hybrid search (BM25 + vectors), then the same question to ask: with no model configured, the
# answer is the best-matching sentences of the sources, each cited, then the sources cited.
step "$strata" search -k 5 what happens if I edit a migration file after it was applied
step "$strata" ask what happens if I edit a migration file after it was applied
step "$strata" ask is my API key sent anywhere when I ask a question
step "$strata" logs                              # every answer is logged in the store

step "$strata" ingest docs                       # nothing changed: nothing is read again
printf '\n## Cited answers\n\nA new section, added by the demo.\n' >>docs/README.md
rm docs/man/strata-tokens.1*
printf '# Notes\n\nWritten during the demo.\n' >docs/notes.md
step "$strata" ingest --dry-run --prune docs     # the plan, nothing written
step "$strata" ingest --prune docs               # only those three are written
step "$strata" embed                             # only the new chunks get vectors
echo
echo "demo finished: strata is $strata; the demo's store is removed now (strata-store(5) shows how"
echo "to query one with sqlite3). Try it on your own documents: strata ingest DIR && strata ask QUESTION"
