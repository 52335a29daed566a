// Engine codes (src/util/codes.def) that no other test triggered: each test builds the smallest model that makes the
// engine emit the code and asserts it (and, where it is cheap, that a nearby model does not).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "kb/kb.h"
#include "onnx/dtype.h"
#include "support/cli.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// x -> Identity -> y, with x and y of DTYPE.
ModelBuilder identity(int dtype, int opset = 13) {
  ModelBuilder b(opset);
  b.input("x", dtype, {4});
  b.node("Identity", {"x"}, {"y"}, "id");
  b.output("y", dtype, {4});
  return b;
}

// x + w for a FLOAT x and an initializer w of DTYPE holding VALUES.
ModelBuilder add_constant(int dtype, const std::vector<double>& values) {
  ModelBuilder b(13);
  b.input("x", dtype, {static_cast<std::int64_t>(values.size())});
  b.initializer("w", dtype, {static_cast<std::int64_t>(values.size())}, values);
  b.node("Add", {"x", "w"}, {"y"}, "add");
  b.output("y", dtype);
  return b;
}

const ModelIssue* issue(const Analysis& a, const std::string& code) {
  for (const auto& m : a.model_issues)
    if (m.code == code) return &m;
  return nullptr;
}

TEST(EngineCodes, OpsetBelowSevenIsOld) {
  auto index = index_of(identity(kFloat, 6));
  const Analysis a = check(*index, "8.6");
  ASSERT_NE(issue(a, "TRT_OPSET_OLD"), nullptr);
  EXPECT_FALSE(issue(a, "TRT_OPSET_OLD")->error);
  EXPECT_EQ(issue(a, "TRT_OPSET_OLDER"), nullptr);  // one or the other
}

TEST(EngineCodes, OpsetBelowTheReleasesRangeIsOlder) {
  auto index = index_of(identity(kFloat, 8));
  EXPECT_NE(issue(check(*index, "10.15"), "TRT_OPSET_OLDER"), nullptr);  // 10.15 documents opset 9 on
  EXPECT_EQ(issue(check(*index, "8.6"), "TRT_OPSET_OLDER"), nullptr);    // 8.6 from 7
}

TEST(EngineCodes, Int64InputsAndOutputsAreBoundAsInt32Before10) {
  auto index = index_of(identity(kInt64));
  const Analysis old = check(*index, "8.6");
  ASSERT_NE(issue(old, "TRT_INPUT_DOWNCAST"), nullptr);
  EXPECT_EQ(issue(old, "TRT_INPUT_DOWNCAST")->message, "graph input 'x' is INT64; TensorRT 8.6.1 binds it as INT32");
  ASSERT_NE(issue(old, "TRT_OUTPUT_DOWNCAST"), nullptr);
  EXPECT_EQ(issue(old, "TRT_OUTPUT_DOWNCAST")->message, "graph output 'y' is INT64; TensorRT 8.6.1 produces it as INT32");
  const Analysis now = check(*index, "10.15");  // INT64 is a network type from 10.0
  EXPECT_EQ(issue(now, "TRT_INPUT_DOWNCAST"), nullptr);
  EXPECT_EQ(issue(now, "TRT_OUTPUT_DOWNCAST"), nullptr);
}

TEST(EngineCodes, DoubleInputsAndOutputsAreRefusedBy72) {
  auto index = index_of(identity(kDouble));
  const Analysis a = check(*index, "7.2");
  ASSERT_NE(issue(a, "TRT_INPUT_TYPE"), nullptr);
  EXPECT_TRUE(issue(a, "TRT_INPUT_TYPE")->error);
  ASSERT_NE(issue(a, "TRT_OUTPUT_TYPE"), nullptr);
  EXPECT_TRUE(issue(a, "TRT_OUTPUT_TYPE")->error);
  EXPECT_FALSE(a.summary.model_convertible);
  EXPECT_EQ(issue(check(*index, "8.6"), "TRT_INPUT_TYPE"), nullptr);  // 8.6 imports DOUBLE as FP32
}

