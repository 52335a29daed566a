#include "support/models.h"

#include <utility>
#include <vector>

#include "onnx/dtype.h"

namespace trtlens::test {

ModelBuilder diff_old_model() {
  ModelBuilder b(15);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"a"}, "act");
  b.node("Sigmoid", {"a"}, {"s"}, "sig");
  b.node("Neg", {"s"}, {"y"}, "gone");
  b.output("y", kFloat, {4});
  return b;
}

ModelBuilder diff_new_model(const std::string& sigmoid_name) {
  ModelBuilder b(15);
  b.input("x", kFloat, {4});
  b.node("Bernoulli", {"x"}, {"a"}, "act");
  b.node("Sigmoid", {"a"}, {"s"}, sigmoid_name);
  b.node("Abs", {"s"}, {"y"}, "added");
  b.output("y", kFloat, {4});
  return b;
}

ModelBuilder conv_softmax() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("w", kFloat, {4, 3, 3, 3}, std::vector<double>(4 * 3 * 3 * 3, 0.5));
  set_attr(b.node("Conv", {"x", "w"}, {"c"}, "conv"), "kernel_shape", std::vector<std::int64_t>{3, 3});
  b.node("Softmax", {"c"}, {"y"}, "softmax");
  b.output("y", kFloat);
  return b;
}

ModelBuilder unary_model(const std::string& op, int dtype, int opset) {
  ModelBuilder b(opset);
  b.input("x", dtype, {2, 3});
  b.node(op, {"x"}, {"y"}, "n");
  b.output("y");
  return b;
}

ModelBuilder dla_conv(std::int64_t pad, const std::string& conv_name, int ir_version) {
  ModelBuilder b(13, ir_version);
  b.input("x", kFloat, {1, 8, 16, 16});
  b.initializer("w", kFloat, {8, 8, 3, 3}, std::vector<double>(8 * 8 * 9, 0.1));
  auto& c = b.node("Conv", {"x", "w"}, {"c"}, conv_name);
  set_attr(c, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c, "pads", std::vector<std::int64_t>{pad, pad, pad, pad});
  return b;
}

ModelBuilder pad_runtime_axes() {
  ModelBuilder b(18);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("pads", kInt64, {4}, {1, 1, 1, 1});
  b.input("axes", kInt64, {2});
  b.node("Pad", {"x", "pads", "", "axes"}, {"y"}, "n");
  b.output("y");
  return b;
}

onnx::GraphProto identity_branch(const std::string& name, const std::string& from, std::vector<std::int64_t> dims) {
  onnx::GraphProto g;
  g.set_name(name);
  auto* n = g.add_node();
  n->set_op_type("Identity");
  n->set_name(name + "_id");
  n->add_input(from);
  n->add_output(name + "_out");
  *g.add_output() = value_info(name + "_out", kFloat, std::move(dims));
  return g;
}

onnx::GraphProto loop_body() {
  onnx::GraphProto body;
  body.set_name("body");
  *body.add_input() = value_info("i", kInt64, {});
  *body.add_input() = value_info("cond_in", kBool, {});
  auto* keep = body.add_node();
  keep->set_op_type("Identity");
  keep->set_name("keep_going");
  keep->add_input("cond_in");
  keep->add_output("cond_out");
  *body.add_output() = value_info("cond_out", kBool, {});
  return body;
}

}  // namespace trtlens::test
