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
