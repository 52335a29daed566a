// A small Jetson-style detector (Conv/BN/ReLU/Resize/Concat/Softmax) checked against Orin's DLA on 8.6 and 10.x:
// each node's device, the GPU<->DLA transitions, and what changes without GPU fallback or without FP16.
#include <gtest/gtest.h>

#include "support/model_builder.h"
#include "verdict/analysis.h"

namespace trtlens {
namespace {

using test::ModelBuilder;
using test::set_attr;

std::vector<double> filled(std::size_t n, double v) { return std::vector<double>(n, v); }

// x[1,3,64,64] -> conv1 -> bn -> relu1 -> conv2 (stride 2) -> relu2 -> up (x2) -> cat(relu1, up) -> head (1x1)
//              -> exp (no DLA layer) -> softmax over channels -> y
ModelBuilder detector() {
  ModelBuilder b(13);
  b.input("x", 1, {1, 3, 64, 64});
  b.initializer("w1", 1, {16, 3, 3, 3}, filled(16 * 3 * 9, 0.01));
  auto& c1 = b.node("Conv", {"x", "w1"}, {"c1"}, "conv1");
  set_attr(c1, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c1, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  for (const char* p : {"scale", "bias", "mean", "var"}) b.initializer(p, 1, {16}, filled(16, 1.0));
  b.node("BatchNormalization", {"c1", "scale", "bias", "mean", "var"}, {"b1"}, "bn");
  b.node("Relu", {"b1"}, {"r1"}, "relu1");
  b.initializer("w2", 1, {16, 16, 3, 3}, filled(16 * 16 * 9, 0.01));
  auto& c2 = b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2");
  set_attr(c2, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c2, "strides", std::vector<std::int64_t>{2, 2});
  set_attr(c2, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c2"}, {"r2"}, "relu2");
  b.initializer("roi", 1, {0}, {});
  b.initializer("scales", 1, {4}, {1, 1, 2, 2});
  auto& up = b.node("Resize", {"r2", "roi", "scales"}, {"u"}, "up");
  set_attr(up, "mode", "nearest");
  set_attr(up, "coordinate_transformation_mode", "asymmetric");
  set_attr(up, "nearest_mode", "floor");
  auto& cat = b.node("Concat", {"r1", "u"}, {"cat"}, "cat");
  set_attr(cat, "axis", std::int64_t{1});
  b.initializer("wh", 1, {8, 32, 1, 1}, filled(8 * 32, 0.01));
  auto& head = b.node("Conv", {"cat", "wh"}, {"h"}, "head");
  set_attr(head, "kernel_shape", std::vector<std::int64_t>{1, 1});
  b.node("Exp", {"h"}, {"e"}, "exp");
  auto& sm = b.node("Softmax", {"e"}, {"y"}, "softmax");
  set_attr(sm, "axis", std::int64_t{1});
  b.output("y", 1, {1, 8, 64, 64});
  return b;
}

Analysis check_on(const ModelIndex& index, const std::string& release, const std::string& precision, const std::string& gpu,
                  bool dla, bool fallback = true) {
  return analyze(index, test::hardware_target(release, precision, gpu, dla, fallback), KnowledgeBase::builtin());
}

const NodeVerdict& node(const ModelIndex& index, const Analysis& a, const std::string& name) {
  return test::verdict(index, a, name);
}

TEST(DetectorOnOrinDla, PlacementAndTransitionsOn86And10x) {
  auto index = test::index_of(detector());
  for (const char* release : {"8.6", "10.3"}) {
    SCOPED_TRACE(release);
    const Analysis a = check_on(*index, release, "fp16", "Orin", true);
    for (const char* dla : {"conv1", "bn", "relu1", "conv2", "relu2", "up", "cat", "head", "softmax"}) {
      EXPECT_EQ(node(*index, a, dla).device, "dla") << dla;
      EXPECT_EQ(node(*index, a, dla).status, Status::kConvertible) << dla;
    }
    const NodeVerdict& exp = node(*index, a, "exp");
    EXPECT_EQ(exp.device, "gpu");
    EXPECT_EQ(exp.status, Status::kFallback);
    EXPECT_TRUE(test::has_reason(exp, "TRT_DLA_LAYER_UNSUPPORTED"));
    EXPECT_EQ(a.summary.dla_nodes, 9);
    EXPECT_EQ(a.summary.gpu_nodes, 1);
    EXPECT_EQ(a.summary.gpu_dla_transitions, 2);  // head -> exp, exp -> softmax
    EXPECT_TRUE(a.summary.model_convertible);
  }
}

TEST(DetectorOnOrinDla, WithoutGpuFallbackTheGpuOnlyNodeFails) {
  auto index = test::index_of(detector());
  const Analysis a = check_on(*index, "8.6", "fp16", "Orin", true, false);
  EXPECT_EQ(node(*index, a, "exp").status, Status::kUnsupported);
  EXPECT_TRUE(test::has_reason(node(*index, a, "exp"), "TRT_DLA_LAYER_UNSUPPORTED"));
  EXPECT_EQ(node(*index, a, "conv1").status, Status::kConvertible);
  EXPECT_FALSE(a.summary.model_convertible);
}

TEST(DetectorOnOrinDla, Fp32OnlyPutsEverythingOnTheGpu) {
  auto index = test::index_of(detector());
  const Analysis a = check_on(*index, "8.6", "fp32", "Orin", true);
  EXPECT_TRUE(test::has_model_issue(a, "TRT_DLA_NO_PRECISION"));
  EXPECT_EQ(a.summary.dla_nodes, 0);
  EXPECT_EQ(a.summary.gpu_dla_transitions, 0);
  EXPECT_EQ(node(*index, a, "conv1").device, "gpu");
}

TEST(DetectorOnOrinDla, XavierHasNoSoftmaxAndNoRelease86) {
  auto index = test::index_of(detector());
  const Analysis x85 = check_on(*index, "8.5", "fp16", "Xavier", true);
  EXPECT_EQ(node(*index, x85, "softmax").device, "gpu");
  EXPECT_EQ(node(*index, x85, "conv1").device, "dla");
  EXPECT_EQ(x85.summary.gpu_dla_transitions, 1);  // head -> exp; exp and softmax share the GPU
  const Analysis x86 = check_on(*index, "8.6", "fp16", "Xavier", true);
  EXPECT_TRUE(test::has_model_issue(x86, "TRT_DLA_UNAVAILABLE"));
  EXPECT_EQ(x86.summary.dla_nodes, 0);
}

TEST(DetectorOnGpu, ReleaseArchitectureRefusalFailsTheModel) {
  auto index = test::index_of(detector());
  const Analysis a = check_on(*index, "8.2", "fp16", "RTX 4090", false);
  EXPECT_TRUE(test::has_model_issue(a, "TRT_GPU_UNSUPPORTED"));
  EXPECT_FALSE(a.summary.model_convertible);
  EXPECT_EQ(a.summary.unsupported, 0);  // every node imports; the GPU is what fails
  const Analysis ok = check_on(*index, "8.6", "fp16", "RTX 4090", false);
  EXPECT_TRUE(ok.model_issues.empty());
  EXPECT_TRUE(ok.summary.model_convertible);
  EXPECT_EQ(node(*index, ok, "conv1").device, "");  // no DLA target: no placement
}

}  // namespace
}  // namespace trtlens
