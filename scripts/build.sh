#!/usr/bin/env bash
# Configures and builds strata into BUILD_DIR (default build/).
# Env: BUILD_DIR, BUILD_TYPE (default RelWithDebInfo), STRATA_WERROR (ON/OFF), STRATA_SANITIZE,
# STRATA_TSAN (ON/OFF), STRATA_UNIT_SHARDS (0: a CTest test per unit test; N: N gtest shards),
# TARGETS (default: all).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DSTRATA_WERROR="${STRATA_WERROR:-OFF}" \
  -DSTRATA_SANITIZE="${STRATA_SANITIZE:-OFF}" \
  -DSTRATA_TSAN="${STRATA_TSAN:-OFF}" \
  -DSTRATA_DEBUG_LINES="${STRATA_DEBUG_LINES:-OFF}" \
  -DSTRATA_UNIT_SHARDS="${STRATA_UNIT_SHARDS:-0}" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build_dir" -j "$(nproc)" ${TARGETS:+--target $TARGETS}
