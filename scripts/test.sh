#!/usr/bin/env bash
# Runs the whole test suite: C++ unit/integration tests (CTest) and, when the UI exists, the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-test.sh  # what only the tests need, when missing
echo "== C++ tests"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
if [ -f web/package.json ] && grep -q '"test:unit"' web/package.json; then
  echo "== web: type-check (tsc --noEmit) and unit tests of the pure view functions (node --test, no browser)"
  (cd web && npm run typecheck && npm run test:unit)
fi
if [ -f web/package.json ] && grep -q '"test:e2e"' web/package.json; then
  echo "== browser tests"
  (cd web && npm run test:e2e)
fi
echo "== packaging: setup split, completions, man page, .deb installed into a scratch root"
bash scripts/test-packaging.sh
echo "== fuzz smoke run (libFuzzer, ASan+UBSan; docs/fuzzing.md)"
bash scripts/fuzz.sh smoke
if [ -f tools/kbgen/kbgen.py ]; then
  echo "== knowledge base is in sync with its generator"
  python3 tools/kbgen/kbgen.py --check
  python3 tools/kbgen/hwgen.py --check
fi
echo "== docs/codes.md is in sync with the code catalogue (src/util/codes.def)"
python3 tools/codesgen.py --check
