#!/usr/bin/env bash
# Installs the Debian 12 packages strata needs to build and test, only those missing.
# Usage: scripts/install-deps.sh [--test]   (--test adds what the test suite drives, and what
#        scripts/package-test.sh needs: dpkg-shlibdeps and file for cpack, debootstrap for a clean root)
set -euo pipefail
build=(cmake ninja-build g++ pkg-config libsqlite3-dev libsqlitecpp-dev libcli11-dev
       nlohmann-json3-dev libgtest-dev libutf8proc-dev libgumbo-dev libpoppler-cpp-dev libzip-dev libxml2-dev libtomlplusplus-dev
       libcurl4-openssl-dev libpq-dev libssl-dev)
test=(sqlite3 python3 bash-completion fish zsh man-db groff-base procps util-linux
      poppler-utils postgresql postgresql-client clang-14 libclang-rt-14-dev
      dpkg-dev file debootstrap)
want=("${build[@]}")
[ "${1:-}" = "--test" ] && want+=("${test[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
