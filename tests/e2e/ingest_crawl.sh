#!/usr/bin/env bash
# End-to-end tests of `strata ingest URL --crawl`: a documentation site served on 127.0.0.1 by
# tests/servers/crawl_site.py. A crawl reads robots.txt (a disallowed page is not requested),
# the sitemap and llms.txt (pages no link reaches are found), follows links within the scope
# (other origins, other folders and 169.254.169.254 are not requested), follows a redirect into
# the scope, stores one document per content, and lets a redirect loop, a 404, a 500, a slow
# page (--page-timeout), a huge page and a gzip bomb fail alone; a 503 is retried after its
# Retry-After. A re-run asks conditionally (304s, nothing re-chunked); a changed page is
# re-chunked, a removed one goes with --prune (not after a crawl cut short by --max-pages).
# --dry-run lists the URLs and writes nothing; bad start URLs fail alone with one line each.
#
# The whole script runs inside network and mount namespaces of its own (`unshare -rnm`, then
# `ip link set lo up`): only a loopback interface exists, so even a failing check sends nothing
# off the machine. There a second copy of the site listens on 198.51.100.7 (a documentation
# address, public to the guard) and, with /etc/hosts bound over in that mount namespace alone,
# the name private.test resolves to 10.0.0.1: a crawl does not follow its redirects to
# 169.254.169.254 and to private.test (other origins), and the pages ingested alone are refused
# them after name resolution. Where namespaces are unavailable those
# cases are skipped, saying so (SKIP), and the rest run.
#
# Usage: bash tests/e2e/ingest_crawl.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_own_network -rnm "$@"
e2e_init ingest_crawl "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
if [ "$STRATA_WEB_NETNS" != 1 ]; then
    echo "ingest_crawl: NOTE: no network namespace here (unshare -rnm or ip missing or not permitted):" \
         "the cases naming 169.254.169.254 and 10.0.0.1 are SKIPPED" >&2
fi

# The site: /docs/ links to every case; the sitemap and llms.txt name pages no link reaches.
# With "public", its start page also links the pages that redirect to 169.254.169.254 and to
# private.test: only the copy on 198.51.100.7 (in the namespace, crawled without
# --allow-private) has them, so no crawl with --allow-private is ever sent their way.
make_site() {
    local r=$1/root
    mkdir -p "$r/docs/private" "$r/elsewhere"
    cat >"$r/robots.txt" <<'EOF'
User-agent: *
Disallow: /docs/private/
Sitemap: {BASE}/sitemap.xml
EOF
    cat >"$r/sitemap.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{BASE}/docs/from-sitemap.html</loc></url>
<url><loc>{BASE}/elsewhere/page.html</loc></url>
</urlset>
EOF
    printf '# Docs\n\n- [From llms](/docs/from-llms.md): a page only llms.txt names\n' >"$r/docs/llms.txt"
    cat >"$r/docs/index.html" <<'EOF'
<!doctype html><html><head><title>Docs home</title></head><body>
<nav><a href="/docs/">Home</a></nav>
<main><h1>Docs</h1><p>Welcome to the manual of the tangerine engine.</p>
<ul>
<li><a href="intro.html#start">Intro</a> <a href="intro.html">Intro again</a> <a href="copy.html">A copy</a></li>
<li><a href="changing.html">Changing</a> <a href="removed.html">Removed</a></li>
<li><a href="redirect-in">In</a> <a href="redirect-out">Out</a> <a href="loop-a">Loop</a></li>
<li><a href="missing">Missing</a> <a href="broken">Broken</a> <a href="slow">Slow</a> <a href="busy">Busy</a></li>
<li><a href="huge">Huge</a> <a href="gzip.html">Gzip</a> <a href="bomb">Bomb</a></li>
<li><a href="private/secret.html">Secret</a> <a href="/elsewhere/page.html">Elsewhere</a></li>
<li><a href="http://169.254.169.254/latest/meta-data/">Metadata</a> <a href="http://private.test/docs/">Private</a></li>
<!--REDIRECTS-->
</ul></main><footer>Copyright footer text</footer></body></html>
EOF
    cat >"$r/docs/intro.html" <<'EOF'
<!doctype html><html><head><title>Intro to Strata</title></head>
<body><nav>Home | Guide | Blog</nav>
<main><h1>Introduction</h1>
<p>The quasar widget aligns flux capacitors.</p>
<p>Second paragraph about the zephyr protocol.</p></main>
<footer>Copyright footer text</footer></body></html>
EOF
    cp "$r/docs/intro.html" "$r/docs/copy.html"
    printf '<html><head><title>Changing</title></head><body><p>First version mentions the amber falcon.</p></body></html>\n' >"$r/docs/changing.html"
    printf '<html><head><title>Removed</title></head><body><p>A page about the vermilion lantern.</p></body></html>\n' >"$r/docs/removed.html"
    printf '<html><head><title>Target</title></head><body><p>Reached the heliotrope target.</p></body></html>\n' >"$r/docs/target.html"
    printf '<html><head><title>Sitemap only</title></head><body><p>Found through the sitemap: the cerulean owl.</p></body></html>\n' >"$r/docs/from-sitemap.html"
    printf '# From llms\n\nFound through llms.txt: the ochre badger.\n' >"$r/docs/from-llms.md"
    printf '<html><body><p>The secret magenta vault.</p></body></html>\n' >"$r/docs/private/secret.html"
    printf '<html><body><p>Outside the folder: the umber moth.</p></body></html>\n' >"$r/elsewhere/page.html"
    if [ "${2:-}" = public ]; then
        sed -i 's|<!--REDIRECTS-->|<li><a href="to-metadata">To metadata</a> <a href="to-private-name">To a private name</a></li>|' \
            "$r/docs/index.html"
    fi
}

