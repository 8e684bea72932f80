#!/usr/bin/env bash
# End-to-end tests of `strata serve` with curl on 127.0.0.1 (port 0: the announced port is
# parsed): health and readiness (503 without a store, 200 once one is ingested), each API
# route's answer on a small store, 404/405/413/422/400, a path with ../, a header-injection
# attempt, a slow-loris connection closed after the header timeout, the access log (route
# patterns, never the query), the metrics and the OpenAPI document, SIGTERM while a request is
# in flight (it is answered, exit 0), and a non-loopback address refused.
#
# Usage: bash tests/e2e/serve.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init serve "$@"

export STRATA_STORE="$E2E_TMP/store.db"
SERVER_PID=""
PORT=""
BASE=""

# start_server [FLAGS...]: starts strata serve on 127.0.0.1:0 and reads the port it announces.
start_server() { serve_up 127.0.0.1:0 --collection docs "$@"; SERVER_PID=$SERVE_PID; }

# stop_server: SIGTERM, then its exit code in STOP_RC.
stop_server() { serve_down; }

# req METHOD PATH [BODY] [CURL FLAGS...]: STATUS, BODY (the response's) and HEADERS.
has_header() { printf '%s\n' "$HEADERS" | grep -qix "$1"; }
header_named() { printf '%s\n' "$HEADERS" | grep -qi "^$1:"; }
req() {
    local method=$1 path=$2
    shift 2
    local data=()
    if [ $# -gt 0 ]; then
        data=(--data-binary "$1" -H 'Content-Type: application/json')
        shift
    fi
    STATUS=$(curl -sS --path-as-is -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' -X "$method" \
        "${data[@]+"${data[@]}"}" "$@" "$BASE$path" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }

case_ "a non-loopback address is refused, naming API keys"
expect_exit 2 -- "$STRATA" serve --listen 0.0.0.0:8765
expect_stderr_match 'loopback address only'
expect_stderr_match 'strata keys create'
expect_exit 2 -- "$STRATA" serve --listen nowhere
expect_stderr_match 'not HOST:PORT'

case_ "without a store: healthy, not ready, and said at start"
start_server --max-body 4096 --header-timeout 0.5
assert_true "the notice says loopback only" grep -q 'answering on this loopback address only' "$E2E_TMP/serve.err"
assert_true "the start-up lines name the page" grep -q "the page at $BASE/ " "$E2E_TMP/serve.err"
assert_true "and MCP and the API" grep -q "MCP at $BASE/mcp, its own API at $BASE/api/v1" "$E2E_TMP/serve.err"
assert_true "a missing store is warned of at start, naming its path" grep -q "warning: no store at $STRATA_STORE yet: not ready" "$E2E_TMP/serve.err"
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "hi"}]}'
expect_status 503 "a chat completion without a store"
expect_json_true "says there is no store yet, not 'try again later', and not where" '"no store yet" in d["error"]["message"] and "try again" not in d["error"]["message"] and "store.db" not in json.dumps(d)'
req GET /healthz
expect_status 200 "healthz"
assert_eq '{"status":"ok"}' "$BODY" "healthz body"
req GET /readyz
expect_status 503 "readyz without a store"
req GET /api/v1/collections
expect_status 503 "collections without a store"

case_ "a store ingested: ready, and each route answers"
mkdir -p docs
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest one.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs
req GET /readyz
expect_status 200 "readyz with a store"
req POST /api/v1/search '{"query": "roll back a migration", "k": 2}'
expect_status 200 "search"
expect_json_true "the first hit cites rollback.md" 'd["hits"][0]["citation"].startswith("docs/rollback.md:L") and d["collection"] == "docs"'
req GET /api/v1/collections
expect_status 200 "collections"
expect_json_true "docs with 2 documents" '[c["documents"] for c in d["collections"] if c["name"] == "docs"] == [2]'
req GET '/api/v1/collections/docs/documents?limit=1&filter=SECRETFILTER'
expect_status 200 "documents, filtered"
expect_json_true "nothing passes" 'd["total"] == 0'
req GET '/api/v1/collections/docs/documents?limit=1'
expect_status 200 "documents, a page"
expect_json_true "one of two, next at 1" 'd["total"] == 2 and len(d["documents"]) == 1 and d["next_offset"] == 1'
req GET '/api/v1/collections/docs/documents/docs/rollback.md?start_line=3&end_line=4'
expect_status 200 "read lines"
expect_json_true "lines 3-4" 'd["citation"] == "docs/rollback.md:L3-L4" and d["text"].startswith("To roll back")'
req POST /api/v1/collections/docs/documents '{"source": "notes/new.md", "text": "# New\n\nA note stored over HTTP.\n"}'
expect_status 200 "ingest a document"
expect_json_true "new, one chunk" 'd["action"] == "new" and d["chunks"] == 1'
req DELETE /api/v1/collections/docs/documents/notes/new.md
expect_status 200 "remove it"
expect_json_true "removed" 'd["removed"] is True'
req GET /api/v1/collections/docs/documents/notes/new.md
expect_status 404 "read after removal"

