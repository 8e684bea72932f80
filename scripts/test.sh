#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and end to end) with CTest.
# Env as for scripts/build.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh" --test
"$root/scripts/build.sh"
build_dir=${BUILD_DIR:-$root/build}
# CTEST_ARGS: extra ctest arguments (CI leaves the real-world sets out of the sanitizer run: -LE realworld).
# shellcheck disable=SC2086
rc=0
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-} || rc=$?
if [ "$rc" != 0 ]; then
    # CI keeps only the end of its log: run the failed tests again, one at a time, so their output
    # is what comes last. The run has failed whatever the second attempt does.
    echo "== the failed tests, again, one at a time"
    ctest --test-dir "$build_dir" --rerun-failed --output-on-failure -j 1 || true
    exit "$rc"
fi
