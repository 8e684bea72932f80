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
BENCH_NAME=chunk.sh PEER_MODULES="@langchain/textsplitters @chonkiejs/core"
. "$(dirname "${BASH_SOURCE[0]}")/text_setup.sh"
export OUT=$PEERS/results/strata-chunk.jsonl
: > "$OUT"
node "$ROOT/bench/textbench.mjs" chunk
