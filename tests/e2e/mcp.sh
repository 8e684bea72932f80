#!/usr/bin/env bash
# `strata mcp`: the Model Context Protocol server over stdio.
#  - the protocol by hand (tests/e2e/mcp_raw.py): version negotiation, 2026-07-28's stateless
#    requests and server/discover, malformed JSON, batches (2025-03-26 only; at most 64 messages,
#    their replies at most 16 MiB, the server's peak RSS measured), unknown methods, a request
#    larger than the cap, notifications, end of input (3000 piped searches all answered), stdout
#    holding protocol lines only, a migration tool's error naming settings;
#  - an HTML page (tests/e2e/mcp_html_lines.py): a search hit's lines read back hold the hit,
#    headings on their own lines;
#  - a database that never answers (tests/e2e/mcp_database.py with a TCP listener that accepts
#    and stays silent): the migration tools answer an error naming the deadline within 20 s, the
#    next call at once (the failure remembered), ping and cancellation do not wait for them, end
#    of input answers the call read;
#  - a hung embedding server (tests/e2e/mcp_hang.py): ping, tools/list and a keyword search are
#    answered at once while a hybrid search waits, a cancelled call stops and is not answered;
#    five searches on a failing server are answered in one failure's time; end of input answers
#    every call read, one waiting for its embedding too;
#  - real clients: the official TypeScript SDK's client (tests/e2e/mcp_client.mjs: every tool,
#    resources, errors; client.ping() and a keyword search while a hybrid search hangs, that
#    search cancelled through an AbortSignal; an HTML page's hit read back), run by the system's
#    Node, and the MCP inspector's CLI mode
#    (@modelcontextprotocol/inspector --cli), run by Node 22 from npm's `node` package (the
#    inspector needs 22; Debian 12's nodejs is 18), all installed with npm into the build folder
#    (mcp-clients/, kept between runs); and the official client package of the 2026 revision
#    (tests/e2e/mcp_client_2026.mjs: @modelcontextprotocol/client 2.x pinned to 2026-07-28),
#    installed the same way into mcp-client-2026/.
# Usage: bash tests/e2e/mcp.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init mcp "$@"

SDK_VERSION=1.32.2
CLIENT_2026_VERSION=2.0.0
INSPECTOR_VERSION=2.12.0
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/mcp-clients"

# --- a store with two collections and a migrations project ---------------------------------
mkdir -p docs notes project/migrations
cat >docs/guide.md <<'EOF'
# Migrations guide

Each migration has an up and a down section.

## Rolling back

To roll back the last migration, run strata migrate down. A rollback runs the down section
of the newest applied migration and removes its row from the history table.

## Checking

strata migrate check lints the files before they reach production.
EOF
cat >docs/faq.md <<'EOF'
# FAQ

Where is the store? In .strata/store.db under the project root.
EOF
printf '# Retention\n\nDocuments are kept for seven years; the retention policy names exceptions.\n' >"notes/policy retention.md"
printf '# Travel\n\nBook travel through the portal.\n' >notes/travel.md
printf '# Security\n\nRotate keys every ninety days.\n' >notes/security.md
STORE=$E2E_TMP/store.db
(cd docs && "$STRATA" ingest --store "$STORE" -q guide.md faq.md) || fail "ingest docs"
(cd notes && "$STRATA" ingest --store "$STORE" --collection notes -q "policy retention.md" travel.md security.md) || fail "ingest notes"
cat >project/migrations/20240101000000_create_users.sql <<'EOF'
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
EOF
cat >project/migrations/20240102000000_add_name.sql <<'EOF'
-- migrate:up
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
-- migrate:down
ALTER TABLE users DROP COLUMN name;
EOF
printf '[migrate]\ndatabase = "sqlite:app.db"\n' >project/strata.toml
(cd project && "$STRATA" migrate up --to 20240101000000 -q) || fail "migrate up"

# --- the protocol by hand ------------------------------------------------------------------
case_ "the protocol by hand: negotiation, bad messages, caps, a batch's bounds, end of input"
python3 -c 'import sys; sys.stdout.write("# Big\n\n" + "".join("line %d of a long document about rollbacks and gadgets\n" % i for i in range(18000)))' >big.md
(mkdir -p big && mv big.md big/ && cd big && "$STRATA" ingest --store "$E2E_TMP/big.db" -q big.md) || fail "ingest big.md"
run python3 "$E2E_LIB_DIR/mcp_raw.py" "$STRATA" "$STORE" "$E2E_TMP/big.db"
report_checks
[ "$RC" = 0 ] || fail "mcp_raw.py exited $RC: $ERR"
printf '%s\n' "$OUT" | grep -q '^ok ' || fail "mcp_raw.py ran no check: $ERR"

case_ "an HTML page: search's lines read back by read_document and resources/read, headings on their own lines"
run python3 "$E2E_LIB_DIR/mcp_html_lines.py" "$STRATA" "$E2E_TMP"
report_checks
[ "$RC" = 0 ] || fail "mcp_html_lines.py exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 5 ] || fail "mcp_html_lines.py ran fewer checks than it has: $ERR"

