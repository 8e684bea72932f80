#!/usr/bin/env bash
# The knowledge store on PostgreSQL (--store postgres://…), against a real server started for this
# test: how a store URL is chosen (flag, STRATA_STORE, store.url, a project's strata.toml only once
# trusted), bad input (an unreachable server, a wrong password, no store schema, a newer one,
# someone else's schema), passwords never printed, `collections copy` both ways with vectors, two
# servers sharing the store's background jobs, MCP sessions and keys' rate limits, and a reader role that can search but not write.
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

# libpq percent-decodes a URL's parameter names: ?pass%77ord= is its password=, and was printed
# in clear in every message naming the server.
case_ "bad input: a password given as ?pass%77ord= (libpq's password=) is never printed"
expect_exit 7 -- "$STRATA" search pools --store "postgres://postgres@127.0.0.1:$PORT/postgres?pass%77ord=wrong-pw-4711"
expect_error_line "password authentication failed" "pass%77ord=\*\*\*"
expect_stderr_nomatch "wrong-pw-4711"
expect_exit 7 -- "$STRATA" collections --json --store "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&Pass%57ord=wrong-pw-4711"
expect_error_line "cannot connect" "Pass%57ord=\*\*\*"
expect_stderr_nomatch "wrong-pw-4711"
mkdir -p nomig
expect_exit 7 -- "$STRATA" migrate status --dir nomig --json --database "postgres://postgres@127.0.0.1:1/postgres?pass%77ord=wrong-pw-4711"
expect_stderr_nomatch "wrong-pw-4711"
expect_stdout_nomatch "wrong-pw-4711"
expect_exit 0 -- "$STRATA" ingest docs/pools.md --store "postgres://postgres@127.0.0.1:$PORT/postgres?pass%77ord=$PASSWORD" --collection spelled -v
expect_exit 0 -- "$STRATA" collections --store "postgres://postgres@127.0.0.1:$PORT/postgres?pass%77ord=$PASSWORD" --json
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
# A store's rows are data: whoever holds a role that may write its tables can put there what
# strata never writes. A teammate's role rewrites one row at a time; `collections copy` out of
# the store names the row (exit 3, one error line), allocates nothing a number asks for, and
# copies nothing of that document (before: "internal error … please report this", 7.8 GB of
# memory for an end_byte of 4 billion, std::bad_alloc for 2^63-1).
case_ "collections copy from a store a teammate's role rewrote: the row named, exit 3, memory bounded"
HOSTILE=$(fresh_db hostile)
expect_exit 0 -- "$STRATA" ingest docs --store "$HOSTILE" -q
pq "$HOSTILE" "CREATE ROLE teammate LOGIN PASSWORD 'teammate-pw';
GRANT CONNECT ON DATABASE hostile TO teammate;
GRANT USAGE ON SCHEMA strata TO teammate;
GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA strata TO teammate"
MATE="postgres://teammate:teammate-pw@127.0.0.1:$PORT/hostile"
POOLS="document_id = (SELECT id FROM strata.documents WHERE source = 'docs/pools.md')"
# copied_documents DB: the documents a copy left in the SQLite store DB.
copied_documents() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM documents").fetchone()[0])' "$1"
}
# refused_copy N EDIT UNDO ERROR: the teammate's EDIT, then a copy to hostile-N.db: exit 3 with one
# error line naming "collection 'default', ERROR", in bounded memory, nothing copied; then UNDO.
refused_copy() {
    pq "$MATE" "$2"
    run python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
sys.exit(rc)' "$E2E_TMP/rss.txt" "$STRATA" collections copy --store "$HOSTILE" --to "hostile-$1.db"
    assert_eq 3 "$RC" "copy $1: exit 3 (bad data in the source store)"
    expect_error_line "\(schema strata\): collection 'default', $4"
    expect_stderr_nomatch "internal error|report this"
    # Under a sanitizer the resident size is mostly the sanitizer's: checked by the release run.
    if ldd "$STRATA" 2>/dev/null | grep -q 'libasan\|libtsan'; then
        note "copy $1: max RSS $(cat "$E2E_TMP/rss.txt") MB (a sanitizer's; not checked)"
    else
        assert_true "copy $1: memory bounded ($(cat "$E2E_TMP/rss.txt") MB < 200 MB)" test "$(cat "$E2E_TMP/rss.txt")" -lt 200
    fi
    assert_eq 0 "$(copied_documents "hostile-$1.db")" "copy $1: no document copied"
    pq "$MATE" "$3"
}
refused_copy 1 "UPDATE strata.chunks SET start_byte = end_byte + 5 WHERE $POOLS" \
    "UPDATE strata.chunks SET start_byte = 0 WHERE $POOLS" \
    "document 'docs/pools.md', chunk 0: bytes \[[0-9]+, [0-9]+\) are no range"
refused_copy 2 "UPDATE strata.chunks SET start_byte = -3 WHERE $POOLS" \
    "UPDATE strata.chunks SET start_byte = 0 WHERE $POOLS" \
    "document 'docs/pools.md', chunk 0: bytes \[-3, [0-9]+\) are no range"
