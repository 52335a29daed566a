// Element types and shapes from our own rules (ONNX shape inference switched off, so only our rules answer).
#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

std::unique_ptr<ModelIndex> own_rules_only(const ModelBuilder& b) {
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), "infer.onnx");
  if (!loaded) {
    ADD_FAILURE() << loaded.error().message;
    return nullptr;
  }
  BuildOptions options;
  options.shape_inference_max_nodes = 0;
  auto index = ModelIndex::build(std::move(loaded.value()), options);
  if (!index) {
    ADD_FAILURE() << index.error().message;
    return nullptr;
  }
  EXPECT_FALSE(index.value()->shape_inference_ran());
  return std::move(index.value());
}

int dtype_of(const ModelIndex& index, const std::string& name, int scope = 0) {
  const TensorInfo* t = index.find(scope, name);
  return t ? t->dtype : -1;
}

std::vector<std::int64_t> dims_of(const ModelIndex& index, const std::string& name) {
  const TensorInfo* t = index.find(0, name);
  if (!t || t->rank < 0) return {-99};
  return t->dims;
}

using D = std::vector<std::int64_t>;

TEST(Types, OperatorFamilies) {
  ModelBuilder b(17);
  b.input("x", kFloat, {2, 3});
  b.input("i", kInt32, {2, 3});
  b.node("Shape", {"x"}, {"shape"});
  b.node("Equal", {"i", "i"}, {"eq"});
  set_attr(b.node("Cast", {"x"}, {"half"}), "to", std::int64_t{kFloat16});
  b.node("Where", {"eq", "i", "i"}, {"picked"});
  b.node("ArgMax", {"x"}, {"argmax"});
  b.node("TopK", {"x", "shape"}, {"values", "indices"});
  b.node("LayerNormalization", {"x", "x"}, {"ln", "mean", "invstd"});
  auto& cos = b.node("ConstantOfShape", {"shape"}, {"zeros"});
  set_attr(cos, "value", make_tensor("", kInt8, {1}, {0}));
  b.output("picked");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dtype_of(*index, "shape"), kInt64);
  EXPECT_EQ(dtype_of(*index, "eq"), kBool);
  EXPECT_EQ(dtype_of(*index, "half"), kFloat16);
  EXPECT_EQ(dtype_of(*index, "picked"), kInt32);
  EXPECT_EQ(dtype_of(*index, "argmax"), kInt64);
  EXPECT_EQ(dtype_of(*index, "values"), kFloat);
  EXPECT_EQ(dtype_of(*index, "indices"), kInt64);
  EXPECT_EQ(dtype_of(*index, "ln"), kFloat);
  EXPECT_EQ(dtype_of(*index, "invstd"), kFloat);
  EXPECT_EQ(dtype_of(*index, "zeros"), kInt8);
}

TEST(Types, QuantizeTakesTheZeroPointType) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.initializer("scale", kFloat, {}, {0.1});
  b.initializer("zp", kInt8, {}, {0});
  b.node("QuantizeLinear", {"x", "scale", "zp"}, {"q"});
  b.node("QuantizeLinear", {"x", "scale"}, {"q_default"});
  b.node("DequantizeLinear", {"q", "scale", "zp"}, {"dq"});
  b.output("dq");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dtype_of(*index, "q"), kInt8);
  EXPECT_EQ(dtype_of(*index, "q_default"), kUint8);
  EXPECT_EQ(dtype_of(*index, "dq"), kFloat);
}

TEST(Types, OpsNewerThanTheSchemaRegistryAndCustomDomains) {
  ModelBuilder b(21);
  b.input("x", kFloat16, {2, 8});
  b.node("Gelu", {"x"}, {"g"});                               // opset 20
  auto& norm = b.node("RMSNormalization", {"g", "g"}, {"n"});  // opset 23
  (void)norm;
  b.node("FancyOp", {"n"}, {"f"}).set_domain("com.example");
  b.opset("com.example", 1);
  b.output("f");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dtype_of(*index, "g"), kFloat16);
  EXPECT_EQ(dtype_of(*index, "n"), kFloat16);
  EXPECT_EQ(dtype_of(*index, "f"), kFloat16);
}

TEST(Types, LoopBodyInputsAndOutputsAreTyped) {
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.initializer("trip", kInt64, {}, {3});
  b.initializer("cond", kBool, {}, {1});
  onnx::GraphProto body;
  body.set_name("body");
  body.add_input()->set_name("iter");
  body.add_input()->set_name("cond_in");
  body.add_input()->set_name("acc");
  auto* add = body.add_node();
  add->set_op_type("Add");
  add->add_input("acc");
  add->add_input("x");
  add->add_output("acc_out");
  auto* id = body.add_node();
  id->set_op_type("Identity");
  id->add_input("cond_in");
  id->add_output("cond_out");
  body.add_output()->set_name("cond_out");
  body.add_output()->set_name("acc_out");
  set_attr(b.node("Loop", {"trip", "cond", "x"}, {"final"}, "loop"), "body", body);
  b.output("final");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->scopes().size(), 2u);
  EXPECT_EQ(dtype_of(*index, "iter", 1), kInt64);
  EXPECT_EQ(dtype_of(*index, "cond_in", 1), kBool);
  EXPECT_EQ(dtype_of(*index, "acc_out", 1), kFloat);
  EXPECT_EQ(dtype_of(*index, "final"), kFloat);
}

TEST(Shapes, ElementwiseBroadcast) {
  ModelBuilder b(17);
  b.input("a", kFloat, {8, 1, 6});
  b.input("c", kFloat, {7, 1});
  b.node("Add", {"a", "c"}, {"sum"});
  b.node("Relu", {"sum"}, {"r"});
  b.output("r");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "sum"), (D{8, 7, 6}));
  EXPECT_EQ(dims_of(*index, "r"), (D{8, 7, 6}));
}

