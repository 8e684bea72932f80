#!/usr/bin/env bash
# End-to-end tests of `strata search`: files ingested with metadata, `strata embed` with the
# local provider, then every mode (keyword without vectors, hybrid by default with them,
# vector, keyword), --json validated line by line, --explain, --where before ranking, plain lines
# in a pipe and a table on a terminal, colour rules, queries that look like FTS5 syntax, and the
# usage errors (empty query, bad --where, vector mode without vectors, unknown collection), and a
# question's pronouns left out of its terms.
#
# Usage: bash tests/e2e/search.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init search "$@"

export STRATA_STORE="$E2E_TMP/store.db"
S() { strata_t "$@"; }

# json_lines_check PY_EXPR: every stdout line parses as JSON and satisfies PY_EXPR (d = the line,
# i = its 0-based index, n = the number of lines); prints "ok" or the first failure.
json_lines_check() {
    printf '%s\n' "$OUT" | python3 -c '
import json, sys
lines = [l for l in sys.stdin.read().split("\n") if l]
n = len(lines)
for i, l in enumerate(lines):
    d = json.loads(l)
    if not eval(sys.argv[1]):
        print("line %d fails: %s" % (i, l)); sys.exit(0)
print("ok" if n else "no lines")
' "$1" 2>&1
}
expect_lines() { assert_eq ok "$(json_lines_check "$2")" "$1"; }

# A small corpus: two teams, markdown and text, one document with many matching lines.
mkdir -p docs/legal docs/ops
cat >docs/ops/rollback.md <<'EOF'
# Rolling back

To roll back a migration, run `strata migrate down`. Rolling back restores the previous schema.

## Connection pools

The connection pool keeps idle connections for later queries.
EOF
cat >docs/ops/cpp.txt <<'EOF'
C++ templates are expanded at compile time.
The C++ standard library relies on them: std::vector<T> is one.
EOF
cat >docs/ops/baking.md <<'EOF'
# Bread

Bake the bread at a high temperature until the crust is golden brown.
Whisk the eggs with sugar, then fold in the flour.
EOF
cat >docs/legal/retention.md <<'EOF'
# Retention policy

Records are kept for seven years, then deleted. The retention policy covers e-mail and backups.
EOF
cat >docs/legal/privacy.md <<'EOF'
# Privacy

Personal data is deleted on request. Backups expire after ninety days under the retention rules.
EOF

# ---------------------------------------------------------------------------------------------
case_ "help lists every option"
expect_exit 0 -- "$STRATA" search --help
for opt in QUERY --store --collection --mode -k --where --vector-weight --title-cap --base-url --api-key-env --json --explain --quiet --color; do
    printf '%s\n' "$OUT" | grep -q -- "$opt" || fail "--help does not list $opt"
done

# ---------------------------------------------------------------------------------------------
case_ "no store, no collection"
expect_exit 7 -- "$STRATA" search anything
expect_error_line 'no store at'
expect_exit 0 -- S ingest docs/ops --meta team=ops -q
expect_exit 0 -- S ingest docs/legal --meta team=legal --meta year=2024 -q
expect_exit 3 -- S search anything --collection nope
expect_error_line "no collection named 'nope'"
expect_stderr_match 'hint: collections in this store: default'

# ---------------------------------------------------------------------------------------------
case_ "usage errors exit 2 with a clear message"
expect_exit 2 -- S search ""
expect_error_line 'the query is empty'
expect_exit 2 -- S search "   "
expect_error_line 'the query is empty'
expect_exit 2 -- S search
expect_exit 2 -- S search x --where team
expect_error_line "--where 'team': expected KEY=VALUE"
expect_exit 2 -- S search x --where =legal
expect_error_line "--where '=legal': the key is empty; expected KEY=VALUE"
expect_exit 2 -- S search x --mode fuzzy
expect_exit 2 -- S search x -k 0
expect_error_line "-k must be a whole number from 1 to 1000 \\(got '0'\\)"
expect_exit 2 -- S search x -k 1001
expect_error_line "-k must be a whole number from 1 to 1000 \\(got '1001'\\)"
expect_exit 2 -- S search x --mode vector
expect_error_line "collection 'default' has no vectors"
expect_stderr_match 'hint: .*strata embed --collection default'
expect_exit 2 -- S search x --mode hybrid
for w in -0.5 1.01 abc '' 0.5x nan inf 1e-1; do
    expect_exit 2 -- S search x --vector-weight "$w"
    expect_error_line "--vector-weight must be a number from 0 to 1 \\(got '$w'\\)"
