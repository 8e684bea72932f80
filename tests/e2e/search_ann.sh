#!/usr/bin/env bash
# The approximate vector index of `strata mcp` (core/search/ann_*.h), for a collection at or above
# [search] ann_min_chunks: built in the background while the scan answers, its candidates
# rescored exactly, so every search gives the scan's hits and scores whichever answered it; the
# search tool's "exact" argument (a boolean) and `strata mcp --exact`; `strata serve
# --ready-when-indexed`; the index saved beside the store and loaded by the next start (not a
# damaged one, not after the vectors change), for the default kind (rabitq: bit codes) and
# ann_kind = "hnsw" (a graph); a bad ann_min_chunks or ann_kind.
#
# Usage: bash tests/e2e/search_ann.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init search_ann "$@"
unset STRATA_STORE OPENAI_BASE_URL
STORE=$E2E_TMP/store.db
S() { strata_t "$1" --store "$STORE" "${@:2}"; }

# 48 short pages over 12 words: many near neighbours, so the order of the hits is a real check.
mkdir -p docs
words=(migration rollback schema bread dough oven index vector query table column graph)
for i in $(seq 0 47); do
  printf '# Page %s\n\n%s %s %s and more about %s.\n' "$i" "${words[$((i % 12))]}" "${words[$(((i * 7 + 3) % 12))]}" \
    "${words[$(((i * 5 + 1) % 12))]}" "${words[$(((i * 11 + 2) % 12))]}" >"docs/p$i.md"
done
expect_exit 0 -- S ingest -q docs
expect_exit 0 -- S embed -q
printf '[search]\nann_min_chunks = 1\n' >strata.toml

# calls.jsonl: the same vector search eight times, then with "exact": true.
call() { printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"search","arguments":{"query":"rollback of the schema","mode":"vector","k":8%s}}}\n' "$1" "$2"; }
: >calls.jsonl
for i in 1 2 3 4 5 6 7 8; do call "$i" "" >>calls.jsonl; done
call 9 ',"exact":true' >>calls.jsonl
# hits_of ID: the hits of the reply with that id, as "source score" lines.
hits_of() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("id") == int(sys.argv[2]):
        for h in d["result"]["structuredContent"]["hits"]: print(h["source"], repr(h["score"]))' "$E2E_TMP/.out" "$1"
}

# ---------------------------------------------------------------------------------------------
case_ "every search gives the scan's hits and scores, from the scan or from the index"
run sh -c "'$STRATA' mcp --store '$STORE' <calls.jsonl"
assert_eq 9 "$(grep -c '"structuredContent"' "$E2E_TMP/.out")" "nine answers"
EXACT=$(hits_of 9)
assert_eq 8 "$(echo "$EXACT" | wc -l | tr -d ' ')" "k hits"
for i in 1 2 3 4 5 6 7 8; do
  assert_eq "$EXACT" "$(hits_of "$i")" "search $i: the exact scan's hits and scores"
done
assert_eq "docs/p24.md" "$(echo "$EXACT" | head -1 | cut -d' ' -f1)" "a page on migration, rollback and schema first"

# ---------------------------------------------------------------------------------------------
case_ "strata mcp --exact answers the same"
run sh -c "'$STRATA' mcp --exact --store '$STORE' <calls.jsonl"
for i in 1 8; do
  assert_eq "$EXACT" "$(hits_of "$i")" "search $i under --exact"
done

# ---------------------------------------------------------------------------------------------
case_ "the tool's schema lists exact; a value that is not a boolean is refused"
printf '{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n' >list.jsonl
call 2 ',"exact":"yes"' >>list.jsonl
run sh -c "'$STRATA' mcp --store '$STORE' <list.jsonl"
python3 - "$E2E_TMP/.out" >check.txt <<'PY'
import json, sys
replies = {d["id"]: d for d in map(json.loads, open(sys.argv[1]))}
search = [t for t in replies[1]["result"]["tools"] if t["name"] == "search"][0]
print("schema", search["inputSchema"]["properties"]["exact"]["type"])
r = replies[2]
print("error", r.get("result", {}).get("isError"), "argument 'exact' must be true or false" in json.dumps(r))
PY
assert_eq "schema boolean" "$(sed -n 1p check.txt)" "exact is a boolean argument"
assert_eq "error True True" "$(sed -n 2p check.txt)" "a string is a tool error naming the argument"

# ---------------------------------------------------------------------------------------------
case_ "strata serve: the index is built once searched, its memory in /metrics, the same hits"
post() { curl -s "$BASE/api/v1/search" --json "{\"query\": \"rollback of the schema\", \"mode\": \"vector\", \"k\": 8$1}"; }
serve_hits() { python3 -c 'import json,sys; [print(h["source"], repr(h["score"])) for h in json.load(sys.stdin)["hits"]]'; }
serve_up 127.0.0.1:0 --store "$STORE"
FIRST=$(post "" | serve_hits)
# The first search started the build; it ends within moments (48 vectors).
for i in $(seq 1 200); do
  curl -s "$BASE/metrics" | grep -qx 'strata_vector_indexes_ready 1' && break
  sleep 0.05
