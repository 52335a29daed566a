#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

TEST(Verdict, Fp32ModelIsConvertible) {
  auto index = index_of(conv_softmax());
  auto a = check(*index, "8.6", "fp32");
  EXPECT_EQ(a.summary.unsupported, 0);
  EXPECT_EQ(a.summary.fallback, 0);
  EXPECT_EQ(a.summary.convertible, 2);
  EXPECT_TRUE(a.summary.model_convertible);
  EXPECT_EQ(verdict(*index, a, "conv").runs_in, "fp32");
}

// No Q/DQ in this model: int8 means implicit quantization, which keeps the per-layer answer from the operator data
// (and adds IMPLICIT_* precision notes, see tests/verdict/quantization_test.cpp). A model with Q/DQ is decided by
// the explicit-quantization rules instead, where a Conv without DequantizeLinear runs in float whatever the op lists.
TEST(Verdict, Int8FallsBackForOpsWithoutInt8Kernels) {
  auto index = index_of(conv_softmax());
  auto a = check(*index, "8.6", "int8");
  // The 8.6 matrix lists INT8 for Conv but not for Softmax.
  EXPECT_EQ(verdict(*index, a, "conv").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, a, "conv").runs_in, "int8");
  const auto& softmax = verdict(*index, a, "softmax");
  EXPECT_EQ(softmax.status, Status::kFallback);
  EXPECT_EQ(softmax.runs_in, "fp32");
  EXPECT_EQ(a.summary.quantization, "implicit");
}

// FP16 + INT8 enables both: the builder picks per layer among FP16, INT8 and FP32, so a layer without an INT8 kernel
// that runs in FP16 is convertible (not an INT8 fallback); only a layer with neither falls back, to FP32.
TEST(Verdict, Fp16PlusInt8DesiresBothPrecisions) {
  auto index = index_of(conv_softmax());
  auto a = check(*index, "8.6", "fp16,int8");
  EXPECT_EQ(verdict(*index, a, "softmax").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, a, "softmax").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, a, "conv").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, a, "conv").runs_in, "int8");
  EXPECT_EQ(a.summary.fallback, 0);
  // INT8 alone still falls back where there is no INT8 kernel.
  auto int8 = check(*index, "8.6", "int8");
  EXPECT_EQ(verdict(*index, int8, "softmax").status, Status::kFallback);
  EXPECT_EQ(verdict(*index, int8, "softmax").runs_in, "fp32");
  // Asking for fp32 besides fp16 changes nothing: fp32 is always there, fp16 is the desired one.
  auto fp32_fp16 = check(*index, "8.6", "fp32,fp16");
  EXPECT_EQ(verdict(*index, fp32_fp16, "softmax").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, fp32_fp16, "softmax").runs_in, "fp16");
}

TEST(Verdict, Fp16PlusInt8FallsBackToFp32WhereNeitherHasAKernel) {
  // The 8.6 Range importer takes FLOAT or INT32 (not FLOAT16, not INT8): a float Range runs in FP32.
  ModelBuilder b(13);
  b.input("start", kFloat, {});
  b.input("limit", kFloat, {});
  b.input("delta", kFloat, {});
  b.node("Range", {"start", "limit", "delta"}, {"y"}, "range");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = check(*index, "8.6", "fp16,int8");
  EXPECT_EQ(verdict(*index, a, "range").status, Status::kFallback);
  EXPECT_EQ(verdict(*index, a, "range").runs_in, "fp32");
  auto strict = check(*index, "8.6", "fp16,int8", /*strict=*/true);
  const auto& range = verdict(*index, strict, "range");
  EXPECT_EQ(range.status, Status::kUnsupported);
  ASSERT_TRUE(has_reason(range, "TRT_PRECISION_STRICT"));
  EXPECT_NE(range.reasons[0].message.find("no int8 or fp16 kernel"), std::string::npos) << range.reasons[0].message;
}

TEST(Verdict, StrictTurnsFallbackIntoUnsupported) {
  auto index = index_of(conv_softmax());
  auto a = check(*index, "8.6", "int8", /*strict=*/true);
  const auto& softmax = verdict(*index, a, "softmax");
  EXPECT_EQ(softmax.status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(softmax, "TRT_PRECISION_STRICT"));
  EXPECT_FALSE(a.summary.model_convertible);
}

TEST(Verdict, UnknownOpIsUnsupportedUnlessAPluginIsDeclared) {
  ModelBuilder b(17);
  b.input("x", kFloat);
  b.node("MyCustomOp", {"x"}, {"y"}, "custom").set_domain("com.example");
  b.opset("com.example", 1);
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = check(*index, "10.15");
  EXPECT_EQ(verdict(*index, a, "custom").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*index, a, "custom"), "TRT_NO_IMPORTER"));
  auto with_plugin = check(*index, "10.15", "fp32", false, {"MyCustomOp"});
  EXPECT_EQ(verdict(*index, with_plugin, "custom").status, Status::kConvertible);
  EXPECT_TRUE(has_warning(verdict(*index, with_plugin, "custom"), "TRT_PLUGIN"));
  auto wrong_version = check(*index, "10.15", "fp32", false, {"MyCustomOp:2"});
  EXPECT_EQ(verdict(*index, wrong_version, "custom").status, Status::kUnsupported);
}

TEST(Verdict, GeluIsNewIn10AndTheHintSaysSo) {
  ModelBuilder b(20);
  b.input("x", kFloat);
  b.node("Gelu", {"x"}, {"y"}, "gelu");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto old = check(*index, "8.6");
  const auto& v = verdict(*index, old, "gelu");
  ASSERT_EQ(v.status, Status::kUnsupported);
  EXPECT_FALSE(v.first_release.empty());
  EXPECT_NE(v.reasons.front().hint.find("upgrade to TensorRT 10"), std::string::npos) << v.reasons.front().hint;
  EXPECT_EQ(verdict(*index, check(*index, "10.15"), "gelu").status, Status::kConvertible);
  EXPECT_TRUE(has_model_issue(old, "TRT_OPSET_NEWER"));
}

