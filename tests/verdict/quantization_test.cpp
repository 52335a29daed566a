// Quantization modes and effective precision (docs/quantization.md; reference quantization.md R0-R12). The models
// follow the shapes common exporters write (reference section F): per-tensor activation Q/DQ with INT8 zero points,
// per-channel weights on the output-channel axis, residual blocks, attention MatMuls, INT4 block-quantized MatMul
// weights, FP8 through TRT_FP8* ops and FLOAT8E4M3FN zero points.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "onnx/dtype.h"
#include "rules/rule_check.h"
#include "support/model_builder.h"
#include "support/models.h"
#include "verdict/quantization.h"

namespace trtlens::test {
namespace {

std::int64_t volume(const std::vector<std::int64_t>& dims) {
  std::int64_t v = 1;
  for (auto d : dims) v *= d;
  return v;
}

// x -> QuantizeLinear -> DequantizeLinear, per tensor, INT8 zero point (pytorch-quantization / ModelOpt INT8).
std::string act_qdq(ModelBuilder& b, const std::string& x, const std::string& tag) {
  b.initializer(tag + "_s", kFloat, {}, {0.05});
  b.initializer(tag + "_zp", kInt8, {}, {0});
  b.node("QuantizeLinear", {x, tag + "_s", tag + "_zp"}, {tag + "_q"}, tag + "_quant");
  b.node("DequantizeLinear", {tag + "_q", tag + "_s", tag + "_zp"}, {tag + "_dq"}, tag + "_dequant");
  return tag + "_dq";
}

// FP32 weight initializer -> QuantizeLinear -> DequantizeLinear per channel along `axis` (pytorch-quantization).
std::string weight_qdq(ModelBuilder& b, const std::string& name, std::vector<std::int64_t> dims, std::int64_t axis) {
  const auto channels = dims[static_cast<std::size_t>(axis)];
  b.initializer(name, kFloat, dims, std::vector<double>(static_cast<std::size_t>(volume(dims)), 0.1));
  b.initializer(name + "_s", kFloat, {channels}, std::vector<double>(static_cast<std::size_t>(channels), 0.01));
  b.initializer(name + "_zp", kInt8, {channels}, std::vector<double>(static_cast<std::size_t>(channels), 0));
  set_attr(b.node("QuantizeLinear", {name, name + "_s", name + "_zp"}, {name + "_q"}, name + "_quant"), "axis", axis);
  set_attr(b.node("DequantizeLinear", {name + "_q", name + "_s", name + "_zp"}, {name + "_dq"}, name + "_dequant"),
           "axis", axis);
  return name + "_dq";
}

// Pre-quantized INT8 weight initializer -> DequantizeLinear per channel (ModelOpt ONNX PTQ).
std::string int8_weight(ModelBuilder& b, const std::string& name, std::vector<std::int64_t> dims, std::int64_t axis) {
  const auto channels = dims[static_cast<std::size_t>(axis)];
  b.initializer(name, kInt8, dims, std::vector<double>(static_cast<std::size_t>(volume(dims)), 3));
  b.initializer(name + "_s", kFloat, {channels}, std::vector<double>(static_cast<std::size_t>(channels), 0.01));
  b.initializer(name + "_zp", kInt8, {channels}, std::vector<double>(static_cast<std::size_t>(channels), 0));
  set_attr(b.node("DequantizeLinear", {name, name + "_s", name + "_zp"}, {name + "_dq"}, name + "_dequant"), "axis",
           axis);
  return name + "_dq";
}

onnx::NodeProto& conv(ModelBuilder& b, const std::string& x, const std::string& w, const std::string& y,
                      const std::string& name) {
  auto& n = b.node("Conv", {x, w}, {y}, name);
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  return n;
}

Analysis run(const ModelIndex& index, const std::string& release, const std::string& precisions,
             bool strongly_typed = false) {
  const auto& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, release, precisions, false, {});
  EXPECT_TRUE(target) << release;
  auto typed = with_strong_typing(std::move(target.value()), strongly_typed);
  EXPECT_TRUE(typed) << (typed ? "" : typed.error().message);
  return analyze(index, typed.value(), kb);
}

// ---- the issue's three examples -----------------------------------------------------------------------------------

// DequantizeLinear feeding a Conv, then Relu, Sigmoid, Softmax (and a Sigmoid with no Q/DQ near it at the end).
ModelBuilder issue_model() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  const std::string xd = act_qdq(b, "x", "in");
  const std::string wd = weight_qdq(b, "w", {4, 4, 3, 3}, 0);
  conv(b, xd, wd, "c", "conv");
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node("Sigmoid", {"r"}, {"s"}, "sigmoid");
  set_attr(b.node("Softmax", {"s"}, {"sm"}, "softmax"), "axis", std::int64_t{1});
  b.node("Sigmoid", {"sm"}, {"y"}, "sigmoid_tail");
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, QdqConvOn10_15RunsInt8NotFp32) {
  auto index = index_of(issue_model());
  auto a = run(*index, "10.15", "int8");
  EXPECT_EQ(a.summary.quantization, "explicit");
  const auto& c = verdict(*index, a, "conv");
  EXPECT_EQ(c.runs_in, "int8") << describe(c);
  EXPECT_EQ(c.status, Status::kConvertible);
  EXPECT_EQ(c.precision.code, "QDQ_FUSED_FLOAT_OUT");  // no QuantizeLinear after the Conv's epilogue
  EXPECT_EQ(c.precision.rule, "R5");
  EXPECT_EQ(c.precision.confidence, "documented");
  // Relu and Sigmoid fuse into the Conv as its epilogue; the kernel writes float.
  EXPECT_EQ(verdict(*index, a, "relu").precision.code, "QDQ_FUSED_EPILOGUE");
  EXPECT_EQ(verdict(*index, a, "relu").runs_in, "fp32");
  EXPECT_EQ(verdict(*index, a, "sigmoid").runs_in, "fp32");
  EXPECT_EQ(verdict(*index, a, "softmax").runs_in, "fp32");
  EXPECT_EQ(verdict(*index, a, "softmax").status, Status::kConvertible);  // not a fallback: float is what Q/DQ ask
  EXPECT_EQ(verdict(*index, a, "w_dequant").precision.code, "QDQ_WEIGHT_FOLDED");
  EXPECT_NE(find_model_issue(a, "TRT_EXPLICIT_QUANTIZATION"), nullptr);
}

TEST(Quantization, SigmoidWithoutQdqOn8_6RunsInFloatNotInt8) {
  auto index = index_of(issue_model());
  // The 8.6 operator list has INT8 for Sigmoid: the old per-op answer was "int8". In explicit mode it is float.
  auto a = run(*index, "8.6", "int8");
  const auto& tail = verdict(*index, a, "sigmoid_tail");
  EXPECT_EQ(tail.runs_in, "fp32") << describe(tail);
  EXPECT_EQ(tail.status, Status::kConvertible);
  EXPECT_TRUE(tail.precision.code.empty());  // no Q/DQ near it: the float baseline, nothing to explain
  auto mixed = run(*index, "8.6", "fp16,int8");
  EXPECT_EQ(verdict(*index, mixed, "sigmoid_tail").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, mixed, "softmax").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, mixed, "conv").runs_in, "int8");
}

