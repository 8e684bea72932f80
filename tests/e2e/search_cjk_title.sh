#!/usr/bin/env bash
# End-to-end tests of keyword search over titles and over Chinese, Japanese and Korean text
# (store migration 0007): real pages of FastAPI's zh/ja/ko documentation (tests/e2e/data/cjk,
# see its SOURCE.md) found by queries written without spaces, JSONL records found by their
# title (one of them with no text at all), a title weighed above the same word in the text,
# and the title in what the embedder is given.
#
# Usage: bash tests/e2e/search_cjk_title.sh /path/to/strata
DATA=$(cd "$(dirname "$0")/data/cjk" && pwd)
. "$(dirname "$0")/lib.sh"
e2e_init search_cjk_title "$@"

export STRATA_STORE="$E2E_TMP/store.db"
S() { strata_t "$@"; }


mkdir docs
cp -r "$DATA/zh" "$DATA/ja" "$DATA/ko" docs/

# ---------------------------------------------------------------------------------------------
case_ "a Chinese question without spaces finds the dependency-injection page"
expect_exit 0 -- S ingest docs -q
expect_exit 0 -- S search --mode keyword --json 什么是依赖注入
assert_eq "docs/zh/dependencies.md" "$(first_source)" "什么是依赖注入 → zh/dependencies.md"
expect_exit 0 -- S search --mode keyword --json 依赖注入
assert_eq "docs/zh/dependencies.md" "$(first_source)" "依赖注入 → zh/dependencies.md"
expect_exit 0 -- S search --mode keyword --json 子依赖项
assert_eq "docs/zh/sub-dependencies.md" "$(first_source)" "子依赖项 → zh/sub-dependencies.md"
expect_exit 0 -- S search --mode keyword --json 必选查询参数的默认值
assert_eq "docs/zh/query-params.md" "$(first_source)" "必选查询参数的默认值 → zh/query-params.md"
expect_exit 0 -- S search --mode keyword --json 身份认证和授权
assert_eq "docs/zh/security.md" "$(first_source)" "身份认证和授权 → zh/security.md"

# ---------------------------------------------------------------------------------------------
case_ "Japanese and Korean, and English words glued to CJK text"
expect_exit 0 -- S search --mode keyword --json 依存性注入とは
assert_eq "docs/ja/dependencies.md" "$(first_source)" "依存性注入とは → ja/dependencies.md"
expect_exit 0 -- S search --mode keyword --json 의존성주입
assert_eq "docs/ko/dependencies.md" "$(first_source)" "의존성주입 (no space) → ko/dependencies.md"
# "OAuth2是一个规范": the English word is its own term although no space separates it.
expect_exit 0 -- S search --mode keyword --json OAuth2
assert_eq "docs/zh/security.md" "$(first_source)" "OAuth2 glued to Chinese text → zh/security.md"
# A query in English does not match CJK bigrams by accident.
expect_exit 0 -- S search --mode keyword --json dependable -k 20
printf '%s\n' "$OUT" | python3 -c '
import json, sys
srcs = [json.loads(l)["source"] for l in sys.stdin if l.strip()]
sys.exit(0 if set(srcs) == {"docs/zh/dependencies.md", "docs/zh/sub-dependencies.md"} else 1)' \
    && pass "dependable: the two pages that have it" || fail "dependable hits: $OUT"

# ---------------------------------------------------------------------------------------------
case_ "a JSONL record is found by its title, even with no text"
cat >records.jsonl <<'EOF2'
{"id": "t1", "title": "Compiling quicksort for parallel machines", "text": ""}
{"id": "t2", "title": "Storage allocation", "text": "A note on garbage collection and heap compaction in list processing systems."}
{"id": "t3", "title": "Hash tables", "text": "Open addressing and chaining compared; quicksort is mentioned once in a long text about hashing, probing, load factors, deletion and rehashing of keys."}
{"id": "t4", "title": "", "text": "Nothing but text about scheduling."}
EOF2
expect_exit 0 -- S ingest --jsonl records.jsonl --collection rec -q
assert_eq "4" "$(db_q "$STRATA_STORE" "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections k ON k.id = d.collection_id WHERE k.name = 'rec'")" \
    "the title-only record has one (empty) chunk"
expect_exit 0 -- S search --collection rec --mode keyword --json "parallel machines"
assert_eq "t1" "$(first_source)" "a title-only record is found by its title"
expect_exit 0 -- S search --collection rec --mode keyword --json quicksort
assert_eq "t1" "$(first_source)" "a word in the title ranks above the same word once in a long text"
expect_exit 0 -- S search --collection rec --mode keyword --json "storage"
assert_eq "t2" "$(first_source)" "a title word that is not in the text"
# A changed title re-indexes the record's chunks (same text: only the title is rewritten).
sed -i 's/Storage allocation/Memory reclamation/' records.jsonl
expect_exit 0 -- S ingest --jsonl records.jsonl --collection rec -q
expect_exit 0 -- S search --collection rec --mode keyword --json storage
assert_eq "" "$OUT" "the old title is gone from the index"
expect_exit 0 -- S search --collection rec --mode keyword --json reclamation
assert_eq "t2" "$(first_source)" "the new title is searchable"

# ---------------------------------------------------------------------------------------------
case_ "the embedder is given the title and the text"
expect_exit 0 -- S embed --collection rec --provider local -q
# The title-only record's vector is the title's own: searching by vector for it finds it.
expect_exit 0 -- S search --collection rec --mode vector --json "Compiling quicksort for parallel machines" -k 1
assert_eq "t1" "$(first_source)" "vector search finds the title-only record"
# The vector of t2 is the vector of "TITLE\n\nTEXT", not of the text alone.
vec_of() { python3 -c 'import json, sys; print(" ".join("%.5f" % x for x in json.load(sys.stdin)["embedding"]))'; }
want=$(printf 'Memory reclamation\n\nA note on garbage collection and heap compaction in list processing systems.' |
    "$STRATA" embed --provider local - 2>/dev/null | vec_of)
text_only=$(printf 'A note on garbage collection and heap compaction in list processing systems.' |
    "$STRATA" embed --provider local - 2>/dev/null | vec_of)
got=$(db_q "$STRATA_STORE" "SELECT hex(e.vector) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id JOIN documents d ON d.id = c.document_id WHERE d.source = 't2'" |
    python3 -c 'import struct, sys; b = bytes.fromhex(sys.stdin.read().strip()); print(" ".join("%.5f" % x for x in struct.unpack("<%df" % (len(b) // 4), b)))')
assert_ne "$text_only" "$want" "the title changes the vector"
assert_eq "$want" "$got" "t2's vector is that of its title and text"

e2e_finish
