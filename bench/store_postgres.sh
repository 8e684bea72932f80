#!/usr/bin/env bash
# The knowledge store on PostgreSQL against the SQLite store, side by side in one run, at scale:
#
#   data      JSONL records made from the benchmark corpus ($PEERS/corpus/files,
#             ../shared/bench/make-corpus.sh): its Markdown and text files' paragraphs, packed 12
#             to a record, repeated pass after pass until the text makes about ROWS (1,000,000)
#             chunks of SIZE (400) characters.
#   ingest    `strata ingest --jsonl --size SIZE --no-embed` into a SQLite store and into a
#             PostgreSQL store (a server started here by tests/servers/pg_server.sh, on this
#             machine, fsync off as for the tests: both sides write to the same disk), then
#             `strata embed --provider local` on each. Throughput in chunks per second.
#   search    Q (200) real headings of the corpus as queries; one `strata search --mode M -k 10`
#             process per query (what a script or an agent shelling out pays: start, open, query),
#             keyword and hybrid, on each store; p50 and p95. The first query of a mode is
#             reported apart (hybrid builds the client's vector snapshot then). Measured after one
#             unmeasured keyword pass on each store (caches warm). The server is given
#             PG_SHARED_BUFFERS (1GB) of shared buffers: its default 128 MB holds less than one
#             pass reads.
#   clients   CLIENTS (8) such processes at a time on the PostgreSQL store, keyword and hybrid:
#             p50, p95 and errors.
#   mcp       one `strata mcp` session per store, the search tool per query
#             (bench/mcp_search_driver.py, MCP_QUERIES (50) queries): p50 on each store.
#   serve     one `strata serve --ready-when-indexed` per store, once /readyz says ready (its
#             time reported), the Q queries as POST /api/v1/search (keyword, k 10) on one
#             kept-alive connection, SERVE_PASSES (3) times over, then Q other headings once (none
#             asked before): p50 and p95 of the first pass (what a long-running process reads
#             once), of the last and of the new queries.
#
# One table at the end; JSON lines in $PEERS/results/store-postgres.jsonl.
#   usage: bench/store_postgres.sh      env: STRATA, ROWS, SIZE, Q, CLIENTS, MCP_QUERIES, PEERS,
#          CORPUS, KEEP=DIR (keep the stores and the server's data there; a later run with the same
#          KEEP searches the kept stores without ingesting again: its ingest figures are "-"),
#          SEARCH=0 (ingest and embed only: no search, clients, mcp or serve phase), SERVE_PASSES,
#          PG_SHARED_BUFFERS (1GB), SEARCH_ARGS (more `strata search` arguments for the process searches, e.g. "--title-cap 6";
#          the mcp phase searches with the tool's defaults)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$ROOT/../shared/bench
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/files}
ROWS=${ROWS:-1000000}
SIZE=${SIZE:-400}
Q=${Q:-200}
CLIENTS=${CLIENTS:-8}
MCP_QUERIES=${MCP_QUERIES:-50}
[ -x "$STRATA" ] || { echo "store_postgres.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
if [ ! -d "$CORPUS" ]; then
  bash "$SHARED/make-corpus.sh" "$CORPUS" >&2
fi
if [ -n "${KEEP:-}" ]; then
  T=$KEEP
  mkdir -p "$T"
else
  T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-pgstore.XXXXXX")
fi
chmod 755 "$T"  # as root the server runs as nobody
PG=$T/pg
# With KEEP the server is paused, its data kept for the next run; without, it is removed.
stop_server() { bash "$ROOT/tests/servers/pg_server.sh" "$([ -n "${KEEP:-}" ] && echo pause || echo stop)" "$PG" >/dev/null 2>&1 || true; }
cleanup() {
  stop_server
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
# PostgreSQL's default shared_buffers (128 MB) holds less than the blocks one pass of the queries
# reads (about 300 MB of chunk_term_blocks at 1.6 million chunks): every search would copy its
# pages in from the system's cache again. A production server is given a quarter of its memory or
# so; the SQLite side has the whole system cache.
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB}
PG_SERVER_OPTIONS="-c shared_buffers=$PG_SHARED_BUFFERS" bash "$ROOT/tests/servers/pg_server.sh" start "$PG" >/dev/null
URL=$(cat "$PG/url")
PY=$ROOT/bench/store_postgres_driver.py
RESULTS=$PEERS/results/store-postgres.jsonl
mkdir -p "$(dirname "$RESULTS")"

now() { date +%s.%N; }
record() { echo "$1" | tee -a "$RESULTS" >&2; }

echo "strata $("$STRATA" --version | sed 's/^strata //'), PostgreSQL $(psql "$URL" -XAtc 'SHOW server_version') (shared_buffers $(psql "$URL" -XAtc 'SHOW shared_buffers')), $(nproc) cores, $(date -u +%Y-%m-%d)"
[ -f "$T/records.jsonl" ] || python3 "$PY" records "$CORPUS" "$T/records.jsonl" "$ROWS" "$SIZE" >/dev/null
[ -f "$T/queries.txt" ] || python3 "$PY" queries "$CORPUS" "$T/queries.txt" "$Q"
[ -f "$T/queries_fresh.txt" ] || python3 "$PY" queries "$CORPUS" "$T/queries_fresh.txt" "$Q" fresh

declare -A STORE=([sqlite]=$T/store.db [postgres]=$URL)
declare -A INGEST EMBED CHUNKS
# 0 for a store not made yet (the listing fails; with pipefail, a fallback echo printed a second 0).
count_chunks() {
  { "$STRATA" collections --store "$1" --json 2>/dev/null || true; } |
    python3 -c 'import json,sys; print(sum(json.loads(l)["chunks"] for l in sys.stdin if l.strip()))'
}
for side in sqlite postgres; do
  s=${STORE[$side]}
  if [ -n "${KEEP:-}" ] && [ "$(count_chunks "$s")" -gt 0 ]; then
    # A kept store is searched as it is: its ingest was measured when it was made.
    CHUNKS[$side]=$(count_chunks "$s") INGEST[$side]=- EMBED[$side]=-
    continue
  fi
  t0=$(now)
  "$STRATA" ingest --jsonl --size "$SIZE" --no-embed -q --store "$s" "$T/records.jsonl"
  t1=$(now)
  "$STRATA" embed --provider local -q --store "$s" >/dev/null
  t2=$(now)
  CHUNKS[$side]=$(count_chunks "$s")
  INGEST[$side]=$(python3 -c "print(round(${CHUNKS[$side]} / ($t1 - $t0)))")
  EMBED[$side]=$(python3 -c "print(round(${CHUNKS[$side]} / ($t2 - $t1)))")
  record "{\"measure\":\"ingest\",\"store\":\"$side\",\"chunks\":${CHUNKS[$side]},\"chunks_per_s\":${INGEST[$side]},\"embed_chunks_per_s\":${EMBED[$side]}}"
done

ratio() { python3 -c 'import sys
try: print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))
except ValueError: print("-")' "$1" "$2"; }
print_ingest_rows() {
  printf '\n%-26s %14s %14s %8s\n' "" SQLite PostgreSQL ratio
  printf '%-26s %14s %14s\n' "chunks" "${CHUNKS[sqlite]}" "${CHUNKS[postgres]}"
  printf '%-26s %14s %14s %8s\n' "ingest chunks/s" "${INGEST[sqlite]}" "${INGEST[postgres]}" \
    "$(ratio "${INGEST[postgres]}" "${INGEST[sqlite]}")"
  printf '%-26s %14s %14s %8s\n' "embed chunks/s" "${EMBED[sqlite]}" "${EMBED[postgres]}" \
    "$(ratio "${EMBED[postgres]}" "${EMBED[sqlite]}")"
}
if [ "${SEARCH:-1}" = 0 ]; then
  print_ingest_rows
  exit 0
