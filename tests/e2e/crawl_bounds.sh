#!/usr/bin/env bash
# End-to-end tests of a crawl's bounds, each an attack: two origins on 127.0.0.1
# (tests/servers/crawl_bounds_site.py: A is the site, B another origin that logs what it gets).
#  - --header-env's header goes to the start URL's origin only: a redirect to B is sent none;
#  - robots.txt, the sitemap and llms.txt redirecting to B are not followed: B is asked nothing;
#  - a password inside a crawled link is stored nowhere (the store's dump holds no trace of it);
#  - a sitemap flood (an index of sitemaps listing 50,000 long URLs each) for a --max-pages 1
#    crawl keeps the crawl's memory bounded (peak RSS by /usr/bin/time -v), and the crawl says
#    how many URLs it left out;
#  - over HTTP (strata serve --allow-crawl), a crawl is a background job: answered 202 at once,
#    it holds no request worker (with --workers 1 other requests are answered while it runs), is
#    read back, listed and streamed as events resumable from Last-Event-ID, stops when cancelled
#    (DELETE, or strata jobs cancel: the site's log stops growing within a second or two), ends at
#    its max_seconds, is bounded per key (429), is handed back to the queue when the server
#    stops, then run by the restarted server, and is taken over from a killed server: it goes on
#    from its checkpoint (no page done before the kill fetched again, none lost, none stored
#    twice, its progress never back to 0), ending with the pages an uncut crawl stores.
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

# ---- Over HTTP: a crawl is a background job (core/serve/jobs.h) ----------------------------------
mode plain
post() {  # PATH JSON [MAX_TIME]: the status in CODE, the body in BODY
    CODE=$(curl -s -o "$E2E_TMP/body" -w '%{http_code}' --max-time "${3:-30}" -H 'Content-Type: application/json' -d "$2" "$BASE$1")
    BODY=$(cat "$E2E_TMP/body")
}
body_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/body"; }
ENDLESS="{\"url\": \"$A/slow/0\", \"crawl\": {\"max_pages\": 1000, \"max_depth\": 1000}}"
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl --allow-private --workers 1 --max-jobs-per-key 1

