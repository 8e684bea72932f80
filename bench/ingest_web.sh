#!/usr/bin/env bash
# A documentation site into the store, over HTTP from 127.0.0.1: `strata ingest URL --crawl`
# against `wget --mirror` followed by `strata ingest` of the folder, and against Crawlee's
# CheerioCrawler (npm) fetching the same pages, side by side in one run; then a re-crawl of the
# unchanged site, which asks for every page conditionally.
#
#   site     SITE (default: Debian's postgresql-doc-15 HTML manual, 1,169 pages) served by nginx
#            (scripts/install-deps.sh --bench) on 127.0.0.1: ETag and Last-Modified on every file,
#            304 to a matching If-None-Match / If-Modified-Since, keep-alive
#   crawl    strata ingest -q --crawl --allow-private --max-pages 100000 --max-depth 100 $CRAWL_FLAGS
#            URL/ into a fresh store
#   recrawl  the same command again on that store, the site unchanged
#   wget     wget --mirror -nH -q URL/ into a fresh folder, then strata ingest -q of the folder into
#            a fresh store (timed together: the pages are only in the store at the end)
#   crawlee  bench/crawlee_crawl.mjs: CheerioCrawler 3 from URL/, same origin, every page parsed and
#            its text taken, its links enqueued, in-memory storage; on npm's Node 22, installed with
#            tests/e2e/lib.sh's npm_install_pinned into $PEERS/crawlee
# pages/s: the HTML pages nginx answered 200 during the phase (its access log) over the phase's wall
# time, processes started and stopped included. Each phase runs RUNS times (default 3), interleaved,
# the peers' order rotating; medians are reported. One JSON line per phase goes to stdout and
# $PEERS/results/ingest_web.jsonl, then a markdown table with the ratios (pages/s against the
# strata crawl's; first crawl's time over the re-crawl's: the aim is >= 10).
#
#   usage: bench/ingest_web.sh
#   env:   STRATA (default <repo>/build/strata), RUNS (3), PEERS (~/.cache/strata-peers), SITE,
#          CRAWL_FLAGS (more flags for both strata crawls, e.g. "--delay 0"),
#          CRAWLEE_CONCURRENCY (requests in flight; default Crawlee's autoscaling)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
RUNS=${RUNS:-3}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
SITE=${SITE:-/usr/share/doc/postgresql-doc-15/html}
CRAWL_FLAGS=${CRAWL_FLAGS:-}
CRAWLEE_VERSION=3.18.1

[ -x "$STRATA" ] || { echo "ingest_web.sh: $STRATA not found (build first: bash scripts/build.sh)" >&2; exit 1; }
case $("$STRATA" ingest --help) in *--crawl*) ;; *) false ;; esac || { echo "ingest_web.sh: $STRATA has no ingest --crawl" >&2; exit 1; }
for cmd in nginx wget sqlite3 npm python3; do
  command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$cmd" >/dev/null 2>&1 ||
    { echo "ingest_web.sh: $cmd not found (scripts/install-deps.sh --bench)" >&2; exit 1; }
done
[ -f "$SITE/index.html" ] || { echo "ingest_web.sh: no $SITE/index.html (scripts/install-deps.sh --test installs postgresql-doc-15)" >&2; exit 1; }

# Crawlee and the Node it runs on, pinned, in the peers' folder (kept between runs).
# shellcheck source=../tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
set -e
CRAWLEE_DIR=$PEERS/crawlee
npm_install_pinned "$CRAWLEE_DIR" "crawlee@$CRAWLEE_VERSION" "node@$NODE22_VERSION" ||
  { echo "ingest_web.sh: npm could not install crawlee@$CRAWLEE_VERSION and node@$NODE22_VERSION into $CRAWLEE_DIR" >&2; exit 1; }
NODE=$CRAWLEE_DIR/node_modules/.bin/node

