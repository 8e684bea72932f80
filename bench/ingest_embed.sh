#!/usr/bin/env bash
# A folder ingested into a fresh store and given vectors by the built-in embedder, two ways:
#
#   two        BEFORE ingest DIR, then BEFORE embed (two commands, as before ingest embedded)
#   one        STRATA ingest --embed DIR (one command: the vectors in the same run)
#   plain      STRATA ingest DIR with no model (the keyword-only ingest, for the step's cost
#              when there is nothing to embed)
#   plain-before  BEFORE ingest DIR, the same
#
# Each is run RUNS times (default 5), interleaved, in a fresh store; the median wall time of each
# (and, for `two`, of its two commands) is printed, with chunks and vectors stored, so that the
# runs can be checked to have done the same work.
#
#   usage: bench/ingest_embed.sh DIR
#   env:   STRATA (default <repo>/build/strata), BEFORE (the build to compare with; required),
#          RUNS (5)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
BEFORE=${BEFORE:?set BEFORE to the strata binary to compare with}
RUNS=${RUNS:-5}
DIR=${1:?usage: bench/ingest_embed.sh DIR}
DIR=$(cd "$DIR" && pwd)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"  # no user configuration
unset STRATA_STORE OPENAI_BASE_URL
cd "$WORK"

now() { date +%s.%N; }
# timed NAME CMD...: runs CMD, appends its wall seconds to $WORK/NAME.
timed() {
  local name=$1 t0 t1
  shift
  t0=$(now)
  "$@" >/dev/null 2>"$WORK/err" || { echo "ingest_embed.sh: $* failed: $(cat "$WORK/err")" >&2; exit 1; }
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$WORK/$name"
}
counts() { sqlite3 "$1" "SELECT (SELECT count(*) FROM chunks) || ' chunks, ' || (SELECT count(*) FROM embeddings) || ' vectors'"; }
median() { sort -g "$WORK/$1" | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f", m}'; }

for i in $(seq 1 "$RUNS"); do
  rm -rf s1.db* s2.db* s3.db* s4.db*
  timed two_ingest "$BEFORE" ingest -q --store s1.db "$DIR"
  timed two_embed "$BEFORE" embed -q --store s1.db
  timed one "$STRATA" ingest -q --embed --store s2.db "$DIR"
  timed plain "$STRATA" ingest -q --store s3.db "$DIR"
  timed plain_before "$BEFORE" ingest -q --store s4.db "$DIR"
done
paste -d+ "$WORK/two_ingest" "$WORK/two_embed" | bc -l >"$WORK/two"

echo "corpus: $DIR ($(du -sh "$DIR" | cut -f1), $(find "$DIR" -type f | wc -l) files), $RUNS runs, medians"
echo "| run | seconds | stored |"
echo "|---|---|---|"
echo "| before: ingest + embed (two commands) | $(median two) ($(median two_ingest) + $(median two_embed)) | $(counts s1.db) |"
echo "| after: ingest --embed (one command) | $(median one) | $(counts s2.db) |"
echo "| before: ingest, no model | $(median plain_before) | $(counts s4.db) |"
echo "| after: ingest, no model | $(median plain) | $(counts s3.db) |"
