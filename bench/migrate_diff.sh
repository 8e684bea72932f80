#!/usr/bin/env bash
# `strata migrate diff` on a large project: N migrations (default 1000), each creating a 5-column
# table and an index (the SQL of bench/migrate.sh's project), and a desired schema that is the
# project's own dump with three changes (a column added to one table, a new index on another, a
# table dropped). Times `diff --dry-run` (replay into a scratch database, load the desired schema
# into another, compare, draft, prove the draft), RUNS times; the median is reported.
#
# SQLite always (in memory, no server); PostgreSQL and MariaDB when ENGINES names them and their
# servers (tests/servers/*.sh) can start. No peer: none of dbmate, golang-migrate or goose writes
# migrations, and Atlas and Alembic are not Debian packages (Alembic's autogenerate needs
# SQLAlchemy models, not SQL).
#
#   usage: bench/migrate_diff.sh [N]
#   env:   STRATA (default <repo>/build/strata), RUNS (5), ENGINES ("sqlite postgres mysql")
set -euo pipefail
N=${1:-1000}
RUNS=${RUNS:-5}
ENGINES=${ENGINES:-sqlite postgres mysql}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
[ -x "$STRATA" ] || { echo "missing $STRATA (set STRATA=...)" >&2; exit 1; }
W=$(mktemp -d)
chmod 755 "$W"  # the servers run as nobody when started as root
cleanup() {
  bash "$ROOT/tests/servers/pg_server.sh" stop "$W/pg" >/dev/null 2>&1 || true
  bash "$ROOT/tests/servers/mariadb_server.sh" stop "$W/my" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT

make_project() {  # $1: dir, $2: engine
  mkdir -p "$1/migrations"
  local serial="integer PRIMARY KEY" text="text"
  [ "$2" = mysql ] && text="varchar(200)"
  python3 - "$1/migrations" "$N" "$serial" "$text" <<'PY'
import sys, os
d, n, serial, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
for i in range(1, n + 1):
    with open(os.path.join(d, "%014d_create_t%d_table.sql" % (i, i)), "w") as f:
        f.write("-- migrate:up\nCREATE TABLE t%d (id %s, name %s NOT NULL, email %s, created_at %s, n integer DEFAULT 0);\n"
                "CREATE INDEX t%d_email ON t%d (email);\n-- migrate:down\nDROP TABLE t%d;\n" % (i, serial, text, text, text, i, i, i))
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_engine() {  # $1: engine, $2: database URL
  local p=$W/$1
  make_project "$p" "$1"
  (cd "$p" && "$STRATA" migrate -d "$2" up >/dev/null 2>&1 && "$STRATA" migrate -d "$2" dump -o desired.sql 2>/dev/null)
  local half=$((N / 2)) quarter=$((N / 4))
  {
    echo "ALTER TABLE t$half ADD COLUMN status integer DEFAULT 1;"
    echo "CREATE INDEX t${quarter}_name ON t$quarter (name);"
    echo "DROP TABLE t$N;"
  } >> "$p/desired.sql"
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N)
    (cd "$p" && "$STRATA" migrate -d "$2" diff bench_change --to desired.sql --dry-run >/dev/null 2>"$W/err") ||
      { cat "$W/err" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  local m
  m=$(printf '%s\n' "${times[@]}" | median)
  printf '{"engine":"%s","migrations":%d,"runs":%d,"diff_ms_median":%d,"all_ms":"%s"}\n' "$1" "$N" "$RUNS" "$m" "${times[*]}"
}

for e in $ENGINES; do
  case $e in
    sqlite) run_engine sqlite "sqlite:$W/sqlite.db" ;;
    postgres)
      if bash "$ROOT/tests/servers/pg_server.sh" start "$W/pg" >/dev/null 2>&1; then
        run_engine postgres "$(cat "$W/pg/url")"
      else echo "postgres: server did not start; skipped" >&2; fi ;;
    mysql)
      if bash "$ROOT/tests/servers/mariadb_server.sh" start "$W/my" >/dev/null 2>&1; then
        run_engine mysql "$(cat "$W/my/url")"
      else echo "mysql: server did not start; skipped" >&2; fi ;;
  esac
done
