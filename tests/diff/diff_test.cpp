#include "report/diff.h"

#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

const NodeChange* change_of(const ModelIndex& index, const ReleaseDiff& d, const std::string& name) {
  for (const auto& c : d.changes)
    if (index.nodes()[static_cast<std::size_t>(c.new_node)].name == name) return &c;
  return nullptr;
}

// Gelu has an importer from TensorRT 10.0 on; 8.6 has none. Int64 weights beyond int32 are clamped before 10.
ModelBuilder gelu_and_int64() {
  ModelBuilder b(20);
  b.input("x", kFloat, {3});
  b.input("i", kInt64, {3});
  b.initializer("big", kInt64, {3}, {1, 5e9, -3});
  b.node("Gelu", {"x"}, {"g"}, "gelu");
  b.node("Relu", {"g"}, {"y"}, "relu");
  b.node("Add", {"i", "big"}, {"z"}, "add");
  b.output("y", kFloat, {3});
  b.output("z", kInt64, {3});
  return b;
}

TEST(ReleaseDiff, GeluBecomesSupportedAndTheInt64ClampGoesAway) {
  auto index = index_of(gelu_and_int64());
  const auto d = diff_releases(*index, target_of("8.6"), target_of("10.15"), KnowledgeBase::builtin());
  EXPECT_EQ(d.became_supported, 1);
  EXPECT_EQ(d.became_unsupported, 0);
  const NodeChange* gelu = change_of(*index, d, "gelu");
  ASSERT_NE(gelu, nullptr);
  EXPECT_EQ(gelu->before->status, Status::kUnsupported);
  EXPECT_EQ(gelu->after->status, Status::kConvertible);
  EXPECT_EQ(gelu->changed.front(), "status");
  EXPECT_TRUE(has_reason(*gelu->before, "TRT_NO_IMPORTER"));
  const NodeChange* add = change_of(*index, d, "add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->before->status, add->after->status);
  EXPECT_NE(std::find(add->changed.begin(), add->changed.end(), "warnings"), add->changed.end());
  EXPECT_TRUE(has_warning(*add->before, "TRT_INT64_CLAMPED"));
  EXPECT_EQ(change_of(*index, d, "relu"), nullptr);  // unchanged nodes are not listed
  // Opset 20 is newer than 8.6 documents: that model issue is resolved by the move.
  bool opset_resolved = false;
  for (const auto& m : d.issues_gone) opset_resolved = opset_resolved || m.code == "TRT_OPSET_NEWER";
  EXPECT_TRUE(opset_resolved);

  const auto json = release_diff_json(*index, d);
  EXPECT_EQ(json["from"]["tensorrt"], "8.6");
  EXPECT_EQ(json["to"]["tensorrt"], "10.15");
  EXPECT_EQ(json["became_supported"], 1);
}

TEST(ReleaseDiff, CliExitCodeFollowsTheDirection) {
  TempDir dir;
  const auto model = gelu_and_int64().save(dir / "m.onnx");
  auto forward = run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "10.15"});
  EXPECT_EQ(forward.exit_code, 0) << forward.err;
  EXPECT_NE(forward.out.find("gelu (Gelu): unsupported -> convertible"), std::string::npos) << forward.out;
  auto backward = run_trtlens({"diff", model.string(), "--from", "10.15", "--to", "8.6", "--format", "json"});
  EXPECT_EQ(backward.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(backward.out)["became_unsupported"], 1);
  auto md = run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "10.15", "--format", "markdown"});
  EXPECT_NE(md.out.find("| gelu | Gelu | unsupported |"), std::string::npos) << md.out;
  EXPECT_EQ(run_trtlens({"diff", model.string(), "--from", "8.6"}).exit_code, 2);
  EXPECT_EQ(run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "99.1"}).exit_code, 2);
  EXPECT_EQ(run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "10.15", "--precision", "bf16"}).exit_code, 2);
}