refused_copy 3 "UPDATE strata.chunks SET end_byte = 9223372036854775807 WHERE $POOLS" \
    "UPDATE strata.chunks SET end_byte = octet_length(text) WHERE $POOLS" \
    "document 'docs/pools.md', chunk 0: bytes \[0, 9223372036854775807\) hold [0-9]+ bytes of text"
refused_copy 4 "UPDATE strata.chunks SET start_byte = start_byte + 4000000000, end_byte = end_byte + 4000000000,
                char_start = char_start + 4000000000, char_end = char_end + 4000000000 WHERE $POOLS" \
    "UPDATE strata.chunks SET start_byte = start_byte - 4000000000, end_byte = end_byte - 4000000000,
                char_start = char_start - 4000000000, char_end = char_end - 4000000000 WHERE $POOLS" \
    "document 'docs/pools.md': its chunks end at byte 4000000[0-9]+ but hold [0-9]+ bytes of text"
refused_copy 5 "UPDATE strata.chunks SET line_end = 9223372036854775807 WHERE $POOLS" \
    "UPDATE strata.chunks SET line_end = line_start WHERE $POOLS" \
    "document 'docs/pools.md', chunk 0: lines 1-9223372036854775807 do not fit"
refused_copy 6 "UPDATE strata.documents SET metadata = '[[[[' WHERE source = 'docs/cache.txt'" \
    "UPDATE strata.documents SET metadata = '{}' WHERE source = 'docs/cache.txt'" \
    "document 'docs/cache.txt': metadata is not valid JSON"
refused_copy 7 "UPDATE strata.collections SET embedding_provider = 'local', embedding_model = 'm',
                embedding_dimensions = 9223372036854775807" \
    "UPDATE strata.collections SET embedding_provider = NULL, embedding_model = NULL, embedding_dimensions = NULL" \
    "its row: embedding dimensions 9223372036854775807 are not between 0 and 65536"
expect_exit 0 -- "$STRATA" collections copy --store "$HOSTILE" --to hostile-ok.db --json
expect_json_true "the store as strata wrote it again copies whole" 'd["documents"] == 3'

# ---------------------------------------------------------------------------------------------
# The server process of strata mcp's open connection stopped (SIGSTOP): the server's own
# statement_timeout cannot fire and the kernel still acknowledges, so only the client's bound on
# the answer ends the wait (tests/e2e/mcp_frozen_store.py).
case_ "mcp: a keyword search on a server that stops answering ends within its bound, and the next reconnects"
E2E_CMD_TIMEOUT=90 run python3 "$E2E_LIB_DIR/mcp_frozen_store.py" "$STRATA" "$BASE/copies" "$SERVER_URL" copies
report_checks
[ "$RC" = 0 ] || fail "mcp_frozen_store.py exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 7 ] || fail "mcp_frozen_store.py ran fewer checks than it has: $ERR"
no_password_in_output

