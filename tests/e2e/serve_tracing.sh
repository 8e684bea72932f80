#!/usr/bin/env bash
# End-to-end tests of `strata serve --otlp-endpoint`: traces sent over OTLP/HTTP (JSON) to a test
# collector (tests/servers/otlp_collector.py, which decodes each export), with the OpenAI-compatible
# test server as the model: an ask that brings a traceparent continues its trace, its span tree
# (the request, history, retrieval with search under it, packing, the model call with its model
# and tokens, citations) hangs together, the model is sent the model call's traceparent, no
# question or key is in any span; a search, an MCP tool call and a job (a document over 1 MiB)
# each get their spans; and a collector that is slow, refuses or is gone never holds a request up.
#
# Usage: bash tests/e2e/serve_tracing.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init serve_tracing "$@"
. "$E2E_LIB_DIR/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL
export STRATA_STORE="$E2E_TMP/store.db"

mkdir -p docs
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest one.\n' >docs/rollback.md
printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >docs/search.md
expect_exit 0 -- "$STRATA" ingest --collection docs docs

start_server
rm -f "$E2E_TMP/.collector"
python3 "$E2E_LIB_DIR/../servers/otlp_collector.py" --port-file "$E2E_TMP/.collector" 2>"$E2E_TMP/collector.err" &
COLLECTOR_PID=$!
e2e_bg "$COLLECTOR_PID"
disown "$COLLECTOR_PID" 2>/dev/null
for _ in $(seq 1 200); do [ -s "$E2E_TMP/.collector" ] && break; sleep 0.05; done
[ -s "$E2E_TMP/.collector" ] || { echo "serve_tracing: the collector did not start: $(cat "$E2E_TMP/collector.err")" >&2; exit 2; }
COLLECTOR="http://127.0.0.1:$(cat "$E2E_TMP/.collector")"
KEY=$("$STRATA" keys create tracer --scope write 2>/dev/null)
[ -n "$KEY" ] || fail "strata keys create printed no secret"
AUTH=(-H "Authorization: Bearer $KEY")

serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model test-chat --otlp-endpoint "$COLLECTOR"
STRATA_PID=$SERVE_PID

# spans_check PY: runs PY with `spans` (every span the collector holds) and `by_name`; its
# "ok NAME" / "FAIL NAME: why" lines are the checks. The exporter sends within a second.
cat >"$E2E_TMP/spans_check.py" <<'PY'
import json, sys
spans = json.load(open(sys.argv[1]))["spans"]
by_name = {}
for s in spans:
    by_name.setdefault(s["name"], []).append(s)
def check(name, cond, why=""):
    print(("ok " if cond else "FAIL ") + name + ("" if cond else ": " + str(why)[:400]))
exec(sys.argv[2])
PY
spans_check() {
    sleep 1.6
    curl -sS "$COLLECTOR/_spans" >"$E2E_TMP/spans.json"
    run python3 "$E2E_TMP/spans_check.py" "$E2E_TMP/spans.json" "$1"
    report_checks
    [ "$RC" = 0 ] || fail "spans_check.py exited $RC: $ERR"
    [ -n "$OUT" ] || fail "spans_check.py checked nothing"
}

case_ "an ask continues the caller's trace; its span tree; the model gets the traceparent"
TRACE=0af7651916cd43dd8448eb211c80319c
PARENT=b7ad6b7169203331
QUESTION="how do I roll back a migration quickly"
curl -sS -N --max-time 30 "${AUTH[@]}" -H 'Content-Type: application/json' -H "traceparent: 00-$TRACE-$PARENT-01" \
    -d "{\"question\": \"$QUESTION\", \"collection\": \"docs\"}" "$BASE/api/v1/ask" >"$E2E_TMP/ask.sse"
assert_true "the ask's done event" grep -q '^event: done' "$E2E_TMP/ask.sse"
UPSTREAM_TP=$(ctl_out GET /_control/log | python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin)["requests"] if x["path"].endswith("/chat/completions")]; print(r[-1].get("traceparent") or "")')
spans_check "
TRACE, PARENT, QUESTION, KEY, UPSTREAM = '$TRACE', '$PARENT', '$QUESTION', '$KEY', '$UPSTREAM_TP'
mine = [s for s in spans if s['traceId'] == TRACE]
server = [s for s in mine if s['name'] == 'POST /api/v1/ask']
check('the request span continues the caller\'s trace', len(server) == 1 and server[0].get('parentSpanId') == PARENT, [(s['name'], s.get('parentSpanId')) for s in mine])
root = server[0] if server else {}
a = root.get('attributes', {})
check('the request span: server kind, route, status, the caller', root.get('kind') == 2 and a.get('http.route') == '/api/v1/ask' and a.get('http.response.status_code') == 200 and a.get('strata.principal') == 'tracer', a)
check('the service is strata', root.get('service') == 'strata', root.get('service'))
ids = {s['spanId'] for s in mine}
check('every other span of the trace has its parent in it', all(s.get('parentSpanId') in ids for s in mine if s is not root), [(s['name'], s.get('parentSpanId')) for s in mine])
names = {s['name'] for s in mine}
for n in ['ask.history', 'ask.retrieval', 'search', 'ask.pack', 'chat test-chat', 'ask.citations']:
    check('a span ' + n, n in names, sorted(names))