TEST(Quantization, PlainFp32ModelAtInt8IsImplicitAndDeprecatedFrom10_1) {
  auto index = index_of(conv_softmax());
  for (const char* rel : {"8.6", "10.0"}) {
    auto a = run(*index, rel, "int8");
    EXPECT_EQ(a.summary.quantization, "implicit") << rel;
    ASSERT_NE(find_model_issue(a, "TRT_IMPLICIT_QUANTIZATION"), nullptr) << rel;
    EXPECT_FALSE(find_model_issue(a, "TRT_IMPLICIT_QUANTIZATION")->error);
    EXPECT_EQ(find_model_issue(a, "TRT_IMPLICIT_QUANTIZATION_DEPRECATED"), nullptr) << rel;
  }
  for (const char* rel : {"10.1", "10.15"}) {
    auto a = run(*index, rel, "int8");
    EXPECT_NE(find_model_issue(a, "TRT_IMPLICIT_QUANTIZATION"), nullptr) << rel;
    EXPECT_NE(find_model_issue(a, "TRT_IMPLICIT_QUANTIZATION_DEPRECATED"), nullptr) << rel;
    EXPECT_TRUE(a.summary.model_convertible) << rel;  // deprecated, not removed
  }
  // The per-layer answer stays, and says it depends on calibration.
  auto a = run(*index, "8.6", "int8");
  const auto& c = verdict(*index, a, "conv");
  EXPECT_EQ(c.runs_in, "int8");
  EXPECT_EQ(c.precision.code, "IMPLICIT_INT8_CANDIDATE");
  EXPECT_NE(c.precision.message.find("calibration"), std::string::npos);
  const auto& s = verdict(*index, a, "softmax");
  EXPECT_EQ(s.status, Status::kFallback);
  EXPECT_EQ(s.runs_in, "fp32");
  EXPECT_EQ(s.precision.code, "IMPLICIT_NO_INT8_KERNEL");
  // No int8 requested: no quantization at all.
  auto plain = run(*index, "10.15", "fp16");
  EXPECT_EQ(plain.summary.quantization, "none");
  EXPECT_TRUE(verdict(*index, plain, "conv").precision.code.empty());
}

TEST(Quantization, Fp8WithoutQdqHasNoEffect) {
  auto index = index_of(conv_softmax());
  auto a = run(*index, "10.15", "fp8");
  EXPECT_EQ(a.summary.quantization, "none");
  EXPECT_NE(find_model_issue(a, "TRT_QUANT_PRECISION_NEEDS_QDQ"), nullptr);
  EXPECT_EQ(verdict(*index, a, "conv").runs_in, "fp32");
}

// ---- F.5 fixtures -------------------------------------------------------------------------------------------------

// 1. Q(x)->DQ->Conv(DQ(W per-channel axis 0))->Relu->Q->DQ->Conv.
TEST(Quantization, ConvReluQuantizedOutputFeedsTheNextConv) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  conv(b, act_qdq(b, "x", "in"), weight_qdq(b, "w1", {4, 4, 3, 3}, 0), "c1", "conv1");
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  conv(b, act_qdq(b, "r1", "mid"), int8_weight(b, "w2", {4, 4, 3, 3}, 0), "y", "conv2");
  b.output("y", kFloat);
  auto index = index_of(b);
  for (const char* rel : {"8.6", "10.15"}) {
    auto a = run(*index, rel, "fp16,int8");
    const auto& c1 = verdict(*index, a, "conv1");
    EXPECT_EQ(c1.runs_in, "int8") << rel << describe(c1);
    EXPECT_EQ(c1.precision.code, "QDQ_FUSED_Q_OUT") << rel;
    EXPECT_EQ(verdict(*index, a, "relu1").runs_in, "int8") << rel;
    EXPECT_EQ(verdict(*index, a, "mid_quant").precision.code, "QDQ_FUSED") << rel;
    EXPECT_EQ(verdict(*index, a, "mid_dequant").precision.code, "QDQ_FUSED") << rel;
    EXPECT_EQ(verdict(*index, a, "in_quant").precision.code, "QDQ_STANDALONE") << rel;
    const auto& c2 = verdict(*index, a, "conv2");
    EXPECT_EQ(c2.runs_in, "int8") << rel;
    EXPECT_EQ(c2.precision.code, "QDQ_FUSED_FLOAT_OUT") << rel;
    EXPECT_EQ(a.summary.unsupported + a.summary.fallback, 0) << rel;
    EXPECT_EQ(a.summary.qdq_nodes, 7) << rel;
  }
  // 7.2 has no Q/DQ layers: Scale layers, precision unpredictable.
  auto old = run(*index, "7.2", "fp16,int8");
  ASSERT_NE(find_model_issue(old, "TRT_QDQ_EXPLICIT_PRECISION_ONLY"), nullptr);
  EXPECT_EQ(find_model_issue(old, "TRT_QDQ_EXPLICIT_PRECISION_ONLY")->confidence, "inferred");
}

// 3. ResNet block: DQ(a)->Conv->Add(+skip)->Relu->Q.
ModelBuilder residual_block(bool quantized_skip) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  conv(b, act_qdq(b, "x", "in"), weight_qdq(b, "w", {4, 4, 3, 3}, 0), "c", "conv");
  const std::string skip = quantized_skip ? act_qdq(b, "x", "skip") : std::string("x");
  b.node("Add", {"c", skip}, {"sum"}, "add");
  b.node("Relu", {"sum"}, {"r"}, "relu");
  b.output(act_qdq(b, "r", "out"), kFloat);
  return b;
}

TEST(Quantization, ResidualAddFusesWhenTheSkipBranchIsQuantized) {
  auto index = index_of(residual_block(true));
  auto a = run(*index, "10.15", "fp16,int8");
  EXPECT_EQ(verdict(*index, a, "conv").precision.code, "QDQ_FUSED_Q_OUT");
  EXPECT_EQ(verdict(*index, a, "add").runs_in, "int8");
  EXPECT_EQ(verdict(*index, a, "add").precision.code, "QDQ_FUSED_EPILOGUE");
  EXPECT_EQ(verdict(*index, a, "relu").runs_in, "int8");
  EXPECT_EQ(find_warning(verdict(*index, a, "add"), "TRT_QDQ_RESIDUAL_ONE_BRANCH"), nullptr);
  EXPECT_EQ(verdict(*index, a, "out_quant").precision.code, "QDQ_FUSED");
}

TEST(Quantization, ResidualAddWithAFloatSkipBranchGetsPlacementAdvice) {
  auto index = index_of(residual_block(false));
  auto a = run(*index, "8.6", "fp16,int8");
  const auto& c = verdict(*index, a, "conv");
  EXPECT_EQ(c.runs_in, "int8");
  EXPECT_EQ(c.precision.code, "QDQ_FUSED_FLOAT_OUT");
  EXPECT_EQ(c.precision.rule, "R6");
  const auto& add = verdict(*index, a, "add");
  EXPECT_EQ(add.runs_in, "fp16");
  const Warning* w = find_warning(add, "TRT_QDQ_RESIDUAL_ONE_BRANCH");
  ASSERT_NE(w, nullptr) << describe(add);
  EXPECT_NE(w->hint.find("skip"), std::string::npos);
  EXPECT_EQ(w->rule, "R6");
  EXPECT_EQ(verdict(*index, a, "out_quant").precision.code, "QDQ_STANDALONE");
}