fi

stats() { python3 -c 'import json,sys,statistics as s
d = json.load(sys.stdin); ms = sorted(d["ms"])
p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))] if ms else float("nan")
print("%.1f %.1f %.1f %d" % (p(0.5), p(0.95), d["first"], d["errors"]))'; }
declare -A P50 P95 FIRST
SEARCH_ARGS_JSON=$(python3 -c 'import json, os; print(json.dumps(os.environ.get("SEARCH_ARGS", "")))')
# One unmeasured pass of the keyword queries on each store first: the system's cache and the
# server's buffers hold what the queries read, as on a server that has run a while (a server just
# started, or a store just written, reads its pages from the disk).
for side in sqlite postgres; do
  python3 "$PY" search "$STRATA" "${STORE[$side]}" "$T/queries.txt" keyword >/dev/null
done
for mode in keyword hybrid; do
  for side in sqlite postgres; do
    read -r p50 p95 first errors < <(python3 "$PY" search "$STRATA" "${STORE[$side]}" "$T/queries.txt" "$mode" | stats)
    P50[$side.$mode]=$p50 P95[$side.$mode]=$p95 FIRST[$side.$mode]=$first
    record "{\"measure\":\"search\",\"store\":\"$side\",\"mode\":\"$mode\",\"clients\":1,\"search_args\":$SEARCH_ARGS_JSON,\"p50_ms\":$p50,\"p95_ms\":$p95,\"first_ms\":$first,\"errors\":$errors}"
  done
  read -r p50 p95 first errors < <(python3 "$PY" search "$STRATA" "$URL" "$T/queries.txt" "$mode" "$CLIENTS" | stats)
  P50[clients.$mode]=$p50 P95[clients.$mode]=$p95 FIRST[clients.$mode]=$errors
  record "{\"measure\":\"search\",\"store\":\"postgres\",\"mode\":\"$mode\",\"clients\":$CLIENTS,\"search_args\":$SEARCH_ARGS_JSON,\"p50_ms\":$p50,\"p95_ms\":$p95,\"errors\":$errors}"
