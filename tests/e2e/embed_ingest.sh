#!/usr/bin/env bash
# `strata ingest` then `strata embed`, the way users run them: a folder is ingested and
# embedded against the test server; after a one-line change to one file and a re-ingest, only
# the chunks whose text changed reach the server, the rest come from the cache.
#
# Usage: bash tests/e2e/embed_ingest.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init embed_ingest "$@"
. "$(dirname "$0")/../servers/e2e_helpers.sh"

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

e2e_finish
