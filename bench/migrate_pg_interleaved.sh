#!/usr/bin/env bash
# `status` and `check` on an up-to-date PostgreSQL database, strata beside dbmate, every call
# interleaved round by round (so a change in the machine's load touches both tools alike), with
# the server's scram-sha-256 login and with a `trust` login (which shows how much of the time is
# the password exchange). Wall time (median) and CPU, user + system (median), per call.
#
#   usage: bench/migrate_pg_interleaved.sh [ROUNDS]      (default 30)
#   env:   STRATA (default <repo>/build/strata); STRATA_BEFORE (another build, measured too);
#          N (1000 migrations); PEERS (where bench/migrate_pg.sh installed dbmate)
set -euo pipefail
ROUNDS=${1:-30}
N=${N:-1000}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DBMATE=$PEERS/node/node_modules/@dbmate/linux-x64/bin/dbmate
[ -x "$DBMATE" ] || { echo "dbmate missing: run bench/migrate_pg.sh once, which installs it" >&2; exit 1; }

W=$(mktemp -d)
chmod 755 "$W"
trap 'bash "$ROOT/tests/servers/pg_server.sh" stop "$W/pg" >/dev/null 2>&1; rm -rf "$W"' EXIT
bash "$ROOT/tests/servers/pg_server.sh" start "$W/pg" >/dev/null
SERVER_URL=$(cat "$W/pg/url")
BASE=${SERVER_URL%/postgres}
PORT=${BASE##*:}
psql "$SERVER_URL" -Xq -c "CREATE ROLE trusty LOGIN SUPERUSER" -c "CREATE DATABASE bench_dbmate" -c "CREATE DATABASE bench_strata"
sed -i '1i host all trusty 127.0.0.1/32 trust' "$W/pg/data/pg_hba.conf"
psql "$SERVER_URL" -Xqc "SELECT pg_reload_conf()" >/dev/null

mkdir -p "$W/migrations"
for i in $(seq 1 "$N"); do
  t=$(printf 't%05d' "$i")
  printf -- '-- migrate:up\nCREATE TABLE %s (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT, score DOUBLE PRECISION NOT NULL DEFAULT 0, created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP);\nCREATE INDEX %s_name_idx ON %s (name);\n\n-- migrate:down\nDROP INDEX %s_name_idx;\nDROP TABLE %s;\n' \
    "$t" "$t" "$t" "$t" "$t" >"$W/migrations/$(printf '%014d' "$i")_create_$t.sql"
done
"$DBMATE" --url "$BASE/bench_dbmate?sslmode=disable" --migrations-dir "$W/migrations" --no-dump-schema up >/dev/null
"$STRATA" migrate -d "$BASE/bench_strata?sslmode=disable" --dir "$W/migrations" -q up

python3 - "$ROUNDS" "$BASE" "$PORT" "$W/migrations" "$DBMATE" "$STRATA" "${STRATA_BEFORE:-}" <<'PY'
import resource, statistics, subprocess, sys, time
rounds, base, port, mdir, dbmate, strata, before = int(sys.argv[1]), *sys.argv[2:]
print("| login | command | wall (median) | CPU (median) | wall / dbmate status |")
print("|---|---|---:|---:|---:|")
for login in ("scram", "trust"):
    prefix = base if login == "scram" else f"postgres://trusty@127.0.0.1:{port}"
    d_url, s_url = prefix + "/bench_dbmate?sslmode=disable", prefix + "/bench_strata?sslmode=disable"
    cmds = {"dbmate status": [dbmate, "--url", d_url, "--migrations-dir", mdir, "--no-dump-schema", "status"]}
    builds = [("strata", strata)] + ([("strata (before)", before)] if before else [])
    for name, binary in builds:
        for c in ("status", "check"):
            cmds[f"{name} {c}"] = [binary, "migrate", "-d", s_url, "--dir", mdir, "-q", c]
    wall = {k: [] for k in cmds}
    cpu = {k: [] for k in cmds}
    for _ in range(rounds):
        for k, c in cmds.items():
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            s = time.perf_counter()
            subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            e = time.perf_counter()
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall[k].append((e - s) * 1000)
            cpu[k].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    ref = statistics.median(wall["dbmate status"])
    for k in cmds:
        w = statistics.median(wall[k])
        print(f"| {login} | {k} | {w:.2f} ms | {statistics.median(cpu[k]):.1f} ms | {w / ref:.2f} |")
PY
