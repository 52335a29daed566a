// Layer-creation shape checks (src/rules/layer_shapes.cpp): from 8.0 the parser queries each node's output dimensions
// right after import, so TensorRT's layer shape errors fail the parse; 7.2.1 leaves them to the engine build.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder binary(const std::string& op, std::vector<std::int64_t> a, std::vector<std::int64_t> b, int opset = 13) {
  ModelBuilder m(opset);
  m.input("a", kFloat, a);
  m.input("b", kFloat, b);
  m.node(op, {"a", "b"}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(LayerShapes, ElementwiseStaticShapesMustBroadcast) {
  expect_node(binary("Add", {2, 3}, {4, 3}), "n",
              {{"7.2", OK, "TRT_ADD_BROADCAST", false},
               {"8.0", NO, "TRT_ADD_BROADCAST"},
               {"8.6", NO, "TRT_ADD_BROADCAST"},
               {"10.1", NO, "TRT_ADD_BROADCAST"},
               {"10.15", NO, "TRT_ADD_BROADCAST"}});
  expect_node(binary("Mul", {2, 3}, {1, 3}), "n",
              {{"8.6", OK, "TRT_MUL_BROADCAST", false}, {"10.15", OK, "TRT_MUL_BROADCAST", false}});
  // Ranks are equalised by prepending 1-dims: [3] against [2, 3] broadcasts, [2] against [2, 3] does not.
  expect_node(binary("Sub", {2, 3}, {3}), "n", {{"10.15", OK, "TRT_SUB_BROADCAST", false}});
  expect_node(binary("Sub", {2, 3}, {2}), "n", {{"10.15", NO, "TRT_SUB_BROADCAST"}});
}

TEST(LayerShapes, WhereChecksAllThreeInputs) {
  ModelBuilder m(13);
  m.input("c", kBool, {2, 3});
  m.input("x", kFloat, {2, 3});
  m.input("z", kFloat, {5, 3});
  m.node("Where", {"c", "x", "z"}, {"y"}, "n");
  m.output("y");
  expect_node(m, "n", {{"8.6", NO, "TRT_WHERE_BROADCAST"}, {"10.15", NO, "TRT_WHERE_BROADCAST"}});
}

TEST(LayerShapes, UnknownRankWarnsInsteadOfGuessing) {
  ModelBuilder m(13);
  auto* in = m.graph().add_input();
  in->set_name("a");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(kFloat);
  m.input("b", kFloat, {4, 3});
  m.node("MatMul", {"a", "b"}, {"y"}, "n");
  m.node("Add", {"a", "b"}, {"z"}, "add");
  m.output("y");
  m.output("z");
  expect_node(m, "n", {{"8.6", OK, "TRT_SHAPE_UNKNOWN_FOR_CHECK"}, {"10.15", OK, "TRT_SHAPE_UNKNOWN_FOR_CHECK"}});
  // The elementwise check skips silently (elementwise nodes after custom ops of unknown shape are common).
  expect_node(m, "add", {{"10.15", OK, "TRT_SHAPE_UNKNOWN_FOR_CHECK", false}});
}

ModelBuilder concat(std::vector<std::int64_t> a, std::vector<std::int64_t> b, std::int64_t axis) {
  ModelBuilder m(13);
  m.input("a", kFloat, a);
  m.input("b", kFloat, b);
  set_attr(m.node("Concat", {"a", "b"}, {"y"}, "n"), "axis", axis);
  m.output("y");
  return m;
}

TEST(LayerShapes, ConcatRanksAndNonAxisSizesMustAgree) {
  expect_node(concat({2, 3}, {4, 5}, 0), "n",
              {{"7.2", OK, "TRT_CONCAT_SHAPES", false}, {"8.0", NO, "TRT_CONCAT_SHAPES"}, {"10.15", NO, "TRT_CONCAT_SHAPES"}});
  expect_node(concat({2, 3}, {2, 3, 1}, 0), "n", {{"8.6", NO, "TRT_CONCAT_SHAPES"}, {"10.1", NO, "TRT_CONCAT_SHAPES"}});
  expect_node(concat({2, 3}, {4, 3}, 0), "n", {{"8.6", OK, "TRT_CONCAT_SHAPES", false}, {"10.15", OK, "TRT_CONCAT_SHAPES", false}});
  expect_node(concat({2, 3}, {2, 7}, -1), "n", {{"10.15", OK, "TRT_CONCAT_SHAPES", false}});
}

TEST(LayerShapes, MatMulContractedAndBatchSizesMustAgree) {
  expect_node(binary("MatMul", {2, 3}, {4, 5}), "n",
              {{"7.2", OK, "TRT_MATMUL_SHAPES", false}, {"8.0", NO, "TRT_MATMUL_SHAPES"}, {"8.6", NO, "TRT_MATMUL_SHAPES"},
               {"10.15", NO, "TRT_MATMUL_SHAPES"}});
  expect_node(binary("MatMul", {2, 3}, {3, 5}), "n", {{"8.6", OK, "TRT_MATMUL_SHAPES", false}, {"10.15", OK}});
  expect_node(binary("MatMul", {2, 2, 3}, {3, 3, 5}), "n", {{"10.1", NO, "TRT_MATMUL_SHAPES"}});
  expect_node(binary("MatMul", {2, 2, 3}, {1, 3, 5}), "n", {{"10.1", OK, "TRT_MATMUL_SHAPES", false}});
  expect_node(binary("MatMul", {3}, {3, 5}), "n", {{"10.15", OK, "TRT_MATMUL_SHAPES", false}});
  expect_node(binary("MatMul", {4}, {3, 5}), "n", {{"10.15", NO, "TRT_MATMUL_SHAPES"}});
}

TEST(LayerShapes, GemmAppliesTransposeFlags) {
  ModelBuilder plain = binary("Gemm", {2, 3}, {5, 3});
  expect_node(plain, "n", {{"8.6", NO, "TRT_GEMM_SHAPES"}, {"10.15", NO, "TRT_GEMM_SHAPES"}});
  ModelBuilder transposed(13);
  transposed.input("a", kFloat, {2, 3});
  transposed.input("b", kFloat, {5, 3});
  set_attr(transposed.node("Gemm", {"a", "b"}, {"y"}, "n"), "transB", std::int64_t{1});
  transposed.output("y");
  expect_node(transposed, "n", {{"8.6", OK, "TRT_GEMM_SHAPES", false}, {"10.15", OK, "TRT_GEMM_SHAPES", false}});
}

ModelBuilder topk_const(double k) {
  ModelBuilder m(11);
  m.input("x", kFloat, {1, 8000});
  m.initializer("k", kInt64, {1}, {k});
  m.node("TopK", {"x", "k"}, {"v", "i"}, "n");
  m.output("v");
  m.output("i");
  return m;
}

TEST(LayerShapes, TopKLimitFailsLayerCreationBefore8_6AndTheBuildAfter) {
  expect_node(topk_const(5000), "n",
              {{"8.0", NO, "TRT_TOPK_K_LIMIT"},
               {"8.5", NO, "TRT_TOPK_K_LIMIT"},
               {"8.6", OK, "TRT_TOPK_K_LIMIT_AT_BUILD"},
               {"10.15", OK, "TRT_TOPK_K_LIMIT_AT_BUILD"}});
  expect_node(topk_const(3840), "n",
              {{"8.5", OK, "TRT_TOPK_K_LIMIT", false}, {"10.15", OK, "TRT_TOPK_K_LIMIT_AT_BUILD", false}});
  // Before opset 10, K is an attribute that every release passes to the layer as a number.
  ModelBuilder attr(9);
  attr.input("x", kFloat, {1, 8000});
  set_attr(attr.node("TopK", {"x"}, {"v", "i"}, "n"), "k", std::int64_t{5000});
  attr.output("v");
  attr.output("i");
  expect_node(attr, "n", {{"8.6", NO, "TRT_TOPK_K_LIMIT"}, {"10.15", NO, "TRT_TOPK_K_LIMIT"}});
}

// PyTorch's F.pad export computes the pads from the input's shape through a Reshape(-1, 2): before 9.0 the Pad node
// fails while parsing because that Reshape turns a shape tensor into a 2-D one.
ModelBuilder computed_pads(bool rank2_detour) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.node("Shape", {"x"}, {"s"}, "shape");
  m.node("Sub", {"s", "s"}, {"zero"}, "zero");
  set_attr(m.node("Concat", {"zero", "zero"}, {"flat"}, "concat"), "axis", std::int64_t{0});
  std::string pads = "flat";
  if (rank2_detour) {
    m.initializer("pairs_shape", kInt64, {2}, {-1, 2});
    m.node("Reshape", {"flat", "pairs_shape"}, {"pairs"}, "pairs");
    m.initializer("flat_shape", kInt64, {1}, {-1});
    m.node("Reshape", {"pairs", "flat_shape"}, {"pads"}, "back");
    pads = "pads";
  }
  m.node("Pad", {"x", pads}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(ShapeTensors, Rank2ReshapeOfAShapeTensorFailsTheConsumerBefore9_0) {
  expect_node(computed_pads(true), "n",
              {{"8.2", NO, "TRT_PAD_SHAPE_TENSOR_RANK"},
               {"8.6", NO, "TRT_PAD_SHAPE_TENSOR_RANK"},
               {"9.0", OK, "TRT_PAD_SHAPE_TENSOR_RANK", false},
               {"10.15", OK, "TRT_PAD_SHAPE_TENSOR_RANK", false}});
  EXPECT_NE(message_of(computed_pads(true), "n", "8.6", "TRT_PAD_SHAPE_TENSOR_RANK").find("'pairs'"), std::string::npos);
  expect_node(computed_pads(false), "n", {{"8.6", OK, "TRT_PAD_SHAPE_TENSOR_RANK", false}});
}

}  // namespace
}  // namespace trtlens::test
