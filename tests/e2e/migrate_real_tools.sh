#!/usr/bin/env bash
# Prisma Migrate's and Drizzle Kit's projects (tests/data/prisma, tests/data/drizzle) beside the
# real tools, pinned from npm: drizzle-kit's `migrate` (drizzle-orm's migrator, with `pg` on
# PostgreSQL, `mysql2` on MariaDB and @libsql/client on SQLite) and `prisma migrate deploy` (Prisma 6's schema engine
# compiled to WebAssembly, through @prisma/adapter-libsql). For each project:
#   - the tool brings database A up from empty, strata brings B up: the same schema;
#   - the tool brings C up half-way, strata takes over and applies the rest, and the tool run again
#     finds every migration applied (its own table has a row for each, as it writes them);
#   - `strata migrate check` on A, migrated by the tool alone, is clean.
# Prisma runs on SQLite only (trpc's starter, its lock file saying sqlite, and pingvin-share, a
# SQLite project from its start): its PostgreSQL driver adapter cannot read the `name` columns of
# PostgreSQL's catalogue ("Column type 'name' could not be deserialized from the database",
# prisma/orm#27403), its WebAssembly schema engine has no MySQL connector (only PostgreSQL's and
# SQLite's are compiled into schema_engine_bg.wasm, so @prisma/adapter-mariadb cannot migrate), and
# the native engines it otherwise uses are downloaded from outside the npm registry. migrate_prisma_drizzle.sh covers the PostgreSQL Prisma
# projects with the rows written as Prisma writes them. PRISMA_QUERY_ENGINE_LIBRARY and
# PRISMA_SCHEMA_ENGINE_BINARY name placeholders so that the CLI does not fetch the native engines
# it does not use here.
# The packages go to ${STRATA_TEST_PACKAGES:-BUILD_DIR}/migrate-tools once (npm_install_pinned).
# Skips (77) only when the npm registry cannot be reached; the PostgreSQL cases skip loudly when no
# server can be had (STRATA_TEST_PG_URL, else tests/servers/pg_server.sh).
# Usage: bash tests/e2e/migrate_real_tools.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_real_tools "$@"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
PKG="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/migrate-tools"
DATA="$E2E_LIB_DIR/../data"
COMPARE="$DATA/migrate-sets/compare-schema.py"
cd "$E2E_TMP" || exit 2

DRIZZLE_KIT_VERSION=0.31.11
DRIZZLE_ORM_VERSION=0.45.4
PG_DRIVER_VERSION=8.23.1
MYSQL2_VERSION=3.24.6
LIBSQL_VERSION=0.18.0
PRISMA_VERSION=6.19.3

case_ "the tools from npm"
if ! command -v npm >/dev/null 2>&1; then
    fail "npm is not installed (scripts/install-deps.sh --test installs it)"
    e2e_finish
fi
if ! npm_install_pinned "$PKG" "node@$NODE22_VERSION" "drizzle-kit@$DRIZZLE_KIT_VERSION" "drizzle-orm@$DRIZZLE_ORM_VERSION" \
    "pg@$PG_DRIVER_VERSION" "mysql2@$MYSQL2_VERSION" "@libsql/client@$LIBSQL_VERSION" "prisma@$PRISMA_VERSION" \
    "@prisma/adapter-libsql@$PRISMA_VERSION" 2>npm.err; then
    if ! timeout 60 npm ping >/dev/null 2>&1; then
        echo "migrate_real_tools: SKIP: the npm registry cannot be reached, so Prisma and Drizzle Kit are NOT run: $(head -3 npm.err | tr -s ' \n' ' ')"
        exit 77
    fi
    fail "npm could not install the tools into $PKG: $(head -6 npm.err | tr -s ' \n' ' ')"
    e2e_finish