done

# ---------------------------------------------------------------------------------------------
case_ "keyword mode is the default without vectors"
expect_exit 0 -- S search roll back migrations
assert_eq "" "$ERR" "nothing on stderr in a pipe"
first=$(printf '%s\n' "$OUT" | head -n1)
assert_eq "1" "$(printf '%s' "$first" | cut -f1)" "plain lines: rank first"
case "$(printf '%s' "$first" | cut -f3)" in
    docs/ops/rollback.md:*) pass "the rollback page ranks first" ;;
    *) fail "first hit is not rollback.md: $first" ;;
esac
expect_exit 0 -- S search roll back migrations --json
expect_lines "keyword JSONL: fields, ranks, positive BM25 scores" \
    'd["rank"] == i + 1 and isinstance(d["id"], int) and isinstance(d["document"], int) and d["score"] > 0 and len(d["lines"]) == 2 and "\n" not in d["snippet"] and "keyword" not in d and "page" not in d and d["title"] is not None'
expect_exit 0 -- S search rolled --json -k 1
expect_json_true "porter stemming: 'rolled' finds 'Rolling back'" '"Rolling back" in d["snippet"] or "roll back" in d["snippet"]'

# ---------------------------------------------------------------------------------------------
case_ "the table fits the terminal"
# table_width COLS CMD...: CMD's stdout on a terminal COLS wide; prints the widest line's
# columns (wide characters two), the line count, and whether a cell was cut (True/False).
table_width() {
    local cols=$1
    shift
    NO_COLOR=1 COLUMNS='' on_pty stdout "$cols" /dev/null "$@" | python3 -c '
import sys, unicodedata
text = sys.stdin.buffer.read().decode("utf-8", "replace").replace("\r", "")
lines = [l for l in text.split("\n") if l]
def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line)
print(max(map(width, lines)), len(lines), "\u2026" in text)'
}
for cols in 40 60 100; do
    read -r widest lines cut <<<"$(table_width $cols "$STRATA" search connection pool idle queries bread --mode keyword)"
    assert_true "at $cols columns the widest line has $widest" [ "$widest" -le "$cols" ]
    assert_true "at $cols columns: a header and hits ($lines lines)" [ "$lines" -ge 3 ]
done
read -r widest lines cut <<<"$(table_width 40 "$STRATA" search connection pool idle queries bread --mode keyword)"
assert_eq True "$cut" "a snippet cut to fit ends with …"

# ---------------------------------------------------------------------------------------------
case_ "queries that look like FTS5 syntax never fail"
for q in 'C++' '"' 'AND' '-' ':' '(' ')' 'NEAR' 'NEAR(a b)' 'a OR' 'text:bread' '*' '^x' "$(printf 'ctl\001\033[31m')" \
    "$(printf 'bad \377\376 utf8')" "'; DROP TABLE chunks; --"; do
    run S search "$q" --mode keyword
    assert_eq 0 "$RC" "keyword search for [$q] exits 0"
done
expect_exit 0 -- S search 'C++' --json -k 1
expect_json_true "C++ finds the C++ file" 'd["source"] == "docs/ops/cpp.txt"'

