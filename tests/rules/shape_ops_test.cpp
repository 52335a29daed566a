// Axes, pads and split sizes (importer-rules.md B:Squeeze, B:Unsqueeze, B:Pad, B:CumSum, B:Split, B:Slice, B:TopK,
// B:Concat, B:Transpose, B:ReverseSequence): constant-only inputs per release, axis ranges, silent changes.
#include "rules/rule_check.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

// `op`(x, axes) where axes is an initializer or a graph input (computed).
ModelBuilder with_axes(const std::string& op, bool constant_axes, std::vector<std::int64_t> dims = {1, 3, 1, 8}) {
  ModelBuilder b(13);
  b.input("x", kFloat, dims);
  if (constant_axes) b.initializer("axes", kInt64, {1}, {2});
  else b.input("axes", kInt64, {1});
  b.node(op, {"x", "axes"}, {"y"}, "n");
  b.output("y");
  return b;
}

TEST(ShapeRules, SqueezeComputedAxesRejectedUntil10_6) {
  expect_node(with_axes("Squeeze", false), "n",
              {{"8.6", NO, "TRT_SQUEEZE_AXES_NOT_CONSTANT"}, {"10.1", NO, "TRT_SQUEEZE_AXES_NOT_CONSTANT"},
               {"10.6", NO, "TRT_SQUEEZE_AXES_NOT_CONSTANT"}, {"10.7", OK, "TRT_SQUEEZE_AXES_NOT_CONSTANT", false},
               {"10.15", OK}});
  expect_node(with_axes("Squeeze", true), "n", {{"8.6", OK}, {"10.1", OK}, {"10.15", OK}});
}

TEST(ShapeRules, UnsqueezeComputedAxesRejectedUntil10_15) {
  expect_node(with_axes("Unsqueeze", false), "n",
              {{"8.6", NO, "TRT_UNSQUEEZE_AXES_NOT_CONSTANT"}, {"10.1", NO, "TRT_UNSQUEEZE_AXES_NOT_CONSTANT"},
               {"10.14", NO, "TRT_UNSQUEEZE_AXES_NOT_CONSTANT"}, {"10.15", OK, "TRT_UNSQUEEZE_AXES_NOT_CONSTANT", false}});
  expect_node(with_axes("Unsqueeze", true), "n", {{"8.6", OK}, {"10.15", OK}});
}