start_site() {  # DIR [ADDRESS]
    python3 "$HERE/../servers/crawl_site.py" "$PWD/$1" ${2:+"$2"} &
    e2e_bg $!
    for _ in $(seq 100); do [ -s "$1/url" ] && break; sleep 0.1; done
    [ -s "$1/url" ] || { echo "ingest_crawl: the test site in $1 did not start" >&2; exit 1; }
}

mkdir site
make_site site
start_site site
BASE=$(cat site/url)
CRAWL=(--crawl --delay 0 --page-timeout 1)

case_ "a loopback site without --allow-private: refused, one line, nothing requested"
expect_exit 3 -- S ingest --store s.db "${CRAWL[@]}" "$BASE/docs/"
expect_output_match "refused: 127\.0\.0\.1 is a loopback address \(--allow-private permits it\)"
assert_eq 0 "$(grep -c . site/requests 2>/dev/null || echo 0)" "no request reached the site"

case_ "--dry-run lists the pages a crawl would fetch and writes nothing (the last depth listed, not fetched)"
expect_exit 0 -- S ingest --store dry.db --dry-run --allow-private "${CRAWL[@]}" --max-depth 1 "$BASE/docs/"
expect_stdout_match "^$BASE/docs/intro.html$"
expect_stdout_match "^$BASE/docs/from-sitemap.html$"
expect_stdout_match "^$BASE/docs/from-llms.md$"
expect_stdout_nomatch "private/secret|elsewhere|169\.254|#start"
assert_absent dry.db
assert_eq 0 "$(grep -c 'GET /docs/intro.html' site/requests)" "a page of the last depth is listed, not requested"
expect_exit 0 -- S ingest --store dry.db --dry-run --json --allow-private "${CRAWL[@]}" --max-depth 0 "$BASE/docs/"
expect_json_true "the JSON lists the start page alone at depth 0" "d['would_fetch'] == ['$BASE/docs/']"

case_ "a crawl: links, sitemap and llms.txt followed within the scope; bad pages fail alone (exit 8)"
: >site/requests
E2E_CMD_TIMEOUT=60 expect_exit 8 -- S ingest --store s.db --allow-private "${CRAWL[@]}" "$BASE/docs/"
for page in docs/ docs/intro.html docs/changing.html docs/removed.html docs/target.html docs/gzip.html \
    docs/from-sitemap.html docs/from-llms.md docs/busy; do
    assert_eq 1 "$(q s.db "SELECT count(*) FROM documents WHERE source = '$BASE/$page'")" "stored: $page"
