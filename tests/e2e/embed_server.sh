#!/usr/bin/env bash
# A collection remembers the server its vectors came from (collections.embedding_server): after
# `strata embed --base-url URL` through the test server on 127.0.0.1, `search --mode vector`,
# `ask`, `ingest --embed`, `embed` of new chunks and the MCP search tool all embed through that
# server with OPENAI_API_KEY set and no --base-url, and send the key nowhere; every other
# destination is unreachable (a closed proxy), so a request meant for api.openai.com fails the
# run. A recorded server off this machine is used only when the user names it, another server
# than the recorded one is refused, and the MCP search tool falls back to keyword search, saying
# why. Regression test: the next search after a local embed went to api.openai.com.
#
# Usage: bash tests/e2e/embed_server.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init embed_server "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset OPENAI_BASE_URL STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL STRATA_STORE
# OPENAI_API_KEY holds the suite's canary (lib.sh). Anything but the test server goes through a
# proxy that is not there: api.openai.com is unreachable, and a request for it fails the command.
export https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1
start_server
STORE=$E2E_TMP/store.db
S() { strata_t "$1" --store "$STORE" "${@:2}"; }
mcp_search() {  # mcp_search ARGUMENTS_JSON: one tools/call of the search tool
    printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":%s}}\n' "$1" >call.jsonl
    run sh -c "'$STRATA' mcp --store '$STORE' <call.jsonl"
}
migration_docs docs

# ---------------------------------------------------------------------------------------------
case_ "embed through a server on loopback records it, without its password"
expect_exit 0 -- S ingest -q docs
expect_exit 0 -- S embed --base-url "http://user:hunter2@127.0.0.1:$PORT/v1/" --model test-model -q
assert_eq "http://127.0.0.1:$PORT/v1" "$(db_q "$STORE" 'SELECT embedding_server FROM collections')" "the server is recorded"
assert_eq 0 "$(grep -c hunter2 "$STORE")" "the password is not in the store"
expect_exit 0 -- S collections --json
expect_json_true "collections --json names the server" "d['embedding']['server'] == 'http://127.0.0.1:$PORT/v1'"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "search, ask, ingest --embed, embed and mcp without --base-url use the recorded server"
expect_exit 0 -- S search --mode vector 'how do I roll back'
expect_stdout_match 'rollback.md'
assert_eq 1 "$(requests_made)" "search: the query went to the recorded server"
expect_exit 0 -- S ask 'how do I roll back a migration?'
expect_stdout_match 'rollback.md'
assert_eq 2 "$(requests_made)" "ask: the question went to the recorded server"
printf '# Baselines\n\nA baseline records the schema a project starts from.\n' >baseline.md
expect_exit 0 -- S ingest --embed -q baseline.md
printf '# Squashing\n\nSquashing folds old migrations into one file.\n' >squash.md
expect_exit 0 -- S ingest --no-embed -q squash.md
expect_exit 0 -- S embed -q
assert_eq 0 "$(db_q "$STORE" 'SELECT count(*) FROM chunks WHERE id NOT IN (SELECT chunk_id FROM embeddings)')" "every new chunk has a vector"
assert_eq 1 "$(server_log 'sum(1 for r in reqs if any("Baselines" in i for i in r["inputs"] or []))')" "ingest --embed: the new chunk went to the recorded server"
assert_eq 1 "$(server_log 'sum(1 for r in reqs if any("Squashing" in i for i in r["inputs"] or []))')" "embed: the new chunk went to the recorded server"
mcp_search '{"query":"roll back","mode":"vector"}'
expect_json_true "mcp: a vector search" 'd["result"]["structuredContent"]["mode"] == "vector" and "query_not_embedded" not in d["result"]["structuredContent"]'
assert_eq 5 "$(requests_made)" "mcp: the query went to the recorded server"
assert_eq "[]" "$(server_log '[r["authorization"] for r in reqs if r["authorization"]]')" "a server the store chose gets no key"
# The user's own --base-url naming the same server: used, and the key goes with it.
expect_exit 0 -- S search --mode vector --base-url "http://127.0.0.1:$PORT/v1" 'roll back'
assert_eq 1 "$(server_log 'sum(1 for r in reqs if r["authorization"])')" "the user's own server gets the key"
# A project's strata.toml naming another server does not move the collection off its own.
mkdir -p proj && printf '[embed]\nbase_url = "https://collector.example/v1"\n' >proj/strata.toml
run sh -c "cd proj && '$STRATA' search --store '$STORE' --mode vector 'roll back'"
assert_eq 0 "$RC" "search in a project naming another server: exit 0 ($ERR)"
assert_eq 7 "$(requests_made)" "the project's server is not used"
# Once the user trusts the project, its server is the user's choice: another server than the
# recorded one, refused like a flag naming it.
"$STRATA" trust proj >/dev/null 2>&1
run sh -c "cd proj && '$STRATA' search --store '$STORE' --mode vector 'roll back'"
assert_eq 2 "$RC" "a trusted project's other server: exit 2"
assert_true "its error says the vectors cannot be compared" grep -q "vectors of two servers cannot be compared" "$E2E_TMP/.err"
assert_eq 7 "$(requests_made)" "nothing sent"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "another server than the recorded one is refused"
expect_exit 2 -- S search --mode vector --base-url http://127.0.0.1:9/v1 'roll back'
expect_error_line "embedded with test-model through http://127.0.0.1:$PORT/v1; --base-url names http://127.0.0.1:9/v1, and vectors of two servers cannot be compared"
expect_stderr_match "hint: give --base-url http://127.0.0.1:$PORT/v1, or re-embed"
expect_exit 2 -- env OPENAI_BASE_URL=http://127.0.0.1:9/v1 "$STRATA" embed --store "$STORE" -q
expect_error_line '\$OPENAI_BASE_URL names http://127.0.0.1:9/v1, and vectors of two servers cannot be compared'
assert_eq 0 "$(requests_made)" "nothing was sent"

