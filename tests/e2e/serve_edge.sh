#!/usr/bin/env bash
# End-to-end tests of `strata serve`'s edges with curl and openssl on 127.0.0.1: CORS for the
# origins given (preflights answered 204 or 403, simple requests with or without the headers,
# none without --cors-origin), TLS with a self-signed certificate made here (curl --cacert; plain
# HTTP to the TLS port fails and the server goes on; a handshake never completed is closed
# after the header timeout; unreadable and mismatched files refused, naming them), HEAD on GET
# routes, the access log's null route for a 405, and the ingest route chunking by the project's
# strata.toml [chunk] as `strata ingest` does; and the Debian package's systemd unit (its keys,
# and systemd-analyze verify).
#
# Usage: bash tests/e2e/serve_edge.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init serve_edge "$@"

export STRATA_STORE="$E2E_TMP/store.db"
SERVER_PID=""
PORT=""
BASE=""

# start_server SCHEME [FLAGS...]: strata serve on 127.0.0.1:0; reads the port it announces.
start_server() {
    local scheme=$1
    shift
    serve_up 127.0.0.1:0 --collection docs "$@"
    SERVER_PID=$SERVE_PID
    case $BASE in "$scheme://"*) ;; *) fail "not $scheme: $BASE" ;; esac
}
stop_server() { serve_down; }