TEST(ShapeRules, UnsqueezeAxesCountAgainstTheOutputRankAndRank8) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("axes", kInt64, {1}, {5});
  b.node("Unsqueeze", {"x", "axes"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_UNSQUEEZE_AXES"}, {"10.15", NO, "TRT_UNSQUEEZE_AXES"}});
  ModelBuilder ok(13);
  ok.input("x", kFloat, {1, 3, 8, 8});
  ok.initializer("axes", kInt64, {1}, {4});
  ok.node("Unsqueeze", {"x", "axes"}, {"y"}, "n");
  ok.output("y");
  expect_node(ok, "n", {{"8.6", OK, "TRT_UNSQUEEZE_AXES", false}});
  ModelBuilder big(13);
  big.input("x", kFloat, {1, 1, 1, 1, 1, 1, 1, 2});
  big.initializer("axes", kInt64, {1}, {0});
  big.node("Unsqueeze", {"x", "axes"}, {"y"}, "n");
  big.output("y");
  expect_node(big, "n", {{"10.15", NO, "TRT_UNSQUEEZE_AXES"}});
}

TEST(ShapeRules, SqueezeWithoutAxesNeedsAStaticShape) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 1, 8});
  b.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_param("C");
  b.node("Squeeze", {"x"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_SQUEEZE_DYNAMIC_WITHOUT_AXES"}, {"10.15", NO, "TRT_SQUEEZE_DYNAMIC_WITHOUT_AXES"}});
  expect_node(with_axes("Squeeze", true), "n", {{"8.6", OK, "TRT_SQUEEZE_DYNAMIC_WITHOUT_AXES", false}});
}

ModelBuilder pad(const char* mode, std::vector<double> pads, int opset = 19) {
  ModelBuilder b(opset);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("pads", kInt64, {8}, pads);
  auto& n = b.node("Pad", {"x", "pads"}, {"y"}, "n");
  if (mode) set_attr(n, "mode", mode);
  b.output("y");
  return b;
}

TEST(ShapeRules, PadWrapRejectedBefore10) {
  expect_node(pad("wrap", {0, 0, 1, 1, 0, 0, 1, 1}), "n",
              {{"8.6", NO, "TRT_PAD_MODE"}, {"9.3", NO, "TRT_PAD_MODE"}, {"10.0", OK, "TRT_PAD_MODE", false},
               {"10.15", OK}});
  expect_node(pad("reflect", {0, 0, 1, 1, 0, 0, 1, 1}), "n", {{"8.6", OK, "TRT_PAD_MODE", false}});
}

TEST(ShapeRules, NegativePadsRejectedBefore10_15) {
  expect_node(pad(nullptr, {0, 0, -1, 0, 0, 0, 0, 0}), "n",
              {{"8.6", NO, "TRT_PAD_NEGATIVE"}, {"10.1", NO, "TRT_PAD_NEGATIVE"}, {"10.14", NO, "TRT_PAD_NEGATIVE"},
               {"10.15", OK, "TRT_PAD_NEGATIVE", false}});
  // opset < 11: pads is an attribute.
  ModelBuilder old(10);
  old.input("x", kFloat, {1, 3, 8, 8});
  set_attr(old.node("Pad", {"x"}, {"y"}, "n"), "pads", std::vector<std::int64_t>{0, 0, -1, 0, 0, 0, 0, 0});
  old.output("y");
  expect_node(old, "n", {{"8.6", NO, "TRT_PAD_NEGATIVE"}, {"10.15", OK, "TRT_PAD_NEGATIVE", false}});
}

TEST(ShapeRules, PadAxesInputAbsentBefore10ConstantUntil10_3) {
  expect_node(pad_runtime_axes(), "n",
              {{"8.6", NO, "TRT_PAD_AXES"}, {"10.1", NO, "TRT_PAD_AXES_NOT_CONSTANT"},
               {"10.4", OK, "TRT_PAD_AXES_NOT_CONSTANT", false}});
  ModelBuilder dup(18);
  dup.input("x", kFloat, {1, 3, 8, 8});
  dup.initializer("pads", kInt64, {4}, {1, 1, 1, 1});
  dup.initializer("axes", kInt64, {2}, {2, -2});
  dup.node("Pad", {"x", "pads", "", "axes"}, {"y"}, "n");
  dup.output("y");
  expect_node(dup, "n", {{"10.1", NO, "TRT_PAD_AXES"}});
}

TEST(ShapeRules, CumSumComputedAxisRejectedBefore10_8ThenWarns) {
  ModelBuilder b(14);
  b.input("x", kFloat, {2, 3});
  b.input("axis", kInt64, {});
  b.node("CumSum", {"x", "axis"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n",
              {{"8.6", NO, "TRT_CUMSUM_AXIS_NOT_CONSTANT"}, {"10.1", NO, "TRT_CUMSUM_AXIS_NOT_CONSTANT"},
               {"10.8", OK, "TRT_BUILD_MAY_FAIL"}, {"10.15", OK, "TRT_BUILD_MAY_FAIL"}});
  ModelBuilder c(14);
  c.input("x", kFloat, {2, 3});
  c.initializer("axis", kInt64, {}, {1});
  c.node("CumSum", {"x", "axis"}, {"y"}, "n");
  c.output("y");
  expect_node(c, "n", {{"8.6", OK, "TRT_CUMSUM_AXIS_NOT_CONSTANT", false}, {"10.15", OK}});
}

ModelBuilder topk(std::int64_t sorted, std::vector<std::int64_t> k_dims = {1}) {
  ModelBuilder b(11);
  b.input("x", kFloat, {2, 8});
  b.initializer("k", kInt64, k_dims, std::vector<double>(k_dims.empty() ? 1 : static_cast<std::size_t>(k_dims[0]), 3));
  auto& n = b.node("TopK", {"x", "k"}, {"v", "i"}, "n");
  set_attr(n, "sorted", sorted);
  b.output("v");
  b.output("i");
  return b;
}

TEST(ShapeRules, TopKSortedIsIgnored) {
  expect_node(topk(0), "n", {{"8.6", OK, "TRT_TOPK_SORTED_IGNORED"}, {"10.15", OK, "TRT_TOPK_SORTED_IGNORED"}});
  expect_node(topk(1), "n", {{"8.6", OK, "TRT_TOPK_SORTED_IGNORED", false}, {"10.15", OK, "TRT_TOPK_SORTED_IGNORED", false}});
  expect_node(topk(1, {2}), "n", {{"8.6", NO, "TRT_TOPK_K_VOLUME"}, {"10.15", NO, "TRT_TOPK_K_VOLUME"}});
}

ModelBuilder split(std::int64_t dim, std::vector<std::string> outputs, std::vector<double> sizes = {}, int opset = 13) {
  ModelBuilder b(opset);
  b.input("x", kFloat, {2, dim});
  std::vector<std::string> inputs{"x"};
  if (!sizes.empty()) {
    b.initializer("split", kInt64, {static_cast<std::int64_t>(sizes.size())}, sizes);
    inputs.push_back("split");
  }
  set_attr(b.node("Split", inputs, outputs, "n"), "axis", std::int64_t{1});
  for (const auto& o : outputs)
    if (!o.empty()) b.output(o);
  return b;
}

TEST(ShapeRules, SplitSizesMustMatchTheDeclaredOutputs) {
  expect_node(split(6, {"a", "b", "c"}, {2, 4}), "n", {{"8.6", NO, "TRT_SPLIT_OUTPUTS"}, {"10.15", NO, "TRT_SPLIT_OUTPUTS"}});
  expect_node(split(6, {"a", "b"}, {2, 4}), "n", {{"8.6", OK, "TRT_SPLIT_OUTPUTS", false}, {"10.15", OK}});
}

TEST(ShapeRules, UnevenEqualSplitFloorsBefore10AndCeilsAfter) {
  expect_node(split(7, {"a", "b"}), "n",
              {{"8.6", OK, "TRT_SPLIT_UNEVEN_FLOOR"}, {"10.1", OK, "TRT_SPLIT_UNEVEN_FLOOR", false},
               {"10.1", OK, "TRT_SPLIT_OUTPUTS", false}});
  // 5 into 4 ceil-sized chunks of 2 leaves nothing for the last one.
  expect_node(split(5, {"a", "b", "c", "d"}), "n", {{"8.6", OK, "TRT_SPLIT_UNEVEN_FLOOR"}, {"10.1", NO, "TRT_SPLIT_OUTPUTS"}});
  auto num = split(6, {"a", "b"}, {}, 18);
  set_attr(*num.graph().mutable_node(0), "num_outputs", std::int64_t{3});
  expect_node(num, "n", {{"8.6", OK, "TRT_SPLIT_NUM_OUTPUTS_IGNORED"}, {"10.15", NO, "TRT_SPLIT_OUTPUTS"}});
}

TEST(ShapeRules, AxisOutOfRangeRejected) {
  ModelBuilder b(13);
  b.input("a", kFloat, {1, 3});
  b.input("c", kFloat, {1, 3});
  set_attr(b.node("Concat", {"a", "c"}, {"y"}, "n"), "axis", std::int64_t{2});
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_CONCAT_AXIS"}, {"10.15", NO, "TRT_CONCAT_AXIS"}});
  ModelBuilder ok(13);
  ok.input("a", kFloat, {1, 3});
  ok.input("c", kFloat, {1, 3});
  set_attr(ok.node("Concat", {"a", "c"}, {"y"}, "n"), "axis", std::int64_t{-1});
  ok.output("y");
  expect_node(ok, "n", {{"8.6", OK, "TRT_CONCAT_AXIS", false}});
  ModelBuilder missing(13);
  missing.input("a", kFloat, {1, 3});
  missing.node("Concat", {"a"}, {"y"}, "n");
  missing.output("y");
  auto index = lenient_index(missing);
  ASSERT_NE(index, nullptr);
  for (const char* release : {"8.6", "10.15"}) {
    const auto a = check(*index, release);
    const auto& v = verdict(*index, a, "n");
    EXPECT_EQ(v.status, NO) << release;
    EXPECT_TRUE(has_reason(v, "TRT_CONCAT_AXIS_REQUIRED")) << release << describe(v);
  }
}

TEST(ShapeRules, TransposePermValidatedOnlyIn10_15) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8});
  set_attr(b.node("Transpose", {"x"}, {"y"}, "n"), "perm", std::vector<std::int64_t>{0, 0, 1});
  b.output("y");
  expect_node(b, "n", {{"10.1", OK, "TRT_TRANSPOSE_PERM", false}, {"10.15", NO, "TRT_TRANSPOSE_PERM"}});
}