fi
pass "installed in $PKG"
NODE="$PKG/node_modules/.bin/node"
# The tools' configurations import their packages: a project finds them beside it.
project() {  # $1 folder to make
    rm -rf "$1" && mkdir -p "$1" && ln -s "$PKG/node_modules" "$1/node_modules"
}
# drizzle-kit migrate in project $1 on database $2 (a URL, or a SQLite file), exiting 0.
drizzle_kit() {
    E2E_CMD_TIMEOUT=180 expect_exit 0 -- env -C "$1" DB="$2" "$NODE" node_modules/drizzle-kit/bin.cjs migrate --config drizzle.config.mjs
}
# A Drizzle project of dialect $2 in $1 from folder $3, its journal cut to the first $4 entries
# when given (drizzle-kit then runs those alone, as it did before the rest were generated).
drizzle_project() {
    project "$1"
    cp -r "$3" "$1/drizzle"
    printf "export default { dialect: '%s', out: './drizzle', dbCredentials: { url: %s } }\n" "$2" \
        "$([ "$2" = sqlite ] && echo "'file:' + process.env.DB" || echo "process.env.DB")" >"$1/drizzle.config.mjs"
    [ -z "${4:-}" ] && return 0
    python3 - "$1/drizzle/meta/_journal.json" "$4" <<'PY'
import json, sys
path, keep = sys.argv[1], int(sys.argv[2])
j = json.load(open(path))
j["entries"] = j["entries"][:keep]
json.dump(j, open(path, "w"), indent=2)
PY
}
journal_count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]+"/meta/_journal.json"))["entries"]))' "$1"; }
# prisma migrate deploy (or status) in project $1 on the SQLite file $2, exiting 0.
prisma() {
    local dir=$1 db=$2
    shift 2
    E2E_CMD_TIMEOUT=180 expect_exit 0 -- env -C "$dir" DB="$db" PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 \
        PRISMA_QUERY_ENGINE_LIBRARY="$E2E_TMP/no-native-engine" PRISMA_SCHEMA_ENGINE_BINARY=/bin/false \
        "$NODE" node_modules/prisma/build/index.js "$@"
}
: >"$E2E_TMP/no-native-engine"
# A Prisma project for SQLite in $1 from the migrations folder $2, its first $3 folders when given.
prisma_project() {
    project "$1"
    mkdir -p "$1/prisma/migrations"
    local f i=0
    for f in $(cd "$2" && ls -d */ | sort); do
        i=$((i + 1))
        [ -n "${3:-}" ] && [ $i -gt "$3" ] && break
        cp -r "$2/$f" "$1/prisma/migrations/"
    done
    printf 'provider = "sqlite"\n' >"$1/prisma/migrations/migration_lock.toml"
    printf 'datasource db {\n  provider = "sqlite"\n  url      = "file:./unused.db"\n}\n' >"$1/prisma/schema.prisma"
    cat >"$1/prisma.config.mjs" <<'JS'
import { defineConfig } from 'prisma/config'
import { PrismaLibSQL } from '@prisma/adapter-libsql'
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaLibSQL({ url: 'file:' + process.env.DB }),
  schema: 'prisma/schema.prisma',
})
JS
}
sqlite_same_schema() {  # $1 $2 database files, $3 what
    sqlite3 "$1" .schema >"$1.schema" && sqlite3 "$2" .schema >"$2.schema"
    assert_true "$3" python3 "$COMPARE" "$1.schema" "$2.schema" --engine sqlite -q \
        --ignore strata_migrations --ignore __drizzle_migrations --ignore _prisma_migrations
}

# ---------------------------------------------------------------------------------------------
K="$DATA/drizzle/drizzle_kit_migrate_test/drizzle"
case_ "Drizzle on SQLite (drizzle-kit's own test project): drizzle-kit from empty, strata from empty, one schema"
drizzle_project dk sqlite "$K"
drizzle_kit dk "$E2E_TMP/dk-a.db"
assert_eq 2 "$(sqlite3 dk-a.db 'SELECT count(*) FROM __drizzle_migrations')" "drizzle-kit recorded both"
expect_exit 0 -- strata_t migrate -d sqlite:dk-b.db --dir dk/drizzle up
sqlite_same_schema dk-a.db dk-b.db "drizzle-kit's schema is strata's"

