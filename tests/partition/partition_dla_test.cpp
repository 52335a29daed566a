// `partition` with a DLA target: DLA subgraphs inside each engine, GPU/DLA transitions and the release's limit of
// DLA loadables per core (docs/hardware.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "onnx/dtype.h"
#include "support/model_builder.h"
#include "report/partition.h"

namespace trtlens::test {
namespace {

Target dla_target(const std::string& release, const std::string& gpu = "orin") {
  return hardware_target(release, "fp16", gpu, true);
}

// A chain over x[1,8,16,16]: "C" a 3x3 conv (DLA), "R" a relu (DLA), "E" an exp (GPU only), "B" a Bernoulli (no
// TensorRT importer: splits the engines). Nodes are named n0, n1, ...
ModelBuilder chain(const std::string& ops) {
  ModelBuilder b(ops.find('B') == std::string::npos ? 13 : 15);  // Bernoulli is opset 15; 7.2 documents up to 13
  b.input("x", kFloat, {1, 8, 16, 16});
  b.initializer("w", kFloat, {8, 8, 3, 3}, std::vector<double>(8 * 8 * 9, 0.1));
  std::string in = "x";
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::string out = i + 1 == ops.size() ? "y" : "t" + std::to_string(i), name = "n" + std::to_string(i);
    if (ops[i] == 'C') {
      auto& c = b.node("Conv", {in, "w"}, {out}, name);
      set_attr(c, "kernel_shape", std::vector<std::int64_t>{3, 3});
      set_attr(c, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
    } else {
      b.node(ops[i] == 'R' ? "Relu" : ops[i] == 'E' ? "Exp" : "Bernoulli", {in}, {out}, name);
    }
    in = out;
  }
  b.output("y", kFloat, {1, 8, 16, 16});
  return b;
}

std::vector<std::string> names(const ModelIndex& index, const DlaSubgraph& s) {
  std::vector<std::string> out;
  for (int n : s.nodes) out.push_back(index.nodes()[static_cast<std::size_t>(n)].name);
  return out;
}

TEST(DlaPartition, SubgraphsAreTheRunsBetweenGpuNodes) {
  auto index = index_of(chain("CECR"));
  const Analysis a = analyze(*index, dla_target("8.6"), KnowledgeBase::builtin());
  const Partition p = partition(*index, a);
  EXPECT_EQ(p.engines, 1);
  ASSERT_EQ(p.dla_subgraphs.size(), 2u);
  EXPECT_EQ(names(*index, p.dla_subgraphs[0]), std::vector<std::string>{"n0"});
  EXPECT_EQ(names(*index, p.dla_subgraphs[1]), (std::vector<std::string>{"n2", "n3"}));
  EXPECT_EQ(p.dla_subgraphs[0].inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(p.dla_subgraphs[0].outputs, std::vector<std::string>{"t0"});
  EXPECT_EQ(p.dla_subgraphs[1].inputs, std::vector<std::string>{"t1"});
  EXPECT_EQ(p.dla_subgraphs[1].outputs, std::vector<std::string>{"y"});
  EXPECT_EQ(a.summary.gpu_dla_transitions, 2);
  // 8.6: 4 loadables per core, from the 8.4-era guide; the release that raised it to 16 is unknown.
  EXPECT_EQ(p.dla_limit.max_per_core, 4);
  EXPECT_EQ(p.dla_limit.confidence, "uncertain");
  EXPECT_TRUE(p.dla_over_limit.empty());
}

TEST(DlaPartition, MoreSubgraphsThanTheReleaseAllowsPerCore) {
  auto index = index_of(chain("CECECECEC"));  // five DLA runs
  // The analysis already sends the runs beyond the core's limit to the GPU (TRT_DLA_LOADABLE_LIMIT, in network order),
  // so the engine keeps as many DLA subgraphs as the release allows and is not over the limit.
  const Analysis a86 = analyze(*index, dla_target("8.6"), KnowledgeBase::builtin());
  const Partition p86 = partition(*index, a86);
  EXPECT_EQ(p86.dla_subgraphs.size(), 4u);
  EXPECT_TRUE(p86.dla_over_limit.empty());
  EXPECT_EQ(a86.summary.dla_subgraphs, 4);
  const NodeVerdict& last = test::verdict(*index, a86, "n8");
  EXPECT_EQ(last.device, "gpu");
  ASSERT_FALSE(last.reasons.empty());
  EXPECT_EQ(last.reasons.back().code, "TRT_DLA_LOADABLE_LIMIT");
  const Partition p84 = partition(*index, analyze(*index, dla_target("8.4"), KnowledgeBase::builtin()));
  EXPECT_EQ(p84.dla_limit.max_per_core, 4);
  EXPECT_EQ(p84.dla_limit.confidence, "doc");
  EXPECT_EQ(p84.dla_subgraphs.size(), 4u);
  const Partition p103 = partition(*index, analyze(*index, dla_target("10.3"), KnowledgeBase::builtin()));
  EXPECT_EQ(p103.dla_limit.max_per_core, 16);
  EXPECT_EQ(p103.dla_subgraphs.size(), 5u);
  EXPECT_TRUE(p103.dla_over_limit.empty());
  const Partition p72 = partition(*index, analyze(*index, dla_target("7.2", "xavier"), KnowledgeBase::builtin()));
  EXPECT_EQ(p72.dla_limit.max_per_core, 8);
  EXPECT_EQ(p72.dla_limit.confidence, "report");
  EXPECT_EQ(p72.dla_subgraphs.size(), 5u);
  EXPECT_TRUE(p72.dla_over_limit.empty());
}

// The analysis keeps at most the core's limit of DLA subgraphs; an analysis that breaks that (here: the node the
// limit sent to the GPU put back on the DLA by hand) is reported per engine, in JSON and in the table.
TEST(DlaPartition, AnEngineOverTheLimitIsReported) {
  auto index = index_of(chain("CECECECEC"));
  Analysis a = analyze(*index, dla_target("8.6"), KnowledgeBase::builtin());
  NodeVerdict& last = a.nodes[static_cast<std::size_t>(test::verdict(*index, a, "n8").index)];
  ASSERT_EQ(last.device, "gpu");
  last.device = "dla";
  const Partition p = partition(*index, a);
  EXPECT_EQ(p.dla_subgraphs.size(), 5u);
  ASSERT_EQ(p.dla_over_limit.size(), 1u);
  EXPECT_EQ(p.dla_over_limit[0].subgraphs, 5);
  EXPECT_EQ(p.dla_over_limit[0].engine, p.dla_subgraphs.back().engine);
  const nlohmann::json j = partition_json(*index, a, p);
  ASSERT_EQ(j["dla"]["engines_over_limit"].size(), 1u) << j["dla"].dump(2);
  EXPECT_EQ(j["dla"]["engines_over_limit"][0]["subgraphs"], 5);
  std::ostringstream table;
  write_partition_table(table, *index, a, p);
  EXPECT_NE(table.str().find("has 5 DLA subgraphs; TensorRT runs the 1 beyond 4 on the GPU"), std::string::npos)
      << table.str();
}

TEST(DlaPartition, ASubgraphNeverSpansTwoEngines) {
  auto index = index_of(chain("CRBCR"));
  const Analysis a = analyze(*index, dla_target("8.6"), KnowledgeBase::builtin());
  const Partition p = partition(*index, a);
  ASSERT_EQ(p.engines, 2);
  ASSERT_EQ(p.dla_subgraphs.size(), 2u);
  EXPECT_EQ(p.dla_subgraphs[0].engine, p.parts[0].id);
  EXPECT_EQ(names(*index, p.dla_subgraphs[0]), (std::vector<std::string>{"n0", "n1"}));
  EXPECT_EQ(p.dla_subgraphs[1].engine, p.parts[2].id);
  EXPECT_TRUE(p.parts[2].tensorrt);
  EXPECT_EQ(names(*index, p.dla_subgraphs[1]), (std::vector<std::string>{"n3", "n4"}));
}

TEST(DlaPartition, WithoutADlaThereIsNoDlaSection) {
  auto index = index_of(chain("CECR"));
  auto t = make_target(KnowledgeBase::builtin(), "8.6", "fp16", false, {});
  ASSERT_TRUE(t.ok());
  const Analysis a = analyze(*index, t.value(), KnowledgeBase::builtin());
  const Partition p = partition(*index, a);
  EXPECT_TRUE(p.dla_subgraphs.empty());
  const auto j = partition_json(*index, a, p);
  EXPECT_FALSE(j.contains("dla"));
  EXPECT_FALSE(j["target"].contains("hardware"));
}

TEST(DlaPartition, CliJsonAndTable) {
  TempDir dir;
  const auto model = chain("CECR").save(dir / "m.onnx");
  const std::vector<std::string> base = {"partition", model.string(), "--trt", "8.6", "--precision", "fp16",
                                         "--gpu", "Jetson AGX Orin", "--dla"};
  auto args = base;
  args.insert(args.end(), {"--format", "json"});
  const RunResult json = run_trtlens(args);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["target"]["hardware"]["product"], "Jetson AGX Orin");
  EXPECT_EQ(j["target"]["hardware"]["dla"], true);
  EXPECT_EQ(j["dla"]["subgraph_count"], 2);
  EXPECT_EQ(j["dla"]["dla_nodes"], 3);
  EXPECT_EQ(j["dla"]["gpu_nodes"], 1);
  EXPECT_EQ(j["dla"]["gpu_dla_transitions"], 2);
  EXPECT_EQ(j["dla"]["max_subgraphs_per_core"], 4);
  EXPECT_EQ(j["dla"]["limit_confidence"], "uncertain");
  EXPECT_EQ(j["dla"]["subgraphs"][1]["nodes"][0]["name"], "n2");
  EXPECT_EQ(j["dla"]["subgraphs"][1]["engine"], 0);

  const RunResult table = run_trtlens(base);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("DLA (Jetson AGX Orin (SM 8.7), DLA with GPU fallback): 2 DLA subgraphs, 3 nodes on the "
                           "DLA, 1 on the GPU, 2 GPU/DLA transitions"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("limit: 4 DLA subgraphs (loadables) per DLA core in TensorRT 8.6.1 (uncertain"),
            std::string::npos) << table.out;

  auto bad = base;
  bad[7] = "T4";
  EXPECT_EQ(run_trtlens(bad).exit_code, 2);  // T4 has no DLA
}

}  // namespace
}  // namespace trtlens::test
