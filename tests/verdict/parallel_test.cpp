// Big models (8192+ nodes) are indexed and checked on several threads: the answer must be the one a single thread
// gives, and the error for a broken model must name the same (first) node whatever the thread timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "kb/kb.h"
#include "onnx/dtype.h"
#include "report/report.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

constexpr int kBlocks = 1500;  // 6 nodes each: 9000 nodes, above the parallel threshold (8192)

// A chain mixing every verdict and warning kind: Gelu (no importer in 8.6), Cast to DOUBLE (down-cast warning),
// Add of a constant with values beyond FP16, Reshape with an INT64 shape (down-cast), Softmax, Relu.
ModelBuilder mixed_chain(int blocks) {
  ModelBuilder b(20);
  b.input("x", kFloat, {1, 8});
  b.initializer("big", kFloat, {1, 8}, {1, -2, 70000, 1e-9, 0, -80000, 3, 4});
  b.initializer("shape", kInt64, {2}, {1, 8});
  std::string x = "x";
  for (int i = 0; i < blocks; ++i) {
    const std::string p = "b" + std::to_string(i) + "_";
    b.node("Add", {x, "big"}, {p + "add"}, p + "add");
    b.node("Gelu", {p + "add"}, {p + "gelu"}, p + "gelu");
    b.node("Reshape", {p + "gelu", "shape"}, {p + "reshape"}, p + "reshape");
    auto& cast = b.node("Cast", {p + "reshape"}, {p + "double"}, p + "cast");
    set_attr(cast, "to", static_cast<std::int64_t>(kDouble));
    auto& back = b.node("Cast", {p + "double"}, {p + "float"}, p + "back");
    set_attr(back, "to", static_cast<std::int64_t>(kFloat));
    b.node(i % 2 ? "Softmax" : "Relu", {p + "float"}, {p + "out"}, p + "act");
    x = p + "out";
  }
  b.output(x, kFloat);
  return b;
}

Analysis analyze_with(const ModelIndex& index, const std::string& release, const std::string& precisions,
                      std::size_t threads) {
  const auto& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, release, precisions, false, {});
  EXPECT_TRUE(target.ok());
  AnalyzeOptions options;
  options.max_threads = threads;
  return analyze(index, target.value(), kb, options);
}

std::string json_of(const ModelIndex& index, const Analysis& a) {
  std::ostringstream out;
  write_json(out, index, a);
  return out.str();
}

TEST(Parallel, VerdictsEqualTheSingleThreadedOnes) {
  auto index = index_of(mixed_chain(kBlocks));
  ASSERT_GE(index->nodes().size(), 8192u);
  for (const char* release : {"8.6", "10.15"}) {
    for (const char* precisions : {"fp32", "fp16", "fp16,int8"}) {
      SCOPED_TRACE(std::string(release) + " " + precisions);
      Analysis one = analyze_with(*index, release, precisions, 1);
      Analysis many = analyze_with(*index, release, precisions, 4);
      ASSERT_EQ(one.nodes.size(), many.nodes.size());
      EXPECT_EQ(json_of(*index, one), json_of(*index, many));
      // The model exercises what it is meant to: every kind of finding shows up.
      EXPECT_GT(one.summary.warnings, 0);
      if (std::string(release) == "8.6") EXPECT_EQ(one.summary.unsupported, kBlocks);  // every Gelu
    }
  }
  // FP16 overflow statistics come from the thread-safe value cache: each Add reports the same counts.
  Analysis fp16 = analyze_with(*index, "10.15", "fp16", 4);
  for (int i : {0, kBlocks / 2, kBlocks - 1}) {
    const auto& v = verdict(*index, fp16, "b" + std::to_string(i) + "_add");
    ASSERT_TRUE(has_warning(v, "TRT_FP16_OVERFLOW")) << i;
    for (const auto& w : v.warnings)
      if (w.code == "TRT_FP16_OVERFLOW") EXPECT_NE(w.message.find("2 of 8 values"), std::string::npos) << w.message;
  }
}

