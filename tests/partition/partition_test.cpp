#include "report/partition.h"

#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <fstream>
#include <set>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

std::vector<std::string> names(const ModelIndex& index, const Part& part) {
  std::vector<std::string> out;
  for (int n : part.nodes) out.push_back(index.nodes()[static_cast<std::size_t>(n)].name);
  return out;
}

// Every part must read only tensors from graph inputs, initializers or earlier parts: the contraction is acyclic.
void expect_parts_in_order(const ModelIndex& index, const Partition& p) {
  std::set<std::string> available;
  for (const auto& in : index.proto().graph().input()) available.insert(in.name());
  for (const auto& part : p.parts) {
    for (const auto& in : part.inputs) EXPECT_TRUE(available.count(in)) << "part " << part.id << " reads " << in << " too early";
    for (int n : part.nodes)
      for (const auto& o : index.nodes()[static_cast<std::size_t>(n)].proto->output()) available.insert(o);
  }
}

// x -> relu_a -> bernoulli (no importer in any release) -> relu_c -> y
ModelBuilder unsupported_in_the_middle() {
  ModelBuilder b(15);
  b.input("x", kFloat, {2, 3});
  b.node("Relu", {"x"}, {"a"}, "relu_a");
  b.node("Relu", {"a"}, {"a2"}, "relu_b");
  b.node("Bernoulli", {"a2"}, {"u"}, "bernoulli");
  b.node("Relu", {"u"}, {"y"}, "relu_c");
  b.output("y", kFloat, {2, 3});
  return b;
}

TEST(Partition, UnsupportedNodeInTheMiddleSplitsTwoEngines) {
  auto index = index_of(unsupported_in_the_middle());
  const auto a = check(*index, "10.15");
  const Partition p = partition(*index, a);
  EXPECT_EQ(p.engines, 2);
  EXPECT_EQ(p.nodes_in_tensorrt, 3);
  EXPECT_EQ(p.nodes_outside, 1);
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_TRUE(p.parts[0].tensorrt);
  EXPECT_EQ(names(*index, p.parts[0]), (std::vector<std::string>{"relu_a", "relu_b"}));
  EXPECT_EQ(p.parts[0].inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(p.parts[0].outputs, std::vector<std::string>{"a2"});  // "a" stays inside
  EXPECT_FALSE(p.parts[1].tensorrt);
  EXPECT_EQ(p.parts[1].inputs, std::vector<std::string>{"a2"});
  EXPECT_EQ(p.parts[1].outputs, std::vector<std::string>{"u"});
  EXPECT_EQ(p.parts[2].inputs, std::vector<std::string>{"u"});
  EXPECT_EQ(p.parts[2].outputs, std::vector<std::string>{"y"});
  ASSERT_EQ(p.outside.size(), 1u);
  EXPECT_EQ(p.outside[0].op_type, "Bernoulli");
  EXPECT_EQ(p.outside[0].reason, "TRT_NO_IMPORTER");
  EXPECT_EQ(p.outside[0].nodes, std::vector<std::string>{"bernoulli"});
}

TEST(Partition, DiamondThroughAnUnsupportedNodeIsNotMerged) {
  // relu_top feeds both the unsupported branch and relu_side; add joins them. Merging add into relu_top's group
  // would make group -> bernoulli -> group a cycle, so add starts a second engine.
  ModelBuilder b(15);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"t"}, "relu_top");
  b.node("Bernoulli", {"t"}, {"u"}, "bernoulli");
  b.node("Relu", {"t"}, {"s"}, "relu_side");
  b.node("Add", {"s", "u"}, {"y"}, "add");
  b.output("y", kFloat, {4});
  auto index = index_of(b);
  const Partition p = partition(*index, check(*index, "10.15"));
  EXPECT_EQ(p.engines, 2);
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_EQ(names(*index, p.parts[0]), (std::vector<std::string>{"relu_top", "relu_side"}));
  EXPECT_EQ(names(*index, p.parts[1]), std::vector<std::string>{"bernoulli"});
  EXPECT_EQ(names(*index, p.parts[2]), std::vector<std::string>{"add"});
  EXPECT_EQ(p.parts[0].outputs, (std::vector<std::string>{"t", "s"}));
  EXPECT_EQ(p.parts[2].inputs, (std::vector<std::string>{"s", "u"}));
  expect_parts_in_order(*index, p);
}

TEST(Partition, IndependentBranchesMergeIntoOneEngine) {
  // Two supported branches that meet without passing through an unsupported node form one engine.
  ModelBuilder b(15);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"l"}, "left");
  b.node("Sigmoid", {"x"}, {"r"}, "right");
  b.node("Add", {"l", "r"}, {"y"}, "add");
  b.output("y", kFloat, {4});
  auto index = index_of(b);
  const Partition p = partition(*index, check(*index, "10.15"));
  EXPECT_EQ(p.engines, 1);
  ASSERT_EQ(p.parts.size(), 1u);
  EXPECT_EQ(p.parts[0].nodes.size(), 3u);
  EXPECT_EQ(p.nodes_outside, 0);
}

