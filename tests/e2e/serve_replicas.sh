#!/usr/bin/env bash
# Three `strata serve` replicas on one PostgreSQL store behind Debian's nginx (round robin, as a
# team's load balancer would put them): a key made once works through all; a key of 6 a minute
# gets 6 answers and then 429s through the balancer, whichever replica answers; a key revoked in
# the store is refused through the balancer within 2 s; an MCP session (2025-03-26 revision)
# opened through one replica goes on through the others; one replica killed (SIGKILL) between
# requests, the balancer's next requests are answered by the others; one replica killed
# (SIGKILL) mid-stream (the replicas answer with a fake upstream model, tests/servers/
# openai_server.py, its answer slowed to last seconds; the replica holding the stream found by
# its /metrics strata_http_streams_open): the client sees the stream cut (no data: [DONE]), the
# balancer's next requests, searches and a new streamed answer succeed on the others, and a
# document stored through the balancer before the kill is found through it and through each
# surviving replica; /readyz is 503 on the surviving replicas while the PostgreSQL server is
# stopped and 200 again once it is back.
#
# Usage: bash tests/e2e/serve_replicas.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init serve_replicas "$@"
unset STRATA_STORE OPENAI_BASE_URL

command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || fail "nginx not found (scripts/install-deps.sh --test installs nginx-light)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

start_test_pg
pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
pq "$SERVER_URL" "CREATE DATABASE team" >/dev/null
URL="$BASE/team"
export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME" docs
printf '# Connection pools\n\nA pool keeps connections open between requests.\n' >docs/pools.md
printf '# Retries\n\nRetry a failed request with exponential backoff.\n' >docs/retries.md
expect_exit 0 -- "$STRATA" ingest -q docs --store "$URL" --collection docs
KEY=$("$STRATA" keys create team --store "$URL" 2>/dev/null)
LIMITED=$("$STRATA" keys create limited --rate 6/min --store "$URL" 2>/dev/null)
ADMIN=$("$STRATA" keys create ops --scope admin --store "$URL" 2>/dev/null)
assert_true "three keys made" test -n "$KEY" -a -n "$LIMITED" -a -n "$ADMIN"

# The upstream model every replica answers with (a fake, OpenAI-compatible; its answers are
# immediate unless a script slows one down).
python3 "$E2E_LIB_DIR/../servers/openai_server.py" serve --port-file "$E2E_TMP/upstream.port" 2>"$E2E_TMP/upstream.err" &
e2e_bg $!
disown $! 2>/dev/null
for _ in $(seq 200); do [ -s "$E2E_TMP/upstream.port" ] && break; sleep 0.05; done
[ -s "$E2E_TMP/upstream.port" ] || fail "the fake upstream did not start: $(cat "$E2E_TMP/upstream.err")"
UPSTREAM="http://127.0.0.1:$(cat "$E2E_TMP/upstream.port")"
REPLICA_FLAGS=(--store "$URL" --collection docs --base-url "$UPSTREAM/v1" --model test-model)

# The replicas, each with a name in its access log's place.
REPLICA_BASE=() REPLICA_PID=()
for i in 1 2 3; do
    serve_up 127.0.0.1:0 "${REPLICA_FLAGS[@]}"
    REPLICA_BASE+=("$BASE") REPLICA_PID+=("$SERVE_PID")
done

# nginx in front, round robin, the next replica tried when one cannot be reached.
LB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p nginx/tmp
{
    echo "worker_processes 1; daemon off; pid $E2E_TMP/nginx/nginx.pid; error_log $E2E_TMP/nginx/error.log;"
    echo "events { worker_connections 256; }"
    echo "http {"
    echo "  access_log off;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $E2E_TMP/nginx/tmp/$t;"; done
    echo "  upstream strata {"
    for b in "${REPLICA_BASE[@]}"; do echo "    server ${b#http://} max_fails=0;"; done
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$LB_PORT;"
    echo "    location / {"
    echo "      proxy_pass http://strata; proxy_http_version 1.1; proxy_set_header Connection \"\";"
    echo "      proxy_set_header Host \$http_host;"
    echo "      proxy_buffering off; proxy_next_upstream error timeout; proxy_connect_timeout 2s;"
    echo "    }"
    echo "  }"
    echo "}"
} >nginx/nginx.conf
"$NGINX" -p "$E2E_TMP/nginx" -c "$E2E_TMP/nginx/nginx.conf" >nginx/start.out 2>&1 </dev/null &
# Stopped by its master (a SIGKILL to it would leave its worker behind).
e2e_on_exit "kill -TERM $!; wait $!"
LB=http://127.0.0.1:$LB_PORT
for _ in $(seq 100); do curl -s -o /dev/null "$LB/healthz" && break; sleep 0.05; done
code_of() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$1/api/v1/collections"; }

