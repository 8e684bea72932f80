#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (STRATA_FUZZ=ON) and runs each for a fixed budget, one
# at a time, printing executions and executions per second per target.
#
#   fuzz/run.sh [seconds-per-target] [target...]     default: 20 seconds, every target
#
# Env: FUZZ_BUILD_DIR (default <repo>/build-fuzz-clang), JOBS (build parallelism, default 2),
#      CXX/CC (default clang++-14/clang-14), FUZZ_ARGS (extra libFuzzer flags).
# Seeds are read from fuzz/corpus/<target>/ and fuzz/regressions/<target>/; inputs the fuzzer
# finds go to $FUZZ_BUILD_DIR/fuzz-corpus/<target>/ (never into the repository), and a failing
# input to $FUZZ_BUILD_DIR/fuzz-artifacts/<target>/. Exit status 1 when any target failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-20}
[[ $# -gt 0 ]] && shift
build=${FUZZ_BUILD_DIR:-$root/build-fuzz-clang}

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  # The list in fuzz/CMakeLists.txt is the one source of truth.
  mapfile -t targets < <(sed -n '/^set(strata_fuzz_targets/,/)/p' "$root/fuzz/CMakeLists.txt" |
                         sed 's/set(strata_fuzz_targets//; s/)//' | tr -s ' \n' '\n' | sed '/^$/d')
fi

CC=${CC:-clang-14} CXX=${CXX:-clang++-14} cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_FUZZ=ON -DSTRATA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
summary=()
for t in "${targets[@]}"; do
  work="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t/"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  seeds=("$root/fuzz/corpus/$t")
  [[ -d "$root/fuzz/regressions/$t" ]] && seeds+=("$root/fuzz/regressions/$t")
  echo "== fuzz_$t for ${seconds}s"
  status=ok
  # shellcheck disable=SC2086
  if ! nice -n 10 "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts" ${FUZZ_ARGS:-} "$work" "${seeds[@]}" >"$log" 2>&1; then
    status="FAILED (see $log; input in $artifacts)"
    failed=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  line=$(printf '%-20s %8ss %12s execs %8s exec/s  %s' "$t" "${secs:-?}" "${runs:-?}" "${rate:-?}" "$status")
  echo "$line"
  summary+=("$line")
done
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
