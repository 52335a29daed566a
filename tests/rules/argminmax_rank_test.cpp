// ArgMax/ArgMin become a TensorRT TopK layer, which needs rank >= 2; the parser reshapes a 1-D input for TopK but
// not for ArgMax/ArgMin (argMinMaxHelper at every tag read), so a 1-D ArgMax fails while parsing on every release.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder reduce_index(const std::string& op, std::vector<std::int64_t> dims, std::int64_t axis) {
  ModelBuilder m(13);
  m.input("x", kFloat, dims);
  auto& n = m.node(op, {"x"}, {"y"}, "n");
  set_attr(n, "axis", axis);
  set_attr(n, "keepdims", std::int64_t{0});
  m.output("y");
  return m;
}

TEST(ArgMinMaxRank, OneDimensionalInputFailsOnEveryRelease) {
  for (const char* op : {"ArgMax", "ArgMin"}) {
    const std::string name = std::string("TRT_") + (op == std::string("ArgMax") ? "ARGMAX" : "ARGMIN") + "_1D_INPUT";
    const char* code = name.c_str();
    expect_node(reduce_index(op, {16}, -1), "n",
                {{"7.2", NO, code}, {"8.5", NO, code}, {"8.6", NO, code}, {"10.1", NO, code}, {"10.15", NO, code}});
    // The same reduction over [1, 16] along axis 1 converts.
    expect_node(reduce_index(op, {1, 16}, 1), "n",
                {{"7.2", OK, code, false}, {"8.5", OK, code, false}, {"10.15", OK, code, false}});
  }
}

TEST(ArgMinMaxRank, TopKReshapesItsOneDimensionalInputItself) {
  ModelBuilder m(13);
  m.input("x", kFloat, {16});
  m.initializer("k", kInt64, {1}, {3});
  set_attr(m.node("TopK", {"x", "k"}, {"v", "i"}, "n"), "axis", std::int64_t{0});
  m.output("v");
  m.output("i");
  expect_node(m, "n", {{"8.6", OK, "", false}, {"10.15", OK, "", false}});
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

// onnx/onnx-tensorrt#803: ArgMin over axis 0 of a 5-D tensor. TensorRT's TopK layer reduces only the last four axes.
TEST(TopKAxis, OnlyTheLastFourDimensionsCanBeReduced) {
  expect_node(reduce_index("ArgMin", {2, 3, 4, 5, 6}, 0), "n",
              {{"7.2", OK, "TRT_ARGMIN_AXIS_NOT_LAST_FOUR", false},
               {"8.2", NO, "TRT_ARGMIN_AXIS_NOT_LAST_FOUR"},
               {"8.6", NO, "TRT_ARGMIN_AXIS_NOT_LAST_FOUR"},
               {"10.15", NO, "TRT_ARGMIN_AXIS_NOT_LAST_FOUR"}});
  // Axis 1 of a rank-5 input is the fourth-last: it converts; so does axis 0 of a rank-4 input.
  expect_node(reduce_index("ArgMax", {2, 3, 4, 5, 6}, 1), "n",
              {{"8.6", OK, "TRT_ARGMAX_AXIS_NOT_LAST_FOUR", false}, {"10.15", OK, "TRT_ARGMAX_AXIS_NOT_LAST_FOUR", false}});
  expect_node(reduce_index("ArgMax", {3, 4, 5, 6}, 0), "n", {{"10.15", OK, "TRT_ARGMAX_AXIS_NOT_LAST_FOUR", false}});
  // ArgMax without an axis attribute reduces axis 0 (the ONNX default); TopK without one reduces the last axis.
  ModelBuilder argmax(13);
  argmax.input("x", kFloat, {2, 3, 4, 5, 6});
  argmax.node("ArgMax", {"x"}, {"y"}, "n");
  argmax.output("y");
  expect_node(argmax, "n", {{"10.1", NO, "TRT_ARGMAX_AXIS_NOT_LAST_FOUR"}});
  ModelBuilder topk(13);
  topk.input("x", kFloat, {2, 3, 4, 5, 6});
  topk.initializer("k", kInt64, {1}, {2});
  topk.node("TopK", {"x", "k"}, {"v", "i"}, "n");
  topk.output("v");
  topk.output("i");
  expect_node(topk, "n", {{"10.1", OK, "TRT_TOPK_AXIS_NOT_LAST_FOUR", false}});
  set_attr(*topk.graph().mutable_node(0), "axis", std::int64_t{0});
  expect_node(topk, "n", {{"8.6", NO, "TRT_TOPK_AXIS_NOT_LAST_FOUR"}, {"10.1", NO, "TRT_TOPK_AXIS_NOT_LAST_FOUR"}});
}

}  // namespace
}  // namespace trtlens::test