# ---------------------------------------------------------------------------------------------
case_ "a recorded server that wants a key says how to send one"
server_config "{\"require_key\": \"$STRATA_CANARY_KEY\"}"
expect_exit 7 -- S search --mode vector 'roll back'
expect_stderr_match "hint: no key was sent: the collection's recorded server was used; give --base-url http://127.0.0.1:$PORT/v1 to send \\\$OPENAI_API_KEY"
expect_exit 7 -- S ask 'how do I roll back?'
expect_stderr_match "hint: .*give OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 to send"
expect_exit 0 -- S search --mode vector --base-url "http://127.0.0.1:$PORT/v1" 'roll back'
server_reset

# ---------------------------------------------------------------------------------------------
case_ "a recorded server off this machine is used only when the user names it"
cp "$STORE" far.db
db_q_rw far.db "UPDATE collections SET embedding_server = 'https://embed.example.net:443/v1'"
STORE=$E2E_TMP/far.db
expect_exit 2 -- S search --mode vector 'roll back'
expect_error_line "through https://embed.example.net:443/v1, which this store records but you have not chosen"
expect_stderr_match 'hint: to send it there: --base-url https://embed.example.net:443/v1'
expect_exit 2 -- S ask 'how do I roll back?'
expect_error_line 'which this store records but you have not chosen'
expect_stderr_match 'hint: to send it there: OPENAI_BASE_URL=https://embed.example.net:443/v1'
# The MCP search tool answers by keyword and says why.
mcp_search '{"query":"roll back"}'
expect_json_true "mcp: keyword hits and the reason" \
    'd["result"]["isError"] is False and d["result"]["structuredContent"]["mode"] == "keyword" and d["result"]["structuredContent"]["hits"] and "embed.example.net" in d["result"]["structuredContent"]["query_not_embedded"] and d["result"]["content"][0]["text"].startswith("Note: keyword search only")'
# A store from before servers were recorded: a model not OpenAI's asks for the server.
db_q_rw far.db "UPDATE collections SET embedding_server = NULL"
expect_exit 2 -- S search --mode vector 'roll back'
expect_error_line 'a server this store does not record'
expect_exit 0 -- env OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" "$STRATA" search --store "$STORE" --mode vector 'roll back'
assert_eq 1 "$(requests_made)" "the user's own server was asked, and nothing else"
server_reset
# The embedder failing also falls back.
STORE=$E2E_TMP/store.db
server_script '[{"status": 401, "body": {"error": {"message": "no such key"}}}]'
mcp_search '{"query":"roll back","mode":"hybrid"}'
expect_json_true "mcp: a failing embedder falls back to keywords" \
    'd["result"]["structuredContent"]["mode"] == "keyword" and "HTTP 401" in d["result"]["structuredContent"]["query_not_embedded"]'

e2e_finish
