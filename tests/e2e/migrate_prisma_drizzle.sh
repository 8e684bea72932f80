#!/usr/bin/env bash
# Prisma Migrate's and Drizzle Kit's projects, taken as they are (tests/data/prisma, tests/data/drizzle,
# real projects pinned with their SOURCES): each brought up from empty, taken over half-way from the
# history table the tool itself writes (its rows written as the tool writes them: Prisma's checksum
# and drizzle-orm's hash are the sha256 of the file's bytes, drizzle's created_at the journal's
# `when`), and `check` clean once fully migrated. The real CLIs run in migrate_real_tools.sh (Prisma
# there on SQLite only); here the rows follow their source (prisma-engines' checksum.rs, drizzle-orm's
# migrator.ts and its dialects' migrate()).
# SQLite always; PostgreSQL on STRATA_TEST_PG_URL's server, else one started here
# (tests/servers/pg_server.sh), skipped loudly when neither can be had.
# Usage: bash tests/e2e/migrate_prisma_drizzle.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_prisma_drizzle "$@"
DATA="$E2E_LIB_DIR/../data"
cd "$E2E_TMP" || exit 2

# The journal's `when` of entry $2 in the Drizzle folder $1.
journal_when() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/meta/_journal.json"))["entries"][int(sys.argv[2])]["when"])' "$1" "$2"; }
journal_tag() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/meta/_journal.json"))["entries"][int(sys.argv[2])]["tag"])' "$1" "$2"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
S() { strata_t migrate -d "$DB" "$@"; }

# drizzle-orm's sqlite-core dialect migrate(): its table, and a row per migration it ran.
drizzle_sqlite_history() {  # $1 db file, $2 folder, $3 how many entries drizzle ran
    sqlite3 "$1" 'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)'
    local i
    for ((i = 0; i < $3; i++)); do
        sqlite3 "$1" "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES ('$(sha "$2/$(journal_tag "$2" $i).sql")', '$(journal_when "$2" $i)')"
    done
}

# ---------------------------------------------------------------------------------------------
case_ "Drizzle on SQLite (drizzle-kit's own test project): the journal's order, from empty, check clean"
rm -rf dk && mkdir dk && cp -r "$DATA/drizzle/drizzle_kit_migrate_test/drizzle" dk/ && cd dk || exit 2
DB=sqlite:app.db
expect_exit 0 -- strata_t migrate -d "$DB" status
expect_stdout_match '0000 +little_blizzard +pending'
expect_stdout_match '0001 +nebulous_storm +pending'
expect_exit 0 -- S up
assert_true "users rebuilt with name integer" sqlite3 app.db "SELECT 1 FROM pragma_table_info('users') WHERE name = 'name' AND type = 'integer'"
expect_exit 0 -- S check
expect_stdout_nomatch 'missing-down'
printf 'SELECT 1;\n' >drizzle/0002_stray.sql
expect_exit 0 -- S check
expect_stdout_match 'not-a-migration .*0002_stray\.sql +not listed in meta/_journal\.json: ignored, as drizzle-orm ignores it'
expect_stdout_nomatch 'rename it'
rm drizzle/0002_stray.sql

case_ "Drizzle on SQLite: taken over half-way from __drizzle_migrations"
DB=sqlite:half.db
sqlite3 half.db <drizzle/0000_little_blizzard.sql
drizzle_sqlite_history half.db drizzle 1
expect_exit 0 -- S status
expect_stdout_match '0000 +little_blizzard +applied'
expect_stdout_match '0001 +nebulous_storm +pending'
expect_exit 0 -- S up
expect_stderr_match "imported 1 version\(s\) from Drizzle's __drizzle_migrations table"
expect_exit 0 -- S check
assert_eq 2 "$(sqlite3 half.db 'SELECT count(*) FROM strata_migrations')" "both in strata's history"
expect_exit 0 -- S dump -o schema.sql
assert_false "the dump leaves drizzle's table out" grep -q __drizzle_migrations schema.sql