done
METRICS=$(curl -s "$BASE/metrics")
assert_true "one index ready" grep -qx 'strata_vector_indexes_ready 1' <<<"$METRICS"
assert_eq 1 "$(grep -c '^strata_vector_index_bytes [1-9][0-9]*$' <<<"$METRICS")" "its memory reported"
assert_eq "$EXACT" "$FIRST" "the scan's answer while it was built"
assert_eq "$EXACT" "$(post "" | serve_hits)" "the index's answer: the same hits and scores"
assert_eq "$EXACT" "$(post ', "exact": true' | serve_hits)" "exact: the scan"
serve_down
assert_eq 0 "$STOP_RC" "the server stops cleanly"

# ---------------------------------------------------------------------------------------------
case_ "strata serve --ready-when-indexed: the index is built at start, and /readyz is 200 only once it is"
serve_up 127.0.0.1:0 --store "$STORE"
sleep 0.5
assert_true "without the flag, no index before a search" grep -qx 'strata_vector_indexes_ready 0' <<<"$(curl -s "$BASE/metrics")"
serve_down
serve_up 127.0.0.1:0 --store "$STORE" --ready-when-indexed
READY=""
for i in $(seq 1 200); do
  READY=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")
  [ "$READY" = 200 ] && break
  assert_eq 503 "$READY" "not ready until the index is built"
  sleep 0.05
done
assert_eq 200 "$READY" "ready once built"
assert_true "the index was built with no search asked" grep -qx 'strata_vector_indexes_ready 1' <<<"$(curl -s "$BASE/metrics")"
assert_eq "$EXACT" "$(post "" | serve_hits)" "the first search answers from it, with the scan's hits and scores"
serve_down
assert_eq 0 "$STOP_RC" "the server stops cleanly"
serve_up 127.0.0.1:0 --store "$E2E_TMP/none-yet.db" --ready-when-indexed
http_req GET /readyz
expect_http 503 "no store yet: not ready"
serve_down

# ---------------------------------------------------------------------------------------------
case_ "the default index (bit codes) is saved beside the store and loaded by the next start; damaged, built again"
# start_ready: a server started with --ready-when-indexed, once ready; its metrics in METRICS.
start_ready() {
  serve_up 127.0.0.1:0 --store "$STORE" --ready-when-indexed
  for _ in $(seq 1 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = 200 ] && break; sleep 0.05; done
  METRICS=$(curl -s "$BASE/metrics")
}
assert_true "the codes saved by the servers above" test -s "$STORE.vectors/1.ann" -a -s "$STORE.vectors/1.bits"
assert_true "no graph" test ! -e "$STORE.vectors/1.hnsw"
# loads_saved FILE: a start loads the saved index (FILE its index file) and answers with the
# scan's hits; then FILE damaged: built again (never loaded), and saved whole in its place.
loads_saved() {
  start_ready
  assert_true "ready" grep -qx 'strata_vector_indexes_ready 1' <<<"$METRICS"
  assert_true "loaded, not built" grep -qx 'strata_vector_indexes_loaded 1' <<<"$METRICS"
  assert_eq "$EXACT" "$(post "" | serve_hits)" "the loaded index gives the scan's hits and scores"
  serve_down
  printf 'x' >>"$1"
  start_ready
  assert_true "ready after a build" grep -qx 'strata_vector_indexes_ready 1' <<<"$METRICS"
  assert_true "a damaged file is not loaded" grep -qx 'strata_vector_indexes_loaded 0' <<<"$METRICS"
  assert_eq "$EXACT" "$(post "" | serve_hits)" "the rebuilt index's hits"
  serve_down
}
loads_saved "$STORE.vectors/1.bits"

# ---------------------------------------------------------------------------------------------
case_ "ann_kind = hnsw: a restart loads the graph saved beside the store; a change of the vectors builds it again"
printf '[search]\nann_min_chunks = 1\nann_kind = "hnsw"\n' >strata.toml
start_ready
assert_true "built: the saved codes are not a graph" grep -qx 'strata_vector_indexes_loaded 0' <<<"$METRICS"
assert_eq "$EXACT" "$(post "" | serve_hits)" "the graph gives the scan's hits and scores"
serve_down
assert_true "the index saved beside the store" test -s "$STORE.vectors/1.ann" -a -s "$STORE.vectors/1.hnsw"
loads_saved "$STORE.vectors/1.hnsw"
# Another state of the vectors (a document removed): not the saved index's key.
expect_exit 0 -- S documents remove -q docs/p0.md
start_ready
assert_true "built again for the new state" grep -qx 'strata_vector_indexes_loaded 0' <<<"$METRICS"
serve_down
start_ready
assert_true "and that one loaded by the next start" grep -qx 'strata_vector_indexes_loaded 1' <<<"$METRICS"
serve_down

# ---------------------------------------------------------------------------------------------
case_ "a threshold below 1 or an unknown kind is a usage error naming the file and line"
printf '[search]\nann_min_chunks = 0\n' >strata.toml
expect_exit 2 -- sh -c "'$STRATA' mcp --store '$STORE' </dev/null"
expect_stderr_match "strata.toml:2: search.ann_min_chunks"
printf '[search]\nann_min_chunks = 1\nann_kind = "ivf"\n' >strata.toml
expect_exit 2 -- sh -c "'$STRATA' serve --store '$STORE' --listen 127.0.0.1:0 </dev/null"
expect_stderr_match "strata.toml:3: search.ann_kind must be rabitq or hnsw \\(got ivf\\)"

e2e_finish
