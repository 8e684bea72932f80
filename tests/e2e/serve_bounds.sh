#!/usr/bin/env bash
# What one caller of `strata serve` may take, tried as an attacker would, with curl and `strata
# ask` on 127.0.0.1:
#  - a model's answer of 24 MB (tests/servers/openai_server.py's answer_mb: a server that ignores
#    max_tokens and ends as if complete): /v1/chat/completions streamed and whole, and `strata
#    ask`, end at the cap (256 KiB; with max_tokens 16 bytes a token and 1 KiB more) with
#    finish_reason length; the store keeps only that much (it grew by 97 MB for one such answer);
#  - MCP sessions per key: one key opens its 16 sessions of /mcp, its 17th initialize is 429
#    naming the bound, and another key still opens one (one key took all 256, leaving everyone
#    503 for 30 minutes);
#  - a batch against a rate: a key of 3 requests a minute sends one 2025-03-26 batch of 40 search
#    calls: at most 3 run, the others are answered with JSON-RPC error -32029 (all 40 ran).
#
# Usage: bash tests/e2e/serve_bounds.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init serve_bounds "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL
export STRATA_STORE="$E2E_TMP/store.db"
CAP=262144

# req [CURL FLAGS...] METHOD PATH [BODY]: STATUS, BODY (= OUT) and HEADERS of the answer.
req() {
    local args=()
    while [ "${1:0:1}" = "-" ]; do args+=("$1" "$2"); shift 2; done
    local method=$1 path=$2
    [ $# -gt 2 ] && args+=(--data-binary "$3" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
    STATUS=$(curl -sS -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -w '%{http_code}' -X "$method" "${args[@]}" "$BASE$path" \
        2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    HEADERS=$(tr -d '\r' <"$E2E_TMP/headers")
    OUT=$BODY
}
expect_status() { assert_eq "$1" "$STATUS" "$2 (body: ${BODY:0:300})"; }
header_value() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -n 1; }
store_bytes() { cat "$STRATA_STORE" "$STRATA_STORE-wal" 2>/dev/null | wc -c; }
# The length in bytes of the newest logged answer, and of the longest cached one.
last_answer_bytes() { db_q "$STRATA_STORE" "SELECT length(CAST(answer AS BLOB)) FROM llm_calls ORDER BY id DESC LIMIT 1"; }
longest_cached_bytes() { db_q "$STRATA_STORE" "SELECT coalesce(max(length(CAST(answer AS BLOB))), 0) FROM response_cache"; }

mkdir -p docs
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >docs/rollback.md
expect_exit 0 -- "$STRATA" ingest docs --collection docs -q

# --- a model's answer of 24 MB ---------------------------------------------------------------
start_server
serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model test-model

case_ "/v1 streamed: a 24 MB answer ends at the cap with finish_reason length"
before=$(store_bytes)
ctl POST /_control/chat_script '{"responses": [{"answer_mb": 24}]}'
req POST /v1/chat/completions '{"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "How do I roll back?"}]}'
expect_status 200 "streamed"
read -r text_bytes finish done_seen < <(python3 - "$E2E_TMP/body" <<'PY'
import json, sys
text, finish, done = "", None, False
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line == "data: [DONE]":
        done = True
    elif line.startswith("data: "):
        c = json.loads(line[6:])
        for ch in c.get("choices", []):
            text += ch.get("delta", {}).get("content") or ""
            finish = ch.get("finish_reason") or finish
print(len(text.encode()), finish, done)
PY
)
note "streamed: $text_bytes bytes of text, finish_reason $finish"
assert_true "the text is at most the cap ($text_bytes <= $CAP bytes)" test "$text_bytes" -le "$CAP"
assert_true "the text reaches the cap ($text_bytes > $((CAP - 4096)) bytes)" test "$text_bytes" -gt $((CAP - 4096))
assert_eq "length" "$finish" "finish_reason length"
assert_eq "True" "$done_seen" "the stream ends with data: [DONE]"
sleep 0.5  # the exchange is logged after the stream's last chunk
grown=$(( $(store_bytes) - before ))
note "the store grew by $grown bytes (97 MB for one such answer before the cap)"
assert_true "the answer logged is at most the cap ($(last_answer_bytes) bytes)" test "$(last_answer_bytes)" -le "$CAP"
assert_true "the answer cached is at most the cap ($(longest_cached_bytes) bytes)" test "$(longest_cached_bytes)" -le "$CAP"
assert_true "the store grew by at most 8 times the cap (logged, cached, the WAL's copies): $grown bytes" test "$grown" -le $((8 * CAP))

case_ "/v1 whole, with max_tokens 100: the cap is max_tokens' (16 bytes a token and 1 KiB)"
ctl POST /_control/chat_script '{"responses": [{"answer_mb": 24}]}'
req POST /v1/chat/completions '{"model": "strata/docs", "max_tokens": 100, "messages": [{"role": "user", "content": "How do I roll back, again?"}]}'
expect_status 200 "whole"
expect_json_true "finish_reason length" 'd["choices"][0]["finish_reason"] == "length"'
expect_json_true "the text is max_tokens' cap (2624 bytes)" 'len(d["choices"][0]["message"]["content"].encode()) == 100 * 16 + 1024'
assert_eq 2624 "$(last_answer_bytes)" "the answer logged"
serve_down

case_ "strata ask: a 24 MB answer ends at the cap, exit 0, said so"
ctl POST /_control/chat_script '{"responses": [{"answer_mb": 24}]}'
before=$(store_bytes)
run "$STRATA" ask --collection docs --base-url "$URL" --model test-model "how do I roll back once more?"
assert_eq 0 "$RC" "exit 0 (${ERR:0:300})"
expect_stderr_match 'the answer stopped at the output limit'
out_bytes=$(wc -c <"$E2E_TMP/.out")
assert_true "printed at most the cap and the sources ($out_bytes bytes)" test "$out_bytes" -le $((CAP + 4096))
assert_true "the answer logged is at most the cap ($(last_answer_bytes) bytes)" test "$(last_answer_bytes)" -le "$CAP"
grown=$(( $(store_bytes) - before ))
note "the store grew by $grown bytes"
assert_true "the store grew by at most 8 times the cap: $grown bytes" test "$grown" -le $((8 * CAP))

# --- keys: MCP sessions per key, and a batch against a rate -----------------------------------
GREEDY=$("$STRATA" keys create greedy 2>/dev/null)
OTHER=$("$STRATA" keys create other 2>/dev/null)
SLOW=$("$STRATA" keys create slow --rate 3/min 2>/dev/null)
serve_up 127.0.0.1:0 --collection docs
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

case_ "MCP sessions: one key opens 16, its 17th is refused, another key still opens one"
opened=0
for i in $(seq 1 16); do
    req -H "Authorization: Bearer $GREEDY" POST /mcp "$INIT"
    [ "$STATUS" = 200 ] && opened=$((opened + 1))
done
assert_eq 16 "$opened" "16 sessions for one key"
req -H "Authorization: Bearer $GREEDY" POST /mcp "$INIT"
expect_status 429 "the 17th of that key"
expect_json_true "the refusal names the key's bound" '"too many MCP sessions open for key '"'"'greedy'"'"' (16, the most one key may hold)" in d["detail"]'
retry=$(header_value Retry-After)
assert_true "Retry-After until its oldest session expires (${retry} s, at most 30 minutes)" test "${retry:-0}" -ge 1 -a "${retry:-0}" -le 1800
req -H "Authorization: Bearer $OTHER" POST /mcp "$INIT"
expect_status 200 "another key opens one"
SESSION=$(header_value Mcp-Session-Id)
req -H "Authorization: Bearer $OTHER" -H "Mcp-Session-Id: $SESSION" POST /mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
expect_status 200 "and uses it"

case_ "a batch of 40 searches against a key of 3 requests a minute: at most 3 run"
req -H "Authorization: Bearer $SLOW" POST /mcp "${INIT/2025-11-25/2025-03-26}"
expect_status 200 "a 2025-03-26 session (one request of the rate)"
SESSION=$(header_value Mcp-Session-Id)
BATCH=$(python3 -c '
import json
print(json.dumps([{"jsonrpc": "2.0", "id": i, "method": "tools/call",
                   "params": {"name": "search", "arguments": {"query": "roll back", "mode": "keyword"}}} for i in range(1, 41)]))')
req -H "Authorization: Bearer $SLOW" -H "Mcp-Session-Id: $SESSION" POST /mcp "$BATCH"
expect_status 200 "the batch is answered"
read -r ran refused other < <(python3 -c '
import json, sys
replies = json.load(open(sys.argv[1]))
ran = sum(1 for r in replies if "result" in r and r["result"].get("structuredContent", {}).get("hits"))
refused = sum(1 for r in replies if r.get("error", {}).get("code") == -32029 and r["error"].get("data", {}).get("retry_after", 0) >= 1)
print(ran, refused, len(replies) - ran - refused)' "$E2E_TMP/body")
note "searches run: $ran, refused: $refused, other replies: $other"
assert_true "at most 3 searches ran ($ran)" test "$ran" -le 3
assert_true "at least one ran ($ran)" test "$ran" -ge 1
assert_eq 40 "$((ran + refused))" "every other call refused with -32029 in its place"
req -H "Authorization: Bearer $SLOW" -H "Mcp-Session-Id: $SESSION" POST /mcp '{"jsonrpc":"2.0","id":50,"method":"tools/list"}'
expect_status 429 "the key's next request is refused: its rate is spent"
serve_down
assert_eq 0 "$STOP_RC" "SIGTERM: exit 0"

e2e_finish
