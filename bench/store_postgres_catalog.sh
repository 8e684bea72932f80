#!/usr/bin/env bash
# What a store on a shared PostgreSQL database pays for the rest of the database: every command
# first checks that the store's schema holds nothing but strata's own objects
# (core/store/postgres/pg_foreign_objects.cpp). A team's application database holds thousands of
# tables besides the store; that check must cost what the store's schema holds, not what the
# database holds.
#
#   store     the project's README and man pages ingested (no embeddings) into a PostgreSQL store
#             on a server started here (tests/servers/pg_server.sh).
#   search    R (21) `strata search --mode keyword` processes, one at a time: median and p95 of
#             the whole process, first with the database holding the store alone, then after
#             TABLES (3000) tables of 15 columns, each with a default and a check, are made in
#             another schema (an application's).
#   side by side  BASE=path/to/another/strata (e.g. a build of an older revision) is timed in
#             the same run, alternating with STRATA, on the same server and database.
#
# One table at the end; JSON lines in $PEERS/results/store-postgres-catalog.jsonl.
#   usage: bench/store_postgres_catalog.sh      env: STRATA, BASE, R, TABLES, PEERS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
BASE=${BASE:-}
R=${R:-21}
TABLES=${TABLES:-3000}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
[ -x "$STRATA" ] || { echo "store_postgres_catalog.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
[ -z "$BASE" ] || [ -x "$BASE" ] || { echo "store_postgres_catalog.sh: BASE $BASE is not an executable" >&2; exit 1; }
mkdir -p "$PEERS/results"
out=$PEERS/results/store-postgres-catalog.jsonl
work=$(mktemp -d)
chmod 755 "$work"  # the server runs as another user (tests/servers/pg_server.sh)
server=$work/pg
cleanup() {
  bash "$ROOT/tests/servers/pg_server.sh" stop "$server" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$ROOT/tests/servers/pg_server.sh" start "$server" >/dev/null
url=$(cat "$server/url")

mkdir -p "$work/docs"
cp "$ROOT/README.md" "$ROOT"/man/*.[0-9] "$work/docs/"
"$STRATA" ingest "$work/docs" --store "$url" --no-embed -q

# one line per process: its wall time in ms
time_searches() {
  local bin=$1
  for _ in $(seq "$R"); do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" search --store "$url" --mode keyword -k 10 --json "roll back a migration" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
  done
}

# prints "median p95" in ms of the microsecond lines on stdin
stats() {
  sort -n | awk '{v[NR] = $1} END {m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.95 + 0.999)]; printf "%.1f %.1f\n", m / 1000, p / 1000}'
}

rows=()
measure() {
  local phase=$1 tables
  tables=$(psql "$url" -Atc "SELECT count(*) FROM pg_class WHERE relkind = 'r'")
  local names=(strata) bins=("$STRATA")
  if [ -n "$BASE" ]; then names+=(base); bins+=("$BASE"); fi
  for i in "${!bins[@]}"; do
    read -r med p95 < <(time_searches "${bins[$i]}" | stats)
    rows+=("$(printf '%-14s %-8s %7s %10s %10s' "$phase" "${names[$i]}" "$tables" "$med" "$p95")")
    printf '{"bench":"store-postgres-catalog","phase":"%s","binary":"%s","tables":%s,"searches":%s,"p50_ms":%s,"p95_ms":%s,"revision":"%s","date":"%s"}\n' \
      "$phase" "${names[$i]}" "$tables" "$R" "$med" "$p95" "$(git -C "$ROOT" rev-parse --short HEAD)" \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$out"
  done
}

measure "store alone"
# The application's tables, 500 to a transaction (one takes a lock per table).
python3 - "$TABLES" <<'EOF' >"$work/app.sql"
import sys
n = int(sys.argv[1])
print("CREATE SCHEMA app;")
for start in range(0, n, 500):
    print("BEGIN;")
    for i in range(start, min(n, start + 500)):
        cols = ", ".join("c%d INTEGER DEFAULT %d CHECK (c%d > -1)" % (j, j, j) for j in range(15))
        print("CREATE TABLE app.t%d (id BIGINT PRIMARY KEY, %s);" % (i, cols))
    print("COMMIT;")
EOF
psql "$url" -q -v ON_ERROR_STOP=1 -f "$work/app.sql" >/dev/null
for t in pg_class pg_attribute pg_attrdef pg_constraint pg_type pg_depend; do psql "$url" -qc "VACUUM ANALYZE $t"; done
measure "app tables"

printf '%-14s %-8s %7s %10s %10s\n' "database" "binary" "tables" "p50 ms" "p95 ms"
printf '%s\n' "${rows[@]}"
echo "(JSON lines in $out)"
