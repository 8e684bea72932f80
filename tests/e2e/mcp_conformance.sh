#!/usr/bin/env bash
# `strata mcp` under the Model Context Protocol's conformance suite
# (@modelcontextprotocol/conformance), whose server scenarios connect over Streamable HTTP: the
# suite's own bridge is not there, so supergateway carries its requests to `strata mcp` over
# stdio. The suite needs Node 22, which npm's `node` package provides. All three are pinned and
# installed into BUILD/mcp-conformance (once), never globally.
#
# The suite runs with tests/e2e/data/mcp_conformance_baseline.yml: the scenarios every server must
# pass (initialize, ping, tools/list, resources/list, several streams) must pass, and the ones
# listed there (the reference server's fixtures, capabilities strata does not declare) must still
# fail, so the baseline cannot go stale unnoticed.
# Usage: bash tests/e2e/mcp_conformance.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init mcp_conformance "$@"

CONFORMANCE=0.1.16 GATEWAY=4.0.0 NODE22=$NODE22_VERSION
DIR="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/mcp-conformance"
BASELINE="$HERE/data/mcp_conformance_baseline.yml"

case_ "conformance $CONFORMANCE through supergateway $GATEWAY (Node $NODE22)"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
    e2e_finish
fi
if ! npm_install_pinned "$DIR" "node@$NODE22" "supergateway@$GATEWAY" "@modelcontextprotocol/conformance@$CONFORMANCE"; then
    fail "npm could not install the conformance suite into $DIR"
    e2e_finish
fi
export PATH="$DIR/node_modules/.bin:$PATH"
assert_eq "v$NODE22" "$(node --version)" "Node $NODE22 for the suite"

mkdir -p docs
printf '# Rolling back\n\nstrata migrate down rolls back the last migration.\n' >docs/rollback.md
expect_exit 0 -- strata_t ingest -q --store "$E2E_TMP/store.db" docs
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
supergateway --stdio "$STRATA mcp --store $E2E_TMP/store.db" --outputTransport streamableHttp --stateful \
    --port "$PORT" --streamableHttpPath /mcp >gateway.log 2>&1 &
GATEWAY_PID=$!
e2e_bg "$GATEWAY_PID"
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

E2E_CMD_TIMEOUT=300 run conformance server --url "http://127.0.0.1:$PORT/mcp" --expected-failures "$BASELINE" -o results
if [ "$RC" = 0 ]; then pass "every failure is in the baseline, and every baseline entry still fails"; else
    fail "the suite against the baseline (exit $RC): $(printf '%s\n' "$OUT" | grep -E 'Unexpected|Stale|✗|✓' | head -20)"; fi
for scenario in server-initialize ping tools-list resources-list server-sse-multiple-streams; do
    if printf '%s\n' "$OUT" | grep -q "^✓ $scenario:"; then pass "$scenario passes"; else fail "$scenario does not pass"; fi
done
note "$(printf '%s\n' "$OUT" | grep '^Total:')"
kill "$GATEWAY_PID" 2>/dev/null
wait "$GATEWAY_PID" 2>/dev/null

e2e_finish
