#!/usr/bin/env bash
# End-to-end tests of `strata serve`'s streamed chat completions against a slow upstream model
# (tests/servers/slow_stream_server.py: asyncio, holds any number of streams): a stream holds no
# worker (100 streams at once through 2 workers all complete, each with the answer one stream
# alone gets, and the upstream holds more than 2 of them open at once); past --max-streams a
# stream is refused 503 with Retry-After in OpenAI's shape; a client that goes away mid-stream
# closes the upstream request (the upstream sees its connection closed).
#
# Usage: bash tests/e2e/serve_streams.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init serve_streams "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL
export STRATA_STORE="$E2E_TMP/store.db"

# The slow model: 6 pieces 250 ms apart (a stream lasts about 1.5 s).
rm -f "$E2E_TMP/.port"
python3 "$HERE/../servers/slow_stream_server.py" --port-file "$E2E_TMP/.port" --pieces 6 --every-ms 250 \
    2>"$E2E_TMP/.server.err" &
SERVER_PID=$!
e2e_bg "$SERVER_PID"
disown "$SERVER_PID" 2>/dev/null
for _ in $(seq 1 200); do
    [ -s "$E2E_TMP/.port" ] && break
    sleep 0.05
done
[ -s "$E2E_TMP/.port" ] || { echo "serve_streams: the slow server did not start: $(cat "$E2E_TMP/.server.err")" >&2; exit 2; }
URL="http://127.0.0.1:$(cat "$E2E_TMP/.port")/v1"
stats() { ctl_out GET /_control/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# chat N OUT: a streamed chat completion into OUT (question N: no two alike, since a question
# asked before is answered from ask's cache, without the upstream).
# A burst faster than the workers' queue (64) is answered 503 with Retry-After, as the openai
# SDKs expect: like them, ask again after it (a slow build, such as ASan's, queues more).
chat() {
    local try
    for try in 1 2 3 4 5 6 7 8 9 10; do
        curl -sS -N --max-time 60 "$BASE/v1/chat/completions" -H 'Content-Type: application/json' \
            --data-binary "{\"model\": \"strata/docs\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"How is a migration rolled back? ($1)\"}]}" \
            >"$2" 2>"$2.err" || return 1
        grep -q '"the server is busy' "$2" || return 0
        sleep 1
    done
}
# answer FILE...: each stream's answer (its deltas joined, trimmed), its sources' ids and whether
# it ended with data: [DONE], one line of JSON per file.
answer() {
    python3 - "$@" <<'PY'
import json, sys
for name in sys.argv[1:]:
    text, sources, done = "", None, False
    for line in open(name, encoding="utf-8"):
        if not line.startswith("data: "):
            continue
        data = line[len("data: "):].strip()
        if data == "[DONE]":
            done = True
            continue
        event = json.loads(data)
        for choice in event.get("choices", []):
            text += choice.get("delta", {}).get("content") or ""
        if "sources" in event:
            sources = [s.get("source") for s in event["sources"]]
    print(json.dumps({"text": text.strip(), "sources": sources, "done": done}, sort_keys=True))
PY
}

case_ "a store with one collection"
mkdir -p docs
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
expect_exit 0 -- "$STRATA" ingest docs --collection docs

case_ "100 streams at once through 2 workers: all complete, each as one alone"
serve_up 127.0.0.1:0 --collection docs --workers 2 --base-url "$URL" --model slow-model
chat 0 "$E2E_TMP/alone.sse"
alone=$(answer "$E2E_TMP/alone.sse")
expect_json_true_of() { OUT=$1; expect_json_true "$2" "$3"; }
expect_json_true_of "$alone" "one stream alone: the model's answer, its sources, data: [DONE]" \
    'd["text"] == "word1 word2 word3 word4 word5 word6" and d["sources"] and d["done"]'
ctl POST /_control/reset
pids=()
for i in $(seq 1 100); do
    chat "$i" "$E2E_TMP/s$i.sse" &
    pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
assert_eq 0 "$failed" "every curl ended well"
files=()
for i in $(seq 1 100); do files+=("$E2E_TMP/s$i.sse"); done
same=$(answer "${files[@]}" | grep -cxF "$alone")
assert_eq 100 "$same" "each of the 100 streams has the answer one alone has"
assert_eq 100 "$(stats completed)" "the upstream wrote 100 streams to the end"
assert_true "the upstream held more streams at once than there are workers ($(stats max_open))" test "$(stats max_open)" -gt 2
req_healthz() { curl -sS -o /dev/null -w '%{http_code}' "$BASE/healthz"; }
assert_eq 200 "$(req_healthz)" "healthz after the streams"
serve_down
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "past --max-streams: 503 with Retry-After in OpenAI's shape"
ctl POST /_control/config '{"pieces": 4, "every_ms": 500}'
serve_up 127.0.0.1:0 --collection docs --max-streams 1 --base-url "$URL" --model slow-model
chat 1001 "$E2E_TMP/held.sse" &
held=$!
for _ in $(seq 1 200); do
    grep -q '"content":"word1' "$E2E_TMP/held.sse" 2>/dev/null && break
    sleep 0.05
done
assert_true "the first stream is open" grep -q '"content":"word1' "$E2E_TMP/held.sse"
status=$(curl -sS -D "$E2E_TMP/refused.head" -o "$E2E_TMP/refused.body" -w '%{http_code}' "$BASE/v1/chat/completions" \
    -H 'Content-Type: application/json' \
    --data-binary '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "And the second?"}]}')
assert_eq 503 "$status" "one stream more is refused"
assert_true "with Retry-After" grep -qi '^retry-after: 1' "$E2E_TMP/refused.head"
OUT=$(cat "$E2E_TMP/refused.body")
expect_json_true "in OpenAI's shape" 'd["error"]["type"] == "server_error" and "streams" in d["error"]["message"] and "detail" not in d'
wait "$held"
assert_eq true "$(answer "$E2E_TMP/held.sse" | python3 -c 'import json,sys; print(str(json.load(sys.stdin)["done"]).lower())')" \
    "the open stream completes"
serve_down
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "POST /api/v1/ask: a client cut after the third event resumes with Last-Event-ID and gets exactly the rest"
ctl POST /_control/config '{"pieces": 6, "every_ms": 250}'
serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model slow-model
curl -sS -N --max-time 60 -D "$E2E_TMP/whole.head" "$BASE/api/v1/ask" -H 'Content-Type: application/json' \
    --data-binary '{"question": "How is a migration rolled back? (whole)", "collection": "docs"}' >"$E2E_TMP/whole.sse"
assert_true "the answer's id in X-Strata-Answer" grep -qiE '^x-strata-answer: [0-9a-f]{32}' "$E2E_TMP/whole.head"
assert_true "text/event-stream" grep -qi '^content-type: text/event-stream' "$E2E_TMP/whole.head"
expect_exit 0 -- python3 "$HERE/ask_resume.py" "$BASE" "How is a migration rolled back? (cut)" 3 "$E2E_TMP/cut.json" \
    "$E2E_TMP/whole.sse"
expect_stdout_match '^resumed: [0-9]+ events after id 3'
answer_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["answer"])' "$E2E_TMP/cut.json")
# Asked again from the start (Last-Event-ID 0, in the query): the whole answer, kept after it ended.
curl -sS -N --max-time 30 "$BASE/api/v1/ask/$answer_id/events?last_event_id=0" >"$E2E_TMP/again.sse"
assert_true "replayed from the first event" grep -qx 'id: 1' "$E2E_TMP/again.sse"
assert_true "to the done event" grep -qx 'event: done' "$E2E_TMP/again.sse"
status=$(curl -sS -o "$E2E_TMP/gone.body" -w '%{http_code}' "$BASE/api/v1/ask/0123456789abcdef0123456789abcdef/events")
assert_eq 404 "$status" "an answer never made: 404"
status=$(curl -sS -o "$E2E_TMP/bad.body" -w '%{http_code}' -H 'Last-Event-ID: three' "$BASE/api/v1/ask/$answer_id/events")
assert_eq 422 "$status" "a Last-Event-ID that is no number: 422"
assert_eq 200 "$(req_healthz)" "healthz after the resumed answers"
serve_down
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

case_ "a client gone mid-stream: the upstream sees its request closed"
ctl POST /_control/config '{"pieces": 40, "every_ms": 250}'
ctl POST /_control/reset
serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model slow-model
expect_exit 28 -- curl -sS -N --max-time 1 "$BASE/v1/chat/completions" -H 'Content-Type: application/json' \
    --data-binary '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "Gone soon?"}]}'
expect_stdout_match '"content":"word1 '
# The stream would last 10 s; the upstream sees it closed as soon as strata notices the client gone.
for _ in $(seq 1 100); do
    [ "$(stats gone)" = 1 ] && break
    sleep 0.05
done
assert_eq 1 "$(stats gone)" "the upstream saw the request closed"
assert_eq 0 "$(stats completed)" "and wrote nothing to the end"
assert_eq 200 "$(req_healthz)" "healthz after the client went away"
serve_down
assert_eq 0 "$STOP_RC" "exit 0 after SIGTERM"

e2e_finish
