#!/usr/bin/env bash
# Installs the Debian 12 packages strata needs to build and test, only those missing.
# Usage: scripts/install-deps.sh [--test] [--bench] [--list]
#   --test  adds what the test suite drives (every command the tests call comes from these
#           packages or from Debian's minimal base: scripts/check-test-deps.py checks it), and
#           what scripts/package-test.sh needs: dpkg-shlibdeps and file for cpack, debootstrap
#           for a clean root
#   --bench adds what the benchmarks in bench/ run beyond --test's (with --test; their npm peers are
#           installed by the scripts themselves)
#   --list  prints the packages, one a line, and installs nothing
set -euo pipefail
with_test=0
with_bench=0
list=0
for arg in "$@"; do
  case $arg in
    --test) with_test=1 ;;
    --bench) with_bench=1 ;;
    --list) list=1 ;;
    *) echo "install-deps: error: unknown option $arg (usage: $0 [--test] [--bench] [--list])" >&2; exit 2 ;;
  esac
done
build=(cmake ninja-build g++ pkg-config python3 libsqlite3-dev libsqlitecpp-dev libcli11-dev
       nlohmann-json3-dev libgtest-dev libutf8proc-dev libgumbo-dev libpoppler-cpp-dev libzip-dev libxml2-dev zlib1g-dev libtomlplusplus-dev
       libcurl4-openssl-dev libpq-dev libmariadb-dev libssl-dev libedit-dev libpg-query-dev libboost1.74-dev libhnswlib-dev)
# iproute2: ip, which tests/e2e/ingest_web.sh runs in its network namespace (ip link set lo up).
# chromium: the browser tests/e2e/serve_page.sh drives with Playwright (playwright-core from npm,
# which never downloads a browser of its own).
# sqitch, libdbd-sqlite3-perl, libdbd-pg-perl and libdbd-mysql-perl: the real `sqitch deploy`
# tests/e2e/migrate_sqitch.sh and migrate_sqitch_mysql.sh compare strata with (sqitch depends on one
# DBD driver only; its MySQL engine asks for DBD::mysql, and runs scripts with the mariadb client).
test=(sqlite3 bash-completion fish zsh man-db groff-base procps util-linux
      poppler-utils postgresql postgresql-client mariadb-server mariadb-client openssl clang-14 libclang-rt-14-dev
      dpkg-dev file debootstrap nodejs time strace alembic curl systemd chromium iproute2
      sqitch libdbd-sqlite3-perl libdbd-pg-perl libdbd-mysql-perl
      postgresql-doc-15 python3.11-doc nginx-light wget)
# postgresql-doc-15 and python3.11-doc: two of the manuals tests/e2e/offline_answers.sh asks its
# questions over (bench/offline_answers.sh); bench/ingest_web.sh serves the first with nginx.
# nginx-light: the load balancer tests/e2e/serve_replicas.sh puts in front of three servers (and
# bench/ingest_web.sh's web server).
# wget: tests/e2e/crawl_vs_wget.sh mirrors the PostgreSQL manual with it beside strata's crawl (and
# bench/ingest_web.sh times the two).
bench=()
want=("${build[@]}")
[ "$with_test" = 1 ] && want+=("${test[@]}")
[ "$with_bench" = 1 ] && want+=("${bench[@]}")
# npm (below) is listed too: on Debian's own packages it is one.
needs_npm=$((with_test | with_bench))
[ "$list" = 1 ] && { printf '%s\n' "${want[@]}"; [ "$needs_npm" = 1 ] && echo npm; exit 0; }

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs the MCP clients tests/e2e/mcp.sh runs. Debian packages it apart from nodejs;
# NodeSource's nodejs carries its own (and conflicts with Debian's), so it is asked for only
# when no npm is on PATH.
[ "$needs_npm" = 1 ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