# ---------------------------------------------------------------------------------------------
case_ "--where applies before ranking"
expect_exit 0 -- S search deleted backups retention --where team=legal --json
expect_lines "only legal documents" 'd["source"].startswith("docs/legal/")'
assert_eq 2 "$(printf '%s\n' "$OUT" | grep -c .)" "both legal documents"
expect_exit 0 -- S search bread --where team=legal --json
assert_eq "" "$OUT" "a filter that excludes every match: no hits"
expect_stderr_match "no hits for 'bread'"
expect_exit 0 -- S search retention --where team=legal --where year=2024 --where source=docs/legal/privacy.md --json
expect_lines "ANDed filters, built-in source field" 'd["source"] == "docs/legal/privacy.md" and n == 1'
expect_exit 0 -- S search deleted backups retention --where 'source^=docs/legal/' --json
expect_lines "source^=: a folder's documents" 'd["source"].startswith("docs/legal/")'
assert_eq 2 "$(printf '%s\n' "$OUT" | grep -c .)" "both legal documents by prefix"
expect_exit 0 -- S search C++ --where 'source~*.txt' --json
expect_lines "source~: a glob over the source" 'd["source"].endswith(".txt")'
expect_exit 0 -- S search retention --where 'team^=leg' --json
expect_lines "^= on a metadata value" 'd["source"].startswith("docs/legal/")'
expect_exit 0 -- S search retention --where 'source^=docs/%' --json
assert_eq "" "$OUT" "a prefix is literal: % is not a wildcard"
expect_stderr_match "^strata: warning: no document of collection 'default' passes --where source\^=docs/%$"
expect_exit 0 -- S search bread --where team=nobody --where 'source~*.md' --json
assert_eq "" "$OUT" "no document passes"
expect_stderr_match "^strata: warning: no document of collection 'default' passes --where team=nobody --where source~\*\.md$"
expect_stderr_nomatch "no hits for"
expect_exit 2 -- S search x --where 'team'
expect_error_line "--where 'team': expected KEY=VALUE, KEY\^=PREFIX or KEY~GLOB"

# ---------------------------------------------------------------------------------------------
case_ "embed, then hybrid by default"
expect_exit 0 -- S embed -q
expect_exit 0 -- S search golden crust bread --explain --json
expect_lines "hybrid JSONL with both list positions; the vector list of a built-in model weighs 0.03" \
    '"keyword" in d and "vector" in d and (d["keyword"] is not None or d["vector"] is not None) and abs(d["score"] - sum(w / (60 + p["rank"]) for w, p in ((1.0, d["keyword"]), (0.03, d["vector"])) if p)) < 1e-9'
expect_json_true_first() { OUT=$(printf '%s\n' "$OUT" | head -n1) expect_json_true "$@"; }
expect_json_true_first "hybrid: the bread page first, in both lists" \
    'd["source"] == "docs/ops/baking.md" and d["keyword"]["rank"] == 1 and d["vector"]["rank"] == 1'
expect_stderr_match '^hybrid search: [0-9]+ hits? in [0-9.]+ ms \(keyword .*, load .*, embed .*, vector .*\) · local hash-ngram-v2 · vector weight 0\.03$'
expect_exit 0 -- S search golden crust bread --explain --json --vector-weight 1
expect_lines "--vector-weight 1: plain RRF, equal weights" \
    'abs(d["score"] - sum(1.0 / (60 + p["rank"]) for p in (d["keyword"], d["vector"]) if p)) < 1e-9'
expect_stderr_match ' · vector weight 1\.00$'
# [search] vector_weight stands where the flag would; the flag still wins; out of range names the file.
printf '[search]\nvector_weight = 0.5\n' >strata.toml
expect_exit 0 -- S search golden crust bread --json --explain
expect_stderr_match ' · vector weight 0\.50$'
expect_exit 0 -- S search golden crust bread --json --explain --vector-weight 1
expect_stderr_match ' · vector weight 1\.00$'
printf '[search]\nvector_weight = 1.5\n' >strata.toml
expect_exit 2 -- S search golden crust bread
expect_stderr_match "^strata: error: .*/strata\.toml:2: search\.vector_weight must be from 0 to 1 \(got 1\.5\)$"
rm strata.toml

