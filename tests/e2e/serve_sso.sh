#!/usr/bin/env bash
# End-to-end tests of single sign-on in `strata serve` (--jwt-issuer: JWT bearer tokens beside
# strata's own API keys) with an identity provider nobody here wrote: `oidc-provider` (npm,
# pinned) issuing client-credentials access tokens as JWTs (ES256) for the resource strata is,
# found by OpenID discovery; and tokens minted with `jose` (pinned) for the edge cases, against a
# JWKS file and a JWKS URL (tests/e2e/serve_sso.mjs): RS256, ES256 and EdDSA accepted; expired,
# not yet valid, another audience or issuer, no sub, alg none, HS256 keyed with the RSA public
# key, another algorithm, a key not in the set refused (401, WWW-Authenticate: Bearer
# error="invalid_token", the token never echoed); scopes (403) and collections (403) from the
# claims, also under names the operator gives; an unknown kid, the IdP's rotation and the bound
# on the key set's re-reads (--jwks-refresh); --jwt-rate (429, Retry-After);
# and with curl: no token 401 from the first request, an issuer or key set that cannot be reached
# at start (exit 7, the URL named), an API key still working, the access log naming jwt:SUB and
# holding no token.
#
# Usage: bash tests/e2e/serve_sso.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_sso "$@"
# The fake OpenAI-compatible server (embeddings for the jobs' case, chat for --jwt-tokens).
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"

# oidc-provider 8 runs on Node 18 (Debian 12's) and later LTS releases; 9 wants Node 22.
OIDC_PROVIDER_VERSION=8.8.1
JOSE_VERSION=5.10.0
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/sso-clients"
export STRATA_STORE="$E2E_TMP/store.db"
SSO="$E2E_TMP/sso"
AUD=https://strata.e2e.invalid/api
ISS=https://idp.strata-e2e.invalid
PROVIDER_PID=""
JWKS_PID=""
ISSUER=""
STARTED=1
mkdir -p "$SSO"
: >"$SSO/tokens"

