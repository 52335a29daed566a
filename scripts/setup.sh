#!/usr/bin/env bash
# Installs every dependency (Debian packages, npm packages), builds the UI and the trtlens binary.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(build-essential cmake ninja-build pkg-config
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata libabsl-dev
  libcpp-httplib-dev nlohmann-json3-dev rapidjson-dev libcli11-dev libssl-dev zlib1g-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev chromium python3 libxml2-utils
  clang)  # clang: the libFuzzer smoke run (scripts/fuzz.sh)
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ -f web/package.json ]; then
  echo "== building the web UI"
  (cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build)
fi
echo "== installing the SARIF schema validator used by the tests"
(cd tests/report/sarif-validator && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
echo "== building trtlens"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
