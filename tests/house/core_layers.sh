#!/usr/bin/env bash
# cmake/core_layers.cmake, the build's check of core's layers: passes on core/ as it is, and fails
# on a planted include of a higher area and on a folder missing from the order, naming the file
# and the header. Usage: core_layers.sh CMAKE SOURCE_DIR
set -u
cmake=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# check CORE_DIR: runs the script over every .cpp and .h under CORE_DIR; sets RC and OUT (its
# output on one line: cmake wraps a message's lines).
check() {
    local files
    files=$(find "$1" -name '*.cpp' -o -name '*.h' | sort | paste -sd';')
    OUT=$("$cmake" -DCORE_DIR="$1" -DSTAMP="$tmp/stamp" "-DFILES=$files" -P "$src/cmake/core_layers.cmake" 2>&1)
    RC=$?
    OUT=$(tr -s ' \n' '  ' <<<"$OUT")
}

check "$src/core"
[ "$RC" = 0 ] || fail "core/ as it is: $OUT"

mkdir -p "$tmp/core/common" "$tmp/core/store" "$tmp/core/mcp"
printf '#pragma once\n' >"$tmp/core/common/text.h"
printf '#pragma once\n#include "common/text.h"\n#include <vector>\n' >"$tmp/core/store/store.h"
printf '#include "store/store.h"\n#include "common/text.h"\n' >"$tmp/core/mcp/tools.cpp"
check "$tmp/core"
[ "$RC" = 0 ] || fail "includes of lower areas and of its own: $OUT"

printf '#include "common/text.h"\n  #  include "store/store.h"  // planted\n' >"$tmp/core/common/text.cpp"
rm -f "$tmp/stamp"
check "$tmp/core"
[ "$RC" != 0 ] || fail "an include of a higher area passed"
grep -q 'core/common/text.cpp: common includes store/store.h, of store, an area above it' <<<"$OUT" ||
    fail "the planted include is not named: $OUT"
[ ! -e "$tmp/stamp" ] || fail "the stamp was written although the check failed"
rm "$tmp/core/common/text.cpp"

mkdir -p "$tmp/core/zeta"
printf '#include "common/text.h"\n' >"$tmp/core/zeta/z.cpp"
check "$tmp/core"
[ "$RC" != 0 ] || fail "a folder missing from the order passed"
grep -q "core/zeta/z.cpp: core/zeta has no place in core's layers" <<<"$OUT" || fail "the new folder is not named: $OUT"

[ "$failures" = 0 ] && echo "core_layers: ok"
exit $((failures > 0))