# ---------------------------------------------------------------------------------------------
case_ "a key made once works through every replica and through the balancer"
for b in "${REPLICA_BASE[@]}"; do assert_eq 200 "$(code_of "$b" "$KEY")" "directly at $b"; done
CODES=""
for _ in 1 2 3 4 5 6; do CODES="$CODES $(code_of "$LB" "$KEY")"; done
assert_eq " 200 200 200 200 200 200" "$CODES" "six requests through the balancer, round robin over the three"
assert_eq 401 "$(code_of "$LB" "not-a-key")" "a wrong key is refused through it"

# ---------------------------------------------------------------------------------------------
case_ "a key of 6 a minute gets 6 answers through the balancer, then 429, whichever replica answers"
CODES=""
for _ in $(seq 9); do CODES="$CODES $(code_of "$LB" "$LIMITED")"; done
assert_eq " 200 200 200 200 200 200 429 429 429" "$CODES" "one limit counted across the three replicas"

# ---------------------------------------------------------------------------------------------
case_ "an MCP session (2025-03-26) opened through one replica goes on through the others"
mcp_post() {  # SESSION BODY: through the balancer; the status in CODE, headers and body in files
    CODE=$(curl -s -D "$E2E_TMP/mcp.h" -o "$E2E_TMP/mcp.b" -w '%{http_code}' -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' -H "Authorization: Bearer $KEY" \
        ${1:+-H "Mcp-Session-Id: $1"} ${1:+-H "MCP-Protocol-Version: 2025-03-26"} -d "$2" "$LB/mcp")
}
mcp_post "" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}'
assert_eq 200 "$CODE" "initialize: $(head -c 300 "$E2E_TMP/mcp.b")"
SID=$(tr -d '\r' <"$E2E_TMP/mcp.h" | awk 'tolower($1) == "mcp-session-id:" {print $2}')
assert_true "a session id" test -n "$SID"
mcp_post "$SID" '{"jsonrpc":"2.0","method":"notifications/initialized"}'
for id in 2 3 4; do
    mcp_post "$SID" "{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"tools/list\"}"
    assert_eq 200 "$CODE" "call $id through the next replica: $(head -c 300 "$E2E_TMP/mcp.b")"
    assert_true "call $id lists the tools" grep -q '"name":"search"' "$E2E_TMP/mcp.b"
done

# ---------------------------------------------------------------------------------------------
case_ "a key revoked in the store is refused through the balancer within 2 s"
OTHER=$("$STRATA" keys create other --store "$URL" 2>/dev/null)
for _ in $(seq 60); do [ "$(code_of "$LB" "$OTHER")" = 200 ] && break; sleep 0.05; done
expect_exit 0 -- "$STRATA" keys revoke other --store "$URL"
REVOKED_AT=$(date +%s%N)
CODES=""
while [ $(( ($(date +%s%N) - REVOKED_AT) / 1000000 )) -lt 2000 ]; do
    CODES="$(code_of "$LB" "$OTHER") $(code_of "$LB" "$OTHER") $(code_of "$LB" "$OTHER")"
    [ "$CODES" = "401 401 401" ] && break
    sleep 0.05
done
assert_eq "401 401 401" "$CODES" "refused by each replica in turn"

