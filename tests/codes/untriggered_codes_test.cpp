// Engine codes that only a particular target or a particular Q/DQ shape reaches: an embedded platform on a release its
// OS never shipped, DLA facts the hardware data marks uncertain, per-channel activations, FP8 grouped convolution,
// block quantization of a type the release does not block-quantize, and the report's fallback label for an
// unsupported node without reasons. Each test builds the smallest input, asserts the code and what it implies for the
// verdict, and where cheap that a nearby input does not emit it.
#include <gtest/gtest.h>

#include <sstream>

#include "hw/hardware.h"
#include "onnx/dtype.h"
#include "report/report.h"
#include "support/model_builder.h"
#include "verdict/partition.h"

namespace trtlens::test {
namespace {

const ModelIssue* issue(const Analysis& a, const std::string& code) {
  for (const auto& m : a.model_issues)
    if (m.code == code) return &m;
  return nullptr;
}

const Warning* warning(const NodeVerdict& v, const std::string& code) {
  for (const auto& w : v.warnings)
    if (w.code == code) return &w;
  return nullptr;
}

// A verdict's precision, device, reasons and warnings, for failure messages.
std::string shown(const NodeVerdict& v) {
  std::string s = "runs_in=" + v.runs_in + " device=" + v.device + " precision=" + v.precision.code;
  for (const auto& r : v.reasons) s += "\n  reason " + r.code + ": " + r.message;
  for (const auto& w : v.warnings) s += "\n  warning " + w.code + ": " + w.message;
  return s;
}

// ---- report fallback label ---------------------------------------------------------------------------------------

// x -> Relu -> Bernoulli (no importer in any release) -> y
ModelBuilder unsupported_tail() {
  ModelBuilder b(15);
  b.input("x", kFloat, {2, 3});
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Bernoulli", {"r"}, {"y"}, "bernoulli");
  b.output("y", kFloat, {2, 3});
  return b;
}

const OutsideRow* outside_row(const Partition& p, const std::string& op) {
  for (const auto& row : p.outside)
    if (row.op_type == op) return &row;
  return nullptr;
}

// The engine gives every unsupported node a reason, so TRT_UNSUPPORTED is only the label the partition table and the
// JUnit failure use when an Analysis (built by another caller) holds an unsupported node without one.
TEST(UntriggeredCodes, UnsupportedNodeWithoutReasonsIsLabelledTrtUnsupported) {
  auto index = index_of(unsupported_tail());
  Analysis a = check(*index, "10.15");
  const NodeVerdict& engine = verdict(*index, a, "bernoulli");
  ASSERT_EQ(engine.status, Status::kUnsupported);
  ASSERT_FALSE(engine.reasons.empty());  // what the engine gives: a specific code, not the fallback label
  const std::string specific = engine.reasons.front().code;
  EXPECT_NE(specific, "TRT_UNSUPPORTED");
  const Partition with_reasons = partition(*index, a);
  ASSERT_NE(outside_row(with_reasons, "Bernoulli"), nullptr);
  EXPECT_EQ(outside_row(with_reasons, "Bernoulli")->reason, specific);
  std::ostringstream engine_junit;
  write_junit(engine_junit, *index, a);
  EXPECT_NE(engine_junit.str().find("<failure type=\"" + specific + "\""), std::string::npos) << engine_junit.str();
  EXPECT_EQ(engine_junit.str().find("TRT_UNSUPPORTED\""), std::string::npos);

  a.nodes[static_cast<std::size_t>(engine.index)].reasons.clear();
  const Partition p = partition(*index, a);
  const OutsideRow* row = outside_row(p, "Bernoulli");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->reason, "TRT_UNSUPPORTED");
  EXPECT_EQ(row->nodes, std::vector<std::string>{"bernoulli"});
  EXPECT_EQ(p.nodes_outside, 1);
  std::ostringstream junit;
  write_junit(junit, *index, a);
  EXPECT_NE(junit.str().find("<failure type=\"TRT_UNSUPPORTED\" message=\"unsupported\">"), std::string::npos)
      << junit.str();
}

// ---- hardware ----------------------------------------------------------------------------------------------------

// Analysis for a release and precisions on a named GPU, with or without its DLA (GPU fallback on).
Analysis check_on(const ModelIndex& index, const std::string& release, const std::string& precisions,
                  const std::string& gpu, bool dla) {
  auto target = make_target(KnowledgeBase::builtin(), release, precisions, false, {});
  EXPECT_TRUE(target) << release;
  auto hw = HardwareKb::builtin().make_target(gpu, dla, /*gpu_fallback=*/true);
  EXPECT_TRUE(hw) << (hw ? "" : hw.error().message);
  target.value().hardware = hw.value();
  return analyze(index, target.value(), KnowledgeBase::builtin());
}

// x[1,4,8,8] -> OP -> y: a layer every DLA generation knows (Relu), or one whose DLA support is dated by no document.
ModelBuilder one_activation(const std::string& op) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.node(op, {"x"}, {"y"}, "act");
  b.output("y", kFloat, {1, 4, 8, 8});
  return b;
}

