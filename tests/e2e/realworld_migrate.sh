#!/usr/bin/env bash
# The real-world migration sets (../shared/migrate-sets, or the five of them in tests/data/migrate-sets:
# dbmate and golang-migrate projects, SQLite and PostgreSQL) applied with strata and compared with the peers' recorded outcomes and schemas by
# tests/realworld/migrate_sets.py: up, schema, down one at a time, check --drift, check --roundtrip.
# CTest label `realworld`. Skips (77) only when STRATA_MIGRATE_SETS names no sets; the PostgreSQL sets are checked on a
# throwaway server (tests/servers/pg_server.sh) and skipped, saying so, without the server binaries.
# Usage: bash tests/e2e/realworld_migrate.sh /path/to/strata   STRATA_MIGRATE_SETS=DIR to point elsewhere
here=$(cd "$(dirname "$0")" && pwd)
# The twelve sets of the shared data folder next to the repository when it is there; else the five
# vendored in tests/data/migrate-sets (its README says which and why).
SETS=${STRATA_MIGRATE_SETS:-$here/../../../shared/migrate-sets}
[ -n "${STRATA_MIGRATE_SETS:-}" ] || [ -f "$SETS/compare-schema.py" ] || SETS=$here/../data/migrate-sets
SERVER=$here/../servers/pg_server.sh
. "$here/lib.sh"
e2e_init realworld_migrate "$@"

if [ ! -f "$SETS/compare-schema.py" ]; then
    echo "realworld_migrate: SKIP: no migration sets at $SETS (STRATA_MIGRATE_SETS)"
    exit 77
fi
SETS=$(cd "$SETS" && pwd)
for tool in psql pg_dump; do
    command -v "$tool" >/dev/null 2>&1 || { echo "realworld_migrate: required tool missing: $tool" >&2; exit 2; }
done

PGDIR="$E2E_TMP/pg"
chmod 755 "$E2E_TMP"  # as root the server runs as nobody, which must reach its data directory
pg_args=()
if bash "$SERVER" start "$PGDIR" 2>"$E2E_TMP/pg.err"; then
    e2e_on_exit "bash '$SERVER' stop '$PGDIR'"
    pg_args=(--pg-url "$(cat "$PGDIR/url")")
else
    echo "realworld_migrate: PostgreSQL sets skipped: $(cat "$E2E_TMP/pg.err")"
fi
python3 "$here/../realworld/migrate_sets.py" "$STRATA" "$SETS" "${pg_args[@]}" ${REALWORLD_TIMINGS:+--timings "$REALWORLD_TIMINGS"}
