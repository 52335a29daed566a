// The shipped example (examples/tiny-vit.onnx, from examples/generate_example.cpp) says what the README promises.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/model_builder.h"

namespace trtlens::test {
namespace {

const std::filesystem::path kExample = std::filesystem::path(TRTLENS_SOURCE_DIR) / "examples" / "tiny-vit.onnx";

nlohmann::json check_json(const std::string& release, int expected_exit) {
  const RunResult r = run_trtlens({"check", kExample.string(), "--trt", release, "--precision", "fp16", "--format", "json"});
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  return nlohmann::json::parse(r.out);
}

const nlohmann::json* node_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& n : report["nodes"])
    if (n["name"] == name) return &n;
  return nullptr;
}

TEST(Example, IsSmallAndFullyTyped) {
  ASSERT_TRUE(std::filesystem::exists(kExample));
  EXPECT_LT(std::filesystem::file_size(kExample), 200u * 1024);
  auto loaded = load_model(kExample);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto index = ModelIndex::build(std::move(loaded.value()));
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index.value()->default_opset(), 20);
  for (const auto& [name, t] : index.value()->scopes()[0]->tensors) {
    EXPECT_NE(t.dtype, 0) << name;
    EXPECT_GE(t.rank, 0) << name;  // every shape is static in this model
  }
  EXPECT_EQ(index.value()->find(0, "pooled")->dims, (std::vector<std::int64_t>{1, 32}));
}

TEST(Example, ConvertsOnTensorRT10InFp16) {
  const auto j = check_json("10.15", 0);
  EXPECT_EQ(j["summary"]["unsupported"], 0);
  EXPECT_TRUE(j["summary"]["model_convertible"].get<bool>());
  EXPECT_EQ((*node_named(j, "mlp_gelu"))["runs_in"], "fp16");
}

TEST(Example, GeluStopsTensorRT86) {
  const auto j = check_json("8.6", 1);
  EXPECT_EQ(j["summary"]["unsupported"], 1);
  const auto* gelu = node_named(j, "mlp_gelu");
  ASSERT_NE(gelu, nullptr);
  EXPECT_EQ((*gelu)["status"], "unsupported");
  EXPECT_EQ((*gelu)["reasons"][0]["code"], "TRT_NO_IMPORTER");
  EXPECT_EQ((*gelu)["first_supported_release"], "10.0");
  bool opset_newer = false;
  for (const auto& issue : j["model_issues"]) opset_newer |= issue["code"] == "TRT_OPSET_NEWER";
  EXPECT_TRUE(opset_newer);
  // LayerNormalization imports on 8.6 (opset 17); in an fp16 build it computes in fp32 (docs/quantization.md).
  const auto* ln = node_named(j, "ln1");
  ASSERT_NE(ln, nullptr);
  EXPECT_EQ((*ln)["status"], "fallback");
  EXPECT_EQ((*ln)["runs_in"], "fp32");
  EXPECT_EQ((*ln)["precision"]["code"], "NORM_FP32_COMPUTE");
}

}  // namespace
}  // namespace trtlens::test