case_ "refusals: 404, 405, 413, 422, 400, a path with ../"
req GET /no/such/route
expect_status 404 "unknown path"
req POST /healthz
expect_status 405 "wrong method"
assert_true "Allow lists GET and HEAD" grep -qx 'Allow: GET, HEAD' <(printf '%s\n' "$HEADERS")
req POST /api/v1/search "{\"query\": \"$(head -c 5000 /dev/zero | tr '\0' a)\"}"
expect_status 413 "a body over --max-body"
req POST /api/v1/search '{"query": "x", "k": 500}'
expect_status 422 "k out of range"
expect_json_true "loc names body.k" 'd["detail"][0]["loc"] == ["body", "k"]'
req GET '/api/v1/collections/docs/documents?offset=minus'
expect_status 422 "a query integer that is not one"
expect_json_true "loc names query.offset" 'd["detail"][0]["loc"] == ["query", "offset"]'
req POST /api/v1/search '{"query": '
expect_status 400 "malformed JSON"
req GET '/api/v1/collections/docs/documents/../../../../etc/passwd'
expect_status 400 "a path with ../"
req GET '/api/v1/collections/docs/documents/%2e%2e/%2e%2e/etc/passwd'
expect_status 400 "a path with escaped ../"

case_ "header injection: nothing a client sends reaches a response header"
req GET '/api/v1/collections/x%0d%0aSet-Cookie:%20stolen=1/documents'
assert_false "no Set-Cookie header" grep -qi '^Set-Cookie' <(printf '%s\n' "$HEADERS")
req DELETE '/healthz%0d%0aX-Injected:%201'
assert_false "no injected header" grep -qi '^X-Injected' <(printf '%s\n' "$HEADERS")
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rSet-Cookie: b=c\r\nConnection: close\r\n\r\n' >&3
raw=$(timeout 5 cat <&3 | tr -d '\r')
exec 3<&-
assert_false "a bare CR in a request header is no header of the answer" grep -qi '^Set-Cookie' <(printf '%s\n' "$raw")
assert_true "it is refused with 400" grep -q '^HTTP/1.1 400' <(printf '%s\n' "$raw")

case_ "a slow-loris client is closed after the header timeout, without an answer"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n' >&3
raw=$(timeout 10 cat <&3)
slow_rc=$?
exec 3<&-
assert_eq 0 "$slow_rc" "the server closed the connection (cat ended before its timeout)"
assert_eq "" "$raw" "nothing was written to it"
req GET /healthz
expect_status 200 "the server still answers"

case_ "the access log, the metrics and the OpenAPI document"
assert_true "a JSON line per request with the route pattern" \
    grep -q '"route":"/api/v1/collections/{collection}/documents","status":200' "$E2E_TMP/serve.err"
assert_false "never the query" grep -q 'SECRETFILTER' "$E2E_TMP/serve.err"
assert_true "every log line after the notices is JSON" python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
assert len(lines) > 10, len(lines)
for l in lines:
    d = json.loads(l)
    # An access log line, or a failure the operator reads (a chat completion without a store).
    assert set(d) in ({"time", "method", "route", "status", "duration_ms", "bytes_out", "key"}, {"error", "route"}), d