TEST(ModelDiff, MatchesByNameThenStructure) {
  auto before = index_of(diff_old_model());
  auto after = index_of(diff_new_model(""));
  const auto a = check(*before, "10.15"), b = check(*after, "10.15");
  const ModelDiff d = diff_models(*before, a, *after, b);
  EXPECT_EQ(d.matched, 2);
  EXPECT_EQ(d.renamed, 1);
  EXPECT_EQ(d.added, 1);
  EXPECT_EQ(d.removed, 1);
  EXPECT_EQ(d.became_unsupported, 1);
  EXPECT_EQ(d.added_unsupported, 0);
  ASSERT_GE(d.nodes.size(), 4u);
  EXPECT_EQ(d.nodes[0].matched_by, "name");
  EXPECT_TRUE(d.nodes[0].has("op_type"));
  EXPECT_TRUE(d.nodes[0].has("status"));
  EXPECT_EQ(d.nodes[0].after->status, Status::kUnsupported);
  EXPECT_EQ(d.nodes[1].matched_by, "structure");
  EXPECT_EQ(d.nodes[1].old_node, 1);
  EXPECT_EQ(d.nodes[2].old_node, -1);  // added
  EXPECT_EQ(d.nodes[3].new_node, -1);  // removed
  EXPECT_EQ(before->nodes()[static_cast<std::size_t>(d.nodes[3].old_node)].name, "gone");

  const auto json = model_diff_json(*before, *after, d);
  std::vector<std::string> kinds;
  for (const auto& n : json["nodes"]) kinds.push_back(n["change"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"became unsupported", "renamed", "added", "removed"}));
}

TEST(ModelDiff, StructureMatchNeedsMatchedProducers) {
  // Renaming both nodes still matches: the first by its graph input, the second through the first.
  ModelBuilder renamed(15);
  renamed.input("x", kFloat, {4});
  renamed.node("Relu", {"x"}, {"a"}, "act_v2");
  renamed.node("Sigmoid", {"a"}, {"s"}, "sig_v2");
  renamed.node("Neg", {"s"}, {"y"}, "gone");
  renamed.output("y", kFloat, {4});
  auto before = index_of(diff_old_model());
  auto after = index_of(renamed);
  const ModelDiff d = diff_models(*before, check(*before, "10.15"), *after, check(*after, "10.15"));
  EXPECT_EQ(d.matched, 3);
  EXPECT_EQ(d.renamed, 2);
  EXPECT_EQ(d.added + d.removed, 0);
  // Reading a different graph input is a different node.
  ModelBuilder other_input(15);
  other_input.input("x2", kFloat, {4});
  other_input.node("Relu", {"x2"}, {"a"}, "relu_other");
  other_input.output("a", kFloat, {4});
  auto third = index_of(other_input);
  const ModelDiff e = diff_models(*before, check(*before, "10.15"), *third, check(*third, "10.15"));
  EXPECT_EQ(e.matched, 0);
  EXPECT_EQ(e.added, 1);
  EXPECT_EQ(e.removed, 3);
}

TEST(ModelDiff, CliReportsNewlyUnsupportedNodes) {
  TempDir dir;
  const auto a = diff_old_model().save(dir / "old.onnx");
  const auto b = diff_new_model("").save(dir / "new.onnx");
  auto r = run_trtlens({"diff", a.string(), b.string(), "--trt", "10.15"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("became unsupported: act (Relu -> Bernoulli): convertible (fp32) -> unsupported"), std::string::npos)
      << r.out;
  EXPECT_EQ(run_trtlens({"diff", a.string(), a.string()}).exit_code, 0);
  EXPECT_EQ(run_trtlens({"diff", a.string(), b.string(), "--from", "8.6"}).exit_code, 2);
  EXPECT_EQ(run_trtlens({"diff", a.string(), (dir / "missing.onnx").string()}).exit_code, 2);
}

}  // namespace
}  // namespace trtlens::test
