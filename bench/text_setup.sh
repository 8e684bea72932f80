# Shared set-up of bench/chunk.sh and bench/tokens.sh, sourced by them with BENCH_NAME (for
# messages) and PEER_MODULES (npm packages that must be installed under $PEERS/node) set.
# Checks the corpus, the peers and the binary, warns on a busy machine, and builds
# bench/chunk_bench.cpp against the build's libstrata_core.a for the core-only figures
# (CORE_BENCH, empty when it cannot be built).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export STRATA=${STRATA:-$ROOT/build/strata}
export PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
export CORPUS=${CORPUS:-$PEERS/corpus/corpus.txt}
export SHARED=${SHARED:-$(cd "$ROOT/../shared/bench" && pwd)}
export RUNS=${RUNS:-3} REPS=${REPS:-10}
CORE_LIB=${CORE_LIB:-$(dirname "$STRATA")/core/libstrata_core.a}
CORPUS_SHA=0f6ddf95ca91c188709853e603f60a19b67df00a32931c198145115ae82cf6f9

[ -f "$CORPUS" ] || { echo "$BENCH_NAME: no corpus at $CORPUS: run $SHARED/make-corpus.sh" >&2; exit 1; }
for m in $PEER_MODULES; do
  [ -d "$PEERS/node/node_modules/$m" ] && continue
  echo "$BENCH_NAME: peer $m missing under $PEERS: run $SHARED/install-peers.sh" >&2
  exit 1
done
[ -x "$STRATA" ] || { echo "$BENCH_NAME: no strata binary at $STRATA (set STRATA)" >&2; exit 1; }
if [ "$(sha256sum "$CORPUS" | cut -d' ' -f1)" != "$CORPUS_SHA" ]; then
  echo "$BENCH_NAME: warning: $CORPUS is not the reference corpus (sha256 differs)" >&2
fi

# A shared machine: other jobs distort wall-clock figures (and the ratios, since runs differ in
# length). QUIET_WAIT=N waits up to N seconds for the 1-minute load average to fall below 1.
if [ "${QUIET_WAIT:-0}" -gt 0 ]; then
  for _ in $(seq 1 "$QUIET_WAIT"); do awk '{exit !($1 < 1.0)}' /proc/loadavg && break; sleep 1; done
fi
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "$BENCH_NAME: warning: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work will distort the figures" >&2
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
    echo "$BENCH_NAME: could not build bench/chunk_bench.cpp against $CORE_LIB (core figures skipped):" >&2
    head -20 "$T/cc.log" >&2
  fi
else
  echo "$BENCH_NAME: $CORE_LIB not found: core figures skipped" >&2
fi
export CORE_BENCH
mkdir -p "$PEERS/results"
