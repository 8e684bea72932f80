#!/usr/bin/env bash
# The same cases through every door, which must agree (service/profile.h, ErrorKind):
#  - an unknown collection: the CLI exits 3, MCP (stdio and /mcp) answers a tool error,
#    /api/v1 404, /v1 404 model_not_found;
#  - a hung embedding server: /api/v1/search, /mcp, MCP over stdio and /v1's answers fall back to
#    keyword passages within the door's deadline rather than wait on it, and a server's routes
#    share what they found (a route after another's failure does not wait on it again);
#  - a query that cannot be embedded: no setting-marker byte (raw or as \u000e) reaches any client;
#  - a caller without reach: one wording on /api/v1 (403) and /mcp (a tool error), and /v1 names
#    no model that is not the caller's.
#
# Usage: bash tests/e2e/doors.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init doors "$@"
. "$HERE/../servers/e2e_helpers.sh"

export STRATA_STORE="$E2E_TMP/store.db"
start_server
UPSTREAM=$PORT
export OPENAI_BASE_URL=$URL

mkdir -p docs notes
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\n' >docs/rollback.md
printf '# Plans\n\nThe secret plans.\n' >notes/plans.md
expect_exit 0 -- "$STRATA" ingest -q --collection docs docs
expect_exit 0 -- "$STRATA" ingest -q --collection notes notes
expect_exit 0 -- "$STRATA" embed -q --collection docs --base-url "$URL" --model test-embed

# no_markers FILE WHAT: neither a raw marker byte (SO, SI) nor a JSON escape of one in FILE.
no_markers() {
    assert_false "$2: no raw setting marker" grep -q $'[\x0e\x0f]' "$1"
    assert_false "$2: no escaped setting marker" grep -qiE '\\u000[ef]' "$1"
}

# mcp_stdio TOOL ARGS_JSON: one tool call through `strata mcp`; its result JSON in $E2E_TMP/mcp.out.
mcp_stdio() {
    python3 - "$STRATA" "$1" "$2" >"$E2E_TMP/mcp.out" <<'EOF'
import json, subprocess, sys
strata, tool, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
msgs = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "doors", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": args}},
]
p = subprocess.run([strata, "mcp"], input="".join(json.dumps(m) + "\n" for m in msgs).encode(),
                   capture_output=True, timeout=90)
for line in p.stdout.decode("utf-8", "replace").splitlines():
    r = json.loads(line)
    if r.get("id") == 2:
        print(json.dumps(r.get("result", r.get("error"))))
EOF
}

# mcp_http TOOL ARGS_JSON [KEY]: the same through /mcp (a session opened first).
mcp_http() {
    python3 - "$BASE" "$1" "$2" "${3:-}" >"$E2E_TMP/mcp.out" <<'EOF'
import json, sys, urllib.request
base, tool, args, key = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
def post(msg, session=None):
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
         "MCP-Protocol-Version": "2025-06-18"}
    if key: h["Authorization"] = "Bearer " + key
    if session: h["Mcp-Session-Id"] = session
    req = urllib.request.Request(base + "/mcp", data=json.dumps(msg).encode(), headers=h, method="POST")
    with urllib.request.urlopen(req, timeout=90) as r:
        return r.headers.get("Mcp-Session-Id"), r.read().decode()
