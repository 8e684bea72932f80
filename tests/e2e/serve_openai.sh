#!/usr/bin/env bash
# End-to-end tests of `strata serve`'s OpenAI-compatible API (/v1/) on 127.0.0.1 with clients
# nobody here wrote, pinned with npm into the build folder (openai-clients/): OpenAI's `openai`
# SDK (models, chat whole and streamed with sources and usage, embeddings, NotFoundError and
# BadRequestError from strata's errors) and LangChain's `@langchain/openai` (ChatOpenAI invoke
# and stream, OpenAIEmbeddings), run by tests/e2e/serve_openai_client.mjs: first offline (no
# model: the extractive answer), then with the fake upstream model (tests/servers/
# openai_server.py) configured by --base-url and --model, its answer streamed through. curl:
# the stream's SSE frames ending data: [DONE], errors in OpenAI's shape (never FastAPI's), and a
# client that goes away mid-stream, which ends the upstream request while the server goes on
# answering.
#
# Usage: bash tests/e2e/serve_openai.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
BUILD_DIR=$(cd "$(dirname "$1")" && pwd)
e2e_init serve_openai "$@"
. "$HERE/../servers/e2e_helpers.sh"

OPENAI_VERSION=4.104.0
LANGCHAIN_OPENAI_VERSION=0.3.17
LANGCHAIN_CORE_VERSION=0.3.80
CLIENTS="${STRATA_TEST_PACKAGES:-$BUILD_DIR}/openai-clients"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL
export STRATA_STORE="$E2E_TMP/store.db"
STRATA_PID=""
BASE=""

# start_strata [FLAGS...]: strata serve on 127.0.0.1:0; BASE is the address it announces.
start_strata() { serve_up 127.0.0.1:0 --collection docs "$@"; STRATA_PID=$SERVE_PID; }
stop_strata() { serve_down; }

# req METHOD PATH [BODY]: STATUS and BODY of the response.
req() {
    local method=$1 path=$2 data=()
    [ $# -gt 2 ] && data=(--data-binary "$3" -H 'Content-Type: application/json')
    STATUS=$(curl -sS -o "$E2E_TMP/body" -w '%{http_code}' -X "$method" "${data[@]+"${data[@]}"}" "$BASE$path" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    OUT=$BODY
}
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }

# clients MODE: the SDKs' checks (serve_openai_client.mjs) against BASE/v1.
clients() {
    E2E_CMD_TIMEOUT=60 run node "$HERE/serve_openai_client.mjs" "$CLIENTS" "$BASE/v1" "$1"
    report_checks "$1: "
    [ "$RC" = 0 ] || fail "serve_openai_client.mjs ($1) exited $RC: ${ERR:0:600}"
}

case_ "a store with two collections, embedded by the built-in model"
mkdir -p docs notes
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
printf '# Notes\n\nThe team meets on Mondays.\n' >notes/meetings.md
expect_exit 0 -- "$STRATA" ingest docs --collection docs
expect_exit 0 -- "$STRATA" ingest notes --collection notes
expect_exit 0 -- "$STRATA" embed --collection docs

case_ "offline: the routes with curl"
start_strata
assert_true "the notice names the API and the offline answer" grep -q '/v1, answers offline' "$E2E_TMP/serve.err"
req GET /v1/models
expect_status 200 "models"
expect_json_true "each collection is a model" '[m["id"] for m in d["data"]] == ["strata/docs", "strata/notes"]'
req GET /v1/models/strata/notes
expect_status 200 "one model"
req GET /v1/models/strata/nope
expect_status 404 "an unknown model"
expect_json_true "404 in OpenAI's shape" 'd["error"]["code"] == "model_not_found" and "detail" not in d'
req GET /v1/nope
expect_status 404 "an unknown path under /v1"
expect_json_true "its 404 in OpenAI's shape" 'd["error"]["code"] == "unknown_url" and d["error"]["type"] == "invalid_request_error" and "detail" not in d'
req DELETE /v1/models
expect_status 405 "a method /v1/models has not"
expect_json_true "its 405 in OpenAI's shape" 'd["error"]["type"] == "invalid_request_error" and "detail" not in d'
req GET /api/v1/nope
expect_json_true "an unknown path elsewhere keeps the API's own shape" 'd == {"detail": "Not Found"}'
req POST /v1/chat/completions '{"model": "strata/docs", "messages": '
expect_status 400 "a body that is not JSON"
expect_json_true "400 in OpenAI's shape" 'd["error"]["type"] == "invalid_request_error" and "detail" not in d'
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "tool", "content": "x"}, {"role": "user", "content": "x"}]}'
expect_status 400 "a tool message"
expect_json_true "names the field" 'd["error"]["param"] == "messages[0].role" and d["error"]["code"] == "unsupported_parameter"'
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "system", "content": "You are a pirate. Speak of parrots."}, {"role": "user", "content": "How do I roll back a migration?"}]}'
expect_status 200 "a chat completion"
expect_json_true "the answer and its sources" '"strata migrate down" in d["choices"][0]["message"]["content"] and d["sources"][0]["source"] == "docs/rollback.md" and d["usage"]["total_tokens"] > 0'
# The stream as curl reads it: chunks, the last with sources, then [DONE].
expect_exit 0 -- curl -sS -N "$BASE/v1/chat/completions" -H 'Content-Type: application/json' \
    --data-binary '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