case_ "strata serve: a crawl is a job, answered 202 at once with its Location; it holds no request worker"
: >site/requests
T0=$(date +%s.%N)
post /api/v1/collections/web/web "$ENDLESS" 5
T1=$(date +%s.%N)
assert_eq 202 "$CODE" "$BODY"
JOB=$(body_id)
assert_true "answered at once ($(python3 -c "print(round($T1 - $T0, 3))") s)" python3 -c "import sys; sys.exit(0 if $T1 - $T0 < 2 else 1)"
LOCATION=$(curl -s -o /dev/null -D - -H 'Content-Type: application/json' -d "{\"url\": \"$A/docs/\", \"crawl\": {\"max_depth\": 0}}" \
    "$BASE/api/v1/collections/web/web" | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
assert_eq "" "$LOCATION" "a second job of the caller is refused (no Location) while its first runs"
sleep 1.5
LIST=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/api/v1/collections")
assert_eq 200 "$LIST" "a request on the one worker is answered while the crawl runs"
http_req GET "/api/v1/jobs/$JOB"
expect_http 200 "the job is read back"
assert_true "it is running, with its progress: $BODY" python3 -c "import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if j['status'] == 'running' and j['kind'] == 'crawl' and j['collection'] == 'web' else 1)" "$BODY"

case_ "strata serve: one caller's jobs are bounded (--max-jobs-per-key 1): one more is 429 with Retry-After"
curl -s -o "$E2E_TMP/body" -D "$E2E_TMP/headers" -H 'Content-Type: application/json' -d "$ENDLESS" "$BASE/api/v1/collections/web/web" >/dev/null
assert_true "429" grep -q '^HTTP/1.1 429' "$E2E_TMP/headers"
assert_true "Retry-After" grep -qi '^retry-after: [0-9]' "$E2E_TMP/headers"
assert_true "the refusal says why" grep -q 'jobs queued or running' "$E2E_TMP/body"

case_ "strata serve: the job's events, each with an id, resumed from Last-Event-ID"
curl -s -N --max-time 2 "$BASE/api/v1/jobs/$JOB/events" >"$E2E_TMP/events" || true
assert_true "an event with an id: $(head -c 300 "$E2E_TMP/events")" grep -q '^id: [0-9]' "$E2E_TMP/events"
assert_true "a job event" grep -q '^event: job' "$E2E_TMP/events"
LAST_ID=$(grep '^id: ' "$E2E_TMP/events" | tail -1 | cut -d' ' -f2)
sleep 1.2
curl -s -N --max-time 2 -H "Last-Event-ID: $LAST_ID" "$BASE/api/v1/jobs/$JOB/events" >"$E2E_TMP/events2" || true
FIRST_AFTER=$(grep '^id: ' "$E2E_TMP/events2" | head -1 | cut -d' ' -f2)
assert_true "a resumed stream starts after the id it names ($LAST_ID -> ${FIRST_AFTER:-none})" test "${FIRST_AFTER:-0}" -gt "$LAST_ID"
http_req GET "/api/v1/jobs/$JOB/events" -H 'Last-Event-ID: abc'
expect_http 422 "a Last-Event-ID that is no number"

case_ "strata serve: DELETE /api/v1/jobs/{id} cancels a running crawl within a second or two, keeping what it did"
http_req DELETE "/api/v1/jobs/$JOB"
expect_http 200 "the cancel is taken"
LEFT=$(date +%s.%N)
job_wait "$JOB" 20
assert_eq cancelled "$JOB_STATUS" "the job ends cancelled: $(cat "$E2E_TMP/job")"
assert_true "with what it did: $(cat "$E2E_TMP/job")" python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['result'] and j['result']['new'] >= 1 and j['progress']['done'] >= 1 else 1)" "$E2E_TMP/job"
sleep 1.5
N1=$(grep -c ' GET /slow/' site/requests)
sleep 1.5
N2=$(grep -c ' GET /slow/' site/requests)
LAST=$(grep ' GET /slow/' site/requests | tail -1 | cut -d' ' -f1)
assert_true "the crawl asked for pages before its cancel ($N1)" test "$N1" -gt 2
assert_eq "$N1" "$N2" "no page is asked for once the job is cancelled"
note "the crawl's last request began $(python3 -c "print(round(${LAST:-0} - $LEFT, 3))") s after its cancel (negative: before)"
assert_true "it stopped within 2 s of its cancel" python3 -c "import sys; sys.exit(0 if ${LAST:-0} - $LEFT < 2 else 1)"

case_ "strata serve: a crawl's own time bound ends its job; a one-page crawl's job has the crawl's result"
T0=$(date +%s)
post /api/v1/collections/web/web "{\"url\": \"$A/slow/0\", \"crawl\": {\"max_seconds\": 1}}"
assert_eq 202 "$CODE" "once the first ended, the caller may start another: $BODY"
job_wait "$(body_id)" 20
assert_eq succeeded "$JOB_STATUS" "$(cat "$E2E_TMP/job")"
assert_true "the request's own time bound ends the crawl ($(($(date +%s) - T0)) s)" test $(($(date +%s) - T0)) -le 5
post /api/v1/collections/web/web "{\"url\": \"$A/docs/\", \"crawl\": {\"max_depth\": 0}}"
assert_eq 202 "$CODE" "$BODY"
job_wait "$(body_id)" 20
assert_eq succeeded "$JOB_STATUS" "$(cat "$E2E_TMP/job")"
assert_eq 1 "$(job_field "j['result']['new']")" "the result is the crawl's: $(cat "$E2E_TMP/job")"
assert_true "finished_at is set" test "$(job_field "j['finished_at'] is not None")" = True

case_ "strata serve: Node's own fetch queues a crawl, follows its Location to the end, reads and resumes its events"
run node "$HERE/jobs_client.mjs" "$BASE/api/v1/collections/web/web" "{\"url\": \"$A/docs/\", \"crawl\": {\"max_depth\": 0}}"
assert_eq 0 "$RC" "the client's checks: $(cat "$E2E_TMP/.out")"
assert_eq 4 "$(grep -c '^ok ' "$E2E_TMP/.out")" "four checks passed: $(cat "$E2E_TMP/.out")"

