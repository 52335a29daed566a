// Shape-tensor provenance (src/rules/shape_provenance.cpp): which layers may compute a tensor that reaches a shape
// input, and floating-point graph inputs whose values become shape tensors.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

// PyTorch's older interpolate export: the output size is computed as floor(dim * 2.0) in floating point, then cast
// back and concatenated into Resize's `sizes`. `via_float`: false computes dim * 2 on INT64 instead.
ModelBuilder computed_sizes(const std::string& op, bool via_float) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Shape", {"x"}, {"s"}, "shape");
  m.initializer("two_i", kInt64, {}, {2});
  set_attr(m.node("Gather", {"s", "two_i"}, {"h"}, "gather"), "axis", std::int64_t{0});
  std::string h2 = "h2";
  if (via_float) {
    set_attr(m.node("Cast", {"h"}, {"hf"}, "to_float"), "to", std::int64_t{kFloat});
    m.initializer("two_f", kFloat, {}, {2.0});
    m.node("Mul", {"hf", "two_f"}, {"hs"}, "scale");
    m.node(op, {"hs"}, {"hr"}, "n");
    set_attr(m.node("Cast", {"hr"}, {"h2"}, "to_int"), "to", std::int64_t{kInt64});
  } else {
    m.node("Mul", {"h", "two_i"}, {"h2"}, "n");
  }
  m.initializer("zero", kInt64, {1}, {0});
  m.node("Unsqueeze", {h2, "zero"}, {"h1"}, "unsq");
  m.initializer("head", kInt64, {3}, {1, 3, 16});
  set_attr(m.node("Concat", {"head", "h1"}, {"sizes"}, "concat"), "axis", std::int64_t{0});
  m.node("Resize", {"x", "", "", "sizes"}, {"y"}, "resize");
  m.output("y");
  return m;
}