// 4. DQ->MaxPool->Q commutes; DQ->AveragePool->Q is a quantized island.
TEST(Quantization, MaxPoolCommutesAveragePoolFuses) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  const std::string xd = act_qdq(b, "x", "in");
  set_attr(b.node("MaxPool", {xd}, {"m"}, "maxpool"), "kernel_shape", std::vector<std::int64_t>{2, 2});
  set_attr(b.node("AveragePool", {xd}, {"p"}, "avgpool"), "kernel_shape", std::vector<std::int64_t>{2, 2});
  b.output(act_qdq(b, "m", "mq"), kFloat);
  b.output(act_qdq(b, "p", "pq"), kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "int8");
  const auto& mp = verdict(*index, a, "maxpool");
  EXPECT_EQ(mp.runs_in, "int8");
  EXPECT_EQ(mp.precision.code, "QDQ_COMMUTED");
  EXPECT_EQ(mp.precision.confidence, "documented");
  const auto& ap = verdict(*index, a, "avgpool");
  EXPECT_EQ(ap.runs_in, "int8");
  EXPECT_EQ(ap.precision.code, "QDQ_FUSED_Q_OUT");
  EXPECT_EQ(ap.precision.rule, "R7");
}

// 5. DQ->Softmax->Q: no quantized kernel, standalone Q/DQ, placement advice.
TEST(Quantization, SoftmaxBetweenQdqRunsInFloatWithAdvice) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  conv(b, act_qdq(b, "x", "in"), weight_qdq(b, "w", {4, 4, 3, 3}, 0), "c", "conv");
  set_attr(b.node("Softmax", {act_qdq(b, "c", "mid")}, {"s"}, "softmax"), "axis", std::int64_t{1});
  b.output(act_qdq(b, "s", "out"), kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,int8");
  const auto& s = verdict(*index, a, "softmax");
  EXPECT_EQ(s.runs_in, "fp16");
  EXPECT_EQ(s.status, Status::kConvertible);
  EXPECT_EQ(s.precision.code, "QDQ_NOT_QUANTIZABLE");
  const Warning* w = find_warning(s, "TRT_QDQ_NOT_QUANTIZABLE");
  ASSERT_NE(w, nullptr);
  // The Conv writes int8 only for it to be dequantized for the Softmax.
  EXPECT_NE(w->message.find("'conv (Conv)' writes int8 only"), std::string::npos) << w->message;
  EXPECT_EQ(verdict(*index, a, "conv").precision.code, "QDQ_FUSED_Q_OUT");
}

// 6. Q/DQ only on the activation, plain FP32 weights: the Conv does not fuse.
TEST(Quantization, ActivationOnlyQdqIsNotFused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.initializer("w", kFloat, {4, 4, 3, 3}, std::vector<double>(4 * 4 * 9, 0.1));
  conv(b, act_qdq(b, "x", "in"), "w", "y", "conv");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,int8");
  const auto& c = verdict(*index, a, "conv");
  EXPECT_EQ(c.runs_in, "fp16");
  EXPECT_EQ(c.status, Status::kFallback);
  const Warning* w = find_warning(c, "TRT_QDQ_NOT_FUSED");
  ASSERT_NE(w, nullptr) << describe(c);
  EXPECT_EQ(w->message, "no DequantizeLinear on input 1 (weights); runs in fp16");
  EXPECT_EQ(w->confidence, "inferred");
  EXPECT_EQ(c.precision.code, "QDQ_PARTIAL_INPUTS");
  EXPECT_EQ(verdict(*index, a, "in_dequant").precision.code, "QDQ_STANDALONE");
  auto int8_only = run(*index, "10.15", "int8");
  EXPECT_EQ(verdict(*index, int8_only, "conv").runs_in, "fp32");
}

// Weight scales must be on the output-channel axis (R2).
TEST(Quantization, WeightScalesOnTheWrongAxisAreFlagged) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  conv(b, act_qdq(b, "x", "in"), weight_qdq(b, "w", {4, 4, 3, 3}, 1), "y", "conv");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "int8");
  const Warning* w = find_warning(verdict(*index, a, "conv"), "TRT_QDQ_WEIGHT_AXIS");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->hint.find("axis=0"), std::string::npos);

  // Gemm with transB=1 (PyTorch Linear, N x K): axis 0 is right, axis 1 is not.
  for (std::int64_t axis : {0, 1}) {
    ModelBuilder g(13);
    g.input("x", kFloat, {2, 16});
    auto& gemm = g.node("Gemm", {act_qdq(g, "x", "in"), weight_qdq(g, "w", {8, 16}, axis)}, {"y"}, "gemm");
    set_attr(gemm, "transB", std::int64_t{1});
    g.output("y", kFloat);
    auto gi = index_of(g);
    auto ga = run(*gi, "10.15", "int8");
    EXPECT_EQ(verdict(*gi, ga, "gemm").runs_in, "int8");
    EXPECT_EQ(find_warning(verdict(*gi, ga, "gemm"), "TRT_QDQ_WEIGHT_AXIS") != nullptr, axis == 1) << axis;
  }
}

// Attention: both MatMul inputs are activations through Q/DQ (BERT INT8 / FP8 MHA).
TEST(Quantization, AttentionMatMulsWithQdqOnBothInputs) {
  ModelBuilder b(13);
  b.input("q", kFloat, {1, 2, 16, 8});
  b.input("k", kFloat, {1, 2, 8, 16});
  b.input("v", kFloat, {1, 2, 16, 8});
  b.node("MatMul", {act_qdq(b, "q", "qq"), act_qdq(b, "k", "kq")}, {"scores"}, "bmm1");
  set_attr(b.node("Softmax", {"scores"}, {"p"}, "softmax"), "axis", std::int64_t{-1});
  b.node("MatMul", {act_qdq(b, "p", "pq"), act_qdq(b, "v", "vq")}, {"y"}, "bmm2");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,int8");
  for (const char* bmm : {"bmm1", "bmm2"}) {
    const auto& v = verdict(*index, a, bmm);
    EXPECT_EQ(v.runs_in, "int8") << bmm << describe(v);
    EXPECT_EQ(v.precision.confidence, "inferred") << bmm;  // INT8 BMM is not confirmed by NVIDIA text
  }
  EXPECT_EQ(verdict(*index, a, "softmax").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, a, "softmax").precision.code, "QDQ_NOT_QUANTIZABLE");
}

// 7. INT4 block-quantized MatMul weights (ModelOpt INT4 / TRT_INT4DequantizeLinear): weight-only.
ModelBuilder int4_matmul(const std::string& consumer) {
  ModelBuilder b(17);
  b.opset("trt", 1);
  b.input("x", kFloat, {1, 64});
  // 64 x 32 INT4 values packed two per byte; scale blocked along K (block 32).
  b.initializer("w", kInt4, {64, 32}, std::vector<double>(64 * 32 / 2, 0x11));
  b.initializer("w_s", kFloat, {2, 32}, std::vector<double>(64, 0.02));
  auto& dq = b.node("TRT_INT4DequantizeLinear", {"w", "w_s"}, {"w_dq"}, "w_dequant");
  dq.set_domain("trt");
  set_attr(dq, "axis", std::int64_t{0});
  set_attr(dq, "block_size", std::int64_t{32});
  b.node(consumer, {"x", "w_dq"}, {"y"}, "matmul");
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, Int4BlockQuantizedMatMulWeightsAreWeightOnly) {
  auto index = index_of(int4_matmul("MatMul"));
  for (const char* rel : {"10.0", "10.15"}) {
    auto a = run(*index, rel, "fp16,int4");
    const auto& m = verdict(*index, a, "matmul");
    EXPECT_EQ(m.runs_in, "fp16") << rel << describe(m);
    EXPECT_EQ(m.precision.code, "QDQ_WEIGHT_ONLY_INT4") << rel;
    EXPECT_NE(m.precision.message.find("block 32"), std::string::npos) << m.precision.message;
    const auto& dq = verdict(*index, a, "w_dequant");
    EXPECT_EQ(dq.runs_in, "int4") << rel << describe(dq);
    EXPECT_EQ(dq.precision.code, "QDQ_WEIGHT_FOLDED") << rel;
  }
  // Before 10.0 there is no INT4 at all: the parser rejects the dequantize node.
  auto old = run(*index, "9.3", "fp16,int8");
  EXPECT_EQ(verdict(*index, old, "w_dequant").status, Status::kUnsupported);
}

