// `trtlens check --gpu/--dla` and `trtlens gpus` through the binary: JSON fields, exit codes, usage errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onnx/dtype.h"
#include "support/cli.h"
#include "support/model_builder.h"
#include "support/models.h"
#include "util/codes.h"

namespace trtlens::test {
namespace {

// x[1,8,16,16] -> conv (3x3) -> relu -> exp -> y: Exp has no DLA layer.
ModelBuilder conv_relu_exp() {
  ModelBuilder b = dla_conv();
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node("Exp", {"r"}, {"y"}, "exp");
  b.output("y", kFloat, {1, 8, 16, 16});
  return b;
}

TEST(HardwareCli, DlaTargetInJson) {
  TempDir dir;
  const auto model = conv_relu_exp().save(dir / "m.onnx");
  const auto [r, j] = check_json(model, {"--trt", "8.6", "--precision", "fp16", "--gpu", "orin", "--dla"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(j["target"]["hardware"]["compute_capability"], "8.7");
  EXPECT_EQ(j["target"]["hardware"]["gpu"], "sm_87");
  EXPECT_EQ(j["target"]["hardware"]["product"], "Orin");
  EXPECT_EQ(j["target"]["hardware"]["dla"], true);
  EXPECT_EQ(j["summary"]["dla_nodes"], 2);
  EXPECT_EQ(j["summary"]["gpu_nodes"], 1);
  EXPECT_EQ(j["summary"]["gpu_dla_transitions"], 1);
  EXPECT_EQ(j["nodes"][0]["device"], "dla");
  EXPECT_EQ(j["nodes"][2]["device"], "gpu");
  EXPECT_EQ(j["nodes"][2]["status"], "fallback");
  EXPECT_EQ(j["nodes"][2]["reasons"][0]["code"], "TRT_DLA_LAYER_UNSUPPORTED");
}

TEST(HardwareCli, NoGpuFallbackExitsOne) {
  TempDir dir;
  const auto model = conv_relu_exp().save(dir / "m.onnx");
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "8.6", "--precision", "fp16", "--gpu", "sm_87",
                                   "--dla", "--no-gpu-fallback"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TRT_DLA_LAYER_UNSUPPORTED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Hardware: SM 8.7, DLA only (no GPU fallback)"), std::string::npos) << r.out;  // the table names it
}

TEST(HardwareCli, ReleaseThatDoesNotRunOnTheGpuExitsOneAndNamesReleasesThatDo) {
  TempDir dir;
  const auto model = conv_relu_exp().save(dir / "m.onnx");
  const auto [r, j] = check_json(model, {"--trt", "8.2", "--gpu", "RTX 4090"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_FALSE(j["model_issues"].empty());
  EXPECT_EQ(j["model_issues"][0]["code"], "TRT_GPU_UNSUPPORTED");
  EXPECT_EQ(j["model_issues"][0]["severity"], "error");
  EXPECT_NE(j["model_issues"][0]["hint"].get<std::string>().find("8.5 .. 10.15"), std::string::npos);
  EXPECT_EQ(j["target"]["hardware"].contains("dla"), true);
}

TEST(HardwareCli, WithoutGpuNothingChanges) {
  TempDir dir;
  const auto model = conv_relu_exp().save(dir / "m.onnx");
  const auto [r, j] = check_json(model, {"--trt", "8.6", "--precision", "fp16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(j["target"].contains("hardware"));
  EXPECT_FALSE(j["summary"].contains("dla_nodes"));
  EXPECT_FALSE(j["nodes"][0].contains("device"));
}

TEST(HardwareCli, UsageErrors) {
  TempDir dir;
  const auto model = conv_relu_exp().save(dir / "m.onnx");
  // The first line exactly where it names no list of known GPUs; then the hint of E_USAGE (util/codes.def).
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--gpu", "sm_99"}, "trtlens: unknown compute capability 9.9 (known: "},
      {{"--gpu", "Voodoo 5"}, "trtlens: unknown GPU 'Voodoo 5'"},
      {{"--dla"}, "trtlens: --dla needs --gpu naming a platform with DLA cores (Xavier or Orin)"},
      {{"--gpu", "T4", "--dla"}, "trtlens: "},
      {{"--gpu", "T4", "--no-gpu-fallback"}, "trtlens: --no-gpu-fallback applies to DLA targets only: add --dla"}};
  for (const auto& [args, first] : cases) {
    std::vector<std::string> cmd = {"check", model.string()};
    cmd.insert(cmd.end(), args.begin(), args.end());
    const RunResult r = run_trtlens(cmd);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    if (first.back() == ' ' || first.back() == '(' || first.back() == '\'')
      EXPECT_EQ(line(r.err, 0).rfind(first, 0), 0u) << r.err;
    else
      EXPECT_EQ(line(r.err, 0), first);
    EXPECT_EQ(line(r.err, 1), "  hint: " + std::string(find_code("E_USAGE")->hint)) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_NE(run_trtlens({"check", model.string(), "--gpu", "T4", "--dla"}).err.find(" has no DLA cores (DLA: "),
            std::string::npos);
}

TEST(HardwareCli, GpusListsProductsAndReleases) {
  const RunResult r = run_trtlens({"gpus"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Jetson AGX Orin"), std::string::npos);
  // Orin: from 8.4, not 9.x; the 4090: from 8.5.
  const auto orin = r.out.find("Jetson AGX Orin");
  const auto line_start = r.out.rfind('\n', orin);
  const std::string line = r.out.substr(line_start + 1, orin - line_start);
  EXPECT_NE(line.find("8.4 .. 8.6, 10.0 .. 10.15"), std::string::npos) << line;
  EXPECT_NE(line.find("yes"), std::string::npos) << line;
}

}  // namespace
}  // namespace trtlens::test
