#!/usr/bin/env bash
# End-to-end tests of what a long-running `strata serve` keeps of its SQLite store between
# searches (a collection's record, for the store's state: core/store/sqlite/store_state.h): one
# worker, so each request meets the same connection and what it kept; every change another
# process makes (a document ingested, vectors embedded, the collection removed) shows in the next
# search.
#
# Usage: bash tests/e2e/search_cache.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init search_cache "$@"

export STRATA_STORE="$E2E_TMP/store.db"

# search QUERY: POST /api/v1/search on collection docs; STATUS and BODY (OUT too, for expect_json_true).
search() {
    STATUS=$(curl -sS -o "$E2E_TMP/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"query\": \"$1\", \"collection\": \"docs\", \"k\": 3}" "$BASE/api/v1/search" 2>"$E2E_TMP/curl.err")
    BODY=$(cat "$E2E_TMP/body")
    OUT=$BODY
}

case_ "a store served by one worker"
mkdir -p docs
printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\n' >docs/rollback.md
printf '# Migrations\n\nA migration changes the schema; strata migrate up applies them in order.\n' >docs/migrations.md
printf '# Backups\n\nBack up the store before a migration: copy the file, or pg_dump the database.\n' >docs/backups.md
printf '# Search\n\nKeyword search ranks chunks with BM25; a migration of the index rebuilds it.\n' >docs/search.md
expect_exit 0 -- "$STRATA" ingest -q --collection docs docs
serve_up 127.0.0.1:0 --workers 1
search "roll back a migration"
assert_eq 200 "$STATUS" "search ($BODY)"
expect_json_true "keyword search finds rollback.md" 'd["mode"] == "keyword" and d["hits"][0]["citation"].startswith("docs/rollback.md")'
search "roll back a migration"
expect_json_true "the same answer again" 'd["mode"] == "keyword" and d["hits"][0]["citation"].startswith("docs/rollback.md")'

case_ "the keyword index's copy in memory ranks as the store does"
# The first search asked for the copy (the store answered meanwhile); nothing changed since.
ready=""
for _ in $(seq 1 100); do
    if curl -sS "$BASE/metrics" | grep -qx 'strata_keyword_indexes_ready 1'; then ready=1; break; fi
    sleep 0.05
done
assert_eq 1 "$ready" "the copy is ready (metrics: $(curl -sS "$BASE/metrics" | grep keyword_ind))"
for q in "migration" "back up the store before a migration" "schema order rollback"; do
    expect_exit 0 -- "$STRATA" search --collection docs --mode keyword -k 3 --json -- "$q"
    want=$(python3 -c 'import json, sys
print([(h["source"], round(h["score"], 9)) for h in map(json.loads, open(sys.argv[1]))])' "$E2E_TMP/.out")
    search "$q"
    got=$(printf '%s' "$BODY" | python3 -c 'import json, sys
print([(h["source"], round(h["score"], 9)) for h in json.load(sys.stdin)["hits"]])')
    assert_eq "$want" "$got" "over HTTP as in a process: $q"
done

case_ "a document ingested by another process is found"
printf '# Zebra\n\nZebras graze on the savanna.\n' >docs/zebra.md
expect_exit 0 -- "$STRATA" ingest -q --collection docs docs
search "zebras savanna"
assert_eq 200 "$STATUS" "search ($BODY)"
expect_json_true "zebra.md first" 'd["hits"][0]["citation"].startswith("docs/zebra.md")'

case_ "vectors embedded by another process make the search hybrid"
expect_exit 0 -- "$STRATA" embed -q --collection docs --provider local
search "roll back a migration"
assert_eq 200 "$STATUS" "search ($BODY)"
expect_json_true "hybrid now" 'd["mode"] == "hybrid"'

case_ "a collection removed by another process is gone"
expect_exit 0 -- "$STRATA" collections remove -q docs
search "roll back a migration"
assert_eq 404 "$STATUS" "search of a removed collection ($BODY)"
assert_true "it names the collection" grep -qF "no collection named 'docs'" "$E2E_TMP/body"

serve_down
assert_eq 0 "$STOP_RC" "serve stops cleanly"
e2e_finish