TEST(Parallel, PrefetchedWeightStatisticsGiveTheSameAnswer) {
  // `check --precision fp16` scans embedded weights on a second thread while the index builds, then reads the
  // statistics without a lock: same verdicts and warnings as computing them on demand.
  ModelBuilder b = mixed_chain(kBlocks);
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), std::filesystem::temp_directory_path() / "builder.onnx");  // the name try_index uses
  ASSERT_TRUE(loaded.ok());
  BuildOptions options;
  options.prefetch_float_stats = true;
  auto prefetched = ModelIndex::build(std::move(loaded.value()), options);
  ASSERT_TRUE(prefetched.ok()) << prefetched.error().message;
  auto on_demand = index_of(b);
  for (const char* precisions : {"fp16", "bf16"}) {
    Analysis p = analyze_with(*prefetched.value(), "10.15", precisions, 4);
    Analysis d = analyze_with(*on_demand, "10.15", precisions, 1);
    EXPECT_EQ(json_of(*prefetched.value(), p), json_of(*on_demand, d)) << precisions;
  }
  const TensorInfo* big = prefetched.value()->find(0, "big");
  ASSERT_TRUE(big && big->initializer);
  const ValueStats& s = prefetched.value()->external().stats(*big->initializer);
  EXPECT_EQ(s.fp16_overflow, 2);
  EXPECT_EQ(s.fp16_underflow, 1);  // 1e-9
  EXPECT_DOUBLE_EQ(s.max_abs, 80000.0);
}

TEST(Parallel, UndefinedInputErrorNamesTheFirstNodeInFileOrder) {
  ModelBuilder b = mixed_chain(kBlocks);
  // Two broken nodes far apart: the one earlier in the file is reported, whichever thread finds its own first.
  b.graph().mutable_node(7000)->set_input(0, "nobody_makes_this_late");
  b.graph().mutable_node(3001)->set_input(0, "nobody_makes_this_early");
  for (int run = 0; run < 5; ++run) {
    auto index = try_index(b);
    ASSERT_FALSE(index.ok());
    EXPECT_EQ(index.error().code, "E_UNDEFINED_INPUT");
    EXPECT_NE(index.error().message.find("nobody_makes_this_early"), std::string::npos) << index.error().message;
  }
}

TEST(Parallel, MissingAttributeErrorNamesTheFirstNodeInFileOrder) {
  ModelBuilder b = mixed_chain(kBlocks);
  // Cast requires `to`: drop it from two casts, the earlier one is reported.
  b.graph().mutable_node(6 * 1200 + 3)->clear_attribute();
  b.graph().mutable_node(6 * 100 + 4)->clear_attribute();
  auto index = try_index(b);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, "E_MISSING_ATTRIBUTE");
  EXPECT_NE(index.error().message.find("b100_back"), std::string::npos) << index.error().message;
}

TEST(Parallel, UnsortedBigGraphIsSortedAndItsCycleFound) {
  ModelBuilder b = mixed_chain(kBlocks);
  auto* nodes = b.graph().mutable_node();
  std::reverse(nodes->begin(), nodes->end());  // valid ONNX needs sorted nodes; the parser sorts them anyway
  auto index = index_of(b);
  const auto& topo = index->scopes()[0]->topo;
  ASSERT_EQ(topo.size(), index->nodes().size());
  std::vector<int> position(topo.size());
  for (std::size_t k = 0; k < topo.size(); ++k) position[static_cast<std::size_t>(topo[k])] = static_cast<int>(k);
  for (std::size_t n = 0; n < index->nodes().size(); ++n)
    for (int i = 0; i < index->nodes()[n].proto->input_size(); ++i)
      if (const TensorInfo* t = index->input(static_cast<int>(n), i); t && t->producer >= 0)
        ASSERT_LT(position[static_cast<std::size_t>(t->producer)], position[n]) << index->nodes()[n].name;
  // Same verdicts as the sorted model, node for node (by name).
  auto sorted = index_of(mixed_chain(kBlocks));
  Analysis a = analyze_with(*index, "8.6", "fp16", 4), s = analyze_with(*sorted, "8.6", "fp16", 4);
  EXPECT_EQ(a.summary.unsupported, s.summary.unsupported);
  EXPECT_EQ(a.summary.fallback, s.summary.fallback);
  EXPECT_EQ(a.summary.warnings, s.summary.warnings);

  // A back edge from the end of the chain to its start makes a cycle.
  ModelBuilder cyclic = mixed_chain(kBlocks);
  const std::string last = cyclic.graph().node(cyclic.graph().node_size() - 1).output(0);
  cyclic.graph().mutable_node(0)->set_input(0, last);
  auto broken = try_index(cyclic);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, "E_CYCLE");
}

}  // namespace
}  // namespace trtlens::test
