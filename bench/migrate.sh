#!/usr/bin/env bash
# Side-by-side migration benchmark on SQLite: strata vs dbmate 2.36.0 vs the SQLite floor.
#
# N migrations (default 1000), each creating a 5-column table and an index (the same SQL text as
# ../shared/bench/bench-dbmate.sh). All phases run in ONE invocation, RUNS times (default 3), each
# run in a fresh temp dir, tools interleaved inside a run; the median run is reported.
#
#   startup   no-op status on an empty migrations dir (mean of 10 calls), dbmate and strata
#   up        all N from an empty database: dbmate up / strata migrate up / strata migrate up --atomic
#             / sqlite_floor per (each migration + one history INSERT in its own BEGIN IMMEDIATE..COMMIT)
#             / sqlite_floor atomic (everything in one transaction)
#             (sqlite_floor per runs with --wal: the database held in exclusive locking mode and WAL
#             for the run, as `strata migrate up` holds it: one sync a commit)
#             / sqlite_floor per in the rollback journal at FULL (context only: four syncs a commit)
#             / sqlite_floor --synchronous=normal per (context only: dbmate's driver, mattn/go-sqlite3,
#               sets PRAGMA synchronous=NORMAL on every connection, one fsync fewer per commit than
#               SQLite's default FULL that strata and the floor keep)
#   status    on the up-to-date database (mean of 10 calls): dbmate status / strata migrate status
#   check     strata migrate check on the up-to-date database (mean of 10 calls)
#             status/check floor: sqlite_floor status = process that reads the N files, opens the
#             database read-only and reads the history table (mean of 10 calls, process wall time)
#   down      DOWN migrations (100, at most N): dbmate rollback xDOWN (one per call) / strata migrate down --steps DOWN
#             / sqlite_floor down DOWN
#
# Output: one JSON line per phase and tool (stdout and $PEERS/results/migrate.jsonl), then a markdown
# table with the ratios strata/dbmate and strata/floor (stdout).
#
#   usage: bench/migrate.sh [N]
#   env:   STRATA (default <repo>/build/strata; if missing, only dbmate and the floor are measured),
#          RUNS (3), PEERS (${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers), DOWN (100), REPS (10),
#          TMPDIR (where the databases live; must be a real disk, not tmpfs, for commit cost to mean anything)
set -euo pipefail
N=${1:-1000}
RUNS=${RUNS:-3}
DOWN=${DOWN:-100}; [ "$DOWN" -le "$N" ] || DOWN=$N
REPS=${REPS:-10}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DBMATE=$PEERS/node/node_modules/@dbmate/linux-x64/bin/dbmate

# ---- install what is needed (nothing of strata is built here) -------------------------------
missing=""
for p in g++ libsqlite3-dev sqlite3 bc; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
fi
if [ ! -x "$DBMATE" ]; then
  mkdir -p "$PEERS/node"
  [ -f "$PEERS/node/package.json" ] || echo '{"name":"peers","private":true,"type":"module"}' > "$PEERS/node/package.json"
  (cd "$PEERS/node" && npm install --no-audit --no-fund --save-exact dbmate@2.36.0 >&2)
fi
HAVE_STRATA=1
if [ ! -x "$STRATA" ]; then
  echo "migrate.sh: $STRATA not found: measuring dbmate and the SQLite floor only" >&2
  HAVE_STRATA=0
fi

BASE=$(mktemp -d)
trap 'rm -rf "$BASE"' EXIT
FLOOR=$BASE/sqlite_floor
(cd "$ROOT" && g++ -O2 bench/sqlite_floor.cpp -lsqlite3 -o "$FLOOR")