case_ "strata serve: GET /api/v1/jobs lists the caller's jobs, newest first; an unknown id is 404"
http_req GET "/api/v1/jobs?limit=2"
expect_http 200 "the list"
assert_eq 2 "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["jobs"]))' "$BODY")" "limit holds: $BODY"
http_req GET "/api/v1/jobs/0000nosuchjob"
expect_http 404 "an unknown job"
http_req GET "/api/v1/jobs?limit=0"
expect_http 422 "a limit out of range"

case_ "strata jobs: the operator lists, shows and cancels the server's jobs"
expect_exit 0 -- S jobs list --store srv.db
expect_stdout_match "crawl +web +- +succeeded"
expect_stdout_match "cancelled"
expect_exit 0 -- S jobs show "$JOB" --store srv.db --json
expect_json_true "the job's JSON" 'd["id"] == "'"$JOB"'" and d["status"] == "cancelled" and d["owner"] == ""'
expect_exit 3 -- S jobs show nosuchjob --store srv.db
expect_stderr_match "no job 'nosuchjob'"
post /api/v1/collections/web/web "$ENDLESS"
assert_eq 202 "$CODE" "$BODY"
JOB=$(body_id)
sleep 1
expect_exit 0 -- S jobs cancel "$JOB" --store srv.db
job_wait "$JOB" 20
assert_eq cancelled "$JOB_STATUS" "a cancel from the command line stops the server's job: $(cat "$E2E_TMP/job")"

case_ "strata serve: a document over 1 MiB is a job too; /metrics counts the jobs that ended"
python3 -c "import json; print(json.dumps({'source': 'big.txt', 'text': ('Large documents are stored by a background job. ' * 24000)}))" >big.json
http_req POST /api/v1/collections/web/documents -H 'Content-Type: application/json' --data-binary @big.json
expect_http 202 "a large upload is answered at once"
job_wait "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$E2E_TMP/body")" 60
assert_eq succeeded "$JOB_STATUS" "$(head -c 400 "$E2E_TMP/job")"
assert_eq "document" "$(job_field "j['kind']")" "its kind"
assert_eq 1 "$(q srv.db "SELECT count(*) FROM documents WHERE source = 'big.txt'")" "the document is stored"
http_req POST /api/v1/collections/web/documents -H 'Content-Type: application/json' -d '{"source": "small.txt", "text": "A small one is stored in place."}'
expect_http 200 "a small upload is answered in place"
http_req GET /metrics
expect_http 200 "metrics"
assert_true "crawls that succeeded and were cancelled are counted" grep -q 'strata_jobs_ended_total{kind="crawl",status="cancelled"} [1-9]' "$E2E_TMP/body"
assert_true "the document job too" grep -q 'strata_jobs_ended_total{kind="document",status="succeeded"} 1' "$E2E_TMP/body"
assert_true "and the jobs running now" grep -q '^strata_jobs_running 0$' "$E2E_TMP/body"

case_ "strata serve: a job running when the server stops is handed back and goes on after the restart"
post /api/v1/collections/web/web "{\"url\": \"$A/slow/0\", \"crawl\": {\"max_seconds\": 3}}"
assert_eq 202 "$CODE" "$BODY"
JOB=$(body_id)
sleep 1
serve_down
assert_eq 0 "$STOP_RC" "the server stops cleanly"
assert_eq queued "$(q srv.db "SELECT status FROM jobs WHERE id = '$JOB'")" "its running job is queued again"
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl --allow-private --workers 1 --max-jobs-per-key 1
job_wait "$JOB" 20
assert_eq succeeded "$JOB_STATUS" "the restarted server runs it to its end: $(cat "$E2E_TMP/job")"

