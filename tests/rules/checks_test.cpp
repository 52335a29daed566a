// The remaining custom-check modes and generic rules not covered by the op-family tests: symmetric pads, Scan's
// negative axes, ConvTranspose output_shape, CastLike carriers, `when` on auto_pad, input counts, scalar inputs.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

TEST(CheckRules, DeformConvPadsMustBeSymmetric) {
  ModelBuilder b(19);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("w", kFloat, {4, 3, 3, 3}, std::vector<double>(108, 0.1));
  b.input("off", kFloat, {1, 18, 8, 8});
  auto& n = b.node("DeformConv", {"x", "w", "off"}, {"y"}, "n");
  set_attr(n, "pads", std::vector<std::int64_t>{1, 1, 0, 1});
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_NO_IMPORTER"}, {"10.1", NO, "TRT_DEFORMCONV_ASYMMETRIC_PADS"},
                       {"10.15", NO, "TRT_DEFORMCONV_ASYMMETRIC_PADS"}});
}

TEST(CheckRules, ScanNegativeAxesWarn) {
  onnx::GraphProto body;
  body.set_name("body");
  *body.add_input() = value_info("xi", kFloat, {3});
  auto* id = body.add_node();
  id->set_op_type("Identity");
  id->set_name("pass");
  id->add_input("xi");
  id->add_output("yo");
  *body.add_output() = value_info("yo", kFloat, {3});
  ModelBuilder b(11);
  b.input("x", kFloat, {4, 3});
  auto& n = b.node("Scan", {"x"}, {"y"}, "n");
  set_attr(n, "body", body);
  set_attr(n, "num_scan_inputs", std::int64_t{1});
  set_attr(n, "scan_input_axes", std::vector<std::int64_t>{-2});
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_SCAN_NEGATIVE_AXIS"}, {"10.15", OK, "TRT_SCAN_NEGATIVE_AXIS"}});
}

TEST(CheckRules, ConvTransposeOutputShapeNeedingNegativeBeginPadding) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 4, 4});
  b.initializer("w", kFloat, {3, 2, 3, 3}, std::vector<double>(54, 0.1));
  auto& n = b.node("ConvTranspose", {"x", "w"}, {"y"}, "n");
  set_attr(n, "output_shape", std::vector<std::int64_t>{10, 10});  // natural size is 6: padding would be -4
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_CONVTRANSPOSE_SHAPES"}, {"10.15", NO, "TRT_CONVTRANSPOSE_SHAPES"}});
  ModelBuilder ok(13);
  ok.input("x", kFloat, {1, 3, 4, 4});
  ok.initializer("w", kFloat, {3, 2, 3, 3}, std::vector<double>(54, 0.1));
  set_attr(ok.node("ConvTranspose", {"x", "w"}, {"y"}, "n"), "output_shape", std::vector<std::int64_t>{5, 5});
  ok.output("y");
  expect_node(ok, "n", {{"8.6", OK, "TRT_CONVTRANSPOSE_SHAPES", false}});
}

TEST(CheckRules, CastLikeUint8InitializerCarrierCastsToInt32) {
  ModelBuilder b(15);
  b.input("x", kFloat, {4});
  b.initializer("like", kUint8, {1}, {0});
  b.node("CastLike", {"x", "like"}, {"y"}, "n");
  b.output("y", kUint8, {4});
  expect_node(b, "n", {{"8.6", NO, "TRT_NO_IMPORTER"}, {"10.1", OK, "TRT_CAST_DOWNCAST"}});
}

ModelBuilder avgpool_same_with_pads() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  auto& n = b.node("AveragePool", {"x"}, {"y"}, "n");
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(n, "auto_pad", "SAME_UPPER");
  set_attr(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.output("y");
  return b;
}

TEST(CheckRules, SameAutoPadWithPadsIgnoredBefore10RejectedFrom10) {
  expect_node(avgpool_same_with_pads(), "n",
              {{"8.6", OK, "TRT_AVERAGEPOOL_SAME_PADS_IGNORED"}, {"10.0", NO, "TRT_AVERAGEPOOL_SAME_WITH_PADS"}});
  // `when`: with explicit padding (auto_pad absent) the rules do not apply.
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  auto& n = b.node("AveragePool", {"x"}, {"y"}, "n");
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_AVERAGEPOOL_SAME_PADS_IGNORED", false}, {"10.15", OK, "TRT_AVERAGEPOOL_SAME_WITH_PADS", false}});
}

TEST(CheckRules, InputCountLimits) {
  ModelBuilder b(16);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.input("g", kFloat, {1, 4, 4, 2});
  b.input("extra", kFloat, {1});
  b.node("GridSample", {"x", "g", "extra"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_GRIDSAMPLE_INPUT_COUNT"}, {"10.15", NO, "TRT_GRIDSAMPLE_INPUT_COUNT"}});
}

TEST(CheckRules, IfConditionMustHoldOneElement) {
  onnx::GraphProto g;
  g.set_name("br");
  auto* id = g.add_node();
  id->set_op_type("Identity");
  id->set_name("br_id");
  id->add_input("x");
  id->add_output("br_out");
  *g.add_output() = value_info("br_out", kFloat, {2});
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  b.input("c", kBool, {2});
  auto& n = b.node("If", {"c"}, {"y"}, "n");
  set_attr(n, "then_branch", g);
  onnx::GraphProto e = g;
  e.mutable_node(0)->set_name("br_id2");
  set_attr(n, "else_branch", e);
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_IF_CONDITION_VOLUME"}, {"10.15", NO, "TRT_IF_CONDITION_VOLUME"}});
}

TEST(CheckRules, EyeLikeNeedsAStaticShape) {
  ModelBuilder b(13);
  b.input("x", kFloat, {3, 3});
  b.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("N");
  b.node("EyeLike", {"x"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_EYELIKE_DYNAMIC_SHAPE"}, {"10.15", NO, "TRT_EYELIKE_DYNAMIC_SHAPE"}});
}

TEST(CheckRules, RoiAlignNegativeSamplingRatioRejectedFrom10) {
  ModelBuilder b(16);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.input("rois", kFloat, {2, 4});
  b.input("idx", kInt64, {2});
  set_attr(b.node("RoiAlign", {"x", "rois", "idx"}, {"y"}, "n"), "sampling_ratio", std::int64_t{-1});
  b.output("y");
  expect_node(b, "n", {{"10.1", NO, "TRT_ROIALIGN_SAMPLING_RATIO"}, {"10.15", NO, "TRT_ROIALIGN_SAMPLING_RATIO"}});
}

}  // namespace
}  // namespace trtlens::test
