#!/usr/bin/env bash
# Offline answers: does `strata ask` with no model configured (the extractive answer: sentences
# of the retrieved passages, each cited [n]) lead with the sentence that answers? 72 questions in
# bench/offline_answers/questions.jsonl, 18 per corpus over four corpora: the PostgreSQL 15,
# Python 3.11 and FastAPI manuals of ../shared/eval/docs-qa and this project's own docs (README.md,
# docs/*.md, man/*.in, man/*.5, man/*.7). Each question has a kind (default, value, command,
# definition, yesno, none), a split (tune or heldout, half each per corpus: tune on one half, check
# on the other) and key phrases read on the page that answers.
#
# Each corpus goes into its own store (collection = corpus name), then one `strata ask --json
# --no-log --provider none` process per question, with STRATA_LLM_*, OPENAI_* and ANTHROPIC_*
# unset and from an empty folder (no strata.toml). Success: one of the keys (case-insensitive
# substring) is in the answer's first two sentences (a sentence ends at . ! or ? followed by
# whitespace, or at a newline; a citation such as [1] stays with its sentence) and the answer did
# not abstain; for kind "none" (the corpus does not answer), the answer abstains ("The documents
# do not answer this: ..."); a fenced code block stays with the sentence that introduces it.
# Scoring: bench/offline_answers/score.py (standard library). On 2 cores: ingesting all four about
# 9 s from scratch (under a second when STORES holds them), the 72 questions about 5 s.
# Baseline and how the keys were checked: bench/offline_answers/README.md.
#
# Prints successes/total per corpus and split; writes one JSON line per question (id, success,
# first_two, key_found, abstained, ...) to RESULTS.
#
#   usage: bench/offline_answers.sh
#   env:   STRATA (default <repo>/build/strata), SPLIT (tune | heldout | all; default all),
#          DOCS (a folder holding postgresql/, python/ and fastapi/ as ../shared/eval/docs-qa/make-docs.sh
#          makes them; default $PEERS/docs-qa, made with make-docs.sh if missing),
#          PEERS (~/.cache/strata-peers), STORES (keep/reuse the stores in this folder: each run
#          re-ingests, which only writes what changed), RESULTS ($PEERS/results/offline-answers.jsonl),
#          IDS (only these question ids, comma-separated)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QA=$ROOT/../shared/eval/docs-qa
HERE=$ROOT/bench/offline_answers
STRATA=${STRATA:-$ROOT/build/strata}
SPLIT=${SPLIT:-all}
IDS=${IDS:-}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DOCS=${DOCS:-$PEERS/docs-qa}
RESULTS=${RESULTS:-$PEERS/results/offline-answers.jsonl}
case $SPLIT in tune|heldout|all) ;; *) echo "offline_answers.sh: SPLIT must be tune, heldout or all" >&2; exit 2 ;; esac
[ -x "$STRATA" ] || { echo "offline_answers.sh: $STRATA not found (set STRATA, or build: bash scripts/build.sh)" >&2; exit 1; }
STRATA=$(cd "$(dirname "$STRATA")" && pwd)/$(basename "$STRATA")
if [ ! -d "$DOCS/postgresql" ] || [ ! -d "$DOCS/python" ] || [ ! -d "$DOCS/fastapi" ]; then
  echo "offline_answers.sh: making the docs-qa corpora in $DOCS" >&2
  bash "$QA/make-docs.sh" "$DOCS" >&2
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
STORES=${STORES:-$T}
mkdir -p "$STORES" "$(dirname "$RESULTS")"
STORES=$(cd "$STORES" && pwd)
# The offline answer only: no model may be selected from the environment.
for v in $(compgen -e); do
  case $v in STRATA_LLM_*|OPENAI_*|ANTHROPIC_*|STRATA_STORE) unset "$v" ;; esac
done

start=$(date +%s)
for c in postgresql python fastapi; do
  "$STRATA" ingest -q --store "$STORES/$c.db" --collection "$c" "$DOCS/$c" >&2
done
# This project's docs, by paths relative to the repository (as the questions' "page" names them).
(cd "$ROOT" && "$STRATA" ingest -q --store "$STORES/strata.db" --collection strata \
  README.md docs/*.md man/*.in man/*.5 man/*.7 >&2)
ingested=$(date +%s)

python3 "$HERE/score.py" "$HERE/questions.jsonl" "$RESULTS" --strata "$STRATA" --stores "$STORES" \
  --split "$SPLIT" ${IDS:+--ids "$IDS"}
echo "ingest $((ingested - start)) s, questions $(($(date +%s) - ingested)) s; per question: $RESULTS"
