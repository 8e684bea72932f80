#!/usr/bin/env bash
# Side-by-side migration benchmark on MySQL/MariaDB: strata vs dbmate against the same local server.
#
# A throwaway MariaDB (tests/servers/mariadb_server.sh: 127.0.0.1, password auth, no fsync, the
# same for both tools) is started for the run and stopped afterwards. N migrations (default
# 1000), each creating a 5-column table and an index (bench-dbmate.sh's SQL, in MySQL types).
# Each run uses two fresh databases, one per tool; RUNS runs (default 5), the median is reported.
# The server's own background work after a thousand CREATE TABLEs (purge, file handling) slows
# whatever runs next, so the tools take turns going first, and each run starts on a settled server.
#
#   up        all N from an empty database: dbmate up / strata migrate up
#   status    on the up-to-date database, mean of REPS calls: dbmate status / strata migrate status
#   check     on the up-to-date database, mean of REPS calls: strata migrate check (dbmate has none;
#             its closest is `status --exit-code`, shown for reference)
#
# Output: one JSON line per phase and tool (stdout and $PEERS/results/migrate_mysql.jsonl), then a
# markdown table with the ratio strata/dbmate.
#
#   usage: bench/migrate_mysql.sh [N]
#   env:   STRATA (default <repo>/build/strata), RUNS (3), REPS (10),
#          PEERS (${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers, where dbmate is installed)
set -euo pipefail
N=${1:-1000}
RUNS=${RUNS:-5}
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
trap 'bash "$ROOT/tests/servers/mariadb_server.sh" stop "$W/my" >/dev/null 2>&1; rm -rf "$W"' EXIT
bash "$ROOT/tests/servers/mariadb_server.sh" start "$W/my"
PORT=$(cat "$W/my/port")
BASE="mysql://strata:$(cat "$W/my/password")@127.0.0.1:$PORT"
sql_() { mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$(cat "$W/my/root_password")" -N -B -e "$1"; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

mkdir -p "$W/migrations"
for i in $(seq 1 "$N"); do
  t=$(printf 't%05d' "$i")
  cat > "$W/migrations/$(printf '%014d' "$i")_create_$t.sql" <<SQL
-- migrate:up
CREATE TABLE $t (
  id BIGINT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(255),
  score DOUBLE NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ${t}_name_idx ON $t (name);

-- migrate:down
DROP TABLE $t;
SQL
done

declare -A T
for run in $(seq 1 "$RUNS"); do
  sql_ "DROP DATABASE IF EXISTS bench_dbmate; DROP DATABASE IF EXISTS bench_strata"
  sql_ "CREATE DATABASE bench_dbmate; CREATE DATABASE bench_strata"
  D_URL="$BASE/bench_dbmate"
  S_URL="$BASE/bench_strata"
  dbm() { "$DBMATE" --url "$D_URL" --migrations-dir "$W/migrations" --no-dump-schema "$@"; }
  str() { "$STRATA" migrate -d "$S_URL" --dir "$W/migrations" -q "$@"; }

  sleep 3
  up_dbmate() { s=$(now); dbm up >/dev/null; e=$(now); T[up_dbmate]+="$(echo "$e - $s" | bc -l) "; }
  up_strata() { s=$(now); str up; e=$(now); T[up_strata]+="$(echo "$e - $s" | bc -l) "; }
  if [ $((run % 2)) = 1 ]; then up_dbmate; sleep 3; up_strata; else up_strata; sleep 3; up_dbmate; fi
  [ "$(sql_ 'SELECT COUNT(*) FROM bench_strata.strata_migrations')" = "$N" ] || { echo "strata applied too few" >&2; exit 1; }
  [ "$(sql_ 'SELECT COUNT(*) FROM bench_dbmate.schema_migrations')" = "$N" ] || { echo "dbmate applied too few" >&2; exit 1; }

  s=$(now); for _ in $(seq "$REPS"); do dbm status >/dev/null; done; e=$(now)
  T[status_dbmate]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do str status >/dev/null; done; e=$(now)
  T[status_strata]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do dbm status --exit-code >/dev/null; done; e=$(now)
  T[check_dbmate]+="$(echo "($e - $s) / $REPS" | bc -l) "
  s=$(now); for _ in $(seq "$REPS"); do str check >/dev/null; done; e=$(now)
  T[check_strata]+="$(echo "($e - $s) / $REPS" | bc -l) "
  echo "run $run done: up dbmate ${T[up_dbmate]}/ strata ${T[up_strata]}" >&2
done

mkdir -p "$PEERS/results"
ver=$("$DBMATE" --version 2>/dev/null | awk '{print $NF}')
myver=$(sql_ 'SELECT VERSION()')
echo "| phase | dbmate $ver | strata | strata / dbmate |"
echo "|---|---|---|---|"
for phase in up status check; do
  d=$(printf '%s\n' ${T[${phase}_dbmate]} | median)
  s=$(printf '%s\n' ${T[${phase}_strata]} | median)
  for tool in dbmate strata; do
    v=$([ $tool = dbmate ] && echo "$d" || echo "$s")
    printf '{"bench":"migrate_mysql","phase":"%s","tool":"%s","n":%s,"seconds":%.4f,"server":"%s"}\n' \
      "$phase" "$tool" "$N" "$v" "$myver" | tee -a "$PEERS/results/migrate_mysql.jsonl" >&2
  done
  printf '| %s | %.1f ms | %.1f ms | %.2f |\n' "$phase" "$(echo "$d * 1000" | bc -l)" "$(echo "$s * 1000" | bc -l)" \
    "$(echo "$s / $d" | bc -l)"
done
