#!/usr/bin/env bash
# End-to-end tests of `strata ingest URL`: web pages from a test site on 127.0.0.1
# (tests/servers/web_site.py). Without --allow-private a loopback URL is refused (one line, exit
# 3); with it pages are fetched, read by their content type, searched and cited as URL:Lx-Ly; a
# re-run asks conditionally (304: unchanged, nothing re-chunked); a changed page is re-chunked;
# a gzip bomb, a huge page, a redirect loop, 404/500/503, credentials in a URL and an ftp:// URL
# each fail that page alone with a clear message, the others going on (exit 8).
#
# The whole script runs inside a network namespace of its own (`unshare -rn`, then
# `ip link set lo up`): only a loopback interface exists, so even a failing check sends nothing
# off the machine. There a second copy of the site listens on 198.51.100.7 (a documentation
# address, public to the guard, added to lo) so that, without --allow-private, its redirects to
# 169.254.169.254 and 10.0.0.1 test the check made on every hop. Where namespaces are
# unavailable those cases are skipped, saying so (SKIP), and the rest run.
#
# Usage: bash tests/e2e/ingest_web.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_own_network -rn "$@"
e2e_init ingest_web "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
if [ "$STRATA_WEB_NETNS" != 1 ]; then
    echo "ingest_web: NOTE: no network namespace here (unshare -rn or ip missing or not permitted):" \
         "the cases naming 169.254.169.254 and 10.0.0.1 are SKIPPED" >&2
fi

mkdir site
printf '<html><head><title>Changing</title></head><body><p>First version mentions the amber falcon.</p></body></html>\n' >site/changing
python3 "$HERE/../servers/web_site.py" "$PWD/site" &
e2e_bg $!
for _ in $(seq 100); do [ -s site/url ] && break; sleep 0.1; done
BASE=$(cat site/url)
[ -n "$BASE" ] || { echo "ingest_web: the test site did not start" >&2; exit 1; }

case_ "a loopback URL without --allow-private: refused, one line, exit 3 (every input failed)"
expect_exit 3 -- S ingest --store s.db "$BASE/guide/intro.html"
expect_output_match "refused: 127\.0\.0\.1 is a loopback address \(--allow-private permits it\)"
assert_eq 0 "$(grep -c . site/requests 2>/dev/null || echo 0)" "no request reached the site"

case_ "with --allow-private: fetched, chrome removed, stored under its canonical URL"
expect_exit 0 -- S ingest --store s.db --allow-private "$BASE/guide/intro.html#section" "$BASE/notes.md" "$BASE/plain.txt" \
    "$BASE/gzip.html" "$BASE/changing"
assert_eq "$BASE/guide/intro" "$(q s.db "SELECT source FROM documents WHERE title = 'Intro to Strata'")" \
    "the page's rel=canonical (same origin) names the document, the fragment dropped"
assert_eq 5 "$(q s.db "SELECT count(*) FROM documents")" "five pages stored"
assert_eq 0 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'Copyright footer') > 0 OR instr(text, 'Home | Guide') > 0")" \
    "no chunk holds the page's nav or footer"
assert_eq "markdown" "$(q s.db "SELECT loader FROM documents WHERE source = '$BASE/notes.md'")" "text/markdown read as Markdown"
assert_eq 1 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'cobalt turbine') > 0")" "a gzip page decoded"
grep -q "strata/[0-9.]* (+" site/requests && pass "strata's User-Agent sent" || fail "no strata User-Agent in $(head -3 site/requests)"

case_ "search finds a page and cites URL:Lx-Ly; documents show reads it"
expect_exit 0 -- S search --store s.db quasar
expect_stdout_match "$BASE/guide/intro:[0-9]+-[0-9]+"
expect_exit 0 -- S documents show --store s.db "$BASE/guide/intro"
expect_stdout_match "quasar widget"

