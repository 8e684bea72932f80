#!/usr/bin/env bash
# strata ingest, collections and documents on a knowledge store on PostgreSQL (--store URL),
# against a server started for this test (tests/servers/pg_server.sh): every command's --json
# output equals the same command's on a SQLite store (ids and times aside), through a first
# ingest of a folder (Markdown, HTML, text), a re-ingest of unchanged files (nothing rewritten),
# edits with --prune, JSONL from stdin, and removals. The keyword statistics (keyword_stats,
# term_stats) equal a recount of chunk_terms after every step. Then the trials: two ingest
# processes on one collection with overlapping folders lose and duplicate nothing; an ingest
# killed with -9, or whose connection the server drops, leaves no half-written document and
# statistics in step, and a rerun completes it.
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/store_postgres_ingest.sh /path/to/strata     ROUNDS=N (kill rounds, default 3)
. "$(dirname "$0")/lib.sh"
e2e_init store_postgres_ingest "$@"

ROUNDS=${ROUNDS:-3}
start_test_pg
pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
# An ICU collation (en-US) in the database: an ordering by its locale instead of by bytes shows.
pq "$SERVER_URL" "CREATE DATABASE kb TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'" >/dev/null ||
    pq "$SERVER_URL" "CREATE DATABASE kb" >/dev/null
URL="$BASE/kb"
LITE="$E2E_TMP/store.db"
S="SET search_path TO strata;"
OPTS=(--size 200 --threads 2 --no-embed)