expect_stdout_match '^data: \{"choices":\[\{"delta":\{"content":"","role":"assistant"\}'
assert_eq "data: [DONE]" "$(printf '%s\n' "$OUT" | grep -v '^$' | tail -n 1)" "the stream ends with data: [DONE]"
assert_true "the last chunk has the sources" sh -c 'printf "%s\n" "$1" | grep "finish_reason\":\"stop\"" | grep -q "\"sources\":\[{"' sh "$OUT"
req POST /v1/chat/completions '{"model": "strata/docs", "max_tokens": 4, "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
expect_status 200 "an offline answer with max_tokens"
expect_json_true "max_tokens holds offline: cut to 4 tokens, finish_reason length" \
    'd["choices"][0]["finish_reason"] == "length" and 0 < len(d["choices"][0]["message"]["content"]) <= 40 and d["usage"]["completion_tokens"] <= 4'
req POST /v1/chat/completions '{"model": "strata/docs", "max_tokens": 4000, "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
expect_json_true "a max_tokens the answer fits in: whole, stop" 'd["choices"][0]["finish_reason"] == "stop" and "strata migrate down" in d["choices"][0]["message"]["content"]'
req GET /openapi.json
expect_json_true "the OpenAPI document lists /v1" '{"/v1/models", "/v1/models/{model}", "/v1/chat/completions", "/v1/embeddings"} <= set(d["paths"])'

case_ "offline: the openai SDK and LangChain"
if ! command -v node >/dev/null 2>&1; then
    fail "node is not installed (scripts/install-deps.sh --test installs it)"
elif ! npm_install_pinned "$CLIENTS" "openai@$OPENAI_VERSION" "@langchain/openai@$LANGCHAIN_OPENAI_VERSION" \
        "@langchain/core@$LANGCHAIN_CORE_VERSION" 2>npm.log; then
    skip "npm could not install the OpenAI clients into $CLIENTS: $(head -4 npm.log | tr -s ' \n' ' ')"
    CLIENTS=""
else
    clients offline
fi
# The system message is the client's word on manner, not a question: it never joins the search
# (asks are logged under the server's principal, the user's: strata logs reads them).
expect_exit 0 -- "$STRATA" logs --json --limit 100
OUT=$(printf '%s\n' "$OUT" | python3 -c 'import json, sys; print(json.dumps([json.loads(l) for l in sys.stdin if l.strip()]))')
expect_json_true "the asks are logged, a system message never in a retrieval query" \
    'any(c["question"] == "How do I roll back a migration?" for c in d) and not any("parrots" in (c["retrieval_query"] or "") for c in d)'
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "the fake upstream model answers, streamed through"
start_server
start_strata --base-url "$URL" --model test-model
assert_true "the notice names the model" grep -q '/v1, answers test-model' "$E2E_TMP/serve.err"
if [ -n "$CLIENTS" ] && command -v node >/dev/null 2>&1; then
    clients upstream
fi
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}'
expect_status 200 "a generated answer"
expect_json_true "the model's answer with its cited source" 'd["choices"][0]["message"]["content"] == "Strata reads your documents [1]." and d["sources"][0]["source"] == "docs/rollback.md"'
ctl POST /_control/chat_script '{"responses": [{"status": 401, "body": {"error": {"message": "bad key sk-secret"}}}]}'
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "How do I undo a migration?"}]}'
expect_status 502 "the model's server refused"
expect_json_true "502 says so without the server's text" 'd["error"]["code"] == "upstream_error" and "sk-secret" not in json.dumps(d)'