done
assert_eq 0 "$(q s.db "SELECT count(*) FROM documents WHERE source LIKE '%copy.html' OR source LIKE '%#%'")" \
    "the copy of intro.html (same bytes) and the fragment link are not stored again"
assert_eq 1 "$(grep -c '^GET /robots.txt ' site/requests)" "robots.txt read once"
assert_eq 0 "$(grep -c 'private/secret' site/requests)" "the page robots.txt disallows is not requested"
assert_eq 0 "$(q s.db "SELECT count(*) FROM documents WHERE source LIKE '%elsewhere%'")" "a redirect out of the scope is not stored"
assert_eq 0 "$(grep -c '^GET /elsewhere/' site/requests)" "...nor requested"
assert_eq 1 "$(grep -c '^GET /docs/busy 503' site/requests)" "503 once..."
assert_eq 1 "$(grep -c '^GET /docs/busy 200' site/requests)" "...then fetched again after its Retry-After"
assert_eq 0 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'Copyright footer') > 0")" "no chunk holds a page's footer"
expect_output_match "$BASE/docs/missing: HTTP 404"
expect_output_match "$BASE/docs/broken: HTTP 500"
expect_output_match "$BASE/docs/loop-a: .*redirect loop"
expect_output_match "$BASE/docs/huge: .*larger than 20 MiB"
expect_output_match "$BASE/docs/bomb: .*more than 50 MiB once decompressed"
expect_output_match "$BASE/docs/slow: "
expect_output_match "9 new, 0 changed, 0 unchanged, 0 removed, [0-9]+ failed"

case_ "search finds a crawled page and cites URL:Lx-Ly; documents show reads it"
expect_exit 0 -- S search --store s.db quasar
expect_stdout_match "$BASE/docs/intro.html:[0-9]+-[0-9]+"
expect_exit 0 -- S documents show --store s.db "$BASE/docs/from-llms.md"
expect_stdout_match "ochre badger"

case_ "an unchanged re-run: conditional requests, 304s, nothing re-chunked"
before=$(q s.db "SELECT group_concat(id) FROM chunks")
: >site/requests
E2E_CMD_TIMEOUT=60 expect_exit 8 -- S ingest --store s.db --allow-private "${CRAWL[@]}" "$BASE/docs/"
expect_output_match "0 new, 0 changed, 9 unchanged, 0 removed"
assert_eq 6 "$(grep -c ' 304$' site/requests)" "each page stored under the URL asked for answered 304"
assert_eq 1 "$(grep -c '^GET /docs/intro.html 304' site/requests)" "the links of a 304 page are still followed"
assert_eq "$before" "$(q s.db "SELECT group_concat(id) FROM chunks")" "the chunks are the same rows"

case_ "a page changed and one removed: re-chunked, and --prune removes the gone one"
printf '<html><head><title>Changing</title></head><body><p>Second version mentions the jade heron.</p></body></html>\n' >site/root/docs/changing.html
rm site/root/docs/removed.html
E2E_CMD_TIMEOUT=60 expect_exit 8 -- S ingest --store s.db --allow-private --prune "${CRAWL[@]}" "$BASE/docs/"
expect_output_match "0 new, 1 changed, [0-9]+ unchanged, 1 removed"
assert_eq 1 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'jade heron') > 0")" "the new text is stored"
assert_eq 0 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'amber falcon') > 0")" "the old text is gone"
assert_eq 0 "$(q s.db "SELECT count(*) FROM documents WHERE source = '$BASE/docs/removed.html'")" "the removed page is pruned"
expect_output_nomatch "removed.html: HTTP 404"

case_ "--prune after a crawl cut short by --max-pages removes nothing"
rm site/root/docs/target.html
expect_exit 0 -- S ingest --store s.db --allow-private --prune --max-pages 2 "${CRAWL[@]}" "$BASE/docs/"
expect_output_match "0 removed"
expect_output_match "stopped at a limit"
expect_output_match "stopped at its page limit \(--max-pages 2\) with [1-9][0-9]* more URLs found and not fetched: raise --max-pages"
assert_eq 1 "$(q s.db "SELECT count(*) FROM documents WHERE source = '$BASE/docs/target.html'")" "the page is kept"