// 8. FP8 Q/DQ (pytorch-quantization / ModelOpt torch export: TRT_FP8QuantizeLinear / TRT_FP8DequantizeLinear pairs).
std::string fp8_qdq(ModelBuilder& b, const std::string& x, const std::string& tag) {
  b.initializer(tag + "_s", kFloat, {}, {0.05});
  b.node("TRT_FP8QuantizeLinear", {x, tag + "_s"}, {tag + "_q"}, tag + "_quant").set_domain("trt");
  b.node("TRT_FP8DequantizeLinear", {tag + "_q", tag + "_s"}, {tag + "_dq"}, tag + "_dequant").set_domain("trt");
  return tag + "_dq";
}

ModelBuilder fp8_model(const std::string& op) {
  ModelBuilder b(17);
  b.opset("trt", 1);
  if (op == "Conv") {
    b.input("x", kFloat, {1, 16, 8, 8});
    b.initializer("w", kFloat, {16, 16, 3, 3}, std::vector<double>(16 * 16 * 9, 0.1));
    conv(b, fp8_qdq(b, "x", "in"), fp8_qdq(b, "w", "wq"), "y", "op");
  } else {
    b.input("x", kFloat, {4, 32});
    b.initializer("w", kFloat, {32, 16}, std::vector<double>(32 * 16, 0.1));
    b.node(op, {fp8_qdq(b, "x", "in"), fp8_qdq(b, "w", "wq")}, {"y"}, "op");
  }
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, Fp8GemmPerRelease) {
  auto index = index_of(fp8_model("MatMul"));
  auto r86 = run(*index, "8.6", "fp16");
  EXPECT_EQ(verdict(*index, r86, "op").runs_in, "fp16");  // 8.6 parses FP8 Q/DQ but cannot build them
  ASSERT_NE(find_model_issue(r86, "TRT_QDQ_TYPE_NOT_BUILDABLE"), nullptr);
  EXPECT_TRUE(find_model_issue(r86, "TRT_QDQ_TYPE_NOT_BUILDABLE")->error);
  EXPECT_FALSE(r86.summary.model_convertible);
  for (const char* rel : {"9.0", "10.15"}) {
    auto a = run(*index, rel, "fp16,fp8");
    EXPECT_EQ(verdict(*index, a, "op").runs_in, "fp8") << rel << describe(verdict(*index, a, "op"));
    EXPECT_EQ(verdict(*index, a, "op").precision.code, "QDQ_FUSED_FLOAT_OUT") << rel;
    EXPECT_EQ(find_model_issue(a, "TRT_QDQ_TYPE_NOT_BUILDABLE"), nullptr) << rel;
    EXPECT_EQ(find_model_issue(a, "TRT_QDQ_INT8_NOT_ENABLED"), nullptr) << rel;  // FP8 Q/DQ only
  }
}

TEST(Quantization, Fp8ConvArrivesIn10_3AndNeedsStrongTypingIn10_2) {
  auto index = index_of(fp8_model("Conv"));
  auto r100 = run(*index, "10.0", "fp16,fp8");
  EXPECT_EQ(verdict(*index, r100, "op").runs_in, "fp16");
  EXPECT_NE(find_warning(verdict(*index, r100, "op"), "TRT_QDQ_NOT_FUSED"), nullptr);
  auto weak102 = run(*index, "10.2", "fp16,fp8");
  EXPECT_EQ(verdict(*index, weak102, "op").runs_in, "fp16");
  auto strong102 = run(*index, "10.2", "fp32", /*strongly_typed=*/true);
  EXPECT_EQ(verdict(*index, strong102, "op").runs_in, "fp8");
  auto r103 = run(*index, "10.3", "fp16,fp8");
  EXPECT_EQ(verdict(*index, r103, "op").runs_in, "fp8");
}

// FP8 through the ONNX ops: FLOAT8E4M3FN zero points (opset 19, ModelOpt ONNX --quantize_mode fp8).
TEST(Quantization, OnnxFp8ZeroPointsPickFp8) {
  ModelBuilder b(19);
  b.input("x", kFloat, {4, 32});
  b.initializer("w", kFloat, {32, 16}, std::vector<double>(32 * 16, 0.1));
  for (const char* t : {"in", "wq"}) {
    const std::string tag(t);
    b.initializer(tag + "_s", kFloat, {}, {0.05});
    b.initializer(tag + "_zp", kFloat8E4M3FN, {}, {0});
    b.node("QuantizeLinear", {tag == "in" ? "x" : "w", tag + "_s", tag + "_zp"}, {tag + "_q"}, tag + "_quant");
    b.node("DequantizeLinear", {tag + "_q", tag + "_s", tag + "_zp"}, {tag + "_dq"}, tag + "_dequant");
  }
  b.node("MatMul", {"in_dq", "wq_dq"}, {"y"}, "op");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,fp8");
  EXPECT_EQ(verdict(*index, a, "op").runs_in, "fp8") << describe(verdict(*index, a, "op"));
  ASSERT_EQ(a.summary.qdq_nodes, 4);
}