# req METHOD PATH [CURL FLAGS...]: STATUS, BODY and HEADERS (CR removed). HEAD is curl's --head
# (with -X HEAD curl would wait for the body Content-Length announces; with --head BODY is the
# header again: a raw HEAD below shows no body follows).
req() {
    local method=(-X "$1") path=$2
    [ "$1" = HEAD ] && method=(--head)
    shift 2
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' "${method[@]}" "$@" "$BASE$path" \
        2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }
has_header() { printf '%s\n' "$HEADERS" | grep -qix "$1"; }
header_named() { printf '%s\n' "$HEADERS" | grep -qi "^$1:"; }

APP=https://app.example.com

case_ "--cors-origin is checked at start"
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --cors-origin https://app.example.com/path
expect_stderr_match "'https://app.example.com/path' is not a CORS origin"
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --cors-origin '*' --cors-origin "$APP"
expect_stderr_match "give it alone"

case_ "CORS: a listed origin's preflight and requests, an unlisted one's"
start_server http --cors-origin "$APP" --cors-origin http://localhost:3000
req OPTIONS /api/v1/search -H "Origin: $APP" -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: authorization, content-type'
expect_status 204 "preflight from a listed origin"
assert_true "Allow-Origin is that origin" has_header "Access-Control-Allow-Origin: $APP"
assert_true "Allow-Methods are the route's" has_header 'Access-Control-Allow-Methods: POST'
assert_true "Allow-Headers name Authorization and MCP's" \
    has_header 'Access-Control-Allow-Headers: Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID'
assert_true "Max-Age" has_header 'Access-Control-Max-Age: 600'
assert_true "Vary: Origin" has_header 'Vary: Origin'
assert_false "no credentials" header_named 'Access-Control-Allow-Credentials'
req OPTIONS /api/v1/collections -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: GET'
expect_status 204 "preflight from the second listed origin"
assert_true "Allow-Methods of a GET route" has_header 'Access-Control-Allow-Methods: GET, HEAD'
req GET /healthz -H "Origin: $APP"
expect_status 200 "a simple request from a listed origin"
assert_true "Allow-Origin on it" has_header "Access-Control-Allow-Origin: $APP"
assert_true "the rate-limit headers exposed" \
    sh -c "printf '%s\n' \"\$1\" | grep -i '^Access-Control-Expose-Headers:' | grep -q 'x-ratelimit-remaining-requests'" _ "$HEADERS"
req GET /no/such/route -H "Origin: $APP"
expect_status 404 "an error answer"
assert_true "carries Allow-Origin too (a page can read why)" has_header "Access-Control-Allow-Origin: $APP"
req OPTIONS /api/v1/search -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST'
expect_status 403 "preflight from an unlisted origin"
assert_false "no Allow-Origin" header_named 'Access-Control-Allow-Origin'
assert_false "no Allow-Methods" header_named 'Access-Control-Allow-Methods'
req GET /healthz -H 'Origin: https://evil.example'
expect_status 200 "a simple request from an unlisted origin is answered"
assert_false "without Allow-Origin (the browser keeps the answer from the page)" header_named 'Access-Control-Allow-Origin'
req OPTIONS /no/such/route -H "Origin: $APP" -H 'Access-Control-Request-Method: GET'
expect_status 404 "preflight of an unknown path"
stop_server
assert_true "the preflight's log line names the route" \
    grep -q '"method":"OPTIONS","route":"/api/v1/search","status":204' "$E2E_TMP/serve.err"

case_ "without --cors-origin: no CORS header, OPTIONS is 405 as before"
start_server http
req OPTIONS /api/v1/search -H "Origin: $APP" -H 'Access-Control-Request-Method: POST'
expect_status 405 "a preflight"
assert_false "no Allow-Origin" header_named 'Access-Control-Allow-Origin'
req GET /healthz -H "Origin: $APP"
assert_false "no Allow-Origin on a GET" header_named 'Access-Control-Allow-Origin'
assert_false "no Vary" header_named 'Vary'

case_ "HEAD answers as GET without a body; a 405 logs route null"
req HEAD /healthz
expect_status 200 "HEAD /healthz"
assert_true "Content-Length is the GET body's" has_header 'Content-Length: 15'
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
raw=$(timeout 10 cat <&3 | tr -d '\r')
exec 3<&-
assert_true "a raw HEAD is answered 200" grep -q '^HTTP/1.1 200 OK$' <(printf '%s\n' "$raw")
assert_false "no body in a raw HEAD's answer" grep -q '"status"' <(printf '%s\n' "$raw")
req HEAD /openapi.json
expect_status 200 "HEAD /openapi.json"
req POST /healthz
expect_status 405 "POST on a GET route"
assert_true "Allow lists GET and HEAD" has_header 'Allow: GET, HEAD'
stop_server
assert_true "HEAD logged with its route" grep -q '"method":"HEAD","route":"/healthz","status":200' "$E2E_TMP/serve.err"
assert_true "the 405's route is null" grep -q '"method":"POST","route":null,"status":405' "$E2E_TMP/serve.err"

case_ "serve's ingest chunks by the project's strata.toml [chunk], as strata ingest does"
mkdir -p project
printf '[chunk]\nstrategy = "fixed"\nsize = 20\n' >project/strata.toml
text=""
for i in $(seq 1 12); do text="$text word$i alpha beta gamma delta epsilon zeta eta theta."; done
cd project || exit 2
start_server http
req POST /api/v1/collections/small/documents -H 'Content-Type: application/json' \
    --data-binary "{\"source\": \"notes/long.md\", \"text\": \"$text\"}"
expect_status 200 "ingest over HTTP"
expect_json_true "several chunks of 20 tokens" 'd["action"] == "new" and d["chunks"] >= 4'
stop_server
cd "$E2E_TMP" || exit 2
start_server http
req POST /api/v1/collections/plain/documents -H 'Content-Type: application/json' \
    --data-binary "{\"source\": \"notes/long.md\", \"text\": \"$text\"}"
expect_status 200 "the same ingest outside the project"
expect_json_true "one chunk by the defaults" 'd["chunks"] == 1'
stop_server

case_ "TLS: files checked at start, naming them"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 2 \
    -subj /CN=localhost -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.pem -out other-cert.pem -days 2 \
    -subj /CN=other 2>/dev/null
assert_exists cert.pem
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --tls-cert cert.pem
expect_stderr_match '--tls-cert needs --tls-key'
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --tls-cert missing.pem --tls-key key.pem
expect_stderr_match "cannot read the TLS certificate 'missing.pem'"
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --tls-cert cert.pem --tls-key other.pem
expect_stderr_match "the TLS key 'other.pem' is not the key of the certificate 'cert.pem'"
printf 'not a certificate\n' >junk.pem
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --tls-cert junk.pem --tls-key key.pem
expect_stderr_match "the TLS certificate 'junk.pem' cannot be used"

case_ "TLS: HTTPS with the certificate; plain HTTP and a stalled handshake are closed"
start_server https --tls-cert cert.pem --tls-key key.pem --header-timeout 0.5
req GET /healthz --cacert cert.pem
expect_status 200 "GET /healthz over TLS"
assert_eq '{"status":"ok"}' "$BODY" "its body"
req HEAD /healthz --cacert cert.pem --tlsv1.2 --tls-max 1.2
expect_status 200 "HEAD over TLS 1.2"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" 2>"$E2E_TMP/curl.err")
assert_ne 200 "$STATUS" "plain HTTP to the TLS port gets no answer"
assert_true "curl reports the connection ended" grep -qiE 'empty reply|reset|closed' "$E2E_TMP/curl.err"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf '\026\003\001' >&3  # the first bytes of a TLS record, and nothing more
raw=$(timeout 10 cat <&3)
stalled_rc=$?
exec 3<&-
assert_eq 0 "$stalled_rc" "a handshake never completed is closed (cat ended before its timeout)"
assert_eq "" "$raw" "nothing was written to it"
req GET /healthz --cacert cert.pem
expect_status 200 "the server still answers over TLS"
stop_server
assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"
assert_eq 3 "$(grep -c '"route":"/healthz"' "$E2E_TMP/serve.err")" "the three TLS requests logged, the closed connections not"

case_ "the Debian package's systemd unit"
UNIT=$(cd "$E2E_LIB_DIR/../../packaging" && pwd)/strata-serve.service
assert_exists "$UNIT"
for key in 'DynamicUser=yes' 'StateDirectory=strata' 'EnvironmentFile=-/etc/default/strata-serve' \
    'ExecStart=/usr/bin/strata serve $STRATA_SERVE_OPTIONS' 'Restart=on-failure' 'KillSignal=SIGTERM' \
    'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'ReadWritePaths=/var/lib/strata' \
    'WantedBy=multi-user.target'; do
    assert_true "the unit sets $key" grep -qxF "$key" "$UNIT"
done
stop_secs=$(sed -n 's/^TimeoutStopSec=\([0-9][0-9]*\)s$/\1/p' "$UNIT")
assert_true "TimeoutStopSec ($stop_secs s) is above the default --shutdown-timeout (10 s)" test "${stop_secs:-0}" -gt 10
DEFAULTS=$(dirname "$UNIT")/strata-serve.default
assert_true "the defaults file sets the store" grep -qx 'STRATA_STORE=/var/lib/strata/store.db' "$DEFAULTS"
assert_true "and the options, loopback" grep -qx 'STRATA_SERVE_OPTIONS="--listen 127.0.0.1:8765"' "$DEFAULTS"
# systemd-analyze checks every key and value; the binary it runs is this build's.
mkdir -p unit
sed "s|^ExecStart=/usr/bin/strata |ExecStart=$STRATA |" "$UNIT" >unit/strata-serve.service
expect_exit 0 -- systemd-analyze verify --man=no unit/strata-serve.service
expect_stderr_empty
expect_stdout_empty

e2e_finish
