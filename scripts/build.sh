#!/usr/bin/env bash
# Configures and builds strata into BUILD_DIR (default build/).
# Env: BUILD_DIR, BUILD_TYPE (default RelWithDebInfo), STRATA_WERROR (ON/OFF), STRATA_SANITIZE.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DSTRATA_WERROR="${STRATA_WERROR:-OFF}" \
  -DSTRATA_SANITIZE="${STRATA_SANITIZE:-OFF}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
