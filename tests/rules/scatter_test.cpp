// ScatterND / ScatterElements reductions (importer-rules.md B:ScatterND, B:ScatterElements).
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder scatter_nd(const char* reduction) {
  ModelBuilder b(16);
  b.input("data", kFloat, {4, 4});
  b.initializer("indices", kInt64, {2, 1}, {0, 2});
  b.input("updates", kFloat, {2, 4});
  auto& n = b.node("ScatterND", {"data", "indices", "updates"}, {"y"}, "n");
  if (reduction) set_attr(n, "reduction", reduction);
  b.output("y");
  return b;
}

TEST(ScatterRules, ScatterNDReductionIgnoredThenAnyRejectedThenNonNoneRejected) {
  expect_node(scatter_nd("add"), "n",
              {{"8.6", OK, "TRT_SCATTERND_REDUCTION_IGNORED"}, {"10.1", NO, "TRT_SCATTERND_REDUCTION"},
               {"10.14", NO, "TRT_SCATTERND_REDUCTION"}, {"10.15", NO, "TRT_SCATTERND_REDUCTION"}});
  expect_node(scatter_nd("none"), "n",
              {{"8.6", OK, "TRT_SCATTERND_REDUCTION_IGNORED", false}, {"10.1", NO, "TRT_SCATTERND_REDUCTION"},
               {"10.15", OK, "TRT_SCATTERND_REDUCTION", false}});
  expect_node(scatter_nd(nullptr), "n", {{"8.6", OK}, {"10.1", OK}, {"10.15", OK}});
}

TEST(ScatterRules, ScatterElementsRanksMustAgree) {
  ModelBuilder b(13);
  b.input("data", kFloat, {4, 4});
  b.input("indices", kInt64, {2});
  b.input("updates", kFloat, {2});
  b.node("ScatterElements", {"data", "indices", "updates"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_SCATTERELEMENTS_RANK_MISMATCH"}, {"10.15", NO, "TRT_SCATTERELEMENTS_RANK_MISMATCH"}});
}

// ScatterElements whose indices/updates [2, 5] exceed data [1, 5] along the scatter axis: addScatterLayer refuses
// any static dimension larger than the data's (NVIDIA/TensorRT#2735 at 8.5, onnx/onnx-tensorrt#963 at 8.6.1).
ModelBuilder scatter_elements(std::vector<std::int64_t> data, std::vector<std::int64_t> idx, const char* reduction) {
  ModelBuilder b(16);
  b.input("data", kFloat, data);
  b.input("indices", kInt64, idx);
  b.input("updates", kFloat, idx);
  auto& n = b.node("ScatterElements", {"data", "indices", "updates"}, {"y"}, "n");
  set_attr(n, "axis", std::int64_t{0});
  if (reduction) set_attr(n, "reduction", reduction);
  b.output("y");
  return b;
}

TEST(ScatterRules, ScatterElementsIndicesLargerThanDataRefusedFrom8_2) {
  expect_node(scatter_elements({1, 5}, {2, 5}, nullptr), "n",
              {{"8.2", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"8.5", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"8.6", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"9.3", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"10.1", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"10.15", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"}});
  expect_node(scatter_elements({4, 5}, {2, 5}, nullptr), "n",
              {{"8.2", OK, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA", false},
               {"8.6", OK, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA", false},
               {"10.15", OK, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA", false}});
  // From 10.0 a reduction other than none goes to the ScatterElements plugin, which has no such check; 8.6 ignores
  // the reduction and still builds the scatter layer.
  expect_node(scatter_elements({1, 5}, {2, 5}, "add"), "n",
              {{"8.6", NO, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA"},
               {"10.1", OK, "TRT_SCATTERELEMENTS_DIMS_EXCEED_DATA", false}});
}

TEST(ScatterRules, ScatterIsDeprecatedWithANote) {
  ModelBuilder b(11);
  b.input("data", kFloat, {4, 4});
  b.input("indices", kInt64, {1, 4});
  b.input("updates", kFloat, {1, 4});
  b.node("Scatter", {"data", "indices", "updates"}, {"y"}, "n");
  b.output("y");
  auto index = index_of(b);
  auto a = check(*index, "8.6");
  EXPECT_TRUE(has_warning(verdict(*index, a, "n"), "TRT_SCATTER_DEPRECATED")) << describe(verdict(*index, a, "n"));
}

}  // namespace
}  // namespace trtlens::test
