#!/usr/bin/env bash
# Installs what building and running trtlens need (Debian packages, the web UI's build tools), builds the UI and the
# `trtlens` binary into build/. What only the tests need is installed by scripts/setup-test.sh (scripts/test.sh
# calls it); scripts/check-setup-split.sh checks that nothing test-only creeps in here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
packages=("${BUILD_PACKAGES[@]}")
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
install_packages "${packages[@]}"
if [ -f web/package.json ]; then
  for dir in "${BUILD_NPM_DIRS[@]}"; do npm_install_dir "$dir"; done
  echo "== building the web UI"
  (cd web && npm run build)
fi
echo "== building trtlens"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