case_ "Drizzle on SQLite: drizzle-kit ran the first, strata takes over, drizzle-kit finds nothing to do"
drizzle_project dk-half sqlite "$K" 1
drizzle_kit dk-half "$E2E_TMP/dk-c.db"
expect_exit 0 -- strata_t migrate -d sqlite:dk-c.db --dir dk/drizzle up
expect_stderr_match "imported 1 version\(s\) from Drizzle's __drizzle_migrations table"
expect_stderr_match 'applied 0001_nebulous_storm'
assert_eq 2 "$(sqlite3 dk-c.db 'SELECT count(*) FROM __drizzle_migrations')" "strata wrote drizzle's row for the one it ran"
drizzle_kit dk "$E2E_TMP/dk-c.db"
assert_eq "$(sqlite3 dk-a.db 'SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at')" \
    "$(sqlite3 dk-c.db 'SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at')" \
    "drizzle's table as drizzle-kit alone leaves it: a row per migration, none run twice"
sqlite_same_schema dk-a.db dk-c.db "the schema drizzle-kit alone gives"

case_ "Drizzle on SQLite: migrated by drizzle-kit alone, strata's check is clean"
expect_exit 0 -- strata_t migrate -d sqlite:dk-a.db --dir dk/drizzle check
expect_exit 0 -- strata_t migrate -d sqlite:dk-a.db --dir dk/drizzle status
expect_stdout_match '0001 +nebulous_storm +applied'

# drizzle-orm's migrator runs the journal's entries in the array's order, whatever their idx: a
# journal merged by hand lists 0002 (making a table) before 0001 (altering it).
case_ "Drizzle on SQLite: a journal listing 0002 before 0001, run in the journal's order as drizzle-kit runs it"
mkdir -p "$E2E_TMP/reordered/meta"
printf 'CREATE TABLE `a` (`id` integer PRIMARY KEY NOT NULL);\n' >"$E2E_TMP/reordered/0000_init.sql"
printf 'CREATE TABLE `t` (`x` integer);\n' >"$E2E_TMP/reordered/0002_make_t.sql"
printf 'ALTER TABLE `t` ADD `y` text;\n' >"$E2E_TMP/reordered/0001_alter_t.sql"
cat >"$E2E_TMP/reordered/meta/_journal.json" <<'JSON'
{"version": "7", "dialect": "sqlite", "entries": [
  {"idx": 0, "version": "6", "when": 1700000000000, "tag": "0000_init", "breakpoints": true},
  {"idx": 2, "version": "6", "when": 1700000001000, "tag": "0002_make_t", "breakpoints": true},
  {"idx": 1, "version": "6", "when": 1700000002000, "tag": "0001_alter_t", "breakpoints": true}]}
JSON
drizzle_project dro sqlite "$E2E_TMP/reordered"
drizzle_kit dro "$E2E_TMP/dro-a.db"
expect_exit 0 -- strata_t migrate -d sqlite:dro-b.db --dir dro/drizzle status
assert_eq "init make_t alter_t" "$(grep -oE '^ *000[0-9] +[a-z_]+' "$E2E_TMP/.out" | awk '{print $2}' | xargs)" "status lists the journal's order"
expect_exit 0 -- strata_t migrate -d sqlite:dro-b.db --dir dro/drizzle up
assert_eq "0000_init 0002_make_t 0001_alter_t" "$(grep -oE 'applied 000[0-9]_[a-z_]+' "$E2E_TMP/.err" | awk '{print $2}' | xargs)" "up runs the journal's order"
sqlite_same_schema dro-a.db dro-b.db "drizzle-kit's schema is strata's"
expect_exit 0 -- strata_t migrate -d sqlite:dro-a.db --dir dro/drizzle check
# drizzle-kit ran the first entry; strata takes over and writes drizzle's rows in its order.
drizzle_project dro-half sqlite "$E2E_TMP/reordered" 1
drizzle_kit dro-half "$E2E_TMP/dro-c.db"
expect_exit 0 -- strata_t migrate -d sqlite:dro-c.db --dir dro/drizzle up
assert_eq "$(sqlite3 dro-a.db 'SELECT hash, created_at FROM __drizzle_migrations ORDER BY id')" \
    "$(sqlite3 dro-c.db 'SELECT hash, created_at FROM __drizzle_migrations ORDER BY id')" \
    "drizzle's rows in the order drizzle-kit writes them"