case_ "the project's migrations, and --no-migrate"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"migrate_status","arguments":{}}}' >call.jsonl
run sh -c "cd project && '$STRATA' mcp --store '$STORE' --no-migrate <'$E2E_TMP/call.jsonl'"
expect_json_true "--no-migrate: migrate_status is a tool error" 'd["result"]["isError"] is True and "no migrations are configured" in d["result"]["content"][0]["text"]'
run sh -c "cd project && '$STRATA' mcp --store '$STORE' <'$E2E_TMP/call.jsonl'"
expect_json_true "migrate_status reads the project's strata.toml" 'd["result"]["structuredContent"]["applied"] == 1 and d["result"]["structuredContent"]["pending"] == 1'
assert_eq 1 "$(sqlite3 project/app.db 'SELECT count(*) FROM strata_migrations')" "the tools wrote nothing"

case_ "a database that never answers: the migration tools end at their deadline, the failure is remembered, ping and cancel do not wait, end of input answers"
mkdir -p blackhole/migrations
E2E_CMD_TIMEOUT=90 run python3 "$E2E_LIB_DIR/mcp_database.py" "$STRATA" "$STORE" "$E2E_TMP/blackhole" blackhole
report_checks
[ "$RC" = 0 ] || fail "mcp_database.py exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 8 ] || fail "mcp_database.py ran fewer checks than it has: $ERR"

case_ "a store that is not there yet: a tool error, and the next call finds it"
run sh -c "printf '%s\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_collections\"}}' | '$STRATA' mcp --store '$E2E_TMP/none/store.db'"
expect_json_true "no store: tool error" 'd["result"]["isError"] is True and "no store at" in d["result"]["content"][0]["text"]'
assert_absent "$E2E_TMP/none/store.db"

case_ "a hung or failing embedding server: ping and a keyword search answered at once, cancellation, five searches, end of input"
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"
start_server
SERVED=$E2E_TMP/served.db
(cd docs && "$STRATA" ingest --store "$SERVED" -q guide.md faq.md) || fail "ingest for the served store"
"$STRATA" embed --store "$SERVED" --base-url "$URL" --model test-embed -q || fail "embed through the test server"
run python3 "$E2E_LIB_DIR/mcp_hang.py" "$STRATA" "$SERVED" "$E2E_TMP/.port"
report_checks
[ "$RC" = 0 ] || fail "mcp_hang.py exited $RC: $ERR"
[ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 10 ] || fail "mcp_hang.py ran fewer checks than it has: $ERR"

# --- real clients --------------------------------------------------------------------------
install_clients() {
    npm_install_pinned "$CLIENTS" "@modelcontextprotocol/sdk@$SDK_VERSION" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION"
}

case_ "the official TypeScript SDK's client"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! install_clients; then
    fail "npm could not install @modelcontextprotocol/sdk@$SDK_VERSION into $CLIENTS"
else
    E2E_CMD_TIMEOUT=120 run node "$E2E_LIB_DIR/mcp_client.mjs" "$CLIENTS" "$STRATA" "$STORE" "$E2E_TMP/project" \
        "$SERVED" "$E2E_TMP/.port" "$E2E_TMP/pages.db"
    report_checks "sdk: "
    [ "$RC" = 0 ] || fail "the SDK client exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 67 ] || fail "the SDK client ran fewer checks than it has: $ERR"

    case_ "the MCP inspector's CLI mode (Node $NODE22_VERSION)"
    NODE22="$CLIENTS/node_modules/.bin/node"
    if ! npm_install_pinned "$CLIENTS" "node@$NODE22_VERSION" 2>node22.log; then
        skip "the inspector needs Node 22 and npm could not install node@$NODE22_VERSION into $CLIENTS: $(head -4 node22.log | tr -s ' \n' ' ')"
    else
        assert_eq "v$NODE22_VERSION" "$("$NODE22" --version)" "Node $NODE22_VERSION for the inspector"
        inspector() { E2E_CMD_TIMEOUT=60 run "$NODE22" "$CLIENTS/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js" --cli "$STRATA" mcp --store "$STORE" "$@"; }
        inspector --method tools/list
        expect_json_true "inspector: tools/list" 'sorted(t["name"] for t in d["tools"]) == ["list_collections","list_documents","migrate_check","migrate_status","read_document","search"]'
        inspector --method tools/call --tool-name search --tool-arg query=rollback --tool-arg k=2
        expect_json_true "inspector: tools/call search" 'd["structuredContent"]["hits"][0]["source"] == "guide.md" and len(d["structuredContent"]["hits"]) <= 2'
        inspector --method resources/list
        expect_json_true "inspector: resources/list" 'len(d["resources"]) == 5'
        inspector --method resources/read --uri strata://default/faq.md
        expect_json_true "inspector: resources/read" '"store.db" in d["contents"][0]["text"]'
    fi
fi

case_ "the official client package pinned to revision 2026-07-28"
CLIENT_2026="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/mcp-client-2026"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENT_2026" "@modelcontextprotocol/client@$CLIENT_2026_VERSION" 2>client2026.log; then
    skip "npm could not install @modelcontextprotocol/client@$CLIENT_2026_VERSION into $CLIENT_2026: $(head -4 client2026.log | tr -s ' \n' ' ')"
else
    # A store of its own: the two guides, no vectors (the served store's embedder may be hung).
    (cd docs && "$STRATA" ingest --store "$E2E_TMP/store2026.db" -q guide.md faq.md) || fail "ingest for the 2026 client"
    E2E_CMD_TIMEOUT=120 run node "$E2E_LIB_DIR/mcp_client_2026.mjs" "$CLIENT_2026" "$STRATA" "$E2E_TMP/store2026.db"
    report_checks "client 2026: "
    [ "$RC" = 0 ] || fail "the 2026-07-28 client exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 14 ] || fail "the 2026-07-28 client ran fewer checks than it has: $ERR"
fi

e2e_finish
