#!/usr/bin/env bash
# Why `strata ask`'s log write costs an fsync, and what the SQLite WAL options would change.
# Each strata process opens the store, writes at most one small transaction (ask's call log) and
# closes it; SQLite checkpoints the WAL and deletes it at close, so the next write starts a new
# WAL, whose header SQLite syncs (synchronous = NORMAL). This runs RUNS (60) such processes per
# mode, a small C program on the system SQLite, and reports p50/p95 of open, write and close:
#   0  strata's settings (WAL, synchronous = NORMAL)
#   1  + SQLITE_FCNTL_PERSIST_WAL (the WAL file is kept at close)
#   2  + SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (no checkpoint at close)
#   3  + PERSIST_WAL and PRAGMA journal_size_limit = 1 MiB
# and the WAL's size after the runs.
#   usage: bench/wal_write.sh     env: RUNS (60), DIR (a scratch directory on the disk to test)
set -euo pipefail
RUNS=${RUNS:-60}
DIR=${DIR:-$(mktemp -d)}
trap 'rm -rf "$DIR"' EXIT
cat >"$DIR/w.c" <<'C'
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(int argc, char** argv) {
  const int mode = atoi(argv[2]);
  const double t0 = now();
  sqlite3* db;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  if (mode == 2) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, 0);
  sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", 0, 0, 0);
  int on = 1;
  if (mode == 1 || mode == 3) sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
  if (mode == 3) sqlite3_exec(db, "PRAGMA journal_size_limit = 1048576", 0, 0, 0);
  sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, q TEXT, a TEXT); SELECT count(*) FROM log", 0, 0, 0);
  const double t1 = now();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO log (q, a) VALUES ('a question', hex(randomblob(500))); COMMIT", 0, 0, 0)) return 1;
  const double t2 = now();
  sqlite3_close(db);
  printf("%.3f %.3f %.3f\n", t1 - t0, t2 - t1, now() - t2);
  return 0;
}
C
gcc -O2 "$DIR/w.c" -lsqlite3 -o "$DIR/w"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
echo "| mode | open p50 / p95 ms | write p50 / p95 ms | close p50 / p95 ms | WAL bytes after |"
echo "|---|---:|---:|---:|---:|"
for m in 0 1 2 3; do
  for _ in $(seq 3); do "$DIR/w" "$DIR/m$m.db" "$m" >/dev/null; done
  for _ in $(seq "$RUNS"); do "$DIR/w" "$DIR/m$m.db" "$m"; done >"$DIR/m$m.txt"
  wal=$(stat -c %s "$DIR/m$m.db-wal" 2>/dev/null || echo "none")
  python3 - "$DIR/m$m.txt" "$m" "$wal" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
pct = lambda v, p: sorted(v)[min(len(v) - 1, max(0, -(-p * len(v) // 100) - 1))]
names = {"0": "strata's (WAL, NORMAL)", "1": "+ PERSIST_WAL", "2": "+ NO_CKPT_ON_CLOSE", "3": "+ PERSIST_WAL, journal_size_limit 1 MiB"}
cells = [f"{pct([r[j] for r in rows], 50):.2f} / {pct([r[j] for r in rows], 95):.2f}" for j in range(3)]
print(f"| {names[sys.argv[2]]} | " + " | ".join(cells) + f" | {sys.argv[3]} |")
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
