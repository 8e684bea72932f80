#!/usr/bin/env bash
# strata search --mode keyword on a knowledge store on PostgreSQL (--store URL), against a server
# started for this test (tests/servers/pg_server.sh): the same documents ingested into a SQLite
# store and into the PostgreSQL store give the same --json hits (sources, ranks, scores, snippets)
# for queries with stemming, accents, CJK, repeated words, title-only words and stop words, with
# --where on every document field and on metadata (equals, prefix, glob; several at once; one that
# nothing passes), in a collection beside another; then the short form of the eval parity check
# (bench/store_parity.sh on ../shared/eval/med: nDCG@10 of both stores within 0.002) when the
# shared data is there.
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/store_postgres_search.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init store_postgres_search "$@"
ROOT=$(cd "$E2E_LIB_DIR/../.." && pwd)

start_test_pg
psql "$SERVER_URL" -X -q -c "CREATE DATABASE kb" >/dev/null
URL="$BASE/kb"
LITE="$E2E_TMP/store.db"

# --json hits without the ids (chunk and document ids are each store's own), keys sorted.
cat >"$E2E_TMP/norm.py" <<'PY'
import json, sys
for line in sys.stdin:
    line = line.strip()
    if line:
        hit = {k: v for k, v in json.loads(line).items() if k not in ("id", "document")}
        print(json.dumps(hit, sort_keys=True, ensure_ascii=False))
PY

# same_search DESCRIPTION ARGS...: `strata search --mode keyword --json ARGS` on both stores:
# the same exit code and the same hits, and at least one hit unless the case says NOHITS.
same_search() {
    local what=$1
    shift
    local want_hits=1
    if [ "$1" = NOHITS ]; then
        want_hits=0
        shift
    fi
    run "$STRATA" search --store "$LITE" --mode keyword --json "$@"
    local lite_rc=$RC
    printf '%s\n' "$OUT" | python3 "$E2E_TMP/norm.py" >lite.json
    run "$STRATA" search --store "$URL" --mode keyword --json "$@"
    no_password_in_output
    printf '%s\n' "$OUT" | python3 "$E2E_TMP/norm.py" >pg.json
    local hits
    hits=$(wc -l <pg.json)
    if [ "$RC" != "$lite_rc" ]; then
        fail "$what: PostgreSQL exit $RC, SQLite exit $lite_rc"
    elif ! cmp -s lite.json pg.json; then
        fail "$what: hits differ: $(diff lite.json pg.json | head -6)"
    elif [ "$want_hits" = 1 ] && [ "$hits" = 0 ]; then
        fail "$what: no hits on either store (the comparison says nothing)"
    elif [ "$want_hits" = 0 ] && [ "$hits" != 0 ]; then
        fail "$what: $hits hits where none were expected"
    else
        pass "$what: $hits hits, the same on both stores"
    fi
}

# ---------------------------------------------------------------------------------------------
case_ "setup: the same folder and JSONL ingested into both stores"
mkdir -p docs/guide docs/notes
cat >docs/guide/connections.md <<'EOF'
# Connection pooling

Connections are expensive: a pool keeps connected clients ready. Connecting again costs a
round trip; the pool's connections are reused. See the rollback section for transactions.
EOF
cat >docs/guide/rollback.md <<'EOF'
# Rollback and savepoints

A rollback undoes a transaction. Roll back to a savepoint to keep the work before it.
Rolling back twice is harmless. ROLLBACK rollback rollback.
EOF
cat >docs/guide/cafe.md <<'EOF'
# Café naïve résumé

The café in Zürich serves a naïve résumé of Ångström units: cafe, CAFÉ, Cafe.
EOF
cat >docs/notes/cjk.md <<'EOF'
# 依赖注入入门

什么是依赖注入系统？使用FastAPI的依赖注入。東京タワー 한국어를 배우다.
EOF
cat >docs/notes/zeppelin.txt <<'EOF'
Lighter than air travel, a history of the large rigid ships of the twentieth century.
EOF
for i in 1 2 3 4 5 6 7 8; do
    printf '# Index %s\n\nAn index makes a query fast; indexing costs writes. Index %s of the database.\n' "$i" "$i" >"docs/notes/index$i.md"
done
cat >records.jsonl <<'EOF'
{"id": "r1", "title": "Legal hold", "text": "Retention policy: documents under legal hold are kept.", "metadata": {"team": "legal", "tags": ["policy", "retention"], "n": 1.5, "draft": false}}
{"id": "r2", "title": "Retention of logs", "text": "Logs are kept for thirty days; the retention policy says so.", "metadata": {"team": "ops", "tags": ["logs"], "n": 2, "draft": true}}
{"id": "r3", "title": "Policy index", "text": "Every policy of the company, with its retention and its owner.", "metadata": {"team": "legal", "tags": ["policy"], "n": 1000.0, "owner": null}}
{"id": "r4", "title": "Engineering on-call", "text": "On-call engineers keep the database and the index healthy.", "metadata": {"team": "eng", "tags": ["oncall", 3], "n": -4}}
EOF
for store in "$LITE" "$URL"; do
    expect_exit 0 -- "$STRATA" ingest docs --store "$store" --collection docs --no-embed -q
    expect_exit 0 -- "$STRATA" ingest --jsonl records.jsonl --store "$store" --collection records --no-embed -q
