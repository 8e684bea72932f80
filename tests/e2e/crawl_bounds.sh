#!/usr/bin/env bash
# End-to-end tests of a crawl's bounds, each an attack: two origins on 127.0.0.1
# (tests/servers/crawl_bounds_site.py: A is the site, B another origin that logs what it gets).
#  - --header-env's header goes to the start URL's origin only: a redirect to B is sent none;
#  - robots.txt, the sitemap and llms.txt redirecting to B are not followed: B is asked nothing;
#  - a password inside a crawled link is stored nowhere (the store's dump holds no trace of it);
#  - a sitemap flood (an index of sitemaps listing 50,000 long URLs each) for a --max-pages 1
#    crawl keeps the crawl's memory bounded (peak RSS by /usr/bin/time -v), and the crawl says
#    how many URLs it left out;
#  - over HTTP (strata serve --allow-crawl), a crawl holds no request worker (with --workers 1
#    other requests are answered while it runs), stops when its caller leaves (the site's log
#    stops growing within a second or two), ends at its max_seconds, and one caller runs one
#    crawl at a time (429).
#
# The script runs inside a network namespace of its own when it can (`unshare -rn`), so even a
# failing check sends nothing off the machine.
#
# Usage: bash tests/e2e/crawl_bounds.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_own_network -rn "$@"
e2e_init crawl_bounds "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
for tool in curl /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "crawl_bounds: required tool missing: $tool (scripts/install-deps.sh)" >&2; exit 2; }
done

mkdir site
FLOOD_FILES=10 FLOOD_WIDTH=300 python3 "$HERE/../servers/crawl_bounds_site.py" "$PWD/site" &
e2e_bg $!
for _ in $(seq 100); do [ -s site/url_a ] && break; sleep 0.1; done
A=$(cat site/url_a)
B=$(cat site/url_b)
[ -n "$A" ] && [ -n "$B" ] || { echo "crawl_bounds: the test site did not start" >&2; exit 1; }
mode() { printf '%s\n' "$1" >site/mode; }
# requests_of ORIGIN: the log's lines for that origin ("TIME ORIGIN METHOD PATH AUTH").
requests_of() { awk -v o="$1" '$2 == o' site/requests 2>/dev/null; }
export WEB_TEST_TOKEN='Bearer tok-amaranth-42'
CRAWL=(--crawl --delay 0 --page-timeout 5 --allow-private)

case_ "--header-env goes to the start URL's origin only: a page redirecting to another origin sends it none"
: >site/requests
mode plain
expect_exit 0 -- S ingest --store h.db --allow-private --header-env 'Authorization=WEB_TEST_TOKEN' "$A/to-b"
assert_true "the start origin got the header" grep -q ' a GET /to-b Bearer tok-amaranth-42$' site/requests
assert_eq 1 "$(requests_of b | grep -c ' GET /landing.html ')" "the redirect is followed: $(cat site/requests)"
assert_eq 0 "$(requests_of b | grep -c 'amaranth')" "the other origin is sent no header: $(requests_of b)"

case_ "robots.txt, the sitemap and llms.txt redirecting to another origin are not followed"
: >site/requests
mode redirect
expect_exit 0 -- S ingest --store r.db "${CRAWL[@]}" --max-depth 1 --header-env 'Authorization=WEB_TEST_TOKEN' "$A/docs/"
assert_eq 0 "$(requests_of b | wc -l)" "origin B is asked nothing: $(requests_of b)"
assert_true "robots.txt was asked of A" grep -q ' a GET /robots.txt ' site/requests
assert_true "the sitemap was asked of A" grep -q ' a GET /sitemap.xml ' site/requests
assert_true "llms.txt was asked of A" grep -q ' a GET /docs/llms.txt ' site/requests
assert_true "A's pages are sent the header" grep -q ' a GET /docs/ Bearer tok-amaranth-42$' site/requests

case_ "a password inside a crawled link is stored nowhere; the page it names is crawled without it"
assert_eq 0 "$(sqlite3 r.db .dump | grep -c hunter2)" "no trace of the password in the store"
assert_eq 0 "$(sqlite3 r.db .dump | grep -c 'user:')" "no user information either"
assert_eq 1 "$(q r.db "SELECT count(*) FROM documents WHERE source = '$A/docs/p1.html'")" "the linked page is stored under its address without credentials"
assert_eq 0 "$(grep -c hunter2 site/requests)" "nothing was sent with it"