case_ "the answer cache is read at temperature 0 only: a chat UI's Regenerate asks the model again"
# chats_sent: the chat requests the fake model has received.
chats_sent() { ctl_out GET /_control/log | python3 -c 'import json, sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["path"].endswith("/chat/completions")))'; }
ASKED='{"model": "strata/docs", "messages": [{"role": "user", "content": "What does strata read?"}]}'
before=$(chats_sent)
req POST /v1/chat/completions "$ASKED"
expect_status 200 "asked once"
req POST /v1/chat/completions "$ASKED"
expect_status 200 "the same again (Regenerate)"
assert_eq $((before + 2)) "$(chats_sent)" "without a temperature the model is asked both times"
ASKED0='{"model": "strata/docs", "temperature": 0, "messages": [{"role": "user", "content": "What does strata read?"}]}'
req POST /v1/chat/completions "$ASKED0"
req POST /v1/chat/completions "$ASKED0"
expect_json_true "at temperature 0 the answer" 'd["choices"][0]["message"]["content"] == "Strata reads your documents [1]."'
assert_eq $((before + 3)) "$(chats_sent)" "at temperature 0 the second ask is answered from the cache"

case_ "a client that goes away mid-stream ends the upstream request; the server goes on"
ctl POST /_control/chat_script '{"responses": [{"forever": "text", "every_ms": 50}]}'
chats() { grep -c '"route":"/v1/chat/completions"' "$E2E_TMP/serve.err"; }
before=$(chats)
expect_exit 28 -- curl -sS -N --max-time 1 "$BASE/v1/chat/completions" -H 'Content-Type: application/json' \
    --data-binary '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "What is rolled back?"}]}'
expect_stdout_match '"content":"word '
# The stream's request is logged when its handler ends: at once, not after the fake server's
# 60 seconds, because the failed write cancelled the model's request.
for _ in $(seq 1 100); do
    [ "$(chats)" -gt "$before" ] && break
    sleep 0.1
done
assert_eq $((before + 1)) "$(chats)" "the abandoned stream's request ended"
req GET /healthz
expect_status 200 "healthz after the client went away"
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "Which migration does rolling back undo?"}]}'
expect_status 200 "a chat completion after the client went away"
expect_json_true "answered by the model again" 'd["choices"][0]["message"]["content"] == "Strata reads your documents [1]."'
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "an upstream that stalls, errors or streams garbage: OpenAI's error, the server goes on"
start_strata --base-url "$URL" --model test-model --timeout 1 --max-retries 0
# stream_chat QUESTION: a streamed chat completion (OUT: the events); curl's 20 s is a bound on a
# hang, the server's 1 s --timeout the one that should end it.
stream_chat() {
    expect_exit 0 -- curl -sS -N --max-time 20 "$BASE/v1/chat/completions" -H 'Content-Type: application/json' \
        --data-binary "{\"model\": \"strata/docs\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"$1\"}]}"
}
last_event_is_error() {
    assert_true "$1" sh -c 'printf "%s\n" "$1" | grep -v "^$" | tail -n 1 | grep -q "^data: {\"error\":{.*\"type\":\"server_error\"\|^data: {\"error\":{.*\"code\":\"upstream_error\""' sh "$OUT"
}
ctl POST /_control/chat_script '{"responses": [{"delay_ms": 30000}]}'
stream_chat "What does a stalled model answer?"
last_event_is_error "a model that stalls: the stream ends with an error event, not a hang"
ctl POST /_control/chat_script '{"responses": [{"garbage_mb": 2}]}'
stream_chat "What does a garbled model answer?"
last_event_is_error "a model that streams garbage: the stream ends with an error event"
assert_false "no garbage reaches the client" sh -c 'printf "%s" "$1" | LC_ALL=C grep -q "[^[:print:][:space:]]"' sh "$OUT"
ctl POST /_control/chat_script '{"responses": [{"fault": "reset"}]}'
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "What does a model that hangs up answer?"}]}'
expect_status 502 "a model whose server hangs up"
expect_json_true "502 in OpenAI's shape" 'd["error"]["code"] == "upstream_error" and "detail" not in d'
req GET /healthz
expect_status 200 "healthz after the model's failures"
req POST /v1/chat/completions '{"model": "strata/docs", "messages": [{"role": "user", "content": "Which command rolls back?"}]}'
expect_status 200 "a chat completion after the model's failures"
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "a key revoked while its answer streams: the stream ends with an error event"
KEY=$("$STRATA" keys create streamer 2>/dev/null)
assert_true "a key was made" test -n "$KEY"
start_strata --base-url "$URL" --model test-model
ctl POST /_control/chat_script '{"responses": [{"forever": "text", "every_ms": 50}]}'
curl -sS -N --max-time 20 "$BASE/v1/chat/completions" -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
    --data-binary '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "What is rolled back?"}]}' \
    >"$E2E_TMP/revoked.sse" 2>"$E2E_TMP/revoked.err" &
