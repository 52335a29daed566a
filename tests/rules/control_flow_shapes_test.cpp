// If branch output shapes with a runtime condition, and Loop-carried shape constancy (src/rules/control_flow.cpp):
// TensorRT's conditional and recurrence layers check them when the parser queries the node's output dimensions.
#include "rules/rule_check.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

// Negative sizes become symbolic (dim_param) dimensions.
void make_symbolic(onnx::ValueInfoProto& vi) {
  auto* shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int i = 0; i < shape->dim_size(); ++i)
    if (shape->dim(i).has_dim_value() && shape->dim(i).dim_value() < 0)
      shape->mutable_dim(i)->set_dim_param(vi.name() + "_d" + std::to_string(i));
}

// identity_branch with its negative sizes symbolic.
onnx::GraphProto branch(const std::string& name, const std::string& from, std::vector<std::int64_t> dims) {
  onnx::GraphProto g = identity_branch(name, from, std::move(dims));
  make_symbolic(*g.mutable_output(0));
  return g;
}

// If over outer tensors x (then) and z (else); a runtime condition unless `constant_cond`.
ModelBuilder if_model(std::vector<std::int64_t> x, std::vector<std::int64_t> z, bool constant_cond = false) {
  ModelBuilder b(13);
  b.input("x", kFloat, x);
  b.input("z", kFloat, z);
  if (constant_cond) b.initializer("c", kBool, {1}, {1});
  else b.input("c", kBool, {1});
  auto& n = b.node("If", {"c"}, {"y"}, "n");
  set_attr(n, "then_branch", branch("then", "x", x));
  set_attr(n, "else_branch", branch("else", "z", z));
  b.output("y");
  for (auto& vi : *b.graph().mutable_input()) make_symbolic(vi);
  return b;
}

TEST(ControlFlowShapes, IfBranchStaticShapesMustAgree) {
  expect_node(if_model({2, 3}, {4, 3}), "n",
              {{"8.0", NO, "TRT_IF_BRANCH_SHAPES"},
               {"8.6", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.1", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.15", NO, "TRT_IF_BRANCH_SHAPES"}});
  expect_node(if_model({2, 3}, {2, 3}), "n",
              {{"8.6", OK, "TRT_IF_BRANCH_SHAPES", false}, {"10.15", OK, "TRT_IF_BRANCH_SHAPES", false}});
  // Only the taken branch is imported when the condition is a one-element constant.
  expect_node(if_model({2, 3}, {4, 3}, true), "n", {{"10.15", OK, "TRT_IF_BRANCH_SHAPES", false}});
}

TEST(ControlFlowShapes, IfBranchShapesMustBeEqualNotJustBroadcastable) {
  // [2, 3] and [1, 2, 3] broadcast (what the operator tables ask for) but differ in rank; [2] and [1] broadcast but
  // differ in size. TensorRT's conditional output layer wants the same shape on every release with a runtime If.
  expect_node(if_model({2, 3}, {1, 2, 3}), "n",
              {{"8.0", NO, "TRT_IF_BRANCH_SHAPES"},
               {"8.6", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.0", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.1", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.15", NO, "TRT_IF_BRANCH_SHAPES"}});
  expect_node(if_model({2}, {1}), "n",
              {{"8.0", NO, "TRT_IF_BRANCH_SHAPES"},
               {"8.6", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.1", NO, "TRT_IF_BRANCH_SHAPES"},
               {"10.15", NO, "TRT_IF_BRANCH_SHAPES"}});
  // A size known on one side only is left to run time.
  expect_node(if_model({2, -1}, {2, 3}), "n",
              {{"8.6", OK, "TRT_IF_BRANCH_SHAPES", false}, {"10.1", OK, "TRT_IF_BRANCH_SHAPES", false}});
}

// Loop with trip count 3 carrying v (initial [1, 3]); the body either keeps the shape (Add v+v) or grows it
// (Concat v, v on axis 0 -> [2, 3]).
ModelBuilder loop_model(bool grow) {
  onnx::GraphProto body = loop_body();
  *body.add_input() = value_info("v_in", kFloat, {1, 3});
  auto* step = body.add_node();
  step->set_name("step");
  step->add_input("v_in");
  step->add_input("v_in");
  step->add_output("v_out");
  if (grow) {
    step->set_op_type("Concat");
    auto* axis = step->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(0);
  } else {
    step->set_op_type("Add");
  }
  *body.add_output() = value_info("v_out", kFloat, {grow ? 2 : 1, 3});
  ModelBuilder b(13);
  b.input("v0", kFloat, {1, 3});
  b.initializer("M", kInt64, {}, {3});
  b.initializer("c", kBool, {}, {1});
  set_attr(b.node("Loop", {"M", "c", "v0"}, {"v_final"}, "n"), "body", body);
  b.output("v_final");
  return b;
}

TEST(ControlFlowShapes, LoopCarriedValueMustKeepItsShape) {
  expect_node(loop_model(true), "n",
              {{"7.2", OK, "TRT_LOOP_CARRIED_SHAPE", false},
               {"8.0", NO, "TRT_LOOP_CARRIED_SHAPE"},
               {"8.6", NO, "TRT_LOOP_CARRIED_SHAPE"},
               {"10.1", NO, "TRT_LOOP_CARRIED_SHAPE"},
               {"10.15", NO, "TRT_LOOP_CARRIED_SHAPE"}});
  expect_node(loop_model(false), "n",
              {{"8.6", OK, "TRT_LOOP_CARRIED_SHAPE", false}, {"10.15", OK, "TRT_LOOP_CARRIED_SHAPE", false}});
}

}  // namespace
}  // namespace trtlens::test
