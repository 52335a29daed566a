// Control-flow parents: their verdict, upgrade hint and Supported Runtimes column include their bodies (issue 12).
#include <gtest/gtest.h>

#include "kb/kb.h"
#include "onnx/dtype.h"
#include "support/model_builder.h"
#include "verdict/across_releases.h"

namespace trtlens::test {
namespace {

onnx::GraphProto branch(const std::string& name, const std::string& op) {
  onnx::GraphProto g;
  g.set_name(name);
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name + "/" + op);
  n->add_input("x");
  n->add_output(name + "_out");
  *g.add_output() = value_info(name + "_out", kFloat, {4});
  return g;
}

// x -> If(cond) { then: Gelu (no importer before TensorRT 10.0), else: Relu } -> y; opset 20 (Gelu exists from 20).
ModelBuilder if_with_gelu_body() {
  ModelBuilder b(20);
  b.input("x", kFloat, {4});
  b.input("cond", kBool, {});
  auto& if_node = b.node("If", {"cond"}, {"y"}, "vad/If");
  set_attr(if_node, "then_branch", branch("then_branch", "Gelu"));
  set_attr(if_node, "else_branch", branch("else_branch", "Relu"));
  b.output("y", kFloat);
  return b;
}

int node_named(const ModelIndex& index, const std::string& name) {
  for (std::size_t i = 0; i < index.nodes().size(); ++i)
    if (index.nodes()[i].name == name) return static_cast<int>(i);
  ADD_FAILURE() << "no node " << name;
  return 0;
}

TEST(ControlFlowParent, FirstSupportedReleaseWaitsForItsBody) {
  auto index = index_of(if_with_gelu_body());
  auto a = check(*index, "8.6");
  const auto& parent = verdict(*index, a, "vad/If");
  ASSERT_EQ(parent.status, Status::kUnsupported);
  ASSERT_TRUE(has_reason(parent, "TRT_BODY_NODE_UNSUPPORTED"));
  // The If alone imports from 8.6 on, but the Gelu in its then branch only from 10.0: so does the parent.
  EXPECT_EQ(verdict(*index, a, "then_branch/Gelu").first_release, "10.0");
  EXPECT_EQ(parent.first_release, "10.0");
  EXPECT_NE(parent.reasons.front().hint.find("upgrade to TensorRT 10.0"), std::string::npos) << parent.reasons.front().hint;
  // From 9.0 (still failing) the answer is the same.
  EXPECT_EQ(verdict(*index, check(*index, "9.0"), "vad/If").first_release, "10.0");
  EXPECT_EQ(verdict(*index, check(*index, "10.0"), "vad/If").status, Status::kConvertible);
}

TEST(ControlFlowParent, SupportedRuntimesAgreeWithTheAnalysisOfEachRelease) {
  auto index = index_of(if_with_gelu_body());
  const auto& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, "8.6", "fp16", false, {});
  ASSERT_TRUE(target);
  const int parent = node_named(*index, "vad/If");
  ASSERT_TRUE(verdict_depends_on_other_nodes(*index, parent));
  const auto rows = node_verdicts_across_releases(*index, parent, *target, kb);
  ASSERT_EQ(rows.size(), kb.releases().size());
  int unsupported = 0;
  for (const auto& row : rows) {
    const Analysis a = check(*index, row.release->name, "fp16");
    EXPECT_EQ(row.verdict.status, verdict(*index, a, "vad/If").status) << row.release->name;
    const bool before_10 = row.release->major < 10;
    EXPECT_EQ(row.verdict.status == Status::kUnsupported, before_10) << row.release->name;
    if (before_10) {
      EXPECT_TRUE(has_reason(row.verdict, "TRT_BODY_NODE_UNSUPPORTED")) << row.release->name;
      ++unsupported;
    }
  }
  EXPECT_GT(unsupported, 5);
  // A main-graph node without bodies keeps the quick per-node path.
  ModelBuilder plain = relu_model();
  auto plain_index = index_of(plain);
  EXPECT_FALSE(verdict_depends_on_other_nodes(*plain_index, 0));
}

TEST(ControlFlowParent, BodyNodeInABranchNeverTakenIsNotCheckedInAnyRelease) {
  ModelBuilder b(20);
  b.input("x", kFloat, {4});
  b.initializer("cond", kBool, {}, {0});  // false: only the else branch is imported
  auto& if_node = b.node("If", {"cond"}, {"y"}, "vad/If");
  set_attr(if_node, "then_branch", branch("then_branch", "Gelu"));
  set_attr(if_node, "else_branch", branch("else_branch", "Relu"));
  b.output("y", kFloat);
  auto index = index_of(b);
  const auto& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, "8.6", "fp32", false, {});
  ASSERT_TRUE(target);
  for (const auto& row : node_verdicts_across_releases(*index, node_named(*index, "then_branch/Gelu"), *target, kb)) {
    EXPECT_EQ(row.verdict.status, Status::kConvertible) << row.release->name;
    EXPECT_TRUE(has_warning(row.verdict, "TRT_BRANCH_NOT_TAKEN")) << row.release->name;
  }
}

}  // namespace
}  // namespace trtlens::test