case_ "Drizzle on SQLite: a file changed since drizzle ran it is reported"
DB=sqlite:changed.db
sqlite3 changed.db <drizzle/0000_little_blizzard.sql
drizzle_sqlite_history changed.db drizzle 1
sqlite3 changed.db "UPDATE __drizzle_migrations SET hash = 'feed'"
expect_exit 4 -- S check
expect_output_match 'checksum|changed'

case_ "Drizzle: migrate new writes NNNN_name.sql and a journal entry"
expect_exit 0 -- strata_t migrate new add_posts_table
assert_exists drizzle/0002_add_posts_table.sql
assert_true "journal entry" grep -q '"tag": "0002_add_posts_table"' drizzle/meta/_journal.json
DB=sqlite:app.db
expect_exit 0 -- S status
expect_stdout_match '0002 +add_posts_table +pending'
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------------------------
# Prisma's SQLite _prisma_migrations, as prisma-engines' sqlite flavour creates it.
prisma_sqlite_history() {  # $1 db
    sqlite3 "$1" 'CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)'
}
prisma_row() {  # $1 db, $2 id, $3 folder, $4 migrations dir, $5 finished (1/0)
    local fin=NULL
    [ "$5" = 1 ] && fin=current_timestamp
    sqlite3 "$1" "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('$2', '$(sha "$4/$3/migration.sql")', $fin, '$3', $5)"
}

case_ "Prisma: a PostgreSQL project is refused on SQLite, the provider named"
rm -rf pt && mkdir -p pt/prisma && cp -r "$DATA/prisma/trpc_next_prisma_starter/prisma/migrations" pt/prisma/ && cd pt || exit 2
DB=sqlite:app.db
expect_exit 3 -- S up
expect_stderr_match "for postgresql \(migration_lock.toml's provider\), and this database is sqlite"
assert_absent app.db

case_ "Prisma on SQLite (trpc's starter, its lock file saying sqlite): from empty, then half-way, failed, rolled back"
printf 'provider = "sqlite"\n' >prisma/migrations/migration_lock.toml
M=prisma/migrations
expect_exit 0 -- S status
expect_stdout_match '20211019164222 +init +pending'
expect_exit 0 -- S up
expect_exit 0 -- S check
DB=sqlite:half.db
sqlite3 half.db <$M/20211019164222_init/migration.sql
sqlite3 half.db <$M/20220307124425_non_unique_timestamps/migration.sql
prisma_sqlite_history half.db
prisma_row half.db a1 20211019164222_init $M 1
prisma_row half.db a2 20220307124425_non_unique_timestamps $M 1
prisma_row half.db a3 20220918091608_pagination $M 0
expect_exit 6 -- S up
expect_error_line 'Prisma recorded migration 20220918091608_pagination as failed'
expect_stderr_match '^strata:         prisma migrate resolve --rolled-back 20220918091608_pagination$'
expect_exit 0 -- S status
expect_stdout_match '20220918091608 +pagination +partial \(dirty\)'
sqlite3 half.db "UPDATE _prisma_migrations SET rolled_back_at = current_timestamp WHERE id = 'a3'"
expect_exit 0 -- S up
expect_stderr_match "imported 2 version\(s\) from Prisma's _prisma_migrations table"
expect_exit 0 -- S check
expect_exit 0 -- S dump -o schema.sql
assert_false "the dump leaves Prisma's table out" grep -q _prisma_migrations schema.sql

case_ "Prisma: migrate new writes a folder with migration.sql"
expect_exit 0 -- strata_t migrate new add_tags_table
assert_true "one new folder" sh -c 'ls -d prisma/migrations/*_add_tags_table/migration.sql'
cd "$E2E_TMP" || exit 2

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
        skip "no STRATA_TEST_PG_URL and no PostgreSQL server could be started ($(cat "$E2E_TMP/server.err")): the PostgreSQL projects are NOT tested"
    fi