done
no_password_in_output

# ---------------------------------------------------------------------------------------------
case_ "keyword hits equal SQLite's"
same_search "stemming" --collection docs -- connections connected
same_search "repeated word" --collection docs -- rollback rollback back
same_search "accents and case" --collection docs -- CAFÉ cafe naive resume
same_search "CJK" --collection docs -- 依赖注入
same_search "CJK clause" --collection docs -- 什么是依赖注入 東京
same_search "a word only in a title" --collection docs -- pooling
same_search "stop words only" --collection docs -- the of and
same_search "many copies tie" --collection docs -k 5 -- index database
same_search "one hit" --collection docs -k 1 -- savepoint
same_search "no word of it is there" NOHITS --collection docs -- xyzzy plugh
same_search "the other collection" --collection records -- retention policy
same_search "punctuation" --collection docs -- "don't panic: C++ (rollback)?"

# ---------------------------------------------------------------------------------------------
case_ "--where filters equal SQLite's"
same_search "source=" --collection docs --where source=docs/guide/rollback.md -- rollback
same_search "source^=" --collection docs --where 'source^=docs/notes/' -- index
same_search "source~ glob" --collection docs --where 'source~*.txt' -- travel history
same_search "source~ set" --collection docs --where 'source~docs/notes/index[1-3].md' -- index
same_search "title~" --collection docs --where 'title~*依赖*' -- 依赖注入
same_search "loader=" --collection docs --where loader=text -- air
same_search "path^=" --collection docs --where "path^=$E2E_TMP/docs/guide/" -- rollback connections
same_search "metadata =" --collection records --where team=legal -- retention policy
same_search "metadata array =" --collection records --where tags=policy -- policy
same_search "metadata number =" --collection records --where n=1.5 -- policy
same_search "metadata number as SQLite prints it" --collection records --where n=1000.0 -- policy
same_search "metadata number in an array" --collection records --where tags=3 -- database
same_search "metadata boolean" --collection records --where draft=true -- retention
same_search "metadata null" --collection records --where owner=null -- policy
same_search "metadata ^=" --collection records --where 'team^=le' -- policy
same_search "metadata ~" --collection records --where 'team~?ps' -- logs
same_search "two filters" --collection records --where team=legal --where tags=retention -- policy
same_search "nothing passes" NOHITS --collection records --where team=nobody -- policy
expect_stderr_match "no document of collection 'records' passes --where team=nobody"

# ---------------------------------------------------------------------------------------------
case_ "a collection's ranking is its own"
cat >more.jsonl <<'EOF'
{"id": "m1", "text": "policy policy policy retention"}
{"id": "m2", "text": "another policy"}
EOF
run "$STRATA" search --store "$URL" --collection records --mode keyword --json -- retention policy
before=$(printf '%s\n' "$OUT" | python3 "$E2E_TMP/norm.py")
for store in "$LITE" "$URL"; do
    expect_exit 0 -- "$STRATA" ingest --jsonl more.jsonl --store "$store" --collection more --no-embed -q
done
run "$STRATA" search --store "$URL" --collection records --mode keyword --json -- retention policy
after=$(printf '%s\n' "$OUT" | python3 "$E2E_TMP/norm.py")
assert_eq "$before" "$after" "another collection's documents leave this one's hits and scores as they were"
same_search "beside another collection" --collection more -- retention policy

# ---------------------------------------------------------------------------------------------
case_ "eval parity, short form: ../shared/eval/med"
EVAL=${STRATA_EVAL:-$ROOT/../shared/eval}
if [ -f "$EVAL/med/docs.jsonl" ]; then
    E2E_CMD_TIMEOUT=300 run env STRATA="$STRATA" EVAL="$EVAL" PG_URL="$SERVER_URL" INPROC=0 K=100 \
        bash "$ROOT/bench/store_parity.sh" med
    no_password_in_output
    if [ "$RC" = 0 ] && grep -Eq '^\| med \| 30 \|' "$E2E_TMP/.out" && grep -q 'within 0.002' "$E2E_TMP/.out"; then
        pass "med: $(grep -E '^\| med' "$E2E_TMP/.out")"
    else
        fail "store_parity.sh med: exit $RC"
    fi
else
    skip "no $EVAL/med (the shared data folder next to the repository)"
fi

e2e_finish
