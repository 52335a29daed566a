#!/usr/bin/env bash
# Builds the benchmark tools, generates the models into bench/out/ and prints, per model, `trtlens check` against a
# bare protobuf parse of the same file: wall and CPU time (median of RUNS) and peak resident memory, with ratios.
#   bench/run.sh                  # 3300-layer transformer (~100k nodes), 100 MB and 1 GB external weights
#   RUNS=5 LAYERS=3300 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-11}
LAYERS=${LAYERS:-3300}
BUILD=${BUILD:-build}
OUT=bench/out
[ -f "$BUILD/build.ninja" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target trtlens_bench >/dev/null
mkdir -p "$OUT"
gen() { [ -f "$2" ] || "$BUILD/bench/gen_models" "$1" "$2" "$3" >/dev/null; }
gen transformer "$OUT/transformer.onnx" "$LAYERS"
gen external "$OUT/external-100m.onnx" 100
gen external "$OUT/external-1g.onnx" 1024

# median wall (s) and median cpu (s) over RUNS runs of a command, max peak RSS (MB). The median, not the best run:
# a lucky fast baseline run would move the ratio by 10% at these durations.
measure() {
  local rss=0 line walls=() cpus=()
  for _ in $(seq "$RUNS"); do
    # Wall time in milliseconds from bash's clock (/usr/bin/time's %e has 10 ms steps: too coarse at 0.1 s).
    local t0=$EPOCHREALTIME
    line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
    local t1=$EPOCHREALTIME
    read -r _ user sys kb <<<"$line"
    walls+=("$(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")")
    cpus+=("$(awk "BEGIN{print $user+$sys}")")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local mid=$((RUNS / 2))
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$((mid + 1))p") $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$((mid + 1))p") $((rss / 1024))"
}

nodes() { "$BUILD/bench/bare_parse" "$1" | cut -d' ' -f1; }
printf "%-22s %8s %10s | %8s %7s %7s | %8s %7s %7s | %7s %7s %7s\n" model nodes weights \
  "parse s" "cpu s" "MB" "check s" "cpu s" "MB" "wall x" "cpu x" "mem x"
ratio() { awk "BEGIN{ if ($2 >= 0.01) printf \"%.2f\", $1/$2; else print \"-\" }"; }  # no ratio to a ~0 baseline
row() {  # name file precision
  local file=$2 weights
  weights=$(du -bc "$file"* | tail -1 | awk '{printf "%.0fMB", $1/1048576}')
  read -r pw pc pm <<<"$(measure "$BUILD/bench/bare_parse" "$file")"
  read -r cw cc cm <<<"$(measure "$BUILD/trtlens" check "$file" --trt 10.15 --precision "$3" -o /dev/null)"
  printf "%-22s %8s %10s | %8s %7s %7s | %8s %7s %7s | %7s %7s %7s\n" "$1" "$(nodes "$file")" "$weights" \
    "$pw" "$pc" "$pm" "$cw" "$cc" "$cm" \
    "$(ratio "$cw" "$pw")" "$(ratio "$cc" "$pc")" "$(ratio "$cm" "$pm")"
}
row "transformer fp32" "$OUT/transformer.onnx" fp32
row "transformer fp16" "$OUT/transformer.onnx" fp16
row "external-100m fp32" "$OUT/external-100m.onnx" fp32
row "external-100m fp16" "$OUT/external-100m.onnx" fp16
row "external-1g fp32" "$OUT/external-1g.onnx" fp32
row "external-1g fp16" "$OUT/external-1g.onnx" fp16
echo "(fp16 reads every weight value for overflow statistics: external weights are streamed in 8 MiB windows)"

# The second JSON library: knowledge-base reads and verdict writes with rapidjson and with nlohmann alone, same run.
if [ "${JSON_LIBS:-1}" = 1 ]; then
  cmake --build "$BUILD" -j2 --target trtlens_bench_json_libs >/dev/null
  "$BUILD/bench/json_libs" "$OUT/transformer.onnx" "$RUNS"
fi