' "$E2E_TMP/serve.err"
req GET /metrics
expect_status 200 "metrics"
assert_true "search counted by route and status" grep -qF 'strata_http_requests_total{route="/api/v1/search",method="POST",status="200"} 1' "$E2E_TMP/body"
assert_true "a latency histogram" grep -qF 'strata_http_request_duration_seconds_bucket{route="/api/v1/search",le="+Inf"}' "$E2E_TMP/body"
assert_true "the process's own metrics: memory, CPU, open files, a start time of today" python3 -c '
import sys, time
m = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("process_")}
assert m["process_resident_memory_bytes"] > 1e6 and m["process_cpu_seconds_total"] > 0, m
assert 0 < m["process_open_fds"] <= m["process_max_fds"], m
assert abs(time.time() - m["process_start_time_seconds"]) < 3600, m
' "$E2E_TMP/body"
req GET /openapi.json
expect_status 200 "openapi.json"
expect_json_true "OpenAPI 3.1 with the API's paths" \
    'd["openapi"] == "3.1.0" and {"/api/v1/search", "/api/v1/collections", "/api/v1/collections/{collection}/documents/{source}", "/healthz"} <= set(d["paths"])'
assert_true "Vary: Accept-Encoding" has_header 'vary: accept-encoding'
assert_false "sent as it is to a client that asks for no coding" header_named content-encoding
cp "$E2E_TMP/body" "$E2E_TMP/openapi.plain"

case_ "the OpenAPI document is valid to the OpenAPI Initiative's schemas (a validator from npm)"
OPENAPI_VALIDATOR_VERSION=2.11.0
VALIDATOR_DIR="${STRATA_TEST_PACKAGES:-$(dirname "$STRATA")}/openapi-validator"
if npm_install_pinned "$VALIDATOR_DIR" "@seriousme/openapi-schema-validator@$OPENAPI_VALIDATOR_VERSION" 2>"$E2E_TMP/npm.log"; then
    assert_eq "valid 3.1" "$(node "$(dirname "$0")/openapi_validate.mjs" "$VALIDATOR_DIR" "$E2E_TMP/openapi.plain" 2>&1 | tail -c 4000)" \
        "valid OpenAPI 3.1"
else
    skip "npm could not install @seriousme/openapi-schema-validator@$OPENAPI_VALIDATOR_VERSION: $(head -4 "$E2E_TMP/npm.log" | tr -s ' \n' ' ')"
fi
OUT=$(cat "$E2E_TMP/openapi.plain")
expect_json_true "a job's routes: 202 with the job and its Location, events as a stream after Last-Event-ID" '(
all("Location" in d["paths"][p]["post"]["responses"]["202"]["headers"] for p in
    ["/api/v1/collections/{collection}/web", "/api/v1/collections/{collection}/embed", "/api/v1/collections/{collection}/documents"])
and "text/event-stream" in d["paths"]["/api/v1/jobs/{job}/events"]["get"]["responses"]["200"]["content"]
and {"Last-Event-ID", "last_event_id"} <= {p["name"] for p in d["paths"]["/api/v1/jobs/{job}/events"]["get"]["parameters"]}
and {"404", "422"} <= set(d["paths"]["/api/v1/jobs/{job}/events"]["get"]["responses"])
and "max-jobs-per-key" in d["paths"]["/api/v1/collections/{collection}/embed"]["post"]["responses"]["429"]["description"])'

case_ "gzip for a client that accepts it (curl --compressed)"
# get PATH [CURL ARGS...]: a GET with more curl arguments (req's third argument is a body).
get() {
    local path=$1
    shift
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' "$@" "$BASE$path" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
}
get /openapi.json --compressed
expect_status 200 "openapi.json, compressed"
assert_true "Content-Encoding: gzip" has_header 'content-encoding: gzip'
assert_true "inflated, the same document" cmp -s "$E2E_TMP/body" "$E2E_TMP/openapi.plain"
# The bytes on the wire: at least 4 times smaller (the aim), and gzip that inflates to the document.
curl -sS -H 'Accept-Encoding: gzip' -o "$E2E_TMP/openapi.gz" "$BASE/openapi.json"
assert_true "gzip on the wire" python3 -c 'import gzip, sys; sys.exit(0 if gzip.decompress(open(sys.argv[1], "rb").read()) == open(sys.argv[2], "rb").read() else 1)' \
    "$E2E_TMP/openapi.gz" "$E2E_TMP/openapi.plain"