case_ "strata serve: a job whose server is killed mid-crawl is taken over by the next server once the first is silent (--job-takeover), and goes on from its checkpoint"
# A crawl bounded by its pages, into a collection of its own: its pages are the first 16 of the
# endless site's breadth-first order (/slow/N and /slow/Nx say the same: one of each is stored),
# whichever server fetches them.
BOUNDED="{\"url\": \"$A/slow/0\", \"crawl\": {\"max_pages\": 16}}"
sources_of() { q srv.db "SELECT d.source FROM documents d JOIN collections c ON c.id = d.collection_id WHERE c.name = '$1'" | LC_ALL=C sort; }
: >site/requests
post /api/v1/collections/resumed/web "$BOUNDED"
assert_eq 202 "$CODE" "$BODY"
JOB=$(body_id)
sleep 2.5
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
assert_eq running "$(q srv.db "SELECT status FROM jobs WHERE id = '$JOB'")" "a killed server hands nothing back: its job is still marked running"
sources_of resumed >stored_before
q srv.db "SELECT checkpoint FROM jobs WHERE id = '$JOB'" >checkpoint.json
# The checkpoint's pages done (their paths) and the progress saved with it.
python3 -c 'import json,sys,urllib.parse as u; [print(u.urlsplit(x).path) for x in json.load(open(sys.argv[1]))["taken"]]' checkpoint.json >taken_before
SAVED_DONE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["done"])' checkpoint.json 2>/dev/null)
assert_true "the crawl saved its checkpoint before the kill, with pages done ($(wc -l <taken_before)) and its progress (${SAVED_DONE:-none})" \
    test -s taken_before -a "${SAVED_DONE:-0}" -gt 0
note "$(wc -l <stored_before) pages stored and $(wc -l <taken_before) done in the checkpoint when the server was killed"
RESTART=$(date +%s.%N)
T0=$(date +%s)
serve_up 127.0.0.1:0 --store srv.db --collection web --allow-crawl --allow-private --workers 1 --job-takeover 2
# Progress as the next server reports it, until the job ends.
: >progress_seen
for _ in $(seq 150); do
    curl -s -o "$E2E_TMP/job" "$BASE/api/v1/jobs/$JOB" 2>/dev/null
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["status"], j["progress"]["done"])' "$E2E_TMP/job" >>progress_seen 2>/dev/null
    tail -1 progress_seen | grep -q '^running' || break
    sleep 0.2
done
job_wait "$JOB" 30
assert_eq succeeded "$JOB_STATUS" "the next server takes it over and runs it to its end: $(cat "$E2E_TMP/job")"
note "taken over and finished $(($(date +%s) - T0)) s after the restart"
sources_of resumed >stored_after
assert_eq "$(sort -u stored_after | wc -l)" "$(wc -l <stored_after)" "no page stored twice"
assert_eq "" "$(LC_ALL=C comm -23 stored_before stored_after)" "nothing lost: every page stored before the kill is still stored"
AGAIN=$(awk -v t="$RESTART" '$1 >= t && $3 == "GET" && $4 ~ /^\/slow\//' site/requests | awk '{print $4}' | LC_ALL=C sort | LC_ALL=C comm -12 - <(LC_ALL=C sort taken_before))
assert_eq "" "$AGAIN" "the next server fetches none of the pages the checkpoint names done"
assert_true "progress goes on from the checkpoint's (${SAVED_DONE:-none}), never back to 0: $(tr '\n' ' ' <progress_seen)" \
    python3 -c 'import sys; d=[int(l.split()[1]) for l in open(sys.argv[1]) if l.strip()]; sys.exit(0 if d and min(d) >= int(sys.argv[2]) else 1)' progress_seen "${SAVED_DONE:-1}"
RESUMED_DONE=$(job_field "j['progress']['done']")
# The same crawl uncut, for the pages it stores and the progress it reports.
post /api/v1/collections/uncut/web "$BOUNDED"
assert_eq 202 "$CODE" "$BODY"
job_wait "$(body_id)" 60
assert_eq succeeded "$JOB_STATUS" "the uncut crawl: $(cat "$E2E_TMP/job")"
sources_of uncut | sed "s|^$A||" >uncut_pages
sed "s|^$A||" stored_after >resumed_pages
assert_true "the kill came mid-crawl ($(wc -l <stored_before) of $(wc -l <uncut_pages) pages stored)" \
    test "$(wc -l <stored_before)" -lt "$(wc -l <uncut_pages)"
assert_eq "$(cat uncut_pages)" "$(cat resumed_pages)" "the resumed crawl stores the pages the uncut one does, no more, no fewer"
assert_eq "$(job_field "j['progress']['done']")" "$RESUMED_DONE" "and its progress ends where the uncut crawl's does"
serve_down

e2e_finish
