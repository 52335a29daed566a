// Constant-input requirements audited per release tag (every "must be an initializer" assertion of the importers at
// release/7.2.1 .. release/10.1-GA): a computed input is refused up to the release named, accepted after it.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

TEST(ConstInputs, TopKComputedKRefusedUpTo8_5) {
  ModelBuilder m(11);
  m.input("x", kFloat, {1, 16});
  m.input("kin", kInt64, {1});
  m.node("Abs", {"kin"}, {"k"}, "abs");
  m.node("TopK", {"x", "k"}, {"v", "i"}, "n");
  m.output("v");
  m.output("i");
  expect_node(m, "n",
              {{"7.2", NO, "TRT_TOPK_K_NOT_CONSTANT"},
               {"8.2", NO, "TRT_TOPK_K_NOT_CONSTANT"},
               {"8.5", NO, "TRT_TOPK_K_NOT_CONSTANT"},
               {"8.6", OK, "TRT_TOPK_K_NOT_CONSTANT", false},
               {"10.15", OK, "TRT_TOPK_K_NOT_CONSTANT", false}});
  ModelBuilder constant(11);
  constant.input("x", kFloat, {1, 16});
  constant.initializer("k", kInt64, {1}, {4});
  constant.node("TopK", {"x", "k"}, {"v", "i"}, "n");
  constant.output("v");
  constant.output("i");
  expect_node(constant, "n", {{"8.5", OK, "TRT_TOPK_K_NOT_CONSTANT", false}});
}

