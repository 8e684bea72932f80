#!/usr/bin/env bash
# Checks that each target's sources compile as ONE translation unit (a unity build with no
# batch limit), so that no two files of a target give the same name to different things in
# their anonymous namespaces. The normal build batches 8 files at a time (CMakeLists.txt), and
# which files share a batch changes whenever a file is added: a clash this check finds would
# otherwise break the build later, in a change that did not make it.
# Syntax only (no code generated): 89 s on 2 cores with the folder's generated sources made, but
# 764 s at nice 19 beside another build (the core and the unit tests each parse as one file); CI
# runs it beside the package test (.ci/run).
#
# Usage: scripts/check-unity.sh      Env: UNITY_CHECK_DIR (default build-unity-check/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${UNITY_CHECK_DIR:-$root/build-unity-check}
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_WERROR=ON \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=0 >/dev/null
cd "$dir"
# The generated sources the unity files include.
mapfile -t generated < <(ninja -t targets all | sed -n 's/^\(generated\/[^:]*\.cpp\):.*/\1/p' | sort -u)
ninja "${generated[@]}" >/dev/null
mapfile -t objects < <(ninja -t targets all | grep -o '^[^:]*Unity/unity_[0-9]*_cxx\.cxx\.o' | sort -u)
[ ${#objects[@]} -gt 0 ] || { echo "check-unity: no unity sources in $dir" >&2; exit 1; }
commands=$dir/unity-commands.txt
for o in "${objects[@]}"; do
  ninja -t commands "$o" | tail -1 | sed 's/ -MD -MT [^ ]* -MF [^ ]* / /; s/ -o [^ ]* / -fsyntax-only /'
done >"$commands"
if ! xargs -P "$(nproc)" -d '\n' -I{} bash -c '{}' <"$commands"; then
  echo "check-unity: a target's files clash in one translation unit (above): give the names in their" \
       "anonymous namespaces distinct names, or share one definition in a header" >&2
  exit 1
fi
echo "check-unity: ${#objects[@]} targets compile as one translation unit each"
