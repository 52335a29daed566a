#!/usr/bin/env bash
# Installs what the tests need on top of scripts/setup.sh (when missing) and builds the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_packages "${TEST_PACKAGES[@]}"
for dir in "${TEST_NPM_DIRS[@]}"; do npm_install_dir "$dir"; done
echo "== building the tests"
cmake -S . -B build -G Ninja -DTRTLENS_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
