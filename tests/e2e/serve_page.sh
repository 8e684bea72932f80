#!/usr/bin/env bash
# End-to-end tests of strata serve's web page (GET /, /static/*) in Debian's Chromium driven by
# Playwright (playwright-core, pinned, installed with npm into the build folder; Chromium's own
# download is never used): pick a collection, search, open a citation, ask and see the answer
# stream in (from the OpenAI-compatible test server, tests/servers/openai_server.py, one piece
# every 60 ms), the keyboard alone, a phone's viewport, JavaScript off, a document's markup shown
# as text; and with curl, the page's headers (CSP, nosniff, no-referrer) and the plain form.
#
# Usage: bash tests/e2e/serve_page.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_page "$@"
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"

PLAYWRIGHT_VERSION=1.65.1
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/page-clients"
export STRATA_STORE="$E2E_TMP/store.db"
STRATA_PID=""
BASE=""

# start_strata [FLAGS...]: strata serve on 127.0.0.1:0; BASE from the port it announces.
start_strata() { serve_up 127.0.0.1:0 --collection docs "$@"; STRATA_PID=$SERVE_PID; }

# node_for_playwright: NODE, a Node that playwright-core runs on (20 or later): the system's, else
# npm's node@NODE22_VERSION (Debian 12's nodejs is 18).
node_for_playwright() {
    NODE=node
    [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] && return 0
    npm_install_pinned "$CLIENTS" "node@$NODE22_VERSION" 2>node22.log || return 1
    NODE="$CLIENTS/node_modules/.bin/node"
}

case_ "a store of two collections, one document holding markup"
mkdir -p docs notes
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest one.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
printf 'A payload: <script>window.pwned=1</script> and <img src=x onerror="window.pwned=1"> in a document.\n' >docs/evil.txt
printf '# Long\n\nunbroken %s\n' "$(head -c 600 /dev/zero | tr '\0' x)" >docs/long.md
printf '# Kettle\n\nDescaling the kettle: vinegar and water, then rinse twice.\n' >notes/kettle.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs
expect_exit 0 -- "$STRATA" ingest --collection notes notes

# The model: the test server streams "Strata reads your documents [1]." a word every 60 ms.
start_server
server_config '{"chat_always": {"delay_ms": 60}}' || fail "configuring the test server"
start_strata --base-url "$URL" --model test-chat

case_ "the page and its files with curl: headers, the plain form"
STATUS=$(curl -sS -o "$E2E_TMP/page.html" -D "$E2E_TMP/page.h" -w '%{http_code}' "$BASE/?q=roll+back&collection=docs")
assert_eq 200 "$STATUS" "GET /?q="
H=$(tr -d '\r' <"$E2E_TMP/page.h")
assert_true "CSP" grep -qi "^content-security-policy: default-src 'self';.*frame-ancestors 'none'" <<<"$H"
assert_true "nosniff" grep -qix 'x-content-type-options: nosniff' <<<"$H"
assert_true "no-referrer" grep -qix 'referrer-policy: no-referrer' <<<"$H"
assert_true "text/html" grep -qix 'content-type: text/html; charset=utf-8' <<<"$H"
assert_true "the plain form's hit" grep -q '>docs/rollback.md:L1-L4</a>' "$E2E_TMP/page.html"
STATUS=$(curl -sS -o "$E2E_TMP/app.css" -D "$E2E_TMP/css.h" -w '%{http_code}' "$BASE/static/app.css")
assert_eq 200 "$STATUS" "GET /static/app.css"
assert_true "text/css" grep -qix 'content-type: text/css; charset=utf-8' <(tr -d '\r' <"$E2E_TMP/css.h")
assert_eq 404 "$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/static/index.html")" "no other file under /static/"
assert_eq 400 "$(curl -sS --path-as-is -o /dev/null -w '%{http_code}' "$BASE/static/../serve.err")" "no way out of /static/"

case_ "the page in Chromium with Playwright"
if [ ! -x /usr/bin/chromium ]; then
    fail "chromium is not installed (scripts/install-deps.sh --test installs it)"
elif ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENTS" "playwright-core@$PLAYWRIGHT_VERSION" 2>playwright.log; then
    skip "npm could not install playwright-core@$PLAYWRIGHT_VERSION into $CLIENTS: $(head -4 playwright.log | tr -s ' \n' ' ')"
elif ! node_for_playwright; then
    skip "playwright-core needs Node 20 and npm could not install node@$NODE22_VERSION into $CLIENTS: $(head -4 node22.log | tr -s ' \n' ' ')"
else
    TMPDIR=$E2E_TMP E2E_CMD_TIMEOUT=120 run "$NODE" "$E2E_LIB_DIR/serve_page.mjs" "$CLIENTS" "$BASE"
    report_checks "page: "
    [ "$RC" = 0 ] || fail "serve_page.mjs exited $RC: $ERR"
    [ "$(printf '%s\n' "$OUT" | grep -c '^ok ')" -ge 34 ] || fail "serve_page.mjs ran fewer checks than it has (34): $ERR"
fi

case_ "SIGTERM: the server stops, exit 0"
kill -TERM "$STRATA_PID"
wait "$STRATA_PID"
assert_eq 0 "$?" "strata serve's exit status after SIGTERM"

e2e_finish