// A Conv/ConvTranspose whose weight and/or bias is computed (a Relu output) instead of an initializer.
ModelBuilder conv(const std::string& op, bool computed_weight, bool computed_bias) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 4, 8, 8});
  const std::vector<std::int64_t> wshape = {4, 4, 3, 3};  // Conv: [out, in, k, k]; ConvTranspose: [in, out, k, k]
  if (computed_weight) {
    m.input("w_in", kFloat, wshape);
    m.node("Relu", {"w_in"}, {"w"}, "wrelu");
  } else {
    m.initializer("w", kFloat, wshape, std::vector<double>(144, 0.5));
  }
  if (computed_bias) {
    m.input("b_in", kFloat, {4});
    m.node("Relu", {"b_in"}, {"b"}, "brelu");
  } else {
    m.initializer("b", kFloat, {4}, {0, 0, 0, 0});
  }
  m.node(op, {"x", "w", "b"}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(ConstInputs, ConvComputedBiasRefusedUpTo8_5) {
  expect_node(conv("Conv", false, true), "n",
              {{"7.2", NO, "TRT_CONV_BIAS_NOT_CONSTANT"},
               {"8.5", NO, "TRT_CONV_BIAS_NOT_CONSTANT"},
               {"8.6", OK, "TRT_CONV_BIAS_NOT_CONSTANT", false},
               {"10.15", OK}});
  expect_node(conv("Conv", false, false), "n", {{"8.5", OK, "TRT_CONV_BIAS_NOT_CONSTANT", false}});
}

// 7.2's importer refuses computed Conv weights unless the network has explicit precision; 8.0-8.4 TensorRT refuses the
// weight tensor when the layer is created outside explicit quantization; 8.5 accepts it (NVIDIA/TensorRT#2507).
TEST(ConstInputs, ConvComputedWeightsRefusedUpTo8_4OutsideExplicitQuantization) {
  expect_node(conv("Conv", true, false), "n",
              {{"7.2", NO, "TRT_CONV_WEIGHTS_NOT_CONSTANT"},
               {"8.0", NO, "TRT_CONV_WEIGHTS_NOT_CONSTANT"},
               {"8.2", NO, "TRT_CONV_WEIGHTS_NOT_CONSTANT"},
               {"8.4", NO, "TRT_CONV_WEIGHTS_NOT_CONSTANT"},
               {"8.5", OK, "TRT_CONV_WEIGHTS_NOT_CONSTANT", false},
               {"10.15", OK, "TRT_CONV_WEIGHTS_NOT_CONSTANT", false}});
  expect_node(conv("Conv", false, false), "n",
              {{"7.2", OK, "TRT_CONV_WEIGHTS_NOT_CONSTANT", false}, {"8.4", OK, "TRT_CONV_WEIGHTS_NOT_CONSTANT", false}});
  // Weights dequantized from an INT8 initializer (explicit quantization): the check does not apply.
  ModelBuilder q(13);
  q.input("x", kFloat, {1, 4, 8, 8});
  q.initializer("wq", kInt8, {4, 4, 3, 3}, std::vector<double>(144, 1));
  q.initializer("ws", kFloat, {}, {0.1});
  q.initializer("wz", kInt8, {}, {0});
  q.node("DequantizeLinear", {"wq", "ws", "wz"}, {"w"}, "dq");
  q.node("Conv", {"x", "w"}, {"y"}, "n");
  q.output("y");
  auto index = index_of(q);
  for (const char* rel : {"8.2", "8.4"}) {
    const auto a = check(*index, rel);
    const auto& v = verdict(*index, a, "n");
    EXPECT_NE(v.status, NO) << rel << describe(v);
    EXPECT_FALSE(has_reason(v, "TRT_CONV_WEIGHTS_NOT_CONSTANT")) << rel << describe(v);
  }
}

// Range on 7.2-8.2: a FLOAT start takes the float path only when start, limit and delta are all initializers;
// otherwise start must be INT32. 8.4-GA accepts FLOAT with computed inputs (onnx/onnx-tensorrt#752).
ModelBuilder range(int dtype, bool computed_limit) {
  ModelBuilder m(11);
  m.initializer("start", dtype, {}, {0});
  m.initializer("delta", dtype, {}, {1});
  if (computed_limit) m.input("limit", dtype, {});
  else m.initializer("limit", dtype, {}, {8});
  m.node("Range", {"start", "limit", "delta"}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(ConstInputs, RangeFloatWithComputedLimitRefusedUpTo8_2) {
  expect_node(range(kFloat, true), "n",
              {{"7.2", NO, "TRT_RANGE_DYNAMIC_NOT_INT32"},
               {"8.0", NO, "TRT_RANGE_DYNAMIC_NOT_INT32"},
               {"8.2", NO, "TRT_RANGE_DYNAMIC_NOT_INT32"},
               {"8.4", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false},
               {"8.6", OK},
               {"10.15", OK}});
  expect_node(range(kFloat, false), "n",
              {{"7.2", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false}, {"8.2", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false}});
  expect_node(range(kInt32, true), "n",
              {{"8.0", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false}, {"8.2", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false}});
  // INT64 is cast to INT32 on import, so it takes the INT32 path too.
  expect_node(range(kInt64, true), "n", {{"8.2", OK, "TRT_RANGE_DYNAMIC_NOT_INT32", false}});
}

TEST(ConstInputs, ConvTransposeWeightsIn7_2AndBiasUpTo8_4) {
  expect_node(conv("ConvTranspose", true, false), "n",
              {{"7.2", NO, "TRT_CONVTRANSPOSE_WEIGHTS_NOT_CONSTANT"},
               {"8.0", OK, "TRT_CONVTRANSPOSE_WEIGHTS_NOT_CONSTANT", false}});
  expect_node(conv("ConvTranspose", false, true), "n",
              {{"8.0", NO, "TRT_CONVTRANSPOSE_BIAS_NOT_CONSTANT"},
               {"8.4", NO, "TRT_CONVTRANSPOSE_BIAS_NOT_CONSTANT"},
               {"8.5", OK, "TRT_CONVTRANSPOSE_BIAS_NOT_CONSTANT", false},
               {"10.15", OK}});
  expect_node(conv("ConvTranspose", false, false), "n", {{"8.4", OK, "TRT_CONVTRANSPOSE_BIAS_NOT_CONSTANT", false}});
}

TEST(ConstInputs, ResizeComputedScalesRefusedUpTo8_2) {
  ModelBuilder m(11);
  m.input("x", kFloat, {1, 1, 4, 4});
  m.initializer("roi", kFloat, {0}, {});
  m.input("s_in", kFloat, {4});
  m.node("Abs", {"s_in"}, {"scales"}, "abs");
  m.node("Resize", {"x", "roi", "scales"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n",
              {{"8.0", NO, "TRT_RESIZE_SCALES_NOT_CONSTANT"},
               {"8.2", NO, "TRT_RESIZE_SCALES_NOT_CONSTANT"},
               {"8.4", OK, "TRT_RESIZE_SCALES_NOT_CONSTANT", false},
               {"10.15", OK, "TRT_RESIZE_SCALES_NOT_CONSTANT", false}});
}

TEST(ConstInputs, UpsampleComputedScalesRefusedUpTo8_2) {
  ModelBuilder m(9);
  m.input("x", kFloat, {1, 1, 4, 4});
  m.input("s_in", kFloat, {4});
  m.node("Abs", {"s_in"}, {"scales"}, "abs");
  m.node("Upsample", {"x", "scales"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n", {{"8.2", NO, "TRT_UPSAMPLE_SCALES_NOT_CONSTANT"},
                       {"8.4", OK, "TRT_UPSAMPLE_SCALES_NOT_CONSTANT", false}});
}

TEST(ConstInputs, PadComputedPadsRefusedUpTo8_0) {
  ModelBuilder m(11);
  m.input("x", kFloat, {1, 4});
  m.input("p_in", kInt64, {4});
  m.node("Abs", {"p_in"}, {"pads"}, "abs");
  m.node("Pad", {"x", "pads"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n", {{"7.2", NO, "TRT_PAD_PADS_NOT_CONSTANT"},
                       {"8.0", NO, "TRT_PAD_PADS_NOT_CONSTANT"},
                       {"8.2", OK, "TRT_PAD_PADS_NOT_CONSTANT", false}});
}

TEST(ConstInputs, SplitComputedSplitRefusedIn8_0) {
  ModelBuilder m(13);
  m.input("x", kFloat, {4, 2});
  m.input("s_in", kInt64, {2});
  m.node("Abs", {"s_in"}, {"split"}, "abs");
  m.node("Split", {"x", "split"}, {"a", "b"}, "n");
  m.output("a");
  m.output("b");
  expect_node(m, "n", {{"8.0", NO, "TRT_SPLIT_SPLIT_NOT_CONSTANT"},
                       {"8.2", OK, "TRT_SPLIT_SPLIT_NOT_CONSTANT", false}});
}

TEST(ConstInputs, ClipComputedBoundsRefusedUpTo8_0) {
  ModelBuilder m(11);
  m.input("x", kFloat, {4});
  m.input("lo_in", kFloat, {});
  m.node("Abs", {"lo_in"}, {"lo"}, "abs");
  m.node("Clip", {"x", "lo"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n", {{"8.0", NO, "TRT_CLIP_MIN_NOT_CONSTANT"},
                       {"8.2", OK, "TRT_CLIP_MIN_NOT_CONSTANT", false},
                       {"10.15", OK}});
}

TEST(ConstInputs, QuantizeComputedScaleRefusedIn7_2) {
  ModelBuilder m(13);
  m.input("x", kFloat, {4});
  m.input("s_in", kFloat, {});
  m.node("Abs", {"s_in"}, {"scale"}, "abs");
  m.initializer("zp", kInt8, {}, {0});
  m.node("QuantizeLinear", {"x", "scale", "zp"}, {"q"}, "n");
  m.node("DequantizeLinear", {"q", "scale", "zp"}, {"y"}, "dq");
  m.output("y");
  expect_node(m, "n", {{"7.2", NO, "TRT_QUANTIZELINEAR_SCALE_NOT_CONSTANT"},
                       {"8.0", OK, "TRT_QUANTIZELINEAR_SCALE_NOT_CONSTANT", false}});
}

}  // namespace
}  // namespace trtlens::test
