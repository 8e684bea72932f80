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
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export STRATA=${STRATA:-$ROOT/build/strata}
export PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
export CORPUS=${CORPUS:-$PEERS/corpus/corpus.txt}
export SHARED=${SHARED:-$(cd "$ROOT/../shared/bench" && pwd)}
export RUNS=${RUNS:-3} REPS=${REPS:-10}
CORE_LIB=${CORE_LIB:-$(dirname "$STRATA")/core/libstrata_core.a}
CORPUS_SHA=0f6ddf95ca91c188709853e603f60a19b67df00a32931c198145115ae82cf6f9

[ -f "$CORPUS" ] || { echo "tokens.sh: no corpus at $CORPUS: run $SHARED/make-corpus.sh" >&2; exit 1; }
if [ ! -d "$PEERS/node/node_modules/gpt-tokenizer" ] || [ ! -d "$PEERS/node/node_modules/tiktoken" ]; then
  echo "tokens.sh: peers missing under $PEERS: run $SHARED/install-peers.sh" >&2
  exit 1
fi
[ -x "$STRATA" ] || { echo "tokens.sh: no strata binary at $STRATA (set STRATA)" >&2; exit 1; }
if [ "$(sha256sum "$CORPUS" | cut -d' ' -f1)" != "$CORPUS_SHA" ]; then
  echo "tokens.sh: warning: $CORPUS is not the reference corpus (sha256 differs; reference counts will not match)" >&2
fi

# A shared machine: other jobs distort wall-clock figures (and the ratios, since runs differ in
# length). QUIET_WAIT=N waits up to N seconds for the 1-minute load average to fall below 1.
if [ "${QUIET_WAIT:-0}" -gt 0 ]; then
  for _ in $(seq 1 "$QUIET_WAIT"); do awk '{exit !($1 < 1.0)}' /proc/loadavg && break; sleep 1; done
fi
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "tokens.sh: warning: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work will distort the figures" >&2
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
    echo "tokens.sh: could not build bench/chunk_bench.cpp against $CORE_LIB (core figures skipped):" >&2
    head -20 "$T/cc.log" >&2
  fi
else
  echo "tokens.sh: $CORE_LIB not found: core figures skipped" >&2
fi
export CORE_BENCH
mkdir -p "$PEERS/results"
export OUT=$PEERS/results/strata-tokens.jsonl
: > "$OUT"
node "$ROOT/bench/textbench.mjs" tokens