case_ "bad start URLs fail alone, one line each; the crawl of the others goes on"
expect_exit 8 -- S ingest --store b.db --allow-private "${CRAWL[@]}" --max-depth 0 \
    "http://user:hunter2@127.0.0.1:9/docs/" "ftp://127.0.0.1/docs/" "$BASE/docs/intro.html"
expect_output_match "credentials in it"
expect_output_nomatch "hunter2"
expect_output_match "unsupported scheme 'ftp'"
assert_eq 1 "$(q b.db "SELECT count(*) FROM documents")" "the good start URL is crawled"

case_ "the page limit said in text, --json and --dry-run; --prune of a gone page still linked counts it removed; index pages skipped"
mkdir -p site2/root/docs
cat >site2/root/docs/index.html <<'EOF'
<html><head><title>Book</title></head><body><p>The book of the saffron kite.</p>
<a href="one.html">One</a> <a href="two.html">Two</a> <a href="three.html">Three</a> <a href="bookindex.html">Index</a></body></html>
EOF
for n in one two three; do printf '<html><head><title>%s</title></head><body><p>Chapter %s of the book.</p></body></html>\n' $n $n >site2/root/docs/$n.html; done
cat >site2/root/docs/bookindex.html <<'EOF'
<html><head><title>Index</title></head><body><p>Index of terms: kite, saffron, chapter.</p><a href="term.html">A term</a></body></html>
EOF
printf '<html><head><title>Term</title></head><body><p>The page only the index links to.</p></body></html>\n' >site2/root/docs/term.html
start_site site2
BASE2=$(cat site2/url)
expect_exit 0 -- S ingest --store p.db --allow-private "${CRAWL[@]}" "$BASE2/docs/"
assert_eq 0 "$(q p.db "SELECT count(*) FROM documents WHERE source LIKE '%bookindex.html'")" "DocBook's bookindex.html is not stored"
assert_eq 1 "$(q p.db "SELECT count(*) FROM documents WHERE source = '$BASE2/docs/term.html'")" "...its links are followed"
expect_output_match "1 skipped \(index-page 1\)"
expect_exit 0 -- S ingest --store p2.db --allow-private --max-pages 2 "${CRAWL[@]}" "$BASE2/docs/"
expect_output_match "stopped at its page limit \(--max-pages 2\) with [1-9][0-9]* more URLs found and not fetched"
expect_exit 0 -- S ingest --store p2.db --allow-private --max-pages 2 --json "${CRAWL[@]}" "$BASE2/docs/"
expect_json_true "--json carries the page limit in its notes" 'any("stopped at its page limit (--max-pages 2)" in n for n in d["notes"])'
expect_exit 0 -- S ingest --store p3.db --dry-run --allow-private --max-pages 2 "${CRAWL[@]}" "$BASE2/docs/"
expect_output_match "stopped at its page limit \(--max-pages 2\)"
expect_exit 0 -- S ingest --store p3.db --dry-run --json --allow-private --max-pages 2 "${CRAWL[@]}" "$BASE2/docs/"
expect_json_true "a dry run's --json too" 'any("stopped at its page limit" in n for n in d["notes"])'
rm site2/root/docs/two.html
expect_exit 0 -- S ingest --store p.db --allow-private --prune "${CRAWL[@]}" "$BASE2/docs/"
expect_output_match "1 removed, 0 failed"
expect_output_nomatch "two.html: HTTP 404"
assert_eq 0 "$(q p.db "SELECT count(*) FROM documents WHERE source = '$BASE2/docs/two.html'")" "the gone page, still linked, is pruned"