plain_bytes=$(wc -c <"$E2E_TMP/openapi.plain")
gz_bytes=$(wc -c <"$E2E_TMP/openapi.gz")
echo "serve: /openapi.json $plain_bytes bytes, gzip $gz_bytes" >&2
assert_true "4x smaller at least ($plain_bytes -> $gz_bytes)" [ $((gz_bytes * 4)) -le "$plain_bytes" ]
# A search answer with many hits, compressed; the same hits as without.
mkdir -p more
for i in $(seq 1 120); do printf '# Note %d\n\nRanking note %d: keyword ranking orders the chunks.\n' "$i" "$i" >"more/note$i.md"; done
expect_exit 0 -- "$STRATA" ingest -q --collection docs more
req POST /api/v1/search '{"query": "ranking", "k": 50}'
cp "$E2E_TMP/body" "$E2E_TMP/search.plain"
req POST /api/v1/search '{"query": "ranking", "k": 50}' --compressed
expect_json_true "50 hits (the most a search gives)" 'len(d["hits"]) == 50'
assert_true "the search answer gzipped" has_header 'content-encoding: gzip'
search_plain=$(wc -c <"$E2E_TMP/search.plain")
search_gz=$(curl -sS -H 'Accept-Encoding: gzip' -H 'Content-Type: application/json' --data-binary '{"query": "ranking", "k": 50}' "$BASE/api/v1/search" | wc -c)
echo "serve: a 50-hit search answer $search_plain bytes, gzip $search_gz" >&2
assert_true "the search answer 4x smaller at least ($search_plain -> $search_gz)" [ $((search_gz * 4)) -le "$search_plain" ]
assert_true "the same hits inflated" cmp -s "$E2E_TMP/body" "$E2E_TMP/search.plain"
# gzip;q=0 refuses it; a HEAD says the compressed length, with no body.
get /openapi.json -H 'Accept-Encoding: gzip;q=0, identity'
assert_false "gzip;q=0: not compressed" header_named content-encoding
curl -sS --head -H 'Accept-Encoding: gzip' -o /dev/null -D "$E2E_TMP/head" "$BASE/openapi.json"
assert_true "HEAD: the compressed length" grep -qix "content-length: $gz_bytes" <(tr -d '\r' <"$E2E_TMP/head")
# A small answer is not worth it.
get /healthz --compressed
assert_false "a small body as it is" header_named content-encoding
stop_server
assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"

case_ "SIGTERM while a request is in flight: it is answered, then exit 0"
start_server
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
body='{"query": "bm25 ranking", "k": 1}'
printf 'POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "${#body}" "${body:0:10}" >&3
# Until the server has read that request's header: it is in flight with the scrape itself.
for _ in $(seq 1 200); do
    curl -s "$BASE/metrics" | grep -qx 'strata_http_requests_in_flight 2' && break
    sleep 0.05
done
kill -TERM "$SERVER_PID"
# Until the signal is taken: the server no longer accepts connections.
for _ in $(seq 1 200); do
    curl -s -o /dev/null "$BASE/healthz" || break
    sleep 0.05
done
printf '%s' "${body:10}" >&3
raw=$(timeout 10 cat <&3 | tr -d '\r')
exec 3<&-
wait "$SERVER_PID"
STOP_RC=$?
assert_true "the request in flight got its answer" grep -q '^HTTP/1.1 200' <(printf '%s\n' "$raw")
assert_true "with Connection: close" grep -qi '^Connection: close' <(printf '%s\n' "$raw")
assert_true "and its hits" grep -q 'docs/search.md' <(printf '%s\n' "$raw")
assert_eq 0 "$STOP_RC" "exit 0"

case_ "a second serve on the same SQLite store is told it shares nothing with the first"
start_server
first_err="$E2E_TMP/first.err"
cp "$E2E_TMP/serve.err" "$first_err"
FIRST_PID=$SERVER_PID
serve_up 127.0.0.1:0 --collection docs
assert_true "the second names the other serve and the way out" \
    grep -q "warning: another strata serve has the store $STRATA_STORE open: a SQLite store is served by one process.*run replicas on a PostgreSQL store" "$E2E_TMP/serve.err"
http_req GET /healthz
expect_http 200 "the second answers all the same"
serve_down
SERVE_PID=$FIRST_PID
assert_true "the first said nothing of it" bash -c '! grep -q "another strata serve" "$1"' _ "$first_err"
serve_down
# Once the first is gone, a new server has the store to itself.
serve_up 127.0.0.1:0 --collection docs
assert_true "alone again: no warning" bash -c '! grep -q "another strata serve" "$1"' _ "$E2E_TMP/serve.err"
expect_exit 0 -- "$STRATA" ingest docs --collection docs -q
serve_down
assert_eq 0 "$STOP_RC" "exit 0"

e2e_finish