# ---------------------------------------------------------------------------------------------
case_ "a replica's kept postings follow a document stored through another"
# Each replica searched directly keeps the term's blocks (pg_postings_cache.h); a document stored
# through the second is found by each at once.
search_on() {
    curl -s -H "Authorization: Bearer $KEY" "$1/api/v1/search" --json '{"query": "connections", "mode": "keyword", "k": 10}'
}
for i in 0 1 2; do search_on "${REPLICA_BASE[$i]}" >/dev/null; done
KEPT=$(curl -s -H "Authorization: Bearer $ADMIN" "${REPLICA_BASE[0]}/metrics" | awk '$1 == "strata_keyword_postings_terms" {print $2}')
assert_true "the first replica keeps the term's blocks (terms kept: ${KEPT:-none})" test "${KEPT:-0}" -ge 1
CODE=$(curl -s -o "$E2E_TMP/put.json" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    "${REPLICA_BASE[1]}/api/v1/collections/docs/documents" \
    --json '{"source": "notes/keepalive.md", "text": "# Keep-alive\n\nIdle connections are closed after a minute.\n"}')
assert_eq 200 "$CODE" "a document stored through the second replica: $(head -c 300 "$E2E_TMP/put.json")"
FOUND=""
for i in 0 1 2; do
    if search_on "${REPLICA_BASE[$i]}" | grep -q 'notes/keepalive.md'; then FOUND="$FOUND $i"; fi
done
assert_eq " 0 1 2" "$FOUND" "every replica finds the new document by a term it had kept"

# ---------------------------------------------------------------------------------------------
case_ "one replica killed: the balancer's next requests are answered by the others"
kill -KILL "${REPLICA_PID[0]}"
wait "${REPLICA_PID[0]}" 2>/dev/null
CODES=""
for _ in 1 2 3 4 5 6; do CODES="$CODES $(code_of "$LB" "$KEY")"; done
assert_eq " 200 200 200 200 200 200" "$CODES" "no request lost"
curl -s -o "$E2E_TMP/search.json" -H "Authorization: Bearer $KEY" "$LB/api/v1/search" --json '{"query": "pool", "mode": "keyword"}'
assert_true "a search through the balancer finds the page" grep -q 'pools.md' "$E2E_TMP/search.json"