T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-web.XXXXXX")
NGINX=""
cleanup() {
  if [ -n "$NGINX" ] && kill -0 "$NGINX" 2>/dev/null; then kill -TERM "$NGINX"; wait "$NGINX" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT

# nginx on a free port of 127.0.0.1, in the foreground, everything it writes under $T.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  charset utf-8;
  log_format plain '\$status \$uri';
  client_body_temp_path $T/nginx; proxy_temp_path $T/nginx; fastcgi_temp_path $T/nginx;
  uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;
  server {
    listen 127.0.0.1:$PORT;
    root $SITE;
    access_log $T/nginx/access.log plain;
  }
}
EOF
PATH=$PATH:/usr/sbin nginx -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" -p "$T/nginx" 2>"$T/nginx/stderr" &
NGINX=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf -o /dev/null "$URL/" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL/" || { echo "ingest_web.sh: nginx did not start:" >&2; cat "$T/nginx/stderr" "$T/nginx/error.log" >&2; exit 1; }
LOG=$T/nginx/access.log

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
div() { awk -v a="$1" -v b="$2" -v p="${3:-1}" 'BEGIN {printf "%.*f", p, a / b}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
log_lines() { wc -l <"$LOG"; }
# pages_since N STATUS: HTML pages answered STATUS after the log's first N lines
pages_since() { tail -n +"$(($1 + 1))" "$LOG" | awk -v s="$2" '$1 == s && ($2 ~ /\.html$/ || $2 ~ /\/$/)' | wc -l; }
docs() { sqlite3 "$1" "SELECT count(*) FROM documents"; }

# phase NAME COMMAND...: runs COMMAND timed; appends "seconds pages_200 pages_304" to $T/NAME
phase() {
  local name=$1 start t0 t1
  shift
  start=$(log_lines)
  t0=$(now)
  "$@"
  t1=$(now)
  echo "$(elapsed "$t0" "$t1") $(pages_since "$start" 200) $(pages_since "$start" 304)" >>"$T/$name"
}
# shellcheck disable=SC2086  # CRAWL_FLAGS: several flags
strata_crawl() { "$STRATA" ingest -q --store "$1" --crawl --allow-private --max-pages 100000 --max-depth 100 $CRAWL_FLAGS "$URL/"; }
wget_then_ingest() {
  rm -rf "$T/mirror" "$T"/w.db*
  wget --mirror -nH -q -P "$T/mirror" "$URL/" || [ $? = 8 ]  # 8: some 404 (robots.txt), expected
  "$STRATA" ingest -q --store "$T/w.db" "$T/mirror"
}
crawlee() { "$NODE" "$ROOT/bench/crawlee_crawl.mjs" "$CRAWLEE_DIR" "$URL/" >>"$T/crawlee.json"; }
fresh_crawl() { rm -f "$T"/s.db*; strata_crawl "$T/s.db"; }

echo "strata $("$STRATA" --version | sed 's/^strata //'), crawlee $CRAWLEE_VERSION on node $("$NODE" --version)," \
  "$(wget --version | head -1 | cut -d' ' -f1-3), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)" >&2
for r in $(seq 1 "$RUNS"); do
  case $((r % 3)) in
    1) order="strata wget crawlee" ;;
    2) order="wget crawlee strata" ;;
    0) order="crawlee strata wget" ;;
  esac
  for tool in $order; do
    case $tool in
      strata) phase crawl fresh_crawl; phase recrawl strata_crawl "$T/s.db" ;;
      wget) phase wget wget_then_ingest ;;
      crawlee) phase crawlee crawlee ;;
    esac
  done
  echo "run $r: $(tail -1 "$T/crawl") | $(tail -1 "$T/recrawl") | $(tail -1 "$T/wget") | $(tail -1 "$T/crawlee")" >&2
done
stored_crawl=$(docs "$T/s.db")
stored_wget=$(docs "$T/w.db")
crawlee_pages=$(tail -1 "$T/crawlee.json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pages"])')

col() { awk -v c="$2" '{print $c}' "$T/$1" | median; }
rate() { div "$(col "$1" 2)" "$(col "$1" 1)"; }
mkdir -p "$PEERS/results"
{
  for p in crawl recrawl wget crawlee; do
    echo "{\"bench\":\"ingest_web\",\"phase\":\"$p\",\"seconds\":$(col $p 1),\"pages_200\":$(col $p 2),\"pages_304\":$(col $p 3),\"pages_per_s\":$(rate $p),\"runs\":$RUNS}"
  done
  echo "{\"bench\":\"ingest_web\",\"phase\":\"stored\",\"strata_crawl_documents\":$stored_crawl,\"wget_then_ingest_documents\":$stored_wget,\"crawlee_pages\":$crawlee_pages}"
} | tee -a "$PEERS/results/ingest_web.jsonl"

crawl_rate=$(rate crawl)
echo
echo "| side (median of $RUNS) | seconds | pages fetched (200) | pages/s | against strata --crawl |"
echo "|---|---:|---:|---:|---:|"
echo "| strata ingest --crawl, fresh store ($stored_crawl documents) | $(col crawl 1) | $(col crawl 2) | $crawl_rate | 1 |"
echo "| wget --mirror, then strata ingest of the folder ($stored_wget documents) | $(col wget 1) | $(col wget 2) | $(rate wget) | $(div "$(rate wget)" "$crawl_rate" 2)× |"
echo "| Crawlee $CRAWLEE_VERSION CheerioCrawler ($crawlee_pages pages handled) | $(col crawlee 1) | $(col crawlee 2) | $(rate crawlee) | $(div "$(rate crawlee)" "$crawl_rate" 2)× |"
echo "| strata re-crawl, unchanged site ($(col recrawl 3) answered 304, $(col recrawl 2) 200) | $(col recrawl 1) | | | first / re-crawl: $(div "$(col crawl 1)" "$(col recrawl 1)")× faster |"
