#!/usr/bin/env bash
# End-to-end tests of `strata ask --tools` with the real binary and the test server's scripted
# tool calls, in both provider shapes, streamed and whole: the model calls search and
# read_document, the passages they bring become numbered sources the answer may cite (checked),
# the calls are printed on stderr (sanitised) and logged in llm_calls.tool_calls; malformed
# arguments, an unknown tool, a failing tool and the step limit are answered to the model and
# never end the run; a model that calls tools in a loop is stopped by --max-steps.
#
# Usage: bash tests/e2e/ask_tools.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init ask_tools "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY
export STRATA_STORE="$E2E_TMP/store.db"
export XDG_CONFIG_HOME="$E2E_TMP/config"   # no user file: no MCP servers
start_server

T() { strata_t ask --base-url "$URL" --model test-model --tools -k 1 "$@"; }

mkdir -p docs
cat >docs/rollback.md <<'DOC'
# Rolling back

Rolling back a migration runs its down section. Use strata migrate down to roll back the last
migration that was applied.
DOC
cat >docs/checksums.md <<'DOC'
# Checksums

Every applied migration is recorded with a checksum of its file. When a file changes after it was
applied, strata check reports a checksum mismatch.
DOC
expect_exit 0 -- strata_t ingest -q docs

# ---------------------------------------------------------------------------------------------
case_ "help"
expect_exit 0 -- "$STRATA" ask --help
for opt in --tools --max-steps --yes; do expect_stdout_match -- "$opt"; done
expect_exit 2 -- "$STRATA" ask --tools --max-steps 0 q
expect_exit 2 -- "$STRATA" ask --tools --max-steps 21 q

# ---------------------------------------------------------------------------------------------
for provider in openai anthropic; do
    case_ "$provider: search, then an answer citing what the tool found"
    server_reset
    chat_script '[{"answer": "Let me search.", "tool_calls": [{"name": "search", "arguments": {"query": "checksum mismatch", "k": 1}}]},
                  {"answer": "A file changed after it was applied is a checksum mismatch [2]."}]'
    expect_exit 0 -- T --provider "$provider" --json 'how do I roll back a migration?'
    expect_json_true "two steps, one call" 'd["steps"] == 2 and len(d["tool_calls"]) == 1'
    expect_json_true "the call as logged" 'd["tool_calls"][0]["tool"] == "search" and d["tool_calls"][0]["status"] == "ok" and d["tool_calls"][0]["origin"] == "strata"'
    expect_json_true "the found passage is source [2]" '[s["source"] for s in d["sources"]] == ["docs/rollback.md", "docs/checksums.md"]'
    expect_json_true "its citation checks" 'd["citations"] == [2] and d["unknown_citations"] == []'
    expect_json_true "the answer holds both steps" 'd["answer"].startswith("Let me search.\n\nA file changed")'
    if [ "$provider" = openai ]; then
        assert_eq '["search", "read_document"]' "$(chat_log '[t["function"]["name"] for t in reqs[0]["tools"]]')" "tools declared (OpenAI shape)"
        assert_eq "call_1" "$(chat_log 'reqs[1]["messages"][-1]["tool_call_id"]')" "the result answers the call"
        assert_eq tool "$(chat_log 'reqs[1]["messages"][-1]["role"]')" "as a tool message"
        assert_eq search "$(chat_log 'reqs[1]["messages"][-2]["tool_calls"][0]["function"]["name"]')" "the call is replayed"
        result_text='reqs[1]["messages"][-1]["content"]'
    else
        assert_eq '["search", "read_document"]' "$(chat_log '[t["name"] for t in reqs[0]["tools"]]')" "tools declared (Anthropic shape)"
        assert_eq "tool_result toolu_1" "$(chat_log '" ".join([reqs[1]["messages"][-1]["content"][0]["type"], reqs[1]["messages"][-1]["content"][0]["tool_use_id"]])')" "a tool_result block answers the tool_use"
        assert_eq tool_use "$(chat_log 'reqs[1]["messages"][-2]["content"][-1]["type"]')" "the tool_use is replayed"
        result_text='reqs[1]["messages"][-1]["content"][0]["content"]'
    fi
    assert_eq True "$(chat_log "$result_text.startswith('[2] docs/checksums.md:L')")" "the result is numbered source [2]"
    assert_eq True "$(chat_log "'\`\`\`' in $result_text")" "its text is fenced"
    assert_eq True "$(chat_log '"search and read_document tools return passages" in (reqs[0]["system"] or reqs[0]["messages"][0]["content"])')" "the system prompt explains the tools"

    case_ "$provider: streamed to the terminal, the call on stderr"
    server_reset
    chat_script '[{"tool_calls": [{"name": "search", "arguments": {"query": "checksum"}}]}, {"answer": "Mismatch [2]."}]'
    expect_exit 0 -- T --provider "$provider" 'how do I roll back a migration?'
    expect_stderr_match '^strata: tool search \{"query": ?"checksum"\} → 1 result: \[2\] \([0-9]+ ms\)$'
    expect_stdout_match '^Mismatch \[2\]\.$'
    expect_stdout_match '^\[2\] docs/checksums\.md:L'