TEST(Shapes, ConvAndPooling) {
  ModelBuilder b(17);
  b.input("x", kFloat, {1, 3, 32, 32});
  b.initializer("w", kFloat, {16, 3, 3, 3}, std::vector<double>(16 * 27, 0.1));
  auto& conv = b.node("Conv", {"x", "w"}, {"c"});
  set_attr(conv, "strides", D{2, 2});
  set_attr(conv, "pads", D{1, 1, 1, 1});
  auto& pool = b.node("MaxPool", {"c"}, {"p"});
  set_attr(pool, "kernel_shape", D{3, 3});
  set_attr(pool, "strides", D{2, 2});
  set_attr(pool, "ceil_mode", std::int64_t{1});
  b.node("GlobalAveragePool", {"p"}, {"g"});
  b.output("g");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "c"), (D{1, 16, 16, 16}));
  EXPECT_EQ(dims_of(*index, "p"), (D{1, 16, 8, 8}));  // ceil((16-3)/2)+1
  EXPECT_EQ(dims_of(*index, "g"), (D{1, 16, 1, 1}));
}

TEST(Shapes, MatMulAndGemm) {
  ModelBuilder b(17);
  b.input("a", kFloat, {2, 1, 5, 4});
  b.input("b", kFloat, {3, 4, 6});
  b.input("v", kFloat, {6});
  b.input("m", kFloat, {10, 4});
  b.initializer("wt", kFloat, {7, 4}, std::vector<double>(28, 0));
  b.node("MatMul", {"a", "b"}, {"ab"});
  b.node("MatMul", {"ab", "v"}, {"abv"});
  set_attr(b.node("Gemm", {"m", "wt"}, {"gemm"}), "transB", std::int64_t{1});
  b.output("gemm");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "ab"), (D{2, 3, 5, 6}));
  EXPECT_EQ(dims_of(*index, "abv"), (D{2, 3, 5}));
  EXPECT_EQ(dims_of(*index, "gemm"), (D{10, 7}));
}

TEST(Shapes, ReshapeTransposeConcatFlatten) {
  ModelBuilder b(17);
  b.input("x", kFloat, {2, 3, 4});
  b.initializer("target", kInt64, {3}, {0, -1, 2});
  b.node("Reshape", {"x", "target"}, {"r"});
  set_attr(b.node("Transpose", {"r"}, {"t"}), "perm", D{2, 0, 1});
  set_attr(b.node("Concat", {"t", "t"}, {"cat"}), "axis", std::int64_t{-1});
  set_attr(b.node("Flatten", {"x"}, {"flat"}), "axis", std::int64_t{2});
  b.output("cat");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "r"), (D{2, 6, 2}));
  EXPECT_EQ(dims_of(*index, "t"), (D{2, 2, 6}));
  EXPECT_EQ(dims_of(*index, "cat"), (D{2, 2, 12}));
  EXPECT_EQ(dims_of(*index, "flat"), (D{6, 4}));
}

TEST(Shapes, ReshapeWithComputedShapeKnowsItsRank) {
  ModelBuilder b(17);
  b.input("x", kFloat, {2, 3, 4});
  b.node("Shape", {"x"}, {"s"});
  b.node("Reshape", {"x", "s"}, {"r"});
  b.output("r");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "s"), (D{3}));
  EXPECT_EQ(dims_of(*index, "r"), (D{-1, -1, -1}));
}

TEST(Shapes, SqueezeUnsqueezeWithConstantAxes) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 1, 5});
  b.initializer("axes", kInt64, {1}, {2});
  b.initializer("new_axes", kInt64, {2}, {0, -1});
  b.node("Squeeze", {"x", "axes"}, {"sq"});
  b.node("Squeeze", {"x"}, {"sq_all"});
  b.node("Unsqueeze", {"sq", "new_axes"}, {"un"});
  b.output("un");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(dims_of(*index, "sq"), (D{1, 3, 5}));
  EXPECT_EQ(dims_of(*index, "sq_all"), (D{3, 5}));
  EXPECT_EQ(dims_of(*index, "un"), (D{1, 1, 3, 5, 1}));
}

TEST(Shapes, Opset18ReduceTakesAxesFromItsInput) {
  // Debian's ONNX would apply ReduceMean-13 (axes attribute) to this node: only our rule gets it right.
  ModelBuilder b(18);
  b.input("x", kFloat, {2, 3, 4});
  b.initializer("axes", kInt64, {1}, {-1});
  set_attr(b.node("ReduceMean", {"x", "axes"}, {"m"}), "keepdims", std::int64_t{0});
  b.node("Gather", {"x", "axes"}, {"g"});
  b.output("m");
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), "r18.onnx");
  ASSERT_TRUE(loaded.ok());
  auto index = ModelIndex::build(std::move(loaded.value()));  // default options: ONNX inference allowed
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE(index.value()->shape_inference_ran());
  EXPECT_EQ(dims_of(*index.value(), "m"), (D{2, 3}));
  EXPECT_EQ(dims_of(*index.value(), "g"), (D{1, 3, 4}));
}

TEST(Shapes, UnknownInputsLeaveShapesUnknown) {
  ModelBuilder b(17);
  b.input("x", kFloat, {});
  b.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  b.node("Relu", {"x"}, {"r"});
  b.output("r");
  auto index = own_rules_only(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->find(0, "r")->rank, -1);
  EXPECT_EQ(index->find(0, "r")->dtype, kFloat);
}

}  // namespace
}  // namespace trtlens::test
