#!/usr/bin/env bash
# The knowledge store on PostgreSQL (--store postgres://…), against a real server started for this
# test: how a store URL is chosen (flag, STRATA_STORE, store.url, a project's strata.toml only once
# trusted), bad input (an unreachable server, a wrong password, no store schema, a newer one,
# someone else's schema), passwords never printed, `collections copy` both ways with vectors, and
# a reader role that can search but not write.
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/store_postgres.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init store_postgres "$@"

start_test_pg
PORT=${BASE##*:}

pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
fresh_db() { pq "$SERVER_URL" "CREATE DATABASE $1" >/dev/null && echo "$BASE/$1"; }
schema_exists() { [ "$(pq "$1" "SELECT count(*) FROM pg_namespace WHERE nspname = '${2:-strata}'")" = 1 ]; }

export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME" docs
printf '# Connection pools\n\nA pool keeps connections open between requests.\n' >docs/pools.md
printf '# Retries\n\nRetry a failed request with exponential backoff.\n' >docs/retries.md
printf 'Plain notes about caching and eviction.\n' >docs/cache.txt

# ---------------------------------------------------------------------------------------------
case_ "bad input: an unreachable server is one error line naming it, exit 7, no password"
expect_exit 7 -- "$STRATA" collections --store "postgres://postgres:$PASSWORD@127.0.0.1:1/postgres"
expect_error_line "postgres://postgres:\*\*\*@127\.0\.0\.1:1/postgres \(schema strata\): cannot connect"
no_password_in_output

case_ "bad input: a wrong password is refused by the server, exit 7, neither password printed"
expect_exit 7 -- "$STRATA" search pools --store "postgres://postgres:wrong-pw-4711@127.0.0.1:$PORT/postgres"
expect_error_line "password authentication failed"
expect_stderr_nomatch "wrong-pw-4711"
no_password_in_output

case_ "bad input: reading a database without the store's schema says so and creates nothing"
URL=$(fresh_db empty)
for cmd in "collections" "documents list" "search pools" "logs"; do
    # shellcheck disable=SC2086
    expect_exit 7 -- "$STRATA" $cmd --store "$URL"
    expect_error_line "no store at postgres://postgres:\*\*\*@127\.0\.0\.1:$PORT/empty \(schema strata\)"
done
no_password_in_output
assert_false "no schema was created by reading" schema_exists "$URL"

case_ "ingest --dry-run on a server without the store writes nothing there"
expect_exit 0 -- "$STRATA" ingest docs --store "$URL" --dry-run
assert_false "no schema was created by a dry run" schema_exists "$URL"

case_ "the first write creates the schema (strata, or ?search_path=) with the migration engine's history"
expect_exit 0 -- "$STRATA" ingest docs --store "$URL" -q
assert_true "schema strata exists" schema_exists "$URL"
SHIPPED=$(find "$E2E_LIB_DIR/../../migrations/postgres" -name '*.sql' | wc -l)
assert_eq "$SHIPPED" "$(pq "$URL" "SELECT count(*) FROM strata.strata_store_migrations WHERE state = 'applied'")" "every store migration applied"
expect_exit 0 -- "$STRATA" ingest docs --store "$URL?search_path=team_docs" -q
assert_true "schema team_docs exists" schema_exists "$URL" team_docs
assert_eq "3" "$(pq "$URL" "SELECT count(*) FROM team_docs.documents")" "three documents in the other schema"

case_ "bad input: a store schema newer than this strata is refused, naming both versions (exit 4)"
URL=$(fresh_db newer)
expect_exit 0 -- "$STRATA" ingest docs --store "$URL" -q
pq "$URL" "INSERT INTO strata.strata_store_migrations SELECT 99, '0099_future.sql', checksum, checksum_ws, applied_at, duration_ms, strata_version, state, statements_done FROM strata.strata_store_migrations WHERE version = 1"
expect_exit 4 -- "$STRATA" search pools --store "$URL"
LATEST=$(find "$E2E_LIB_DIR/../../migrations/postgres" -name '*.sql' -printf '%f\n' | sort | tail -1 | cut -c1-4)
expect_error_line "store schema version 99 is newer than this strata supports \($((10#$LATEST))\)"
expect_exit 4 -- "$STRATA" ingest docs --store "$URL"
expect_error_line "store schema version 99 is newer"

case_ "bad input: a schema that holds someone else's tables is not taken over"
URL=$(fresh_db someone_else)
pq "$URL" "CREATE SCHEMA strata; CREATE TABLE strata.users (id int)"
expect_exit 7 -- "$STRATA" ingest docs --store "$URL"
expect_error_line "not a strata store \(the schema holds other tables\)"
assert_eq "users" "$(pq "$URL" "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'strata'")" "nothing added to it"

# ---------------------------------------------------------------------------------------------
case_ "STRATA_STORE and store.url in the user's file choose a server's store"
URL=$(fresh_db chosen)
# Files hold no passwords (strata refuses one in a URL there): libpq reads ~/.pgpass.
printf '127.0.0.1:%s:*:postgres:%s\n' "$PORT" "$PASSWORD" >"$HOME/.pgpass"
chmod 600 "$HOME/.pgpass"
NOPW_URL="postgres://postgres@127.0.0.1:$PORT/chosen"
STRATA_STORE="$URL" expect_exit 0 -- "$STRATA" ingest docs/pools.md -q
assert_eq "1" "$(pq "$URL" "SELECT count(*) FROM strata.documents")" "STRATA_STORE=URL stored the document there"
mkdir -p "$XDG_CONFIG_HOME/strata"
printf '[store]\nurl = "%s"\n' "$NOPW_URL" >"$XDG_CONFIG_HOME/strata/config.toml"
expect_exit 0 -- "$STRATA" ingest docs/retries.md -q
assert_eq "2" "$(pq "$URL" "SELECT count(*) FROM strata.documents")" "store.url in the user's file stored the document there"
rm "$XDG_CONFIG_HOME/strata/config.toml"

case_ "an untrusted project's store URL is ignored (a destination), until the project is trusted"
URL=$(fresh_db project)
mkdir -p repo/docs && cp docs/pools.md repo/docs/
printf '[store]\npath = "%s"\n' "postgres://postgres@127.0.0.1:$PORT/project" >repo/strata.toml
( cd repo && run "$STRATA" ingest docs -q )
assert_eq "0" "$RC" "ingest ran"
expect_stderr_match "store.path is ignored: it sends your questions, sources or documents to a server it chooses"
no_password_in_output
assert_false "nothing reached the project's server" schema_exists "$URL"
assert_exists repo/.strata/store.db
printf '[store]\nurl = "%s"\n' "postgres://postgres@127.0.0.1:$PORT/project" >repo/strata.toml
( cd repo && run "$STRATA" ingest docs -q )
expect_stderr_match "store.url is ignored"
assert_false "nothing reached the project's server (store.url)" schema_exists "$URL"
( cd repo && run "$STRATA" trust && run "$STRATA" ingest docs -q )
assert_eq "0" "$RC" "ingest ran once trusted"
assert_eq "1" "$(pq "$URL" "SELECT count(*) FROM strata.documents")" "once trusted, the project's store is used"

# ---------------------------------------------------------------------------------------------
case_ "collections copy: SQLite to PostgreSQL and back, with vectors; search answers the same"
URL=$(fresh_db copies)
expect_exit 0 -- "$STRATA" ingest docs --store local.db -q
expect_exit 0 -- "$STRATA" embed --store local.db -q
expect_exit 0 -- "$STRATA" collections copy --store local.db --to "$URL" --json
expect_json_true "the copy wrote 3 documents and 3 vectors" 'd["documents"] == 3 and d["vectors"] == 3 and d["unchanged"] == 0'
no_password_in_output
expect_exit 0 -- "$STRATA" collections copy default --store "$URL" --to back.db --json
expect_json_true "the copy back wrote 3 documents and 3 vectors" 'd["documents"] == 3 and d["vectors"] == 3'
for mode in keyword vector hybrid; do
    run "$STRATA" search "pool connections" --store local.db --mode "$mode" --json
    want=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([(j["source"], round(j["score"], 6)) for j in map(json.loads, sys.stdin)])')
    run "$STRATA" search "pool connections" --store "$URL" --mode "$mode" --json
    got=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([(j["source"], round(j["score"], 6)) for j in map(json.loads, sys.stdin)])')
    assert_eq "$want" "$got" "$mode search on the PostgreSQL copy ranks and scores as the SQLite store"
    run "$STRATA" search "pool connections" --store back.db --mode "$mode" --json
    got=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([(j["source"], round(j["score"], 6)) for j in map(json.loads, sys.stdin)])')
    assert_eq "$want" "$got" "$mode search on the copy back ranks and scores as the original"
done
run "$STRATA" documents show pools.md --store local.db
want=$OUT
run "$STRATA" documents show pools.md --store back.db
assert_eq "$(printf '%s' "$want" | grep -v ingested)" "$(printf '%s' "$OUT" | grep -v ingested)" "a document's chunks survive the round trip"

case_ "collections copy again: refused without --merge, and with --merge nothing is rewritten"
expect_exit 2 -- "$STRATA" collections copy --store local.db --to "$URL"
expect_error_line "collection 'default' in postgres://postgres:\*\*\*@.* already holds 3 documents"
expect_exit 0 -- "$STRATA" collections copy --store local.db --to "$URL" --merge --json
expect_json_true "a merge of the same collection rewrites nothing" 'd["documents"] == 0 and d["unchanged"] == 3'

# ---------------------------------------------------------------------------------------------
case_ "a reader role can search and list, and cannot write (the grants strata-store(7) documents)"
pq "$URL" "CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
GRANT CONNECT ON DATABASE copies TO reader;
GRANT USAGE ON SCHEMA strata TO reader;
GRANT SELECT ON ALL TABLES IN SCHEMA strata TO reader"
READER="postgres://reader:reader-pw@127.0.0.1:$PORT/copies"
expect_exit 0 -- "$STRATA" search pools --store "$READER" --json
expect_stdout_match '"source":"docs/pools.md"'
expect_exit 0 -- "$STRATA" collections --store "$READER"
expect_exit 0 -- "$STRATA" search pools --store "$READER" --mode hybrid --json
expect_stdout_match '"source":"docs/pools.md"'
expect_exit 7 -- "$STRATA" ingest docs/cache.txt --store "$READER" --collection more
expect_error_line "permission denied"
expect_stderr_nomatch "reader-pw"

e2e_finish