done

# ---------------------------------------------------------------------------------------------
case_ "whole responses (--no-stream)"
server_reset
chat_script '[{"tool_calls": [{"name": "read_document", "arguments": {"source": "docs/checksums.md", "start_line": 3, "end_line": 4}}]},
              {"answer": "It reports a checksum mismatch [2]."}]'
expect_exit 0 -- T --no-stream --json 'how do I roll back a migration?'
expect_json_true "read_document's range is source [2]" 'd["sources"][1]["source"] == "docs/checksums.md" and d["sources"][1]["lines"] == [3, 4]'
expect_json_true "cited" 'd["citations"] == [2]'
assert_eq False "$(chat_log 'reqs[0]["stream"]')" "not streamed"

# ---------------------------------------------------------------------------------------------
case_ "a passage is sent once: hits in a source the model already has are named by their number"
mkdir -p long
python3 - >long/guide.md <<'PY'
print("# The long guide\n")
for i in range(1, 7):
    print("## Part %d\n" % i)
    print(("Part %d says that migrations are applied in order and recorded with a checksum. " % i) * 9 +
          "Its own sentence is partmark%d.\n" % i)
PY
expect_exit 0 -- strata_t ingest -q --collection long --size 400 long
# The prompt holds the whole guide as one merged source [1]; the three hits of each search fall in it.
long_script='[{"tool_calls": [{"name": "search", "arguments": {"query": "migrations applied in order checksum", "k": 3, "collection": "long"}}]},
              {"tool_calls": [{"name": "search", "arguments": {"query": "partmark2 partmark5", "k": 3, "collection": "long"}}]},
              {"answer": "In order [1]."}]'
L() { strata_t ask --base-url "$URL" --model test-model --tools --collection long -k 20 "$@" 'how are migrations applied?'; }
server_reset
chat_script "$long_script"
expect_exit 0 -- L --json
expect_json_true "one source: the whole guide" 'len(d["sources"]) == 1 and d["sources"][0]["source"] == "long/guide.md"'
assert_eq "[1, 1, 1, 1, 1, 1]" "$(chat_log '[json.dumps(reqs[-1]["messages"]).count("partmark%d." % i) for i in range(1, 7)]')" "each part of the guide is in the last request once"
assert_eq True "$(chat_log '"already given above as source [1]" in reqs[1]["messages"][-1]["content"]')" "the tool result names source [1]"
server_reset
chat_script "$long_script"
expect_exit 0 -- L
expect_stderr_match 'tool search .* → 3 results: \[1\] \('

# ---------------------------------------------------------------------------------------------
case_ "malformed arguments, an unknown tool and a failing tool are answered, not fatal"
server_reset
chat_script '[{"tool_calls": [{"name": "search", "arguments": "{\"query\": "},
                               {"name": "drop_tables", "arguments": {}},
                               {"name": "read_document", "arguments": {"source": "nope.md"}},
                               {"name": "search", "arguments": {"query": "x", "limit": 3}}]},
              {"answer": "I could not look further [1]."}]'
expect_exit 0 -- T 'how do I roll back a migration?'
expect_stderr_match 'tool search \{"query": +→ error: the arguments are not a JSON object'
expect_stderr_match 'tool drop_tables \{\} → error: no such tool'
expect_stderr_match 'tool read_document .*nope\.md.* → error: .*nope\.md'
expect_stderr_match "tool search .*limit.* → error: .*'limit'"
expect_stdout_match 'I could not look further'
assert_eq 4 "$(chat_log 'len([m for m in reqs[1]["messages"] if m["role"] == "tool"])')" "every call has its result"
assert_eq True "$(chat_log '"no tool named" in reqs[1]["messages"][-3]["content"] and "search, read_document" in reqs[1]["messages"][-3]["content"]')" "the unknown tool's result names the tools"
assert_eq '["error", "error", "error", "error"]' "$(db_q store.db "SELECT tool_calls FROM llm_calls ORDER BY id DESC LIMIT 1" | python3 -c 'import json,sys; print(json.dumps([c["status"] for c in json.load(sys.stdin)]))')" "logged in llm_calls.tool_calls"

case_ "strata logs shows the calls"
expect_exit 0 -- strata_t logs --json -n 1
expect_json_true "tool_calls in logs --json" '[c["tool"] for c in d["tool_calls"]] == ["search", "drop_tables", "read_document", "search"]'
id=$(json_eval 'd["id"]')
expect_exit 0 -- strata_t logs show "$id"
expect_stdout_match '^tool calls:$'
expect_stdout_match '^1\. drop_tables \{\} \(error\)$'

