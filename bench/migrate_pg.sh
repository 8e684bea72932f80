#!/usr/bin/env bash
# Side-by-side migration benchmark on PostgreSQL: strata vs dbmate against the same local server.
#
# A throwaway PostgreSQL (tests/servers/pg_server.sh: 127.0.0.1, password auth, fsync off, the
# same for both tools) is started for the run and stopped afterwards. N migrations (default
# 1000), each creating a 5-column table and an index (bench-dbmate.sh's SQL, in PostgreSQL types).
# Each run uses two fresh databases, one per tool; RUNS runs (default 3), the median is reported.
#
#   up        all N from an empty database: dbmate up / strata migrate up
#   status    on the up-to-date database, mean of REPS calls: dbmate status / strata migrate status
#   check     on the up-to-date database, mean of REPS calls: strata migrate check (dbmate has none;
#             its closest is `status --exit-code`, shown for reference)
#
# Output: one JSON line per phase and tool (stdout and $PEERS/results/migrate_pg.jsonl), then a
# markdown table with the ratio strata/dbmate.
#
#   usage: bench/migrate_pg.sh [N]
#   env:   STRATA (default <repo>/build/strata), RUNS (3), REPS (10),
#          PEERS (${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers, where dbmate is installed)
set -euo pipefail
N=${1:-1000}
RUNS=${RUNS:-3}
REPS=${REPS:-10}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DBMATE=$PEERS/node/node_modules/@dbmate/linux-x64/bin/dbmate
[ -x "$STRATA" ] || { echo "missing $STRATA (set STRATA=...)" >&2; exit 1; }
if [ ! -x "$DBMATE" ]; then
  mkdir -p "$PEERS/node"
  [ -f "$PEERS/node/package.json" ] || echo '{"name":"peers","private":true,"type":"module"}' > "$PEERS/node/package.json"
  (cd "$PEERS/node" && npm install --no-audit --no-fund --save-exact dbmate@2.36.0 >&2)
fi

W=$(mktemp -d)
chmod 755 "$W"  # as root the server runs as nobody, which must reach its data directory
trap 'bash "$ROOT/tests/servers/pg_server.sh" stop "$W/pg" >/dev/null 2>&1; rm -rf "$W"' EXIT
bash "$ROOT/tests/servers/pg_server.sh" start "$W/pg"
SERVER_URL=$(cat "$W/pg/url")
BASE=${SERVER_URL%/postgres}
psql_() { psql "$SERVER_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

mkdir -p "$W/migrations"
for i in $(seq 1 "$N"); do
  t=$(printf 't%05d' "$i")
  cat > "$W/migrations/$(printf '%014d' "$i")_create_$t.sql" <<SQL
-- migrate:up
CREATE TABLE $t (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  score DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ${t}_name_idx ON $t (name);

-- migrate:down
DROP INDEX ${t}_name_idx;
DROP TABLE $t;
SQL
done

declare -A T
for run in $(seq 1 "$RUNS"); do
  psql_ "DROP DATABASE IF EXISTS bench_dbmate" ; psql_ "DROP DATABASE IF EXISTS bench_strata"
  psql_ "CREATE DATABASE bench_dbmate"; psql_ "CREATE DATABASE bench_strata"
  D_URL="$BASE/bench_dbmate?sslmode=disable"
  S_URL="$BASE/bench_strata?sslmode=disable"
  dbm() { "$DBMATE" --url "$D_URL" --migrations-dir "$W/migrations" --no-dump-schema "$@"; }
  str() { "$STRATA" migrate -d "$S_URL" --dir "$W/migrations" -q "$@"; }

  s=$(now); dbm up >/dev/null; e=$(now); T[up_dbmate]+="$(echo "$e - $s" | bc -l) "
  s=$(now); str up; e=$(now); T[up_strata]+="$(echo "$e - $s" | bc -l) "
  [ "$(psql "$BASE/bench_strata" -Atc 'SELECT count(*) FROM strata_migrations')" = "$N" ] || { echo "strata applied too few" >&2; exit 1; }
  [ "$(psql "$BASE/bench_dbmate" -Atc 'SELECT count(*) FROM schema_migrations')" = "$N" ] || { echo "dbmate applied too few" >&2; exit 1; }

  s=$(now); for _ in $(seq "$REPS"); do dbm status >/dev/null; done; e=$(now)
  T[status_dbmate]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do str status >/dev/null; done; e=$(now)
  T[status_strata]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do dbm status --exit-code >/dev/null; done; e=$(now)
  T[check_dbmate]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do str check >/dev/null; done; e=$(now)
  T[check_strata]+="$(echo "($e - $s) / $REPS" | bc -l) "
  echo "run $run done" >&2
done

mkdir -p "$PEERS/results"
ver=$("$DBMATE" --version 2>/dev/null | awk '{print $NF}')
pgver=$(psql "$SERVER_URL" -Atc 'SHOW server_version')
echo "| phase | dbmate $ver | strata | strata / dbmate |"
echo "|---|---|---|---|"
for phase in up status check; do
  d=$(printf '%s\n' ${T[${phase}_dbmate]} | median)
  s=$(printf '%s\n' ${T[${phase}_strata]} | median)
  for tool in dbmate strata; do
    v=$([ $tool = dbmate ] && echo "$d" || echo "$s")
    printf '{"bench":"migrate_pg","phase":"%s","tool":"%s","n":%s,"seconds":%.4f,"postgres":"%s"}\n' \
      "$phase" "$tool" "$N" "$v" "$pgver" | tee -a "$PEERS/results/migrate_pg.jsonl" >&2
  done
  printf '| %s | %.1f ms | %.1f ms | %.2f |\n' "$phase" "$(echo "$d * 1000" | bc -l)" "$(echo "$s * 1000" | bc -l)" \
    "$(echo "$s / $d" | bc -l)"
done