done

head -n "$MCP_QUERIES" "$T/queries.txt" >"$T/mcp_queries.txt"
declare -A MCP
for side in sqlite postgres; do
  MCP[$side]=$(python3 "$ROOT/bench/mcp_search_driver.py" "$STRATA" "${STORE[$side]}" "$T/mcp_queries.txt" |
    python3 -c 'import json,sys; m = sorted(json.load(sys.stdin)["mcp"]); print("%.1f" % m[len(m) // 2])')
  record "{\"measure\":\"mcp_search\",\"store\":\"$side\",\"p50_ms\":${MCP[$side]}}"
done

declare -A SERVE
SERVE_PASSES=${SERVE_PASSES:-3}
for side in sqlite postgres; do
  SERVE[$side]=$(python3 "$PY" serve "$STRATA" "${STORE[$side]}" "$T/queries.txt" "$SERVE_PASSES" "$T/queries_fresh.txt" |
    python3 -c 'import json,sys
d = json.load(sys.stdin)
def p(ms, q):
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(q * len(ms)))] if ms else float("nan")
first, last, fresh = d["passes"][0], d["passes"][-1], d["fresh"]
print("%.1f %.1f %.1f %.1f %d %.1f %.1f %.1f" % (p(first, 0.5), p(first, 0.95), p(last, 0.5), p(last, 0.95), d["errors"],
                                           d["ready_s"], p(fresh, 0.5), p(fresh, 0.95)))')
  read -r f50 f95 l50 l95 errors ready n50 n95 <<<"${SERVE[$side]}"
  record "{\"measure\":\"serve_search\",\"store\":\"$side\",\"mode\":\"keyword\",\"ready_s\":$ready,\"passes\":$SERVE_PASSES,\"first_p50_ms\":$f50,\"first_p95_ms\":$f95,\"last_p50_ms\":$l50,\"last_p95_ms\":$l95,\"fresh_p50_ms\":$n50,\"fresh_p95_ms\":$n95,\"errors\":$errors}"
done

print_ingest_rows
for mode in keyword hybrid; do
  printf '%-26s %14s %14s %8s\n' "$mode p50 / p95 ms" "${P50[sqlite.$mode]} / ${P95[sqlite.$mode]}" \
    "${P50[postgres.$mode]} / ${P95[postgres.$mode]}" "$(python3 -c "print('%.2f' % (${P50[postgres.$mode]} / ${P50[sqlite.$mode]}))")"
  printf '%-26s %14s %14s\n' "$mode first query ms" "${FIRST[sqlite.$mode]}" "${FIRST[postgres.$mode]}"
  printf '%-26s %14s %14s\n' "$mode, $CLIENTS clients p50/p95" "" "${P50[clients.$mode]} / ${P95[clients.$mode]} (${FIRST[clients.$mode]} errors)"
done
printf '%-26s %14s %14s %8s\n' "mcp search p50 ms" "${MCP[sqlite]}" "${MCP[postgres]}" \
  "$(python3 -c "print('%.2f' % (${MCP[postgres]} / ${MCP[sqlite]}))")"
read -r sf50 sf95 sl50 sl95 _ sready sn50 sn95 <<<"${SERVE[sqlite]}"
read -r pf50 pf95 pl50 pl95 _ pready pn50 pn95 <<<"${SERVE[postgres]}"
printf '%-26s %14s %14s\n' "serve ready s" "$sready" "$pready"
printf '%-26s %14s %14s\n' "serve 1st pass p50/p95" "$sf50 / $sf95" "$pf50 / $pf95"
printf '%-26s %14s %14s %8s\n' "serve pass $SERVE_PASSES p50/p95" "$sl50 / $sl95" "$pl50 / $pl95" \
  "$(python3 -c "print('%.2f' % ($pl50 / $sl50))")"
printf '%-26s %14s %14s\n' "serve new queries p50/p95" "$sn50 / $sn95" "$pn50 / $pn95"
