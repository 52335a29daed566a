# Sourced by scripts/setup.sh and scripts/setup-test.sh: what each installs, in one place, so that
# scripts/check-setup-split.sh can list the first command's packages without installing anything.

# Building and running trtlens (README's first command). No browser, no test tooling.
BUILD_PACKAGES=(build-essential cmake ninja-build pkg-config
  libonnx-dev libprotobuf-dev protobuf-compiler libabsl-dev
  libcpp-httplib-dev nlohmann-json3-dev rapidjson-dev libcli11-dev libssl-dev zlib1g-dev libsqlite3-dev)
# npm projects whose packages the first command installs: the web UI's build tools (Vite, TypeScript) and its one
# runtime library (dagre), all compiled into web/dist and embedded in the binary.
BUILD_NPM_DIRS=(web)

# Only the tests (README's second command): GoogleTest, ONNX's test models, the browser for the UI tests, zsh to
# syntax-check the generated completions, xmllint for JUnit reports, python3 for the knowledge-base generator,
# dpkg-dev for the package's dependencies (dpkg-shlibdeps), clang for the libFuzzer smoke run (scripts/fuzz.sh).
TEST_PACKAGES=(libgtest-dev libgmock-dev libbenchmark-dev libonnx-testdata chromium python3 libxml2-utils zsh dpkg-dev
  clang)
# npm projects only the tests use: Playwright for the browser tests, Microsoft's SARIF validator.
TEST_NPM_DIRS=(web/e2e tests/report/sarif-validator)

# Prints the packages of the list given (names) that are not installed.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# Installs Debian packages that are missing (one apt-get run).
install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm ci in a project unless its node_modules is newer than its lock file.
npm_install_dir() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  echo "== npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund)
}
