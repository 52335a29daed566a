// DLA loadables: TensorRT builds each DLA subgraph as one loadable and a DLA core takes a limited number per engine;
// the layers of the subgraphs beyond the limit run on the GPU (TRT_DLA_LOADABLE_LIMIT), in network order.
#include <gtest/gtest.h>

#include "support/model_builder.h"
#include "verdict/analysis.h"

namespace trtlens {
namespace {

using test::ModelBuilder;

// x -> relu0 -> exp0 -> relu1 -> exp1 -> ... -> relu{n-1} -> y: Relu runs on the DLA, Exp has no DLA layer, so each
// Relu is a DLA subgraph of its own.
ModelBuilder relu_exp_chain(int subgraphs) {
  ModelBuilder b(13);
  b.input("x", 1, {1, 8, 16, 16});
  std::string prev = "x";
  for (int i = 0; i < subgraphs; ++i) {
    const std::string r = "r" + std::to_string(i);
    b.node("Relu", {prev}, {r}, "relu" + std::to_string(i));
    prev = r;
    if (i + 1 < subgraphs) {
      const std::string e = "e" + std::to_string(i);
      b.node("Exp", {prev}, {e}, "exp" + std::to_string(i));
      prev = e;
    }
  }
  b.output(prev, 1, {1, 8, 16, 16});
  return b;
}

Analysis check_on(const ModelIndex& index, const std::string& release, const std::string& gpu, bool fallback = true) {
  return analyze(index, test::hardware_target(release, "fp16", gpu, true, fallback), KnowledgeBase::builtin());
}

TEST(DlaLoadables, SubgraphsBeyondTheLimitRunOnTheGpu) {
  auto b = relu_exp_chain(6);
  auto index = test::index_of(b);
  const Analysis a = check_on(*index, "8.6", "Orin");  // 4 loadables per core (uncertain for 8.6)
  EXPECT_EQ(a.summary.dla_subgraphs, 4);
  for (int i = 0; i < 6; ++i) {
    const NodeVerdict& v = test::verdict(*index, a, "relu" + std::to_string(i));
    if (i < 4) {
      EXPECT_EQ(v.device, "dla") << i;
      EXPECT_EQ(v.status, Status::kConvertible) << i;
      continue;
    }
    EXPECT_EQ(v.device, "gpu") << i;
    EXPECT_EQ(v.status, Status::kFallback) << i;
    const Reason* r = test::find_reason(v, "TRT_DLA_LOADABLE_LIMIT");
    ASSERT_NE(r, nullptr) << i;
    EXPECT_NE(r->message.find("subgraph " + std::to_string(i + 1) + " of 6"), std::string::npos) << r->message;
    EXPECT_NE(r->message.find("uncertain"), std::string::npos) << r->message;
  }
  EXPECT_EQ(a.summary.dla_nodes, 4);
  EXPECT_EQ(a.summary.gpu_nodes, 7);  // 5 Exp + 2 Relu moved
  // relu3 -> exp3 -> relu4 -> exp4 -> relu5: relu4 moved to the GPU removes two transitions.
  EXPECT_EQ(a.summary.gpu_dla_transitions, 7);
}

TEST(DlaLoadables, LimitPerRelease) {
  auto b = relu_exp_chain(10);
  auto index = test::index_of(b);
  EXPECT_EQ(check_on(*index, "8.4", "Orin").summary.dla_subgraphs, 4);    // documented in the 8.4-era guide
  EXPECT_EQ(check_on(*index, "8.2", "Xavier").summary.dla_subgraphs, 8);  // the 7.x-era logs' 8 (uncertain here)
  const Analysis a = check_on(*index, "10.3", "Orin");                    // 16 per core: all ten fit
  EXPECT_EQ(a.summary.dla_subgraphs, 10);
  EXPECT_EQ(a.summary.dla_nodes, 10);
  for (const auto& v : a.nodes) EXPECT_EQ(test::find_reason(v, "TRT_DLA_LOADABLE_LIMIT"), nullptr);
}

TEST(DlaLoadables, WithoutGpuFallbackTheExtraSubgraphsFail) {
  auto b = relu_exp_chain(6);
  auto index = test::index_of(b);
  const Analysis a = check_on(*index, "8.4", "Orin", /*fallback=*/false);
  const NodeVerdict& v = test::verdict(*index, a, "relu5");
  EXPECT_EQ(v.status, Status::kUnsupported);
  EXPECT_NE(test::find_reason(v, "TRT_DLA_LOADABLE_LIMIT"), nullptr);
  EXPECT_EQ(test::verdict(*index, a, "relu3").status, Status::kConvertible);
}

// x -> a (Relu) -> b (Exp, GPU) -> d (Add); a -> c (Relu) -> d. {a, c, d} would be connected, but contracting it
// would make a cycle through b, so TensorRT needs two loadables: {a, c} and {d}.
TEST(DlaLoadables, SubgraphsStayAcyclicWhenContracted) {
  ModelBuilder b(13);
  b.input("x", 1, {1, 8, 16, 16});
  b.node("Relu", {"x"}, {"ta"}, "a");
  b.node("Exp", {"ta"}, {"tb"}, "b");
  b.node("Relu", {"ta"}, {"tc"}, "c");
  b.node("Add", {"tb", "tc"}, {"y"}, "d");
  b.output("y", 1, {1, 8, 16, 16});
  auto index = test::index_of(b);
  const Analysis a = check_on(*index, "10.3", "Orin");
  EXPECT_EQ(a.summary.dla_nodes, 3);
  EXPECT_EQ(a.summary.dla_subgraphs, 2);
}

}  // namespace
}  // namespace trtlens
