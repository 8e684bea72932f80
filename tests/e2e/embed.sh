#!/usr/bin/env bash
# End-to-end tests of `strata embed` against a real OpenAI-compatible server on 127.0.0.1
# (tests/servers/openai_server.py): text mode, collection mode with the local provider and with
# the server, batching, every retry path (429 Retry-After / retry-after-ms / HTTP date, 5xx,
# connection reset), giving up (exit 7, work kept, resume), 401/403/404/spend limit (no retry),
# 400 bisection (exit 8, the offender named), truncation and --strict, response validation,
# the cache across collections and re-ingests, model and dimension conflicts, --switch-model,
# and a canary API key that must appear nowhere.
#
# Usage: bash tests/e2e/embed.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init embed "$@"
. "$(dirname "$0")/../servers/e2e_helpers.sh"

CANARY="sk-canary-$(date +%s)-e2e7f3a9c1e5b2d40"
start_server --log "$E2E_TMP/server-requests.jsonl"

# Every stdout and stderr of every strata run, for the canary check at the end.
mkdir -p outputs
N_OUT=0
keep_outputs() {
    N_OUT=$((N_OUT + 1))
    cp "$E2E_TMP/.out" "outputs/$N_OUT.out"
    cp "$E2E_TMP/.err" "outputs/$N_OUT.err"
}

# srv ARGS...: strata embed against the test server (model test-model, 8 dimensions).
srv() { strata_t embed --base-url "$URL" --model test-model "$@"; }
run_srv() {
    run srv "$@"
    keep_outputs
}
run_local() {
    run strata_t embed "$@"
    keep_outputs
}
count_rows() { db_q_rw "$1" "SELECT count(*) FROM ${2:-embeddings}"; }

# ---------------------------------------------------------------------------------------------
case_ "help and usage errors"
expect_exit 0 -- "$STRATA" embed --help
for opt in --store --collection --text --jsonl --provider --model --dimensions --base-url --api-key-env \
    --concurrency --batch-size --batch-tokens --max-input-tokens --max-retries --timeout --strict \
    --switch-model --json --quiet --color; do
    printf '%s\n' "$OUT" | grep -q -- "$opt" || fail "--help does not list $opt"
done
expect_exit 2 -- "$STRATA" embed --text x --concurrency 0
expect_error_line '--concurrency must be a whole number from 1 to 64'
expect_exit 2 -- "$STRATA" embed --text x --provider cohere
expect_error_line 'unknown provider .cohere.'
expect_exit 2 -- "$STRATA" embed --text x --timeout abc
expect_exit 2 -- "$STRATA" embed --text x --dimensions 8
expect_error_line 'between 16 and 8192'
expect_exit 2 -- "$STRATA" embed --text x --collection docs
expect_error_line 'apply to collection mode'
expect_exit 2 -- "$STRATA" embed --text x --switch-model
expect_exit 2 -- "$STRATA" embed --text x --base-url localhost:11434
expect_error_line 'must start with http:// or https://'
# A key pasted where a variable name belongs is refused without being repeated.
expect_exit 2 -- "$STRATA" embed --text x --provider openai --base-url "$URL" --api-key-env "$CANARY"
keep_outputs
expect_error_line 'name of an environment variable'
# api.openai.com without a key: a usage error naming the variable, before any request.
run env -u OPENAI_API_KEY -u OPENAI_BASE_URL "$STRATA" embed --text x --provider openai
assert_eq 2 "$RC" "no key for api.openai.com: exit 2"
expect_error_line 'OPENAI_API_KEY is not set'

# ---------------------------------------------------------------------------------------------
case_ "text mode, local provider"
run_local --text "how do I roll back a migration?"
assert_eq 0 "$RC" "--text exits 0"
expect_json_true "one object with a 384-value unit vector" \
    'd["index"] == 0 and len(d["embedding"]) == 384 and abs(sum(x*x for x in d["embedding"]) - 1) < 1e-4'