// NVFP4 (ModelOpt torch export, 10.8+): activations through TRT_FP4DynamicQuantize -> DQ(scale) -> DQ(data), weights
// FP4 initializer -> DQ(FP8 block scale, FP32 global scale) -> DQ(weights, block 16).
TEST(Quantization, Nvfp4MatMulRunsInFp4) {
  ModelBuilder b(23);
  b.opset("trt", 1);
  b.input("x", kFloat, {16, 64});
  b.initializer("gs", kFloat, {}, {0.5});
  auto& dyn = b.node("TRT_FP4DynamicQuantize", {"x", "gs"}, {"xq", "xs"}, "x_dynquant");
  dyn.set_domain("trt");
  set_attr(dyn, "axis", std::int64_t{-1});
  set_attr(dyn, "block_size", std::int64_t{16});
  set_attr(dyn, "scale_type", std::int64_t{kFloat8E4M3FN});
  b.node("DequantizeLinear", {"xs", "gs"}, {"xs_dq"}, "xs_dequant");
  b.node("DequantizeLinear", {"xq", "xs_dq"}, {"x_dq"}, "x_dequant");
  b.initializer("w", kFloat4E2M1, {64, 32}, std::vector<double>(64 * 32 / 2, 0x22));
  b.initializer("ws", kFloat8E4M3FN, {4, 32}, std::vector<double>(4 * 32, 0x38));
  b.node("DequantizeLinear", {"ws", "gs"}, {"ws_dq"}, "ws_dequant");
  b.node("DequantizeLinear", {"w", "ws_dq"}, {"w_dq"}, "w_dequant");
  b.node("MatMul", {"x_dq", "w_dq"}, {"y"}, "matmul");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,fp4");
  const auto& m = verdict(*index, a, "matmul");
  EXPECT_EQ(m.runs_in, "fp4") << describe(m);
  EXPECT_EQ(m.precision.code, "QDQ_FUSED_FLOAT_OUT");
  EXPECT_EQ(verdict(*index, a, "w_dequant").runs_in, "fp4");
  EXPECT_EQ(verdict(*index, a, "w_dequant").precision.code, "QDQ_WEIGHT_FOLDED");
  // FP4 weights under a float activation: no FP4 weight-only mode.
  ModelBuilder wo(23);
  wo.input("x", kFloat, {16, 64});
  wo.initializer("gs", kFloat, {}, {0.5});
  wo.initializer("w", kFloat4E2M1, {64, 32}, std::vector<double>(64 * 32 / 2, 0x22));
  wo.initializer("ws", kFloat8E4M3FN, {4, 32}, std::vector<double>(4 * 32, 0x38));
  wo.node("DequantizeLinear", {"ws", "gs"}, {"ws_dq"}, "ws_dequant");
  wo.node("DequantizeLinear", {"w", "ws_dq"}, {"w_dq"}, "w_dequant");
  wo.node("MatMul", {"x", "w_dq"}, {"y"}, "matmul");
  wo.output("y", kFloat);
  auto wi = index_of(wo);
  auto wa = run(*wi, "10.15", "fp16,fp4");
  EXPECT_EQ(verdict(*wi, wa, "matmul").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*wi, wa, "matmul"), "TRT_QDQ_FP4_CONSUMER"));
}

// INT4 weights on a Conv: INT4 is weight-only quantization for MatMul/Gemm.
TEST(Quantization, Int4ConvIsUnsupported) {
  ModelBuilder b(17);
  b.opset("trt", 1);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.initializer("w", kInt4, {4, 4, 3, 3}, std::vector<double>(4 * 4 * 9 / 2, 0x11));
  b.initializer("w_s", kFloat, {4}, std::vector<double>(4, 0.02));
  auto& dq = b.node("TRT_INT4DequantizeLinear", {"w", "w_s"}, {"w_dq"}, "w_dequant");
  dq.set_domain("trt");
  set_attr(dq, "axis", std::int64_t{0});
  conv(b, "x", "w_dq", "y", "conv");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,int4");
  EXPECT_EQ(verdict(*index, a, "conv").status, Status::kUnsupported) << describe(verdict(*index, a, "conv"));
  EXPECT_TRUE(has_reason(verdict(*index, a, "conv"), "TRT_QDQ_INT4_CONSUMER"));
}

// 10. An INT8 Q/DQ model built without int8 among the builder precisions.
TEST(Quantization, Int8QdqNeedsTheInt8FlagInWeakTyping) {
  auto index = index_of(issue_model());
  auto r86 = run(*index, "8.6", "fp16");
  ASSERT_NE(find_model_issue(r86, "TRT_QDQ_INT8_NOT_ENABLED"), nullptr);
  EXPECT_TRUE(find_model_issue(r86, "TRT_QDQ_INT8_NOT_ENABLED")->error);
  EXPECT_FALSE(r86.summary.model_convertible);
  auto r1015 = run(*index, "10.15", "fp16");
  ASSERT_NE(find_model_issue(r1015, "TRT_QDQ_INT8_NOT_ENABLED"), nullptr);
  EXPECT_FALSE(find_model_issue(r1015, "TRT_QDQ_INT8_NOT_ENABLED")->error);  // not confirmed for 10.x: a warning
  EXPECT_EQ(find_model_issue(r1015, "TRT_QDQ_INT8_NOT_ENABLED")->confidence, "inferred");
  EXPECT_NE(find_model_issue(r1015, "TRT_WEAK_TYPING_DEPRECATED"), nullptr);
  auto strong = run(*index, "10.15", "fp32", /*strongly_typed=*/true);
  EXPECT_EQ(strong.summary.quantization, "strongly_typed");
  EXPECT_EQ(find_model_issue(strong, "TRT_QDQ_INT8_NOT_ENABLED"), nullptr);
  EXPECT_EQ(verdict(*index, strong, "conv").runs_in, "int8");
  EXPECT_TRUE(strong.summary.model_convertible);
}

// ---- strongly typed -----------------------------------------------------------------------------------------------

TEST(Quantization, StronglyTypedTakesPrecisionFromTheOnnxTypes) {
  ModelBuilder b(17);
  b.input("x", kFloat16, {1, 4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat16);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp32", /*strongly_typed=*/true);
  EXPECT_EQ(a.summary.quantization, "strongly_typed");
  EXPECT_TRUE(a.target.strongly_typed);
  EXPECT_EQ(verdict(*index, a, "relu").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, a, "relu").precision.code, "STRONGLY_TYPED");

  auto fp32 = index_of(conv_softmax());
  auto s = run(*fp32, "10.15", "fp16,int8", /*strongly_typed=*/true);
  EXPECT_EQ(verdict(*fp32, s, "conv").runs_in, "fp32");  // builder precisions do not apply
  EXPECT_EQ(verdict(*fp32, s, "softmax").status, Status::kConvertible);
  EXPECT_NE(find_model_issue(s, "TRT_STRONGLY_TYPED_IGNORES_PRECISIONS"), nullptr);
  EXPECT_EQ(find_model_issue(s, "TRT_IMPLICIT_QUANTIZATION"), nullptr);
}

TEST(Quantization, StronglyTypedIsAUsageErrorBefore9_0) {
  const auto& kb = KnowledgeBase::builtin();
  auto t86 = with_strong_typing(make_target(kb, "8.6", "fp32", false, {}).value(), true);
  ASSERT_FALSE(t86);
  EXPECT_EQ(t86.error().code, "E_USAGE");
  EXPECT_NE(t86.error().message.find("8.6.1"), std::string::npos);
  EXPECT_TRUE(with_strong_typing(make_target(kb, "9.0", "fp32", false, {}).value(), true));
  EXPECT_TRUE(with_strong_typing(make_target(kb, "10.15", "fp32", false, {}).value(), true));
}

// ---- implicit INT8 on 10.x: the operator tables list INT8 for no compute op ----------------------------------------