# ---------------------------------------------------------------------------------------------
case_ "the step limit: the last request must answer; a model that keeps calling is stopped (exit 9, no sources)"
server_reset
chat_script '[{"tool_calls": [{"name": "search", "arguments": {"query": "checksum"}}]},
              {"answer": "Still looking.", "tool_calls": [{"name": "search", "arguments": {"query": "again"}}]}]'
expect_exit 9 -- T --max-steps 2 'how do I roll back a migration?'
assert_eq 2 "$(chat_log 'len(reqs)')" "two requests"
assert_eq '[null, "none"]' "$(chat_log '[r["tool_choice"] for r in reqs]')" "the last one forbids tools"
expect_stderr_match '^strata: error: no answer: the model still asked for tools at the last of --max-steps 2 requests$'
expect_stderr_match '^strata: hint: give it more requests, e.g. --max-steps 4 '
assert_eq 1 "$(grep -c '^strata: tool ' "$E2E_TMP/.err")" "the last request's calls are not run"
expect_stdout_match '^Still looking\.$'
assert_eq 0 "$(grep -c '^\[[0-9]*\] ' "$E2E_TMP/.out")" "no source is listed: none was cited"
assert_eq "partial" "$(db_q store.db "SELECT status FROM llm_calls ORDER BY id DESC LIMIT 1")" "logged as partial"
server_reset
server_config '{"chat_always": {"tool_calls": [{"name": "search", "arguments": {"query": "loop"}}]}}'
expect_exit 9 -- T --json 'how do I roll back a migration?'
expect_json_true "--json still prints the result, marked" 'd["step_limit"] is True and d["steps"] == 4'
assert_eq 4 "$(chat_log 'len(reqs)')" "a looping model: --max-steps 4 by default"
assert_eq 3 "$(grep -c '^strata: tool search' "$E2E_TMP/.err")" "three rounds of calls, then the answer is forced"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "a request that fails after calls: logged as an error, with the calls made"
server_reset
chat_script '[{"tool_calls": [{"name": "search", "arguments": {"query": "checksum"}}]}, {"status": 400}]'
expect_exit 2 -- T 'how do I roll back a migration?'
expect_stderr_match '^strata: tool search'
assert_eq "error|search" "$(db_q store.db "SELECT status, json_extract(tool_calls, '\$[0].tool') FROM llm_calls ORDER BY id DESC LIMIT 1")" "logged with its call"

# ---------------------------------------------------------------------------------------------
case_ "what the model asked for is sanitised on the terminal"
chat_script '[{"tool_calls": [{"name": "search\u001b[2J", "arguments": {"query": "\u001b]0;pwned\u0007x"}}]}, {"answer": "Done [1]."}]'
expect_exit 0 -- T 'how do I roll back a migration?'
if grep -q $'\x1b' "$E2E_TMP/.err"; then fail "an escape sequence reached stderr"; else pass "no escape sequence on stderr"; fi
expect_stderr_match 'no such tool'

# ---------------------------------------------------------------------------------------------
case_ "strata chat: --tools and /tools on|off"
server_reset
chat_script '[{"tool_calls": [{"name": "search", "arguments": {"query": "checksum"}}]}, {"answer": "Mismatch [2]."}]'
printf 'how do I roll back a migration?\n/tools off\nand now?\n' >lines.txt
run bash -c "timeout 30 '$STRATA' chat --base-url '$URL' --model test-model --tools -k 1 <lines.txt"
assert_eq 0 "$RC" "chat exits 0"
expect_stderr_match '^strata: tool search \{"query": ?"checksum"\} → 1 result: \[2\]'
expect_stdout_match '^Mismatch \[2\]\.$'
expect_stdout_match '^tools: off$'
# The follow-up's standalone rewrite (third request) and its answer offer no tool.
assert_eq '[true, true, false, false]' "$(chat_log '[r["tools"] is not None for r in reqs]')" "tools offered until /tools off"

# ---------------------------------------------------------------------------------------------
case_ "without --tools no tool is declared; offline --tools says it calls none"
server_reset
expect_exit 0 -- strata_t ask --base-url "$URL" --model test-model 'how do I roll back?'
assert_eq None "$(chat_log 'reqs[0]["tools"]')" "no tools"
assert_eq "" "$(db_q store.db "SELECT coalesce(tool_calls, '') FROM llm_calls ORDER BY id DESC LIMIT 1")" "tool_calls NULL when none offered"
expect_exit 0 -- strata_t ask --tools 'how do I roll back?'
expect_stderr_match 'no model is configured'

e2e_finish
