// If / Loop / Dropout outputs (importer-rules.md B:If, B:Loop, A8, A12): branch output counts, pre-9.0 inferred
// branch outputs, scan outputs of while-loops, empty-named outputs from 10.6, body failures fail the parent.
#include "rules/rule_check.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

// A branch graph whose outputs are produced by Identity nodes over outer tensor `from` (or forwarded directly).
onnx::GraphProto branch(const std::string& name, int outputs, bool forward = false, const std::string& from = "x") {
  onnx::GraphProto g;
  g.set_name(name);
  for (int i = 0; i < outputs; ++i) {
    const std::string out = name + "_out" + std::to_string(i);
    if (forward) {
      *g.add_output() = value_info(from, kFloat, {2, 3});
      continue;
    }
    auto* n = g.add_node();
    n->set_op_type("Identity");
    n->set_name(name + "_id" + std::to_string(i));
    n->add_input(from);
    n->add_output(out);
    *g.add_output() = value_info(out, kFloat, {2, 3});
  }
  return g;
}

ModelBuilder if_model(const onnx::GraphProto& then_g, const onnx::GraphProto& else_g, bool constant_cond = false) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  if (constant_cond) b.initializer("c", kBool, {1}, {1});
  else b.input("c", kBool, {1});
  std::vector<std::string> outs;
  for (int i = 0; i < then_g.output_size(); ++i) outs.push_back("y" + std::to_string(i));
  auto& n = b.node("If", {"c"}, outs, "n");
  set_attr(n, "then_branch", then_g);
  set_attr(n, "else_branch", else_g);
  for (const auto& o : outs) b.output(o);
  return b;
}

TEST(ControlFlowRules, IfBranchOutputCountsMustAgree) {
  expect_node(if_model(branch("then", 2), branch("else", 1)), "n",
              {{"8.6", NO, "TRT_IF_BRANCH_OUTPUTS"}, {"10.1", NO, "TRT_IF_BRANCH_OUTPUTS"}, {"10.15", NO, "TRT_IF_BRANCH_OUTPUTS"}});
  expect_node(if_model(branch("then", 1), branch("else", 1)), "n",
              {{"8.6", OK, "TRT_IF_BRANCH_OUTPUTS", false}, {"10.15", OK}});
  // A one-element constant condition imports only the taken branch.
  expect_node(if_model(branch("then", 2), branch("else", 1), true), "n", {{"10.15", OK, "TRT_IF_BRANCH_OUTPUTS", false}});
}

// release/7.2.1's If importer takes only a one-element initializer condition (run-time conditions come with 8.0).
TEST(ControlFlowRules, RunTimeIfConditionRefusedIn7_2) {
  expect_node(if_model(branch("then", 1), branch("else", 1)), "n",
              {{"7.2", NO, "TRT_IF_CONDITION_NOT_CONSTANT"}, {"8.0", OK, "TRT_IF_CONDITION_NOT_CONSTANT", false}});
  expect_node(if_model(branch("then", 1), branch("else", 1), true), "n",
              {{"7.2", OK, "TRT_IF_CONDITION_NOT_CONSTANT", false}});
}

TEST(ControlFlowRules, ForwardedBranchOutputFailsBefore9) {
  expect_node(if_model(branch("then", 1, true), branch("else", 1)), "n",
              {{"8.6", NO, "TRT_IF_BRANCH_OUTPUTS"}, {"9.0", OK, "TRT_IF_BRANCH_OUTPUTS", false}, {"10.15", OK}});
  expect_node(if_model(branch("then", 2), branch("else", 2)), "n",
              {{"8.6", OK, "TRT_IF_OUTPUT_PAIRING"}, {"9.0", OK, "TRT_IF_OUTPUT_PAIRING", false}});
}

