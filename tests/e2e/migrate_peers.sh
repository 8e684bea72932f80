#!/usr/bin/env bash
# Flyway's and Alembic's projects, taken as they are.
#   Flyway: V<version>__<name>.sql with U…__ as its down, versions 1 < 1.1 < 2 (V1_1 is 1.1), the
#   versions as the files spell them on the command line, and flyway_schema_history taken over
#   (created with Flyway's own DDL, flyway-core's createMetaDataTable.sql for SQLite and
#   PostgreSQL): SQL, BASELINE and UNDO_SQL rows, a failed row refused with its DELETE on a line
#   of its own, run as printed. SOURCE of the files: Flyway's "first steps" tutorial
#   (documentation.red-gate.com/fd/quickstart: V1__Create_person_table.sql, V2__Add_people.sql).
#   Alembic (Debian's alembic 1.8): the tutorial's revisions (alembic.sqlalchemy.org/en/latest/
#   tutorial.html: 1975ea83b712 "create account table", ae1027a6acf "Add a column") in a project
#   `alembic init` made; `alembic upgrade head` on SQLite, then `strata migrate import` of the
#   offline output and the database taken over; on PostgreSQL the offline script (BEGIN/COMMIT)
#   run by psql, as a team's CI would have, then imported and taken over.
# Usage: bash tests/e2e/migrate_peers.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init migrate_peers "$@"
cd "$E2E_TMP" || exit 2

flyway_sqlite_history() {  # $1: database file. Flyway's DDL for SQLite, as flyway-core has it.
    sqlite3 "$1" 'CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('"'"'%Y-%m-%d %H:%M:%f'"'"','"'"'now'"'"')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");'
}
flyway_row() {  # $1 db, $2 rank, $3 version, $4 type, $5 script, $6 success
    sqlite3 "$1" "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($2, '$3', 'x', '$4', '$5', 0, 'sa', 3, $6)"
}

flyway_project() {
    rm -rf "$E2E_TMP/fw" && mkdir -p "$E2E_TMP/fw/migrations" && cd "$E2E_TMP/fw" || exit 2
    printf 'create table PERSON (\n    ID int not null,\n    NAME varchar(100) not null\n);\n' \
        >migrations/V1__Create_person_table.sql
    printf "insert into PERSON (ID, NAME) values (1, 'Axel');\ninsert into PERSON (ID, NAME) values (2, 'Mr. Foo');\ninsert into PERSON (ID, NAME) values (3, 'Ms. Bar');\n" \
        >migrations/V2__Add_people.sql
    printf 'delete from PERSON;\n' >migrations/U2__Add_people.sql
    printf 'create table NICKNAME (ID int not null);\n' >migrations/V1_1__Add_nicknames.sql
    printf 'drop table NICKNAME;\n' >migrations/U1_1__Add_nicknames.sql
    printf 'create table TEN (ID int);\n' >migrations/V1.10__ten.sql
}
S() { strata_t migrate -d sqlite:app.db "$@"; }
# flyway_database SQL: the project, and app.db as Flyway left it: its history table and SQL's tables.
flyway_database() {
    flyway_project
    flyway_sqlite_history app.db
    sqlite3 app.db "$1"
}

case_ "Flyway files: V/U pairs in Flyway's order, versions as the files spell them"
flyway_project
expect_exit 0 -- S status --json
expect_json_true "1 < 1.1 < 1.10 < 2, every one pending" \
    '[(m["version"], m["name"], m["state"]) for m in d["migrations"]] == [("1", "Create_person_table", "pending"), ("1.1", "Add_nicknames", "pending"), ("1.10", "ten", "pending"), ("2", "Add_people", "pending")]'
expect_exit 0 -- S up --to V1.1
expect_stderr_match "applied 1.1_Add_nicknames"
expect_stderr_nomatch "1.10_ten"
expect_exit 0 -- S up
assert_eq 3 "$(db_q app.db 'SELECT count(*) FROM PERSON')" "V2 ran"
expect_exit 0 -- S down
expect_stderr_match "reverted 2_Add_people"
assert_eq 0 "$(db_q app.db 'SELECT count(*) FROM PERSON')" "U2 ran"
expect_exit 3 -- S down
expect_error_line 'V1.10__ten.sql: has no undo file, so it cannot be rolled back'
expect_stderr_match 'hint: add ./migrations/U1.10__ten.sql'
expect_exit 1 -- S check --json
expect_json_true "check names Flyway's undo file" \
    '[(f["version"], f["message"]) for f in d["findings"] if f["code"] == "missing-down"] == [("1", "no U1__Create_person_table.sql file: it cannot be rolled back"), ("1.10", "no U1.10__ten.sql file: it cannot be rolled back")]'