TEST(Partition, MinSubgraphSizeDropsSmallParts) {
  auto index = index_of(unsupported_in_the_middle());
  const auto a = check(*index, "10.15");
  const Partition p = partition(*index, a, PartitionOptions{2});
  EXPECT_EQ(p.engines, 1);
  EXPECT_EQ(p.nodes_outside, 2);
  EXPECT_EQ(p.dropped_small, 1);
  bool too_small = false;
  for (const auto& row : p.outside)
    if (row.reason == "TRT_SUBGRAPH_TOO_SMALL") too_small = row.nodes == std::vector<std::string>{"relu_c"};
  EXPECT_TRUE(too_small);
  // bernoulli and relu_c now form one run left to other providers.
  ASSERT_EQ(p.parts.size(), 2u);
  EXPECT_FALSE(p.parts[1].tensorrt);
  EXPECT_EQ(p.parts[1].nodes.size(), 2u);
  EXPECT_EQ(partition(*index, a, PartitionOptions{3}).engines, 0);
}

TEST(Partition, WrittenPartsPassTheCheckerAndLoadBack) {
  ModelBuilder b = unsupported_in_the_middle();
  b.initializer("bias", kFloat, {2, 3}, {1, 2, 3, 4, 5, 6});
  b.graph().mutable_node(3)->set_input(0, "u2");
  auto* add = b.graph().add_node();
  add->set_op_type("Add");
  add->set_name("add_bias");
  add->add_input("u");
  add->add_input("bias");
  add->add_output("u2");
  // Keep the file's topological order: add_bias must come before relu_c.
  b.graph().mutable_node()->SwapElements(3, 4);
  auto index = index_of(b);
  const auto a = check(*index, "10.15");
  const Partition p = partition(*index, a);
  TempDir dir;
  auto written = write_parts(*index, a, p, dir.path(), false);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written.value().size(), p.parts.size() + 1);
  std::size_t nodes = 0;
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    auto loaded = load_model(written.value()[i]);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_NO_THROW(onnx::checker::check_model(loaded.value()->proto())) << written.value()[i];
    auto part_index = ModelIndex::build(std::move(loaded.value()));
    ASSERT_TRUE(part_index.ok()) << part_index.error().message;
    nodes += part_index.value()->nodes().size();
  }
  EXPECT_EQ(nodes, index->nodes().size());
  // The last engine carries the bias initializer it reads, not as an input.
  const auto last = load_model(written.value()[p.parts.size() - 1]);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value()->proto().graph().initializer_size(), 1);
  EXPECT_EQ(last.value()->proto().graph().input(0).name(), "u");

  std::ifstream manifest(dir / "manifest.json");
  const auto json = nlohmann::json::parse(manifest);
  EXPECT_EQ(json["engines"], 2);
  EXPECT_EQ(json["parts"].size(), p.parts.size());

  // A second run refuses to replace the files; --force replaces them.
  auto again = write_parts(*index, a, p, dir.path(), false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "E_EXISTS");
  EXPECT_TRUE(write_parts(*index, a, p, dir.path(), true).ok());
}

TEST(Partition, ControlFlowNodeIsOneNodeAndItsOuterReadsAreInputs) {
  ModelBuilder b(15);
  b.input("cond", kBool, {});
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"r"}, "relu");
  onnx::GraphProto then_branch, else_branch;
  then_branch.set_name("then");
  else_branch.set_name("else");
  for (auto* g : {&then_branch, &else_branch}) {
    auto* n = g->add_node();
    n->set_op_type("Neg");
    n->set_name(g == &then_branch ? "inner_then" : "inner_else");
    n->add_input("r");
    n->add_output(g == &then_branch ? "t" : "e");
    *g->add_output() = value_info(g == &then_branch ? "t" : "e", kFloat, {4});
  }
  b.node("Bernoulli", {"x"}, {"bx"}, "bernoulli");
  auto& if_node = b.node("If", {"cond"}, {"y"}, "if0");
  set_attr(if_node, "then_branch", then_branch);
  set_attr(if_node, "else_branch", else_branch);
  b.output("y", kFloat, {4});
  b.output("bx", kFloat, {4});
  auto index = index_of(b);
  const Partition p = partition(*index, check(*index, "10.15"));
  EXPECT_EQ(p.nodes_in_tensorrt + p.nodes_outside, 3);  // main graph only: the bodies count with if0
  ASSERT_EQ(p.engines, 1);
  const Part& engine = p.parts[0].tensorrt ? p.parts[0] : p.parts[1];
  EXPECT_EQ(names(*index, engine), (std::vector<std::string>{"relu", "if0"}));
  EXPECT_EQ(engine.inputs, (std::vector<std::string>{"x", "cond"}));
  expect_parts_in_order(*index, p);
}

TEST(Partition, CliPrintsEnginesAndRefusesToOverwrite) {
  TempDir dir;
  const auto model = unsupported_in_the_middle().save(dir / "m.onnx");
  auto r = run_trtlens({"partition", model.string(), "--trt", "10.15", "--format", "json", "-o", (dir / "parts").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // a node is left outside TensorRT
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["engines"], 2);
  EXPECT_EQ(json["outside"][0]["reason"], "TRT_NO_IMPORTER");
  EXPECT_TRUE(std::filesystem::exists(dir / "parts" / "part_000_trt.onnx"));
  auto again = run_trtlens({"partition", model.string(), "--trt", "10.15", "-o", (dir / "parts").string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  auto table = run_trtlens({"partition", model.string(), "--trt", "10.15", "--min-subgraph-size", "2"});
  EXPECT_NE(table.out.find("TRT_SUBGRAPH_TOO_SMALL"), std::string::npos) << table.out;
  EXPECT_EQ(run_trtlens({"partition", model.string(), "--min-subgraph-size", "0"}).exit_code, 2);
}

}  // namespace
}  // namespace trtlens::test