case_ "a sitemap flood: a --max-pages 1 crawl's memory stays bounded, and it says what it left out"
: >site/requests
mode flood
run /usr/bin/time -v "$STRATA" ingest --store f.db "${CRAWL[@]}" --max-pages 1 --json "$A/docs/"
RSS_KB=$(grep -o 'Maximum resident set size (kbytes): [0-9]*' "$E2E_TMP/.err" | grep -o '[0-9]*$')
note "peak RSS of the flooded crawl: ${RSS_KB:-?} KiB ($(grep -c ' GET /flood/' site/requests) sitemaps of 50,000 URLs read)"
assert_eq 0 "$RC" "the crawl ends normally"
# Under a sanitizer the resident size is mostly the sanitizer's (shadow memory, a 256 MB
# quarantine): the bound is checked by the release build's run.
if ldd "$STRATA" 2>/dev/null | grep -q 'libasan\|libtsan'; then
    skip "memory bound not checked under a sanitizer (peak RSS ${RSS_KB:-?} KiB)"
else
    assert_true "peak RSS under 250 MB (was ${RSS_KB:-?} KiB)" test "${RSS_KB:-999999999}" -lt 256000
fi
assert_true "the summary says URLs were left out" grep -q 'left out' "$E2E_TMP/.out"
assert_eq 1 "$(q f.db "SELECT count(*) FROM documents")" "one page stored"

# ---- Over HTTP --------------------------------------------------------------------------------
mode plain
post() {  # PATH JSON [MAX_TIME]: the status in CODE, the body in BODY
    CODE=$(curl -s -o "$E2E_TMP/body" -w '%{http_code}' --max-time "${3:-30}" -H 'Content-Type: application/json' -d "$2" "$BASE$1")
    BODY=$(cat "$E2E_TMP/body")
}
ENDLESS="{\"url\": \"$A/slow/0\", \"crawl\": {\"max_pages\": 1000}}"
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl --allow-private --workers 1

case_ "strata serve: a crawl holds no request worker (one worker, other requests answered while it runs)"
: >site/requests
curl -s -o /dev/null --max-time 4 -H 'Content-Type: application/json' -d "$ENDLESS" "$BASE/api/v1/collections/web/web" &
CRAWLER=$!
sleep 1
T0=$(date +%s.%N)
LIST=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/api/v1/collections")
T1=$(date +%s.%N)
assert_eq 200 "$LIST" "a request on the one worker is answered during the crawl"
note "answered in $(python3 -c "print(round($T1 - $T0, 3))") s while a crawl ran"

case_ "strata serve: one caller, one crawl at a time: a second is refused with 429"
post /api/v1/collections/web/web "$ENDLESS" 3
assert_eq 429 "$CODE" "$BODY"
assert_true "the refusal says why" grep -q 'crawl' "$E2E_TMP/body"

case_ "strata serve: a crawl whose caller leaves stops"
wait "$CRAWLER"
LEFT=$(date +%s.%N)
sleep 2
N1=$(grep -c ' GET /slow/' site/requests)
sleep 2
N2=$(grep -c ' GET /slow/' site/requests)
LAST=$(grep ' GET /slow/' site/requests | tail -1 | cut -d' ' -f1)
assert_true "the crawl asked for pages while its caller waited ($N1)" test "$N1" -gt 2
assert_eq "$N1" "$N2" "no page is asked for once the caller has gone"
note "the crawl's last request began $(python3 -c "print(round(${LAST:-0} - $LEFT, 3))") s after its caller left (negative: before)"
assert_true "it stopped within 1.5 s of the caller leaving" python3 -c "import sys; sys.exit(0 if ${LAST:-0} - $LEFT < 1.5 else 1)"
T0=$(date +%s)
post /api/v1/collections/web/web "{\"url\": \"$A/slow/0\", \"crawl\": {\"max_seconds\": 1}}" 20
assert_eq 200 "$CODE" "once it stopped, the caller may crawl again: $BODY"
assert_true "the request's own time bound ends the crawl ($(($(date +%s) - T0)) s)" test $(($(date +%s) - T0)) -le 4
post /api/v1/collections/web/web "{\"url\": \"$A/docs/\", \"crawl\": {\"max_depth\": 0}}"
assert_eq 200 "$CODE" "$BODY"
assert_true "the answer is the crawl's result" python3 -c "import json,sys; d=json.load(open('$E2E_TMP/body')); sys.exit(0 if d['new'] == 1 else 1)"
serve_down

e2e_finish
