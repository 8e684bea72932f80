#!/usr/bin/env bash
# End-to-end tests of strata serve's web page (GET /, /static/*) in Debian's Chromium driven by
# Playwright (playwright-core and axe-core, pinned, installed with npm into the build folder;
# Chromium's own download is never used): pick a collection, search, open a citation, ask and see
# the answer stream in as Markdown (from the OpenAI-compatible test server,
# tests/servers/openai_server.py), its citations and source cards, Stop, Regenerate, a follow-up,
# dark and light, axe-core's audit, the keyboard alone, a phone's viewport, JavaScript off, a
# document's markup shown as text (serve_page.mjs); and with curl, the page's headers (CSP,
# nosniff, no-referrer), the plain form, the icon, and the answer cache skipped on
# Cache-Control: no-cache. Screenshots at 1280 and 375 px wide are kept in
# BUILD_DIR/test-output/serve_page/ (the test prints their paths).
#
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_page "$@"
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"

PLAYWRIGHT_VERSION=1.65.1
AXE_VERSION=4.14.1
SHOTS="$BUILD_DIR/test-output/serve_page"
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
printf '# Rollback\n\n## Undoing a migration\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest one.\n' >docs/rollback.md
printf '# Migrations\n\nA migration changes the schema: strata migrate up applies each migration not applied yet.\n' >docs/migrate.md
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
assert_true "the plain form's hit" grep -q '>docs/rollback.md:L1-L6</a><span class="title">Rollback</span><span class="section">Undoing a migration</span>' "$E2E_TMP/page.html"
STATUS=$(curl -sS -o "$E2E_TMP/app.css" -D "$E2E_TMP/css.h" -w '%{http_code}' "$BASE/static/app.css")
assert_eq 200 "$STATUS" "GET /static/app.css"
assert_true "text/css" grep -qix 'content-type: text/css; charset=utf-8' <(tr -d '\r' <"$E2E_TMP/css.h")
STATUS=$(curl -sS -o "$E2E_TMP/icon.svg" -D "$E2E_TMP/icon.h" -w '%{http_code}' "$BASE/static/favicon.svg")
assert_eq 200 "$STATUS" "GET /static/favicon.svg"
H=$(tr -d '\r' <"$E2E_TMP/icon.h")
assert_true "the icon is image/svg+xml" grep -qix 'content-type: image/svg+xml' <<<"$H"
assert_true "the icon has the page's cache header" grep -qix 'cache-control: no-cache' <<<"$H"
assert_true "the page links the icon" grep -q '<link rel="icon" href="/static/favicon.svg"' "$E2E_TMP/page.html"
assert_eq 404 "$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/static/index.html")" "no other file under /static/"
assert_eq 400 "$(curl -sS --path-as-is -o /dev/null -w '%{http_code}' "$BASE/static/../serve.err")" "no way out of /static/"

case_ "the answer cache: read at temperature 0, skipped with Cache-Control: no-cache (Regenerate)"
chat_calls() {
    ctl_out GET /_control/log | python3 -c 'import json, sys; print(sum(r["path"].endswith("/chat/completions") for r in json.load(sys.stdin)["requests"]))'
}
CHAT='{"model": "strata/docs", "temperature": 0, "messages": [{"role": "user", "content": "what undoes the newest migration"}]}'
server_reset
server_config '{"chat_always": {"delay_ms": 0}}' || fail "configuring the test server"
curl -sS -o /dev/null -H 'Content-Type: application/json' -d "$CHAT" "$BASE/v1/chat/completions"
assert_eq 1 "$(chat_calls)" "the first request asks the model"
curl -sS -o "$E2E_TMP/cached.json" -H 'Content-Type: application/json' -d "$CHAT" "$BASE/v1/chat/completions"
assert_eq 1 "$(chat_calls)" "the same request at temperature 0 is answered from the cache"
assert_true "the cached answer is the answer" grep -q 'Strata reads your documents' "$E2E_TMP/cached.json"
curl -sS -o /dev/null -H 'Content-Type: application/json' -H 'Cache-Control: no-cache' -d "$CHAT" "$BASE/v1/chat/completions"
assert_eq 2 "$(chat_calls)" "Cache-Control: no-cache asks the model again"
curl -sS -o /dev/null -H 'Content-Type: application/json' -H 'Cache-Control: max-age=0, No-Store' -d "$CHAT" "$BASE/v1/chat/completions"
assert_eq 3 "$(chat_calls)" "Cache-Control: no-store too"
server_config '{"chat_always": {"delay_ms": 60}}' || fail "configuring the test server"

case_ "the page in Chromium with Playwright"
if [ ! -x /usr/bin/chromium ]; then
    fail "chromium is not installed (scripts/install-deps.sh --test installs it)"
elif ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENTS" "playwright-core@$PLAYWRIGHT_VERSION" "axe-core@$AXE_VERSION" 2>playwright.log; then
    skip "npm could not install playwright-core@$PLAYWRIGHT_VERSION and axe-core@$AXE_VERSION into $CLIENTS: $(head -4 playwright.log | tr -s ' \n' ' ')"
elif ! node_for_playwright; then
    skip "playwright-core needs Node 20 and npm could not install node@$NODE22_VERSION into $CLIENTS: $(head -4 node22.log | tr -s ' \n' ' ')"
else
    rm -rf "$SHOTS" && mkdir -p "$SHOTS"
    TMPDIR=$E2E_TMP E2E_CMD_TIMEOUT=300 run "$NODE" "$E2E_LIB_DIR/serve_page.mjs" "$CLIENTS" "$BASE" "${URL%/v1}" "$SHOTS"
    report_checks "page: "
    [ "$RC" = 0 ] || fail "serve_page.mjs exited $RC: $ERR"
    OKS=$(printf '%s\n' "$OUT" | grep -c '^ok ')
    note "serve_page.mjs: $OKS checks passed"
    [ "$OKS" -ge 84 ] || fail "serve_page.mjs ran fewer checks than it has (84): $ERR"
    for shot in page-1280.png page-1280-dark.png page-375.png page-375-passage.png; do
        assert_true "the screenshot $SHOTS/$shot" test -s "$SHOTS/$shot"
    done
    # A browser asks /favicon.ico when the page names no icon: no GET matched no route.
    assert_true "no GET of a missing file in the server's log" bash -c "! grep -q '\"method\":\"GET\",\"route\":null,\"status\":404' '$E2E_TMP/serve.err'"
fi

case_ "SIGTERM: the server stops, exit 0"
kill -TERM "$STRATA_PID"
wait "$STRATA_PID"
assert_eq 0 "$?" "strata serve's exit status after SIGTERM"

e2e_finish