TEST(ShapeProvenance, UnaryLayerComputingAShapeTensorRefusedByTheParserUntil8_2) {
  expect_node(computed_sizes("Floor", true), "n",
              {{"7.2", NO, "TRT_SHAPE_TENSOR_PRODUCER"},
               {"8.0", NO, "TRT_SHAPE_TENSOR_PRODUCER"},
               {"8.2", NO, "TRT_SHAPE_TENSOR_PRODUCER"},
               {"8.4", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK"},
               {"8.6", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK"},
               {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK"}});
  expect_node(computed_sizes("Round", true), "n",
              {{"8.2", NO, "TRT_SHAPE_TENSOR_PRODUCER"}, {"10.1", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK"}});
  const std::string msg = message_of(computed_sizes("Floor", true), "n", "8.2", "TRT_SHAPE_TENSOR_PRODUCER");
  EXPECT_NE(msg.find("IUnaryLayer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'resize'"), std::string::npos) << msg;
}

TEST(ShapeProvenance, IntegerArithmeticOnShapesIsAllowed) {
  // The float detour's own elementwise and cast layers are shape-capable; the integer chain has no unary layer.
  expect_node(computed_sizes("Floor", true), "scale",
              {{"8.2", OK, "TRT_SHAPE_TENSOR_PRODUCER", false}, {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false}});
  expect_node(computed_sizes("Floor", false), "n",
              {{"7.2", OK, "TRT_SHAPE_TENSOR_PRODUCER", false},
               {"8.2", OK, "TRT_SHAPE_TENSOR_PRODUCER", false},
               {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false}});
}

// Pow and ReduceMean are outside the 7.2-8.2 parsers' list only; TensorRT documents elementwise and reduce layers as
// computing shapes, so later releases say nothing.
TEST(ShapeProvenance, PowComputingAShapeTensorRefusedUntil8_2Only) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Shape", {"x"}, {"s"}, "shape");
  set_attr(m.node("Cast", {"s"}, {"sf"}, "to_float"), "to", std::int64_t{kFloat});
  m.initializer("one", kFloat, {1}, {1.0});
  m.node("Pow", {"sf", "one"}, {"p"}, "n");
  set_attr(m.node("Cast", {"p"}, {"pi"}, "to_int"), "to", std::int64_t{kInt64});
  m.node("Reshape", {"x", "pi"}, {"y"}, "reshape");
  m.output("y");
  expect_node(m, "n",
              {{"8.2", NO, "TRT_SHAPE_TENSOR_PRODUCER"},
               {"8.6", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false},
               {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false}});
}

// The same unary layer on an execution path (its output feeds no shape input) is an ordinary node.
TEST(ShapeProvenance, UnaryLayerOnDataIsNotAShapeTensor) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Floor", {"x"}, {"f"}, "n");
  m.node("Shape", {"f"}, {"s"}, "shape");
  m.node("Reshape", {"x", "s"}, {"y"}, "reshape");
  m.output("y");
  expect_node(m, "n",
              {{"8.2", OK, "TRT_SHAPE_TENSOR_PRODUCER", false}, {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false}});
}

// Neg on an integer shape is an elementwise subtraction in the 8.x importers (shape-capable); on floats it is unary.
TEST(ShapeProvenance, NegOnIntegersPassesShapeValues) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Shape", {"x"}, {"s"}, "shape");
  m.node("Neg", {"s"}, {"ns"}, "n");
  m.initializer("starts", kInt64, {4}, {0, 0, 0, 0});
  m.node("Slice", {"x", "starts", "ns"}, {"y"}, "slice");
  m.output("y");
  expect_node(m, "n",
              {{"8.2", OK, "TRT_SHAPE_TENSOR_PRODUCER", false}, {"10.15", OK, "TRT_SHAPE_TENSOR_PRODUCER_RISK", false}});
}

// Segment Anything's decoder: the float graph input `orig_im_size` is cast to INT64 and used as a shape (here: the
// ends of a Slice, as in the public reports). `dtype`: the graph input's type.
ModelBuilder shape_from_input(int dtype) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 1, 64, 64});
  m.input("orig_im_size", dtype, {2});
  set_attr(m.node("Cast", {"orig_im_size"}, {"size"}, "cast"), "to", std::int64_t{kInt64});
  m.initializer("starts", kInt64, {2}, {0, 0});
  m.initializer("axes", kInt64, {2}, {2, 3});
  m.node("Slice", {"x", "starts", "size", "axes"}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(ShapeProvenance, FloatGraphInputAsShapeTensorFailsTheParse8_4To8_6) {
  expect_node(shape_from_input(kFloat), "n",
              {{"8.2", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK"},
               {"8.4", NO, "TRT_SHAPE_INPUT_NOT_INT"},
               {"8.6", NO, "TRT_SHAPE_INPUT_NOT_INT"},
               {"9.0", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK"},
               {"10.15", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK"}});
  const std::string msg = message_of(shape_from_input(kFloat), "n", "8.6", "TRT_SHAPE_INPUT_NOT_INT");
  EXPECT_NE(msg.find("'orig_im_size' (FLOAT)"), std::string::npos) << msg;
}

TEST(ShapeProvenance, IntegerGraphInputAsShapeTensorIsAllowed) {
  expect_node(shape_from_input(kInt64), "n",
              {{"8.2", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK", false},
               {"8.6", OK, "TRT_SHAPE_INPUT_NOT_INT", false},
               {"10.15", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK", false}});
}

// A float graph input used through Shape (its dimensions, not its values) is an ordinary execution tensor.
TEST(ShapeProvenance, ShapeOfAFloatInputIsNotItsValues) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Shape", {"x"}, {"s"}, "shape");
  m.node("Reshape", {"x", "s"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n", {{"8.6", OK, "TRT_SHAPE_INPUT_NOT_INT", false}, {"10.15", OK, "TRT_SHAPE_INPUT_NOT_INT_RISK", false}});
}

}  // namespace
}  // namespace trtlens::test
