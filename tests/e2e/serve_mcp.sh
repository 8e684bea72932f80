#!/usr/bin/env bash
# MCP over Streamable HTTP: `strata serve`'s /mcp on 127.0.0.1 (port 0: the announced port is
# parsed) over a small store, driven by real clients nobody here wrote, pinned as tests/e2e/mcp.sh
# pins them (and installed into the same folders, so a run of either installs for both):
#  - the TypeScript SDK's StreamableHTTPClientTransport (@modelcontextprotocol/sdk 1.x):
#    initialize and its session, tools, search, resources, DELETE (tests/e2e/serve_mcp_client.mjs);
#  - the 2026 client package (@modelcontextprotocol/client 2.x) pinned to revision 2026-07-28:
#    server/discover, no session, the same tools and resources;
#  - the MCP Inspector's CLI mode over HTTP (`--cli --transport http URL`, Node 22);
#  - curl: a foreign Origin (403), no session id (400), an unknown session (404), DELETE, GET
#    (405), a malformed JSON-RPC body (400, -32700), a body over --max-body (413), a form post
#    (415), a notification (202), and the server still answering after all of them.
# Usage: bash tests/e2e/serve_mcp.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_mcp "$@"

SDK_VERSION=1.32.2
CLIENT_2026_VERSION=2.0.0
INSPECTOR_VERSION=2.12.0
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/mcp-clients"
CLIENT_2026="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/mcp-client-2026"

# --- a store with two collections, served ----------------------------------------------------
mkdir -p docs notes
cat >docs/guide.md <<'EOF'
# Migrations guide

Each migration has an up and a down section.

## Rolling back

To roll back the last migration, run strata migrate down. A rollback runs the down section
of the newest applied migration and removes its row from the history table.
EOF
printf '# FAQ\n\nWhere is the store? In .strata/store.db under the project root.\n' >docs/faq.md
printf '# Retention\n\nDocuments are kept for seven years; the retention policy names exceptions.\n' >"notes/policy retention.md"
printf '# Travel\n\nBook travel through the portal.\n' >notes/travel.md
printf '# Security\n\nRotate keys every ninety days.\n' >notes/security.md
STORE=$E2E_TMP/store.db
(cd docs && "$STRATA" ingest --store "$STORE" -q guide.md faq.md) || fail "ingest docs"
(cd notes && "$STRATA" ingest --store "$STORE" --collection notes -q "policy retention.md" travel.md security.md) || fail "ingest notes"

serve_up 127.0.0.1:0 --store "$STORE" --max-body 65536
SERVER_PID=$SERVE_PID
URL="$BASE/mcp"

