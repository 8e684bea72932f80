#!/usr/bin/env bash
# The main job end to end: installs what is missing, builds strata, then builds a knowledge
# store from the project's own documentation (README, architecture notes, man pages), shows
# what is in it, and re-runs ingest after an edit, a deletion and a new file to show that only
# the changes are written.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
strata=${BUILD_DIR:-$root/build}/strata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs"
cp "$root/README.md" "$root/ARCHITECTURE.md" "$root/BENCHMARKS.md" "$work/docs/"
cp -r "$root/man" "$work/docs/man"
cd "$work"
export STRATA_STORE="$work/.strata/store.db"

bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

step "$strata" --version
step "$strata" ingest docs
step "$strata" collections
step "$strata" documents
printf '\n%s$ %s%s\n' "$bold" "strata documents show docs/README.md | head -n 24" "$plain"
"$strata" documents show docs/README.md | head -n 24 || true   # head closes the pipe early
step "$strata" ingest docs                       # nothing changed: nothing is read again
printf '\n## Cited answers\n\nA new section, added by the demo.\n' >>docs/README.md
rm docs/man/strata-tokens.1
printf '# Notes\n\nWritten during the demo.\n' >docs/notes.md
step "$strata" ingest --dry-run --prune docs     # the plan, nothing written
step "$strata" ingest -v --prune docs
step "$strata" documents
echo
echo "demo finished: the store is $STRATA_STORE (see strata-store(5) to query it with sqlite3)"