# The title cap, in a store of its own: a long title holding the word (and the word twice in
# its text) ranks first uncapped; capped at 1 the one-word title is the label and ranks first.
filler=$(printf 'word%d ' $(seq 1 40))
{
    printf '{"id": "long", "title": "UTF-8 and other encodings of text files on disk", "text": "files are read in one of these encodings; encodings are named"}\n'
    printf '{"id": "short", "title": "Encodings", "text": "see the list"}\n'
    for i in 1 2 3; do printf '{"id": "f%s", "title": "", "text": "%s"}\n' "$i" "$filler"; done
} >titles.jsonl
expect_exit 0 -- S ingest --jsonl titles.jsonl --store "$E2E_TMP/titles.db" -q
first() { printf '%s\n' "$OUT" | head -n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])'; }
expect_exit 0 -- S search encodings --store "$E2E_TMP/titles.db" --mode keyword --json
assert_eq long "$(first)" "no cap: the long title weighs 3 beside two hits in the text"
expect_exit 0 -- S search encodings --store "$E2E_TMP/titles.db" --mode keyword --json --title-cap 10
assert_eq long "$(first)" "--title-cap 10: a title of 10 terms keeps its weight"
expect_exit 0 -- S search encodings --store "$E2E_TMP/titles.db" --mode keyword --json --title-cap 1 --explain
assert_eq short "$(first)" "--title-cap 1: the one-word title is the label"
expect_stderr_match '^keyword search: .* · title cap 1$'
printf '[search]\ntitle_cap = 1\n' >strata.toml
expect_exit 0 -- S search encodings --store "$E2E_TMP/titles.db" --mode keyword --json
assert_eq short "$(first)" "[search] title_cap stands where the flag would"
expect_exit 0 -- S search encodings --store "$E2E_TMP/titles.db" --mode keyword --json --title-cap 0
assert_eq long "$(first)" "--title-cap 0 wins over the setting"
printf '[search]\ntitle_cap = 1001\n' >strata.toml
expect_exit 2 -- S search rolling back
expect_stderr_match "^strata: error: .*/strata\.toml:2: search\.title_cap must be a whole number from 0 to 1000 \(got '1001'\)$"
rm strata.toml
for n in -1 1001 x 1.5; do
    expect_exit 2 -- S search x --title-cap "$n"
    expect_error_line "--title-cap must be a whole number from 0 to 1000 \\(got '$n'\\)"
done
expect_exit 0 -- S search golden bread connection pool --mode keyword --json -k 5
ids() { printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin if l.strip() and json.loads(l).get("keyword", 1)))'; }
keyword_order=$(ids)
expect_exit 0 -- S search golden bread connection pool --json -k 5 --vector-weight 0 --explain
assert_eq "$keyword_order" "$(ids)" "--vector-weight 0: the keyword hits in the keyword order"
expect_lines "--vector-weight 0: keyword hits first, scored by keyword rank alone; vector positions still shown" \
    '"vector" in d and (abs(d["score"] - 1.0 / (60 + d["keyword"]["rank"])) < 1e-9 if d["keyword"] else d["score"] == 0 and d["vector"])'
expect_exit 0 -- S search golden crust bread
assert_eq "" "$ERR" "no --explain: stderr stays empty in a pipe"
expect_exit 0 -- S search golden crust bread --explain
expect_stdout_match $'^1\t0\\.[0-9]{4}\tdocs/ops/baking\\.md:[0-9]+(-[0-9]+)?\tkeyword #1 [0-9.]+\tvector #1 0\\.[0-9]{4}\t'

# ---------------------------------------------------------------------------------------------
case_ "vector and keyword modes on an embedded collection"
expect_exit 0 -- S search connection pool idle --mode vector --json --explain -k 3
expect_lines "vector JSONL: cosine scores, vector positions only" \
    'd["keyword"] is None and d["vector"]["rank"] == i + 1 and -1 <= d["score"] <= 1 and n == 3'
expect_json_true_first "vector: the connection pool chunk first" '"connection pool" in d["snippet"]'
expect_exit 0 -- S search retention --mode vector --where team=legal -k 5 --json
expect_lines "vector --where: only legal chunks, before ranking" 'd["source"].startswith("docs/legal/")'
expect_exit 0 -- S search connection pool --mode keyword --explain --json
expect_lines "keyword --explain: keyword positions only" 'd["vector"] is None and d["keyword"]["rank"] == i + 1'
expect_exit 0 -- S search 'C++' --mode vector -k 2
assert_eq 2 "$(printf '%s\n' "$OUT" | grep -c .)" "-k 2 gives two lines"

# ---------------------------------------------------------------------------------------------
case_ "a new document is found after embed (no stale vectors)"
printf 'Sourdough starter needs feeding every day.\n' >docs/ops/sourdough.md
expect_exit 0 -- S ingest docs/ops --meta team=ops -q
expect_exit 0 -- S embed -q
expect_exit 0 -- S search sourdough starter feeding --mode vector --json -k 1
expect_json_true "the new document ranks first by vector" 'd["source"] == "docs/ops/sourdough.md"'

