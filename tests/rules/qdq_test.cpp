// QuantizeLinear/DequantizeLinear (importer-rules.md B:QuantizeLinear): zero point required before 10.0, the
// per-channel default axis before 10.15, UINT8 zero-point initializers widened to INT32, block quantization.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

// QuantizeLinear of x [dims] with a constant scale of `channels` values and optional zero point of `zp_type`.
ModelBuilder quantize(std::vector<std::int64_t> dims, std::int64_t channels, int zp_type, int opset = 13) {
  ModelBuilder b(opset);
  b.input("x", kFloat, dims);
  b.initializer("scale", kFloat, channels > 1 ? std::vector<std::int64_t>{channels} : std::vector<std::int64_t>{},
                std::vector<double>(static_cast<std::size_t>(channels), 0.1));
  std::vector<std::string> inputs{"x", "scale"};
  if (zp_type) {
    b.initializer("zp", zp_type, channels > 1 ? std::vector<std::int64_t>{channels} : std::vector<std::int64_t>{},
                  std::vector<double>(static_cast<std::size_t>(channels), 0));
    inputs.push_back("zp");
  }
  b.node("QuantizeLinear", inputs, {"q"}, "n");
  b.output("q");
  return b;
}

TEST(QdqRules, ZeroPointRequiredBefore9) {
  expect_node(quantize({1, 4}, 1, 0), "n",
              {{"8.6", NO, "TRT_QUANTIZELINEAR_ZERO_POINT_REQUIRED"}, {"9.0", OK, "TRT_QUANTIZELINEAR_DEFAULT_INT8"},
               {"10.0", OK, "TRT_QUANTIZELINEAR_DEFAULT_INT8"}, {"10.15", OK, "TRT_QUANTIZELINEAR_DEFAULT_INT8"}});
  expect_node(quantize({1, 4}, 1, kInt8), "n",
              {{"8.6", OK, "TRT_QUANTIZELINEAR_ZERO_POINT_REQUIRED", false},
               {"10.15", OK, "TRT_QUANTIZELINEAR_DEFAULT_INT8", false}});
}

TEST(QdqRules, OutputDtypeSuppressesTheDefaultInt8Warning) {
  auto b = quantize({1, 4}, 1, 0, 21);
  set_attr(*b.graph().mutable_node(0), "output_dtype", std::int64_t{kInt8});
  expect_node(b, "n", {{"10.15", OK, "TRT_QUANTIZELINEAR_DEFAULT_INT8", false}});
}

TEST(QdqRules, Uint8ZeroPointInitializerIsWidenedAndImportedAsInt8) {
  // The parser widens UINT8 initializers to INT32 on load: no UINT8 rejection, but a silent INT8 import.
  expect_node(quantize({1, 4}, 1, kUint8), "n",
              {{"8.6", OK, "TRT_QUANTIZELINEAR_ZERO_POINT_AS_INT8"},
               {"8.6", OK, "TRT_QUANTIZELINEAR_UINT8_ZERO_POINT", false}});
}

TEST(QdqRules, AsymmetricZeroPointRejected) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4});
  b.initializer("scale", kFloat, {}, {0.1});
  b.initializer("zp", kInt8, {}, {3});
  b.node("QuantizeLinear", {"x", "scale", "zp"}, {"q"}, "n");
  b.output("q");
  expect_node(b, "n", {{"8.6", NO, "TRT_QUANTIZELINEAR_ASYMMETRIC"}, {"10.15", NO, "TRT_QUANTIZELINEAR_ASYMMETRIC"}});
}

TEST(QdqRules, PerChannelDefaultAxisIs0Before10_15) {
  // x [2,4,8,8] with 4 scales: ONNX's default axis 1 fits, the pre-10.15 default (axis 0) does not.
  expect_node(quantize({2, 4, 8, 8}, 4, kInt8), "n",
              {{"8.6", NO, "TRT_QUANTIZELINEAR_AXIS"}, {"10.1", NO, "TRT_QUANTIZELINEAR_AXIS"},
               {"10.14", NO, "TRT_QUANTIZELINEAR_AXIS"}, {"10.15", OK, "TRT_QUANTIZELINEAR_AXIS", false}});
  auto explicit_axis = quantize({2, 4, 8, 8}, 4, kInt8);
  set_attr(*explicit_axis.graph().mutable_node(0), "axis", std::int64_t{1});
  expect_node(explicit_axis, "n", {{"8.6", OK, "TRT_QUANTIZELINEAR_AXIS", false}, {"10.15", OK}});
  // When dim 0 happens to match, the node imports but along the wrong axis.
  expect_node(quantize({4, 4, 8, 8}, 4, kInt8), "n",
              {{"8.6", OK, "TRT_QDQ_DEFAULT_AXIS"}, {"10.15", OK, "TRT_QDQ_DEFAULT_AXIS", false}});
}

ModelBuilder block_dequantize(std::vector<std::int64_t> scale_dims) {
  ModelBuilder b(21);
  b.input("x", kInt8, {4, 8});
  std::int64_t n = 1;
  for (auto d : scale_dims) n *= d;
  b.initializer("scale", kFloat, scale_dims, std::vector<double>(static_cast<std::size_t>(n), 0.5));
  set_attr(b.node("DequantizeLinear", {"x", "scale"}, {"y"}, "n"), "block_size", std::int64_t{4});
  b.output("y");
  return b;
}

TEST(QdqRules, BlockQuantizationShapes) {
  expect_node(block_dequantize({4, 2}), "n",
              {{"10.1", OK, "TRT_DEQUANTIZELINEAR_BLOCK_QUANT", false}, {"10.15", OK, "TRT_DEQUANTIZELINEAR_BLOCK_QUANT", false}});
  expect_node(block_dequantize({2, 2}), "n",
              {{"10.1", NO, "TRT_DEQUANTIZELINEAR_BLOCK_QUANT"}, {"10.15", NO, "TRT_DEQUANTIZELINEAR_BLOCK_QUANT"}});
}

}  // namespace
}  // namespace trtlens::test
