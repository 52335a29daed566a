// `trtlens check` exit codes for each verdict state, and the model is never overwritten.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "onnx/dtype.h"
#include "support/cli.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

ModelBuilder with_custom_op() {
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.node("MyCustomOp", {"x"}, {"y"}, "custom").set_domain("com.example");
  b.opset("com.example", 1);
  b.output("y", kFloat);
  return b;
}

std::string statuses(const nlohmann::json& report) {
  std::string out;
  for (const auto& n : report["nodes"]) out += n["status"].get<std::string>() + " ";
  return out;
}

TEST(CheckCli, ConvertibleExitsZero) {
  TempDir dir;
  const auto model = conv_softmax().save(dir / "m.onnx");
  const JsonRun r = check_json(model, {"--trt", "8.6"});
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
  EXPECT_EQ(statuses(r.json), "convertible convertible ");
}

TEST(CheckCli, FallbackExitsZeroUnlessFailOnFallback) {
  TempDir dir;
  const auto model = conv_softmax().save(dir / "m.onnx");
  const JsonRun r = check_json(model, {"--trt", "8.6", "--precision", "int8"});
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
  EXPECT_EQ(statuses(r.json), "convertible fallback ");
  EXPECT_EQ(run_trtlens({"check", model.string(), "--trt", "8.6", "--precision", "int8", "--fail-on", "fallback"}).exit_code, 1);
}

TEST(CheckCli, StrictFallbackIsUnsupported) {
  TempDir dir;
  const auto model = conv_softmax().save(dir / "m.onnx");
  const JsonRun r = check_json(model, {"--trt", "8.6", "--precision", "int8", "--strict"});
  EXPECT_EQ(r.run.exit_code, 1);
  EXPECT_EQ(statuses(r.json), "convertible unsupported ");
}

TEST(CheckCli, UnsupportedExitsOneAndAPluginFixesIt) {
  TempDir dir;
  const auto model = with_custom_op().save(dir / "m.onnx");
  const JsonRun r = check_json(model);
  EXPECT_EQ(r.run.exit_code, 1);
  EXPECT_EQ(r.json["nodes"][0]["reasons"][0]["code"], "TRT_NO_IMPORTER");
  EXPECT_FALSE(r.json["summary"]["model_convertible"].get<bool>());
  const JsonRun with_plugin = check_json(model, {"--plugin", "MyCustomOp"});
  EXPECT_EQ(with_plugin.run.exit_code, 0) << with_plugin.run.err;
  EXPECT_EQ(with_plugin.json["nodes"][0]["runs_in"], "plugin");
  EXPECT_EQ(run_trtlens({"check", model.string(), "--plugin", "MyCustomOp", "--fail-on", "warning"}).exit_code, 1);
}

TEST(CheckCli, ReportNeverOverwritesTheModel) {
  TempDir dir;
  const auto model = conv_softmax().save(dir / "m.onnx");
  const std::string before = conv_softmax().bytes();
  const RunResult r = run_trtlens({"check", model.string(), "-o", model.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refusing to write the report over the model"), std::string::npos) << r.err;
  std::ifstream in(model, std::ios::binary);
  std::stringstream after;
  after << in.rdbuf();
  EXPECT_EQ(after.str(), before);
}

}  // namespace
}  // namespace trtlens::test
