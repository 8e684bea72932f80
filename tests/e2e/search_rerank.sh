#!/usr/bin/env bash
# End-to-end tests of `strata search --rerank` and `strata ask --rerank` against the test
# server's /v1/rerank (tests/servers/openai_server.py: a document scores the number of distinct
# query words it holds): the reranker's order replaces BM25's, --explain and --json show its score
# and the rank before it, the candidates and the key sent, [search] rerank and [rerank] in
# strata.toml (a project file's api_key_env ignored), and a reranker that fails (500, a malformed
# answer, nothing listening) leaves the keyword order with one warning, exit 0.
#
# Usage: bash tests/e2e/search_rerank.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init search_rerank "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset OPENAI_API_KEY RERANK_KEY
export STRATA_STORE="$E2E_TMP/store.db"
start_server
rerank_script() { ctl POST /_control/rerank_script "{\"responses\": $1}"; }
# rerank_log PY_EXPR: PY_EXPR over `reqs`, the rerank requests since the last reset.
rerank_log() {
    ctl_out GET /_control/log | python3 -c '
import json, sys
reqs = [r for r in json.load(sys.stdin)["requests"] if r.get("kind") == "rerank"]
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (list, dict)) else r)' "$1"
}
sources() { python3 -c 'import json,sys; print(" ".join(json.loads(l)["source"] for l in sys.stdin if l.strip()))'; }

# BM25 ranks long.md first for "backup" (the word many times); the reranker scores both chunks
# that hold it alike, less a little per 100 bytes, so the shorter both.md comes first.
mkdir -p docs
printf 'Backup backup backup backup. Backup every night, backup every hour, backup again.\n' >docs/long.md
printf 'To restore a backup from the vault, run the restore command.\n' >docs/both.md
printf 'Restore points are kept for a week.\n' >docs/restore.md
expect_exit 0 -- strata_t ingest docs -q

case_ "keyword order without a reranker"
expect_exit 0 -- strata_t search backup --mode keyword --json
KEYWORD_ORDER=$(printf '%s\n' "$OUT" | sources)
assert_eq "docs/long.md docs/both.md" "$KEYWORD_ORDER" "BM25 puts long.md first"

case_ "--rerank puts the reranker's order first"
expect_exit 0 -- strata_t search backup --mode keyword --json --rerank --rerank-url "$URL" --rerank-model test-reranker
assert_eq "docs/both.md docs/long.md" "$(printf '%s\n' "$OUT" | sources)" "the reranker's order"
assert_eq 1 "$(rerank_log 'len(reqs)')" "one rerank request"
assert_eq True "$(rerank_log 'reqs[0]["query"] == "backup" and len(reqs[0]["documents"]) == 2 and reqs[0]["model"] == "test-reranker" and reqs[0]["authorization"] is None')" \
    "the query, every candidate, the model, no key"
expect_exit 0 -- strata_t search backup --mode keyword -k 1 --json --explain --rerank --rerank-url "$URL"
expect_json_true "-k 1: the reranker's best, its score and the rank it had before" \
    'd["source"] == "docs/both.md" and d["rerank"]["score"] > 0 and d["rerank"]["fused_rank"] == 2'
assert_eq 2 "$(rerank_log 'len(reqs[1]["documents"])')" "-k 1 still sends the candidates (up to 50)"
expect_exit 0 -- strata_t search backup --mode keyword --rerank --rerank-url "$URL" --explain
expect_stdout_match 'docs/both\.md.*was #2'
expect_stderr_match 'reranked'

case_ "the key from --rerank-api-key-env, never a project file's"
export RERANK_KEY=rk-test-123
expect_exit 0 -- strata_t search backup --mode keyword --rerank --rerank-url "$URL" --rerank-api-key-env RERANK_KEY -q
assert_eq "Bearer rk-test-123" "$(rerank_log 'reqs[-1]["authorization"]')" "the key as a Bearer token"
mkdir -p proj && cat >proj/strata.toml <<TOML
[store]
path = "$STRATA_STORE"
[search]
rerank = true
[rerank]
base_url = "$URL"
api_key_env = "RERANK_KEY"
candidates = 2
TOML
"$STRATA" trust proj >/dev/null  # its reranker is used once trusted; its key choice never is
run sh -c 'cd proj && "$1" search backup restore vault --mode keyword --json -k 1' sh "$STRATA"
assert_eq 0 "$RC" "[search] rerank and [rerank] from strata.toml"
expect_stderr_match "warning: .*strata.toml:[0-9]+: rerank.api_key_env is ignored in a project's strata.toml"
assert_eq None "$(rerank_log 'reqs[-1]["authorization"]')" "no key sent where a cloned repository says"
assert_eq 2 "$(rerank_log 'len(reqs[-1]["documents"])')" "[rerank] candidates (with -k 1)"
unset RERANK_KEY
expect_exit 2 -- strata_t search backup --rerank --rerank-url "$URL" --rerank-api-key-env RERANK_KEY
expect_error_line '^strata: error: --rerank-api-key-env names RERANK_KEY, but \$RERANK_KEY is not set \(or is empty\)$'
expect_exit 2 -- strata_t search backup --rerank
expect_error_line '--rerank needs a reranker server'

case_ "a failing reranker leaves the keyword order, with one warning"
server_reset
rerank_script '[{"status": 500}, {"status": 500}, {"status": 500}]'
expect_exit 0 -- strata_t search backup --mode keyword --json --rerank --rerank-url "$URL"
assert_eq "$KEYWORD_ORDER" "$(printf '%s\n' "$OUT" | sources)" "the keyword order"
expect_stderr_match '^strata: warning: the reranker: HTTP 500.*; the hits are in keyword order$'
assert_eq 3 "$(rerank_log 'len(reqs)')" "a 500 is retried (three attempts)"
server_reset
rerank_script '[{"status": 400}]'
expect_exit 0 -- strata_t search backup --mode keyword --rerank --rerank-url "$URL" -q
assert_eq 1 "$(rerank_log 'len(reqs)')" "a 400 is not retried"
rerank_script '[{"body": {"results": [{"index": 7, "relevance_score": 1}]}}]'
expect_exit 0 -- strata_t search backup --mode keyword --json --rerank --rerank-url "$URL"
assert_eq "$KEYWORD_ORDER" "$(printf '%s\n' "$OUT" | sources)" "a malformed answer: the keyword order"
expect_stderr_match "index 7 is past the 2 documents sent"
expect_exit 0 -- strata_t search backup --mode keyword --rerank --rerank-url "http://127.0.0.1:9/v1" -q
expect_stderr_match '^strata: warning: the reranker: nothing is listening at http://127\.0\.0\.1:9/v1 \(connection refused\)'
rerank_script '[{"data": true}]'
expect_exit 0 -- strata_t search backup --mode keyword --json --rerank --rerank-url "$URL"
assert_eq "docs/both.md docs/long.md" "$(printf '%s\n' "$OUT" | sources)" "Voyage's \"data\" shape"

case_ "ask --rerank packs the reranker's best first"
expect_exit 0 -- strata_t ask --context-only --json --mode keyword --rerank --rerank-url "$URL" 'backup'
expect_json_true "source [1] is the reranker's first" 'd["sources"][0]["source"] == "docs/both.md"'

e2e_finish