TEST(ControlFlowRules, BodyNodeFailureNamesTheInnerNode) {
  onnx::GraphProto then_g;
  then_g.set_name("then");
  auto* sign = then_g.add_node();
  sign->set_op_type("Sign");
  sign->set_name("inner_sign");
  sign->add_input("xi");
  sign->add_output("then_out");
  *then_g.add_output() = value_info("then_out", kInt32, {2, 3});
  onnx::GraphProto else_g = then_g;
  else_g.set_name("else");
  else_g.mutable_node(0)->set_name("inner_sign2");
  ModelBuilder b(13);
  b.input("xi", kInt32, {2, 3});
  b.input("c", kBool, {1});
  auto& n = b.node("If", {"c"}, {"y"}, "n");
  set_attr(n, "then_branch", then_g);
  set_attr(n, "else_branch", else_g);
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_BODY_NODE_UNSUPPORTED"}, {"10.15", OK, "TRT_BODY_NODE_UNSUPPORTED", false}});
  EXPECT_NE(message_of(b, "n", "8.6", "TRT_BODY_NODE_UNSUPPORTED").find("inner_sign"), std::string::npos);
}

// Loop with a scan output; `trip` < 0: no trip count (a while-loop driven by the condition).
ModelBuilder loop(double trip, bool with_cond) {
  onnx::GraphProto body = loop_body();
  auto* scan = body.add_node();
  scan->set_op_type("Identity");
  scan->set_name("emit");
  scan->add_input("x");
  scan->add_output("scan_out");
  *body.add_output() = value_info("scan_out", kFloat, {2});
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  std::string trip_name, cond_name;
  if (trip >= 0) {
    b.initializer("M", kInt64, {}, {trip});
    trip_name = "M";
  }
  if (with_cond) {
    b.input("c", kBool, {});
    cond_name = "c";
  }
  set_attr(b.node("Loop", {trip_name, cond_name}, {"s"}, "n"), "body", body);
  b.output("s");
  return b;
}

TEST(ControlFlowRules, WhileLoopScanOutputsFixedLengthThenRejectedIn10_15) {
  expect_node(loop(-1, true), "n",
              {{"8.6", OK, "TRT_LOOP_SCAN_OUTPUT_LENGTH"}, {"10.1", OK, "TRT_LOOP_SCAN_OUTPUT_LENGTH"},
               {"10.14", OK, "TRT_LOOP_SCAN_OUTPUT_LENGTH"}, {"10.15", NO, "TRT_LOOP_SCAN_OUTPUT_LENGTH"}});
  // INT32 max as trip count means "no trip count".
  expect_node(loop(2147483647.0, true), "n", {{"10.15", NO, "TRT_LOOP_SCAN_OUTPUT_LENGTH"}});
  // A trip count without a condition: the scan length is known. (Status not asserted: the KB's Loop input_count
  // instance drops the trailing empty condition name and reports 1 input; see the final report.)
  auto counted = index_of(loop(5, false));
  for (const char* release : {"8.6", "10.15"}) {
    const auto a = check(*counted, release);
    EXPECT_FALSE(has_reason(verdict(*counted, a, "n"), "TRT_LOOP_SCAN_OUTPUT_LENGTH")) << release;
    EXPECT_FALSE(has_warning(verdict(*counted, a, "n"), "TRT_LOOP_SCAN_OUTPUT_LENGTH")) << release;
  }
  expect_node(loop(5, true), "n",
              {{"10.1", OK, "TRT_LOOP_SCAN_LENGTH_IS_TRIP_COUNT", false}, {"10.15", OK, "TRT_LOOP_SCAN_LENGTH_IS_TRIP_COUNT"}});
}

TEST(ControlFlowRules, EmptyNamedOutputsRejectedFrom10_6) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  b.node("Dropout", {"x"}, {"y", ""}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_DROPOUT_EMPTY_OUTPUT_NAME", false}, {"10.5", OK},
                       {"10.6", NO, "TRT_DROPOUT_EMPTY_OUTPUT_NAME"}, {"10.15", NO, "TRT_DROPOUT_EMPTY_OUTPUT_NAME"}});
}

TEST(ControlFlowRules, EmptyNamedOutputsOfTwoNodesCollideBefore10_6) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  b.input("z", kFloat, {2, 3});
  b.node("Split", {"x"}, {"", "a"}, "s1");
  b.node("Split", {"z"}, {"", "b"}, "s2");
  b.output("a");
  b.output("b");
  auto index = index_of(b);
  EXPECT_TRUE(has_model_issue(check(*index, "8.6"), "TRT_EMPTY_OUTPUT_NAMES"));
  EXPECT_FALSE(has_model_issue(check(*index, "10.15"), "TRT_EMPTY_OUTPUT_NAMES"));
}

}  // namespace
}  // namespace trtlens::test