# ---------------------------------------------------------------------------------------------
case_ "one replica killed mid-stream: the stream is cut, the others answer, nothing is lost"
# The replica killed above back on its port, so that three serve again.
serve_up "127.0.0.1:${REPLICA_BASE[0]##*:}" "${REPLICA_FLAGS[@]}"
REPLICA_PID[0]=$SERVE_PID
assert_eq "${REPLICA_BASE[0]}" "$BASE" "the first replica back on its port"
# Stored through the balancer before the kill.
CODE=$(curl -s -o "$E2E_TMP/put.json" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$LB/api/v1/collections/docs/documents" \
    --json '{"source": "notes/failover.md", "text": "# Failover\n\nA quorum of zebras elects the primary.\n"}')
assert_eq 200 "$CODE" "a document stored through the balancer: $(head -c 300 "$E2E_TMP/put.json")"
# chat QUESTION OUT: a streamed chat completion through the balancer into OUT (curl's errors in
# OUT.err); curl's exit status. Each question new (an answer asked before comes from a cache).
chat() {
    curl -sS -N --max-time 30 -H "Authorization: Bearer $KEY" "$LB/v1/chat/completions" \
        --json "{\"model\": \"strata/docs\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"$1\"}]}" >"$2" 2>"$2.err"
}
streams_open() { curl -s -H "Authorization: Bearer $ADMIN" "$1/metrics" | awk '$1 == "strata_http_streams_open" {print $2}'; }
# The next answer slow: its four pieces 1.5 s apart (6 s in all; the kill comes long before).
curl -s -o /dev/null -X POST "$UPSTREAM/_control/chat_script" -d '{"responses": [{"delay_ms": 1500}]}'
chat "How does a pool keep its connections?" "$E2E_TMP/cut.sse" &
CHAT_PID=$!
e2e_bg "$CHAT_PID"
for _ in $(seq 100); do grep -q '^data: ' "$E2E_TMP/cut.sse" && break; sleep 0.05; done
assert_true "the stream's first bytes arrived" grep -q '^data: ' "$E2E_TMP/cut.sse"
HOLDER="" OPEN=""
for i in 0 1 2; do
    n=$(streams_open "${REPLICA_BASE[$i]}")
    OPEN="$OPEN ${n:-?}"
    [ "$n" = 1 ] && HOLDER="$HOLDER$i"
done
assert_eq 1 "${#HOLDER}" "one replica holds the stream (streams open:$OPEN)"
HOLDER=${HOLDER:0:1}
HOLDER=${HOLDER:-1}
kill -KILL "${REPLICA_PID[$HOLDER]}"
wait "${REPLICA_PID[$HOLDER]}" 2>/dev/null
wait "$CHAT_PID"
CHAT_RC=$?
assert_true "the client sees the stream cut (curl exit $CHAT_RC: $(cat "$E2E_TMP/cut.sse.err"))" test "$CHAT_RC" != 0 -a "$CHAT_RC" != 28
assert_false "the cut stream has no data: [DONE]" grep -q '^data: \[DONE\]' "$E2E_TMP/cut.sse"
assert_false "the killed replica answers no more" curl -s -o /dev/null "${REPLICA_BASE[$HOLDER]}/healthz"
SURVIVORS=()
for i in 0 1 2; do [ "$i" = "$HOLDER" ] || SURVIVORS+=("$i"); done
CODES=""
for _ in 1 2 3 4 5 6; do CODES="$CODES $(code_of "$LB" "$KEY")"; done
assert_eq " 200 200 200 200 200 200" "$CODES" "the balancer's next requests answered"
CODE=$(curl -s -o "$E2E_TMP/search.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$LB/api/v1/search" --json '{"query": "zebras quorum", "mode": "keyword"}')
assert_eq 200 "$CODE" "a search through the balancer"
assert_true "it finds the document stored before the kill" grep -q 'notes/failover.md' "$E2E_TMP/search.json"
chat "Who elects the primary?" "$E2E_TMP/whole.sse"
CHAT_RC=$?
assert_eq 0 "$CHAT_RC" "a new streamed answer through the balancer: $(cat "$E2E_TMP/whole.sse.err")"
assert_true "with the model's answer" grep -q '"content":"Strata ' "$E2E_TMP/whole.sse"
assert_eq "data: [DONE]" "$(grep -v '^$' "$E2E_TMP/whole.sse" | tail -n 1)" "complete: it ends with data: [DONE]"
for i in "${SURVIVORS[@]}"; do
    b=${REPLICA_BASE[$i]}
    CODE=$(curl -s -o "$E2E_TMP/doc.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$b/api/v1/collections/docs/documents/notes/failover.md")
    assert_eq 200 "$CODE" "the document read directly at $b"
    assert_true "its text at $b" grep -q 'A quorum of zebras elects the primary' "$E2E_TMP/doc.json"
    assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$b/readyz")" "$b ready: the store answers"
done

# ---------------------------------------------------------------------------------------------
case_ "/readyz is 503 while the PostgreSQL server is stopped, 200 again once it is back"
# On the two replicas still running.
ready_codes() { echo "$(curl -s -o /dev/null -w '%{http_code}' "${REPLICA_BASE[${SURVIVORS[0]}]}/readyz") $(curl -s -o /dev/null -w '%{http_code}' "${REPLICA_BASE[${SURVIVORS[1]}]}/readyz")"; }
assert_eq "200 200" "$(ready_codes)" "ready with the store reachable"
PG_BINDIR=$(cat "$PGDIR/bindir")
as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
as_pg_owner "$PG_BINDIR/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null
READY=""
for _ in $(seq 100); do READY=$(ready_codes); [ "$READY" = "503 503" ] && break; sleep 0.05; done
assert_eq "503 503" "$READY" "not ready while the store cannot be reached"
# The same server again, on the same port (its options as pg_server.sh started it).
as_pg_owner "$PG_BINDIR/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 -o "$(cat "$PGDIR/options")" start >/dev/null
READY=""
for _ in $(seq 200); do READY=$(ready_codes); [ "$READY" = "200 200" ] && break; sleep 0.05; done
assert_eq "200 200" "$READY" "ready again once it is back"
# A worker's connection made before the stop is found lost at its next use (that call answered
# 503, as while the server was away), and the call after opens a new one.
ANSWER=""
for _ in $(seq 12); do ANSWER=$(code_of "$LB" "$KEY"); [ "$ANSWER" = 200 ] && break; done
assert_eq 200 "$ANSWER" "and answering through the balancer"

for i in "${SURVIVORS[@]}"; do kill -TERM "${REPLICA_PID[$i]}" 2>/dev/null; wait "${REPLICA_PID[$i]}" 2>/dev/null; done
e2e_finish
