// trtlens-fuzz-seeds OUT_DIR: writes the fuzzer's seed corpus, small models built with the tests' ModelBuilder (the
// same shapes of graph the unit tests check: convolutions, control flow, functions, quantisation, attention, and
// the hostile files of issue 16). Generated on demand, never checked in.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

using Seed = std::pair<std::string, std::function<ModelBuilder()>>;

onnx::GraphProto body_with(const std::string& op, const std::string& in, const std::string& out) {
  onnx::GraphProto g;
  g.set_name(op + "_body");
  auto* n = g.add_node();
  n->set_op_type(op);
  n->add_input(in);
  n->add_output(out);
  *g.add_output() = value_info(out, kFloat, {1, 4});
  return g;
}

std::vector<Seed> seeds() {
  std::vector<Seed> out;
  out.emplace_back("relu", [] { return relu_model(); });
  out.emplace_back("conv_net", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 3, 8, 8});
    b.initializer("w", kFloat, {4, 3, 3, 3}, std::vector<double>(108, 0.1));
    b.initializer("b", kFloat, {4}, {0, 0, 0, 0});
    set_attr(b.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", std::vector<std::int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c"}, {"r"}, "relu");
    auto& pool = b.node("MaxPool", {"r"}, {"p"}, "pool");
    set_attr(pool, "kernel_shape", std::vector<std::int64_t>{2, 2});
    set_attr(pool, "strides", std::vector<std::int64_t>{2, 2});
    b.node("GlobalAveragePool", {"p"}, {"g"}, "gap");
    b.node("Flatten", {"g"}, {"f"}, "flatten");
    b.initializer("fc", kFloat, {4, 2}, std::vector<double>(8, 0.5));
    b.node("MatMul", {"f", "fc"}, {"m"}, "fc");
    b.node("Softmax", {"m"}, {"y"}, "softmax");
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("if", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 4});
    b.input("cond", kBool, {});
    b.node("Relu", {"x"}, {"r"}, "relu");
    auto& n = b.node("If", {"cond"}, {"y"}, "if");
    set_attr(n, "then_branch", body_with("Identity", "r", "t"));
    set_attr(n, "else_branch", body_with("Neg", "r", "e"));
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("loop", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 4});
    b.initializer("trip", kInt64, {}, {3});
    b.initializer("cond", kBool, {}, {1});
    onnx::GraphProto body;
    body.set_name("loop_body");
    *body.add_input() = value_info("i", kInt64, {});
    *body.add_input() = value_info("c_in", kBool, {});
    *body.add_input() = value_info("v_in", kFloat, {1, 4});
    auto* id = body.add_node();
    id->set_op_type("Identity"), id->add_input("c_in"), id->add_output("c_out");
    auto* add = body.add_node();
    add->set_op_type("Add"), add->add_input("v_in"), add->add_input("v_in"), add->add_output("v_out");
    *body.add_output() = value_info("c_out", kBool, {});
    *body.add_output() = value_info("v_out", kFloat, {1, 4});
    set_attr(b.node("Loop", {"trip", "cond", "x"}, {"y"}, "loop"), "body", body);
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("scan", [] {
    ModelBuilder b(13);
    b.input("init", kFloat, {4});
    b.input("xs", kFloat, {3, 4});
    onnx::GraphProto body;
    body.set_name("scan_body");
    *body.add_input() = value_info("s_in", kFloat, {4});
    *body.add_input() = value_info("x", kFloat, {4});
    auto* add = body.add_node();
    add->set_op_type("Add"), add->add_input("s_in"), add->add_input("x"), add->add_output("s_out");
    auto* id = body.add_node();
    id->set_op_type("Identity"), id->add_input("s_out"), id->add_output("y");
    *body.add_output() = value_info("s_out", kFloat, {4});
    *body.add_output() = value_info("y", kFloat, {4});
    auto& n = b.node("Scan", {"init", "xs"}, {"final", "ys"}, "scan");
    set_attr(n, "body", body);
    set_attr(n, "num_scan_inputs", std::int64_t{1});
    b.output("final", kFloat);
    b.output("ys", kFloat);
    return b;
  });
  out.emplace_back("function", [] {
    ModelBuilder b(13);
    b.opset("local", 1);
    b.input("x", kFloat, {4});
    auto& fn = *b.proto().add_functions();
    fn.set_name("Twice"), fn.set_domain("local"), fn.add_input("a"), fn.add_output("b");
    auto* op = fn.add_opset_import();
    op->set_domain(""), op->set_version(13);
    auto* n1 = fn.add_node();
    n1->set_op_type("Relu"), n1->add_input("a"), n1->add_output("t");
    auto* n2 = fn.add_node();
    n2->set_op_type("Sigmoid"), n2->add_input("t"), n2->add_output("b");
    b.node("Twice", {"x"}, {"y"}, "call").set_domain("local");
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("qdq", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 4});
    b.initializer("scale", kFloat, {}, {0.1});
    b.initializer("zp", kInt8, {}, {0});
    b.node("QuantizeLinear", {"x", "scale", "zp"}, {"q"}, "q");
    b.node("DequantizeLinear", {"q", "scale", "zp"}, {"y"}, "dq");
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("shapes", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {2, 3, 4});
    b.node("Shape", {"x"}, {"s"}, "shape");
    b.initializer("axes", kInt64, {1}, {0});
    b.node("Unsqueeze", {"x", "axes"}, {"u"}, "unsqueeze");
    b.initializer("shape", kInt64, {2}, {6, 4});
    b.node("Reshape", {"x", "shape"}, {"r"}, "reshape");
    set_attr(b.node("Transpose", {"r"}, {"t"}, "transpose"), "perm", std::vector<std::int64_t>{1, 0});
    b.node("ReduceSum", {"t", "axes"}, {"y"}, "reduce");
    set_attr(b.node("Cast", {"y"}, {"z"}, "cast"), "to", std::int64_t{kFloat16});
    b.output("z", kFloat16);
    b.output("s", kInt64);
    b.output("u", kFloat);
    return b;
  });
  out.emplace_back("resize_gather", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 3, 4, 4});
    b.initializer("scales", kFloat, {4}, {1, 1, 2, 2});
    auto& r = b.node("Resize", {"x", "", "scales"}, {"r"}, "resize");
    set_attr(r, "mode", "linear");
    b.initializer("idx", kInt64, {2}, {0, 1});
    set_attr(b.node("Gather", {"r", "idx"}, {"g"}, "gather"), "axis", std::int64_t{1});
    b.initializer("starts", kInt64, {1}, {0});
    b.initializer("ends", kInt64, {1}, {2});
    b.node("Slice", {"g", "starts", "ends"}, {"y"}, "slice");
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("attention", [] {
    ModelBuilder b(17);
    b.input("q", kFloat, {1, 8, 16});
    b.input("k", kFloat, {1, 8, 16});
    set_attr(b.node("Transpose", {"k"}, {"kt"}, "kt"), "perm", std::vector<std::int64_t>{0, 2, 1});
    b.node("MatMul", {"q", "kt"}, {"s"}, "qk");
    set_attr(b.node("Softmax", {"s"}, {"p"}, "softmax"), "axis", std::int64_t{-1});
    b.node("MatMul", {"p", "q"}, {"o"}, "pv");
    set_attr(b.node("LayerNormalization", {"o", "o"}, {"y"}, "ln"), "axis", std::int64_t{-1});
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("einsum_topk", [] {
    ModelBuilder b(13);
    b.input("a", kFloat, {2, 3});
    b.input("c", kFloat, {3, 4});
    set_attr(b.node("Einsum", {"a", "c"}, {"e"}, "einsum"), "equation", "ij,jk->ik");
    b.initializer("k", kInt64, {1}, {2});
    b.node("TopK", {"e", "k"}, {"v", "i"}, "topk");
    b.output("v", kFloat);
    b.output("i", kInt64);
    return b;
  });
  out.emplace_back("custom_op", [] {
    ModelBuilder b(13);
    b.opset("com.example", 1);
    b.input("x", kFloat, {1, 4});
    b.node("MyPlugin", {"x"}, {"y"}, "plugin").set_domain("com.example");
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("opset20", [] {
    ModelBuilder b(20, 9);
    b.input("x", kFloat, {1, 4});
    b.node("Gelu", {"x"}, {"y"}, "gelu");
    b.output("y", kFloat);
    return b;
  });
  // The hostile files of issue 16, so the fuzzer starts next to the paths that once crashed.
  for (int opset : {8, 9, 13})
    out.emplace_back("scan_no_attributes_" + std::to_string(opset), [opset] {
      ModelBuilder b(opset, 8);
      b.node("Scan", {}, {}, "scan");
      return b;
    });
  out.emplace_back("maxroipool", [] {
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 3, 8, 8});
    b.input("rois", kFloat, {2, 5});
    set_attr(b.node("MaxRoiPool", {"x", "rois"}, {"y"}, "pool"), "pooled_shape", std::vector<std::int64_t>{2, 2});
    b.output("y", kFloat);
    return b;
  });
  out.emplace_back("convinteger", [] {
    ModelBuilder b(13);
    b.input("x", kUint8, {1, 3, 8, 8});
    b.input("w", kUint8, {4, 3, 3, 3});
    b.node("ConvInteger", {"x", "w"}, {"y"}, "conv");
    b.output("y", kInt32);
    return b;
  });
  out.emplace_back("function_self_call", [] {
    ModelBuilder b(13);
    b.opset("local", 1);
    b.input("x", kFloat, {4});
    auto& fn = *b.proto().add_functions();
    fn.set_name("f"), fn.set_domain("local"), fn.add_input("a"), fn.add_output("b");
    auto* call = fn.add_node();
    call->set_op_type("f"), call->set_domain("local"), call->add_input("a"), call->add_output("b");
    b.node("f", {"x"}, {"y"}, "call").set_domain("local");
    b.output("y", kFloat);
    return b;
  });
  return out;
}

}  // namespace
}  // namespace trtlens::test

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int written = 0;
  for (const auto& [name, make] : trtlens::test::seeds()) {
    make().save(dir / (name + ".onnx"));
    ++written;
  }
  std::printf("%d seed models in %s\n", written, dir.c_str());
  return 0;
}