# The --json output of a command with ids, times and the store's name taken out, keys sorted:
# what must be equal on both stores. same_on_both keeps each pair of outputs and compare_kept
# compares all kept pairs in one python3: a catalog is dozens of pairs, and on a loaded machine
# a python3 start costs half a second (two a pair made this test outlast its CTest timeout).
cat >"$E2E_TMP/compare.py" <<'PY'
import difflib, json, sys
DROP = {"id", "ingested_at", "created_at", "last_ingested_at", "store", "seconds", "chunk_id", "document_id"}
def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if k not in DROP and not k.endswith("_ms")}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
def norm(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [json.dumps(clean(json.loads(l)), sort_keys=True, ensure_ascii=False) for l in f if l.strip()]
for entry in open(sys.argv[1], encoding="utf-8"):
    n, lite_rc, pg_rc, what = entry.rstrip("\n").split("\t", 3)
    try:
        lite, pg = norm("cmp.%s.lite" % n), norm("cmp.%s.pg" % n)
    except ValueError as e:
        print("FAIL %s: not JSON: %s" % (what, e))
        continue
    if pg_rc == "0" and not pg:
        print("FAIL %s: no output" % what)
    elif pg_rc == lite_rc and lite == pg:
        print("ok %s: same output on both stores" % what)
    else:
        diff = " ".join(list(difflib.unified_diff(lite, pg, "sqlite", "postgres", lineterm="", n=0))[:8])
        print("FAIL %s: PostgreSQL exit %s, SQLite exit %s; output differs: %s" % (what, pg_rc, lite_rc, diff))
PY

# same_on_both DESCRIPTION ARGS...: `strata ARGS --json` on both stores, kept for compare_kept.
KEPT=0
same_on_both() {
    local what=$1 lite_rc
    shift
    KEPT=$((KEPT + 1))
    run "$STRATA" "$@" --store "$LITE" --json
    lite_rc=$RC
    printf '%s\n' "$OUT" >"cmp.$KEPT.lite"
    run "$STRATA" "$@" --store "$URL" --json
    no_password_in_output
    printf '%s\n' "$OUT" >"cmp.$KEPT.pg"
    printf '%s\t%s\t%s\t%s\n' "$KEPT" "$lite_rc" "$RC" "$what" >>cmp.kept
}
# compare_kept: each pair same_on_both kept has the same exit code and normalised output.
compare_kept() {
    [ -s cmp.kept ] || return 0
    OUT=$(python3 "$E2E_TMP/compare.py" cmp.kept)
    report_checks
    rm -f cmp.*
}

# The listings that must agree: collections, each collection's documents, and every document
# with its chunks and its text.
same_catalog() {
    local c src
    same_on_both "$1: collections" collections
    for c in $(pq "$URL" "$S SELECT name FROM collections ORDER BY name"); do
        same_on_both "$1: documents of $c" documents list --collection "$c"
        while IFS= read -r src; do
            same_on_both "$1: $c/$src" documents show --collection "$c" "$src"
            same_on_both "$1: text of $c/$src" documents show --text --collection "$c" "$src"
        done < <(pq "$URL" "$S SELECT d.source FROM documents d JOIN collections k ON k.id = d.collection_id
                            WHERE k.name = '$c' ORDER BY d.source")
    done
    compare_kept
}

# Problems of the PostgreSQL store's rows: statistics not what a recount gives, documents
# without all their chunks, index rows of no chunk. "" when none.
STATS_CHECK="$S
SELECT concat_ws(' ',
  (SELECT 'term_stats<>recount:' || count(*) FROM (SELECT collection_id, term, count(*) AS n FROM chunk_terms GROUP BY 1, 2) r
     FULL JOIN term_stats s USING (collection_id, term) WHERE r.n IS DISTINCT FROM s.chunks HAVING count(*) > 0),
  (SELECT 'keyword_stats<>recount:' || count(*) FROM collections k LEFT JOIN keyword_stats s ON s.collection_id = k.id
     WHERE coalesce(s.chunk_count, 0) <> (SELECT count(*) FROM chunks c WHERE c.collection_id = k.id)
        OR coalesce(s.token_count, 0) <> (SELECT coalesce(sum(length), 0)
             FROM (SELECT DISTINCT chunk_id, length FROM chunk_terms t WHERE t.collection_id = k.id) x)
     HAVING count(*) > 0),
  (SELECT 'chunk_count<>chunks:' || count(*) FROM documents d
     WHERE d.chunk_count <> (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) HAVING count(*) > 0),
  (SELECT 'chunks_without_terms:' || count(*) FROM chunks c
     WHERE NOT EXISTS (SELECT 1 FROM chunk_terms t WHERE t.chunk_id = c.id) AND c.text ~ '[[:alnum:]]' HAVING count(*) > 0),
  (SELECT 'orphan_terms:' || count(*) FROM chunk_terms t
     WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = t.chunk_id) HAVING count(*) > 0))"
stats_in_step() {
    local problems
    problems=$(pq "$URL" "$STATS_CHECK")
    if [ -z "$problems" ]; then pass "$1: statistics in step"; else fail "$1: $problems"; fi
}

# ---------------------------------------------------------------------------------------------
case_ "a first ingest of a folder: Markdown, HTML and text"
mkdir -p docs/guide docs/ref
printf '# Installing\n\nRun the installer. Then configure the **pool**.\n\n## Pool size\n\nThe connection pool holds 10 connections by default.\n' >docs/guide/install.md
printf '# Überblick\n\nCafé, naïve and façade: diacritics fold.\n\n依赖项 are dependencies; 日本語 text too.\n' >docs/guide/intl.md
printf '<html><head><title>API reference</title></head><body><h1>Endpoints</h1><p>GET /users lists users.</p><h2>Errors</h2><p>A 404 means no such user.</p></body></html>\n' >docs/ref/api.html
printf 'Plain notes.\n\nThe quick brown fox jumps over the lazy dog.\n\n' >docs/notes.txt
printf 'x\n' >docs/Zeta.txt
for store in "$LITE" "$URL"; do
    expect_exit 0 -- "$STRATA" ingest --store "$store" --json "${OPTS[@]}" docs
    expect_json_true "five documents added" 'd["documents"]["new"] == 5 and d["documents"]["changed"] == 0'
done
no_password_in_output
assert_eq 5 "$(pq "$URL" "$S SELECT count(*) FROM documents")" "five document rows on the server"
same_catalog "first ingest"
stats_in_step "first ingest"

# ---------------------------------------------------------------------------------------------
case_ "a re-ingest of unchanged files rewrites nothing"
before=$(pq "$URL" "$S SELECT string_agg(id || ingested_at, ',' ORDER BY id) FROM documents")
chunks_before=$(pq "$URL" "$S SELECT string_agg(id::text, ',' ORDER BY id) FROM chunks")
expect_exit 0 -- "$STRATA" ingest --store "$URL" --json "${OPTS[@]}" docs
expect_json_true "all unchanged" 'd["documents"]["unchanged"] == 5 and d["documents"]["new"] == 0 and d["documents"]["changed"] == 0'
expect_exit 0 -- "$STRATA" ingest --store "$URL" --json --checksum "${OPTS[@]}" docs
expect_json_true "all unchanged, hashed" 'd["documents"]["unchanged"] == 5 and d["documents"]["new"] == 0 and d["documents"]["changed"] == 0'
assert_eq "$before" "$(pq "$URL" "$S SELECT string_agg(id || ingested_at, ',' ORDER BY id) FROM documents")" \
    "document rows untouched"
assert_eq "$chunks_before" "$(pq "$URL" "$S SELECT string_agg(id::text, ',' ORDER BY id) FROM chunks")" "chunk rows untouched"

# ---------------------------------------------------------------------------------------------
case_ "edits, a new file and --prune"
printf '# Installing\n\nRun the new installer.\n\n## Pool size\n\nThe pool now holds 20 connections.\n' >docs/guide/install.md
rm docs/notes.txt
printf 'A new page about wombats.\n' >docs/ref/new.txt
for store in "$LITE" "$URL"; do
    expect_exit 0 -- "$STRATA" ingest --store "$store" --json --prune "${OPTS[@]}" docs
    expect_json_true "one added, one changed, one removed" 'd["documents"]["new"] == 1 and d["documents"]["changed"] == 1 and d["documents"]["removed"] == 1'
done
same_catalog "after --prune"
stats_in_step "after --prune"

# ---------------------------------------------------------------------------------------------
case_ "JSONL records from stdin, then changed ones"
printf '%s\n' '{"id":"r1","text":"First record about pools.","title":"One"}' \
    '{"id":"r2","text":"Second record.\n\nWith two paragraphs about wombats.","metadata":{"team":"a"}}' >v1.jsonl
printf '%s\n' '{"id":"r1","text":"First record about pools.","title":"One renamed"}' \
    '{"id":"r2","text":"Second record.\n\nWith two paragraphs about wombats.","metadata":{"team":"b"}}' \
    '{"id":"r3","text":"A third."}' >v2.jsonl
jsonl_in() { "$STRATA" ingest --jsonl - --collection records --store "$1" --json "${OPTS[@]}" <"$2"; }
for store in "$LITE" "$URL"; do
    expect_exit 0 -- jsonl_in "$store" v1.jsonl
    expect_json_true "two records added" 'd["documents"]["new"] == 2'
done
same_catalog "JSONL"
for store in "$LITE" "$URL"; do
    expect_exit 0 -- jsonl_in "$store" v2.jsonl
    expect_json_true "one added, two changed (title, metadata)" 'd["documents"]["new"] == 1 and d["documents"]["changed"] == 2'
done
same_catalog "JSONL changed"
stats_in_step "JSONL changed"
title_hits=$(pq "$URL" "$S SELECT count(*) FROM chunk_terms t JOIN documents d ON d.id = t.document_id
                         WHERE d.source = 'r1' AND t.term = 'renam' AND t.title_hits = 1")
assert_eq 1 "$title_hits" "the new title is in the keyword index"

# ---------------------------------------------------------------------------------------------
# PostgreSQL's text holds neither bytes that are not UTF-8 nor a NUL, which a SQLite store keeps
# as they are: such a document fails alone, reported like any failed document, and the others of
# its batch are ingested (exit 8). Before, the server refused the batch's statement and the whole
# ingest ended (exit 7 or 3, nothing written).
case_ "a file name that is not UTF-8, a JSONL id with a NUL: that document fails, the rest is ingested (exit 8)"
mkdir -p odd "odd/dir-$(printf '\351')"
printf 'A good file about pools.\n' >odd/good.md
printf 'A file named in Latin-1.\n' >"odd/caf$(printf '\351').md"
printf 'Inside a folder named in Latin-1.\n' >"odd/dir-$(printf '\351')/inner.md"
printf 'Another good file.\n' >odd/zz.md
run "$STRATA" ingest odd --store "$URL" --collection odd --json "${OPTS[@]}"
assert_eq 8 "$RC" "ingest: exit 8 (some documents failed)"
expect_json_true "the two named in Latin-1 failed, saying why; the others were added" \
    '(d["documents"]["new"] == 2 and d["documents"]["failed"] == 2
      and all("is not UTF-8" in f["reason"] and "PostgreSQL" in f["reason"] for f in d["failures"]))'
assert_eq "odd/good.md odd/zz.md" "$(pq "$URL" "$S SELECT string_agg(d.source, ' ' ORDER BY d.source) FROM documents d
                                         JOIN collections k ON k.id = d.collection_id WHERE k.name = 'odd'")" "the two others stored"
run "$STRATA" ingest "odd/dir-$(printf '\351')" --prune --store "$URL" --collection odd "${OPTS[@]}"
assert_eq 3 "$RC" "a folder named in Latin-1 with --prune: exit 3 (its one file failed), nothing pruned"
expect_stderr_match "is not UTF-8 \\(at byte [0-9]+\\), which a store on PostgreSQL cannot hold"
expect_stderr_nomatch "invalid byte sequence"
assert_eq "2" "$(pq "$URL" "$S SELECT count(*) FROM documents d JOIN collections k ON k.id = d.collection_id WHERE k.name = 'odd'")" "nothing removed"
printf '{"id":"a","text":"alpha"}\n{"id":"b\\u0000c","text":"an id with a NUL"}\n{"id":"d","text":"delta"}\n' >nul.jsonl
run "$STRATA" ingest --jsonl nul.jsonl --store "$URL" --collection nul --json "${OPTS[@]}"
assert_eq 8 "$RC" "JSONL with a NUL in an id: exit 8"
expect_json_true "that record failed, saying why; the two others were added" \
    'd["documents"]["new"] == 2 and d["documents"]["failed"] == 1 and "its source has a NUL byte" in d["failures"][0]["reason"]'
assert_eq "a d" "$(pq "$URL" "$S SELECT string_agg(d.source, ' ' ORDER BY d.source) FROM documents d
                              JOIN collections k ON k.id = d.collection_id WHERE k.name = 'nul'")" "a and d stored"
stats_in_step "documents that fail alone"
# Gone again: the later cases compare the stores' catalogs, and the SQLite store has neither.
expect_exit 0 -- "$STRATA" collections remove odd --store "$URL"
expect_exit 0 -- "$STRATA" collections remove nul --store "$URL"

# ---------------------------------------------------------------------------------------------
case_ "documents remove and collections remove"
same_on_both "documents remove" documents remove --collection records r2
same_catalog "after documents remove"
stats_in_step "after documents remove"
same_on_both "collections remove" collections remove records
same_catalog "after collections remove"
stats_in_step "after collections remove"
assert_eq 0 "$(pq "$URL" "$S SELECT count(*) FROM term_stats s WHERE NOT EXISTS (SELECT 1 FROM collections k WHERE k.id = s.collection_id)")" \
    "no statistics of a removed collection"
same_on_both "a missing document" documents show --collection default nothing.md
same_on_both "a missing collection" documents list --collection nothing
compare_kept

# ---------------------------------------------------------------------------------------------
# A corpus for the trials: files in four folders, a few KB each (tests/e2e/trial_tool.py).
PYTHONPATH="$E2E_LIB_DIR" python3 "$E2E_LIB_DIR/trial_tool.py" gen corpus 600 5
FILES=$(find corpus -type f | wc -l)
# Small chunks: many batches (a commit every 4000 chunks), so that writers interleave and a
# kill finds some committed and some not.
OPTS=(--size 100 --min-size 0 --threads 2 --no-embed)

# The documents of collection $1 on the server as canonical lines (source, hash, chunks and
# their ranges), for comparing runs.
canon_pg() {
    pq "$URL" "$S SELECT d.source || ' ' || d.content_hash || ' ' || d.chunk_count || ' ' ||
                 coalesce((SELECT string_agg(c.start_byte || '-' || c.end_byte, ',' ORDER BY c.ordinal)
                             FROM chunks c WHERE c.document_id = d.id), '')
               FROM documents d JOIN collections k ON k.id = d.collection_id WHERE k.name = '$1' ORDER BY d.source"
}

case_ "reference: one uninterrupted ingest of the corpus"
t0=$(date +%s%N)
expect_exit 0 -- "$STRATA" ingest --store "$URL" --collection ref -q "${OPTS[@]}" corpus
ref_ms=$((($(date +%s%N) - t0) / 1000000))
canon_pg ref >ref.txt
assert_eq "$FILES" "$(wc -l <ref.txt)" "every file is a document"
note "$FILES files, one uninterrupted ingest ${ref_ms} ms"

# ---------------------------------------------------------------------------------------------
# two_at_once COLLECTION: two ingest processes released at the same moment, the first with the
# folders a, b and c, the second with b, c and d: every file of b and c is written by both.
two_at_once() {
    local p1 p2 rc1 rc2
    rm -f .go
    (while [ ! -e .go ]; do sleep 0.005; done
     exec "$STRATA" ingest --store "$URL" --collection "$1" -q "${OPTS[@]}" corpus/a corpus/b corpus/c) >out.1 2>err.1 </dev/null &
    p1=$!
    (while [ ! -e .go ]; do sleep 0.005; done
     exec "$STRATA" ingest --store "$URL" --collection "$1" -q "${OPTS[@]}" corpus/b corpus/c corpus/d) >out.2 2>err.2 </dev/null &
    p2=$!
    e2e_bg "$p1"
    e2e_bg "$p2"
    sleep 0.05
    touch .go
    wait "$p1"; rc1=$?
    wait "$p2"; rc2=$?
    if [ "$rc1$rc2" = 00 ] && [ ! -s err.1 ] && [ ! -s err.2 ]; then pass "$1: both processes exited 0 quietly"; else
        fail "$1: exits $rc1 and $rc2: $(cat err.1 err.2 | head -5)"; fi
}
case_ "two ingest processes on one collection with overlapping folders"
for round in 1 2 3; do
    two_at_once "conc$round"
    canon_pg "conc$round" >"conc$round.txt"
    if cmp -s ref.txt "conc$round.txt"; then
        pass "round $round: the collection is exactly one run's"
    else
        fail "round $round: differs from one uninterrupted run: $(diff ref.txt "conc$round.txt" | head -5)"
    fi
done
# Both processes at once on the same folders, started from nothing.
start_together 3 "$STRATA" ingest --store "$URL" --collection race -q "${OPTS[@]}" corpus
canon_pg race >race.txt
if cmp -s ref.txt race.txt; then pass "three processes at once: exactly one run's"; else
    fail "three processes at once: $(diff ref.txt race.txt | head -5)"; fi
assert_eq 0 "$(pq "$URL" "$S SELECT count(*) - count(DISTINCT (collection_id, source)) FROM documents")" "no duplicate document"
stats_in_step "after concurrent writers"

# ---------------------------------------------------------------------------------------------
case_ "a writer waiting past its busy timeout names the holder"
# A session holding the collection's lock (its row of write_locks, locked as strata's writers lock
# it; here from a session kept open by a psql process reading from a pipe).
mkfifo hold.fifo
psql "$URL" -X -q -v ON_ERROR_STOP=1 <hold.fifo >hold.out 2>&1 &
HOLD_PID=$!
e2e_bg "$HOLD_PID"
exec 7>hold.fifo
echo "SET application_name = 'the holder'; BEGIN;
INSERT INTO strata.write_locks VALUES ('ref') ON CONFLICT DO NOTHING;
SELECT 1 FROM strata.write_locks WHERE collection = 'ref' FOR UPDATE; SELECT 'locked';" >&7
for _ in $(seq 1 100); do grep -q locked hold.out && break; sleep 0.05; done
echo "changed" >>corpus/a/f0000.md
STRATA_BUSY_TIMEOUT=1 run "$STRATA" ingest --store "$URL" --collection ref -q "${OPTS[@]}" corpus/a
assert_eq 7 "$RC" "exit 7 (unavailable)"
expect_stderr_match "collection 'ref' is locked by another writer \(server pid [0-9]+, the holder, from 127\.0\.0\.1, in a transaction since [0-9T:-]+Z; waited 1\.00 s\)"
no_password_in_output
echo "ROLLBACK;" >&7
exec 7>&-
wait "$HOLD_PID"
expect_exit 0 -- "$STRATA" ingest --store "$URL" --collection ref -q "${OPTS[@]}" corpus/a
canon_pg ref >ref.txt  # the reference now has the edit
stats_in_step "after the lock wait"

# ---------------------------------------------------------------------------------------------
case_ "kill -9 of an ingest mid-way, then a rerun"
killed=0
for round in $(seq 1 "$ROUNDS"); do
    col="kill$round"
    ms=$((ref_ms * (15 + 15 * round) / 100))
    "$STRATA" ingest --store "$URL" --collection "$col" -q "${OPTS[@]}" corpus >/dev/null 2>&1 &
    pid=$!
    e2e_bg "$pid"
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null
    # What the killed run committed: whole documents only, each as the uninterrupted run has it.
    canon_pg "$col" >"$col.txt"
    partial=$(comm -23 "$col.txt" ref.txt | wc -l)
    note "round $round: $(wc -l <"$col.txt") of $FILES documents committed before the kill"
    assert_eq 0 "$partial" "round $round (killed after ${ms} ms, $(wc -l <"$col.txt") documents kept): no document in another state"
    stats_in_step "round $round killed"
    expect_exit 0 -- "$STRATA" ingest --store "$URL" --collection "$col" -q "${OPTS[@]}" corpus
    canon_pg "$col" >"$col.txt"
    if cmp -s ref.txt "$col.txt"; then pass "round $round: the rerun completes it"; else
        fail "round $round: after the rerun: $(diff ref.txt "$col.txt" | head -5)"; fi
    stats_in_step "round $round rerun"
done
note "$killed of $ROUNDS runs killed mid-way (the others had ended)"

# ---------------------------------------------------------------------------------------------
case_ "the server drops the writer's connection mid-ingest"
"$STRATA" ingest --store "$URL" --collection dropped -q "${OPTS[@]}" corpus >drop.out 2>drop.err &
pid=$!
e2e_bg "$pid"
dropped=""
for _ in $(seq 1 400); do
    dropped=$(pq "$SERVER_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                WHERE datname = 'kb' AND application_name LIKE 'strata writer%'" | head -1)
    [ "$dropped" = t ] && break
    sleep 0.01
done
wait "$pid"
RC=$?
if [ "$dropped" = t ]; then
    assert_eq 7 "$RC" "the ingest fails with exit 7 (unavailable)"
    if grep -Eq "postgres://postgres:\*\*\*@127\.0\.0\.1:[0-9]+/kb \(schema strata\): .*(lost the server|server closed the connection|terminating connection)" drop.err; then
        pass "the message names the server and what happened"
    else
        fail "the message: $(cat drop.err)"
    fi
    assert_false "no password in the message" grep -Fq -- "$PASSWORD" drop.err
    canon_pg dropped >dropped.txt
    assert_eq 0 "$(comm -23 dropped.txt ref.txt | wc -l)" "$(wc -l <dropped.txt) documents kept, each whole"
    stats_in_step "connection dropped"
    expect_exit 0 -- "$STRATA" ingest --store "$URL" --collection dropped -q "${OPTS[@]}" corpus
    canon_pg dropped >dropped.txt
    if cmp -s ref.txt dropped.txt; then pass "a rerun completes it"; else fail "after the rerun: $(diff ref.txt dropped.txt | head -5)"; fi
else
    note "the ingest ended before its connection could be dropped"
fi
assert_eq 0 "$(pq "$SERVER_URL" "SELECT count(*) FROM pg_stat_activity WHERE datname = 'kb' AND application_name LIKE 'strata%' AND state LIKE 'idle in transaction%'")" \
    "no session left inside a transaction"

e2e_finish