# ---------------------------------------------------------------------------------------------
case_ "two servers on one PostgreSQL store share its jobs: queued through one, read and listed through the other, run once; the per-key bound holds across both"
JOBS_URL=$(fresh_db jobs)
expect_exit 0 -- "$STRATA" ingest docs --store "$JOBS_URL" --collection docs
PG_BASE=$BASE PG_PORT=$PORT
serve_up 127.0.0.1:0 --store "$JOBS_URL" --collection docs --max-jobs-per-key 1
ONE=$BASE ONE_PID=$SERVE_PID
serve_up 127.0.0.1:0 --store "$JOBS_URL" --collection docs --max-jobs-per-key 1
TWO=$BASE
BASE=$ONE
http_req POST /api/v1/collections/docs/embed -H 'Content-Type: application/json' -d '{}'
expect_http 202 "an embed is a job"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/body")
BASE=$TWO
job_wait "$JOB" 60
assert_eq succeeded "$JOB_STATUS" "the other server reads the job to its end: $(cat "$E2E_TMP/job")"
assert_eq 3 "$(job_field "j['result']['embedded'] + j['result']['cached']")" "every chunk embedded, once: $(cat "$E2E_TMP/job")"
assert_eq 3 "$(pq "$JOBS_URL" "SELECT count(*) FROM strata.embeddings")" "one vector a chunk"
http_req GET /api/v1/jobs
expect_http 200 "the other server lists it"
assert_true "listed: $BODY" python3 -c "import json,sys; sys.exit(0 if [j['id'] for j in json.loads(sys.argv[1])['jobs']] == ['$JOB'] else 1)" "$BODY"
pq "$JOBS_URL" "INSERT INTO strata.jobs (id, kind, collection, owner, request, status, created_at, revision, runner, heartbeat_at)
  VALUES ('00000000000000000000000000000001', 'embed', 'docs', '', '{}', 'running', '2026-11-29T00:00:00Z', 2, 'elsewhere', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
BASE=$ONE
http_req POST /api/v1/collections/docs/embed -H 'Content-Type: application/json' -d '{}'
expect_http 429 "a job running on another server counts toward the caller's bound"
expect_exit 0 -- "$STRATA" jobs list --store "$JOBS_URL" --json
assert_eq 2 "$(printf '%s\n' "$OUT" | grep -c '"kind":"embed"')" "strata jobs lists both: $OUT"
expect_exit 0 -- "$STRATA" jobs cancel 00000000000000000000000000000001 --store "$JOBS_URL"
expect_stderr_match "asked job 00000000000000000000000000000001 to stop"
assert_eq t "$(pq "$JOBS_URL" "SELECT cancel_requested FROM strata.jobs WHERE id = '00000000000000000000000000000001'")" "the cancel is on the row for its server"

case_ "two servers on one PostgreSQL store share MCP sessions: opened through one, used through the other, ended through either for both"
mcp_post() {  # BASE SESSION BODY: the status in CODE, headers and body in files
    CODE=$(curl -s -D "$E2E_TMP/mcp.h" -o "$E2E_TMP/mcp.b" -w '%{http_code}' -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' ${2:+-H "Mcp-Session-Id: $2"} -d "$3" "$1/mcp")
}
mcp_post "$ONE" "" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}'
assert_eq 200 "$CODE" "initialize through the first: $(cat "$E2E_TMP/mcp.b")"
SID=$(tr -d '\r' <"$E2E_TMP/mcp.h" | awk 'tolower($1) == "mcp-session-id:" {print $2}')
assert_true "a session id" test -n "$SID"
mcp_post "$TWO" "$SID" '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
assert_eq 200 "$CODE" "the session works through the other server: $(head -c 300 "$E2E_TMP/mcp.b")"
assert_true "its tools are listed" grep -q '"name":"search"' "$E2E_TMP/mcp.b"
mcp_post "$ONE" "$SID" '{"jsonrpc":"2.0","id":3,"method":"ping"}'
assert_eq 200 "$CODE" "and through the first still"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Mcp-Session-Id: $SID" "$TWO/mcp")
assert_eq 204 "$CODE" "ended through the other server"
mcp_post "$ONE" "$SID" '{"jsonrpc":"2.0","id":4,"method":"ping"}'
assert_eq 404 "$CODE" "ended for the first server too: $(cat "$E2E_TMP/mcp.b")"
serve_down
kill -TERM "$ONE_PID" && wait "$ONE_PID"
BASE=$PG_BASE PORT=$PG_PORT
no_password_in_output

# ---------------------------------------------------------------------------------------------
case_ "two servers on one PostgreSQL store count one rate limit (a key of 3 a minute gets 3 from both together) and see a revocation within 2 s"
KEY=$("$STRATA" keys create app --rate 3/min --store "$JOBS_URL" 2>/dev/null)
PG_BASE=$BASE PG_PORT=$PORT
serve_up 127.0.0.1:0 --store "$JOBS_URL" --collection docs
ONE=$BASE ONE_PID=$SERVE_PID
serve_up 127.0.0.1:0 --store "$JOBS_URL" --collection docs
TWO=$BASE
CODES=""
for base in "$ONE" "$TWO" "$ONE" "$TWO"; do
    CODES="$CODES $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$base/api/v1/collections")"
done
assert_eq " 200 200 200 429" "$CODES" "three requests pass across both servers, the fourth is refused"
curl -s -D "$E2E_TMP/headers" -o /dev/null -H "Authorization: Bearer $KEY" "$ONE/api/v1/collections"
assert_true "with Retry-After: $(cat "$E2E_TMP/headers")" grep -qi '^retry-after: [0-9]' "$E2E_TMP/headers"
assert_true "and no request left: $(cat "$E2E_TMP/headers")" grep -qi '^x-ratelimit-remaining-requests: 0' "$E2E_TMP/headers"
# A key revoked in the store (strata keys revoke, from any machine) is refused by both within 2 s.
code_of() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$1/api/v1/collections"; }
OTHER=$("$STRATA" keys create other --store "$JOBS_URL" 2>/dev/null)
for _ in $(seq 60); do [ "$(code_of "$ONE" "$OTHER") $(code_of "$TWO" "$OTHER")" = "200 200" ] && break; sleep 0.05; done
assert_eq "200 200" "$(code_of "$ONE" "$OTHER") $(code_of "$TWO" "$OTHER")" "a new key works through both"
expect_exit 0 -- "$STRATA" keys revoke other --store "$JOBS_URL"
REVOKED_AT=$(date +%s%N)
REFUSED=""
while [ $(( ($(date +%s%N) - REVOKED_AT) / 1000000 )) -lt 2000 ]; do
  REFUSED="$(code_of "$ONE" "$OTHER") $(code_of "$TWO" "$OTHER")"
  [ "$REFUSED" = "401 401" ] && break
  sleep 0.05
done
assert_eq "401 401" "$REFUSED" "refused by both servers within 2 s of the revocation"
serve_down
kill -TERM "$ONE_PID" && wait "$ONE_PID"
BASE=$PG_BASE PORT=$PG_PORT

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
