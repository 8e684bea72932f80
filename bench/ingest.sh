#!/usr/bin/env bash
# `strata ingest` against the SQLite floor on the benchmark corpus (../shared/bench/make-corpus.sh:
# ~2,200 files, ~33 MB of Markdown and text).
#
#   first      strata ingest of the corpus folder into a fresh store (walk, read, hash, load,
#              chunk with token counts, store with the FTS5 index)
#   floor      bench/ingest_floor.cpp: the same chunks (made beforehand by `strata chunk`, untimed)
#              inserted with the same schema, FTS5 index and triggers, pragmas and batch size
#   unchanged  strata ingest of the unchanged corpus into the same store
#   checksum   the same with --checksum (every file read and hashed)
#   memory     peak RSS of the first ingest of the whole corpus and of its first half: streaming
#              means the two are close
# Each is run RUNS times (default 3), interleaved; medians are reported, with the ratios
# strata/floor (throughput) and first/unchanged (speed-up). One JSON line per measure goes to
# stdout and $PEERS/results/ingest.jsonl, then a markdown table.
#
#   usage: bench/ingest.sh
#   env:   STRATA (default <repo>/build/strata), RUNS (3), PEERS (~/.cache/strata-peers),
#          CORPUS (default $PEERS/corpus/files; built with ../shared/bench/make-corpus.sh if missing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
RUNS=${RUNS:-3}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/files}

missing=""
for p in g++ libsqlite3-dev nlohmann-json3-dev time; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
fi
# make-corpus.sh takes its output folder as an argument (it ignores $PEERS) and empties it first.
[ -d "$CORPUS" ] || bash "$ROOT/../shared/bench/make-corpus.sh" "$(dirname "$CORPUS")" >&2
[ -x "$STRATA" ] || { echo "ingest.sh: $STRATA not found (build first: bash scripts/build.sh)" >&2; exit 1; }

BASE=$(mktemp -d)
trap 'rm -rf "$BASE"' EXIT
g++ -O2 -std=c++20 "$ROOT/bench/ingest_floor.cpp" -lsqlite3 -o "$BASE/floor"
find "$CORPUS" -type f | sort >"$BASE/list"
BYTES=$(xargs -a "$BASE/list" cat | wc -c)
xargs -a "$BASE/list" "$STRATA" chunk --format jsonl >"$BASE/chunks.jsonl"
head -n $(($(wc -l <"$BASE/list") / 2)) "$BASE/list" >"$BASE/half"
mkdir -p "$BASE/half-corpus"
while IFS= read -r f; do cp "$f" "$BASE/half-corpus/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"; done <"$BASE/half"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

: >"$BASE/first"; : >"$BASE/floor_s"; : >"$BASE/unchanged"; : >"$BASE/checksum"; : >"$BASE/rss_full"; : >"$BASE/rss_half"
for r in $(seq 1 "$RUNS"); do
  rm -f "$BASE"/s.db* "$BASE"/f.db*
  t0=$(now); "$STRATA" ingest -q --store "$BASE/s.db" "$CORPUS"; t1=$(now)
  elapsed "$t0" "$t1" >>"$BASE/first"
  "$BASE/floor" "$ROOT/migrations" "$BASE/chunks.jsonl" "$BASE/f.db" | sed 's/.*"seconds":\([0-9.e-]*\).*/\1/' >>"$BASE/floor_s"
  t0=$(now); "$STRATA" ingest -q --store "$BASE/s.db" "$CORPUS"; t1=$(now)
  elapsed "$t0" "$t1" >>"$BASE/unchanged"
  t0=$(now); "$STRATA" ingest -q --checksum --store "$BASE/s.db" "$CORPUS"; t1=$(now)
  elapsed "$t0" "$t1" >>"$BASE/checksum"
  rm -f "$BASE"/m.db*; peak_kb "$STRATA" ingest -q --store "$BASE/m.db" "$CORPUS" >>"$BASE/rss_full"
  rm -f "$BASE"/m.db*; peak_kb "$STRATA" ingest -q --store "$BASE/m.db" "$BASE/half-corpus" >>"$BASE/rss_half"
done
chunks=$(sqlite3 "$BASE/s.db" "SELECT count(*) FROM chunks" 2>/dev/null || echo "?")
first=$(median <"$BASE/first"); floor=$(median <"$BASE/floor_s"); unchanged=$(median <"$BASE/unchanged")
checksum=$(median <"$BASE/checksum"); rss_full=$(median <"$BASE/rss_full"); rss_half=$(median <"$BASE/rss_half")
mbps() { echo "scale=2; $BYTES / 1000000 / $1" | bc -l; }
mkdir -p "$PEERS/results"
{
  echo "{\"bench\":\"ingest\",\"tool\":\"strata\",\"phase\":\"first\",\"seconds\":$first,\"mb_per_s\":$(mbps "$first"),\"bytes\":$BYTES,\"chunks\":\"$chunks\"}"
  echo "{\"bench\":\"ingest\",\"tool\":\"sqlite_floor\",\"phase\":\"insert\",\"seconds\":$floor,\"mb_per_s\":$(mbps "$floor")}"
  echo "{\"bench\":\"ingest\",\"tool\":\"strata\",\"phase\":\"unchanged\",\"seconds\":$unchanged}"
  echo "{\"bench\":\"ingest\",\"tool\":\"strata\",\"phase\":\"unchanged_checksum\",\"seconds\":$checksum}"
  echo "{\"bench\":\"ingest\",\"tool\":\"strata\",\"phase\":\"peak_rss_kb\",\"full\":$rss_full,\"half\":$rss_half}"
} | tee -a "$PEERS/results/ingest.jsonl"
echo
echo "| measure | value | ratio |"
echo "|---|---:|---:|"
echo "| first ingest, strata | $(mbps "$first") MB/s ($first s) | $(echo "scale=2; $floor / $first" | bc -l)× the floor's throughput |"
echo "| SQLite floor (insert only) | $(mbps "$floor") MB/s ($floor s) | 1 |"
echo "| unchanged re-ingest | $unchanged s | $(echo "scale=1; $first / $unchanged" | bc -l)× faster than first |"
echo "| unchanged re-ingest --checksum | $checksum s | $(echo "scale=1; $first / $checksum" | bc -l)× faster than first |"
echo "| peak RSS, whole corpus / half | $rss_full KB / $rss_half KB | $(echo "scale=2; $rss_full / $rss_half" | bc -l) |"
