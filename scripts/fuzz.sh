#!/usr/bin/env bash
# Builds the libFuzzer target (clang, ASan+UBSan, in build-fuzz/), writes the seed corpus and fuzzes.
#   scripts/fuzz.sh smoke          ~30 s run over the seeds (part of scripts/test.sh)
#   scripts/fuzz.sh run [ARGS...]  long run; extra ARGS go to libFuzzer (e.g. -runs=1000000, -max_total_time=3600)
# Crashes are written to build-fuzz/crashes/; turn each into a regression test (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-smoke}"
shift || true
if ! command -v clang++ >/dev/null 2>&1; then
  echo "== fuzz: clang++ not installed; skipping (scripts/setup-test.sh installs it)"
  exit 0
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRTLENS_FUZZ=ON \
  -DTRTLENS_TESTS=OFF >/dev/null
cmake --build build-fuzz --target fuzz_check fuzz_seeds -j"${JOBS:-2}"
mkdir -p build-fuzz/seeds build-fuzz/corpus build-fuzz/crashes
build-fuzz/fuzz_seeds build-fuzz/seeds
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
common=(-max_len=65536 -rss_limit_mb=2048 -timeout=10 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1)
case "$mode" in
  smoke)
    # A fresh corpus each time: the smoke run must not depend on what an earlier run found.
    rm -rf build-fuzz/smoke && mkdir -p build-fuzz/smoke
    build-fuzz/fuzz_check "${common[@]}" -max_total_time="${FUZZ_SECONDS:-30}" build-fuzz/smoke build-fuzz/seeds
    ;;
  run)
    build-fuzz/fuzz_check "${common[@]}" "$@" build-fuzz/corpus build-fuzz/seeds
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke|run [libFuzzer args]" >&2
    exit 2
    ;;
esac
