#!/usr/bin/env bash
# Embedding benchmarks.
#
# (a) Throughput against the OpenAI-compatible test server (tests/servers/openai_server.py) with
#     a fixed latency per request (LATENCY_MS, 50): `strata embed` over a collection of CHUNKS
#     (10,000) real text chunks of about 1000 bytes (cut from the benchmark corpus at line ends),
#     model text-embedding-3-small at 384 dimensions (its known limits; no token counting is
#     needed at this size). The bound is concurrency × batch size / latency chunks per second;
#     the figure is CHUNKS / wall time of the whole process (start, store, requests, commits),
#     and the ratio is figure / bound. Each configuration runs RUNS (3) times on a fresh copy of
#     the store; the median is reported.
# (b) The local embedder on one thread: bench/embed_bench.cpp, built here against the build's
#     libstrata_core.a, embeds the whole corpus cut into ~1000-byte chunks (MB = 10^6 bytes), and
#     for context `strata embed --provider local` over the same 10,000-chunk store, end to end.
#
# Corpus: ../shared/bench/make-corpus.sh -> $PEERS/corpus/corpus.txt.
# Output: JSON lines on stderr and in $PEERS/results/strata-embed.jsonl, markdown tables on stdout.
#   usage: bench/embed.sh
#   env:   STRATA (default <repo>/build/strata), CORE_LIB (<dir of STRATA>/core/libstrata_core.a),
#          RUNS (3), CHUNKS (10000), LATENCY_MS (50), CONFIGS ("4x100 4x50 8x50 1x100": concurrency x batch),
#          QUIET_WAIT (0 s), PEERS, CORPUS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/corpus.txt}
CORE_LIB=${CORE_LIB:-$(dirname "$STRATA")/core/libstrata_core.a}
RUNS=${RUNS:-3}
CHUNKS=${CHUNKS:-10000}
LATENCY_MS=${LATENCY_MS:-50}
CONFIGS=${CONFIGS:-"4x100 4x50 8x50 1x100"}
SERVER_PY=$ROOT/tests/servers/openai_server.py

[ -x "$STRATA" ] || { echo "embed.sh: no strata binary at $STRATA (set STRATA)" >&2; exit 1; }
[ -f "$CORPUS" ] || { echo "embed.sh: no corpus at $CORPUS: run ../shared/bench/make-corpus.sh" >&2; exit 1; }
if [ "${QUIET_WAIT:-0}" -gt 0 ]; then
  for _ in $(seq 1 "$QUIET_WAIT"); do awk '{exit !($1 < 1.0)}' /proc/loadavg && break; sleep 1; done
fi
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "embed.sh: warning: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work will distort the figures" >&2
fi

T=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$PEERS/results"
OUT=$PEERS/results/strata-embed.jsonl
: >"$OUT"
emit() { echo "$1" | tee -a "$OUT" >&2; }

# The store: CHUNKS distinct chunks of ~1000 bytes from the corpus, in 100 documents.
"$STRATA" embed --store "$T/seed.db" --collection __create__ -q >/dev/null 2>&1 || true
python3 - "$T/seed.db" "$CORPUS" "$CHUNKS" <<'PY'
import sqlite3, sys
db, corpus, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(corpus, encoding="utf-8").read()
chunks, seen, at = [], set(), 0
while len(chunks) < n and at < len(text):
    end = min(len(text), at + 1000)
    nl = text.rfind("\n", at, end)
    if end < len(text) and nl > at:
        end = nl + 1
    piece = text[at:end]
    # Distinct texts only: a repeated one would come from the cache, and the figure is about
    # requests.
    if piece.strip() and piece not in seen:
        seen.add(piece)
        chunks.append(piece)
    at = end
