// Resize (importer-rules.md B:Resize): opset-18 attributes 8.6 never reads, 10.x rejects or honours; constant scales.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

// Resize-18 of a [1,3,8,8] input with constant scales.
ModelBuilder resize(std::vector<double> scales, const char* mode = "nearest") {
  ModelBuilder b(18);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("scales", kFloat, {static_cast<std::int64_t>(scales.size())}, scales);
  auto& n = b.node("Resize", {"x", "", "scales"}, {"y"}, "n");
  set_attr(n, "mode", mode);
  b.output("y");
  return b;
}

TEST(ResizeRules, AntialiasIgnoredBefore10RejectedFrom10) {
  auto b = resize({1, 1, 2, 2}, "linear");
  set_attr(*b.graph().mutable_node(0), "antialias", std::int64_t{1});
  expect_node(b, "n",
              {{"8.6", OK, "TRT_RESIZE_ANTIALIAS_IGNORED"}, {"9.3", OK, "TRT_RESIZE_ANTIALIAS_IGNORED"},
               {"10.0", NO, "TRT_RESIZE_ANTIALIAS"}, {"10.1", NO, "TRT_RESIZE_ANTIALIAS"},
               {"10.15", NO, "TRT_RESIZE_ANTIALIAS"}});
}

TEST(ResizeRules, WithoutAntialiasEveryReleaseAccepts) {
  expect_node(resize({1, 1, 2, 2}, "linear"), "n",
              {{"8.6", OK, "TRT_RESIZE_ANTIALIAS_IGNORED", false}, {"10.1", OK, "TRT_RESIZE_ANTIALIAS", false},
               {"10.15", OK}});
}

TEST(ResizeRules, LinearMayScaleOnlyTheInnermostThreeDimensions) {
  expect_node(resize({2, 1, 2, 2}, "linear"), "n",
              {{"8.6", NO, "TRT_RESIZE_SCALES"}, {"10.15", NO, "TRT_RESIZE_SCALES"}});
  expect_node(resize({2, 1, 2, 2}, "nearest"), "n", {{"8.6", OK, "TRT_RESIZE_SCALES", false}});
  // cubic: innermost two only.
  expect_node(resize({1, 2, 2, 2}, "cubic"), "n", {{"10.15", NO, "TRT_RESIZE_SCALES"}});
  expect_node(resize({1, 1, 2, 2}, "cubic"), "n", {{"10.15", OK, "TRT_RESIZE_SCALES", false}});
}

TEST(ResizeRules, ScalesPerAxisOnlyFrom10AndAxesIgnoredBefore) {
  auto b = resize({2, 2});
  set_attr(*b.graph().mutable_node(0), "axes", std::vector<std::int64_t>{2, 3});
  expect_node(b, "n",
              {{"8.6", NO, "TRT_RESIZE_SCALES"}, {"10.1", OK, "TRT_RESIZE_SCALES", false}, {"10.15", OK}});
  EXPECT_NE(message_of(b, "n", "8.6", "TRT_RESIZE_AXES_IGNORED"), "");
  auto repeated = resize({2, 2});
  set_attr(*repeated.graph().mutable_node(0), "axes", std::vector<std::int64_t>{3, -1});
  expect_node(repeated, "n", {{"10.15", NO, "TRT_RESIZE_SCALES"}});
}

TEST(ResizeRules, EmptyScalesWithSizesAreNotChecked) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("scales", kFloat, {0}, {});
  b.initializer("sizes", kInt64, {4}, {1, 3, 16, 16});
  set_attr(b.node("Resize", {"x", "", "scales", "sizes"}, {"y"}, "n"), "mode", "linear");
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_RESIZE_SCALES", false}, {"10.15", OK, "TRT_RESIZE_SCALES", false}});
}

TEST(ResizeRules, TfCropAndResizeRejectedEverywhere) {
  auto b = resize({1, 1, 2, 2}, "linear");
  set_attr(*b.graph().mutable_node(0), "coordinate_transformation_mode", "tf_crop_and_resize");
  expect_node(b, "n", {{"8.6", NO, "TRT_RESIZE_COORDINATE_TRANSFORMATION_MODE"},
                       {"10.15", NO, "TRT_RESIZE_COORDINATE_TRANSFORMATION_MODE"}});
}

TEST(ResizeRules, UpsampleScalesRank) {
  ModelBuilder b(9);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("scales", kFloat, {3}, {1, 2, 2});
  b.node("Upsample", {"x", "scales"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_UPSAMPLE_SCALES"}, {"10.15", NO, "TRT_UPSAMPLE_SCALES"}});
}

}  // namespace
}  // namespace trtlens::test