case_ "strata serve: POST .../web crawls only when the operator allows it; a caller picks no address class"
SITE=$BASE
post() {  # PATH JSON: the status in CODE, the body in BODY
    CODE=$(curl -s -o "$E2E_TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' -d "$2" "$API$1")
    BODY=$(cat "$E2E_TMP/body")
}
serve_up 127.0.0.1:0 --store srv.db --collection web
API=$BASE
post /api/v1/collections/web/web "{\"url\": \"$SITE/docs/\"}"
assert_eq 403 "$CODE" "a server started without --allow-crawl refuses to fetch (a refusal, not a bad field): $BODY"
assert_true "the answer says so" grep -q "fetches no web pages" "$E2E_TMP/body"
assert_true "the answer names the operator's flag" grep -q -- "started without --allow-crawl" "$E2E_TMP/body"
serve_down
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl
API=$BASE
post /api/v1/collections/web/web "{\"url\": \"$SITE/docs/\", \"crawl\": {\"max_depth\": 0}}"
assert_eq 202 "$CODE" "a crawl is a job: $BODY"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/body")
job_wait "$JOB" 30
assert_eq succeeded "$JOB_STATUS" "the job ends: $(cat "$E2E_TMP/job")"
assert_true "a loopback site is refused without the server's --allow-private" grep -q "loopback address" "$E2E_TMP/job"
post /api/v1/collections/web/web "{\"url\": \"$SITE/docs/\", \"allow_private\": true}"
assert_eq 422 "$CODE" "a caller cannot ask for private addresses: $BODY"
post /api/v1/collections/web/web "{\"url\": \"/etc/passwd\"}"
assert_eq 422 "$CODE" "a path is no URL: $BODY"
serve_down
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl --allow-private
API=$BASE
post /api/v1/collections/web/web "{\"url\": \"$SITE/docs/intro.html\", \"crawl\": {\"max_depth\": 0}}"
assert_eq 202 "$CODE" "$BODY"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/body")
job_wait "$JOB" 30
assert_eq succeeded "$JOB_STATUS" "the job ends: $(cat "$E2E_TMP/job")"
BASE=$SITE
assert_eq 1 "$(q srv.db "SELECT count(*) FROM documents WHERE source = '$SITE/docs/intro.html'")" "the page is stored through the server"
serve_down

case_ "without --allow-private: redirects to 169.254.169.254 and to a name of 10.0.0.1 refused"
if [ "$STRATA_WEB_NETNS" = 1 ]; then
    ip addr add 198.51.100.7/32 dev lo
    mkdir public
    make_site public public
    start_site public 198.51.100.7
    PUB=$(cat public/url)
    printf '10.0.0.1 private.test\n' >hosts
    if mount --bind "$PWD/hosts" /etc/hosts 2>/dev/null; then
        # A crawl never leaves its scope, so it does not even ask: the redirects off the site are
        # not followed (their targets are other origins).
        E2E_CMD_TIMEOUT=60 expect_exit 0 -- S ingest --store p.db "${CRAWL[@]}" --include /docs/ --include '/docs/to-*' \
            --include /docs/intro.html "$PUB/docs/"
        assert_eq 0 "$(q p.db "SELECT count(*) FROM documents WHERE source LIKE '%/to-%' OR source LIKE '%169.254%' OR source LIKE '%private.test%'")" \
            "redirects off the site are neither followed nor stored"
        # The same pages ingested alone (no scope): the redirects are followed only as far as the
        # address check after name resolution.
        expect_exit 3 -- S ingest --store p.db "$PUB/docs/to-metadata" "$PUB/docs/to-private-name"
        expect_output_match "refused: 169\.254\.169\.254 is a link-local address"
        expect_output_match "refused: private\.test \(10\.0\.0\.1\) is a private address"
        assert_eq 1 "$(q p.db "SELECT count(*) FROM documents WHERE source = '$PUB/docs/intro.html'")" "the public pages are stored"
        assert_eq 0 "$(grep -c 'private/secret\|elsewhere\|busy' public/requests)" "nothing outside the scope or the patterns was asked for"
    else
        skip "mount --bind over /etc/hosts not permitted: the private-name case did not run"
    fi
else
    skip "no network namespace: the 169.254.169.254 and 10.0.0.1 cases did not run"
fi

e2e_finish