# req TOKEN METHOD PATH [BODY]: STATUS, BODY and HEADERS of the answer ("" TOKEN: none sent).
req() {
    local token=$1 method=$2 path=$3
    shift 3
    local args=()
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    [ $# -gt 0 ] && args+=(--data-binary "$1" -H 'Content-Type: application/json')
    http_req "$method" "$path" -D "$E2E_TMP/headers" "${args[@]}"
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
header_value() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
SEARCH='{"query": "roll back", "collection": "docs"}'
# sso_node MODE ARGS...: serve_sso.mjs in MODE, run to its end (OUT, ERR, RC).
sso_node() { E2E_CMD_TIMEOUT=${SSO_TIMEOUT:-60} run "$NODE" "$E2E_LIB_DIR/serve_sso.mjs" "$CLIENTS" "$@"; }
# sso_bg NAME FILE MODE ARGS...: serve_sso.mjs in MODE in the background (its output in
# $SSO/NAME.log, its pid in BG_PID), waited for until it writes $SSO/FILE.
sso_bg() {
    local name=$1 file=$2
    shift 2
    "$NODE" "$E2E_LIB_DIR/serve_sso.mjs" "$CLIENTS" "$@" >"$SSO/$name.log" 2>&1 &
    BG_PID=$!
    e2e_bg "$BG_PID"
    for _ in $(seq 1 200); do
        [ -s "$SSO/$file" ] && return 0
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.05
    done
    E2E_CMD=""
    fail "$name did not start: $(head -c 600 "$SSO/$name.log")"
    return 1
}
# bg_down PID: stops a process sso_bg started.
bg_down() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# sso_serve FLAGS...: serve_up 127.0.0.1:0 --collection docs FLAGS; 1 when it announced no address.
sso_serve() {
    E2E_CMD="strata serve --listen 127.0.0.1:0 --collection docs $*"
    RC=""
    : >"$E2E_TMP/.out"
    : >"$E2E_TMP/.err"
    serve_up 127.0.0.1:0 --collection docs "$@"
    [ -n "$PORT" ]
}
# checks PART N: report_checks of serve_sso.mjs's run, which must have exited 0 after running
# its N checks (passed or failed).
checks() {
    report_checks "$1: "
    [ "$RC" = 0 ] || fail "serve_sso.mjs $1 exited $RC: ${ERR:0:600}"
    local ran
    ran=$(printf '%s\n' "$OUT" | grep -c -e '^ok ' -e '^FAIL ')
    [ "$ran" -ge "$2" ] || fail "serve_sso.mjs $1 ran fewer checks than it has ($ran of $2)"
}
# keep_log NAME: the stopped server's log, kept for the check that no token is in any.
keep_log() { cp "$E2E_TMP/serve.err" "$SSO/serve-$1.err"; }
# a_dead_port: a port of 127.0.0.1 nothing listens on.
a_dead_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

mkdir -p docs notes
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\n' >docs/rollback.md
printf '# Plans\n\nTo roll back the plans, ask the team.\n' >notes/plans.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs
expect_exit 0 -- "$STRATA" ingest --collection notes notes

if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
    e2e_finish
fi
if ! npm_install_pinned "$CLIENTS" "oidc-provider@$OIDC_PROVIDER_VERSION" "jose@$JOSE_VERSION" 2>npm.log; then
    skip "npm could not install oidc-provider@$OIDC_PROVIDER_VERSION and jose@$JOSE_VERSION into $CLIENTS: $(head -4 npm.log | tr -s ' \n' ' ')"
    e2e_finish
fi
NODE=node
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
    if ! npm_install_pinned "$CLIENTS" "node@$NODE22_VERSION" 2>node22.log; then
        skip "oidc-provider needs Node 18 and npm could not install node@$NODE22_VERSION into $CLIENTS: $(head -4 node22.log | tr -s ' \n' ' ')"
        e2e_finish
    fi
    NODE="$CLIENTS/node_modules/.bin/node"
fi

case_ "an issuer or a key set that cannot be reached at start: exit 7, the URL named"
DEAD=$(a_dead_port)
expect_exit 7 -- "$STRATA" serve --listen 127.0.0.1:0 --collection docs --jwt-issuer "http://127.0.0.1:$DEAD" --jwt-audience "$AUD"
expect_error_line "127\.0\.0\.1:$DEAD"
expect_stderr_nomatch 'listening on'
expect_exit 7 -- "$STRATA" serve --listen 127.0.0.1:0 --collection docs --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "http://127.0.0.1:$DEAD/jwks.json"
expect_error_line "127\.0\.0\.1:$DEAD/jwks\.json"

case_ "a real OpenID provider (oidc-provider): discovery, client-credentials tokens"
if sso_bg provider issuer provider "$SSO" "$AUD"; then
    PROVIDER_PID=$BG_PID
    ISSUER=$(cat "$SSO/issuer")
fi
if [ -n "$ISSUER" ] && sso_serve --jwt-issuer "$ISSUER" --jwt-audience "$AUD"; then
    # The store holds no API key: the tokens apply from the first request all the same.
    req "" POST /api/v1/search "$SEARCH"
    expect_http 401 "the first request, without a token"
    assert_true "WWW-Authenticate: Bearer" grep -Eq '^Bearer\b' <<<"$(header_value WWW-Authenticate)"
    expect_json_true "FastAPI's shape" 'isinstance(d["detail"], str) and len(d) == 1'
    req "" GET /api/v1/collections
    expect_http 401 "collections without a token"
    req "" GET /healthz
    expect_http 200 "/healthz needs no token"
    assert_true "discovery read at start" grep -qx 'GET /.well-known/openid-configuration' "$SSO/provider.log"
    assert_true "the key set read at start, from the discovery's jwks_uri" grep -qx 'GET /jwks' "$SSO/provider.log"
    sso_node oidc "$BASE" "$SSO" "$AUD"
    checks oidc 21
    serve_down
    assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
    keep_log oidc
    assert_true "the access log names the provider's client as jwt:SUB" grep -q "\"route\":\"/api/v1/search\",\"status\":200,.*\"key\":\"jwt:strata-e2e@$ISSUER\"" "$E2E_TMP/serve.err"
    assert_true "its write too" grep -q "\"method\":\"POST\",\"route\":\"/api/v1/collections/{collection}/documents\",\"status\":200,.*\"key\":\"jwt:strata-e2e@$ISSUER\"" "$E2E_TMP/serve.err"
fi
[ -n "$PROVIDER_PID" ] && bg_down "$PROVIDER_PID"

case_ "tokens minted with jose against a JWKS file, beside an API key"
READER=$("$STRATA" keys create reader --scope read 2>/dev/null)
[[ $READER == sk-strata-* ]] || fail "strata keys create printed no secret: $READER"
sso_node keys "$SSO"
[ "$RC" = 0 ] || fail "serve_sso.mjs keys exited $RC: $ERR"
if sso_serve --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "$SSO/jwks.json"; then
    req "$READER" POST /api/v1/search "$SEARCH"
    expect_http 200 "an API key searches beside the tokens"
    req "sk-strata-${READER:10:20}" POST /api/v1/search "$SEARCH"
    expect_http 401 "a bad API key is still refused"
    req "" POST /api/v1/search "$SEARCH"
    expect_http 401 "no token, no key"
    sso_node edge "$BASE" "$SSO" "$AUD" "$ISS"
    checks edge 116
    serve_down
    assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
    keep_log edge
    for sub in edge-rs256 edge-es256 edge-eddsa edge-writer; do
        assert_true "the access log names jwt:$sub" grep -q "\"status\":200,.*\"key\":\"jwt:$sub@$ISS\"" "$E2E_TMP/serve.err"
    done
    assert_true "the access log names the API key" grep -q '"route":"/api/v1/search","status":200,.*"key":"reader"' "$E2E_TMP/serve.err"
    assert_true "a refused scope is logged as the token's subject" grep -q "\"status\":403,.*\"key\":\"jwt:edge-reader@$ISS\"" "$E2E_TMP/serve.err"
fi

case_ "a JWKS URL: an unknown kid, the IdP's rotation, --jwt-rate, the claims' names"
if sso_bg jwks-server jwks-port jwks-server "$SSO"; then
    JWKS_PID=$BG_PID
    sso_serve --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "http://127.0.0.1:$(cat "$SSO/jwks-port")/jwks.json" \
        --jwks-refresh 2 --jwt-rate 2 --jwt-scope-claim perms --jwt-collections-claim groups
    STARTED=$?
fi
if [ -n "$JWKS_PID" ] && [ "$STARTED" = 0 ]; then
    sso_node rotation "$BASE" "$SSO" "$AUD" "$ISS"
    checks rotation 37
    serve_down
    assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
    keep_log rotation
    assert_true "the access log names the rotated key's subject" grep -q "\"status\":200,.*\"key\":\"jwt:rot-new@$ISS\"" "$E2E_TMP/serve.err"
    assert_true "the 429 is logged as jwt:rate-limited" grep -q "\"status\":429,.*\"key\":\"jwt:rate-limited@$ISS\"" "$E2E_TMP/serve.err"
fi
[ -n "$JWKS_PID" ] && bg_down "$JWKS_PID"

case_ "a signed-in caller's job (an embed of several seconds) runs to its end, seen by no other subject"
# The collection records the fake server as its embedder; the chunks added after wait for a
# vector, which the server's job asks of it, 3.5 s late: the job outlives several of the server's
# heartbeats (every second), which once cancelled a signed-in caller's job for want of a key row.
start_server
mkdir -p jobdocs
for i in 1 2 3; do printf '# Job note %s\n\nNotes about topic %s and migrations.\n' "$i" "$i" >"jobdocs/n$i.md"; done
expect_exit 0 -- "$STRATA" ingest --collection jobs jobdocs
expect_exit 0 -- "$STRATA" embed --collection jobs --base-url "$URL" --model test-model -q
for i in $(seq 4 20); do printf '# Job note %s\n\nNotes about topic %s and migrations.\n' "$i" "$i" >"jobdocs/n$i.md"; done
expect_exit 0 -- "$STRATA" ingest --collection jobs jobdocs
UNEMBEDDED="SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections k ON k.id = d.collection_id
  WHERE k.name = 'jobs' AND c.id NOT IN (SELECT chunk_id FROM embeddings)"
WAITING=$(db_q "$STRATA_STORE" "$UNEMBEDDED")
assert_eq 17 "$WAITING" "17 chunks wait for a vector"
server_config '{"latency_ms": 3500}'
if sso_serve --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "$SSO/jwks.json"; then
    sso_node jobs "$BASE" "$SSO" "$AUD" "$ISS" jobs "$WAITING"
    checks jobs 13
    JOB=$(cat "$SSO/job-id" 2>/dev/null)
    expect_exit 0 -- "$STRATA" jobs show "$JOB" --json
    expect_json_true "the job is the token's subject's, and succeeded" 'd["owner"] == "jwt:job-owner" and d["kind"] == "embed" and d["status"] == "succeeded"'
    assert_eq 0 "$(db_q "$STRATA_STORE" "$UNEMBEDDED")" "every chunk of the collection has its vector"
    serve_down
    assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
    keep_log jobs
    assert_true "the access log names the job's subject" grep -q "\"route\":\"/api/v1/collections/{collection}/embed\",\"status\":202,.*\"key\":\"jwt:job-owner@$ISS\"" "$E2E_TMP/serve.err"
fi
server_config '{"latency_ms": 0}'

case_ "--jwt-tokens: a subject's model tokens a minute, charged with the upstream's usage, then 429"
if sso_serve --jwt-issuer "$ISS" --jwt-audience "$AUD" --jwks "$SSO/jwks.json" --base-url "$URL" --model test-model --jwt-tokens 700/min; then
    sso_node tokens "$BASE" "$SSO" "$AUD" "$ISS" 700
    checks tokens 27
    serve_down
    assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
    keep_log tokens
    assert_true "the 429 is logged as jwt:tokens-spender" grep -q "\"route\":\"/v1/chat/completions\",\"status\":429,.*\"key\":\"jwt:tokens-spender@$ISS\"" "$E2E_TMP/serve.err"
fi

case_ "no token in any server's log"
N=$(wc -l <"$SSO/tokens")
E2E_CMD=""
[ "$N" -ge 50 ] || fail "fewer tokens were sent than the checks send ($N)"
LEAKS=0
while IFS= read -r token; do
    [ -n "$token" ] || continue
    sig=${token##*.}
    for log in "$SSO"/serve-*.err; do
        if grep -qF -- "$token" "$log" || { [ ${#sig} -ge 16 ] && grep -qF -- "$sig" "$log"; }; then
            LEAKS=$((LEAKS + 1))
            echo "      a token's signature is in $(basename "$log"): ${sig:0:12}..."
        fi
    done
done <"$SSO/tokens"
assert_eq 0 "$LEAKS" "no token (nor its signature) in the access logs ($N tokens)"
assert_false "no API key in the access logs" grep -qF -- "${READER:10}" "$SSO"/serve-*.err

e2e_finish