# ---------------------------------------------------------------------------------------------
T="$DATA/prisma/trpc_next_prisma_starter/prisma/migrations"
TN=$(ls -d "$T"/*/ | wc -l)
case_ "Prisma on SQLite (trpc's starter): prisma migrate deploy from empty, strata from empty, one schema"
prisma_project pt "$T"
prisma pt "$E2E_TMP/pt-a.db" migrate deploy
assert_eq "$TN" "$(sqlite3 pt-a.db 'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL')" "Prisma recorded every one"
expect_exit 0 -- strata_t migrate -d sqlite:pt-b.db --dir pt/prisma/migrations up
sqlite_same_schema pt-a.db pt-b.db "Prisma's schema is strata's"

case_ "Prisma on SQLite: Prisma ran the first 2, strata takes over, Prisma finds everything applied"
prisma_project pt-half "$T" 2
prisma pt-half "$E2E_TMP/pt-c.db" migrate deploy
expect_exit 0 -- strata_t migrate -d sqlite:pt-c.db --dir pt/prisma/migrations up
expect_stderr_match "imported 2 version\(s\) from Prisma's _prisma_migrations table"
assert_eq "$TN" "$(sqlite3 pt-c.db 'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL')" "strata wrote Prisma's rows for the ones it ran"
prisma pt "$E2E_TMP/pt-c.db" migrate status
expect_stdout_match 'Database schema is up to date'
prisma pt "$E2E_TMP/pt-c.db" migrate deploy
expect_stdout_match 'No pending migrations to apply'
assert_eq "$(sqlite3 pt-a.db 'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name')" \
    "$(sqlite3 pt-c.db 'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name')" \
    "_prisma_migrations as Prisma alone leaves it"
sqlite_same_schema pt-a.db pt-c.db "the schema Prisma alone gives"

case_ "Prisma on SQLite: migrated by Prisma alone, strata's check is clean"
expect_exit 0 -- strata_t migrate -d sqlite:pt-a.db --dir pt/prisma/migrations check
expect_exit 0 -- strata_t migrate -d sqlite:pt-a.db --dir pt/prisma/migrations status
expect_stdout_match '20220918134120 +revert +applied'

# ---------------------------------------------------------------------------------------------
# pingvin-share: a SQLite project from its start (its own lock file says sqlite), 24 migrations
# with Prisma's table rebuilds (PRAGMA foreign_keys=OFF, new_<table>, INSERT ... SELECT) and rows
# of configuration the migrations insert and update. Its 8th migration and later ones write
# strings in double quotes (UPDATE config SET category = "internal"), which Prisma's native engine
# accepts and the libsql adapter's SQLite (built without double-quoted strings) refuses ("no such
# column: internal"): Prisma runs the first 7 here, strata the rest, and Prisma then reads strata's
# rows for them.
V="$DATA/prisma/pingvin_share/prisma/migrations"
VN=$(ls -d "$V"/*/ | wc -l)
VTOOL=7
version_at() { basename "$(ls -d "$V"/*/ | sed -n "${1}p")" | cut -d_ -f1; }
prisma_rows() { sqlite3 "$1" 'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name'; }
config_rows='SELECT name, category, value, "order", locked, secret FROM Config ORDER BY name, category'
case_ "Prisma on SQLite (pingvin-share): prisma migrate deploy and strata from empty, one schema"
prisma_project pv-tool "$V" "$VTOOL"
prisma pv-tool "$E2E_TMP/pv-a.db" migrate deploy
assert_eq "$VTOOL" "$(sqlite3 pv-a.db 'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL')" "Prisma recorded each"
expect_exit 0 -- strata_t migrate -d sqlite:pv-b.db --dir pv-tool/prisma/migrations up
expect_stderr_match "applied $(version_at "$VTOOL")_"
sqlite_same_schema pv-a.db pv-b.db "Prisma's schema is strata's"

