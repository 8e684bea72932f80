#!/usr/bin/env bash
# End-to-end tests of strata serve's chat over WebSocket (/api/v1/chat/ws) with clients nobody
# here wrote: the `ws` npm client and Chromium's own WebSocket (Playwright, Debian's Chromium),
# against the OpenAI-compatible test server as the model (tests/e2e/serve_websocket.mjs):
# several questions over one connection and a follow-up, bad JSON, an unknown type, ping, cancel,
# reset, an Origin not allowed, a client that reads nothing (closed 1008), the key in the header
# or in a first message, a bad one, none in time (4408), a key revoked mid-answer (4401), ping
# frames both ways (a client that answers none of the server's is cut off); and
# with curl: 426 for a request that is no upgrade, the route in /openapi.json, the WebSocket
# gauges in /metrics.
#
# Usage: bash tests/e2e/serve_websocket.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_websocket "$@"
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL
WS_VERSION=8.18.3
PLAYWRIGHT_VERSION=1.65.1
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/page-clients"
export STRATA_STORE="$E2E_TMP/store.db"

mkdir -p docs
printf '# Rollback\n\n## Undoing a migration\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest one.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs

# The model: the test server streams its answer a word every 250 ms.
start_server
server_config '{"chat_always": {"delay_ms": 250}}' || fail "configuring the test server"
serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model test-chat
STRATA_PID=$SERVE_PID

if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
    e2e_finish
fi
if ! npm_install_pinned "$CLIENTS" "ws@$WS_VERSION" 2>ws.log; then
    skip "npm could not install ws@$WS_VERSION into $CLIENTS: $(head -4 ws.log | tr -s ' \n' ' ')"
    e2e_finish
fi

case_ "a request that is no upgrade; the route's document and gauges"
http_req GET /api/v1/chat/ws
expect_http 426 "a plain GET of the WebSocket route"
assert_true "426 names the upgrade" grep -q 'WebSocket upgrade' <<<"$BODY"
http_req GET /openapi.json
assert_true "the route is in /openapi.json" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "101" in d["paths"]["/api/v1/chat/ws"]["get"]["responses"]' "$E2E_TMP/body"

case_ "the ws client, keyless loopback server"
CONTROL=${URL%/v1} E2E_CMD_TIMEOUT=300 run node "$E2E_LIB_DIR/serve_websocket.mjs" "$CLIENTS" "$BASE" "$STRATA" keyless
report_checks "keyless: "
[ "$RC" = 0 ] || fail "serve_websocket.mjs keyless exited $RC: $ERR"
server_config '{"chat_always": {"delay_ms": 250}}' || fail "configuring the test server"
[ "$(printf '%s\n' "$OUT" | grep -c "^ok ")" -ge 29 ] || fail "fewer checks ran than the script has: $OUT"
http_req GET /metrics
assert_true "/metrics counts the WebSockets accepted" grep -Eq '^strata_websocket_connections_total [1-9]' <<<"$BODY"
assert_true "/metrics: none open now" grep -q '^strata_websocket_connections_open 0$' <<<"$BODY"
assert_true "the server still answers" curl -fsS -o /dev/null "$BASE/healthz"

case_ "the ws client, keyed server"
READ_KEY=$("$STRATA" keys create reader --scope read 2>/dev/null)
REVOKE_KEY=$("$STRATA" keys create doomed --scope read 2>/dev/null)
[ -n "$READ_KEY" ] && [ -n "$REVOKE_KEY" ] || fail "strata keys create printed no secret"
server_config '{"chat_always": {"delay_ms": 700}}' || fail "configuring the test server"
sleep 1.2  # a key made while the server runs applies within a second
REVOKE_NAME=doomed REVOKE_KEY=$REVOKE_KEY E2E_CMD_TIMEOUT=120 run node "$E2E_LIB_DIR/serve_websocket.mjs" "$CLIENTS" "$BASE" "$STRATA" keyed "$READ_KEY"
report_checks "keyed: "
[ "$RC" = 0 ] || fail "serve_websocket.mjs keyed exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 10 ] || fail "fewer checks ran than the script has: $OUT"
http_req GET /api/v1/chat/ws
expect_http 426 "a keyed server: a plain GET without a key is no upgrade either"

case_ "Chromium's WebSocket with Playwright"
server_config '{"chat_always": {"delay_ms": 20}}' || fail "configuring the test server"
if [ ! -x /usr/bin/chromium ]; then
    fail "chromium is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENTS" "playwright-core@$PLAYWRIGHT_VERSION" 2>playwright.log; then
    skip "npm could not install playwright-core@$PLAYWRIGHT_VERSION into $CLIENTS: $(head -4 playwright.log | tr -s ' \n' ' ')"
else
    NODE=node
    if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
        npm_install_pinned "$CLIENTS" "node@$NODE22_VERSION" 2>node22.log || fail "npm could not install node@$NODE22_VERSION"
        NODE="$CLIENTS/node_modules/.bin/node"
    fi
    TMPDIR=$E2E_TMP E2E_CMD_TIMEOUT=180 run "$NODE" "$E2E_LIB_DIR/serve_websocket.mjs" "$CLIENTS" "$BASE" "$STRATA" browser "$READ_KEY"
    report_checks "browser: "
    [ "$RC" = 0 ] || fail "serve_websocket.mjs browser exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 6 ] || fail "fewer checks ran than the script has: $OUT"
fi

case_ "the server's pings: a client that answers stays, one that does not is closed"
STRATA_PID_MAIN=$STRATA_PID BASE_MAIN=$BASE
serve_up 127.0.0.1:0 --collection docs --idle-timeout 1
E2E_CMD_TIMEOUT=60 run node "$E2E_LIB_DIR/serve_websocket.mjs" "$CLIENTS" "$BASE" "$STRATA" idle "$READ_KEY"
report_checks "idle: "
[ "$RC" = 0 ] || fail "serve_websocket.mjs idle exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c "^ok ")" -ge 3 ] || fail "fewer checks ran than the script has: $OUT"
serve_down
STRATA_PID=$STRATA_PID_MAIN BASE=$BASE_MAIN

case_ "SIGTERM with a WebSocket open: closed 1001, the server stops, exit 0"
cat >"$E2E_TMP/hold.mjs" <<'EOF'
import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(path.join(process.argv[2], 'package.json'));
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[3], { headers: { Authorization: `Bearer ${process.argv[4]}` } });
ws.on('message', (d) => { if (JSON.parse(d.toString()).type === 'ready') console.log('ready'); });
ws.on('close', (code) => { console.log(`closed ${code}`); process.exit(0); });
setTimeout(() => { console.log('timeout'); process.exit(1); }, 20000);
EOF
node "$E2E_TMP/hold.mjs" "$CLIENTS" "${BASE/http/ws}/api/v1/chat/ws" "$READ_KEY" >"$E2E_TMP/hold.out" 2>&1 &
HOLD_PID=$!
for _ in $(seq 1 100); do grep -q ready "$E2E_TMP/hold.out" && break; sleep 0.05; done
kill -TERM "$STRATA_PID"
wait "$STRATA_PID"
assert_eq 0 "$?" "strata serve's exit status after SIGTERM"
wait "$HOLD_PID"
assert_eq "ready closed 1001" "$(tr '\n' ' ' <"$E2E_TMP/hold.out" | sed 's/ $//')" "the open WebSocket is closed with 1001"

e2e_finish
