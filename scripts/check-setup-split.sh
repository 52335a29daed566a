#!/usr/bin/env bash
# Lists what the README's first command (scripts/setup.sh) installs and fails if anything test-only is in it:
# Debian packages with their whole dependency closure (apt-cache, nothing installed), npm packages from the lock files
# of the npm projects it installs. Prints the closure's download size for the first command and for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
fail=0

# 1. setup.sh installs the build lists only (the lists are in scripts/deps.sh).
if grep -nE 'TEST_(PACKAGES|NPM_DIRS)|sarif-validator|web/e2e|chromium' scripts/setup.sh; then
  echo "FAIL: scripts/setup.sh refers to test-only dependencies (above)"; fail=1
fi

# 2. The Debian closure of the first command's packages.
closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
    "$@" 2>/dev/null | grep -E '^[a-z0-9]' | grep -v '^<' | sort -u
}
build_closure=$(closure "${BUILD_PACKAGES[@]}" nodejs npm)
echo "== the first command's Debian packages (with dependencies): $(wc -l <<<"$build_closure")"
echo "   requested: ${BUILD_PACKAGES[*]} (+ nodejs npm when node is missing)"
test_only=(chromium chromium-common libgtest-dev libgmock-dev googletest libbenchmark-dev libonnx-testdata libxml2-utils zsh)
for p in "${test_only[@]}"; do
  if grep -qx "$p" <<<"$build_closure"; then echo "FAIL: test-only Debian package '$p' is in the first command"; fail=1; fi
done

# Download size (MB) of a package list's closure, from the archive index (what a fresh machine would fetch).
mb_of() {
  xargs apt-cache show --no-all-versions 2>/dev/null | awk '/^Size:/ {s += $2} END {printf "%.0f", s / 1048576}'
}
test_closure=$(closure "${TEST_PACKAGES[@]}")
test_extra=$(comm -13 <(echo "$build_closure") <(echo "$test_closure"))
echo "   download size: first command $(mb_of <<<"$build_closure") MB;" \
  "the tests add $(wc -l <<<"$test_extra") packages, $(mb_of <<<"$test_extra") MB"

# 3. npm: every package in the lock files of the projects setup.sh installs.
npm_list() {
  python3 -c 'import json,sys
for f in sys.argv[1:]:
    for k in json.load(open(f))["packages"]:
        if k: print(k.split("node_modules/")[-1])' "$@" | sort -u
}
locks=()
for d in "${BUILD_NPM_DIRS[@]}"; do locks+=("$d/package-lock.json"); done
build_npm=$(npm_list "${locks[@]}")
echo "== the first command's npm packages: $(wc -l <<<"$build_npm") ($(tr '\n' ' ' <<<"$build_npm" | cut -c1-160)...)"
for p in playwright-core playwright @microsoft/sarif-multitool vitest jsdom; do
  if grep -qx "$p" <<<"$build_npm"; then echo "FAIL: test-only npm package '$p' is in the first command"; fail=1; fi
done
# ... and the tests still get theirs.
tlocks=()
for d in "${TEST_NPM_DIRS[@]}"; do tlocks+=("$d/package-lock.json"); done
test_npm=$(npm_list "${tlocks[@]}")
for p in playwright-core @microsoft/sarif-multitool; do
  grep -qx "$p" <<<"$test_npm" || { echo "FAIL: the tests' npm projects lack '$p'"; fail=1; }
done
for p in chromium libgtest-dev zsh; do
  grep -qx "$p" <<<"$(printf '%s\n' "${TEST_PACKAGES[@]}")" || { echo "FAIL: the tests' Debian packages lack '$p'"; fail=1; }
done

[ $fail -eq 0 ] && echo "OK: the first command installs nothing test-only"
exit $fail
