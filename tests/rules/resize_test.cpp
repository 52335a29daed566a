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

// Resize with constant scales (sizes = false) or constant output sizes, at `opset`.
ModelBuilder resize_at(int opset, const char* mode, bool sizes, const char* ctm = nullptr,
                       const char* nearest_mode = nullptr) {
  ModelBuilder b(opset);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("roi", kFloat, {0}, {});
  if (sizes) {
    b.initializer("scales", kFloat, {0}, {});
    b.initializer("sizes", kInt64, {4}, {1, 3, 16, 16});
  } else {
    b.initializer("scales", kFloat, {4}, {1, 1, 2, 2});
  }
  auto& n = sizes ? b.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"}, "n")
                  : b.node("Resize", {"x", "roi", "scales"}, {"y"}, "n");
  set_attr(n, "mode", mode);
  if (ctm) set_attr(n, "coordinate_transformation_mode", ctm);
  if (nearest_mode) set_attr(n, "nearest_mode", nearest_mode);
  b.output("y");
  return b;
}

// release/7.2.1 .. release/8.4-GA refuse mode=cubic (opset 11+); 8.5-GA adds it (NVIDIA/TensorRT#2084).
TEST(ResizeRules, CubicRefusedUpTo8_4) {
  expect_node(resize_at(13, "cubic", false), "n",
              {{"7.2", NO, "TRT_RESIZE_CUBIC"},
               {"8.0", NO, "TRT_RESIZE_CUBIC"},
               {"8.2", NO, "TRT_RESIZE_CUBIC"},
               {"8.4", NO, "TRT_RESIZE_CUBIC"},
               {"8.5", OK, "TRT_RESIZE_CUBIC", false},
               {"8.6", OK, "TRT_RESIZE_CUBIC", false},
               {"10.15", OK}});
  expect_node(resize_at(13, "linear", false), "n",
              {{"8.0", OK, "TRT_RESIZE_CUBIC", false}, {"8.4", OK, "TRT_RESIZE_CUBIC", false}});
}

// An unknown mode is imported as linear up to 8.4 (warning) and refused from 8.5.
TEST(ResizeRules, UnknownModeLinearUpTo8_4RefusedFrom8_5) {
  expect_node(resize_at(13, "bilinear", false), "n", {{"8.4", OK, "TRT_RESIZE_MODE_UNKNOWN"}, {"8.5", NO, "TRT_RESIZE_MODE"}});
}

// release/7.2.1 (opset 11+): the accepted coordinate modes depend on the mode and on whether output sizes are given,
// and nearest needs nearest_mode=floor. 8.0 accepts all of these (onnx/onnx-tensorrt#649).
TEST(ResizeRules, Release7_2CoordinateModesDependOnSizesOrScales) {
  expect_node(resize_at(11, "linear", true, "asymmetric"), "n",
              {{"7.2", NO, "TRT_RESIZE_SIZES_COORDINATE_MODE"}, {"8.0", OK}});
  expect_node(resize_at(11, "linear", true), "n", {{"7.2", OK, "TRT_RESIZE_SIZES_COORDINATE_MODE", false}});
  expect_node(resize_at(11, "linear", true, "align_corners"), "n", {{"7.2", OK}});
  expect_node(resize_at(11, "linear", false, "asymmetric"), "n",
              {{"7.2", OK, "TRT_RESIZE_SCALES_COORDINATE_MODE", false}});
  expect_node(resize_at(11, "linear", false, "align_corners"), "n",
              {{"7.2", NO, "TRT_RESIZE_SCALES_COORDINATE_MODE"}, {"8.0", OK}});
  expect_node(resize_at(11, "nearest", false, "asymmetric", "floor"), "n", {{"7.2", OK}});
  expect_node(resize_at(11, "nearest", false, "half_pixel", "floor"), "n",
              {{"7.2", NO, "TRT_RESIZE_SCALES_COORDINATE_MODE"}, {"8.0", OK}});
  expect_node(resize_at(11, "nearest", true, "asymmetric", "floor"), "n", {{"7.2", OK}});
  expect_node(resize_at(11, "nearest", true, "pytorch_half_pixel", "floor"), "n",
              {{"7.2", NO, "TRT_RESIZE_SIZES_COORDINATE_MODE"}, {"8.0", OK}});
  // The default nearest_mode (round_prefer_floor) is refused.
  expect_node(resize_at(11, "nearest", false, "asymmetric"), "n",
              {{"7.2", NO, "TRT_RESIZE_NEAREST_MODE"}, {"8.0", OK, "TRT_RESIZE_NEAREST_MODE", false}});
  expect_node(resize_at(11, "nearest", false, "tf_half_pixel_for_nn"), "n",
              {{"7.2", NO, "TRT_RESIZE_COORDINATE_TRANSFORMATION_MODE"}, {"8.0", OK}});
}

}  // namespace
}  // namespace trtlens::test