expect_exit 2 -- S stamp 1.x
expect_stderr_match "'1.x' is not a migration version"

case_ "a Flyway version strata cannot order is a bad-name, never skipped silently"
flyway_project
printf 'select 1;\n' >migrations/V2024.01.01.1200__four_parts.sql
expect_exit 3 -- S check --json
expect_json_true "bad-name names the file" \
    '[f["file"] for f in d["findings"] if f["code"] == "bad-name"] == ["./migrations/V2024.01.01.1200__four_parts.sql"]'
expect_exit 3 -- S up
expect_error_line "V2024.01.01.1200__four_parts.sql: a Flyway version strata cannot order"

case_ "flyway_schema_history taken over: SQL rows applied, an UNDO_SQL row takes its version back"
flyway_database "create table PERSON (ID int not null, NAME varchar(100) not null); create table TEN (ID int);"
flyway_row app.db 1 1 SQL V1__Create_person_table.sql 1
flyway_row app.db 2 1.1 SQL V1_1__Add_nicknames.sql 1
flyway_row app.db 3 1.10 SQL V1.10__ten.sql 1
flyway_row app.db 4 1.1 UNDO_SQL U1_1__Add_nicknames.sql 1
expect_exit 0 -- S status --json
expect_json_true "1 and 1.10 applied; 1.1 undone, pending; 2 pending" \
    '[(m["version"], m["state"]) for m in d["migrations"]] == [("1", "applied"), ("1.1", "pending"), ("1.10", "applied"), ("2", "pending")]'
expect_exit 4 -- S check --drift --json
expect_json_true "no drift (flyway_schema_history is history, not schema); 1.1 is out of order, named as spelt" \
    'not [f for f in d["findings"] if f["code"] == "drift" and f["severity"] != "info"] and [f["message"] for f in d["findings"] if f["code"] == "out-of-order"] == ["pending but older than the newest applied version 1.10"]'
expect_exit 0 -- S up --allow-out-of-order
expect_stderr_match "imported 2 version\(s\) from Flyway's flyway_schema_history table"
expect_stderr_match "applied 1.1_Add_nicknames"
expect_stderr_match "applied 2_Add_people"
expect_exit 0 -- S dump
expect_stdout_nomatch "flyway_schema_history"

case_ "a BASELINE row stands for every version up to its own"
flyway_database "create table PERSON (ID int not null, NAME varchar(100) not null); create table NICKNAME (ID int not null); create table TEN (ID int);"
flyway_row app.db 1 1.10 BASELINE '<< Flyway Baseline >>' 1
expect_exit 0 -- S up
expect_stderr_match "imported 3 version\(s\)"
expect_stderr_match "applied 2_Add_people"
assert_eq 3 "$(db_q app.db 'SELECT count(*) FROM PERSON')" "only V2 ran"

case_ "a failed Flyway row is refused with its DELETE on a line of its own; run as printed, up goes on"
flyway_database "create table PERSON (ID int not null, NAME varchar(100) not null);"
flyway_row app.db 1 1 SQL V1__Create_person_table.sql 1
flyway_row app.db 2 1.1 SQL V1_1__Add_nicknames.sql 0
FP=$(db_fingerprint app.db)
expect_exit 0 -- S status
expect_stdout_match "1.1 +Add_nicknames +partial"
expect_exit 6 -- S up
expect_error_line "app.db: Flyway recorded version 1\.1 as failed: it stopped half-way \(\./migrations/V1_1__Add_nicknames\.sql\)"
expect_stderr_match "^strata:         DELETE FROM flyway_schema_history WHERE version = '1.1' AND NOT success;$"
assert_eq "$FP" "$(db_fingerprint app.db)" "nothing written while a row is failed"
FIX=$(grep -o "DELETE FROM flyway_schema_history .*;" "$E2E_TMP/.err" | head -1)
expect_exit 6 -- S check
expect_stdout_match "^to resolve partial 1.1:$"
sqlite3 app.db "$FIX"
expect_exit 0 -- S up
expect_stderr_match "applied 1.1_Add_nicknames"

