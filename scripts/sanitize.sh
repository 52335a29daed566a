#!/usr/bin/env bash
# Runs the C++ test suite under sanitizers (too slow for every CI run; docs/fuzzing.md gives the last results).
#   scripts/sanitize.sh asan    AddressSanitizer + UndefinedBehaviorSanitizer, whole suite   (build-asan/)
#   scripts/sanitize.sh tsan    ThreadSanitizer, the tests that run threads: server, store, batch, parallel (build-tsan/)
# Extra arguments go to ctest (e.g. -R Server).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
shift || true
jobs="${JOBS:-2}"
case "$mode" in
  asan)
    dir=build-asan
    flags=(-DTRTLENS_SANITIZE=ON)
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    filter=()
    ;;
  tsan)
    dir=build-tsan
    flags=(-DTRTLENS_TSAN=ON)
    export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
    # Tests whose code runs threads or several processes on one store.
    filter=(-R "ApiTest|Server|Upload|Store|Track|Batch|Parallel|ElasticWorkerPool|Concurrent|Crash")
    ;;
  *)
    echo "usage: scripts/sanitize.sh asan|tsan [ctest args]" >&2
    exit 2
    ;;
esac
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRTLENS_TESTS=ON "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$jobs"
ctest --test-dir "$dir" -j"$jobs" --output-on-failure "${filter[@]}" "$@"
