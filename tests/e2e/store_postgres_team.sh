#!/usr/bin/env bash
# A team's store on one PostgreSQL server, with real roles: an owner who makes the store, a writer,
# a reader and a hostile colleague, set up with the grants `strata collections grants` prints.
#   - No SQL but strata's own runs for a user, whoever owns the store: a view in place of a table,
#     a trigger, a rule, a policy, a default, a function of the schema's or a changed strata
#     function, each planted by the owner, is refused by name (exit 7) and never runs (a marker
#     table the planted SQL would write stays empty); a schema a colleague made empty beforehand
#     is not filled.
#   - The check's passing verdict is kept in the user's cache (0600) and reused only while the
#     server's snapshot is unchanged; a plant made after it is refused all the same.
#   - A reader cannot hold writers off (writers' locks need UPDATE on write_locks).
#   - Only the owner makes and revokes API keys: a writer cannot insert or widen one.
#   - A store given another's store_id and generation does not answer from the other's vector
#     snapshot in the user's cache (keyed by the server, database and schema).
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/store_postgres_team.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init store_postgres_team "$@"

start_test_pg
PORT=${BASE##*:}

pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
role_url() { echo "postgres://$1:$1-pw@127.0.0.1:$PORT/team"; }

export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME" docs
printf '# Connection pools\n\nA pool keeps connections open between requests.\n' >docs/pools.md
printf '# Retries\n\nRetry a failed request with exponential backoff.\n' >docs/retries.md

pq "$SERVER_URL" "CREATE DATABASE team"
ADMIN="$BASE/team"
for r in owner writer reader mallory; do pq "$ADMIN" "CREATE ROLE $r LOGIN PASSWORD '$r-pw'"; done
pq "$ADMIN" "GRANT CREATE ON DATABASE team TO owner, mallory;
CREATE TABLE public.marker (who TEXT, at TIMESTAMPTZ DEFAULT now());
GRANT INSERT, SELECT ON public.marker TO PUBLIC"
OWNER=$(role_url owner) WRITER=$(role_url writer) READER=$(role_url reader) MALLORY=$(role_url mallory)
marked() { pq "$ADMIN" "SELECT count(*) FROM public.marker"; }

# ---------------------------------------------------------------------------------------------
case_ "a colleague's empty schema is not filled: its owner could change the store under everyone"
pq "$MALLORY" "CREATE SCHEMA strata"
expect_exit 7 -- "$STRATA" ingest docs --store "$OWNER" -q
expect_error_line "schema strata belongs to role mallory" "not making one there"
expect_stderr_match 'ALTER SCHEMA "strata" OWNER TO "owner"'
assert_eq "0" "$(pq "$ADMIN" "SELECT count(*) FROM pg_class WHERE relnamespace = 'strata'::regnamespace")" \
    "nothing was created in mallory's schema"
pq "$MALLORY" "DROP SCHEMA strata"

case_ "the owner makes the store; collections grants prints the team's grants, which work as printed"
expect_exit 0 -- "$STRATA" ingest docs --store "$OWNER" -q
expect_exit 0 -- "$STRATA" collections grants --store "$OWNER" --writer writer --reader reader --reader mallory
expect_stdout_match 'REVOKE CREATE ON SCHEMA "strata" FROM PUBLIC;'
expect_stdout_match 'GRANT INSERT, UPDATE, DELETE ON "strata".collections, .*"strata".write_locks, "strata".jobs TO "writer";'
GRANTS=$OUT
psql "$OWNER" -X -q -v ON_ERROR_STOP=1 -c "$GRANTS" >/dev/null
assert_eq "0" "$?" "the printed grants run as the owner"
expect_exit 2 -- "$STRATA" collections grants --store "$OWNER"
expect_error_line "no role to grant to"
expect_exit 2 -- "$STRATA" collections grants --store local.db --reader reader
expect_error_line "grants are for a store on PostgreSQL"

case_ "the writer ingests, the reader searches and cannot write"
printf '# Backoff\n\nWait longer after each failed try.\n' >docs/backoff.md
expect_exit 0 -- "$STRATA" ingest docs --store "$WRITER" -q
expect_exit 0 -- "$STRATA" search backoff --store "$READER" --json
expect_stdout_match '"source":"docs/backoff.md"'
expect_exit 7 -- "$STRATA" ingest docs --store "$READER" --collection more
expect_error_line "permission denied"

case_ "API keys are the owner's: a writer can neither mint nor widen one, only read them and mark one used"
expect_exit 0 -- "$STRATA" keys create app --store "$OWNER" --collection docs -q
expect_exit 7 -- "$STRATA" keys create minted --store "$WRITER" --scope admin
expect_error_line "permission denied"
expect_exit 1 -- psql "$WRITER" -X -q -v ON_ERROR_STOP=1 -c "UPDATE strata.api_keys SET scope = 'admin', collections = '[]'"
expect_stderr_match "permission denied"
expect_exit 1 -- psql "$WRITER" -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO strata.api_keys (name, secret_sha256, scope, collections, created_at) VALUES ('x', repeat('0', 64), 'admin', '[]', 'now')"
expect_stderr_match "permission denied"
expect_exit 7 -- "$STRATA" keys revoke app --store "$WRITER"
expect_error_line "permission denied"
expect_exit 0 -- psql "$WRITER" -X -q -v ON_ERROR_STOP=1 -c "UPDATE strata.api_keys SET last_used_at = '2026-11-26T23:00:00Z' WHERE name = 'app'"
expect_exit 0 -- "$STRATA" keys list --store "$READER" --json
expect_json_true "the reader lists it, unchanged but for its last use" 'd["name"] == "app" and d["scope"] == "read" and d["collections"] == ["docs"] and d["last_used_at"] == "2026-11-26T23:00:00Z" and d["revoked_at"] is None'

case_ "a reader cannot hold writers off: the writers' lock is a row only writers may lock"
expect_exit 1 -- psql "$READER" -X -q -v ON_ERROR_STOP=1 -c "BEGIN; SELECT 1 FROM strata.write_locks FOR UPDATE"
expect_stderr_match "permission denied"
# A reader inside a transaction that read the lock rows (and took every advisory lock it liked,
# which is what the writers' lock was) holds no writer off.
psql "$READER" -X -q -c "BEGIN; SELECT * FROM strata.write_locks; SELECT pg_advisory_lock(k) FROM generate_series(1, 50) k; SELECT pg_sleep(20)" >/dev/null 2>&1 &
HOLDER=$!
sleep 0.5
printf '# Jitter\n\nAdd randomness to the wait.\n' >docs/jitter.md
STRATA_BUSY_TIMEOUT=2 expect_exit 0 -- "$STRATA" ingest docs --store "$WRITER" -q
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null
assert_eq "1" "$(pq "$ADMIN" "SELECT count(*) FROM strata.write_locks WHERE collection = 'default'")" \
    "the collection's lock row exists"

# ---------------------------------------------------------------------------------------------
# plant SQL CMD...: the owner plants SQL, CMD runs as another role; exit 7 naming the object, the
# planted SQL never ran (the marker table is empty); then the plant is undone with UNDO.
plant() {
    local what=$1 sql=$2 undo=$3
    shift 3
    pq "$OWNER" "$sql"
    expect_exit 7 -- "$@"
    expect_error_line "the store holds objects that are not strata's, which would run as you: .*$what"
    assert_eq "0" "$(marked)" "the planted SQL did not run"
    pq "$OWNER" "$undo"
}
pq "$OWNER" "CREATE SCHEMA owner_stuff;
CREATE FUNCTION owner_stuff.evil() RETURNS boolean LANGUAGE sql AS \$\$ INSERT INTO public.marker (who) VALUES (current_user) RETURNING true \$\$;
GRANT USAGE ON SCHEMA owner_stuff TO PUBLIC"

# The check's passing verdict is kept in the user's cache (pg_objects_verdict.h) and reused while
# the server's snapshot is the same; every plant below comes after such a verdict was kept, and is
# refused all the same (its DDL moved the snapshot on).
case_ "a clean check's verdict is kept in the reader's cache, private, and reused while nothing was written"
catalog_reads() { grep -c "SELECT 'relation', c.relname" "$PGDIR/server.log"; }
pq "$ADMIN" "ALTER SYSTEM SET log_statement = 'all'" && pq "$ADMIN" "SELECT pg_reload_conf()" >/dev/null
sleep 0.3
expect_exit 0 -- "$STRATA" search backoff --store "$READER"
# One file per role that used the store (the roles here share one home), each the user's alone.
assert_eq "" "$(find "$XDG_CACHE_HOME/strata/checked" -type f ! -perm 600)" "every verdict is 0600"
[ -n "$(find "$XDG_CACHE_HOME/strata/checked" -type f)" ]
assert_eq "0" "$?" "verdicts are kept"
assert_eq "700" "$(stat -c %a "$XDG_CACHE_HOME/strata/checked")" "its folder too"
# Autovacuum's ANALYZE may write between two searches (a new snapshot, the check again): a few tries.
reused=0
for try in 1 2 3 4 5; do
    before=$(catalog_reads)
    expect_exit 0 -- "$STRATA" search backoff --store "$READER" --json
    expect_stdout_match '"source":"docs/backoff.md"'
    [ "$(catalog_reads)" = "$before" ] && { reused=1; break; }
done
assert_eq "1" "$reused" "a search on an unchanged server did not read the catalog again"
before=$(catalog_reads)
pq "$ADMIN" "CREATE TABLE public.elsewhere (x INT)"
expect_exit 0 -- "$STRATA" search backoff --store "$READER"
assert_eq "$((before + 1))" "$(catalog_reads)" "after a write anywhere in the server, the catalog is read again"
pq "$ADMIN" "DROP TABLE public.elsewhere"
pq "$ADMIN" "ALTER SYSTEM RESET log_statement" && pq "$ADMIN" "SELECT pg_reload_conf()" >/dev/null

case_ "a view in place of a table runs nothing for the reader's search"
plant "view collections in place of a table" \
    "ALTER TABLE strata.collections RENAME TO collections_real;
     CREATE VIEW strata.collections AS SELECT * FROM strata.collections_real WHERE owner_stuff.evil()" \
    "DROP VIEW strata.collections; ALTER TABLE strata.collections_real RENAME TO collections" \
    "$STRATA" search pools --store "$READER"

case_ "a trigger on documents runs nothing for the writer's ingest"
plant "trigger documents.audit" \
    "CREATE FUNCTION strata.audit() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM owner_stuff.evil(); RETURN NEW; END \$\$;
     CREATE TRIGGER audit BEFORE INSERT ON strata.documents FOR EACH ROW EXECUTE FUNCTION strata.audit()" \
    "DROP TRIGGER audit ON strata.documents; DROP FUNCTION strata.audit()" \
    "$STRATA" ingest docs --store "$WRITER" -q --collection other

case_ "a rule, a policy calling set_config, a default calling a function: each refused by name"
plant "rule documents.r" \
    "CREATE RULE r AS ON INSERT TO strata.documents DO ALSO SELECT owner_stuff.evil()" \
    "DROP RULE r ON strata.documents" \
    "$STRATA" ingest docs --store "$WRITER" -q --collection other
plant "policy documents.p" \
    "ALTER TABLE strata.documents ENABLE ROW LEVEL SECURITY;
     CREATE POLICY p ON strata.documents USING (set_config('search_path', 'owner_stuff', false) IS NOT NULL)" \
    "DROP POLICY p ON strata.documents; ALTER TABLE strata.documents DISABLE ROW LEVEL SECURITY" \
    "$STRATA" search pools --store "$READER"
plant "default documents.metadata" \
    "ALTER TABLE strata.documents ALTER metadata SET DEFAULT (CASE WHEN owner_stuff.evil() THEN '{}' END)" \
    "ALTER TABLE strata.documents ALTER metadata SET DEFAULT '{}'" \
    "$STRATA" ingest docs --store "$WRITER" -q --collection other
plant "check documents.c" \
    "ALTER TABLE strata.documents ADD CONSTRAINT c CHECK (query_to_xml('SELECT 1', true, true, '') IS NOT NULL) NOT VALID" \
    "ALTER TABLE strata.documents DROP CONSTRAINT c" \
    "$STRATA" search pools --store "$READER"

case_ "a function of the schema's own, or one of strata's changed, is refused"
plant "function lower\\(x character varying\\)" \
    "CREATE FUNCTION strata.lower(x varchar) RETURNS text LANGUAGE sql AS \$\$ SELECT 'x' \$\$" \
    "DROP FUNCTION strata.lower(varchar)" \
    "$STRATA" search pools --store "$READER"
SAVED=$(pq "$OWNER" "SELECT pg_get_functiondef('strata.strata_posting(bytea, integer)'::regprocedure)")
plant "function strata_posting\\(postings bytea, i integer\\) \\(changed\\)" \
    "CREATE OR REPLACE FUNCTION strata.strata_posting(postings BYTEA, i INTEGER) RETURNS BYTEA LANGUAGE sql AS \$\$ SELECT CASE WHEN owner_stuff.evil() THEN postings END \$\$" \
    "$SAVED" \
    "$STRATA" search pools --store "$READER"
plant "operator" \
    "CREATE OPERATOR strata.= (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq)" \
    "DROP OPERATOR strata.= (text, text)" \
    "$STRATA" search pools --store "$READER"

case_ "a type of the schema's own, or a column of another schema's type, is refused"
plant "type d" \
    "CREATE DOMAIN strata.d AS text CHECK (owner_stuff.evil())" \
    "DROP DOMAIN strata.d" \
    "$STRATA" search pools --store "$READER"
plant "composite type pair" \
    "CREATE TYPE strata.pair AS (a integer, b integer)" \
    "DROP TYPE strata.pair" \
    "$STRATA" search pools --store "$READER"
plant "column documents.mood of type owner_stuff.mood" \
    "CREATE TYPE owner_stuff.mood AS ENUM ('calm'); ALTER TABLE strata.documents ADD COLUMN mood owner_stuff.mood" \
    "ALTER TABLE strata.documents DROP COLUMN mood; DROP TYPE owner_stuff.mood" \
    "$STRATA" search pools --store "$READER"

case_ "with the plants gone the store is used again, and nothing planted ever ran"
expect_exit 0 -- "$STRATA" search pools --store "$READER" --json
expect_stdout_match '"source":"docs/pools.md"'
assert_eq "0" "$(marked)" "the marker table is empty"

# ---------------------------------------------------------------------------------------------
case_ "a store given another's store_id and generation does not answer from its vector snapshot"
A="$BASE/team?search_path=volcanoes" B="$BASE/team?search_path=cats"
mkdir -p va vb
printf '# Volcanoes\n\nLava and magma erupt from volcanoes.\n' >va/volcano.md
printf '# Gardens\n\nTomatoes grow in summer.\n' >va/garden.md
printf '# Cats\n\nCats sleep most of the day and purr.\n' >vb/cats.md
printf '# Dogs\n\nDogs fetch sticks in the park.\n' >vb/dogs.md
expect_exit 0 -- "$STRATA" ingest va --store "$A" -q
expect_exit 0 -- "$STRATA" embed --store "$A" -q
expect_exit 0 -- "$STRATA" ingest vb --store "$B" -q
expect_exit 0 -- "$STRATA" embed --store "$B" -q
pq "$ADMIN" "UPDATE cats.embedding_generation SET (store_id, generation) = (SELECT store_id, generation FROM volcanoes.embedding_generation)"
top() { "$STRATA" search "volcanoes lava magma" --store "$1" --mode vector --json -k 1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["source"])'; }
assert_eq "va/volcano.md" "$(top "$A")" "store A's vector search, its snapshot now cached"
case "$(top "$B")" in
    vb/*) pass "store B answers from its own vectors, not A's snapshot" ;;
    *) fail "store B answered from another store's vectors" ;;
esac
assert_eq "va/volcano.md" "$(top "$A")" "store A still ranks its own page first after B's search"
assert_eq "2" "$(find "$XDG_CACHE_HOME/strata/stores" -mindepth 1 -maxdepth 1 -type d | wc -l)" \
    "two snapshot folders, one a store"

e2e_finish
