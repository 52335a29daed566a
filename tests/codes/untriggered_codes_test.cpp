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

// ---- quantization ------------------------------------------------------------------------------------------------

// The verdict of node NAME for a release and precisions, by value (the Analysis it comes from is a temporary).
NodeVerdict node_on(const ModelIndex& index, const std::string& release, const std::string& precisions,
                    const std::string& name) {
  return verdict(index, check(index, release, precisions), name);
}

// x -> Q -> DQ -> Conv(w -> Q -> DQ per channel, axis 0): INT8 with the activation scale per tensor or per channel.
ModelBuilder int8_conv(bool activation_per_channel) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  const std::vector<std::int64_t> a_dims =
      activation_per_channel ? std::vector<std::int64_t>{4} : std::vector<std::int64_t>{};
  const std::size_t a_count = activation_per_channel ? 4 : 1;
  b.initializer("a_s", kFloat, a_dims, std::vector<double>(a_count, 0.05));
  b.initializer("a_zp", kInt8, a_dims, std::vector<double>(a_count, 0));
  auto& aq = b.node("QuantizeLinear", {"x", "a_s", "a_zp"}, {"a_q"}, "a_quant");
  auto& adq = b.node("DequantizeLinear", {"a_q", "a_s", "a_zp"}, {"a_dq"}, "a_dequant");
  if (activation_per_channel) set_attr(aq, "axis", std::int64_t{1}), set_attr(adq, "axis", std::int64_t{1});
  b.initializer("w", kFloat, {4, 4, 3, 3}, std::vector<double>(4 * 4 * 9, 0.1));
  b.initializer("w_s", kFloat, {4}, std::vector<double>(4, 0.01));
  b.initializer("w_zp", kInt8, {4}, std::vector<double>(4, 0));
  set_attr(b.node("QuantizeLinear", {"w", "w_s", "w_zp"}, {"w_q"}, "w_quant"), "axis", std::int64_t{0});
  set_attr(b.node("DequantizeLinear", {"w_q", "w_s", "w_zp"}, {"w_dq"}, "w_dequant"), "axis", std::int64_t{0});
  auto& c = b.node("Conv", {"a_dq", "w_dq"}, {"y"}, "conv");
  set_attr(c, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.output("y", kFloat);
  return b;
}

TEST(UntriggeredCodes, PerChannelActivationScaleIsFlagged) {
  auto index = index_of(int8_conv(true));
  const Analysis a = check(*index, "10.15", "int8");
  const NodeVerdict& c = verdict(*index, a, "conv");
  const Warning* w = warning(c, "TRT_QDQ_ACTIVATION_PER_CHANNEL");
  ASSERT_NE(w, nullptr) << shown(c);
  EXPECT_EQ(w->message,
            "the activation input of Conv is quantized per channel; TensorRT allows per-channel scales "
            "only on weights");
  EXPECT_EQ(w->rule, "R2");
  EXPECT_EQ(c.status, Status::kConvertible);  // a warning: the verdict stands
  auto per_tensor = index_of(int8_conv(false));
  const NodeVerdict ok = node_on(*per_tensor, "10.15", "int8", "conv");
  EXPECT_EQ(warning(ok, "TRT_QDQ_ACTIVATION_PER_CHANNEL"), nullptr);
  EXPECT_EQ(ok.runs_in, "int8");
}