TEST(ShapeRules, ReverseSequenceAxesMustDifferFrom10) {
  ModelBuilder b(10);
  b.input("x", kFloat, {4, 4, 2});
  b.input("lens", kInt64, {4});
  auto& n = b.node("ReverseSequence", {"x", "lens"}, {"y"}, "n");
  set_attr(n, "batch_axis", std::int64_t{0});
  set_attr(n, "time_axis", std::int64_t{0});
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_REVERSESEQUENCE_AXES", false}, {"10.1", NO, "TRT_REVERSESEQUENCE_AXES"}});
}

TEST(ShapeRules, SliceDuplicateAxesRejectedBefore10_15) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4, 4});
  b.initializer("starts", kInt64, {2}, {0, 0});
  b.initializer("ends", kInt64, {2}, {2, 2});
  b.initializer("axes", kInt64, {2}, {1, -1});
  b.node("Slice", {"x", "starts", "ends", "axes"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_SLICE_AXES"}, {"10.14", NO, "TRT_SLICE_AXES"}, {"10.15", OK, "TRT_SLICE_AXES", false}});
  ModelBuilder lengths(13);
  lengths.input("x", kFloat, {4, 4});
  lengths.initializer("starts", kInt64, {2}, {0, 0});
  lengths.initializer("ends", kInt64, {1}, {2});
  lengths.node("Slice", {"x", "starts", "ends"}, {"y"}, "n");
  lengths.output("y");
  expect_node(lengths, "n", {{"8.6", NO, "TRT_SLICE_LENGTHS"}, {"10.15", NO, "TRT_SLICE_LENGTHS"}});
}

}  // namespace
}  // namespace trtlens::test
