#!/usr/bin/env bash
# Packaging tests (run by scripts/test.sh after the C++ tests; needs build/ from scripts/setup.sh):
#   1. the setup split (scripts/check-setup-split.sh);
#   2. the generated shell completions parse (bash -n, zsh -n, fish -n where installed), name every release and
#      precision of the knowledge base, and complete them; the man page renders without warnings;
#   3. CPack's .deb: its Depends are the Debian libraries the binary links; extracted into a scratch root
#      (dpkg -x), the installed trtlens runs --version, check and serve (start, GET /, stop).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
scratch=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== setup split"
bash scripts/check-setup-split.sh

echo "== shell completions and man page"
cmake --build "$BUILD" --target trtlens_shell_files >/dev/null
share="$BUILD/share"
releases=$(python3 -c 'import json,glob
for f in sorted(glob.glob("data/tensorrt/*.json")): print(json.load(open(f))["release"])')
precisions=$(python3 -c 'import json,glob
s=set()
for f in glob.glob("data/tensorrt/*.json"): s.update(json.load(open(f))["precisions"])
print("\n".join(sorted(s)))')
[ "$(wc -l <<<"$releases")" -ge 20 ] || fail "expected the knowledge base's releases, got: $releases"
bash -n "$share/trtlens.bash" || fail "bash -n trtlens.bash"
if command -v zsh >/dev/null; then zsh -n "$share/_trtlens" || fail "zsh -n _trtlens"; else echo "(zsh not installed: skipped zsh -n)"; fi
if command -v fish >/dev/null; then fish -n "$share/trtlens.fish" || fail "fish -n"; else echo "(fish not installed: skipped fish -n)"; fi
for f in trtlens.bash _trtlens trtlens.fish; do
  for r in $releases; do grep -qE "(^|[ '(])${r//./\\.}([ ')]|$)" "$share/$f" || fail "$f lacks release $r"; done
  for p in $precisions; do grep -qw "$p" "$share/$f" || fail "$f lacks precision $p"; done
  for c in check diff partition annotate serve track versions op; do grep -qw "$c" "$share/$f" || fail "$f lacks command $c"; done
  grep -q -- "jobs" "$share/$f" || fail "$f lacks check --jobs"
  grep -q "model-explorer" "$share/$f" || fail "$f lacks --format model-explorer"
done
# bash: complete what a user types (COMP_WORDS as bash fills it).
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _trtlens; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$share/trtlens.bash" "$@"
}
[ "$(complete_bash trtlens ch)" = "check" ] || fail "bash: 'trtlens ch' does not complete to check"
grep -qx -- "8.6" <<<"$(complete_bash trtlens check m.onnx --trt 8.)" || fail "bash: --trt 8. lacks 8.6"
grep -qx -- "latest" <<<"$(complete_bash trtlens check m.onnx --trt "")" || fail "bash: --trt lacks latest"
grep -qx -- "fp16,int8" <<<"$(complete_bash trtlens check m.onnx --precision fp16,i)" || fail "bash: --precision fp16,i"
grep -qx -- "model-explorer" <<<"$(complete_bash trtlens check m.onnx --format m)" || fail "bash: --format m"
[ "$(complete_bash trtlens track a)" = "add" ] || fail "bash: 'trtlens track a' does not complete to add"
grep -qx -- "--from" <<<"$(complete_bash trtlens track diff --f)" || fail "bash: track diff --f"
if grep -qx completion <<<"$(complete_bash trtlens)"; then fail "bash: the hidden completion command is offered"; fi
# A flag takes no value: after --strict come options again, not nothing.
grep -qx -- "--trt" <<<"$(complete_bash trtlens check m.onnx --strict --tr)" || fail "bash: --strict is treated as taking a value"
if grep -qE '(check:--strict|check:--verbose)\)' "$share/_trtlens"; then fail "zsh: flags are treated as taking a value"; fi
# man page: roff without warnings, and it documents the commands and the knowledge base.
gzip -t "$share/trtlens.1.gz"
if command -v groff >/dev/null; then
  warnings=$(zcat "$share/trtlens.1.gz" | groff -man -Tutf8 -ww -z 2>&1 || true)
  [ -z "$warnings" ] || fail "man page warnings: $warnings"
fi
man_text=$(zcat "$share/trtlens.1.gz")
grep -q '^\.SS "trtlens check' <<<"$man_text" || fail "man page lacks trtlens check"
grep -q 'TensorRT 7\.2\.1 to ' <<<"$man_text" || fail "man page lacks the release range"

echo "== Debian package"
(cd "$BUILD" && cpack -G DEB -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/trtlens_*.deb)
echo "   $(basename "$deb"): $(du -k "$deb" | cut -f1) KB"
depends=$(dpkg-deb -f "$deb" Depends)
echo "   Depends: $depends"
for lib in libonnx libprotobuf libsqlite3 libssl libc6 libstdc++6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib"
done
root="$scratch/root"
dpkg -x "$deb" "$root"
for f in usr/bin/trtlens usr/share/man/man1/trtlens.1.gz usr/share/bash-completion/completions/trtlens \
         usr/share/zsh/vendor-completions/_trtlens usr/share/fish/vendor_completions.d/trtlens.fish \
         usr/share/doc/trtlens/README.md usr/share/doc/trtlens/json-format.md usr/share/doc/trtlens/install.md; do
  [ -e "$root/$f" ] || fail "package lacks /$f"
done
# Only the binary, docs, man page and completions: nothing from the build tree or the tests.
others=$(cd "$root" && find . -type f | grep -vE '^\./usr/(bin/trtlens|share/(doc/trtlens/|man/man1/trtlens\.1\.gz|bash-completion/|zsh/|fish/))' || true)
[ -z "$others" ] || fail "unexpected files in the package: $others"
trt="$root/usr/bin/trtlens"
# Run from an empty directory so nothing of the checkout can be picked up.
cd "$scratch"
"$trt" --version | tee "$scratch/version.txt"
grep -q "^trtlens [0-9]" "$scratch/version.txt" || fail "--version lacks the tool version"
grep -qE "^knowledge base: TensorRT 7\.2\.1 to 10\.[0-9]+\.[0-9]+ \([0-9]+ releases\), data of [0-9]{4}-[0-9]{2}-[0-9]{2}$" \
  "$scratch/version.txt" || fail "--version lacks the knowledge base's range and date"
set +e
"$trt" check "$root/usr/share/doc/trtlens/examples/tiny-vit.onnx" --trt 8.6 --precision fp16 --format json >"$scratch/check.json"
rc=$?
set -e
[ $rc -eq 1 ] || fail "installed check exited $rc (expected 1: Gelu has no importer before 10.0)"
python3 - "$scratch/check.json" <<'PY' || fail "installed check: unexpected verdicts"
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [n for n in doc["nodes"] if n["status"] == "unsupported"]
assert bad and all(n["op_type"] == "Gelu" for n in bad), bad
assert doc["target"]["tensorrt"].startswith("8.6"), doc["target"]
PY
"$trt" serve --port 0 --data-dir "$scratch/data" >"$scratch/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^ ]*' "$scratch/serve.log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || fail "serve printed no URL: $(cat "$scratch/serve.log")"
page=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$url") \
  || fail "GET $url failed"
grep -qi "<!doctype html" <<<"$page" || fail "GET / is not the embedded web UI"
grep -q "<script" <<<"$page" || fail "GET / has no script: the UI is not embedded"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "OK: package installs and runs (--version, check, serve)"