# ---------------------------------------------------------------------------------------------
case_ "a terminal gets a table; colour follows NO_COLOR and --color"
on_tty() {
    python3 - "$@" <<'PY'
import os, pty, sys
out = b""
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
run on_tty "$STRATA" search golden crust bread -k 3
assert_eq 0 "$RC" "table on a terminal exits 0"
expect_stdout_match '^#  SCORE +SOURCE +SNIPPET'
expect_stdout_match '^1  0\.[0-9]{4} +docs/ops/baking\.md:'
expect_stdout_match 'hybrid search: 3 hits'
expect_stdout_nomatch $'\x1b\\['
run on_tty env -u NO_COLOR "$STRATA" search golden crust bread -k 3
expect_stdout_match $'\x1b\\[1m'
run on_tty env -u NO_COLOR "$STRATA" search golden crust bread -k 3 --color never
expect_stdout_nomatch $'\x1b\\['
run on_tty "$STRATA" search golden crust bread -k 3 --explain
expect_stdout_match '^#  SCORE +SOURCE +KEYWORD +VECTOR +SNIPPET'
run S search golden crust bread --color always
expect_stdout_nomatch $'\x1b\\[' "no colour in a pipe's plain lines"

# ---------------------------------------------------------------------------------------------
case_ "a collection embedded with hash-ngram-v1 keeps it"
expect_exit 0 -- S ingest docs/ops --collection old -q
expect_exit 0 -- S embed --collection old --model hash-ngram-v1 -q
assert_eq "local|hash-ngram-v1|384" "$(db_q "$STRATA_STORE" "SELECT embedding_provider, embedding_model, embedding_dimensions FROM collections WHERE name = 'old'")" \
    "the collection records hash-ngram-v1"
printf 'Rye bread keeps for a week.\n' >docs/ops/rye.md
expect_exit 0 -- S ingest docs/ops --collection old -q
expect_exit 0 -- S embed --collection old -q
assert_eq "hash-ngram-v1" "$(db_q "$STRATA_STORE" "SELECT embedding_model FROM collections WHERE name = 'old'")" \
    "embed without --model keeps the recorded model"
expect_exit 0 -- S search rye bread --collection old --explain --json -k 1
expect_json_true "queries embedded with v1 find the v1 vectors" 'd["source"] == "docs/ops/rye.md" and d["vector"]["rank"] == 1'
expect_stderr_match ' · local hash-ngram-v1 · vector weight'
rm docs/ops/rye.md

# ---------------------------------------------------------------------------------------------
case_ "another collection, quiet"
expect_exit 0 -- S ingest docs/legal --collection legal -q
expect_exit 0 -- S search policy --collection legal --json
expect_lines "the legal collection's own documents" 'd["source"].startswith("docs/legal/")'
expect_exit 0 -- S search zzzunknownword --collection legal -q
expect_stdout_empty
expect_stderr_empty

# ---------------------------------------------------------------------------------------------
case_ "a collection ranks the same alone and beside others"
# legal, ingested alone into a store of its own, against the shared store where it sits beside
# default and old: the same hits, lines and scores for every query.
expect_exit 0 -- "$STRATA" ingest docs/legal --collection legal -q --store alone.db
for q in "policy" "retention rules backups" "personal data deleted on request"; do
    expect_exit 0 -- S search "$q" --collection legal --mode keyword --json
    shared=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([(d["source"], d["lines"], d["score"]) for d in (json.loads(l) for l in sys.stdin if l.strip())])')
    expect_exit 0 -- "$STRATA" search "$q" --collection legal --mode keyword --json --store alone.db
    alone=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([(d["source"], d["lines"], d["score"]) for d in (json.loads(l) for l in sys.stdin if l.strip())])')
    assert_ne "[]" "$alone" "[$q] has hits"
    assert_eq "$alone" "$shared" "[$q]: the same hits and scores in both stores"
done
# The collection's token in the index (c and its id) is not a word of any chunk.
expect_exit 0 -- S search c1 c2 c3 c4 scope --collection legal --mode keyword --json
expect_stdout_empty
assert_eq "$(db_q alone.db "SELECT count(*) FROM chunks")" \
    "$(db_q "$STRATA_STORE" "SELECT chunk_count FROM keyword_stats k JOIN collections c ON c.id = k.collection_id WHERE c.name = 'legal'")" \
    "the shared store keeps legal's chunk count"

case_ "the vector snapshot: a store restored from a backup, and damaged vectors, are never searched stale"
mkdir -p snap/a snap/b snap/c
printf '# Alpha\n\nAlpha documents about rollbacks.\n' >snap/a/alpha.md
printf '# Bravo\n\nBravo covers checksum drift.\n' >snap/b/bravo.md
printf '# Zulu\n\nZulu explains quokka habitats.\n' >snap/c/zulu.md
SN=(--store snap.db --collection k)
expect_exit 0 -- S ingest "${SN[@]}" snap/a
expect_exit 0 -- S embed "${SN[@]}" -q
expect_exit 0 -- S search "${SN[@]}" --mode vector -q rollbacks
cp snap.db backup.db
expect_exit 0 -- S ingest "${SN[@]}" snap/b
expect_exit 0 -- S embed "${SN[@]}" -q
expect_exit 0 -- S search "${SN[@]}" --mode vector -q drift
snapshot=$(ls snap.db.vectors/*.bin)
assert_exists "$snapshot"
# Restore the backup, then add as many vectors as the lost document had: a counter would be back
# where the snapshot was written.
rm -f snap.db-wal snap.db-shm
cp backup.db snap.db
expect_exit 0 -- S ingest "${SN[@]}" snap/c
expect_exit 0 -- S embed "${SN[@]}" -q
expect_exit 0 -- S search "${SN[@]}" --mode vector --json -k 1 quokka habitats
expect_json_true "the restored store's own documents are searched (not the snapshot of the lost one)" \
    "d['source'] == 'snap/c/zulu.md'"
run bash -c "'$STRATA' search --store snap.db --collection k --mode vector --json -k 3 quokka | python3 -c 'import json,sys; print(sorted(json.loads(l)[\"source\"] for l in sys.stdin))'"
assert_eq "['snap/a/alpha.md', 'snap/c/zulu.md']" "$OUT" "exactly the restored store's documents"
# Damage the snapshot's vectors (the section its checksum leaves out): NaN everywhere.
python3 - "$snapshot" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
offset, size = struct.unpack_from("<QQ", data, 72 + 16 * 2)
data[offset:offset + size] = b"\xff" * size
open(path, "wb").write(data)
PY
before=$(sha256sum "$snapshot" | cut -c1-16)
run bash -c "'$STRATA' search --store snap.db --collection k --mode vector --json -k 3 quokka | python3 -c 'import json,math,sys; print(all(isinstance(json.loads(l)[\"score\"], float) and math.isfinite(json.loads(l)[\"score\"]) for l in sys.stdin))'"
assert_eq True "$OUT" "every score is a number: the damaged snapshot was not searched"
assert_ne "$before" "$(sha256sum "$snapshot" | cut -c1-16)" "and it was rebuilt"
expect_exit 0 -- S search "${SN[@]}" --mode vector --json -k 1 quokka habitats
expect_json_true "the rebuilt snapshot ranks as the store does" "d['source'] == 'snap/c/zulu.md'"

# ---------------------------------------------------------------------------------------------
case_ "a question's pronouns are not searched for, unless it holds nothing else"
mkdir -p pron
printf 'I wrote my notes. I keep my notes with me, and you read your notes and mine.\n' >pron/diary.md
printf 'To roll back the changes, run the down migration: changes roll back in one transaction.\n' >pron/rollback.md
PRON=(--store pron.db --collection p)
expect_exit 0 -- S ingest pron "${PRON[@]}" -q --no-embed
expect_exit 0 -- S search "${PRON[@]}" --mode keyword --json how do I roll back my changes
expect_lines "only the page about rolling back: 'I' and 'my' match nothing" 'n == 1 and d["source"] == "pron/rollback.md"'
expect_exit 0 -- S search "${PRON[@]}" --mode keyword --json I my you
expect_lines "a query of pronouns alone still searches for them" 'n == 1 and d["source"] == "pron/diary.md"'

e2e_finish