sid, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "doors", "version": "1"}}})
post({"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
_, body = post({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": args}}, sid)
print(json.dumps(json.loads(body).get("result")))
EOF
}

serve_up 127.0.0.1:0 --collection docs

case_ "an unknown collection: exit 3, a tool error, 404"
expect_exit 3 -- "$STRATA" search --collection nope rollback
expect_error_line "no collection named 'nope'"
mcp_stdio search '{"query": "rollback", "collection": "nope"}'
OUT=$(cat "$E2E_TMP/mcp.out")
expect_json_true "MCP stdio: a tool error naming it" 'd["isError"] and "nope" in d["content"][0]["text"]'
mcp_http search '{"query": "rollback", "collection": "nope"}'
OUT=$(cat "$E2E_TMP/mcp.out")
expect_json_true "/mcp: a tool error naming it" 'd["isError"] and "nope" in d["content"][0]["text"]'
http_req POST /api/v1/search --json '{"query": "rollback", "collection": "nope"}'
expect_http 404 "/api/v1/search"
http_req POST /v1/chat/completions --json '{"model": "strata/nope", "messages": [{"role": "user", "content": "rollback?"}]}'
expect_http 404 "/v1/chat/completions"
OUT=$BODY
expect_json_true "model_not_found" 'd["error"]["code"] == "model_not_found"'

case_ "a hung embedding server: every door answers by keyword within its deadline"
for door in api mcp_http mcp_stdio v1; do
    ctl POST /_control/reset
    ctl POST /_control/script '{"responses": [{"fault": "slow", "ms": 600000}]}'
    started=$SECONDS
    case $door in
        api)
            http_req POST /api/v1/search --max-time 60 --json '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'
            expect_http 200 "/api/v1/search"
            cp "$E2E_TMP/body" "$E2E_TMP/door.$door"
            ;;
        mcp_http) mcp_http search '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'; cp "$E2E_TMP/mcp.out" "$E2E_TMP/door.$door" ;;
        mcp_stdio) mcp_stdio search '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'; cp "$E2E_TMP/mcp.out" "$E2E_TMP/door.$door" ;;
        v1)
            http_req POST /v1/chat/completions --max-time 60 \
                --json '{"model": "strata/docs", "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
            expect_http 200 "/v1/chat/completions"
            cp "$E2E_TMP/body" "$E2E_TMP/door.$door"
            ;;
    esac
    took=$((SECONDS - started))
    assert_true "$door: answered within the door's deadline (took ${took} s)" test "$took" -lt 35
    if [ "$door" = mcp_http ]; then
        # /api/v1/search found the server hung a moment ago: the server's other routes do not wait
        # on it again (the sessions share the breakers), they say so at once.
        assert_true "/mcp did not wait on what /api/v1/search found hung (took ${took} s)" test "$took" -lt 5
        assert_true "/mcp says it was not tried, and why" grep -q "not tried: the embedding server of collection" "$E2E_TMP/door.$door"
    fi
    assert_true "$door: the passage was found by keyword" grep -q "migrate down" "$E2E_TMP/door.$door"
done
assert_true "/api/v1/search says why it is keyword only" grep -q "query_not_embedded" "$E2E_TMP/door.api"
no_markers "$E2E_TMP/door.api" "/api/v1/search, hung server"

case_ "a query that cannot be embedded: no marker bytes on any door"
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
http_req POST /api/v1/search --json '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'
expect_http 200 "/api/v1/search with the embedding server gone"
assert_true "it says why" grep -q "query_not_embedded" "$E2E_TMP/body"
no_markers "$E2E_TMP/body" "/api/v1/search"
mcp_http search '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'
no_markers "$E2E_TMP/mcp.out" "/mcp"
mcp_stdio search '{"query": "roll back a migration", "collection": "docs", "mode": "hybrid"}'
no_markers "$E2E_TMP/mcp.out" "MCP stdio"
http_req POST /v1/chat/completions --json '{"model": "strata/docs", "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
no_markers "$E2E_TMP/body" "/v1/chat/completions"
"$STRATA" search --collection docs --mode hybrid "roll back" >"$E2E_TMP/cli.out" 2>"$E2E_TMP/cli.err"
no_markers "$E2E_TMP/cli.err" "the CLI"
serve_down

case_ "a caller without reach: one wording, and no model that is not the caller's"
KEY=$("$STRATA" keys create docs-only --collection docs 2>/dev/null)
serve_up 127.0.0.1:0 --collection docs
http_req POST /api/v1/search -H "Authorization: Bearer $KEY" --json '{"query": "plans", "collection": "notes"}'
expect_http 403 "/api/v1/search of another collection"
OUT=$BODY
expect_json_true "the one wording" 'd["detail"] == "this API key may not read collection '"'"'notes'"'"'"'
mcp_http search '{"query": "plans", "collection": "notes"}' "$KEY"
OUT=$(cat "$E2E_TMP/mcp.out")
expect_json_true "/mcp: the same wording as a tool error" 'd["isError"] and "this API key may not read collection '"'"'notes'"'"'" in d["content"][0]["text"]'
http_req POST /v1/chat/completions -H "Authorization: Bearer $KEY" --json '{"model": "strata/notes", "messages": [{"role": "user", "content": "plans?"}]}'
expect_http 404 "/v1: another collection is no model of the caller's"
assert_false "nothing of it answered" grep -q "secret plans" "$E2E_TMP/body"
serve_down

e2e_finish