# mcp [CURL FLAGS...]: POST/DELETE/GET to /mcp; STATUS, BODY (= OUT) and HEADERS.
mcp() {
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' "$@" "$URL" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
post() { mcp -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' "$@"; }
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

# --- the protocol with curl -----------------------------------------------------------------
case_ "curl: a session from initialize to DELETE"
post --data-binary "$INIT"
expect_status 200 "initialize"
expect_json_true "initialize: the revision asked for" 'd["result"]["protocolVersion"] == "2025-11-25"'
SESSION=$(printf '%s\n' "$HEADERS" | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')
assert_true "a session id of 32 hex digits" grep -qE '^[0-9a-f]{32}$' <(printf '%s\n' "$SESSION")
post -H "Mcp-Session-Id: $SESSION" --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}'
expect_status 202 "a notification is accepted"
assert_eq "" "$BODY" "with no body"
post -H "Mcp-Session-Id: $SESSION" -H 'MCP-Protocol-Version: 2025-11-25' \
    --data-binary '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"query":"roll back","k":1}}}'
expect_status 200 "search in the session"
expect_json_true "search: guide.md" 'd["result"]["structuredContent"]["hits"][0]["source"] == "guide.md"'
post --data-binary '{"jsonrpc":"2.0","id":3,"method":"tools/list"}'
expect_status 400 "no Mcp-Session-Id"
expect_json_true "400: a JSON-RPC error with the request's id" 'd["error"]["code"] == -32600 and d["id"] == 3'
post -H 'Mcp-Session-Id: 00000000000000000000000000000000' --data-binary '{"jsonrpc":"2.0","id":4,"method":"tools/list"}'
expect_status 404 "an unknown session"
post -H "Mcp-Session-Id: $SESSION" -H 'MCP-Protocol-Version: 2099-01-01' --data-binary '{"jsonrpc":"2.0","id":5,"method":"tools/list"}'
expect_status 400 "a revision header the server does not speak"
mcp -X DELETE -H "Mcp-Session-Id: $SESSION"
expect_status 204 "DELETE ends the session"
post -H "Mcp-Session-Id: $SESSION" --data-binary '{"jsonrpc":"2.0","id":6,"method":"ping"}'
expect_status 404 "the ended session"

case_ "curl: 2026-07-28 without a session"
post -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list' \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
expect_status 200 "a stateless tools/list"
expect_json_true "resultType and the six tools" 'd["result"]["resultType"] == "complete" and len(d["result"]["tools"]) == 6'
assert_false "no session id issued" grep -qi '^mcp-session-id' <(printf '%s\n' "$HEADERS")

case_ "curl: refusals, and the server still answering"
post -H 'Origin: http://evil.example' --data-binary "$INIT"
expect_status 403 "a foreign Origin (DNS rebinding)"
# A page of the server's own origin, as a browser sends it: the Host is the origin's.
post -H "Origin: http://localhost:$PORT" -H "Host: localhost:$PORT" --data-binary '{"jsonrpc":"2.0","id":1,"method":"server/discover"}'
expect_status 200 "the server's own origin"
post --data-binary '{"jsonrpc":"2.0","id":1,"method":'
expect_status 400 "a malformed JSON-RPC body"
expect_json_true "-32700, id null" 'd["error"]["code"] == -32700 and d["id"] is None'
post --data-binary '{"jsonrpc":"1.0","id":1}'
expect_status 400 "a message that is not JSON-RPC 2.0"
python3 -c 'import sys; sys.stdout.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x" * 70000 + "\"}}")' >big.json
post --data-binary @big.json
expect_status 413 "a body over --max-body"
mcp -X POST --data-binary '{"jsonrpc":"2.0","id":1,"method":"server/discover"}'
expect_status 415 "a form post (curl's default content type)"
mcp -X GET -H 'Accept: text/event-stream'
expect_status 405 "GET: no server-initiated stream"
assert_true "Allow: POST, DELETE" grep -qi '^allow: POST, DELETE' <(printf '%s\n' "$HEADERS")
mcp -X DELETE
expect_status 400 "DELETE without a session id"
post --data-binary '{"jsonrpc":"2.0","id":1,"method":"server/discover"}'
expect_status 200 "still answering"

# --- real clients -----------------------------------------------------------------------------
case_ "the TypeScript SDK's Streamable HTTP client"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENTS" "@modelcontextprotocol/sdk@$SDK_VERSION" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION"; then
    fail "npm could not install @modelcontextprotocol/sdk@$SDK_VERSION into $CLIENTS"
else
    E2E_CMD_TIMEOUT=60 run node "$E2E_LIB_DIR/serve_mcp_client.mjs" sdk "$CLIENTS" "$URL"
    report_checks "sdk: "
    [ "$RC" = 0 ] || fail "the SDK client exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 12 ] || fail "the SDK client ran fewer checks than it has: $ERR"

    case_ "the MCP Inspector's CLI mode over HTTP (Node $NODE22_VERSION)"
    NODE22="$CLIENTS/node_modules/.bin/node"
    if ! npm_install_pinned "$CLIENTS" "node@$NODE22_VERSION" 2>node22.log; then
        skip "the inspector needs Node 22 and npm could not install node@$NODE22_VERSION into $CLIENTS: $(head -4 node22.log | tr -s ' \n' ' ')"
    else
        inspector() { E2E_CMD_TIMEOUT=60 run "$NODE22" "$CLIENTS/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js" --cli --transport http "$URL" "$@"; }
        inspector --method tools/list
        expect_json_true "inspector: tools/list" 'sorted(t["name"] for t in d["tools"]) == ["list_collections","list_documents","migrate_check","migrate_status","read_document","search"]'
        inspector --method tools/call --tool-name search --tool-arg query=rollback --tool-arg k=2
        expect_json_true "inspector: tools/call search" 'd["structuredContent"]["hits"][0]["source"] == "guide.md"'
        inspector --method resources/read --uri strata://default/faq.md
        expect_json_true "inspector: resources/read" '"store.db" in d["contents"][0]["text"]'
    fi
fi

case_ "the 2026 client package's Streamable HTTP client, pinned to 2026-07-28"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENT_2026" "@modelcontextprotocol/client@$CLIENT_2026_VERSION" 2>client2026.log; then
    skip "npm could not install @modelcontextprotocol/client@$CLIENT_2026_VERSION into $CLIENT_2026: $(head -4 client2026.log | tr -s ' \n' ' ')"
else
    E2E_CMD_TIMEOUT=60 run node "$E2E_LIB_DIR/serve_mcp_client.mjs" 2026 "$CLIENT_2026" "$URL"
    report_checks "client 2026: "
    [ "$RC" = 0 ] || fail "the 2026-07-28 client exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 10 ] || fail "the 2026-07-28 client ran fewer checks than it has: $ERR"
fi

case_ "the access log names /mcp, and SIGTERM stops the server"
assert_true "an access-log line for /mcp" grep -q '"route":"/mcp"' "$E2E_TMP/serve.err"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
assert_eq 0 "$?" "exit 0 after SIGTERM"

e2e_finish