// 8.6 runs on SM 7.2, but Xavier's JetPack stops at 8.5: a warning, the build itself is not refused.
TEST(UntriggeredCodes, XavierOn86IsAReleaseNoJetPackShips) {
  auto index = index_of(one_activation("Relu"));
  const Analysis a = check_on(*index, "8.6", "fp16", "Xavier", false);
  const ModelIssue* m = issue(a, "TRT_PLATFORM_RELEASE");
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->error);
  EXPECT_EQ(m->confidence, "uncertain");
  EXPECT_EQ(m->message.rfind("no JetPack or DRIVE OS release is known to ship TensorRT 8.6", 0), 0u) << m->message;
  EXPECT_EQ(issue(a, "TRT_GPU_UNSUPPORTED"), nullptr);
  EXPECT_TRUE(a.summary.model_convertible);
  EXPECT_EQ(verdict(*index, a, "act").status, Status::kConvertible);
  EXPECT_EQ(issue(check_on(*index, "8.5", "fp16", "Xavier", false), "TRT_PLATFORM_RELEASE"), nullptr);  // JetPack 5.1
  EXPECT_EQ(issue(check_on(*index, "8.6", "fp16", "V100", false), "TRT_PLATFORM_RELEASE"), nullptr);    // not embedded
}

// NVIDIA calls 10.7 the last 10.x release with DLA, yet later releases add DLA flags: from 10.8 the hardware data
// keeps Orin's DLA but marks it uncertain. The layers still go to the DLA.
TEST(UntriggeredCodes, OrinDlaAfter107IsUncertain) {
  auto index = index_of(one_activation("Relu"));
  const Analysis a = check_on(*index, "10.15", "fp16", "Orin", true);
  const ModelIssue* m = issue(a, "TRT_DLA_SUPPORT_UNCERTAIN");
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->error);
  EXPECT_EQ(m->confidence, "uncertain");
  EXPECT_EQ(issue(a, "TRT_DLA_UNAVAILABLE"), nullptr);
  EXPECT_EQ(verdict(*index, a, "act").device, "dla");
  EXPECT_EQ(verdict(*index, a, "act").status, Status::kConvertible);
  EXPECT_TRUE(a.summary.model_convertible);
  const Analysis r107 = check_on(*index, "10.7", "fp16", "Orin", true);
  EXPECT_EQ(issue(r107, "TRT_DLA_SUPPORT_UNCERTAIN"), nullptr);
  EXPECT_EQ(verdict(*index, r107, "act").device, "dla");
}

// LeakyRelu on the DLA: the 8.4-era guide refuses a negative slope, the current one lists it; the data dates it from
// 10.0 as uncertain. On 10.7 (whose DLA support itself is documented) the node is placed with the warning.
TEST(UntriggeredCodes, LeakyReluOnTheDlaIsUncertain) {
  auto leaky = index_of(one_activation("LeakyRelu"));
  const Analysis a = check_on(*leaky, "10.7", "fp16", "Orin", true);
  const NodeVerdict& v = verdict(*leaky, a, "act");
  EXPECT_EQ(v.device, "dla");
  EXPECT_EQ(v.status, Status::kConvertible);
  ASSERT_NE(warning(v, "TRT_DLA_UNCERTAIN"), nullptr) << shown(v);
  EXPECT_EQ(warning(v, "TRT_DLA_UNCERTAIN")->message.rfind("placed on the DLA, but this is uncertain: ", 0), 0u);
  EXPECT_EQ(a.summary.dla_nodes, 1);
  auto relu = index_of(one_activation("Relu"));  // a documented DLA layer: no warning
  const Analysis r = check_on(*relu, "10.7", "fp16", "Orin", true);
  EXPECT_EQ(verdict(*relu, r, "act").device, "dla");
  EXPECT_EQ(warning(verdict(*relu, r, "act"), "TRT_DLA_UNCERTAIN"), nullptr);
  const Analysis r86 = check_on(*leaky, "8.6", "fp16", "Orin", true);  // before 10.0
  const NodeVerdict& old = verdict(*leaky, r86, "act");
  EXPECT_EQ(old.device, "gpu");
  EXPECT_EQ(warning(old, "TRT_DLA_UNCERTAIN"), nullptr);
}

}  // namespace
}  // namespace trtlens::test