// FP8 Conv through TRT_FP8 Q/DQ on the activation and the weights, with `group` groups (16 channels in and out).
ModelBuilder fp8_conv(std::int64_t group) {
  ModelBuilder b(17);
  b.opset("trt", 1);
  b.input("x", kFloat, {1, 16, 8, 8});
  b.initializer("w", kFloat, {16, 16 / group, 3, 3},
                std::vector<double>(static_cast<std::size_t>(16 * 16 / group * 9), 0.1));
  for (const char* t : {"x", "w"}) {
    const std::string tag(t);
    b.initializer(tag + "_s", kFloat, {}, {0.05});
    b.node("TRT_FP8QuantizeLinear", {tag, tag + "_s"}, {tag + "_q"}, tag + "_quant").set_domain("trt");
    b.node("TRT_FP8DequantizeLinear", {tag + "_q", tag + "_s"}, {tag + "_dq"}, tag + "_dequant").set_domain("trt");
  }
  auto& c = b.node("Conv", {"x_dq", "w_dq"}, {"y"}, "conv");
  set_attr(c, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  set_attr(c, "group", group);
  b.output("y", kFloat);
  return b;
}

// The 10.12 release notes: no optimized FP8 kernels for grouped or depthwise convolution. The Conv still runs in FP8.
TEST(UntriggeredCodes, Fp8GroupedConvHasNoOptimizedKernelsFrom1012) {
  auto grouped = index_of(fp8_conv(2));
  const NodeVerdict v = node_on(*grouped, "10.15", "fp16,fp8", "conv");
  EXPECT_EQ(v.runs_in, "fp8");
  EXPECT_EQ(v.status, Status::kConvertible);
  const Warning* w = warning(v, "TRT_QDQ_FP8_GROUPED_CONV");
  ASSERT_NE(w, nullptr) << shown(v);
  EXPECT_EQ(w->message,
            "TensorRT 10.15.1 has no optimized FP8 kernels for grouped or depthwise convolution (release "
            "notes)");
  const NodeVerdict r1011 = node_on(*grouped, "10.11", "fp16,fp8", "conv");
  EXPECT_EQ(r1011.runs_in, "fp8");
  EXPECT_EQ(warning(r1011, "TRT_QDQ_FP8_GROUPED_CONV"), nullptr);  // the limitation is documented from 10.12
  auto dense = index_of(fp8_conv(1));
  const NodeVerdict d = node_on(*dense, "10.15", "fp16,fp8", "conv");
  EXPECT_EQ(d.runs_in, "fp8");
  EXPECT_EQ(warning(d, "TRT_QDQ_FP8_GROUPED_CONV"), nullptr);
}

// x[1,64] @ DequantizeLinear(w[64,32] of DTYPE, scale[2,32]): weights block-quantized along K (block 32), opset 21.
ModelBuilder block_quantized_matmul(int dtype) {
  ModelBuilder b(21);
  b.input("x", kFloat, {1, 64});
  const bool packed = dtype == kInt4;  // two 4-bit values per byte
  b.initializer("w", dtype, {64, 32}, std::vector<double>(packed ? 64 * 32 / 2 : 64 * 32, packed ? 0x11 : 1));
  b.initializer("w_s", kFloat, {2, 32}, std::vector<double>(64, 0.02));
  auto& dq = b.node("DequantizeLinear", {"w", "w_s"}, {"w_dq"}, "w_dequant");
  set_attr(dq, "axis", std::int64_t{0});
  set_attr(dq, "block_size", std::int64_t{32});
  b.node("MatMul", {"x", "w_dq"}, {"y"}, "matmul");
  b.output("y", kFloat);
  return b;
}

// The 10.13+ headers allow block quantization for FP4, FP8 and INT4, not INT8; 10.8-10.12 only FP4 and INT4.
TEST(UntriggeredCodes, BlockQuantizationOfATypeTheReleaseDoesNotBlockQuantize) {
  auto int8 = index_of(block_quantized_matmul(kInt8));
  const NodeVerdict v = node_on(*int8, "10.15", "fp16,int8", "w_dequant");
  const Warning* w = warning(v, "TRT_QDQ_BLOCK_QUANT_TYPE");
  ASSERT_NE(w, nullptr) << shown(v);
  EXPECT_EQ(w->message,
            "TensorRT 10.15.1 allows block quantization only for fp4, fp8, int4; this DequantizeLinear "
            "block-quantizes int8, which the builder rejects");
  EXPECT_EQ(v.runs_in, "int8");
  EXPECT_EQ(v.status, Status::kConvertible);  // a warning (the reference leaves INT8 blocks open): the verdict stands

  auto int4 = index_of(block_quantized_matmul(kInt4));
  const NodeVerdict i4 = node_on(*int4, "10.15", "fp16,int4", "w_dequant");
  EXPECT_EQ(i4.runs_in, "int4");
  EXPECT_EQ(warning(i4, "TRT_QDQ_BLOCK_QUANT_TYPE"), nullptr);

  auto fp8 = index_of(block_quantized_matmul(kFloat8E4M3FN));
  EXPECT_NE(warning(node_on(*fp8, "10.12", "fp16,fp8", "w_dequant"), "TRT_QDQ_BLOCK_QUANT_TYPE"), nullptr);
  EXPECT_EQ(warning(node_on(*fp8, "10.13", "fp16,fp8", "w_dequant"), "TRT_QDQ_BLOCK_QUANT_TYPE"), nullptr);
}

}  // namespace
}  // namespace trtlens::test