expect_stderr_match 'embedded 1 text .* local hash-ngram-v2 \(384 dimensions\)'
expect_stderr_nomatch $'\r'  # no progress line when stderr is not a terminal
first=$OUT
run_local --text "how do I roll back a migration?" -q
assert_eq "$first" "$OUT" "the local embedder is deterministic"
expect_stderr_empty

# The local models: hash-ngram-v2 by default (stemmed: inflections give one vector), v1 on request.
run_local --text "connections" -q
v2_a=$OUT
run_local --text "connected" -q
assert_eq "$v2_a" "$OUT" "hash-ngram-v2 stems: connections and connected embed alike"
run_local --text "connections" --model hash-ngram-v2 -q
assert_eq "$v2_a" "$OUT" "--model hash-ngram-v2 is the default"
run_local --text "connections" --model hash-ngram-v1
assert_eq 0 "$RC" "--model hash-ngram-v1 exits 0"
expect_stderr_match 'local hash-ngram-v1 \(384 dimensions\)'
[ "$v2_a" != "$OUT" ] || fail "hash-ngram-v1 gives another vector than v2"
run_local --text x --provider local --model nomic-embed-text
assert_eq 2 "$RC" "a server's model with --provider local: exit 2"
expect_error_line "the local provider's models are hash-ngram-v2 \(the default\) and hash-ngram-v1 \(got --model nomic-embed-text\)"
run_local --text x --provider openai --model hash-ngram-v2 --base-url "$URL"
assert_eq 2 "$RC" "a local model through a server: exit 2"
expect_error_line "hash-ngram-v2 is built into strata"

printf 'text from standard input' >in.txt
run bash -c "'$STRATA' embed - --dimensions 64 < in.txt"
assert_eq 0 "$RC" "stdin '-' exits 0"
expect_json_true "64 values" 'len(d["embedding"]) == 64'

printf '%s\n' '{"id":"a","text":"alpha"}' '' '{"id":7,"text":"beta"}' '{"text":"gamma"}' >in.jsonl
run_local --jsonl in.jsonl --json
assert_eq 0 "$RC" "--jsonl FILE --json exits 0"
expect_json_true "three records in order with their ids" \
    '[(r["index"], r.get("id")) for r in d] == [(0, "a"), (1, 7), (2, None)]'
run bash -c "'$STRATA' embed --jsonl < in.jsonl"
assert_eq 3 "$(printf '%s\n' "$OUT" | grep -c '"embedding"')" "--jsonl from stdin: one line per record"

printf '{"id":"a","text":"ok"}\nnot json\n' >bad.jsonl
run_local --jsonl bad.jsonl
assert_eq 3 "$RC" "a bad JSONL line is exit 3"
expect_error_line 'bad.jsonl: line 2: not a JSON object'
printf 'abc\xff\xfe' >bad.txt
run bash -c "'$STRATA' embed - < bad.txt"
assert_eq 3 "$RC" "invalid UTF-8 on stdin is exit 3"

# ---------------------------------------------------------------------------------------------
case_ "text mode against the server: retries, bisection and ordering"
server_reset
server_script '[{"status": 503}, {"fault": "shuffle"}]'
run_srv --text one --text two --text three
assert_eq 0 "$RC" "a 503 is retried, a shuffled answer reordered"
expect_stderr_match 'retrying in [0-9.]+ s: HTTP 503'
run python3 -c '
import hashlib, json, sys
for line, text in zip(open(sys.argv[1]), ["one", "two", "three"]):
    d = hashlib.sha256(text.encode()).digest()
    want = [round((d[i % 32] - 127.5) / 128.0, 6) for i in range(8)]
    got = json.loads(line)["embedding"]
    assert all(abs(a - b) < 1e-6 for a, b in zip(got, want)), text
print("ok")' "outputs/$N_OUT.out"
assert_eq ok "$OUT" "each text got its own vector, in input order"