# Flyway's history under another name, as Spring Boot projects set it (eclipse-hawkbit's
# hawkbit-jpa-flyway-defaults.properties: spring.flyway.table=schema_version, Flyway's own default
# before 5.0), the migrations in src/main/resources/db/migration as Spring Boot keeps them.
spring_project() {  # $1: the configuration file under src/main/resources, $2: its text
    rm -rf "$E2E_TMP/sp" && mkdir -p "$E2E_TMP/sp/src/main/resources/db/migration" && cd "$E2E_TMP/sp" || exit 2
    touch strata.toml
    printf 'create table PERSON (\n    ID int not null\n);\n' >src/main/resources/db/migration/V1__Create_person_table.sql
    printf 'create table NICKNAME (ID int not null);\n' >src/main/resources/db/migration/V2__Add_nicknames.sql
    [ -n "$1" ] && printf '%s\n' "$2" >"src/main/resources/$1"
    flyway_sqlite_history app.db
    sqlite3 app.db 'ALTER TABLE flyway_schema_history RENAME TO schema_version; create table PERSON (ID int not null);'
    sqlite3 app.db "INSERT INTO schema_version (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (1, '1', 'x', 'SQL', 'V1__Create_person_table.sql', 0, 'sa', 3, 1)"
}
SP() { strata_t migrate -d sqlite:app.db --dir src/main/resources/db/migration "$@"; }

case_ "Flyway's history under another name: refused with the option that names it, nothing written"
spring_project "" ""
FP=$(db_fingerprint app.db)
expect_exit 4 -- SP status
expect_error_line "app.db: table schema_version holds Flyway's history \(installed_rank, script, success, \.\.\.\), and strata was told to read it from flyway_schema_history, which is not there"
expect_stderr_match "hint: name the table: --history-table schema_version"
expect_exit 4 -- SP up
expect_exit 4 -- SP check --drift
assert_eq "$FP" "$(db_fingerprint app.db)" "nothing written"

case_ "--history-table names Flyway's table: taken over, check --drift clean, the dump leaves it out"
expect_exit 0 -- SP --history-table schema_version status --json
expect_json_true "V1 applied (Flyway's), V2 pending" '[m["state"] for m in d["migrations"]] == ["applied", "pending"]'
expect_exit 0 -- SP --history-table schema_version up
expect_stderr_match "imported 1 version\(s\) from Flyway's schema_version table"
expect_stderr_match "applied 2_Add_nicknames"
expect_exit 0 -- SP --history-table schema_version check --drift
expect_exit 0 -- SP --history-table schema_version dump
expect_stdout_nomatch "schema_version"
expect_exit 2 -- SP --history-table "x; DROP TABLE PERSON" status
expect_error_line "--history-table 'x; DROP TABLE PERSON' is not a table name"

case_ "spring.flyway.table in the project's own files (a .properties named for Flyway, application.yml) is read"
spring_project hawkbit-jpa-flyway-defaults.properties $'# Flyway DDL\nspring.flyway.enabled=true\nspring.flyway.table=schema_version'
expect_exit 0 -- SP status --json
expect_json_true "V1 applied (Flyway's), V2 pending" '[m["state"] for m in d["migrations"]] == ["applied", "pending"]'
expect_exit 0 -- SP up
expect_stderr_match "imported 1 version\(s\) from Flyway's schema_version table"
expect_exit 0 -- SP check --drift
spring_project application.yml $'spring:\n  datasource:\n    url: jdbc:h2:mem:x\n  flyway:\n    enabled: true\n    table: "schema_version"  # as hawkbit'
expect_exit 0 -- SP up
expect_stderr_match "imported 1 version\(s\) from Flyway's schema_version table"
spring_project application.properties 'spring.flyway.table=${FLYWAY_TABLE:schema_version}'
expect_exit 0 -- SP status --json
expect_json_true "Spring's \${NAME:default} gives its default" '[m["state"] for m in d["migrations"]] == ["applied", "pending"]'
spring_project application.properties 'spring.flyway.table=schema_version; DROP TABLE PERSON'
expect_exit 3 -- SP status
expect_error_line "src/main/resources/application.properties:1: Flyway's table 'schema_version; DROP TABLE PERSON' is not a table name strata reads"
assert_eq 1 "$(db_q app.db "SELECT count(*) FROM sqlite_master WHERE name = 'PERSON'")" "nothing ran"

