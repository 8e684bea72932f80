#!/usr/bin/env bash
# Two strata binaries side by side in one run, for a change that must leave speed as it was (a
# refactor): each measure runs both, interleaved, RUNS times, alternating which goes first, and the
# table gives the medians and their ratio (new / base).
#
#   ingest     `ingest --no-embed` of the benchmark corpus ($CORPUS, ../shared/bench/make-corpus.sh:
#              ~2,200 files, 33 MB) into a fresh SQLite store, then again unchanged
#   search     Q (30) real headings of the corpus as `search --mode keyword -k 10` processes on
#              that store (the mean per query), then the same with `--mode vector` after
#              `embed --provider local` (the built-in embedder: no network)
#   migrate    `migrate up` of N (300) SQLite migrations (a table and an index each) into a fresh
#              database, then `migrate status` on it (mean of 10 calls)
#   postgres   with PG=1: the same ingest into a fresh PostgreSQL store (a schema per run and
#              binary) on a throwaway server (tests/servers/pg_server.sh), and keyword search there
#
#   usage: bench/parity.sh BASE_BINARY [NEW_BINARY]     (NEW default: <repo>/build/strata)
#   env:   RUNS (3), Q (30), N (300), PG (0), MEASURES (a subset of the names above, space-separated;
#          PG=1 adds pg_ingest and pg_search), PEERS (~/.cache/strata-peers), CORPUS ($PEERS/corpus/files)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_BIN=${1:?usage: bench/parity.sh BASE_BINARY [NEW_BINARY]}
NEW_BIN=${2:-$ROOT/build/strata}
RUNS=${RUNS:-3}
Q=${Q:-30}
N=${N:-300}
PG=${PG:-0}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
CORPUS=${CORPUS:-$PEERS/corpus/files}
[ -d "$CORPUS" ] || { echo "parity.sh: no corpus at $CORPUS (bash ../shared/bench/make-corpus.sh)" >&2; exit 1; }
for b in "$BASE_BIN" "$NEW_BIN"; do [ -x "$b" ] || { echo "parity.sh: $b is not an executable" >&2; exit 1; }; done

W=$(mktemp -d)
chmod 755 "$W"   # the throwaway server runs as another user when this one is root
PGDIR=""
cleanup() {
  [ -n "$PGDIR" ] && bash "$ROOT/tests/servers/pg_server.sh" stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
export HOME=$W/home XDG_STATE_HOME=$W/state XDG_CACHE_HOME=$W/cache XDG_CONFIG_HOME=$W/config NO_COLOR=1
mkdir -p "$HOME"

now() { date +%s.%N; }
# seconds taken by "$@" (output discarded; a failure stops the benchmark)
timed() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>"$W/err" || { echo "parity.sh: failed: $*" >&2; cat "$W/err" >&2; exit 1; }
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

# The queries: real Markdown headings of the corpus, evenly spaced in path order.
mapfile -t QUERIES < <(find "$CORPUS" -name '*.md' | sort | xargs grep -h '^## ' 2>/dev/null |
  sed 's/^## *//; s/[^A-Za-z0-9 ]/ /g' | awk 'NF>=2 && NF<=8' | awk -v q="$Q" '{a[NR]=$0} END {s=NR/q; for (i=0;i<q;i++) print a[int(i*s)+1]}')

make_migrations() {   # $1 dir
  mkdir -p "$1"
  for i in $(seq 1 "$N"); do
    printf -- '-- migrate:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL, d TEXT);\nCREATE INDEX t%d_a ON t%d (a);\n\n-- migrate:down\nDROP TABLE t%d;\n' \
      "$i" "$i" "$i" "$i" >"$1/$(printf '%014d' "$i")_t$i.sql"
  done
}
make_migrations "$W/migrations"

# One measure of one binary: prints seconds. $1 binary, $2 tag (base/new), $3 measure.
measure() {
  local bin=$1 tag=$2 what=$3 store=$W/$tag.db total=0 t
  case $what in
    ingest_first) rm -rf "$store" "$store".* "$W/$tag.embedded"; timed "$bin" ingest --store "$store" --no-embed "$CORPUS" ;;
    ingest_unchanged) timed "$bin" ingest --store "$store" --no-embed "$CORPUS" ;;
    search_keyword|search_vector)
      [ "$what" = search_vector ] && [ ! -e "$W/$tag.embedded" ] && {
        timed "$bin" embed --store "$store" --provider local >/dev/null; touch "$W/$tag.embedded"; }
      for q in "${QUERIES[@]}"; do
        t=$(timed "$bin" search --store "$store" --mode "${what#search_}" -k 10 "$q"); total=$(echo "$total + $t" | bc -l)
      done
      echo "$total / ${#QUERIES[@]}" | bc -l ;;
    migrate_up) rm -f "$W/$tag-app.db"; timed "$bin" migrate up --dir "$W/migrations" -d "sqlite:$W/$tag-app.db" ;;
    migrate_status)
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        t=$(timed "$bin" migrate status --dir "$W/migrations" -d "sqlite:$W/$tag-app.db"); total=$(echo "$total + $t" | bc -l)
      done
      echo "$total / 10" | bc -l ;;
    pg_ingest) timed "$bin" ingest --store "$PGURL_BASE&search_path=strata_${tag}_$run" --no-embed "$CORPUS" ;;
    pg_search)
      for q in "${QUERIES[@]}"; do
        t=$(timed "$bin" search --store "$PGURL_BASE&search_path=strata_${tag}_$run" --mode keyword -k 10 "$q"); total=$(echo "$total + $t" | bc -l)
      done
      echo "$total / ${#QUERIES[@]}" | bc -l ;;
  esac
}

read -r -a MEASURES <<<"${MEASURES:-ingest_first ingest_unchanged search_keyword search_vector migrate_up migrate_status}"
if [ "$PG" = 1 ]; then
  PGDIR=$W/pg
  bash "$ROOT/tests/servers/pg_server.sh" start "$PGDIR" >/dev/null
  url=$(cat "$PGDIR/url")
  case $url in *\?*) PGURL_BASE="$url" ;; *) PGURL_BASE="$url?sslmode=disable" ;; esac
  MEASURES+=(pg_ingest pg_search)
fi

declare -A samples
for run in $(seq 1 "$RUNS"); do
  if (( run % 2 )); then order=(base new); else order=(new base); fi
  for m in "${MEASURES[@]}"; do
    for tag in "${order[@]}"; do
      bin=$BASE_BIN; [ "$tag" = new ] && bin=$NEW_BIN
      s=$(measure "$bin" "$tag" "$m")
      samples[$m.$tag]+="$s "
      printf '{"run":%d,"measure":"%s","binary":"%s","seconds":%.4f}\n' "$run" "$m" "$tag" "$s" >&2
    done
  done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "| measure (median of $RUNS) | base | new | new / base |"
echo "|---|---:|---:|---:|"
for m in "${MEASURES[@]}"; do
  b=$(echo "${samples[$m.base]}" | median); n=$(echo "${samples[$m.new]}" | median)
  printf '| %s | %.1f ms | %.1f ms | **%.2f** |\n' "$m" "$(echo "$b * 1000" | bc -l)" "$(echo "$n * 1000" | bc -l)" "$(echo "$n / $b" | bc -l)"
done