span = {s['name']: s for s in mine}
check('search is under retrieval', span.get('search', {}).get('parentSpanId') == span.get('ask.retrieval', {}).get('spanId'), '')
chat = span.get('chat test-chat', {})
ca = chat.get('attributes', {})
check('the model call: client kind, model, tokens in and out', chat.get('kind') == 3 and ca.get('gen_ai.request.model') == 'test-chat' and isinstance(ca.get('gen_ai.usage.input_tokens'), int) and isinstance(ca.get('gen_ai.usage.output_tokens'), int), ca)
check('the model was sent the model call\'s traceparent', UPSTREAM == '00-%s-%s-01' % (TRACE, chat.get('spanId')), UPSTREAM)
check('spans start before they end', all(int(s['startTimeUnixNano']) <= int(s['endTimeUnixNano']) for s in mine), '')
text = json.dumps(spans)
check('no question in any span', QUESTION not in text, '')
check('no key in any span', KEY not in text and KEY[10:30] not in text, '')
"

case_ "a search, an MCP tool call, a job, without a traceparent: traces of their own"
python3 -c 'import json; print(json.dumps({"source": "big.md", "text": "# Big\n\n" + "a line of text about migrations\n" * 40000}))' >"$E2E_TMP/big.json"
curl -sS -o "$E2E_TMP/job.json" "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary @"$E2E_TMP/big.json" "$BASE/api/v1/collections/docs/documents"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/job.json")
for _ in $(seq 1 100); do
    curl -sS "${AUTH[@]}" "$BASE/api/v1/jobs/$JOB" | grep -q '"status":"succeeded"' && break
    sleep 0.1
done
curl -sS -o /dev/null "${AUTH[@]}" -H 'Content-Type: application/json' -d '{"query": "roll back", "collection": "docs"}' "$BASE/api/v1/search"
curl -sS -o /dev/null "${AUTH[@]}" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: search' \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":"roll back","k":1},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
    "$BASE/mcp"
spans_check "
def under(child, parent_name):
    return any(p['spanId'] == child.get('parentSpanId') and p['name'] == parent_name for p in spans)
s = by_name.get('POST /api/v1/search', [])
check('a search request is a root span', len(s) == 1 and 'parentSpanId' not in s[0] and s[0]['traceId'] != '$TRACE', s)
check('with the search under it', any(under(x, 'POST /api/v1/search') for x in by_name.get('search', [])), [x.get('parentSpanId') for x in by_name.get('search', [])])
t = by_name.get('tool search', [])
j = by_name.get('job document', [])
check('a job\'s run is a root span with its id', len(j) == 1 and 'parentSpanId' not in j[0] and j[0]['attributes'].get('strata.job.id') == '$JOB', j)
steps = [x for x in by_name.get('job.step', []) if j and x.get('parentSpanId') == j[0]['spanId']]
check('the job\'s steps are spans under it, the last with its progress', len(steps) >= 1 and any('strata.job.done' in x['attributes'] for x in steps), by_name.get('job.step'))
check('an MCP tool call is a span under POST /mcp', len(t) == 1 and under(t[0], 'POST /mcp') and t[0]['attributes'].get('gen_ai.tool.name') == 'search', t)
"

case_ "--otlp-content: the words searched for are in the search span, and only then"
serve_down
serve_up 127.0.0.1:0 --collection docs --base-url "$URL" --model test-chat --otlp-endpoint "$COLLECTOR" --otlp-content
STRATA_PID=$SERVE_PID
curl -sS -o /dev/null "${AUTH[@]}" -H 'Content-Type: application/json' -d '{"query": "zebra rollback words", "collection": "docs"}' "$BASE/api/v1/search"
spans_check "
s = [x for x in by_name.get('search', []) if x['attributes'].get('strata.search.query') == 'zebra rollback words']
check('the search span holds its query', len(s) == 1, [x['attributes'] for x in by_name.get('search', [])])
check('the earlier server\\'s spans hold none', not any('strata.search.query' in x['attributes'] for x in by_name.get('search', []) if x is not (s[0] if s else None)), '')
"
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --otlp-content
expect_stderr_match "otlp-content requires --otlp-endpoint"

case_ "a collector that is slow, refuses or is gone holds no request up"
curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"delay_ms": 4000}' "$COLLECTOR/_control/config"
# twenty_searches WHAT WORD: 20 searches, each answered 200, all within 4 s.
twenty_searches() {
    local start ms i
    start=$(date +%s%N)
    for i in $(seq 1 20); do
        curl -sS -o /dev/null -w '%{http_code}\n' "${AUTH[@]}" -H 'Content-Type: application/json' \
            -d "{\"query\": \"$2 $i\", \"collection\": \"docs\"}" "$BASE/api/v1/search"
    done >"$E2E_TMP/codes"
    ms=$((($(date +%s%N) - start) / 1000000))
    assert_eq 20 "$(grep -c '^200$' "$E2E_TMP/codes")" "20 searches answered $1"
    [ "$ms" -lt 4000 ] || fail "20 searches took $ms ms $1"
}
twenty_searches "while the collector takes 4 s an export" "roll back"
curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"delay_ms": 0, "status": 503}' "$COLLECTOR/_control/config"
kill "$COLLECTOR_PID" 2>/dev/null
wait "$COLLECTOR_PID" 2>/dev/null
twenty_searches "with the collector gone" "migrate"

case_ "SIGTERM: the server stops, exit 0, within its bound"
START=$(date +%s)
serve_down
assert_eq 0 "$STOP_RC" "strata serve's exit status after SIGTERM"
[ $(($(date +%s) - START)) -le 12 ] || fail "the server took over 12 s to stop with its collector gone"

case_ "a bad endpoint is refused at start"
expect_exit 2 -- "$STRATA" serve --listen 127.0.0.1:0 --otlp-endpoint collector:4318
expect_stderr_match "not an http\\(s\\) URL"

e2e_finish
