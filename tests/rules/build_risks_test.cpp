// Engine-build-only failures (src/rules/build_risks.cpp, docs/faithfulness.md): the parser imports the node, so the
// verdict stays convertible, with warning TRT_BUILD_MAY_FAIL where the build may stop.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder gemm(int dtype, double alpha) {
  ModelBuilder b(13);
  b.input("a", dtype, {2, 4});
  b.input("b", dtype, {4, 3});
  auto& n = b.node("Gemm", {"a", "b"}, {"y"}, "n");
  if (alpha != 1.0) set_attr(n, "alpha", alpha);
  b.output("y");
  return b;
}

TEST(BuildRisks, GemmScaledHalfPrecisionMayFailAtBuildNeverUnsupported) {
  expect_node(gemm(kFloat16, 0.5), "n",
              {{"8.6", OK, "TRT_BUILD_MAY_FAIL"}, {"10.1", OK, "TRT_BUILD_MAY_FAIL"}, {"10.15", OK, "TRT_BUILD_MAY_FAIL"}});
  expect_node(gemm(kFloat, 0.5), "n", {{"8.6", OK, "TRT_BUILD_MAY_FAIL", false}, {"10.15", OK, "TRT_BUILD_MAY_FAIL", false}});
  expect_node(gemm(kFloat16, 1.0), "n", {{"8.6", OK, "TRT_BUILD_MAY_FAIL", false}, {"10.15", OK, "TRT_BUILD_MAY_FAIL", false}});
}

ModelBuilder is_inf(int dtype, bool one_sided) {
  ModelBuilder b(20);
  b.input("x", dtype, {4});
  auto& n = b.node("IsInf", {"x"}, {"y"}, "n");
  if (one_sided) set_attr(n, "detect_negative", std::int64_t{0});
  b.output("y");
  return b;
}

TEST(BuildRisks, OneSidedIsInfOnHalfMayFailAtBuild) {
  expect_node(is_inf(kFloat16, true), "n", {{"10.1", OK, "TRT_BUILD_MAY_FAIL"}, {"10.15", OK, "TRT_BUILD_MAY_FAIL"}});
  expect_node(is_inf(kFloat, true), "n", {{"10.15", OK, "TRT_BUILD_MAY_FAIL", false}});
  expect_node(is_inf(kFloat16, false), "n", {{"10.15", OK, "TRT_BUILD_MAY_FAIL", false}});
}

// GroupNormalization-21 before 10.9: the importer assumes the opset-18 per-group scale/bias layout.
TEST(BuildRisks, GroupNormalizationOpset21Before10_9) {
  ModelBuilder b(21);
  b.input("x", kFloat, {1, 4, 8, 8});
  b.initializer("s", kFloat, {4}, {1, 1, 1, 1});
  b.initializer("bias", kFloat, {4}, {0, 0, 0, 0});
  set_attr(b.node("GroupNormalization", {"x", "s", "bias"}, {"y"}, "n"), "num_groups", std::int64_t{2});
  b.output("y");
  expect_node(b, "n", {{"10.1", OK, "TRT_BUILD_MAY_FAIL"}, {"10.9", OK, "TRT_BUILD_MAY_FAIL", false}});
}

}  // namespace
}  // namespace trtlens::test