// Conv, ConvTranspose, pooling, Gemm and MatMul: every layer whose INT8 kernels the release data carries into 10.x.
ModelBuilder implicit_int8_layers() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.initializer("w", kFloat, {4, 4, 3, 3}, std::vector<double>(4 * 4 * 9, 0.1));
  b.initializer("wt", kFloat, {4, 4, 2, 2}, std::vector<double>(4 * 4 * 4, 0.1));
  conv(b, "x", "w", "c", "conv");
  set_attr(b.node("ConvTranspose", {"c", "wt"}, {"ct"}, "deconv"), "strides", std::vector<std::int64_t>{2, 2});
  set_attr(b.node("MaxPool", {"ct"}, {"mp"}, "maxpool"), "kernel_shape", std::vector<std::int64_t>{2, 2});
  set_attr(b.node("AveragePool", {"mp"}, {"ap"}, "avgpool"), "kernel_shape", std::vector<std::int64_t>{2, 2});
  b.node("GlobalAveragePool", {"ap"}, {"gap"}, "gap");
  b.node("GlobalMaxPool", {"ap"}, {"gmp"}, "gmp");
  b.node("Add", {"gap", "gmp"}, {"pooled"}, "add");
  b.node("Flatten", {"pooled"}, {"flat"}, "flatten");
  b.initializer("g", kFloat, {8, 4}, std::vector<double>(32, 0.1));
  set_attr(b.node("Gemm", {"flat", "g"}, {"fc"}, "gemm"), "transB", std::int64_t{1});
  b.initializer("m", kFloat, {8, 8}, std::vector<double>(64, 0.1));
  b.node("MatMul", {"fc", "m"}, {"mm"}, "matmul");
  b.node("Relu", {"mm"}, {"y"}, "relu");
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, ImplicitInt8ConvRunsInt8OnEvery10xRelease) {
  auto index = index_of(implicit_int8_layers());
  const std::map<std::string, std::string> evidence{
      {"conv", "documented"}, {"deconv", "documented"}, {"maxpool", "inferred"}, {"avgpool", "inferred"},
      {"gap", "inferred"},    {"gmp", "inferred"},      {"gemm", "inferred"},    {"matmul", "inferred"}};
  for (const char* rel : {"10.0", "10.1", "10.8", "10.15"}) {
    auto a = run(*index, rel, "int8");
    EXPECT_EQ(a.summary.quantization, "implicit") << rel;
    for (const auto& [name, confidence] : evidence) {
      const auto& v = verdict(*index, a, name);
      EXPECT_EQ(v.status, Status::kConvertible) << rel << " " << name << describe(v);
      EXPECT_EQ(v.runs_in, "int8") << rel << " " << name;
      EXPECT_EQ(v.precision.code, "IMPLICIT_INT8_CANDIDATE") << rel << " " << name;
      EXPECT_EQ(v.precision.confidence, confidence) << rel << " " << name;
      EXPECT_NE(v.precision.message.find("carried from the 8.x/9.x tables"), std::string::npos) << v.precision.message;
      // The published table still lists no INT8: an INT8 *input* would still be flagged as undocumented.
      EXPECT_FALSE(has_warning(v, "TRT_UNDOCUMENTED_TYPE")) << rel << " " << name;
    }
    // Ops without a known INT8 kernel: float, and on 10.x only as sure as the silent table allows.
    const auto& relu = verdict(*index, a, "relu");
    EXPECT_EQ(relu.status, Status::kFallback) << rel;
    EXPECT_EQ(relu.runs_in, "fp32") << rel;
    EXPECT_EQ(relu.precision.code, "IMPLICIT_NO_INT8_KERNEL") << rel;
    EXPECT_EQ(relu.precision.confidence, "inferred") << rel;
    EXPECT_EQ(verdict(*index, a, "add").runs_in, "fp32") << rel;
  }
  // 8.6 and 9.3 list INT8 for Conv in their own tables: documented, no carry-over. 8.x lists no INT8 MatMul.
  for (const char* rel : {"8.6", "9.3"}) {
    auto a = run(*index, rel, "int8");
    const auto& c = verdict(*index, a, "conv");
    EXPECT_EQ(c.runs_in, "int8") << rel;
    EXPECT_EQ(c.precision.confidence, "documented") << rel;
    EXPECT_EQ(c.precision.message.find("carried"), std::string::npos) << rel;
    EXPECT_EQ(verdict(*index, a, "matmul").runs_in, std::string(rel) == "8.6" ? "fp32" : "int8") << rel;
  }
  auto r86 = run(*index, "8.6", "int8");
  EXPECT_EQ(verdict(*index, r86, "relu").runs_in, "int8");  // the 8.6 table lists INT8 for Relu
  // fp16 next to int8: the 10.15 Conv is an int8 candidate, Relu falls back to fp16 (not fp32).
  auto mixed = run(*index, "10.15", "fp16,int8");
  EXPECT_EQ(verdict(*index, mixed, "conv").runs_in, "int8");
  EXPECT_EQ(verdict(*index, mixed, "relu").runs_in, "fp16");
}

// ---- R3: Q/DQ scales and zero points must be build-time constants --------------------------------------------------

// x -> Q -> DQ -> Conv(weights per channel) with the activation scale from `scale` (an initializer name, a graph
// input, or a Cast of a Constant).
ModelBuilder conv_with_activation_scale(const std::string& how) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  std::string scale = "in_s";
  if (how == "input") {
    b.input("in_s", kFloat, {});
  } else if (how == "computed") {
    b.input("amax", kFloat, {});
    b.initializer("inv127", kFloat, {}, {1.0 / 127});
    b.node("Mul", {"amax", "inv127"}, {"in_s"}, "scale_mul");
  } else if (how == "cast") {
    set_attr(b.node("Constant", {}, {"s16"}, "scale_const"), "value", make_tensor("s16", kFloat16, {}, {0.05}));
    set_attr(b.node("Cast", {"s16"}, {"in_s"}, "scale_cast"), "to", std::int64_t{kFloat});
  } else {
    b.initializer("in_s", kFloat, {}, {0.05});
  }
  b.initializer("in_zp", kInt8, {}, {0});
  b.node("QuantizeLinear", {"x", scale, "in_zp"}, {"xq"}, "in_quant");
  b.node("DequantizeLinear", {"xq", scale, "in_zp"}, {"xd"}, "in_dequant");
  conv(b, "xd", weight_qdq(b, "w", {4, 4, 3, 3}, 0), "y", "conv");
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, ComputedQdqScalesDoNotFuse) {
  for (const char* how : {"input", "computed"}) {
    auto index = index_of(conv_with_activation_scale(how));
    for (const char* rel : {"8.0", "8.6", "9.3", "10.1", "10.15"}) {
      const std::string sure = std::string(rel) == "8.0" ? "inferred" : "documented";
      auto a = run(*index, rel, "fp16,int8");
      const auto& c = verdict(*index, a, "conv");
      EXPECT_EQ(c.status, Status::kFallback) << how << " " << rel << describe(c);
      EXPECT_EQ(c.runs_in, "fp16") << how << " " << rel;
      EXPECT_EQ(c.precision.code, "QDQ_PARTIAL_INPUTS") << how << " " << rel;
      EXPECT_EQ(c.precision.rule, "R3") << how << " " << rel;
      EXPECT_EQ(c.precision.confidence, sure) << how << " " << rel;
      const Warning* w = find_warning(c, "TRT_QDQ_NOT_FUSED");
      ASSERT_NE(w, nullptr) << how << " " << rel;
      EXPECT_EQ(w->rule, "R3");
      EXPECT_NE(w->message.find("input 0 (activation) has a scale that is not a build-time constant"),
                std::string::npos)
          << w->message;
      for (const char* qdq : {"in_quant", "in_dequant"}) {
        const auto& q = verdict(*index, a, qdq);
        EXPECT_EQ(q.precision.code, "QDQ_STANDALONE") << how << " " << rel << " " << qdq;
        EXPECT_EQ(q.precision.rule, "R3") << how << " " << rel << " " << qdq;
        EXPECT_TRUE(has_warning(q, "TRT_QDQ_SCALE_NOT_CONSTANT")) << how << " " << rel << " " << qdq;
      }
      // The weight Q/DQ have constant scales: still folded.
      EXPECT_EQ(verdict(*index, a, "w_dequant").precision.code, "QDQ_WEIGHT_FOLDED") << rel;
    }
    // 7.2's parser refuses a non-initializer scale outright.
    auto old = run(*index, "7.2", "fp16,int8");
    EXPECT_EQ(verdict(*index, old, "in_quant").status, Status::kUnsupported) << how;
    EXPECT_TRUE(has_reason(verdict(*index, old, "in_quant"), "TRT_QUANTIZELINEAR_SCALE_NOT_CONSTANT")) << how;
  }
  // Constant -> Cast -> Q/DQ is a build-time constant (the form the 8.6 header names): the Conv fuses.
  auto index = index_of(conv_with_activation_scale("cast"));
  for (const char* rel : {"8.6", "10.15"}) {
    auto a = run(*index, rel, "fp16,int8");
    EXPECT_EQ(verdict(*index, a, "conv").runs_in, "int8") << rel << describe(verdict(*index, a, "conv"));
    EXPECT_FALSE(has_warning(verdict(*index, a, "in_quant"), "TRT_QDQ_SCALE_NOT_CONSTANT")) << rel;
  }
}

