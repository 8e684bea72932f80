#!/usr/bin/env bash
# `strata search --similar DOC_OR_CHUNK` and the MCP search tool's "similar": the chunks most like
# a document (the mean of its chunks' vectors) or a chunk (by its id), never the target itself,
# from the collection's own vectors; the errors of a target that is not there, a collection
# without vectors, and a query given as well.
#
# Usage: bash tests/e2e/search_similar.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init search_similar "$@"
unset STRATA_STORE OPENAI_BASE_URL
STORE=$E2E_TMP/store.db
S() { strata_t "$1" --store "$STORE" "${@:2}"; }
# sources: the "source" of each JSON line on stdout, one per line
sources() { python3 -c 'import json,sys; [print(json.loads(l)["source"]) for l in open(sys.argv[1]) if l.strip()]' "$E2E_TMP/.out"; }
ids() { python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in open(sys.argv[1]) if l.strip()]' "$E2E_TMP/.out"; }

mkdir -p docs
printf '# Rolling back\n\nRolling back a migration runs its down section: strata migrate down rolls back the newest migration.\n' >docs/rollback.md
printf '# Undo\n\nTo undo the newest migration, roll it back with migrate down, which runs its down section.\n' >docs/undo.md
printf '# Bread\n\nBake the bread at a high temperature until the crust is golden brown, then let it cool.\n' >docs/bread.md

# ---------------------------------------------------------------------------------------------
case_ "a collection without vectors: a usage error that says to embed"
expect_exit 0 -- S ingest -q docs
expect_exit 2 -- S search --similar docs/rollback.md
expect_stderr_match "has no vectors, so --similar cannot run"
expect_stderr_match "strata embed --collection default"

# ---------------------------------------------------------------------------------------------
case_ "a document's neighbours: other documents' chunks, the nearest first"
expect_exit 0 -- S embed -q
expect_exit 0 -- S search --similar docs/rollback.md --json
assert_eq "docs/undo.md" "$(sources | head -1)" "the page on the same subject comes first"
assert_eq 0 "$(sources | grep -c rollback.md)" "the document itself is left out"
assert_eq 2 "$(sources | wc -l | tr -d ' ')" "every other chunk"

# ---------------------------------------------------------------------------------------------
case_ "a chunk's neighbours leave the chunk out"
expect_exit 0 -- S search --mode keyword bread --json
BREAD=$(ids | head -1)
expect_exit 0 -- S search --similar "$BREAD" --json -k 5
assert_eq 0 "$(ids | grep -cx "$BREAD")" "the chunk itself is left out"
assert_eq 2 "$(ids | wc -l | tr -d ' ')" "every other chunk (each page is one)"
assert_eq 0 "$(sources | grep -c bread.md)" "bread's page has no other chunk"

# ---------------------------------------------------------------------------------------------
case_ "errors: a target not there, a query as well, another mode, no QUERY at all"
expect_exit 3 -- S search --similar docs/missing.md
expect_stderr_match "no document 'docs/missing.md' in collection 'default'"
expect_exit 3 -- S search --similar 999999
expect_stderr_match "chunk 999999 has no vector in collection 'default'"
expect_exit 2 -- S search 'roll back' --similar docs/rollback.md
expect_stderr_match "a query and --similar both given"
expect_exit 2 -- S search --similar docs/rollback.md --mode keyword
expect_stderr_match "--similar searches by vector"
expect_exit 2 -- S search
expect_stderr_match "QUERY is required"

# ---------------------------------------------------------------------------------------------
case_ "the MCP search tool takes similar instead of a query"
printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"similar":"docs/rollback.md"}}}\n' >call.jsonl
run sh -c "'$STRATA' mcp --store '$STORE' <call.jsonl"
expect_json_true "mcp: similar hits, the document left out" \
    'd["result"]["structuredContent"]["mode"] == "vector" and d["result"]["structuredContent"]["hits"][0]["source"] == "docs/undo.md" and all(h["source"] != "docs/rollback.md" for h in d["result"]["structuredContent"]["hits"])'

e2e_finish
