#!/usr/bin/env bash
# Peak memory and wall time of `strata migrate lint` on one large file of ordinary SQL, per engine:
# what a generated dump or a long hand-written script costs. The file (MB megabytes, default 26)
# is a repeated mix of CREATE TABLE, ALTER TABLE (ADD COLUMN, SET NOT NULL, ADD CONSTRAINT),
# CREATE INDEX, INSERT, UPDATE and comments, on tables created earlier in the file and on tables it
# does not create (so that rules fire: one finding per block or so).
# Usage: bench/lint_memory.sh       Env: STRATA (default build/strata), MB (default 26),
#        ENGINES (default "postgres sqlite mysql").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
MB=${MB:-26}
ENGINES=${ENGINES:-postgres sqlite mysql}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/big.sql" "$MB" <<'PY'
import sys
path, mb = sys.argv[1], float(sys.argv[2])
target = int(mb * 1024 * 1024)
with open(path, "w") as f:
    size, i = 0, 0
    while size < target:
        block = (
            f"-- block {i}: a table, its index, some rows\n"
            f"CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\n"
            f"CREATE INDEX t{i}_name ON t{i} (name);\n"
            f"INSERT INTO t{i} (id, name) VALUES (1, 'first row of {i}'), (2, 'second'), (3, 'third');\n"
            f"UPDATE t{i} SET name = upper(name) WHERE id > 1 AND name <> 'x';\n"
            f"ALTER TABLE old{i % 50} ADD COLUMN c{i} integer;\n"
            f"ALTER TABLE old{i % 50} ALTER COLUMN c{i} SET NOT NULL;\n"
        )
        f.write(block)
        size += len(block)
        i += 1
PY
printf 'file: %s MB of SQL (%s bytes)\n' "$MB" "$(stat -c %s "$work/big.sql")"
printf '%-9s %10s %9s %9s %10s %s\n' engine "peak MB" wall_s cpu_s findings exit
for e in $ENGINES; do
  set +e
  /usr/bin/time -f '%M %e %U %S' -o "$work/time" "$STRATA" migrate lint --engine "$e" --json "$work/big.sql" > "$work/out.json" 2> "$work/err"
  rc=$?
  set -e
  read -r kb secs user sys < <(tail -1 "$work/time")
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/out.json" 2>/dev/null || echo "-")
  printf '%-9s %10s %9s %9s %10s %s\n' "$e" "$((kb / 1024))" "$secs" "$(python3 -c "print(round($user + $sys, 2))")" "$n" "$rc"
done
