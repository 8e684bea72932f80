#!/usr/bin/env bash
# Embedding prefixes (issue 50): a collection records the query and document prefixes its model
# was given (collections.embedding_query_prefix / embedding_document_prefix). nomic-embed-text
# gets its own by default; every chunk `strata embed` and `ingest --embed` send carries the
# document prefix, every query `search` (vector and hybrid), `ask` and the MCP search tool embed
# carries the query prefix: read back from the test server's request log. A change of prefix is
# refused as a change of model, and made with --switch-model (every chunk re-embedded); "" clears
# one; [embed] query_prefix / document_prefix in strata.toml set them; a model without prefixes
# gets none, and texts (--text) get only the prefix given.
#
# Usage: bash tests/e2e/embed_prefix.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init embed_prefix "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset OPENAI_BASE_URL STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL STRATA_STORE
export https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1
start_server --dimensions 768
STORE=$E2E_TMP/store.db
S() { strata_t "$1" --store "$STORE" "${@:2}"; }
mcp_search() {  # mcp_search ARGUMENTS_JSON: one tools/call of the search tool
    printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":%s}}\n' "$1" >call.jsonl
    run sh -c "'$STRATA' mcp --store '$STORE' <call.jsonl"
}
# every_input PREFIX: 1 when every input the server received starts with PREFIX (and there were some)
every_input() { server_log "int(bool(reqs) and all(i.startswith('''$1''') for r in reqs for i in r['inputs'] or []))"; }
last_input() { server_log 'reqs[-1]["inputs"][0]'; }
migration_docs docs

# ---------------------------------------------------------------------------------------------
case_ "nomic-embed-text gets its prefixes by default: recorded, and on every chunk"
expect_exit 0 -- S ingest -q docs
expect_exit 0 -- S embed --base-url "$URL" --model nomic-embed-text --json -q
expect_json_true "embed --json names the prefixes" 'd["query_prefix"] == "search_query: " and d["document_prefix"] == "search_document: "'
assert_eq "search_query: |search_document: " "$(db_q "$STORE" 'SELECT embedding_query_prefix, embedding_document_prefix FROM collections')" "the prefixes are recorded"
assert_eq 1 "$(every_input 'search_document: ')" "every chunk was sent with the document prefix"
expect_exit 0 -- S collections --json
expect_json_true "collections --json names them" "d['embedding']['query_prefix'] == 'search_query: '"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "search, hybrid search, ask and the MCP search tool embed the query with the query prefix"
expect_exit 0 -- S search --mode vector 'how do I roll back'
expect_stdout_match 'rollback.md'
assert_eq "search_query: how do I roll back" "$(last_input)" "search: the query prefix"
expect_exit 0 -- S search --mode hybrid 'undo a migration'
assert_eq "search_query: undo a migration" "$(last_input)" "hybrid: the query prefix"
expect_exit 0 -- S ask 'how do I roll back a migration?'
assert_eq "search_query: how do I roll back a migration?" "$(last_input)" "ask: the query prefix"
mcp_search '{"query":"roll back","mode":"vector"}'
expect_json_true "mcp: a vector search" 'd["result"]["structuredContent"]["mode"] == "vector"'
assert_eq "search_query: roll back" "$(last_input)" "mcp: the query prefix"
assert_eq 0 "$(server_log "sum(1 for r in reqs for i in r['inputs'] or [] if i.startswith('search_document: '))")" "no query carried the document prefix"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "new chunks (embed, ingest --embed) get the recorded document prefix"
printf '# Baselines\n\nA baseline records the schema a project starts from.\n' >baseline.md
expect_exit 0 -- S ingest --embed -q baseline.md
assert_eq 1 "$(every_input 'search_document: ')" "ingest --embed: the document prefix"
assert_eq 1 "$(server_log 'sum(1 for r in reqs for i in r["inputs"] or [] if "Baselines" in i)')" "the new chunk was sent"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "a change of prefix is a change of model: refused, then made with --switch-model"
expect_exit 2 -- S embed --base-url "$URL" --model nomic-embed-text --document-prefix ''
expect_stderr_match "document prefix 'search_document: '"
expect_stderr_match '--switch-model'
assert_eq 0 "$(requests_made)" "nothing was sent"
expect_exit 0 -- S embed --base-url "$URL" --model nomic-embed-text --switch-model --document-prefix '' --query-prefix 'q: ' -q
assert_eq "q: |" "$(db_q "$STORE" 'SELECT embedding_query_prefix, coalesce(embedding_document_prefix, "") FROM collections')" "the new prefixes are recorded"
assert_eq "$(db_q "$STORE" 'SELECT count(*) FROM chunks')" "$(inputs_sent)" "every chunk was embedded again"
assert_eq 0 "$(server_log "sum(1 for r in reqs for i in r['inputs'] or [] if i.startswith('search_document'))")" "without the document prefix"
expect_exit 0 -- S search --mode vector 'roll back'
assert_eq "q: roll back" "$(last_input)" "the query has the new prefix"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "a model without prefixes gets none; strata.toml's [embed] sets them"
STORE2=$E2E_TMP/plain.db
expect_exit 0 -- strata_t ingest --store "$STORE2" -q docs
expect_exit 0 -- strata_t embed --store "$STORE2" --base-url "$URL" --model test-model -q
assert_eq "|" "$(db_q "$STORE2" 'SELECT coalesce(embedding_query_prefix, ""), coalesce(embedding_document_prefix, "") FROM collections')" "no prefixes"
assert_eq 1 "$(server_log "int(bool(reqs) and all(i.startswith(('Rolling back', 'Checksums', '# ')) for r in reqs for i in r['inputs'] or []))")" "the chunks were sent as they are"
server_reset
mkdir -p proj && cp -r docs proj/ && cd proj || fail "cd proj"
printf '[embed]\ndocument_prefix = "passage: "\nquery_prefix = "query: "\n' >strata.toml
expect_exit 0 -- strata_t ingest --store "$E2E_TMP/toml.db" -q docs
expect_exit 0 -- strata_t embed --store "$E2E_TMP/toml.db" --base-url "$URL" --model test-model -q
assert_eq 1 "$(every_input 'passage: ')" "strata.toml's document prefix"
assert_eq "query: |passage: " "$(db_q "$E2E_TMP/toml.db" 'SELECT embedding_query_prefix, embedding_document_prefix FROM collections')" "and recorded"
cd "$E2E_TMP" || fail "cd back"
server_reset

# ---------------------------------------------------------------------------------------------
case_ "texts get only the prefix given"
expect_exit 0 -- strata_t embed --base-url "$URL" --model nomic-embed-text --text 'roll back'
assert_eq "roll back" "$(last_input)" "no model prefix on a text"
expect_exit 0 -- strata_t embed --base-url "$URL" --model nomic-embed-text --query-prefix 'search_query: ' --text 'roll back'
assert_eq "search_query: roll back" "$(last_input)" "the query prefix given"
expect_exit 2 -- strata_t embed --base-url "$URL" --model nomic-embed-text --query-prefix a --document-prefix b --text x
expect_stderr_match '--query-prefix and --document-prefix both given'

e2e_finish