server_reset
server_config '{"bad_marker": "POISON"}'
run_srv --text good --text "POISON pill" --text fine
assert_eq 8 "$RC" "one refused text: exit 8"
assert_eq '{"index":1,"error":"HTTP 400: This model'"'"'s maximum context length is 8192 tokens (input contains POISON)."}' \
    "$(sed -n 2p "outputs/$N_OUT.out")" "the refused text's line carries the error"
assert_eq 2 "$(grep -c '"embedding"' "outputs/$N_OUT.out")" "the others have vectors"
expect_stderr_match 'not embedded: --text 2: HTTP 400'

# ---------------------------------------------------------------------------------------------
case_ "a key with a line break is refused before anything is sent"
server_reset
OPENAI_API_KEY=$'sk-abc\r\nX-Injected: 1' run_srv --text one
assert_eq 2 "$RC" "exit 2"
expect_error_line 'OPENAI_API_KEY holds a control character'
expect_stderr_nomatch 'sk-abc'
assert_eq 0 "$(server_log 'len(reqs)')" "the server received no request"

case_ "collection mode, local provider"
new_store local.db
run_local --store local.db --collection nope
assert_eq 3 "$RC" "a missing collection is exit 3"
expect_error_line "no collection 'nope' in local.db"
seed local.db docs 4 10
run_local --store local.db --collection docs
assert_eq 0 "$RC" "local embed exits 0"
assert_eq 40 "$(count_rows local.db)" "40 vectors stored"
assert_eq "local|hash-ngram-v2|384" "$(db_q_rw local.db "SELECT embedding_provider, embedding_model, embedding_dimensions FROM collections WHERE name = 'docs'")" \
    "the collection records its model"
assert_eq 40 "$(db_q_rw local.db "SELECT count(*) FROM embeddings WHERE length(vector) = 1536")" "384 float32 per vector"
run_local --store local.db --collection docs --json
assert_eq 0 "$RC" "nothing left: exit 0"
expect_json_true "--json summary: nothing to do" \
    'd["collection"] == "docs" and d["embedded"] == 0 and d["already_embedded"] == 40 and d["chunks"] == 40 and d["error"] is None'
STRATA_STORE=local.db run bash -c "'$STRATA' embed --collection docs -q"
assert_eq 0 "$RC" "STRATA_STORE is honoured"

# ---------------------------------------------------------------------------------------------
case_ "collection mode against the server: batching and vectors"
server_reset
new_store s.db
seed s.db docs 5 10
run_srv --store s.db --collection docs --batch-size 8 --concurrency 2
assert_eq 0 "$RC" "server embed exits 0"
assert_eq 50 "$(count_rows s.db)" "50 vectors"
assert_eq 7 "$(requests_made)" "ceil(50 / 8) = 7 requests"
assert_eq True "$(server_log 'all(r["n"] <= 8 for r in reqs)')" "no request over --batch-size"
assert_eq ok "$(vectors_ok s.db 8)" "stored vectors are the server's, little-endian float32"
assert_eq 50 "$(count_rows s.db embedding_cache)" "every new vector is cached"
expect_stderr_match 'embedded 50 chunks \(0 from cache\), 0 failed; 7 requests, 0 retries'
server_reset
run_srv --store s.db --collection docs
assert_eq 0 "$(requests_made)" "a second run sends nothing"

# ---------------------------------------------------------------------------------------------
case_ "retries honour the server"
server_reset
new_store r.db
seed r.db docs 1 6
# Resets first (a new connection each: libcurl retries a request itself only on a reused one),
# then server waits (the 5xx carry retry-after-ms so that the test does not sit in backoff).
server_script '[{"fault": "reset"}, {"fault": "reset"}, {"status": 429, "headers": {"retry-after-ms": "30"}}, {"status": 429, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}}, {"status": 500, "headers": {"retry-after-ms": "10"}}, {"status": 502, "headers": {"retry-after-ms": "10"}}]'
run_srv --store r.db --collection docs --concurrency 1 --max-retries 8
assert_eq 0 "$RC" "429s, a 500, resets and a 502 are all retried"
assert_eq 6 "$(count_rows r.db)" "everything stored"
expect_stderr_match 'retrying in 0\.0 s: HTTP 429'
expect_stderr_match 'retrying in [0-9.]+ s: HTTP 500'
expect_stderr_match 'retrying in [0-9.]+ s: connection reset'
expect_stderr_match '[56] retries'