TEST(EngineCodes, Int64WeightsAreReportedOncePerModel) {
  auto index = index_of(add_constant(kInt64, {1, 2, 3}));
  const Analysis a = check(*index, "8.6");
  ASSERT_NE(issue(a, "TRT_INT64_WEIGHTS"), nullptr);
  EXPECT_EQ(issue(a, "TRT_INT64_WEIGHTS")->message.rfind("1 INT64 initializer(s): TensorRT 8.6.1", 0), 0u);
  EXPECT_EQ(issue(check(*index, "10.15"), "TRT_INT64_WEIGHTS"), nullptr);
}

TEST(EngineCodes, DoubleWeightsAreDowncastOrClamped) {
  auto fits = index_of(add_constant(kDouble, {1, 2}));
  EXPECT_TRUE(has_warning(verdict(*fits, check(*fits, "8.6"), "add"), "TRT_DOUBLE_DOWNCAST"));
  EXPECT_FALSE(has_warning(verdict(*fits, check(*fits, "8.6"), "add"), "TRT_DOUBLE_CLAMPED"));
  auto huge = index_of(add_constant(kDouble, {1, 1e300}));
  const Analysis a = check(*huge, "8.6");
  const auto& v = verdict(*huge, a, "add");
  ASSERT_TRUE(has_warning(v, "TRT_DOUBLE_CLAMPED"));
  for (const auto& w : v.warnings)
    if (w.code == "TRT_DOUBLE_CLAMPED") EXPECT_NE(w.message.find("clamps 1 values to ±FLT_MAX"), std::string::npos) << w.message;
}

TEST(EngineCodes, CastToDoubleOrInt64ComputesFloatOrInt32) {
  for (const auto& [to, code, release] : std::vector<std::tuple<int, std::string, std::string>>{
           {kDouble, "TRT_CAST_DOUBLE_AS_FLOAT", "10.15"}, {kInt64, "TRT_CAST_INT64_AS_INT32", "8.6"}}) {
    ModelBuilder b(13);
    b.input("x", kFloat, {4});
    set_attr(b.node("Cast", {"x"}, {"y"}, "cast"), "to", static_cast<std::int64_t>(to));
    b.output("y", to, {4});
    auto index = index_of(b);
    EXPECT_TRUE(has_warning(verdict(*index, check(*index, release), "cast"), code)) << code;
  }
  ModelBuilder b(13);  // from 10.0 INT64 exists: no warning
  b.input("x", kFloat, {4});
  set_attr(b.node("Cast", {"x"}, {"y"}, "cast"), "to", static_cast<std::int64_t>(kInt64));
  b.output("y", kInt64, {4});
  auto index = index_of(b);
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "10.15"), "cast"), "TRT_CAST_INT64_AS_INT32"));
}

TEST(EngineCodes, ReducedPrecisionRangeWarnings) {
  auto tiny = index_of(add_constant(kFloat, {1e-9, 1}));
  EXPECT_TRUE(has_warning(verdict(*tiny, check(*tiny, "10.15", "fp16"), "add"), "TRT_FP16_UNDERFLOW"));
  EXPECT_FALSE(has_warning(verdict(*tiny, check(*tiny, "10.15", "fp32"), "add"), "TRT_FP16_UNDERFLOW"));
  auto near_max = index_of(add_constant(kFloat, {3.4e38, 1}));  // beyond BF16's largest finite value (~3.39e38)
  EXPECT_TRUE(has_warning(verdict(*near_max, check(*near_max, "10.15", "bf16"), "add"), "TRT_BF16_OVERFLOW"));
}