case_ "a re-run: conditional requests, 304, nothing re-chunked"
before=$(q s.db "SELECT group_concat(id) FROM chunks")
: >site/requests
expect_exit 0 -- S ingest --store s.db --allow-private "$BASE/guide/intro" "$BASE/changing"
expect_output_match "2 unchanged"
assert_eq 2 "$(grep -c ' 304 ' site/requests)" "both pages answered 304"
assert_eq "$before" "$(q s.db "SELECT group_concat(id) FROM chunks")" "the chunks are the same rows"

case_ "a page that changed: re-chunked"
printf '<html><head><title>Changing</title></head><body><p>Second version mentions the jade heron.</p></body></html>\n' >site/changing
expect_exit 0 -- S ingest --store s.db --allow-private "$BASE/changing"
expect_output_match "1 changed"
assert_eq 1 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'jade heron') > 0")" "the new text is stored"
assert_eq 0 "$(q s.db "SELECT count(*) FROM chunks WHERE instr(text, 'amber falcon') > 0")" "the old text is gone"

case_ "redirects followed; bad pages fail alone with clear messages, the rest go on (exit 8)"
E2E_CMD_TIMEOUT=60 expect_exit 8 -- S ingest --store s.db --allow-private "$BASE/redirect/1" "$BASE/loop/a" "$BASE/bomb" "$BASE/huge" \
    "$BASE/missing" "$BASE/broken" "$BASE/busy" "http://user:hunter2@127.0.0.1:9/" "ftp://127.0.0.1/file.txt"
assert_eq 1 "$(q s.db "SELECT count(*) FROM documents WHERE source = '$BASE/guide/plain-target.html'")" \
    "three redirects followed: stored under the final URL"
expect_output_match "a redirect loop \(back to $BASE/loop/a\)"
expect_output_match "$BASE/bomb.*more than 50 MiB once decompressed"
expect_output_match "$BASE/huge.*larger than 20 MiB"
expect_output_match "$BASE/missing.*HTTP 404"
expect_output_match "$BASE/broken.*HTTP 500"
expect_output_match "$BASE/busy.*HTTP 503 \(retry after 7 s\)"
expect_output_match "credentials in it"
expect_output_nomatch "hunter2"
expect_output_match "unsupported scheme 'ftp'"

case_ "addresses outside loopback, directly and through redirects: refused before any connection"
if [ "$STRATA_WEB_NETNS" = 1 ]; then
    expect_exit 3 -- S ingest --store s.db "http://169.254.169.254/latest/meta-data/" "http://10.0.0.1/" "http://[::ffff:169.254.169.254]/"
    expect_output_match "refused: 169\.254\.169\.254 is a link-local address"
    expect_output_match "refused: 10\.0\.0\.1 is a private address"
    expect_output_match "refused: \[::ffff:[0-9a-f.:]+\] \(::ffff:[0-9a-f.:]+\) is a link-local address"
    ip addr add 198.51.100.7/32 dev lo
    mkdir public
    python3 "$HERE/../servers/web_site.py" "$PWD/public" 198.51.100.7 &
    e2e_bg $!
    for _ in $(seq 100); do [ -s public/url ] && break; sleep 0.1; done
    PUB=$(cat public/url)
    expect_exit 8 -- S ingest --store s.db "$PUB/plain.txt" "$PUB/to-metadata" "$PUB/to-private"
    expect_output_match "refused: 169\.254\.169\.254 is a link-local address"
    expect_output_match "refused: 10\.0\.0\.1 is a private address"
    assert_eq 1 "$(q s.db "SELECT count(*) FROM documents WHERE source = '$PUB/plain.txt'")" "the public page is stored"
else
    skip "no network namespace: the 169.254.169.254, 10.0.0.1 and redirect-out cases did not run"
fi

case_ "a header from the environment: sent, never printed"
expect_exit 3 -- S ingest --store s.db --allow-private --header-env 'Authorization=WEB_TEST_TOKEN' "$BASE/plain.txt"
expect_output_match "WEB_TEST_TOKEN is not set"
expect_exit 2 -- S ingest --store s.db --header-env 'Authorization: x' "$BASE/plain.txt"
expect_output_match "wants NAME=VARIABLE"

e2e_finish
