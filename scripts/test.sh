#!/usr/bin/env bash
# Runs the whole test suite: C++ unit/integration tests (CTest) and, when the UI exists, the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== C++ tests"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
if [ -f web/package.json ] && grep -q '"test:e2e"' web/package.json; then
  echo "== browser tests"
  (cd web && npm run test:e2e)
fi
echo "== fuzz smoke run (libFuzzer, ASan+UBSan; docs/fuzzing.md)"
bash scripts/fuzz.sh smoke
if [ -f tools/kbgen/kbgen.py ]; then
  echo "== knowledge base is in sync with its generator"
  python3 tools/kbgen/kbgen.py --check
fi
