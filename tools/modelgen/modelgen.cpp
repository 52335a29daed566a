// trtlens-modelgen KIND OUT.onnx [--nodes N]: writes a model for the examples and the browser tests.
//   small    a conv net: Gelu (opset 20: no importer before TensorRT 10), Softmax (no INT8: falls back under int8),
//            an If with two bodies
//   xss      node names and doc strings carrying HTML/script, to prove the UI renders them as text
//   big      a transformer-like stack of N nodes, names scoped like "layer12/attn/MatMul"
//   example  a small CNN + attention block, the README's model
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "tools/gen/onnx_gen.h"

namespace trtlens {
namespace {

using gen::attr;
using gen::Dims;

// Weights here are constant fills (0.01 unless said): the models exist for their structure, not their values.
class Graph : public gen::GraphWriter {
 public:
  using GraphWriter::GraphWriter;
  void weight(const std::string& name, const Dims& dims, float fill = 0.01f) { filled_weight(name, dims, fill); }
};

onnx::ModelProto model(int opset) { return gen::model(opset, "trtlens-modelgen"); }

void conv_block(Graph& g, const std::string& prefix, const std::string& in, const std::string& out, int cin, int cout) {
  g.weight(prefix + ".weight", {cout, cin, 3, 3});
  g.weight(prefix + ".bias", {cout});
  attr(g.node("Conv", {in, prefix + ".weight", prefix + ".bias"}, {prefix + ".conv"}, prefix + "/Conv"), "pads",
       Dims{1, 1, 1, 1});
  g.node("Relu", {prefix + ".conv"}, {out}, prefix + "/Relu");
}

onnx::GraphProto if_body(const std::string& name, const std::string& op, const std::string& in) {
  onnx::GraphProto body;
  body.set_name(name);
  Graph b(body);
  b.node(op, {in}, {name + "_out"}, name + "/" + op);
  b.output(name + "_out", {1, 10});
  return body;
}

onnx::ModelProto small() {
  auto m = model(20);
  m.mutable_graph()->set_name("small_convnet");
  Graph g(*m.mutable_graph());
  g.input("image", {1, 3, 32, 32});
  conv_block(g, "stem", "image", "stem_out", 3, 8);
  g.node("Gelu", {"stem_out"}, {"gelu_out"}, "stem/Gelu");
  g.node("GlobalAveragePool", {"gelu_out"}, {"pooled"}, "head/Pool");
  g.node("Flatten", {"pooled"}, {"flat"}, "head/Flatten");
  g.weight("fc.weight", {8, 10});
  g.weight("fc.bias", {10});
  g.node("MatMul", {"flat", "fc.weight"}, {"fc_mm"}, "head/MatMul");
  g.node("Add", {"fc_mm", "fc.bias"}, {"logits"}, "head/Add");
  g.node("Softmax", {"logits"}, {"probs"}, "head/Softmax");
  g.node("ReduceMax", {"probs"}, {"top"}, "head/ReduceMax");
  g.weight("threshold", {1}, 0.5f);
  g.node("Greater", {"top", "threshold"}, {"confident"}, "head/Greater");
  g.node("Squeeze", {"confident"}, {"cond"}, "head/Squeeze");
  auto& branch = g.node("If", {"cond"}, {"result"}, "head/If");
  attr(branch, "then_branch", if_body("then_branch", "Identity", "probs"));
  attr(branch, "else_branch", if_body("else_branch", "Neg", "probs"));
  g.output("result", {1, 10});
  return m;
}

onnx::ModelProto xss() {
  auto m = model(17);
  m.set_doc_string("<script>alert('doc')</script>");
  m.mutable_graph()->set_name("<b>graph</b>");
  Graph g(*m.mutable_graph());
  g.input("x<i>", {1, 4});
  auto& n = g.node("Relu", {"x<i>"}, {"y\"'><svg onload=alert(2)>"}, "<img src=x onerror=alert(1)>");
  n.set_doc_string("<script>alert(3)</script>");
  auto& s = g.node("Identity", {"y\"'><svg onload=alert(2)>"}, {"out"}, "<script>alert(4)</script>");
  attr(s, "note", std::string("<img src=y onerror=alert(5)>"));
  g.output("out", {1, 4});
  return m;
}

// One transformer layer is ~24 nodes; layers repeat until N nodes.
onnx::ModelProto big(int nodes) {
  auto m = model(17);
  m.mutable_graph()->set_name("big_transformer");
  Graph g(*m.mutable_graph());
  const int d = 16;
  g.input("tokens", {1, 8, d});
  g.weight("w_qkv", {d, d});
  g.weight("w_ff1", {d, 4 * d});
  g.weight("w_ff2", {4 * d, d});
  g.weight("ln_scale", {d}, 1.0f);
  g.weight("ln_bias", {d});
  g.ints("perm_axes", {0});
  std::string x = "tokens";
  int count = 0;
  for (int layer = 0; count < nodes; ++layer) {
    const std::string p = "layer" + std::to_string(layer) + "/";
    auto t = [&](const std::string& s) { return p + s; };
    auto n = [&](const std::string& op, std::vector<std::string> in, const std::string& out, const std::string& name) {
      ++count;
      return &g.node(op, std::move(in), {out}, p + name);
    };
    n("LayerNormalization", {x, "ln_scale", "ln_bias"}, t("ln1"), "ln1/LayerNormalization");
    n("MatMul", {t("ln1"), "w_qkv"}, t("q"), "attn/q/MatMul");
    n("MatMul", {t("ln1"), "w_qkv"}, t("k"), "attn/k/MatMul");
    n("MatMul", {t("ln1"), "w_qkv"}, t("v"), "attn/v/MatMul");
    attr(*n("Transpose", {t("k")}, t("kt"), "attn/Transpose"), "perm", Dims{0, 2, 1});
    n("MatMul", {t("q"), t("kt")}, t("scores"), "attn/scores/MatMul");
    attr(*n("Softmax", {t("scores")}, t("probs"), "attn/Softmax"), "axis", std::int64_t{-1});
    n("MatMul", {t("probs"), t("v")}, t("ctx"), "attn/ctx/MatMul");
    n("MatMul", {t("ctx"), "w_qkv"}, t("proj"), "attn/out/MatMul");
    n("Add", {x, t("proj")}, t("res1"), "attn/residual/Add");
    n("LayerNormalization", {t("res1"), "ln_scale", "ln_bias"}, t("ln2"), "ln2/LayerNormalization");
    n("MatMul", {t("ln2"), "w_ff1"}, t("ff1"), "mlp/fc1/MatMul");
    n("Relu", {t("ff1")}, t("act"), "mlp/act/Relu");
    n("MatMul", {t("act"), "w_ff2"}, t("ff2"), "mlp/fc2/MatMul");
    n("Add", {t("res1"), t("ff2")}, t("out"), "mlp/residual/Add");
    x = t("out");
  }
  g.node("Identity", {x}, {"hidden"}, "final/Identity");
  g.output("hidden", {1, 8, d});
  return m;
}

onnx::ModelProto example() {
  auto m = model(17);
  m.mutable_graph()->set_name("cnn_attention_example");
  Graph g(*m.mutable_graph());
  g.input("image", {1, 3, 64, 64});
  conv_block(g, "backbone/stage1", "image", "s1", 3, 16);
  auto& pool = g.node("MaxPool", {"s1"}, {"p1"}, "backbone/stage1/MaxPool");
  attr(pool, "kernel_shape", Dims{2, 2});
  attr(pool, "strides", Dims{2, 2});
  conv_block(g, "backbone/stage2", "p1", "s2", 16, 32);
  g.ints("tokens_shape", {1, 32, -1});
  g.node("Reshape", {"s2", "tokens_shape"}, {"tokens_cf"}, "neck/Reshape");
  attr(g.node("Transpose", {"tokens_cf"}, {"tokens"}, "neck/Transpose"), "perm", Dims{0, 2, 1});
  for (const char* w : {"wq", "wk", "wv", "wo"}) g.weight(std::string("attn.") + w, {32, 32});
  g.node("MatMul", {"tokens", "attn.wq"}, {"q"}, "attention/q/MatMul");
  g.node("MatMul", {"tokens", "attn.wk"}, {"k"}, "attention/k/MatMul");
  g.node("MatMul", {"tokens", "attn.wv"}, {"v"}, "attention/v/MatMul");
  attr(g.node("Transpose", {"k"}, {"kt"}, "attention/Transpose"), "perm", Dims{0, 2, 1});
  g.node("MatMul", {"q", "kt"}, {"scores"}, "attention/scores/MatMul");
  attr(g.node("Softmax", {"scores"}, {"probs"}, "attention/Softmax"), "axis", std::int64_t{-1});
  g.node("MatMul", {"probs", "v"}, {"ctx"}, "attention/ctx/MatMul");
  g.node("MatMul", {"ctx", "attn.wo"}, {"attn_out"}, "attention/out/MatMul");
  g.node("Add", {"tokens", "attn_out"}, {"res"}, "attention/residual/Add");
  g.ints("mean_axes", {1});
  g.node("ReduceMean", {"res", "mean_axes"}, {"pooled"}, "head/ReduceMean");  // axes as input: opset 18 style
  g.weight("head.weight", {10, 32});
  g.weight("head.bias", {10});
  auto& gemm = g.node("Gemm", {"pooled", "head.weight", "head.bias"}, {"logits"}, "head/Gemm");
  attr(gemm, "transB", std::int64_t{1});
  attr(g.node("Softmax", {"logits"}, {"probs_out"}, "head/Softmax"), "axis", std::int64_t{-1});
  g.ints("topk_k", {3});
  auto& topk = g.node("TopK", {"probs_out", "topk_k"}, {"top_values", "top_classes"}, "head/TopK");
  attr(topk, "axis", std::int64_t{-1});
  g.output("top_values", {1, 3});
  g.output("top_classes", {1, 3}, onnx::TensorProto::INT64);
  return m;
}

int usage() {
  std::cerr << "usage: trtlens-modelgen small|xss|big|example OUT.onnx [--nodes N]\n";
  return 2;
}

}  // namespace
}  // namespace trtlens

int main(int argc, char** argv) {
  if (argc < 3) return trtlens::usage();
  const std::string kind = argv[1];
  const std::string out = argv[2];
  int nodes = 10000;
  for (int i = 3; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--nodes") nodes = std::atoi(argv[i + 1]);
  if (nodes < 1 || nodes > 5000000) return trtlens::usage();
  onnx::ModelProto m;
  if (kind == "small") m = trtlens::small();
  else if (kind == "xss") m = trtlens::xss();
  else if (kind == "big") m = trtlens::big(nodes);
  else if (kind == "example") m = trtlens::example();
  else return trtlens::usage();
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (!file || !m.SerializeToOstream(&file)) {
    std::cerr << "trtlens-modelgen: cannot write " << out << "\n";
    return 2;
  }
  return 0;
}
