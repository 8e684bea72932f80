#!/usr/bin/env bash
# End-to-end tests of API keys in `strata serve`, with curl on 127.0.0.1: a store without keys is
# served on loopback only (another address refused, even with only a revoked key); once it holds
# keys, the server listens on 0.0.0.0 and every request but health, readiness and the OpenAPI
# document needs one: 401 with WWW-Authenticate for none, a bad, a revoked (at once) and an
# expired key, 403 for a scope or a collection the key lacks, a collection-limited key's listing,
# 429 with Retry-After and the x-ratelimit-* headers, the key's name in the access log and its
# secret nowhere there, and a refused write leaving the store's file and tables as they were.
#
# Usage: bash tests/e2e/serve_keys.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init serve_keys "$@"

export STRATA_STORE="$E2E_TMP/store.db"
SERVER_PID=""
BASE=""

# start_server LISTEN: starts strata serve there and reads the port it announces (connecting on
# 127.0.0.1 whatever the address).
start_server() { serve_up "$1" --collection docs; SERVER_PID=$SERVE_PID; }

stop_server() { serve_down; }

# req KEY METHOD PATH [BODY]: STATUS, BODY and HEADERS of the answer ("" KEY: none sent).
req() {
    local key=$1 method=$2 path=$3
    shift 3
    local args=()
    [ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
    [ $# -gt 0 ] && args+=(--data-binary "$1" -H 'Content-Type: application/json')
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' -X "$method" "${args[@]}" "$BASE$path" \
        2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }
header_value() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
new_key() { "$STRATA" keys create "$@" 2>/dev/null; }
# The store's documents and chunks (everything but the keys, whose last use may be written).
content_print() { sqlite3 -readonly -batch "$STRATA_STORE" .dump | grep -v 'INTO api_keys' | sha256sum | cut -c1-16; }

mkdir -p docs notes
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\n' >docs/rollback.md
printf '# Plans\n\nThe secret plans.\n' >notes/plans.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs
expect_exit 0 -- "$STRATA" ingest --collection notes notes

case_ "a store without a live key: loopback only, and no key needed there"
expect_exit 0 -- "$STRATA" keys create early
expect_exit 0 -- "$STRATA" keys revoke early
expect_exit 2 -- "$STRATA" serve --listen 0.0.0.0:0
expect_stderr_match 'holds no API key'
expect_stderr_match 'strata keys create'
start_server 127.0.0.1:0
assert_true "the notice says loopback only" grep -q 'answering on this loopback address only' "$E2E_TMP/serve.err"
req "" GET /api/v1/collections
expect_status 200 "collections without a key"
stop_server
assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"

case_ "a store with keys: any address, and every request but health needs a key"
READER=$(new_key reader)
WRITER=$(new_key writer --scope write)
ADMIN=$(new_key ops --scope admin)
DOCS=$(new_key docs-only --collection docs)
SLOW=$(new_key slow --rate 2/min)
OLD=$(new_key old)
GONE=$(new_key gone)
SECRETS=("$READER" "$WRITER" "$ADMIN" "$DOCS" "$SLOW" "$OLD" "$GONE")
for s in "${SECRETS[@]}"; do [[ $s == sk-strata-* ]] || fail "no secret printed: $s"; done
sqlite3 "$STRATA_STORE" "UPDATE api_keys SET expires_at = '2001-01-01T00:00:00Z' WHERE name = 'old'"
start_server 0.0.0.0:0
assert_true "the notice says keys are required" grep -q 'API keys required' "$E2E_TMP/serve.err"
for path in /healthz /readyz /openapi.json; do
    req "" GET "$path"
    expect_status 200 "$path without a key"
done
req "" GET /api/v1/collections
expect_status 401 "no key"
assert_eq "Bearer" "$(header_value WWW-Authenticate)" "WWW-Authenticate"
expect_json_true "FastAPI's shape" 'd == {"detail": "no API key: send one as Authorization: Bearer KEY"}'
req "sk-strata-${READER:10:20}" GET /api/v1/collections
expect_status 401 "a bad key"
expect_json_true "invalid" 'd["detail"] == "invalid API key"'
req "$OLD" GET /api/v1/collections
expect_status 401 "an expired key"
expect_json_true "expired" 'd["detail"] == "this API key has expired"'

case_ "scopes: read, write, admin"
req "$READER" POST /api/v1/search '{"query": "roll back"}'
expect_status 200 "a read key searches"
req "$READER" GET /metrics
expect_status 403 "a read key reads no metrics"
req "$WRITER" POST /api/v1/collections/docs/documents '{"source": "w.md", "text": "# W\n\nWritten with a write key.\n"}'
expect_status 200 "a write key ingests"
req "$WRITER" GET /metrics
expect_status 403 "a write key reads no metrics"
req "$ADMIN" GET /metrics
expect_status 200 "an admin key reads the metrics"

case_ "a key limited to a collection"
req "$DOCS" GET /api/v1/collections
expect_status 200 "its listing"
expect_json_true "docs alone" '[c["name"] for c in d["collections"]] == ["docs"]'
req "$READER" GET /api/v1/collections
expect_json_true "another key sees both" 'sorted(c["name"] for c in d["collections"]) == ["docs", "notes"]'
req "$DOCS" POST /api/v1/search '{"query": "plans", "collection": "notes"}'
expect_status 403 "search in another collection"
expect_json_true "named" 'd["detail"] == "this API key may not read collection '"'"'notes'"'"'"'
req "$DOCS" GET /api/v1/collections/notes/documents/notes/plans.md
expect_status 403 "read in another collection"
req "$DOCS" POST /api/v1/search '{"query": "roll back"}'
expect_status 200 "search in its own"

case_ "a refused write leaves the store's file and tables as they were"
# The keys used so far have their use recorded (by the server's own thread, off the requests'
# path) before the store is looked at; the keys used below were used within the minute.
USED="SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL AND name IN ('reader', 'writer', 'ops', 'docs-only')"
for _ in $(seq 1 100); do
    [ "$(db_q "$STRATA_STORE" "$USED")" = 4 ] && break
    sleep 0.05
done
assert_eq 4 "$(db_q "$STRATA_STORE" "$USED")" "the keys' last use is recorded"
BEFORE_CONTENT=$(content_print)
BEFORE_FILE="$(file_sha "$STRATA_STORE") $(file_sha "$STRATA_STORE-wal")"
req "$READER" POST /api/v1/collections/docs/documents '{"source": "evil.md", "text": "# Evil\n"}'
expect_status 403 "a read key may not ingest"
expect_json_true "why" 'd["detail"] == "this API key'"'"'s scope is read; this route needs write"'
req "$READER" DELETE /api/v1/collections/docs/documents/docs/rollback.md
expect_status 403 "a read key may not remove"
req "$DOCS" DELETE /api/v1/collections/notes/documents/notes/plans.md
expect_status 403 "a key may not remove in another collection"
req "" POST /api/v1/collections/docs/documents '{"source": "evil.md", "text": "# Evil\n"}'
expect_status 401 "no key may not ingest"
assert_eq "$BEFORE_CONTENT" "$(content_print)" "the tables are unchanged"
assert_eq "$BEFORE_FILE" "$(file_sha "$STRATA_STORE") $(file_sha "$STRATA_STORE-wal")" "the store's files are unchanged"

case_ "a revoked key is refused at its next request"
req "$GONE" GET /api/v1/collections
expect_status 200 "before"
expect_exit 0 -- "$STRATA" keys revoke gone
req "$GONE" GET /api/v1/collections
expect_status 401 "after"
expect_json_true "revoked" 'd["detail"] == "this API key was revoked"'

case_ "a rate per key: 429 with Retry-After and the x-ratelimit headers"
req "$SLOW" GET /api/v1/collections
expect_status 200 "first"
assert_eq "2" "$(header_value x-ratelimit-limit-requests)" "limit"
assert_eq "1" "$(header_value x-ratelimit-remaining-requests)" "remaining"
assert_eq "30s" "$(header_value x-ratelimit-reset-requests)" "reset"
req "$SLOW" GET /api/v1/collections
expect_status 200 "second"
assert_eq "0" "$(header_value x-ratelimit-remaining-requests)" "none remaining"
req "$SLOW" GET /api/v1/collections
expect_status 429 "third"
assert_true "Retry-After in seconds (about 30)" test "$(header_value Retry-After)" -ge 29 -a "$(header_value Retry-After)" -le 30
assert_eq "2" "$(header_value x-ratelimit-limit-requests)" "limit on the 429"
assert_eq "0" "$(header_value x-ratelimit-remaining-requests)" "remaining on the 429"
req "$READER" GET /api/v1/collections
expect_status 200 "another key is not limited by it"
assert_eq "" "$(header_value x-ratelimit-limit-requests)" "a key without a rate gets no limit headers"

case_ "a key's jobs are its own: another key neither sees nor cancels them; an admin key lists them"
# An embed job against the fake embedding server (tests/servers/openai_server.py), which the
# collection records and which answers 3 s late, so that each job is still running when the
# other keys ask for it.
python3 "$E2E_LIB_DIR/../servers/openai_server.py" serve --port-file "$E2E_TMP/embed.port" 2>"$E2E_TMP/embed.err" &
e2e_bg $!
disown $! 2>/dev/null  # no "Killed" notice from bash when the cleanup kills it
for _ in $(seq 1 200); do [ -s "$E2E_TMP/embed.port" ] && break; sleep 0.05; done
EMBED_URL="http://127.0.0.1:$(cat "$E2E_TMP/embed.port")/v1"
embed_latency() { python3 "$E2E_LIB_DIR/../servers/openai_server.py" ctl "$E2E_TMP/embed.port" POST /_control/config "{\"latency_ms\": $1}" >/dev/null; }
# job_notes FIRST LAST: notes FIRST..LAST stored in collection jobs (by the command line), no vector.
job_notes() {
    mkdir -p jobnotes
    for i in $(seq "$1" "$2"); do printf '# Job note %s\n\nNotes about topic %s and migrations.\n' "$i" "$i" >"jobnotes/n$i.md"; done
    expect_exit 0 -- "$STRATA" ingest --collection jobs jobnotes
}
UNEMBEDDED="SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections k ON k.id = d.collection_id
  WHERE k.name = 'jobs' AND c.id NOT IN (SELECT chunk_id FROM embeddings)"
job_notes 1 3
expect_exit 0 -- "$STRATA" embed --collection jobs --base-url "$EMBED_URL" --model test-model -q
job_notes 4 12
JOB_A=$(new_key job-a --scope write)
JOB_B=$(new_key job-b --scope write)
SECRETS+=("$JOB_A" "$JOB_B")
# lists KEY: GET /api/v1/jobs as KEY (200 asserted); LISTED: the ids it lists, one a line.
lists() {
    req "$1" GET /api/v1/jobs
    expect_status 200 "the jobs of key $2"
    LISTED=$(python3 -c 'import json, sys; [print(j["id"]) for j in json.loads(sys.argv[1])["jobs"]]' "$BODY" 2>&1)
}
job_of_body() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$BODY" 2>/dev/null; }
embed_latency 3000
req "$JOB_A" POST /api/v1/collections/jobs/embed '{}'
expect_status 202 "key A queues an embed"
JOB=$(job_of_body)
assert_eq "/api/v1/jobs/$JOB" "$(header_value Location)" "its Location"
req "$JOB_B" GET "/api/v1/jobs/$JOB"
expect_status 404 "key B reads A's job: 404"
expect_json_true "as an unknown job's" 'list(d) == ["detail"]'
req "$JOB_B" GET "/api/v1/jobs/$JOB/events"
expect_status 404 "key B reads A's job's events: 404"
lists "$JOB_B" B
assert_false "key B's list does not hold it: $LISTED" grep -qx "$JOB" <<<"$LISTED"
lists "$JOB_A" A
assert_true "key A's list holds it: $LISTED" grep -qx "$JOB" <<<"$LISTED"
lists "$ADMIN" ops
assert_true "the admin key's list holds it: $LISTED" grep -qx "$JOB" <<<"$LISTED"
req "$JOB_B" DELETE "/api/v1/jobs/$JOB"
expect_status 404 "key B cancels A's job: 404"
req "$JOB_A" GET "/api/v1/jobs/$JOB"
expect_status 200 "key A reads its job"
expect_json_true "not cancelled by B's DELETE: still under way" 'd["status"] in ("queued", "running")'
job_wait "$JOB" 60 -H "Authorization: Bearer $JOB_A"
assert_eq succeeded "$JOB_STATUS" "A's job runs to its end, B's DELETE notwithstanding: $(cat "$E2E_TMP/job")"
assert_eq 9 "$(job_field "j['result']['embedded']")" "it embedded the 9 notes that waited"
expect_exit 0 -- "$STRATA" jobs show "$JOB" --json
expect_json_true "its owner is key A" 'd["owner"] == "job-a" and d["status"] == "succeeded"'
job_notes 13 20
req "$JOB_A" POST /api/v1/collections/jobs/embed '{}'
expect_status 202 "key A queues another"
JOB=$(job_of_body)
sleep 0.5
req "$JOB_A" DELETE "/api/v1/jobs/$JOB"
expect_status 200 "key A cancels its job"
expect_json_true "the answer is the job" "d['id'] == '$JOB'"
job_wait "$JOB" 60 -H "Authorization: Bearer $JOB_A"
assert_eq cancelled "$JOB_STATUS" "A's cancel stops it: $(cat "$E2E_TMP/job")"
assert_eq "job-a cancelled" "$(db_q "$STRATA_STORE" "SELECT owner, status FROM jobs WHERE id = '$JOB'" | tr '|' ' ')" "so the store says"

case_ "an embed job on SQLite through Node's own fetch: followed by its events, resumed with Last-Event-ID, to its end"
job_notes 21 30
WAITING=$(db_q "$STRATA_STORE" "$UNEMBEDDED")
assert_true "chunks wait for a vector ($WAITING)" test "$WAITING" -ge 10
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
else
    JOBS_CLIENT_KEY=$JOB_A E2E_CMD_TIMEOUT=90 run node "$E2E_LIB_DIR/jobs_client.mjs" "$BASE/api/v1/collections/jobs/embed" '{}' events
    assert_eq 0 "$RC" "the client's checks: $OUT"
    assert_eq 4 "$(grep -c '^ok ' "$E2E_TMP/.out")" "four checks passed: $OUT"
    RESULT=$(sed -n 's/^ok succeeded with result //p' "$E2E_TMP/.out")
    assert_eq "$WAITING 0" "$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["embedded"], r["failed"])' "$RESULT" 2>&1)" "the job's result: every waiting chunk embedded ($RESULT)"
fi
assert_eq 0 "$(db_q "$STRATA_STORE" "$UNEMBEDDED")" "every chunk of the collection has its vector"
embed_latency 0
expect_exit 0 -- "$STRATA" search --collection jobs --mode vector --json "topic 17 migrations"
assert_eq 10 "$(printf '%s\n' "$OUT" | grep -c '"source":"jobnotes/')" "a vector search answers its ten best notes"

case_ "the access log names the key, never its secret"
stop_server
assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
assert_true "the reader's name" grep -q '"route":"/api/v1/search","status":200,.*"key":"reader"' "$E2E_TMP/serve.err"
assert_true "the limited key's 429" grep -q '"status":429,.*"key":"slow"' "$E2E_TMP/serve.err"
assert_true "no key: empty" grep -q '"status":401,.*"key":""' "$E2E_TMP/serve.err"
for s in "${SECRETS[@]}"; do
    assert_false "no secret in the log" grep -qF "${s:10}" "$E2E_TMP/serve.err"
done

e2e_finish