c = sqlite3.connect(db)
cid = c.execute("INSERT INTO collections (name) VALUES ('bench')").lastrowid
per = (len(chunks) + 99) // 100
for d in range(100):
    did = c.execute("INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) VALUES (?, ?, 'h', 1, 'text')",
                    (cid, "corpus/part%03d.txt" % d)).lastrowid
    for k, t in enumerate(chunks[d * per:(d + 1) * per]):
        c.execute("INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) VALUES (?, ?, ?, 0, 0, 1, 1)",
                  (did, k, t))
c.commit()
total = c.execute("SELECT count(*), sum(length(CAST(text AS BLOB))) FROM chunks").fetchone()
print("embed.sh: store with %d chunks, %d bytes of text" % total, file=sys.stderr)
PY
STORE_BYTES=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT sum(length(CAST(text AS BLOB))) FROM chunks").fetchone()[0])' "$T/seed.db")

now_ns() { date +%s%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---------------------------------------------------------------------------------------------
# (a) against the test server
python3 "$SERVER_PY" serve --port-file "$T/port" --dimensions 384 --latency-ms "$LATENCY_MS" 2>"$T/server.err" &
SERVER_PID=$!
disown "$SERVER_PID" 2>/dev/null  # no "Killed" notice when it is stopped
for _ in $(seq 1 200); do [ -s "$T/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$T/port")/v1"

declare -a ROWS_A=()
for cfg in $CONFIGS; do
  conc=${cfg%x*}
  batch=${cfg#*x}
  walls=""
  for _ in $(seq 1 "$RUNS"); do
    cp "$T/seed.db" "$T/run.db"
    python3 "$SERVER_PY" ctl "$T/port" POST /_control/reset >/dev/null
    t0=$(now_ns)
    "$STRATA" embed --store "$T/run.db" --collection bench --base-url "$URL" --model text-embedding-3-small \
      --dimensions 384 --concurrency "$conc" --batch-size "$batch" --json -q >"$T/run.json"
    t1=$(now_ns)
    n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["embedded"])' "$T/run.json")
    [ "$n" = "$CHUNKS" ] || { echo "embed.sh: a run embedded $n chunks, not $CHUNKS" >&2; exit 1; }
    walls="$walls $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')"
  done
  wall=$(printf '%s\n' $walls | median)
  bound=$(awk -v c="$conc" -v b="$batch" -v l="$LATENCY_MS" 'BEGIN {printf "%.1f", c * b / (l / 1000)}')
  rate=$(awk -v n="$CHUNKS" -v w="$wall" 'BEGIN {printf "%.1f", n / w}')
  ratio=$(awk -v r="$rate" -v b="$bound" 'BEGIN {printf "%.3f", r / b}')
  emit "{\"bench\":\"embed-server\",\"chunks\":$CHUNKS,\"concurrency\":$conc,\"batch\":$batch,\"latency_ms\":$LATENCY_MS,\"runs\":$RUNS,\"seconds\":$wall,\"chunks_per_s\":$rate,\"bound_chunks_per_s\":$bound,\"ratio\":$ratio,\"all_seconds\":\"${walls# }\"}"
  ROWS_A+=("| $conc | $batch | $bound | $wall | $rate | $ratio |")
done
# For context, the same run with no added latency, one request at a time: the work of the
# server and of strata per 100-input request (start-up and the final commit included), which
# the latency does not hide.
python3 "$SERVER_PY" ctl "$T/port" POST /_control/config '{"latency_ms": 0}' >/dev/null
walls=""
for _ in $(seq 1 "$RUNS"); do
  cp "$T/seed.db" "$T/run.db"
  t0=$(now_ns)
  "$STRATA" embed --store "$T/run.db" --collection bench --base-url "$URL" --model text-embedding-3-small \
    --dimensions 384 --concurrency 1 --batch-size 100 -q
  t1=$(now_ns)
  walls="$walls $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')"
done
wall0=$(printf '%s\n' $walls | median)
per_request=$(awk -v w="$wall0" -v n="$CHUNKS" 'BEGIN {printf "%.2f", w * 1000 / (n / 100)}')
rate0=$(awk -v n="$CHUNKS" -v w="$wall0" 'BEGIN {printf "%.1f", n / w}')
emit "{\"bench\":\"embed-server-fixed-cost\",\"chunks\":$CHUNKS,\"concurrency\":1,\"batch\":100,\"latency_ms\":0,\"runs\":$RUNS,\"seconds\":$wall0,\"ms_per_request\":$per_request,\"chunks_per_s\":$rate0,\"all_seconds\":\"${walls# }\"}"
kill -9 "$SERVER_PID" 2>/dev/null
SERVER_PID=""

# ---------------------------------------------------------------------------------------------
# (b) the local embedder
CORE=""
if [ -f "$CORE_LIB" ]; then
  BUILD=$(dirname "$(dirname "$CORE_LIB")")
  # shellcheck disable=SC2046
  if g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/core" -I"$BUILD/generated" "$ROOT/bench/embed_bench.cpp" "$CORE_LIB" \
       $(pkg-config --libs libutf8proc) -lsqlite3 -pthread -o "$T/embed_bench" 2>"$T/cc.log"; then
    CORE=$T/embed_bench
  else
    echo "embed.sh: could not build bench/embed_bench.cpp against $CORE_LIB (core figures skipped):" >&2
    head -20 "$T/cc.log" >&2
  fi
else
  echo "embed.sh: $CORE_LIB not found: core figures skipped" >&2
fi
declare -a ROWS_B=()
if [ -n "$CORE" ]; then
  for spec in hash-ngram-v2:384 hash-ngram-v2:1536 hash-ngram-v1:384 hash-ngram-v1:1536; do
    dims=${spec#*:}
    line=$("$CORE" "$CORPUS" 1000 "$dims" "$((RUNS + 2))" "${spec%%:*}")
    emit "$line"
    ROWS_B+=("$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("| core `LocalEmbedder::embed_into` (%s), corpus.txt in %d-byte chunks | %d | %s | %.3f | %.1f | %.3f | %.1f |" % (
    d["model"], d["chunk_bytes"], d["dimensions"], format(d["bytes"], ","), d["seconds"], d["mb_per_s"], d["cpu_seconds"], d["cpu_mb_per_s"]))' "$line")")
  done
fi
walls=""
for _ in $(seq 1 "$RUNS"); do
  cp "$T/seed.db" "$T/run.db"
  t0=$(now_ns)
  "$STRATA" embed --store "$T/run.db" --collection bench --provider local --concurrency 1 -q
  t1=$(now_ns)
  walls="$walls $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')"
done
wall=$(printf '%s\n' $walls | median)
mbps=$(awk -v b="$STORE_BYTES" -v w="$wall" 'BEGIN {printf "%.1f", b / 1e6 / w}')
emit "{\"bench\":\"embed-local-cli\",\"chunks\":$CHUNKS,\"bytes\":$STORE_BYTES,\"concurrency\":1,\"runs\":$RUNS,\"seconds\":$wall,\"mb_per_s\":$mbps,\"all_seconds\":\"${walls# }\"}"
ROWS_B+=("| \`strata embed --provider local --concurrency 1\`, $CHUNKS chunks (store read, vectors committed) | 384 | $(printf "%'d" "$STORE_BYTES") | $wall | $mbps | | |")

echo "### Against the test server ($LATENCY_MS ms per request, $CHUNKS chunks, median of $RUNS)"
echo
echo "| concurrency | batch | bound (chunks/s) | seconds | chunks/s | ratio |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS_A[@]}"
echo
echo "With no added latency, one request at a time: $wall0 s, $rate0 chunks/s, $per_request ms per 100-input request"
echo "(server and strata together, start-up included)."
echo
echo "### The local embedder, one thread"
echo
echo "| what | dimensions | bytes | seconds | MB/s | CPU seconds | MB/s of CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS_B[@]}"
