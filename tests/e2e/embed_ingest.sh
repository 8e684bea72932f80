#!/usr/bin/env bash
# `strata ingest` then `strata embed`, the way users run them: a folder is ingested and
# embedded against the test server; after a one-line change to one file and a re-ingest, only
# the chunks whose text changed reach the server, the rest come from the cache.
#
# Then ingest keeping every chunk searchable by vector: the built-in model's collections get
# their new chunks embedded in the same run (also after --rechunk), a server model's wait for
# `strata embed` (one line says how many) unless `--embed` or `[ingest] embed = true`; a server
# that is down or answers garbage leaves the documents ingested (exit 8, one error line) and a
# later `strata embed` finishes; `search` warns when part of the collection has no vector and
# `collections` shows vectors/chunks and the model.
#
# Usage: bash tests/e2e/embed_ingest.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init embed_ingest "$@"
. "$(dirname "$0")/../servers/e2e_helpers.sh"
# No user configuration file but the ones the cases write.
export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config"
unset OPENAI_BASE_URL STRATA_STORE

if ! "$STRATA" ingest --help >/dev/null 2>&1; then
    skip "this strata has no ingest command"
    e2e_finish
fi
start_server

# Three documents of six paragraphs each, about 600 characters a paragraph, so that every
# paragraph is a chunk of its own at the default size (1000 characters).
mkdir -p docs
python3 - <<'PY'
import random
random.seed(11)
words = "schema migration rollback sqlite index table column chunk vector embedding cache batch retry server".split()
for f in range(3):
    paras = []
    for p in range(6):
        line = " ".join(random.choice(words) for _ in range(85))
        paras.append("Paragraph %d of file %d. %s." % (p, f, line.capitalize()))
    open("docs/file%d.md" % f, "w").write("\n\n".join(paras) + "\n")
PY
srv() { strata_t embed --base-url "$URL" --model test-model "$@"; }

case_ "ingest a folder, embed it"
expect_exit 0 -- "$STRATA" ingest -q docs/
chunks=$(db_q_rw .strata/store.db "SELECT count(*) FROM chunks")
assert_true "several chunks per file ($chunks)" test "$chunks" -ge 12
run srv
assert_eq 0 "$RC" "embed exits 0"
assert_eq "$chunks" "$(inputs_sent)" "every chunk sent once"
assert_eq "$chunks" "$(db_q_rw .strata/store.db "SELECT count(*) FROM embeddings")" "every chunk has a vector"

case_ "change one line, re-ingest, embed again"
sed -i 's/^Paragraph 3 of file 1\./Paragraph 3 of file 1, edited./' docs/file1.md
expect_exit 0 -- "$STRATA" ingest -q docs/
server_reset
run srv --json
assert_eq 0 "$RC" "embed exits 0"
assert_eq 1 "$(inputs_sent)" "only the changed chunk reached the server"
assert_eq True "$(server_log '"edited" in reqs[0]["inputs"][0]')" "and it is the edited paragraph"
expect_json_true "the rest of the re-ingested file came from the cache" 'd["embedded"] == 1 and d["cached"] >= 1'
assert_eq "$chunks" "$(db_q_rw .strata/store.db "SELECT count(*) FROM embeddings")" "every chunk has a vector again"
server_reset
run srv
assert_eq 0 "$(requests_made)" "a third run has nothing to do"

# ---------------------------------------------------------------------------------------------
# Vectors at ingest time

# more_docs DIR N: adds file N (four paragraphs) to DIR.
more_docs() {
    mkdir -p "$1"
    for p in 0 1 2 3; do
        printf 'Paragraph %s of extra file %s about rolling back migrations, vectors and chunks. %s\n\n' \
            "$p" "$2" "$(printf 'word%s ' $(seq 1 120))"
    done >"$1/extra$2.md"
}
count() { db_q_rw "$1" "SELECT count(*) FROM ${2:-embeddings}"; }
chunks_of() { db_q_rw "$1" "SELECT count(*) FROM chunks"; }

case_ "built-in model: ingest --embed embeds a new collection in the same run"
mkdir -p local && cp -r docs local/ && cd local || exit 2
run strata_t ingest --embed docs/
assert_eq 0 "$RC" "ingest --embed exits 0"
n=$(chunks_of .strata/store.db)
assert_eq "$n" "$(count .strata/store.db)" "every chunk has a vector"
expect_stderr_match "^embedded $n chunks \(0 from cache\), 0 failed; .* · collection 'default', local hash-ngram-v2 \(384 dimensions\)\$"
assert_eq 0 "$(requests_made)" "the built-in model sends nothing anywhere"