case_ "Prisma on SQLite (pingvin-share): Prisma ran the first $VTOOL, strata takes over, Prisma finds nothing pending"
prisma_project pv "$V"
expect_exit 0 -- strata_t migrate -d sqlite:pv-a.db --dir pv/prisma/migrations status
expect_stdout_match "$(version_at "$VTOOL") .*applied"
expect_stdout_match "$(version_at $((VTOOL + 1))) .*pending"
expect_exit 0 -- strata_t migrate -d sqlite:pv-a.db --dir pv/prisma/migrations up
expect_stderr_match "imported $VTOOL version\\(s\\) from Prisma's _prisma_migrations table"
expect_stderr_match "applied $(version_at "$VN")_"
assert_eq "$VN" "$(sqlite3 pv-a.db 'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL')" "strata wrote Prisma's rows for the ones it ran"
prisma pv "$E2E_TMP/pv-a.db" migrate deploy
expect_stdout_match "$VN migrations found in prisma/migrations"
expect_stdout_match 'No pending migrations to apply'
prisma pv "$E2E_TMP/pv-a.db" migrate status
expect_stdout_match 'Database schema is up to date'
expect_exit 0 -- strata_t migrate -d sqlite:pv-a.db --dir pv/prisma/migrations check
expect_exit 0 -- strata_t migrate -d sqlite:pv-full.db --dir pv/prisma/migrations up
sqlite_same_schema pv-full.db pv-a.db "the schema strata alone gives from empty"
assert_eq "$(sqlite3 pv-full.db "$config_rows")" "$(sqlite3 pv-a.db "$config_rows")" "the configuration rows strata alone gives"
assert_eq "enabled|smtp|false|1|0|0" "$(sqlite3 pv-a.db "$config_rows")" "the row the migrations leave in Config"

# ---------------------------------------------------------------------------------------------
case_ "PostgreSQL server"
PG_URL=${STRATA_TEST_PG_URL:-}
if [ -z "$PG_URL" ]; then
    chmod 755 "$E2E_TMP"
    bash "$E2E_LIB_DIR/../servers/pg_server.sh" start "$E2E_TMP/pg" 2>"$E2E_TMP/server.err"
    rc=$?
    if [ $rc = 0 ]; then
        e2e_on_exit "bash '$E2E_LIB_DIR/../servers/pg_server.sh' stop '$E2E_TMP/pg'"
        PG_URL=$(cat "$E2E_TMP/pg/url")
    else
        skip "no STRATA_TEST_PG_URL and no PostgreSQL server could be started ($(cat "$E2E_TMP/server.err")): drizzle-kit on PostgreSQL is NOT run"
    fi