TEST(EngineCodes, InitializerRankAbove8IsRefusedBy1015) {
  ModelBuilder b(13);
  const std::vector<std::int64_t> dims(9, 1);
  b.input("x", kFloat, dims);
  b.initializer("w", kFloat, dims, {2});
  b.node("Mul", {"x", "w"}, {"y"}, "mul");
  b.output("y", kFloat, dims);
  auto index = index_of(b);
  const Analysis a = check(*index, "10.15");
  ASSERT_NE(issue(a, "TRT_INITIALIZER_RANK"), nullptr);
  EXPECT_EQ(issue(a, "TRT_INITIALIZER_RANK")->message, "initializer 'w' has rank 9; TensorRT 10.15.1 accepts at most rank 8");
}

TEST(EngineCodes, UnknownExternalDataKeyIsRefused) {
  TempDir dir;
  ModelBuilder b = external_model("w.bin");
  auto* e = b.graph().mutable_initializer(0)->add_external_data();
  e->set_key("compression");
  e->set_value("none");
  write_file(dir / "w.bin", std::string(16, '\0'));
  const auto model = b.save(dir / "m.onnx");
  const JsonRun r = check_json(model, {"--trt", "10.15"});
  ASSERT_TRUE(r.json.contains("model_issues")) << r.run.err;
  bool found = false;
  for (const auto& m : r.json["model_issues"])
    found = found || (m["code"] == "TRT_EXTERNAL_DATA_KEY" &&
                      m["message"] == "initializer 'w' has external-data key 'compression', which the parser refuses "
                                      "(only location, offset, length, checksum)");
  EXPECT_TRUE(found) << r.json["model_issues"].dump();
  EXPECT_EQ(r.run.exit_code, 1);
}

TEST(EngineCodes, PrecisionTheGpuLacksIsNamedPerPrecision) {
  TempDir dir;
  const auto model = identity(kFloat).save(dir / "m.onnx");
  const JsonRun r = check_json(model, {"--trt", "10.15", "--precision", "bf16", "--gpu", "T4"});  // T4: SM 7.5
  std::vector<std::string> codes;
  for (const auto& m : r.json["model_issues"]) codes.push_back(m["code"]);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "TRT_HW_NO_BF16"), codes.end()) << r.json["model_issues"].dump();
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

namespace fs = std::filesystem;

// A knowledge-base instance without a code of its own reports its rule's default code (here attr_values:
// TRT_ATTRIBUTE_VALUE). The built-in KB names a code on every instance, so only such a document shows the default.
TEST(EngineCodes, AnInstanceWithoutCodeReportsTheRulesDefault) {
  std::ifstream in(fs::path(TRTLENS_SOURCE_DIR) / "data/tensorrt/10.15.json");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str());
  int dropped = 0;
  for (auto& rule : doc["ops"]["Resize"]["rules"])
    if (rule.value("code", "") == "TRT_RESIZE_ANTIALIAS") dropped += static_cast<int>(rule.erase("code"));
  ASSERT_EQ(dropped, 1);
  auto kb = KnowledgeBase::from_documents({doc.dump()});
  ASSERT_TRUE(kb.ok()) << kb.error().message;
  auto target = make_target(*kb.value(), "10.15", "fp32", false, {});
  ASSERT_TRUE(target.ok()) << target.error().message;

  ModelBuilder b(18);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("scales", kFloat, {4}, {1, 1, 2, 2});
  auto& n = b.node("Resize", {"x", "", "scales"}, {"y"}, "n");
  set_attr(n, "mode", "linear");
  set_attr(n, "antialias", std::int64_t{1});
  b.output("y");
  auto index = index_of(b);
  const Analysis a = analyze(*index, target.value(), *kb.value());
  EXPECT_TRUE(has_reason(verdict(*index, a, "n"), "TRT_ATTRIBUTE_VALUE"));
  EXPECT_FALSE(has_reason(verdict(*index, a, "n"), "TRT_RESIZE_ANTIALIAS"));
}

}  // namespace
}  // namespace trtlens::test