case_ "built-in model: a plain ingest embeds what it adds, at once"
more_docs docs 1
run strata_t ingest docs/ --json
assert_eq 0 "$RC" "ingest exits 0"
new=$(( $(chunks_of .strata/store.db) - n ))
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "the new file's chunks have vectors too"
expect_json_true "--json: vectors embedded, none waiting" \
    "d['vectors']['outcome'] == 'embedded' and d['vectors']['waiting'] == 0 and d['vectors']['embedded'] + d['vectors']['cached'] == $new and d['vectors']['model'] == 'hash-ngram-v2'"
expect_stderr_empty
run strata_t ingest docs/
assert_eq 0 "$RC" "a run with nothing new exits 0"
expect_stderr_nomatch '^embedded'

case_ "built-in model: --rechunk keeps the collection searchable by vector"
run strata_t ingest --rechunk --size 300 docs/
assert_eq 0 "$RC" "--rechunk exits 0"
assert_ne "$n" "$(chunks_of .strata/store.db)" "the collection was re-chunked"
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "every new chunk has a vector"
run strata_t search rolling back migrations --mode vector
assert_eq 0 "$RC" "vector search exits 0"
expect_stderr_nomatch 'no vector'

case_ "--no-embed: one line says how many chunks wait; search and collections say so"
more_docs docs 2
run strata_t ingest --no-embed docs/
assert_eq 0 "$RC" "--no-embed exits 0"
total=$(chunks_of .strata/store.db)
waiting=$(( total - $(count .strata/store.db) ))
assert_true "the new file's chunks have no vector ($waiting)" test "$waiting" -gt 0
expect_stderr_match "^$waiting chunks of collection 'default' wait for a vector from local hash-ngram-v2 \(384 dimensions\): strata embed --collection default\$"
run strata_t search rolling back migrations
assert_eq 0 "$RC" "hybrid search exits 0"
expect_stderr_match "^strata: warning: $waiting of $total chunks of collection 'default' \([0-9.]+%\) have no vector, so hybrid search finds them by keyword only: strata embed --collection default\$"
assert_eq 1 "$(grep -c 'no vector' "$E2E_TMP/.err")" "one warning line"
run strata_t search rolling back migrations --mode vector --json
expect_stderr_match "vector search cannot find them"
expect_stdout_match '"rank":1'
run strata_t search rolling back migrations --mode keyword
expect_stderr_nomatch 'no vector'
run strata_t collections --json
expect_json_true "collections --json: embedded/chunks and the model" \
    "d['embedded'] == $total - $waiting and d['chunks'] == $total and d['embedding'] == {'provider': 'local', 'model': 'hash-ngram-v2', 'dimensions': 384, 'server': None}"
run strata_t collections
expect_stdout_match "^COLLECTION +DOCUMENTS +CHUNKS +VECTORS +SIZE +CHUNKING +MODEL +LAST INGESTED"
expect_stdout_match "^default +[0-9]+ +$total +$((total - waiting))/$total .* local hash-ngram-v2 "
run strata_t ingest docs/
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "the next plain ingest embeds the waiting chunks"
run strata_t search rolling back migrations
expect_stderr_nomatch 'no vector'
cd "$E2E_TMP" || exit 2

case_ "server model: new chunks wait for strata embed, nothing is sent"
mkdir -p srv && cp -r docs srv/ && cd srv || exit 2
expect_exit 0 -- "$STRATA" ingest -q docs/
run srv
assert_eq 0 "$RC" "embed exits 0"
more_docs docs 1
server_reset
run strata_t ingest docs/
assert_eq 0 "$RC" "ingest exits 0"
assert_eq 0 "$(requests_made)" "no request without --embed"
expect_stderr_match "^4 chunks of collection 'default' wait for a vector from openai test-model \(8 dimensions\): strata embed --collection default, or ingest with --embed\$"
assert_eq 1 "$(grep -c 'wait for' "$E2E_TMP/.err")" "one line"
run strata_t ingest docs/ --json -q
expect_json_true "--json: the waiting count" 'd["vectors"]["outcome"] == "waiting" and d["vectors"]["waiting"] == 4 and d["vectors"]["provider"] == "openai"'

case_ "server model: ingest --embed sends only the new chunks"
more_docs docs 2
server_reset
run strata_t ingest --embed --base-url "$URL" docs/
assert_eq 0 "$RC" "ingest --embed exits 0"
assert_eq 8 "$(inputs_sent)" "the eight chunks without a vector were sent, nothing else"
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "every chunk has a vector"
expect_stderr_match "· collection 'default', openai test-model \(8 dimensions\)\$"