# --------------------------------------------------------------------------------------------
alembic_project() {  # $1: sqlalchemy.url
    rm -rf "$E2E_TMP/al" && mkdir -p "$E2E_TMP/al" && cd "$E2E_TMP/al" || exit 2
    alembic init alembic >/dev/null 2>&1 || fail "alembic init"
    sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = $1|" alembic.ini
    cat >alembic/versions/1975ea83b712_create_account_table.py <<'EOF'
"""create account table

Revision ID: 1975ea83b712
Revises:
Create Date: 2011-11-08 11:40:27.089406

"""
from alembic import op
import sqlalchemy as sa

revision = '1975ea83b712'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(50), nullable=False),
        sa.Column('description', sa.Unicode(200)),
    )


def downgrade():
    op.drop_table('account')
EOF
    cat >alembic/versions/ae1027a6acf_add_a_column.py <<'EOF'
"""Add a column

Revision ID: ae1027a6acf
Revises: 1975ea83b712
Create Date: 2011-11-08 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'ae1027a6acf'
down_revision = '1975ea83b712'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('account', sa.Column('last_transaction_date', sa.DateTime))


def downgrade():
    op.drop_column('account', 'last_transaction_date')
EOF
}
ALEMBIC=/usr/bin/alembic

case_ "Alembic on SQLite: import the offline SQL, take over a database alembic upgraded"
alembic_project "sqlite:///alembic.db"
"$ALEMBIC" upgrade head >/dev/null 2>&1 || fail "alembic upgrade head"
"$ALEMBIC" upgrade base:head --sql >up.sql 2>/dev/null || fail "alembic upgrade --sql"
"$ALEMBIC" downgrade head:base --sql >down.sql 2>/dev/null || fail "alembic downgrade --sql"
expect_exit 0 -- strata_t migrate --dir migrations import up.sql --down down.sql
expect_stdout_match "^migrations/0001_1975ea83b712.sql$"
expect_stdout_match "^migrations/0002_ae1027a6acf.sql$"
assert_true "no alembic_version statement in the files" bash -c '! grep -qi alembic_version migrations/*.sql'
assert_true "the down of the column is in its file" grep -q "DROP COLUMN last_transaction_date" migrations/0002_ae1027a6acf.sql
expect_exit 0 -- strata_t migrate -d sqlite:alembic.db status --json
expect_json_true "both revisions applied, from alembic_version" \
    '[(m["name"], m["state"]) for m in d["migrations"]] == [("1975ea83b712", "applied"), ("ae1027a6acf", "applied")]'
expect_exit 0 -- strata_t migrate -d sqlite:alembic.db check --drift
expect_exit 0 -- strata_t migrate -d sqlite:alembic.db down
expect_stderr_match "imported 2 version\(s\) from Alembic's alembic_version table"
expect_stderr_match "reverted 0002_ae1027a6acf"
assert_eq "id name description" "$(db_q alembic.db "SELECT group_concat(name, ' ') FROM pragma_table_info('account')")" "the column went"
# A fresh database from the imported files has what alembic made.
expect_exit 0 -- strata_t migrate -d sqlite:fresh.db up
assert_eq "id name description last_transaction_date" "$(db_q fresh.db "SELECT group_concat(name, ' ') FROM pragma_table_info('account')")" "the imported files build alembic's table"
expect_exit 2 -- strata_t migrate --dir migrations import up.sql
expect_error_line "migrations: already holds migrations"

case_ "Alembic import: refusals"
alembic_project "sqlite:///alembic.db"
printf 'CREATE TABLE x (id int);\n' >plain.sql
expect_exit 3 -- strata_t migrate --dir m2 import plain.sql
expect_error_line "plain.sql:1: SQL before the first \`-- Running upgrade A -> B\` line"
printf -- '-- Running upgrade  -> 1975ea83b712\n\nCREATE TABLE a (id int);\n' >up.sql
printf -- '-- Running downgrade fffffff -> \n\nDROP TABLE a;\n' >down.sql
expect_exit 3 -- strata_t migrate --dir m2 import up.sql --down down.sql
expect_error_line "down.sql: downgrade of revision fffffff, which the upgrade output does not have"
assert_true "nothing written" [ ! -e m2 ]
sqlite3 at_unknown.db "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('abcdef123456');"
expect_exit 0 -- strata_t migrate --dir m3 import up.sql
expect_exit 4 -- strata_t migrate -d sqlite:at_unknown.db --dir m3 status
expect_error_line "alembic_version is at revision 'abcdef123456', and no migration file is named after it"

case_ "a real goose set (kalbasit/ncps, tests/data/goose/SOURCE) on SQLite: up, drift, and the forward-only project's broken downs"
GOOSE="$E2E_LIB_DIR/../data/goose"
cd "$E2E_TMP" || exit 2
expect_exit 0 -- strata_t migrate -d sqlite:ncps_goose.db --dir "$GOOSE/ncps_sqlite" up
assert_eq 21 "$(grep -c '^applied ' "$E2E_TMP/.err")" "the 21 migrations applied, in order"
expect_exit 0 -- strata_t migrate -d sqlite:ncps_goose.db --dir "$GOOSE/ncps_sqlite" check --drift
expect_exit 5 -- strata_t migrate -d sqlite:ncps_goose_rt.db --dir "$GOOSE/ncps_sqlite" check --roundtrip --json
expect_json_true "check --roundtrip: exactly the three downs that drop a table their up renamed away" \
    'sorted(f["file"].rsplit("/", 1)[-1][:14] for f in d["findings"] if f["code"] == "roundtrip" and f["severity"] == "error") == ["20260521021523", "20260525175108", "20260605211804"]'

case_ "Alembic on PostgreSQL: the offline script (BEGIN/COMMIT) as a team ran it, imported and taken over"
PGDIR="$E2E_TMP/pg"
chmod 755 "$E2E_TMP"
start_db_server pg_server.sh "$PGDIR"
SERVER_URL=$(cat "$PGDIR/url")
BASE=${SERVER_URL%/postgres}
psql "$SERVER_URL" -X -q -c "CREATE DATABASE alem" >/dev/null
alembic_project "postgresql://localhost/alem"
"$ALEMBIC" upgrade base:head --sql >up.sql 2>/dev/null || fail "alembic upgrade --sql (postgresql)"
"$ALEMBIC" downgrade head:base --sql >down.sql 2>/dev/null || fail "alembic downgrade --sql (postgresql)"
assert_true "alembic's own script has its BEGIN" grep -qx "BEGIN;" up.sql
psql "$BASE/alem" -X -q -v ON_ERROR_STOP=1 -f up.sql >/dev/null || fail "psql -f up.sql"
expect_exit 0 -- strata_t migrate --dir migrations import up.sql --down down.sql
assert_true "no BEGIN/COMMIT in the files" bash -c '! grep -qxE "BEGIN;|COMMIT;" migrations/*.sql'
expect_exit 0 -- strata_t migrate -d "$BASE/alem" status --json
expect_json_true "both applied" '[m["state"] for m in d["migrations"]] == ["applied", "applied"]'
expect_exit 0 -- strata_t migrate -d "$BASE/alem" check --drift
expect_exit 0 -- strata_t migrate -d "$BASE/alem" dump
expect_stdout_nomatch "alembic_version"
expect_exit 0 -- strata_t migrate -d "$BASE/alem" down --all
assert_eq "" "$(psql "$BASE/alem" -X -A -t -c "SELECT to_regclass('public.account')")" "the imported downs ran"

case_ "a real Flyway set on PostgreSQL (Netflix conductor's, tests/data/flyway/SOURCE): up, down through no undo, and Flyway's history taken over half-way"
FLY="$E2E_LIB_DIR/../data/flyway/conductor_postgres"
psql "$SERVER_URL" -X -q -c "CREATE DATABASE conductor_fresh" -c "CREATE DATABASE conductor_flyway" >/dev/null
cd "$E2E_TMP" || exit 2
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_fresh" --dir "$FLY" up
assert_eq 7 "$(grep -c '^applied ' "$E2E_TMP/.err")" "V1..V7 applied, in order"
expect_stderr_match "applied 7_new_qm_index_desc_priority"
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_fresh" --dir "$FLY" check --drift
# As Flyway left a database at V4: its own DDL for the history table, V1..V4 run by psql, a row each.
psql "$BASE/conductor_flyway" -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");' >/dev/null || fail "flyway's table"
rank=0
for f in "$FLY"/V[1-4]__*.sql; do
    rank=$((rank + 1))
    psql "$BASE/conductor_flyway" -X -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null || fail "psql -f $f"
    psql "$BASE/conductor_flyway" -X -q -c "INSERT INTO flyway_schema_history VALUES ($rank, '$rank', 'x', 'SQL', '$(basename "$f")', 0, 'conductor', now(), 5, true)" >/dev/null
done
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_flyway" --dir "$FLY" status --json
expect_json_true "V1..V4 applied (Flyway's), V5..V7 pending" \
    '[m["state"] for m in d["migrations"]] == ["applied"] * 4 + ["pending"] * 3'
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_flyway" --dir "$FLY" up
expect_stderr_match "imported 4 version\(s\) from Flyway's flyway_schema_history table"
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_flyway" --dir "$FLY" check --drift
expect_exit 0 -- strata_t migrate -d "$BASE/conductor_flyway" --dir "$FLY" dump
expect_stdout_nomatch "flyway_schema_history"
expect_exit 3 -- strata_t migrate -d "$BASE/conductor_flyway" --dir "$FLY" down
expect_error_line "V7__new_qm_index_desc_priority.sql: has no undo file, so it cannot be rolled back"

case_ "a real goose set on PostgreSQL: up, drift, the empty down of its serial-to-identity step, and goose's history taken over half-way"
psql "$SERVER_URL" -X -q -c "CREATE DATABASE ncps_fresh" -c "CREATE DATABASE ncps_roundtrip" -c "CREATE DATABASE ncps_goose" >/dev/null
expect_exit 0 -- strata_t migrate -d "$BASE/ncps_fresh" --dir "$GOOSE/ncps_postgres" up
assert_eq 16 "$(grep -c '^applied ' "$E2E_TMP/.err")" "the 16 migrations applied, in order"
expect_exit 0 -- strata_t migrate -d "$BASE/ncps_fresh" --dir "$GOOSE/ncps_postgres" check --drift
expect_exit 5 -- strata_t migrate -d "$BASE/ncps_roundtrip" --dir "$GOOSE/ncps_postgres" check --roundtrip --json
expect_json_true "check --roundtrip: only the empty down of 20260520212038" \
    'sorted({f["file"].rsplit("/", 1)[-1][:14] for f in d["findings"] if f["code"] == "roundtrip" and f["severity"] == "error"}) == ["20260520212038"]'
# As goose left a database at its 8th migration: goose's own table (its PostgreSQL dialect), the
# version 0 row goose writes first, then each Up section run by psql and recorded.
psql "$BASE/ncps_goose" -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE goose_db_version (id serial NOT NULL,
    version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now(), PRIMARY KEY (id));
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true);' >/dev/null || fail "goose's table"
for f in $(ls "$GOOSE/ncps_postgres"/*.sql | head -8); do
    sed '/^-- +goose Down/,$d' "$f" | psql "$BASE/ncps_goose" -X -q -v ON_ERROR_STOP=1 >/dev/null || fail "psql $f"
    v=$(basename "$f"); v=${v%%_*}
    psql "$BASE/ncps_goose" -X -q -c "INSERT INTO goose_db_version (version_id, is_applied) VALUES ($v, true)" >/dev/null
done
expect_exit 0 -- strata_t migrate -d "$BASE/ncps_goose" --dir "$GOOSE/ncps_postgres" status --json
expect_json_true "8 applied (goose's), 8 pending" \
    '[m["state"] for m in d["migrations"]] == ["applied"] * 8 + ["pending"] * 8'
expect_exit 0 -- strata_t migrate -d "$BASE/ncps_goose" --dir "$GOOSE/ncps_postgres" up
assert_eq 8 "$(grep -c '^applied ' "$E2E_TMP/.err")" "the other 8 applied"
expect_exit 0 -- strata_t migrate -d "$BASE/ncps_goose" --dir "$GOOSE/ncps_postgres" check --drift

e2e_finish
