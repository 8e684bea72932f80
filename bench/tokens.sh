#!/usr/bin/env bash
# Side-by-side tokenizer benchmark: `strata tokens` (token count) vs gpt-tokenizer and tiktoken
# (WASM), cl100k_base and o200k_base, on the same corpus, in one run.
#
# Corpus: ../shared/bench/make-corpus.sh -> $PEERS/corpus/corpus.txt (33,221,611 bytes). Peers:
# ../shared/bench/install-peers.sh. Each figure is the median of RUNS (3) interleaved runs; one thread.
# Every count must equal the reference (cl100k_base 7,839,868, o200k_base 7,866,501).
#
# The peers time only encode() (../shared/bench/tokens.mjs; loading the rank table excluded).
# strata is timed three ways:
#   end-to-end        the whole `strata tokens --tokenizer ENC corpus.txt` process, with
#                     /usr/bin/time for max RSS;
#   minus start-up    end-to-end minus `strata tokens` on an empty file (process start + table load);
#   core              Tokenizer::count() alone, via bench/chunk_bench.cpp compiled here against the
#                     build's libstrata_core.a (skipped when that library is not found).
#
# Output: JSON lines on stderr and in $PEERS/results/strata-tokens.jsonl, markdown tables on stdout.
#   usage: bench/tokens.sh
#   env:   STRATA (default <repo>/build/strata), CORE_LIB (default <dir of STRATA>/core/libstrata_core.a),
#          RUNS (3), REPS (10), QUIET_WAIT (0 s), PEERS, CORPUS, PEER_TOKENIZERS ("gpt-tokenizer tiktoken"; js-tiktoken
#          also works), ENCODINGS ("cl100k_base o200k_base")
set -euo pipefail
BENCH_NAME=tokens.sh PEER_MODULES="gpt-tokenizer tiktoken"
. "$(dirname "${BASH_SOURCE[0]}")/text_setup.sh"
export OUT=$PEERS/results/strata-tokens.jsonl
: > "$OUT"
node "$ROOT/bench/textbench.mjs" tokens