case_ "server model: [ingest] embed = true in strata.toml does it too"
printf '[ingest]\nembed = true\n\n[embed]\nbase_url = "%s"\n' "$URL" >strata.toml
strata_t trust >/dev/null  # a project naming the embedding server: the user trusts it
more_docs docs 3
server_reset
run strata_t ingest docs/ -q
assert_eq 0 "$RC" "ingest exits 0"
assert_eq 4 "$(inputs_sent)" "the new file's chunks were sent"
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "every chunk has a vector"
more_docs docs 4
server_reset
run strata_t ingest --no-embed docs/ -q
assert_eq 0 "$(requests_made)" "--no-embed wins over the setting"
# New collections go to a store of their own, so that the counts below stay those of 'default'.
run strata_t ingest docs/ -q --store other.db --collection fresh
assert_eq 0 "$RC" "a new collection: exit 0"
assert_eq 0 "$(requests_made)" "a project file's setting does not choose a model for a new collection"
run strata_t ingest docs/ --store other.db --collection fresh
expect_stderr_match "strata.toml:2: ingest.embed does not choose a model for collection 'fresh', which has none: strata embed --collection fresh does"
rm strata.toml
mkdir -p "$XDG_CONFIG_HOME/strata"
printf '[ingest]\nembed = true\n' >"$XDG_CONFIG_HOME/strata/config.toml"
run strata_t ingest docs/ -q --store other.db --collection mine
assert_eq 0 "$RC" "the user's own setting: exit 0"
assert_eq "$(db_q_rw other.db "SELECT embedding_model FROM collections WHERE name = 'mine'")" hash-ngram-v2 \
    "the user's own file may choose a model (the built-in one by default)"
rm "$XDG_CONFIG_HOME/strata/config.toml"

case_ "server down during ingest --embed: documents in, exit 8, one line; strata embed finishes"
more_docs docs 5
docs_before=$(count .strata/store.db documents)
run strata_t ingest --embed --base-url http://127.0.0.1:1/v1 --max-retries 0 docs/
assert_eq 8 "$RC" "exit 8: the documents are in, their vectors are not"
assert_eq $((docs_before + 1)) "$(count .strata/store.db documents)" "the new document was committed"
assert_eq 1 "$(grep -c '^strata: error: ' "$E2E_TMP/.err")" "one error line"
expect_stderr_match "^strata: error: vectors: .*; 8 chunks of collection 'default' wait for strata embed --collection default \(the documents are ingested\)\$"
run strata_t ingest --embed --base-url http://127.0.0.1:1/v1 --max-retries 0 docs/ --json -q
assert_eq 8 "$RC" "again, with --json: exit 8"
expect_json_true "--json: failed, with the error and the count" \
    'd["vectors"]["outcome"] == "failed" and d["vectors"]["waiting"] == 8 and d["vectors"]["error"] and d["documents"]["unchanged"] > 0'
server_reset
run srv
assert_eq 0 "$RC" "strata embed exits 0"
assert_eq 8 "$(inputs_sent)" "strata embed sent the eight waiting chunks"
assert_eq "$(chunks_of .strata/store.db)" "$(count .strata/store.db)" "every chunk has a vector"

case_ "server answers garbage during ingest --embed: exit 8, documents in"
more_docs docs 6
server_reset
server_config '{"always": {"fault": "malformed"}}'
run strata_t ingest --embed --base-url "$URL" --max-retries 1 docs/
assert_eq 8 "$RC" "exit 8"
assert_eq 2 "$(requests_made)" "one attempt and one retry"
assert_eq 1 "$(grep -c '^strata: error: ' "$E2E_TMP/.err")" "one error line"
expect_stderr_match "^strata: error: vectors: .*invalid response.*; 4 chunks of collection 'default' wait for strata embed"
assert_eq 1 "$(db_q_rw .strata/store.db "SELECT count(*) FROM documents WHERE source LIKE '%extra6.md'")" "the document is in"
server_reset

case_ "one chunk the server refuses: the rest are embedded, exit 8"
more_docs docs 7
sed -i 's/^Paragraph 2 of extra file 7/Paragraph 2 of extra file 7 POISON/' docs/extra7.md
server_config '{"bad_marker": "POISON"}'
run strata_t ingest --embed --base-url "$URL" --max-retries 0 docs/
assert_eq 8 "$RC" "exit 8"
expect_stderr_match '^strata: warning: not embedded: docs/extra7.md chunk 2: '
assert_eq 1 "$(grep -c '^strata: error: ' "$E2E_TMP/.err")" "one error line"
expect_stderr_match "^strata: error: vectors: 1 chunk was not embedded \(listed above\)"
assert_eq 1 "$(( $(chunks_of .strata/store.db) - $(count .strata/store.db) ))" "only the refused chunk has no vector"
server_reset
cd "$E2E_TMP" || exit 2

case_ "help and completions list the new flags"
run "$STRATA" ingest --help
for opt in --embed --no-embed --base-url --api-key-env --max-retries --timeout; do
    printf '%s\n' "$OUT" | grep -q -- "$opt" || fail "ingest --help does not list $opt"
done
expect_exit 2 -- "$STRATA" ingest --embed --no-embed docs/
expect_exit 2 -- "$STRATA" ingest --max-retries x docs/
expect_error_line '--max-retries'

e2e_finish