curl_pid=$!
for _ in $(seq 1 100); do
    grep -q '"content":"word ' "$E2E_TMP/revoked.sse" 2>/dev/null && break
    sleep 0.05
done
assert_true "the answer streams to the key" grep -q '"content":"word ' "$E2E_TMP/revoked.sse"
expect_exit 0 -- "$STRATA" keys revoke streamer
# The key is asked again every 2 s (gate.h): the stream ends well before curl's 20 s.
wait "$curl_pid"
assert_eq 0 "$?" "the stream ended by the server, before curl's own limit"
assert_true "its last event is the revoked key's error" sh -c 'grep -v "^$" "$1" | tail -n 1 | grep -q "\"code\":\"invalid_api_key\""' sh "$E2E_TMP/revoked.sse"
req GET /healthz
expect_status 200 "healthz after the revoked stream"
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "a key's tokens per minute: an upstream model's tokens, charged after each answer"
BUDGET=$("$STRATA" keys create budget --tokens 60/min 2>/dev/null)
assert_true "a key with a token limit was made" test -n "$BUDGET"
expect_exit 0 -- "$STRATA" keys list --json
expect_stdout_match '"name":"budget".*"tokens_per_minute":60'
start_strata --base-url "$URL" --model test-model
# keyed_chat KEY: one chat completion; STATUS, BODY and the answer's HEADERS.
keyed_chat() {
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' "$BASE/v1/chat/completions" \
        -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary '{"model": "strata/docs", "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}' 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
header_value() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
keyed_chat "$BUDGET"
expect_status 200 "the first answer, within the limit"
cp "$E2E_TMP/body" "$E2E_TMP/first_body"
expect_json_true "its usage, the grounded prompt and the answer, is over 60 tokens" 'd["usage"]["total_tokens"] > 60'
assert_eq "60" "$(header_value x-ratelimit-limit-tokens)" "the token limit's header"
assert_eq "0" "$(header_value x-ratelimit-remaining-tokens)" "nothing left once the answer is charged"
keyed_chat "$BUDGET"
expect_status 429 "the next, while the key is in debt"
expect_json_true "429 in OpenAI's shape, naming the token limit" 'd["error"]["code"] == "rate_limit_exceeded" and "token limit (60 tokens per minute)" in d["error"]["message"]'
assert_true "Retry-After of at least a second" test "$(header_value retry-after)" -ge 1
req GET /healthz
expect_status 200 "healthz"
# The same limit holds on strata's own API: POST /api/v1/ask is refused while the key is in debt.
ask_own() {  # KEY: POST /api/v1/ask; STATUS, BODY, HEADERS
    STATUS=$(curl -sS -N -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' "$BASE/api/v1/ask" \
        -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary '{"question": "How do I roll back a migration?", "collection": "docs"}' 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
ask_own "$BUDGET"
expect_status 429 "/api/v1/ask: refused while the key is in debt"
expect_json_true "in FastAPI's shape, naming the token limit" '"token limit (60 tokens per minute)" in d["detail"]'
assert_true "/api/v1/ask: Retry-After" test "$(header_value retry-after)" -ge 1
OWN=$("$STRATA" keys create own-budget --tokens 60/min 2>/dev/null)
ask_own "$OWN"
expect_status 200 "/api/v1/ask: a key within its limit is answered"
assert_eq "60" "$(header_value x-ratelimit-limit-tokens)" "/api/v1/ask: the token limit's header"
assert_true "/api/v1/ask: the answer's done event" grep -qx 'event: done' "$E2E_TMP/body"
ask_own "$OWN"
expect_status 429 "/api/v1/ask: the next, once the answer was charged"
# /metrics (an admin key's): the answer and the refusal by outcome, the model's tokens by key.
OPS=$("$STRATA" keys create ops --scope admin 2>/dev/null)
USED=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["usage"]["completion_tokens"])' "$E2E_TMP/first_body")
METRICS=$(curl -sS -H "Authorization: Bearer $OPS" "$BASE/metrics")
for line in 'strata_chat_completions_total{outcome="answered",stream="false"} 1' \
            'strata_chat_completions_total{outcome="refused",stream="false"} 1' \
            'strata_chat_completions_total{outcome="failed",stream="true"} 0' \
            "strata_model_tokens_total{key=\"budget\",kind=\"completion\"} $USED"; do
    assert_true "/metrics: $line" grep -qxF "$line" <<<"$METRICS"
done
assert_true "/metrics: the prompt's tokens for the key" grep -qE '^strata_model_tokens_total\{key="budget",kind="prompt"\} [1-9][0-9]*$' <<<"$METRICS"
assert_true "/metrics: /api/v1/ask's tokens for its key" grep -qE '^strata_model_tokens_total\{key="own-budget",kind="completion"\} [1-9][0-9]*$' <<<"$METRICS"
assert_true "/metrics: never a key's secret" bash -c '! grep -qF "$1" <<<"$2"' _ "$BUDGET" "$METRICS"
# A streamed answer's headers go out before the model answers: they carry the key's token limit
# and what it has left then; the stream's usage is charged when it ends, which the next shows.
STREAMED=$("$STRATA" keys create stream-budget --tokens 600/min 2>/dev/null)
stream_keyed() {  # KEY: a streamed chat completion, usage asked for; STATUS, HEADERS, OUT (the events)
    STATUS=$(curl -sS -N -o "$E2E_TMP/stream.sse" -D "$E2E_TMP/headers" -w '%{http_code}' "$BASE/v1/chat/completions" \
        -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary '{"model": "strata/docs", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "How do I roll back a migration?"}]}' 2>"$E2E_TMP/curl.err")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$(cat "$E2E_TMP/stream.sse")
    BODY=${OUT:0:300}
}
stream_keyed "$STREAMED"
T_FIRST=$(date +%s%N)
expect_status 200 "a streamed answer to a key with a token limit"
assert_eq "text/event-stream; charset=utf-8" "$(header_value Content-Type)" "it is a stream"
assert_eq "600" "$(header_value x-ratelimit-limit-tokens)" "the stream's x-ratelimit-limit-tokens"
assert_eq "600" "$(header_value x-ratelimit-remaining-tokens)" "the stream's x-ratelimit-remaining-tokens: all of them, nothing spent yet"
assert_eq "0s" "$(header_value x-ratelimit-reset-tokens)" "the stream's x-ratelimit-reset-tokens: full"
assert_eq "data: [DONE]" "$(printf '%s\n' "$OUT" | grep -v '^$' | tail -n 1)" "the stream ends with data: [DONE]"
STREAM_USED=$(printf '%s\n' "$OUT" | sed -n 's/^data: //p' | python3 -c '
import json, sys
print([json.loads(l) for l in sys.stdin if l.startswith("{")][-1]["usage"]["total_tokens"])' 2>&1)
assert_true "the stream's last chunk is its usage ($STREAM_USED tokens)" test "$STREAM_USED" -gt 0
stream_keyed "$STREAMED"
expect_status 200 "the key's next streamed answer"
# What the key earned back meanwhile: 600 a minute, 10 a second.
EARNED=$(( ($(date +%s%N) - T_FIRST) / 100000000 + 1 ))
REMAINING=$(header_value x-ratelimit-remaining-tokens)
assert_true "its x-ratelimit-remaining-tokens is 600 less the first stream's usage ($STREAM_USED; up to $EARNED earned back): [$REMAINING]" \
    test "${REMAINING:-x}" -ge $((600 - STREAM_USED)) -a "${REMAINING:-x}" -le $((600 - STREAM_USED + EARNED))
assert_eq "600" "$(header_value x-ratelimit-limit-tokens)" "and its x-ratelimit-limit-tokens"
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"
# Offline answers spend no model's tokens: the same key is not charged for them.
start_strata
keyed_chat "$BUDGET"
expect_status 200 "an offline answer is not refused for the model's tokens"
assert_eq "" "$(header_value x-ratelimit-limit-tokens)" "no token headers without a model"
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "a key's rate: the openai SDK's own RateLimitError"
LIMITED=$("$STRATA" keys create limited --rate 2/min 2>/dev/null)
assert_true "a limited key was made" test -n "$LIMITED"
start_strata
if [ -n "$CLIENTS" ] && command -v node >/dev/null 2>&1; then
    STRATA_TEST_KEY=$LIMITED clients ratelimit
fi
stop_strata
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

e2e_finish