fi
if [ -n "$PG_URL" ]; then
    PG_BASE=${PG_URL%/*}
    pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 "${@:2}"; }
    fresh_db() { pq "$PG_URL" -c "DROP DATABASE IF EXISTS realtool_$1" -c "CREATE DATABASE realtool_$1" >/dev/null && echo "$PG_BASE/realtool_$1"; }
    pg_same_schema() {  # $1 $2 database URLs, $3 what
        pg_dump --schema-only -N drizzle -T strata_migrations "$1" >a.schema &&
            pg_dump --schema-only -N drizzle -T strata_migrations "$2" >b.schema
        assert_true "$3" python3 "$COMPARE" a.schema b.schema --engine postgres -q
    }
    Y="$DATA/drizzle/yancey_blog_next/drizzle"
    YN=$(journal_count "$Y")
    case_ "Drizzle on PostgreSQL (blog-next): drizzle-kit from empty, strata from empty, one schema"
    A=$(fresh_db a) B=$(fresh_db b) C=$(fresh_db c)
    drizzle_project yb postgresql "$Y"
    drizzle_kit yb "$A"
    assert_eq "$YN" "$(pq "$A" -c 'SELECT count(*) FROM drizzle.__drizzle_migrations')" "drizzle-kit recorded every one"
    expect_exit 0 -- strata_t migrate -d "$B" --dir yb/drizzle up
    pg_same_schema "$A" "$B" "drizzle-kit's schema is strata's"

    case_ "Drizzle on PostgreSQL: drizzle-kit ran 6, strata takes over, drizzle-kit finds nothing to do"
    drizzle_project yb-half postgresql "$Y" 6
    drizzle_kit yb-half "$C"
    expect_exit 0 -- strata_t migrate -d "$C" --dir yb/drizzle up
    expect_stderr_match "imported 6 version\(s\) from Drizzle's drizzle.__drizzle_migrations table"
    assert_eq "$YN" "$(pq "$C" -c 'SELECT count(*) FROM drizzle.__drizzle_migrations')" "strata wrote drizzle's rows for the ones it ran"
    drizzle_kit yb "$C"
    assert_eq "$(pq "$A" -c 'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at')" \
        "$(pq "$C" -c 'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at')" \
        "drizzle's table as drizzle-kit alone leaves it: a row per migration, none run twice"
    pg_same_schema "$A" "$C" "the schema drizzle-kit alone gives"

    case_ "Drizzle on PostgreSQL: migrated by drizzle-kit alone, strata's check is clean"
    expect_exit 0 -- strata_t migrate -d "$A" --dir yb/drizzle check
    expect_exit 0 -- strata_t migrate -d "$A" --dir yb/drizzle status
    expect_stdout_match '0011 +[a-z_]+ +applied'

    case_ "Drizzle on PostgreSQL: dump and diff --to leave drizzle's own schema out"
    expect_exit 0 -- strata_t migrate -d "$A" --dir yb/drizzle dump
    expect_stdout_nomatch 'drizzle'
    mkdir -p empty-dir
    expect_exit 0 -- strata_t migrate -d "$(fresh_db d)" --dir empty-dir diff from_drizzle --to "$A" --dry-run
    expect_stdout_nomatch 'drizzle'
    expect_stdout_match 'CREATE TABLE'
fi

# ---------------------------------------------------------------------------------------------
case_ "MariaDB server"
MYDIR="$E2E_TMP/my"
bash "$E2E_LIB_DIR/../servers/mariadb_server.sh" start "$MYDIR" 2>"$E2E_TMP/myserver.err"
rc=$?
if [ $rc = 0 ]; then
    e2e_on_exit "bash '$E2E_LIB_DIR/../servers/mariadb_server.sh' stop '$MYDIR'"
    MYPORT=$(cat "$MYDIR/port")
    MYPW=$(cat "$MYDIR/root_password")
    my() { mariadb --no-defaults -h127.0.0.1 -P"$MYPORT" -uroot -p"$MYPW" -N -B "$@"; }
    fresh_my() { my -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1" && echo "mysql://root:$MYPW@127.0.0.1:$MYPORT/$1"; }
    # The schema as mariadb-dump writes it, both tools' history tables left out.
    my_schema() {
        mariadb-dump --no-defaults -h127.0.0.1 -P"$MYPORT" -uroot -p"$MYPW" --no-data --skip-comments --skip-dump-date \
            --ignore-table="$1.strata_migrations" --ignore-table="$1.__drizzle_migrations" "$1" |
            sed -e 's/ AUTO_INCREMENT=[0-9]*//' -e "s/\`$1\`/DB/g"
    }
    drizzle_rows() { my "$1" -e 'SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at'; }
    K="$DATA/drizzle/kibastack_mysql/migrations"
    KN=$(journal_count "$K")

    case_ "Drizzle on MariaDB (kibastack): drizzle-kit from empty, strata from empty, one schema; no breakpoint marker sent"
    A=$(fresh_my dk_a) B=$(fresh_my dk_b) C=$(fresh_my dk_c) D=$(fresh_my dk_d)
    drizzle_project km mysql "$K"
    drizzle_kit km "$A"
    assert_eq "$KN" "$(my dk_a -e 'SELECT count(*) FROM __drizzle_migrations')" "drizzle-kit recorded every one"
    expect_exit 0 -- strata_t migrate -d "$B" --dir km/drizzle up
    expect_stderr_match "applied 0001_safe_wasp"
    assert_true "the schema has the last migration's column" grep -q 'unconfirmedEmail' <(my_schema dk_b)
    assert_eq "$(my_schema dk_a)" "$(my_schema dk_b)" "drizzle-kit's schema is strata's"
    expect_exit 0 -- strata_t migrate -d "$B" --dir km/drizzle up --dry-run
    expect_exit 0 -- strata_t migrate -d "$(fresh_my dk_dry)" --dir km/drizzle up --dry-run
    expect_stdout_nomatch 'statement-breakpoint'

    case_ "Drizzle on MariaDB: drizzle-kit ran the first, strata takes over, drizzle-kit finds nothing to do"
    drizzle_project km-half mysql "$K" 1
    drizzle_kit km-half "$C"
    expect_exit 0 -- strata_t migrate -d "$C" --dir km/drizzle up
    expect_stderr_match "imported 1 version\(s\) from Drizzle's __drizzle_migrations table"
    drizzle_kit km "$C"
    assert_eq "$(drizzle_rows dk_a)" "$(drizzle_rows dk_c)" "drizzle's table as drizzle-kit alone leaves it: a row per migration, none run twice"
    assert_eq "$(my_schema dk_a)" "$(my_schema dk_c)" "the schema drizzle-kit alone gives"

    # Drizzle's table as drizzle-orm's mysql-core migrate() creates it before it runs anything.
    case_ "Drizzle on MariaDB: strata ran the first (with drizzle's table there), drizzle-kit runs only the rest"
    my dk_d -e 'create table if not exists `__drizzle_migrations` (id serial primary key, hash text not null, created_at bigint)'
    expect_exit 0 -- strata_t migrate -d "$D" --dir km-half/drizzle up
    assert_eq 1 "$(my dk_d -e 'SELECT count(*) FROM __drizzle_migrations')" "strata wrote drizzle's row"
    drizzle_kit km "$D"
    assert_eq "$(drizzle_rows dk_a)" "$(drizzle_rows dk_d)" "drizzle's table as drizzle-kit alone leaves it"
    assert_eq "$(my_schema dk_a)" "$(my_schema dk_d)" "the schema drizzle-kit alone gives"

    case_ "Drizzle on MariaDB: migrated by drizzle-kit alone, strata's check is clean"
    expect_exit 0 -- strata_t migrate -d "$A" --dir km/drizzle check
    expect_stdout_nomatch 'missing-down'
    expect_exit 0 -- strata_t migrate -d "$A" --dir km/drizzle status
    expect_stdout_match '0001 +safe_wasp +applied'

    # A journal entry back-dated (its `when` older than the entries before it), as real projects
    # write one to keep a migration off the databases already running: drizzle-orm counts it
    # applied where the newest applied is later, and runs the entries after that newest one.
    case_ "Drizzle on MariaDB: a back-dated journal entry, applied as drizzle-kit applies it"
    back_dated() {  # $1 project: km-half's first entry, then 0001, then a back-dated 0002
        drizzle_project "$1" mysql "$K"
        printf 'ALTER TABLE `users` ADD `backDated` int;' >"$1/drizzle/0002_back_dated.sql"
        python3 - "$1/drizzle/meta/_journal.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["entries"].append({"idx": 2, "version": "5", "when": j["entries"][0]["when"] - 86400000, "tag": "0002_back_dated", "breakpoints": True})
json.dump(j, open(sys.argv[1], "w"), indent=2)
PY
    }
    back_dated kb
    F=$(fresh_my dk_f) G=$(fresh_my dk_g)
    drizzle_kit km-half "$F"
    drizzle_kit km-half "$G"
    drizzle_kit kb "$F"
    expect_exit 0 -- strata_t migrate -d "$G" --dir kb/drizzle status
    expect_stdout_match '0001 +safe_wasp +pending'
    expect_stdout_match '0002 +back_dated +applied'
    expect_exit 1 -- strata_t migrate -d "$G" --dir kb/drizzle check
    expect_stdout_match 'pending +info +0001 '
    expect_stdout_nomatch 'out-of-order'
    expect_exit 0 -- strata_t migrate -d "$G" --dir kb/drizzle up
    expect_stderr_match "applied 0001_safe_wasp"
    expect_stderr_nomatch "applied 0002"
    assert_eq "$(drizzle_rows dk_f)" "$(drizzle_rows dk_g)" "drizzle's rows as drizzle-kit leaves them"
    assert_eq "$(my_schema dk_f)" "$(my_schema dk_g)" "the schema drizzle-kit gives: the back-dated entry not run"
    assert_false "the back-dated column is not there" grep -q backDated <(my_schema dk_g)
else
    skip "no MariaDB server could be started ($(cat "$E2E_TMP/myserver.err")): drizzle-kit on MariaDB is NOT run"
fi

e2e_finish