// A DQ -> AveragePool -> Q island whose output Q has a computed scale is not an int8 island (R3 over R7).
TEST(Quantization, ComputedScaleBreaksAnInt8Island) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.input("out_s", kFloat, {});
  b.initializer("zp", kInt8, {}, {0});
  set_attr(b.node("AveragePool", {act_qdq(b, "x", "in")}, {"p"}, "avgpool"), "kernel_shape",
           std::vector<std::int64_t>{2, 2});
  b.node("QuantizeLinear", {"p", "out_s", "zp"}, {"pq"}, "out_quant");
  b.node("DequantizeLinear", {"pq", "out_s", "zp"}, {"y"}, "out_dequant");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,int8");
  const auto& ap = verdict(*index, a, "avgpool");
  EXPECT_EQ(ap.runs_in, "fp16") << describe(ap);
  EXPECT_EQ(ap.precision.code, "QDQ_PARTIAL_INPUTS");
  EXPECT_EQ(ap.precision.rule, "R3");
  EXPECT_TRUE(has_warning(verdict(*index, a, "out_quant"), "TRT_QDQ_SCALE_NOT_CONSTANT"));
}

// ---- R11: network inputs and outputs keep their declared types ---------------------------------------------------

TEST(Quantization, QuantizeLinearWritingANetworkOutputHandsOutInt8) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  conv(b, act_qdq(b, "x", "in"), weight_qdq(b, "w", {4, 4, 3, 3}, 0), "c", "conv");
  b.initializer("out_s", kFloat, {}, {0.05});
  b.initializer("out_zp", kInt8, {}, {0});
  b.node("QuantizeLinear", {"c", "out_s", "out_zp"}, {"y"}, "out_quant");
  b.output("y", kInt8);
  auto index = index_of(b);
  for (const char* rel : {"8.6", "10.15"}) {
    auto a = run(*index, rel, "fp16,int8");
    EXPECT_EQ(verdict(*index, a, "conv").precision.code, "QDQ_FUSED_Q_OUT") << rel;
    const auto& q = verdict(*index, a, "out_quant");
    EXPECT_EQ(q.runs_in, "int8") << rel;
    EXPECT_EQ(q.precision.code, "QDQ_NETWORK_OUTPUT") << rel;
    EXPECT_EQ(q.precision.rule, "R11") << rel;
    EXPECT_EQ(q.precision.confidence, "inferred") << rel;
    EXPECT_NE(q.precision.message.find("fused into 'conv'"), std::string::npos) << q.precision.message;
    // Written by a QuantizeLinear: as intended.
    EXPECT_EQ(find_model_issue(a, "TRT_QUANTIZED_NETWORK_IO"), nullptr) << rel;
  }
}

TEST(Quantization, Int8NetworkInputWithoutQdqNeedsADynamicRange) {
  ModelBuilder b(13);
  b.input("x", kInt8, {1, 4});
  set_attr(b.node("Cast", {"x"}, {"xf"}, "cast"), "to", std::int64_t{kFloat});
  b.node("Relu", {"xf"}, {"y"}, "relu");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto implicit = run(*index, "10.15", "int8");
  const ModelIssue* m = find_model_issue(implicit, "TRT_QUANTIZED_NETWORK_IO");
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->error);
  EXPECT_EQ(m->confidence, "");  // TensorRT #1973: a range is required for INT8 I/O without Q/DQ
  EXPECT_NE(m->message.find("network input 'x' is INT8"), std::string::npos) << m->message;
  auto plain = run(*index, "8.6", "fp16");
  ASSERT_NE(find_model_issue(plain, "TRT_QUANTIZED_NETWORK_IO"), nullptr);
  EXPECT_EQ(find_model_issue(plain, "TRT_QUANTIZED_NETWORK_IO")->confidence, "inferred");  // the int8-flag part
  EXPECT_NE(find_model_issue(plain, "TRT_QUANTIZED_NETWORK_IO")->message.find("int8 among the builder precisions"),
            std::string::npos);
  // UINT8 image inputs are ordinary network I/O.
  ModelBuilder u(13);
  u.input("img", kUint8, {1, 4});
  set_attr(u.node("Cast", {"img"}, {"f"}, "cast"), "to", std::int64_t{kFloat});
  u.output("f", kFloat);
  auto ui = index_of(u);
  EXPECT_EQ(find_model_issue(run(*ui, "10.15", "int8"), "TRT_QUANTIZED_NETWORK_IO"), nullptr);
}

TEST(Quantization, Fp8NetworkInputNotReadByADequantizeLinear) {
  ModelBuilder b(19);
  b.input("x", kFloat8E4M3FN, {4, 32});
  set_attr(b.node("Cast", {"x"}, {"xf"}, "cast"), "to", std::int64_t{kFloat});
  b.initializer("w", kFloat, {32, 16}, std::vector<double>(32 * 16, 0.1));
  b.node("MatMul", {fp8_qdq(b, "xf", "in"), fp8_qdq(b, "w", "wq")}, {"y"}, "op");
  b.output("y", kFloat);
  b.opset("trt", 1);
  auto index = index_of(b);
  auto a = run(*index, "10.15", "fp16,fp8");
  const ModelIssue* m = find_model_issue(a, "TRT_QUANTIZED_NETWORK_IO");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->confidence, "inferred");
  EXPECT_NE(m->message.find("no DequantizeLinear reads it"), std::string::npos) << m->message;
}

// ---- R10: plugins between Q/DQ ------------------------------------------------------------------------------------

ModelBuilder plugin_between_qdq() {
  ModelBuilder b(13);
  b.opset("custom", 1);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.node("MyPlugin", {act_qdq(b, "x", "in")}, {"p"}, "plugin").set_domain("custom");
  conv(b, act_qdq(b, "p", "mid"), weight_qdq(b, "w", {4, 4, 3, 3}, 0), "y", "conv");
  b.output("y", kFloat);
  return b;
}