# ---- the migrations (identical text to ../shared/bench/bench-dbmate.sh) ----------------------
make_migrations() {    # $1 = dir, $2 = count
  mkdir -p "$1"
  for i in $(seq 1 "$2"); do
    t=$(printf 't%05d' "$i")
    cat > "$1/$(printf '%014d' "$i")_create_$t.sql" <<SQL
-- migrate:up
CREATE TABLE $t (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  score REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ${t}_name_idx ON $t (name);

-- migrate:down
DROP INDEX ${t}_name_idx;
DROP TABLE $t;
SQL
  done
}
MIG=$BASE/migrations; make_migrations "$MIG" "$N"
EMPTY=$BASE/empty; mkdir -p "$EMPTY"

# ---- helpers ----------------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }                       # bash 5: no fork
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A T
add() { T[$1]+="$2 "; }                                # $1 = key, $2 = seconds
dbm() { local db=$1 dir=$2; shift 2; "$DBMATE" --url "sqlite:$db" --migrations-dir "$dir" --no-dump-schema "$@"; }
st() { local db=$1 dir=$2; shift 2; "$STRATA" migrate --database "sqlite:$db" --dir "$dir" "$@"; }
count() { sqlite3 "$1" "$2"; }
mean_of() {   # $1 = key; rest = command, run REPS times; records the mean
  local key=$1; shift
  local s e
  s=$(now); for _ in $(seq "$REPS"); do "$@" >/dev/null 2>&1; done; e=$(now)
  add "$key" "$(echo "($e - $s) / $REPS" | bc -l)"
}
once() {      # $1 = key; rest = command; records the wall time of one call (must succeed)
  local key=$1; shift
  local s e
  # both tools' progress output goes to /dev/null (dbmate prints to stdout, strata to stderr)
  s=$(now); "$@" >/dev/null 2>&1 || { echo "FAILED ($key): $* (run it by hand to see why)" >&2; exit 1; }; e=$(now)
  add "$key" "$(echo "$e - $s" | bc -l)"
}
floor() {     # $1 = key; rest = sqlite_floor args; records the floor's own timed span
  local key=$1; shift
  local s e j
  s=$(now); j=$("$FLOOR" "$@"); e=$(now)
  add "$key" "$(sed 's/.*"seconds":\([0-9.]*\).*/\1/' <<<"$j")"
  add "$key-wall" "$(echo "$e - $s" | bc -l)"
}
up_dbmate() {
  once up-dbmate dbm "$W/dbmate.db" "$MIG" up
  [ "$(count "$W/dbmate.db" 'select count(*) from schema_migrations')" = "$N" ] || { echo "dbmate up incomplete" >&2; exit 1; }
}
up_strata() {
  once up-strata st "$W/strata.db" "$MIG" up
  [ "$(count "$W/strata.db" 'select count(*) from strata_migrations')" = "$N" ] || { echo "strata up incomplete" >&2; exit 1; }
}
up_strata_atomic() {
  once up-atomic-strata st "$W/strata-atomic.db" "$MIG" up --atomic
  [ "$(count "$W/strata-atomic.db" 'select count(*) from strata_migrations')" = "$N" ] || { echo "strata up --atomic incomplete" >&2; exit 1; }
}
up_floor() { floor up-floor --wal per "$W/floor.db" "$MIG"; }
up_floor_journal() { floor up-floor-journal per "$W/floor-journal.db" "$MIG"; }
up_floor_atomic() { floor up-atomic-floor atomic "$W/floor-atomic.db" "$MIG"; }
up_floor_normal() { floor up-floor-normal --synchronous=normal per "$W/floor-normal.db" "$MIG"; }
last() { local a=(${T[$1]}); echo "${a[-1]}"; }
pair() {      # $1 = ratio key, $2 / $3 = keys: records this run's ratio last($2) / last($3)
  [ -n "${T[$2]:-}" ] && [ -n "${T[$3]:-}" ] && add "$1" "$(echo "$(last "$2") / $(last "$3")" | bc -l)"
  return 0
}
rollback_n() { for _ in $(seq "$DOWN"); do dbm "$1" "$MIG" rollback >/dev/null; done; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$(echo "${LOAD0%% *} > $(nproc) * 0.75" | bc -l)" = 1 ]; then
  echo "migrate.sh: warning: load average $LOAD0 on $(nproc) cores: other work will distort the figures" >&2
fi
# ---- the runs ---------------------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
  W=$BASE/run$run; mkdir -p "$W"; cd "$W"
  # startup: no-op status on an empty dir (the database exists and is empty of migrations)
  dbm "$W/e-dbmate.db" "$EMPTY" status >/dev/null 2>&1 || true
  mean_of startup-dbmate dbm "$W/e-dbmate.db" "$EMPTY" status
  if [ $HAVE_STRATA = 1 ]; then
    st "$W/e-strata.db" "$EMPTY" up >/dev/null 2>&1 || true
    mean_of startup-strata st "$W/e-strata.db" "$EMPTY" status
  fi

  # up from empty; the order of the phases rotates from run to run so that a slow spell of the
  # shared disk does not always fall on the same tool
  up_phases=(up_dbmate up_floor up_floor_normal up_floor_journal)
  [ $HAVE_STRATA = 1 ] && up_phases=(up_dbmate up_strata up_floor up_strata_atomic up_floor_atomic up_floor_normal up_floor_journal)
  [ $HAVE_STRATA = 1 ] || up_phases+=(up_floor_atomic)
  np=${#up_phases[@]}
  for j in $(seq 0 $((np - 1))); do "${up_phases[$(( (j + run - 1) % np ))]}"; done
  [ "$(count "$W/floor.db" "select count(*) from sqlite_master where type='index' and name like 't%'")" = "$N" ] || { echo "floor up incomplete" >&2; exit 1; }

  # status / check on the up-to-date database
  mean_of status-floor "$FLOOR" status "$W/floor.db" "$MIG"
  once status1-dbmate dbm "$W/dbmate.db" "$MIG" status     # warm the page cache, check it succeeds
  mean_of status-dbmate dbm "$W/dbmate.db" "$MIG" status
  if [ $HAVE_STRATA = 1 ]; then
    once status1-strata st "$W/strata.db" "$MIG" status
    mean_of status-strata st "$W/strata.db" "$MIG" status
    once check1-strata st "$W/strata.db" "$MIG" check
    mean_of check-strata st "$W/strata.db" "$MIG" check
  fi

  # down 100
  once down-dbmate rollback_n "$W/dbmate.db"
  [ "$(count "$W/dbmate.db" 'select count(*) from schema_migrations')" = "$((N - DOWN))" ] || { echo "dbmate rollback wrong" >&2; exit 1; }
  if [ $HAVE_STRATA = 1 ]; then
    once down-strata st "$W/strata.db" "$MIG" down --steps "$DOWN"
    [ "$(count "$W/strata.db" "select count(*) from strata_migrations")" = "$((N - DOWN))" ] || { echo "strata down wrong" >&2; exit 1; }
  fi
  floor down-floor down "$W/floor.db" "$MIG" "$DOWN"
  [ "$(count "$W/floor.db" "select count(*) from floor_migrations")" = "$((N - DOWN))" ] || { echo "floor down wrong" >&2; exit 1; }
  pair r-up-strata/dbmate up-strata up-dbmate
  pair r-up-strata/floor up-strata up-floor
  pair r-up-dbmate/strata-atomic up-dbmate up-atomic-strata
  pair r-up-strata-atomic/floor-atomic up-atomic-strata up-atomic-floor
  pair r-status-strata/dbmate status-strata status-dbmate
  pair r-status-strata/floor status-strata status-floor
  pair r-check-strata/floor check-strata status-floor
  pair r-down-strata/dbmate down-strata down-dbmate
  pair r-down-strata/floor down-strata down-floor
  echo "run $run done" >&2
  cd /; rm -rf "$W"
done

# ---- report -----------------------------------------------------------------------------------
med() { [ -n "${T[$1]:-}" ] && tr ' ' '\n' <<<"${T[$1]}" | grep . | median || echo ""; }
DBV=$("$DBMATE" --version | awk '{print $3}')
SV=""; [ $HAVE_STRATA = 1 ] && SV=$("$STRATA" --version | head -1)
FV=$("$FLOOR" per "$BASE/v.db" "$EMPTY" | sed 's/.*"sqlite":"\([^"]*\)".*/\1/')
mkdir -p "$PEERS/results"
{
for k in startup-dbmate startup-strata up-dbmate up-strata up-atomic-strata up-floor up-floor-wall \
         up-floor-normal up-floor-normal-wall up-floor-journal up-floor-journal-wall up-atomic-floor up-atomic-floor-wall status-floor status-dbmate status-strata check-strata \
         down-dbmate down-strata down-floor down-floor-wall; do
  [ -n "${T[$k]:-}" ] || continue
  printf '{"bench":"migrate","key":"%s","migrations":%d,"down_steps":%d,"runs":%d,"median_s":%.5f,"runs_s":"%s","dbmate":"%s","strata":"%s","floor_sqlite":"%s"}\n' \
    "$k" "$N" "$DOWN" "$RUNS" "$(med "$k")" "$(echo ${T[$k]})" "$DBV" "$SV" "$FV"
done
for k in r-up-strata/dbmate r-up-strata/floor r-up-dbmate/strata-atomic r-up-strata-atomic/floor-atomic \
         r-status-strata/dbmate r-status-strata/floor r-check-strata/floor r-down-strata/dbmate r-down-strata/floor; do
  [ -n "${T[$k]:-}" ] || continue
  printf '{"bench":"migrate","key":"%s","migrations":%d,"runs":%d,"median_ratio":%.3f,"runs_ratio":"%s","strata":"%s"}\n' \
    "${k#r-}" "$N" "$RUNS" "$(med "$k")" "$(for x in ${T[$k]}; do printf '%.3f ' "$x"; done | sed 's/ $//')" "$SV"
done
} | tee -a "$PEERS/results/migrate.jsonl"

f() { [ -n "$1" ] && printf '%.4f' "$1" || printf -- '-'; }
ms() { [ -n "$1" ] && printf '%.2f ms' "$(echo "$1 * 1000" | bc -l)" || printf -- '-'; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && printf '%.2f' "$(echo "$1 / $2" | bc -l)" || printf -- '-'; }
yes_no() { [ -n "$1" ] && { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo MISSED; } || echo -; }
uD=$(med up-dbmate); uS=$(med up-strata); uA=$(med up-atomic-strata); uF=$(med up-floor); uFA=$(med up-atomic-floor); uFN=$(med up-floor-normal); uFJ=$(med up-floor-journal)
sF=$(med status-floor); sD=$(med status-dbmate); sS=$(med status-strata); cS=$(med check-strata)
dD=$(med down-dbmate); dS=$(med down-strata); dF=$(med down-floor)
tD=$(med startup-dbmate); tS=$(med startup-strata)
rUF=$(med r-up-strata/floor); rUD=$(med r-up-strata/dbmate); rAD=$(med r-up-dbmate/strata-atomic)
f2() { [ -n "$1" ] && printf '%.2f' "$1" || printf -- '-'; }
cat <<EOF

strata: ${SV:-not measured}; dbmate $DBV (Go binary, --no-dump-schema); floor: libsqlite3 $FV via bench/sqlite_floor.cpp
$N migrations, median of $RUNS runs; status/check/startup = mean of $REPS calls per run.
$(nproc) cores; load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg); databases in $(dirname "$BASE") ($(df -T "$BASE" | awk 'NR==2 {print $2}'))

| phase | dbmate s | strata s | SQLite floor s | strata/dbmate | strata/floor |
|---|---:|---:|---:|---:|---:|
| startup (no-op status, empty dir) | $(f "$tD") | $(f "$tS") | | $(ratio "$tS" "$tD") | |
| up, $N migrations | $(f "$uD") | $(f "$uS") | $(f "$uF") | $(ratio "$uS" "$uD") | $(ratio "$uS" "$uF") |
| (context) floor with synchronous=NORMAL, as dbmate's driver sets | | | $(f "$uFN") | | $(ratio "$uS" "$uFN") |
| (context) floor in the rollback journal at FULL (4 syncs a commit) | | | $(f "$uFJ") | | $(ratio "$uS" "$uFJ") |
| up --atomic (dbmate: plain up) | $(f "$uD") | $(f "$uA") | $(f "$uFA") | $(ratio "$uA" "$uD") | $(ratio "$uA" "$uFA") |
| status, $N applied | $(f "$sD") | $(f "$sS") | $(f "$sF") | $(ratio "$sS" "$sD") | $(ratio "$sS" "$sF") |
| check, $N applied | | $(f "$cS") | $(f "$sF") | | $(ratio "$cS" "$sF") |
| down $DOWN (dbmate: rollback x$DOWN) | $(f "$dD") | $(f "$dS") | $(f "$dF") | $(ratio "$dS" "$dD") | $(ratio "$dS" "$dF") |

| aim | ratio of the medians | median of per-run ratios (paired) | result (on the paired ratio) |
|---|---:|---:|---|
| up within 10% of the floor (strata/floor <= 1.10) | $(ratio "$uS" "$uF") | $(f2 "$rUF") | $(yes_no "$( [ -n "$rUF" ] && echo "$rUF <= 1.10")") |
| up at least as fast as dbmate (strata/dbmate <= 1) | $(ratio "$uS" "$uD") | $(f2 "$rUD") | $(yes_no "$( [ -n "$rUD" ] && echo "$rUD <= 1")") |
| up --atomic 5x faster than dbmate up (dbmate/strata >= 5) | $(ratio "$uD" "$uA") | $(f2 "$rAD") | $(yes_no "$( [ -n "$rAD" ] && echo "$rAD >= 5")") |
| status under 20 ms | $(ms "$sS") | | $(yes_no "$( [ -n "$sS" ] && echo "$sS < 0.020")") |
| check under 20 ms | $(ms "$cS") | | $(yes_no "$( [ -n "$cS" ] && echo "$cS < 0.020")") |
EOF