TEST(Verdict, PrecisionMissingFromReleaseIsAUsageError) {
  const auto& kb = KnowledgeBase::builtin();
  auto t = make_target(kb, "8.6", "bf16", false, {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "E_USAGE");
  EXPECT_TRUE(make_target(kb, "10.15", "bf16", false, {}).ok());
  EXPECT_FALSE(make_target(kb, "8.6", "fp8", false, {}).ok());
}

TEST(Verdict, Bf16InitializerKillsThe86Parse) {
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.initializer("w", kBfloat16, {4}, {1, 2, 3, 4});
  b.node("Identity", {"x"}, {"y"}, "id");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = check(*index, "8.6");
  EXPECT_TRUE(has_model_issue(a, "TRT_INITIALIZER_TYPE"));
  EXPECT_FALSE(a.summary.model_convertible);
  EXPECT_EQ(a.summary.unsupported, 0);  // the node itself is fine: the model fails as a whole
  EXPECT_TRUE(check(*index, "10.15").summary.model_convertible);
}

TEST(Verdict, Int64WeightsAreDowncastAndClampedBefore10) {
  ModelBuilder b(13);
  b.input("x", kInt64, {3});
  b.initializer("big", kInt64, {3}, {1, 5e9, -3});
  b.node("Add", {"x", "big"}, {"y"}, "add");
  b.output("y", kInt64);
  auto index = index_of(b);
  const auto a = check(*index, "8.6");
  const auto& v = verdict(*index, a, "add");
  ASSERT_TRUE(has_warning(v, "TRT_INT64_CLAMPED"));
  for (const auto& w : v.warnings)
    if (w.code == "TRT_INT64_CLAMPED") EXPECT_EQ(w.values.front().second, 1);
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "10.15"), "add"), "TRT_INT64_CLAMPED"));
}

TEST(Verdict, Fp16OverflowIsReportedOnlyWhenFp16IsRequested) {
  ModelBuilder b(13);
  b.input("x", kFloat, {3});
  b.initializer("w", kFloat, {3}, {1e5, -2e5, 1.0});
  b.node("Mul", {"x", "w"}, {"y"}, "mul");
  b.output("y", kFloat);
  auto index = index_of(b);
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "8.6", "fp32"), "mul"), "TRT_FP16_OVERFLOW"));
  auto a = check(*index, "8.6", "fp16");
  const auto& v = verdict(*index, a, "mul");
  ASSERT_TRUE(has_warning(v, "TRT_FP16_OVERFLOW"));
  for (const auto& w : v.warnings)
    if (w.code == "TRT_FP16_OVERFLOW") {
      EXPECT_EQ(w.values[0].second, 2);       // count
      EXPECT_DOUBLE_EQ(w.values[1].second, 2e5);  // max_abs
    }
}

// If "if0" over `cond` (declared by the caller) and x[4] -> y: the then branch holds Bernoulli "inner_bad", which no
// release imports, the else branch Relu "inner_ok".
void add_bernoulli_or_relu_if(ModelBuilder& b) {
  b.input("x", kFloat, {4});
  onnx::GraphProto then_branch;
  then_branch.set_name("then");
  auto* n = then_branch.add_node();
  n->set_op_type("Bernoulli");
  n->set_name("inner_bad");
  n->add_input("x");
  n->add_output("t");
  *then_branch.add_output() = value_info("t", kFloat, {4});
  onnx::GraphProto else_branch;
  else_branch.set_name("else");
  auto* m = else_branch.add_node();
  m->set_op_type("Relu");
  m->set_name("inner_ok");
  m->add_input("x");
  m->add_output("e");
  *else_branch.add_output() = value_info("e", kFloat, {4});
  auto& if_node = b.node("If", {"cond"}, {"y"}, "if0");
  set_attr(if_node, "then_branch", then_branch);
  set_attr(if_node, "else_branch", else_branch);
  b.output("y", kFloat);
}

TEST(Verdict, BodyNodeFailureFailsTheParent) {
  ModelBuilder b(17);
  b.input("cond", kBool, {});
  add_bernoulli_or_relu_if(b);
  auto index = index_of(b);
  auto a = check(*index, "8.6");
  const auto& parent = verdict(*index, a, "if0");
  EXPECT_EQ(parent.status, Status::kUnsupported);
  ASSERT_TRUE(has_reason(parent, "TRT_BODY_NODE_UNSUPPORTED"));
  EXPECT_NE(parent.reasons.front().message.find("inner_bad"), std::string::npos);
  // Subgraph nodes are listed after the main graph with their path.
  EXPECT_EQ(index->scopes()[static_cast<std::size_t>(index->nodes()[1].scope)]->path, "if0/then_branch");
}

TEST(Verdict, ConstantIfConditionChecksOnlyTheTakenBranch) {
  ModelBuilder b(17);
  b.initializer("cond", kBool, {}, {0});  // false: else branch taken
  add_bernoulli_or_relu_if(b);
  auto index = index_of(b);
  auto a = check(*index, "8.6");
  EXPECT_EQ(verdict(*index, a, "if0").status, Status::kConvertible);
  EXPECT_TRUE(has_warning(verdict(*index, a, "inner_bad"), "TRT_BRANCH_NOT_TAKEN"));
}

}  // namespace
}  // namespace trtlens::test
