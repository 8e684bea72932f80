#!/usr/bin/env bash
# End-to-end test of a crawl at its defaults against `wget --mirror` + `strata ingest` of the
# folder, on a real documentation site: the PostgreSQL 15 manual as Debian ships it (1,169 pages,
# DocBook), served on 127.0.0.1 by tests/servers/crawl_site.py (ETags, 304s, every request
# logged). A crawl at the defaults stops at its page limit and says so (text and --json), with
# exit 0; with the limit raised it stores every page wget + ingest stores, each with the same
# title, text (content hash) and chunks, and skips the index page as a folder ingest does; a
# re-crawl of the unchanged site asks each page conditionally (304) and changes nothing.
# Speed is measured apart (bench/ingest_web.sh, BENCHMARKS.md), never here.
#
# Usage: bash tests/e2e/crawl_vs_wget.sh /path/to/strata
# Exits 77 (skipped) when the manual or wget is missing (scripts/install-deps.sh --test installs both).
HERE=$(cd "$(dirname "$0")" && pwd)
MANUAL=/usr/share/doc/postgresql-doc-15/html
# A whole manual per command: about 4 s in a release build, several times that under a sanitizer
# (LONG=1); a hang still ends.
export E2E_CMD_TIMEOUT=${E2E_CMD_TIMEOUT:-180}
. "$HERE/lib.sh"
e2e_init crawl_vs_wget "$@"
[ -f "$MANUAL/index.html" ] || { echo "crawl_vs_wget: $MANUAL is missing (scripts/install-deps.sh --test)" >&2; exit 77; }
command -v wget >/dev/null 2>&1 || { echo "crawl_vs_wget: wget is missing (scripts/install-deps.sh --test)" >&2; exit 77; }
S() { strata_t "$@"; }

mkdir -p site/root
ln -s "$MANUAL" site/root/pg
python3 "$HERE/../servers/crawl_site.py" "$PWD/site" &
e2e_bg $!
for _ in $(seq 100); do [ -s site/url ] && break; sleep 0.1; done
[ -s site/url ] || { echo "crawl_vs_wget: the site did not start" >&2; exit 1; }
BASE=$(cat site/url)
pages=$(find "$MANUAL" -name '*.html' | wc -l)

case_ "at the defaults the crawl stops at its page limit and says so, exit 0"
expect_exit 0 -- S ingest --store limit.db --allow-private --crawl "$BASE/pg/"
expect_output_match "stopped at its page limit \(--max-pages 1000\) with [1-9][0-9]* more URLs found and not fetched: raise --max-pages"
expect_exit 0 -- S ingest --store limit-json.db --allow-private --crawl --json "$BASE/pg/"
expect_json_true "the limit among --json's notes, the index page among its skipped" \
    'any("page limit (--max-pages 1000)" in n for n in d["notes"]) and d["skipped_by_kind"].get("index-page") == 1'

case_ "with the limit raised: the pages wget --mirror + ingest stores, each alike"
: >site/requests
expect_exit 0 -- S ingest -q --store crawl.db --allow-private --crawl --max-pages 5000 "$BASE/pg/"
# wget exits 8 when some request answered an error (robots.txt is none here, a link may be).
wget --mirror --no-parent -nH -q -P mirror "$BASE/pg/" || [ $? = 8 ] || fail "wget --mirror failed"
expect_exit 0 -- S ingest -q --store folder.db mirror/pg
cat >same.py <<'EOF'
import sqlite3, sys
def pages(db, prefix):
    out = {}
    for src, title, h, n in sqlite3.connect(db).execute(
            "SELECT source, title, content_hash, chunk_count FROM documents WHERE loader = 'html'"):
        key = src[len(prefix):] if src.startswith(prefix) else "?" + src
        out[key or "index.html"] = (title, h, n)
    return out
crawl, folder = pages(sys.argv[1], sys.argv[2]), pages(sys.argv[3], sys.argv[4])
differ = sorted(k for k in set(crawl) & set(folder) if crawl[k] != folder[k])
print(len(crawl), len(folder), len(set(crawl) ^ set(folder)), len(differ),
      (sorted(set(crawl) ^ set(folder)) + differ)[:5])
EOF
read -r n_crawl n_folder n_apart n_differ first <<<"$(python3 same.py crawl.db "$BASE/pg/" folder.db mirror/pg/)"
assert_true "the crawl stored most of the manual's $pages pages ($n_crawl)" [ "$n_crawl" -ge $((pages - 5)) ]
assert_eq "$n_folder" "$n_crawl" "as many pages as wget + ingest"
assert_eq 0 "$n_apart" "the same pages (apart: $first)"
assert_eq 0 "$n_differ" "each with the same title, text and chunks (differing: $first)"
assert_eq 0 "$(db_q crawl.db "SELECT count(*) FROM documents WHERE source LIKE '%bookindex.html'")" \
    "the index page (bookindex.html) skipped, as a folder ingest skips it"
assert_eq 0 "$(grep -c ' 304$' site/requests)" "a first crawl asks nothing conditionally"

case_ "a re-crawl of the unchanged site: every page a 304, nothing changed"
: >site/requests
expect_exit 0 -- S ingest --store crawl.db --allow-private --crawl --max-pages 5000 --json "$BASE/pg/"
expect_json_true "nothing new, changed or removed" \
    'd["documents"]["new"] == 0 and d["documents"]["changed"] == 0 and d["documents"]["removed"] == 0 and d["notes"] == []'
n304=$(grep -c ' 304$' site/requests)
assert_true "the stored pages answered 304 ($n304 of $n_crawl)" [ "$n304" -ge "$n_crawl" ]
n200=$(grep -c ' 200$' site/requests)
assert_true "at most a few whole answers ($n200)" [ "$n200" -le 5 ]

e2e_finish