TEST(Quantization, PluginBetweenQdqReadsInt8OnlyIfItDeclaresIt) {
  auto index = index_of(plugin_between_qdq());
  for (const char* rel : {"8.6", "10.15"}) {
    auto a = check(*index, rel, "fp16,int8", false, {"MyPlugin"});
    const auto& p = verdict(*index, a, "plugin");
    EXPECT_EQ(p.runs_in, "plugin") << rel;
    EXPECT_EQ(p.status, Status::kConvertible) << rel;
    EXPECT_EQ(p.precision.code, "QDQ_PLUGIN_IO") << rel << describe(p);
    EXPECT_EQ(p.precision.rule, "R10") << rel;
    EXPECT_EQ(p.precision.confidence, "documented") << rel;
    EXPECT_NE(p.precision.message.find("only if it declares int8 I/O"), std::string::npos) << p.precision.message;
    const auto& dq = verdict(*index, a, "in_dequant");
    EXPECT_EQ(dq.precision.code, "QDQ_STANDALONE") << rel;
    EXPECT_EQ(dq.precision.rule, "R10") << rel;
    const auto& q = verdict(*index, a, "mid_quant");
    EXPECT_EQ(q.precision.code, "QDQ_STANDALONE") << rel;
    EXPECT_EQ(q.precision.rule, "R10") << rel;
    EXPECT_EQ(verdict(*index, a, "conv").runs_in, "int8") << rel;  // the Conv after it still fuses its own DQ
  }
  // Weakly typed without int8: plugin int8 I/O is not allowed, it runs in float.
  auto no_int8 = check(*index, "10.15", "fp16", false, {"MyPlugin"});
  const auto& p = verdict(*index, no_int8, "plugin");
  EXPECT_EQ(p.precision.code, "QDQ_PLUGIN_IO");
  EXPECT_NE(p.precision.message.find("it reads float: int8 is not among the builder precisions"), std::string::npos)
      << p.precision.message;
}

// ---- weak typing: normalization computes in fp32 -----------------------------------------------------------------

ModelBuilder layer_norm(int dtype, std::optional<std::int64_t> stash_type = std::nullopt) {
  ModelBuilder b(17);
  b.input("x", dtype, {1, 8, 16});
  b.initializer("s", dtype, {16}, std::vector<double>(16, 1.0));
  b.initializer("bias", dtype, {16}, std::vector<double>(16, 0.0));
  auto& n = b.node("LayerNormalization", {"x", "s", "bias"}, {"y"}, "ln");
  set_attr(n, "axis", std::int64_t{-1});
  if (stash_type) set_attr(n, "stash_type", *stash_type);
  b.output("y", dtype);
  return b;
}

TEST(Quantization, LayerNormStaysFp32InAnFp16BuildUnlessStronglyTyped) {
  auto index = index_of(layer_norm(kFloat));
  for (const char* rel : {"8.6", "9.3", "10.1", "10.15"}) {
    for (const char* prec : {"fp16", "fp16,int8"}) {
      auto a = run(*index, rel, prec);
      const auto& ln = verdict(*index, a, "ln");
      EXPECT_EQ(ln.runs_in, "fp32") << rel << " " << prec << describe(ln);
      EXPECT_EQ(ln.status, Status::kFallback) << rel << " " << prec;
      EXPECT_EQ(ln.precision.code, "NORM_FP32_COMPUTE") << rel << " " << prec;
      EXPECT_EQ(ln.precision.rule, "R1") << rel << " " << prec;
      EXPECT_EQ(ln.precision.confidence, "documented") << rel << " " << prec;
    }
    auto fp32 = run(*index, rel, "fp32");
    EXPECT_EQ(verdict(*index, fp32, "ln").status, Status::kConvertible) << rel;
    EXPECT_TRUE(verdict(*index, fp32, "ln").precision.code.empty()) << rel;
  }
  // Strongly typed: the ONNX type decides, FLOAT16 in -> fp16 compute.
  auto half = index_of(layer_norm(kFloat16));
  auto strong = run(*half, "10.15", "fp32", /*strongly_typed=*/true);
  EXPECT_EQ(verdict(*half, strong, "ln").runs_in, "fp16");
  EXPECT_EQ(verdict(*half, strong, "ln").precision.code, "STRONGLY_TYPED");
  // Weakly typed with FLOAT16 I/O: still fp32 compute (stash_type defaults to FLOAT).
  auto weak = run(*half, "10.15", "fp16");
  EXPECT_EQ(verdict(*half, weak, "ln").runs_in, "fp32");
  // stash_type FLOAT16 asks for fp16 compute, and the parser passes it on.
  auto stash = index_of(layer_norm(kFloat, kFloat16));
  auto s = run(*stash, "10.15", "fp16");
  EXPECT_EQ(verdict(*stash, s, "ln").runs_in, "fp16");
  EXPECT_EQ(verdict(*stash, s, "ln").status, Status::kConvertible);
  EXPECT_EQ(verdict(*stash, s, "ln").precision.code, "NORM_STASH_TYPE");
}

TEST(Quantization, InstanceNormIsFp32OnlyWhereItIsANativeLayer) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.initializer("s", kFloat, {4}, std::vector<double>(4, 1.0));
  b.initializer("bias", kFloat, {4}, std::vector<double>(4, 0.0));
  b.node("InstanceNormalization", {"x", "s", "bias"}, {"y"}, "in");
  b.output("y", kFloat);
  auto index = index_of(b);
  auto r93 = run(*index, "9.3", "fp16");  // the InstanceNormalization_TRT plugin by default: no claim
  EXPECT_EQ(verdict(*index, r93, "in").runs_in, "fp16");
  EXPECT_TRUE(verdict(*index, r93, "in").precision.code.empty());
  auto r1015 = run(*index, "10.15", "fp16");
  EXPECT_EQ(verdict(*index, r1015, "in").runs_in, "fp32");
  EXPECT_EQ(verdict(*index, r1015, "in").precision.code, "NORM_FP32_COMPUTE");
}

// ---- views --------------------------------------------------------------------------------------------------------

TEST(Quantization, CliShowsTheModeInEveryView) {
  TempDir dir;
  const auto path = issue_model().save(dir / "qdq.onnx");
  auto json = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "fp16,int8", "--format", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["target"]["quantization"], "explicit");
  EXPECT_EQ(doc["target"]["strongly_typed"], false);
  EXPECT_EQ(doc["summary"]["quantization"], "explicit");
  EXPECT_EQ(doc["summary"]["qdq_nodes"], 4);
  bool conv_seen = false;
  for (const auto& n : doc["nodes"])
    if (n["name"] == "conv") {
      conv_seen = true;
      EXPECT_EQ(n["runs_in"], "int8");
      EXPECT_EQ(n["precision"]["code"], "QDQ_FUSED_FLOAT_OUT");
      EXPECT_EQ(n["precision"]["rule"], "R5");
    }
  EXPECT_TRUE(conv_seen);

  auto table = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "int8"});
  EXPECT_NE(table.out.find("int8, explicit quantization)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Quantization: explicit"), std::string::npos) << table.out;
  auto md = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "int8", "--format", "markdown"});
  EXPECT_NE(md.out.find("### Effective precision"), std::string::npos) << md.out;
  auto junit = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "int8", "--format", "junit"});
  EXPECT_NE(junit.out.find("<property name=\"quantization\" value=\"explicit\"/>"), std::string::npos);
  auto sarif = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "int8", "--format", "sarif"});
  EXPECT_EQ(nlohmann::json::parse(sarif.out)["runs"][0]["properties"]["quantization"], "explicit");
  auto html = run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "int8", "--format", "html"});
  EXPECT_NE(html.out.find("explicit quantization"), std::string::npos);

  auto typed = run_trtlens({"check", path.string(), "--trt", "10.15", "--strongly-typed", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(typed.out)["target"]["quantization"], "strongly_typed");
  auto bad = run_trtlens({"check", path.string(), "--trt", "8.6", "--strongly-typed"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("strongly typed"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace trtlens::test