# ---------------------------------------------------------------------------------------------
case_ "a server that keeps failing: exit 7, finished batches kept, resume"
server_reset
new_store k.db
seed k.db docs 4 10
server_script '[{}, {}, {}]'  # three good answers, then...
server_config '{"always": {"status": 500, "body": {"error": {"message": "the model crashed"}}}}'
run_srv --store k.db --collection docs --batch-size 5 --concurrency 1 --max-retries 2
assert_eq 7 "$RC" "gives up with exit 7"
expect_stderr_match 'error: gave up after 3 attempts: HTTP 500: the model crashed'
expect_stderr_match 'hint: .*run the same command again'
assert_eq 15 "$(count_rows k.db)" "the three finished batches are stored"
done_texts=$(db_q_rw k.db "SELECT c.text FROM embeddings e JOIN chunks c ON c.id = e.chunk_id" | sort)
server_reset
run_srv --store k.db --collection docs --batch-size 5
assert_eq 0 "$RC" "the resumed run exits 0"
assert_eq 40 "$(count_rows k.db)" "everything stored after the resume"
assert_eq 25 "$(inputs_sent)" "the resume sends only the 25 missing chunks"
resent=$(server_log '[t for r in reqs for t in r["inputs"]]' | python3 -c '
import json, sys; sent = set(json.load(sys.stdin)); done = set(open(sys.argv[1]).read().splitlines())
print(len(sent & done))' <(printf '%s\n' "$done_texts"))
assert_eq 0 "$resent" "no stored chunk was sent again"

# ---------------------------------------------------------------------------------------------
case_ "nothing listens at the URL: two short retries, one message naming it, exit 7"
new_store cr.db
seed cr.db docs 1 4
CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_timed strata_t embed --store cr.db --collection docs --provider openai --base-url "http://127.0.0.1:$CLOSED/v1" --model test-model
assert_eq 7 "$RC" "exit 7"
assert_eq "strata: error: nothing is listening at http://127.0.0.1:$CLOSED/v1 (connection refused)" "$(sed -n 1p <<<"$ERR")" \
    "one line naming the URL"
expect_stderr_match '^strata: hint: is the server running\?'
assert_eq 2 "$(wc -l <<<"$ERR")" "the error and its hint: no retry lines, no empty summary"
# That it gave up at once is the two lines with no retry line (there were five before), not a time.
assert_eq 0 "$(count_rows cr.db)" "nothing stored"
run strata_t embed --text hi --provider openai --base-url "http://u:pw-in-url@127.0.0.1:$CLOSED/v1" --model test-model
assert_eq 7 "$RC" "text mode: exit 7"
expect_stderr_match "nothing is listening at http://u:\*\*\*@127\.0\.0\.1:$CLOSED/v1"
expect_stderr_nomatch 'pw-in-url'

# ---------------------------------------------------------------------------------------------
case_ "on a terminal, retries update one status line"
server_reset
new_store tty.db
seed tty.db docs 1 3
server_script '[{"status": 500, "headers": {"retry-after-ms": "10"}}, {"status": 503, "headers": {"retry-after-ms": "10"}}]'
on_pty stderr 100 "$E2E_TMP/tty.out" "$STRATA" embed --store tty.db --collection docs --base-url "$URL" --model test-model >"$E2E_TMP/tty.err"
assert_eq 0 "$?" "the run succeeds after the retries"
expect_true_file() { if grep -qE "$1" "$E2E_TMP/tty.err"; then pass "$2"; else fail "$2: not in $(tr -d '\033' <"$E2E_TMP/tty.err" | head -c 600)"; fi; }
expect_true_file 'retrying in [0-9.]+ s: HTTP 500' "the first retry is shown"
expect_true_file 'retrying in [0-9.]+ s: HTTP 503' "the second retry is shown"
assert_eq 0 "$(grep -c 'strata: retrying' "$E2E_TMP/tty.err")" "no retry gets a line of its own: it joins the status line"
assert_eq 0 "$(python3 -c 'import re, sys; print(len(re.findall(rb"retrying in[^\r\n\x1b]*\r?\n", open(sys.argv[1], "rb").read())))' "$E2E_TMP/tty.err")" \
    "no retry notice ends in a line feed"
assert_eq 0 "$(tty_screen "$E2E_TMP/tty.err" | grep -c retrying)" "the status line is erased at the end"
server_script '[{"status": 500, "headers": {"retry-after-ms": "10"}}]'
run srv --text a
expect_stderr_match '^strata: retrying in [0-9.]+ s: HTTP 500'

# ---------------------------------------------------------------------------------------------
case_ "answers that are never retried"
for spec in '401|{"status": 401, "body": {"error": {"message": "Incorrect API key provided"}}}|check the API key in \$OPENAI_API_KEY' \
    '403|{"status": 403}|check the API key' \
    '404|{"status": 404, "body": {"error": {"message": "The model `test-model` does not exist"}}}|--base-url' \
    'quota|{"status": 429, "body": {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}}|quota or spending limit'; do
    name=${spec%%|*}
    rest=${spec#*|}
    answer=${rest%|*}
    hint=${rest##*|}
    server_reset
    server_config "{\"always\": $answer}"
    new_store "n-$name.db"
    seed "n-$name.db" docs 1 3
    run_srv --store "n-$name.db" --collection docs
    assert_eq 7 "$RC" "$name: exit 7"
    assert_eq 1 "$(requests_made)" "$name: one request, no retry"
    expect_stderr_match "hint: .*$hint"
    assert_eq "" "$(db_q_rw "n-$name.db" "SELECT embedding_model FROM collections")" "$name: no model recorded when nothing was stored"
done

# ---------------------------------------------------------------------------------------------
case_ "a 400 is bisected to the offending chunk"
server_reset
server_config '{"bad_marker": "POISON"}'
new_store b.db
seed b.db docs 2 8
set_chunk_text b.db 11 "this chunk holds POISON for the server"
run_srv --store b.db --collection docs --batch-size 16
assert_eq 8 "$RC" "exit 8: partial"
expect_stderr_match 'warning: not embedded: docs/doc1.md chunk 2: HTTP 400: .*POISON'
expect_stderr_match 'error: 1 input was not embedded \(listed above\); the other 15 were'
assert_eq 15 "$(count_rows b.db)" "the other 15 chunks are stored"
assert_eq True "$(server_log 'reqs[0]["n"] == 16 and len(reqs) <= 9')" "found in at most 2*log2(16) + 1 requests"
server_reset
server_config '{"bad_marker": "POISON"}'
run_srv --store b.db --collection docs --json
assert_eq 8 "$RC" "a rerun tries only the bad chunk, and fails again"
assert_eq 1 "$(requests_made)" "one request for the one chunk left"
expect_json_true "--json lists the failure by chunk" \
    'd["failed"] == 1 and d["failures"][0]["input"] == "docs/doc1.md chunk 2" and d["failures"][0]["chunk_id"] == 11'

# ---------------------------------------------------------------------------------------------
case_ "truncation with a warning, or --strict refusal"
server_reset
new_store t.db
seed t.db docs 1 3
long=$(printf 'word%.0s ' $(seq 1 60))
set_chunk_text t.db 2 "$long"
run_srv --store t.db --collection docs --max-input-tokens 20
assert_eq 0 "$RC" "truncation is not an error"
expect_stderr_match 'warning: docs/doc0.md chunk 1: [0-9]+ tokens, over the limit of 20 for test-model; embedded its first 20 tokens'
assert_eq True "$(server_log 'all(len(t.split()) <= 20 for r in reqs for t in r["inputs"])')" "the server got the cut text"
assert_eq 3 "$(count_rows t.db)" "all three stored"
server_reset
new_store t2.db
seed t2.db docs 1 3
set_chunk_text t2.db 2 "$long"
run_srv --store t2.db --collection docs --max-input-tokens 20 --strict
assert_eq 8 "$RC" "--strict refuses: exit 8"
expect_stderr_match 'not embedded: docs/doc0.md chunk 1: [0-9]+ tokens, over the limit of 20 for test-model \(--strict: not truncated\)'
assert_eq False "$(server_log 'any("word" in t for r in reqs for t in r["inputs"])')" "the long chunk was not sent"
assert_eq 2 "$(count_rows t2.db)" "the other two stored"

# ---------------------------------------------------------------------------------------------
case_ "responses are validated"
for fault in malformed nan inf wrong_count bad_index empty; do
    server_reset
    server_script "[{\"fault\": \"$fault\"}]"
    new_store "v-$fault.db"
    seed "v-$fault.db" docs 1 4
    run_srv --store "v-$fault.db" --collection docs
    assert_eq 0 "$RC" "$fault: retried, then fine"
    expect_stderr_match "retrying in .*invalid response"
    assert_eq ok "$(vectors_ok "v-$fault.db" 8)" "$fault: only valid vectors stored"
done
server_reset
server_script '[{"fault": "wrong_dims"}]'
new_store v-dims.db
seed v-dims.db docs 1 4
run_srv --store v-dims.db --collection docs --dimensions 8
assert_eq 7 "$RC" "vectors of the wrong size: exit 7, no retry"
expect_stderr_match 'error: .*wrong size: item 0 has 9 values, expected 8'
assert_eq 0 "$(count_rows v-dims.db)" "nothing stored"

# ---------------------------------------------------------------------------------------------
case_ "the cache: across collections and after a re-ingest"
server_reset
new_store c.db
seed c.db one 2 5 shared
seed c.db two 2 5 shared   # the same texts in another collection
run_srv --store c.db --collection one
assert_eq 10 "$(inputs_sent)" "collection one: 10 texts sent"
server_reset
run_srv --store c.db --collection two --json
assert_eq 0 "$(requests_made)" "collection two: nothing sent, all from the cache"
expect_json_true "10 from cache" 'd["cached"] == 10 and d["embedded"] == 0'
# A re-ingest deletes and re-creates chunks: their vectors go, the cache stays.
db_q_rw c.db "PRAGMA foreign_keys = ON; DELETE FROM chunks WHERE document_id IN (SELECT id FROM documents WHERE collection_id = (SELECT id FROM collections WHERE name = 'one'))" >/dev/null
seed c.db three 2 5 shared
set_chunk_text c.db "$(db_q_rw c.db "SELECT max(id) FROM chunks")" "one changed line"
server_reset
run_srv --store c.db --collection three
assert_eq 1 "$(inputs_sent)" "only the changed chunk is sent"
assert_eq '["one changed line"]' "$(server_log '[t for r in reqs for t in r["inputs"]]')" "and it is the changed one"

# ---------------------------------------------------------------------------------------------
case_ "one model per collection; --switch-model"
run_local --store local.db --collection docs --base-url "$URL" --model test-model
assert_eq 2 "$RC" "another model is refused: exit 2"
expect_error_line "collection 'docs' was embedded with local hash-ngram-v2 \(384 dimensions\), not openai test-model"
expect_stderr_match 'hint: --switch-model drops the collection.s 40 vectors'
run_local --store local.db --collection docs --dimensions 128
assert_eq 2 "$RC" "another size is refused: exit 2"
expect_error_line 'holds 384-dimensional vectors .* gives 128-dimensional ones, and one collection cannot mix sizes'
assert_eq 40 "$(count_rows local.db)" "refusals change nothing"
server_reset
run_local --store local.db --collection docs --base-url "$URL" --model test-model --switch-model
assert_eq 0 "$RC" "--switch-model exits 0"
expect_stderr_match 'dropped 40 vectors of the previous model'
assert_eq "openai|test-model|8" "$(db_q_rw local.db "SELECT embedding_provider, embedding_model, embedding_dimensions FROM collections WHERE name = 'docs'")" \
    "the new model is recorded"
assert_eq 40 "$(db_q_rw local.db "SELECT count(*) FROM embeddings WHERE length(vector) = 32")" "40 new 8-dimensional vectors"
run_local --store local.db --collection docs --provider local --switch-model
assert_eq 0 "$RC" "switching back"
assert_eq 40 "$(db_q_rw local.db "SELECT count(*) FROM embeddings WHERE length(vector) = 1536")" "local vectors again"
server_reset
run_local --store local.db --collection docs --base-url "$URL" --model test-model --switch-model
assert_eq 0 "$(requests_made)" "switching to a model used before: all from the cache"

# ---------------------------------------------------------------------------------------------
case_ "the API key appears nowhere"
server_reset
server_config "{\"require_key\": \"sk-the-right-key\", \"echo_key\": true}"
new_store key.db
seed key.db docs 1 3
OPENAI_API_KEY=$CANARY run srv --store key.db --collection docs
keep_outputs
assert_eq 7 "$RC" "a wrong key is exit 7"
expect_stderr_match 'HTTP 401: Incorrect API key provided: \[redacted\]'
assert_eq "Bearer $CANARY" "$(server_log 'reqs[-1]["authorization"]')" "the key was sent in the Authorization header"
server_config "{\"require_key\": \"$CANARY\"}"
export STRATA_TEST_KEY=$CANARY
run srv --store key.db --collection docs --api-key-env STRATA_TEST_KEY --json
keep_outputs
unset STRATA_TEST_KEY
assert_eq 0 "$RC" "the right key, from --api-key-env"
assert_eq 3 "$(count_rows key.db)" "stored"
leaks=$(grep -rl -- "$CANARY" outputs ./*.db ./*.db-wal ./*.db-shm 2>/dev/null)
assert_eq "" "$leaks" "the canary key is in no output and no store file"
partial=$(grep -rl -- "${CANARY:0:12}" outputs 2>/dev/null)
assert_eq "" "$partial" "not even its first 12 characters"

case_ "the cache is keyed by the server: another server's vectors are never reused"
unset STRATA_TEST_KEY
server_reset
new_store twoservers.db
seed twoservers.db a 2 3 same
seed twoservers.db b 2 3 same
expect_exit 0 -- "$STRATA" embed --store twoservers.db --collection a --base-url "$URL" --model test-model -q
FIRST_URL=$URL
start_server  # a second server, with its own log
expect_exit 0 -- "$STRATA" embed --store twoservers.db --collection b --base-url "$URL" --model test-model -q
assert_eq 6 "$(inputs_sent)" "the second server was asked for every text, although the first server's vectors of the same texts are cached"
server_reset
expect_exit 0 -- "$STRATA" embed --store twoservers.db --collection b --base-url "$URL" --model test-model --switch-model -q
expect_exit 0 -- "$STRATA" embed --store twoservers.db --collection a --base-url "$FIRST_URL" --model test-model --switch-model -q
assert_eq 0 "$(inputs_sent)" "and each server's own vectors are still cached for it"
assert_eq 0 "$(db_q twoservers.db "SELECT count(*) FROM embedding_cache WHERE provider LIKE '%@%'")" "no userinfo in a key"

e2e_finish
