// The checks in front of ONNX's shape inference: hostile nodes keep it from running, ordinary models still get it.
#include "infer/onnx_gate.h"

#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

ModelBuilder conv_model(std::vector<std::int64_t> x_dims, std::vector<std::int64_t> w_dims, const char* op = "Conv") {
  ModelBuilder b(13);
  const int dtype = std::string(op) == "ConvInteger" ? kUint8 : kFloat;
  b.input("x", dtype, x_dims);
  b.input("w", dtype, w_dims);
  b.node(op, {"x", "w"}, {"y"}, "conv");
  b.output("y", 0);
  return b;
}

TEST(OnnxGate, OrdinaryModelsStillGetOnnxShapeInference) {
  auto b = conv_model({1, 3, 8, 8}, {4, 3, 3, 3});
  EXPECT_EQ(why_onnx_inference_unsafe(b.proto()), "");
  auto index = index_of(b);
  EXPECT_TRUE(index->shape_inference_ran());
  const TensorInfo* y = index->find(0, "y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->dims, (std::vector<std::int64_t>{1, 4, 6, 6}));
}

TEST(OnnxGate, MismatchedConvolutionRanksKeepItFromRunning) {
  for (const char* op : {"Conv", "ConvInteger"}) {
    auto b = conv_model({1, 3, 8}, {4, 3, 3, 3, 3}, op);
    EXPECT_NE(why_onnx_inference_unsafe(b.proto()).find("input of rank 3 and weights of rank 5"), std::string::npos);
    EXPECT_FALSE(index_of(b)->shape_inference_ran());
  }
}

TEST(OnnxGate, MissingRequiredAttributesAndEmptyPooledShapeKeepItFromRunning) {
  ModelBuilder scan(9, 8);
  scan.node("Scan", {}, {}, "scan");
  EXPECT_NE(why_onnx_inference_unsafe(scan.proto()), "");

  ModelBuilder roi(13);
  roi.input("x", kFloat, {1, 3, 8, 8});
  roi.input("rois", kFloat, {2, 5});
  set_attr(roi.node("MaxRoiPool", {"x", "rois"}, {"y"}, "pool"), "pooled_shape", std::vector<std::int64_t>{});
  roi.output("y", kFloat);
  EXPECT_NE(why_onnx_inference_unsafe(roi.proto()).find("pooled_shape"), std::string::npos);
  EXPECT_FALSE(index_of(roi)->shape_inference_ran());
}

TEST(OnnxGate, FunctionCallCyclesAreRefusedBeforeAnythingFollowsThem) {
  ModelBuilder b(13);
  b.opset("local", 1);
  b.input("x", kFloat, {4});
  for (const char* name : {"f", "g"}) {
    auto& fn = *b.proto().add_functions();
    fn.set_name(name), fn.set_domain("local"), fn.add_input("a"), fn.add_output("b");
    auto* call = fn.add_node();
    call->set_op_type(std::string(name) == "f" ? "g" : "f"), call->set_domain("local");
    call->add_input("a"), call->add_output("b");
  }
  b.node("f", {"x"}, {"y"}, "call").set_domain("local");
  b.output("y", kFloat);
  auto checked = check_function_calls(b.proto());
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, "E_FUNCTION_CYCLE");
  EXPECT_NE(checked.error().message.find("f -> g -> f"), std::string::npos) << checked.error().message;
  auto index = try_index(b);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, "E_FUNCTION_CYCLE");
}

// Found by fuzz/fuzz_check (UBSan): the last node having no inputs and no outputs made the index bind a reference
// one past the end of its (empty) tensor table.
TEST(FuzzRegression, NodesWithoutInputsOrOutputsIndexCleanly) {
  ModelBuilder b(13);
  b.opset("com.example", 1);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.node("Marker", {}, {}, "marker").set_domain("com.example");
  b.output("y", kFloat);
  auto index = try_index(b);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index.value()->nodes().size(), 2u);
  EXPECT_EQ(index.value()->input(1, 0), nullptr);
  EXPECT_EQ(index.value()->output(1, 0), nullptr);
}

}  // namespace
}  // namespace trtlens::test