fi
if [ -n "$PG_URL" ]; then
    PG_BASE=${PG_URL%/*}
    pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 "${@:2}"; }
    n=0
    fresh_db() { n=$((n + 1)); pq "$PG_URL" -c "DROP DATABASE IF EXISTS tooltake_$n" -c "CREATE DATABASE tooltake_$n" >/dev/null && echo "$PG_BASE/tooltake_$n"; }
    # Prisma's PostgreSQL _prisma_migrations, as prisma-engines' postgres flavour creates it.
    prisma_pg_history() {
        pq "$1" -c 'CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)'
    }
    # prisma migrate deploy up to folder number $3 (1-based) of $2, on database $1.
    prisma_pg_half() {
        prisma_pg_history "$1"
        local i=0 f
        for f in $(cd "$2" && ls -d */ | sort); do
            f=${f%/}
            i=$((i + 1))
            [ $i -gt "$3" ] && break
            pq "$1" -f "$2/$f/migration.sql" >/dev/null
            pq "$1" -c "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (gen_random_uuid()::text, '$(sha "$2/$f/migration.sql")', now(), '$f', 1)"
        done
    }
    for project in umami:10 trpc_next_prisma_starter:2; do
        name=${project%%:*} half=${project#*:}
        M="$DATA/prisma/$name/prisma/migrations"
        case_ "Prisma on PostgreSQL ($name): from empty, check clean"
        DB=$(fresh_db)
        expect_exit 0 -- strata_t migrate -d "$DB" --dir "$DATA/prisma/$name" up
        expect_exit 0 -- strata_t migrate -d "$DB" --dir "$DATA/prisma/$name" check
        case_ "Prisma on PostgreSQL ($name): taken over after $half migrations, check clean"
        DB=$(fresh_db)
        prisma_pg_half "$DB" "$M" "$half"
        expect_exit 0 -- strata_t migrate -d "$DB" --dir "$M" up
        expect_stderr_match "imported $half version\(s\) from Prisma's _prisma_migrations table"
        expect_exit 0 -- strata_t migrate -d "$DB" --dir "$M" check
        assert_eq "$(ls -d "$M"/*/ | wc -l)" "$(pq "$DB" -c 'SELECT count(*) FROM strata_migrations')" "every migration in strata's history"
    done

    Y="$DATA/drizzle/yancey_blog_next/drizzle"
    case_ "Drizzle on PostgreSQL (blog-next): from empty, check clean"
    DB=$(fresh_db)
    expect_exit 0 -- strata_t migrate -d "$DB" --dir "$Y" up
    expect_exit 0 -- strata_t migrate -d "$DB" --dir "$Y" check
    case_ "Drizzle on PostgreSQL (blog-next): taken over half-way from drizzle.__drizzle_migrations"
    DB=$(fresh_db)
    # drizzle-orm's pg-core dialect migrate(): the schema, the table, a row per migration run.
    pq "$DB" -c 'CREATE SCHEMA IF NOT EXISTS "drizzle"' \
        -c 'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)'
    for i in 0 1 2 3 4 5; do
        tag=$(journal_tag "$Y" $i)
        pq "$DB" -f "$Y/$tag.sql" >/dev/null
        pq "$DB" -c "INSERT INTO \"drizzle\".\"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES ('$(sha "$Y/$tag.sql")', '$(journal_when "$Y" $i)')"
    done
    expect_exit 0 -- strata_t migrate -d "$DB" --dir "$Y" status
    expect_stdout_match '0005 +open_lightspeed +applied'
    expect_stdout_match '0006 +yellow_ultragirl +pending'
    expect_exit 0 -- strata_t migrate -d "$DB" --dir "$Y" up
    expect_stderr_match "imported 6 version\(s\) from Drizzle's drizzle.__drizzle_migrations table"
    expect_exit 0 -- strata_t migrate -d "$DB" --dir "$Y" check
    assert_eq 12 "$(pq "$DB" -c 'SELECT count(*) FROM strata_migrations')" "every migration in strata's history"
fi

e2e_finish
