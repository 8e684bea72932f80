#!/usr/bin/env bash
# Side-by-side chunking benchmark: strata chunk vs the npm peers, on the same corpus, one run.
#
# Corpus: ../shared/bench/make-corpus.sh -> $PEERS/corpus/corpus.txt (33,221,611 bytes of Debian
# documentation, chunked as one input). Peers: ../shared/bench/install-peers.sh. Each figure is
# the median of RUNS (3) interleaved runs (every tool once per run); everything is single-threaded.
#
#   LangChain.js RecursiveCharacterTextSplitter 1000 chars / 200 overlap   vs strata --strategy recursive --size 1000 --overlap 200
#   chonkie-js FastChunker 1000 bytes (and RecursiveChunker, for context)  vs the same strata run
#   LangChain.js TokenTextSplitter cl100k_base 256 / 50                    vs strata --strategy token --size 256 --overlap 50
#
# The peers time only the chunking call (../shared/bench/chunk.mjs). strata is timed three ways:
#   end-to-end   the whole process (start, read the file, chunk, write JSONL to /dev/null), with
#                /usr/bin/time for max RSS;
#   minus start-up   end-to-end minus `strata tokens` on an empty file (process start + table load);
#   core         chunk_text() alone, via bench/chunk_bench.cpp compiled here against the build's
#                libstrata_core.a (skipped when that library is not found next to $STRATA).
#
# Output: JSON lines on stderr and in $PEERS/results/strata-chunk.jsonl, markdown tables on stdout.
#   usage: bench/chunk.sh
#   env:   STRATA (default <repo>/build/strata), CORE_LIB (default <dir of STRATA>/core/libstrata_core.a),
#          RUNS (3), REPS (10), QUIET_WAIT (0 s), PEERS (${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers), CORPUS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export STRATA=${STRATA:-$ROOT/build/strata}
export PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
export CORPUS=${CORPUS:-$PEERS/corpus/corpus.txt}
export SHARED=${SHARED:-$(cd "$ROOT/../shared/bench" && pwd)}
export RUNS=${RUNS:-3} REPS=${REPS:-10}
CORE_LIB=${CORE_LIB:-$(dirname "$STRATA")/core/libstrata_core.a}
CORPUS_SHA=0f6ddf95ca91c188709853e603f60a19b67df00a32931c198145115ae82cf6f9

[ -f "$CORPUS" ] || { echo "chunk.sh: no corpus at $CORPUS: run $SHARED/make-corpus.sh" >&2; exit 1; }
if [ ! -d "$PEERS/node/node_modules/@langchain/textsplitters" ] || [ ! -d "$PEERS/node/node_modules/@chonkiejs/core" ]; then
  echo "chunk.sh: peers missing under $PEERS: run $SHARED/install-peers.sh" >&2
  exit 1
fi
[ -x "$STRATA" ] || { echo "chunk.sh: no strata binary at $STRATA (set STRATA)" >&2; exit 1; }
if [ "$(sha256sum "$CORPUS" | cut -d' ' -f1)" != "$CORPUS_SHA" ]; then
  echo "chunk.sh: warning: $CORPUS is not the reference corpus (sha256 differs)" >&2
fi

# A shared machine: other jobs distort wall-clock figures (and the ratios, since runs differ in
# length). QUIET_WAIT=N waits up to N seconds for the 1-minute load average to fall below 1.
if [ "${QUIET_WAIT:-0}" -gt 0 ]; then
  for _ in $(seq 1 "$QUIET_WAIT"); do awk '{exit !($1 < 1.0)}' /proc/loadavg && break; sleep 1; done
fi
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "chunk.sh: warning: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work will distort the figures" >&2
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export CORE_BENCH=""
if [ -f "$CORE_LIB" ]; then
  BUILD=$(dirname "$(dirname "$CORE_LIB")")
  # shellcheck disable=SC2046
  if g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" "$ROOT/bench/chunk_bench.cpp" "$CORE_LIB" \
       $(pkg-config --libs libutf8proc) -lSQLiteCpp -lsqlite3 -pthread -o "$T/chunk_bench" 2> "$T/cc.log"; then
    CORE_BENCH=$T/chunk_bench
  else
    echo "chunk.sh: could not build bench/chunk_bench.cpp against $CORE_LIB (core figures skipped):" >&2
    head -20 "$T/cc.log" >&2
  fi
else
  echo "chunk.sh: $CORE_LIB not found: core figures skipped" >&2
fi
export CORE_BENCH
mkdir -p "$PEERS/results"
export OUT=$PEERS/results/strata-chunk.jsonl
: > "$OUT"
node "$ROOT/bench/textbench.mjs" chunk
