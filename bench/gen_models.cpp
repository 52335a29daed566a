// Benchmark model generator (ONNX protobuf classes, no other tool):
//   gen_models transformer OUT.onnx LAYERS      transformer-like encoder, ~21 nodes per layer, tiny embedded weights
//   gen_models external OUT.onnx MEGABYTES      64 MatMul layers whose weights (MEGABYTES in total) live in OUT.onnx.data
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "tools/gen/onnx_gen.h"

namespace trtlens {
namespace {

using gen::attr;
using gen::Dims;
using gen::GraphWriter;

// One encoder layer: LayerNorm (decomposed, as older exporters emit it), attention with reshapes/transposes,
// residuals and an MLP with an Erf-based GELU. Returns the layer's output tensor.
std::string layer(GraphWriter& g, const std::string& x, int l, int hidden, int heads, std::mt19937& rng) {
  const std::string p = "l" + std::to_string(l) + "_";
  auto t = [&](const char* s) { return p + s; };
  auto weight = [&](const std::string& name, const Dims& dims) { g.random_weight(name, dims, 0.02f, rng); };
  attr(g.node("ReduceMean", {x}, {t("mean")}, t("ln_mean")), "axes", Dims{-1});
  g.node("Sub", {x, t("mean")}, {t("centered")}, t("ln_sub"));
  g.node("Mul", {t("centered"), t("centered")}, {t("sq")}, t("ln_sq"));
  attr(g.node("ReduceMean", {t("sq")}, {t("var")}, t("ln_var")), "axes", Dims{-1});
  g.node("Add", {t("var"), "eps"}, {t("var_eps")}, t("ln_add_eps"));
  g.node("Sqrt", {t("var_eps")}, {t("std")}, t("ln_sqrt"));
  g.node("Div", {t("centered"), t("std")}, {t("normed")}, t("ln_div"));
  weight(t("qkv_w"), {hidden, 3 * hidden});
  g.node("MatMul", {t("normed"), t("qkv_w")}, {t("qkv")}, t("qkv"));
  g.node("Reshape", {t("qkv"), "qkv_shape"}, {t("qkv_heads")}, t("qkv_reshape"));
  attr(g.node("Transpose", {t("qkv_heads")}, {t("qkv_t")}, t("qkv_transpose")), "perm", Dims{2, 0, 3, 1, 4});
  attr(g.node("Split", {t("qkv_t")}, {t("q"), t("k"), t("v")}, t("qkv_split")), "axis", std::int64_t{0});
  g.node("Squeeze", {t("q"), "axis0"}, {t("q2")}, t("q_squeeze"));
  g.node("Squeeze", {t("k"), "axis0"}, {t("k2")}, t("k_squeeze"));
  g.node("Squeeze", {t("v"), "axis0"}, {t("v2")}, t("v_squeeze"));
  attr(g.node("Transpose", {t("k2")}, {t("kt")}, t("k_transpose")), "perm", Dims{0, 1, 3, 2});
  g.node("MatMul", {t("q2"), t("kt")}, {t("scores")}, t("scores"));
  g.node("Mul", {t("scores"), "scale"}, {t("scaled")}, t("scale"));
  attr(g.node("Softmax", {t("scaled")}, {t("probs")}, t("softmax")), "axis", std::int64_t{-1});
  g.node("MatMul", {t("probs"), t("v2")}, {t("ctx")}, t("context"));
  attr(g.node("Transpose", {t("ctx")}, {t("ctx_t")}, t("ctx_transpose")), "perm", Dims{0, 2, 1, 3});
  g.node("Reshape", {t("ctx_t"), "hidden_shape"}, {t("ctx_flat")}, t("ctx_reshape"));
  weight(t("proj_w"), {hidden, hidden});
  g.node("MatMul", {t("ctx_flat"), t("proj_w")}, {t("proj")}, t("proj"));
  g.node("Add", {x, t("proj")}, {t("res1")}, t("residual1"));
  weight(t("up_w"), {hidden, 4 * hidden});
  g.node("MatMul", {t("res1"), t("up_w")}, {t("up")}, t("mlp_up"));
  g.node("Div", {t("up"), "sqrt2"}, {t("up_scaled")}, t("gelu_div"));
  g.node("Erf", {t("up_scaled")}, {t("erf")}, t("gelu_erf"));
  g.node("Add", {t("erf"), "one"}, {t("erf1")}, t("gelu_add"));
  g.node("Mul", {t("up"), t("erf1")}, {t("gelu_mul")}, t("gelu_mul"));
  g.node("Mul", {t("gelu_mul"), "half"}, {t("gelu")}, t("gelu_half"));
  weight(t("down_w"), {4 * hidden, hidden});
  g.node("MatMul", {t("gelu"), t("down_w")}, {t("down")}, t("mlp_down"));
  g.node("Add", {t("res1"), t("down")}, {t("out")}, t("residual2"));
  return t("out");
}

onnx::ModelProto base_model(int opset) {
  onnx::ModelProto m = gen::model(opset, "trtlens-bench");
  m.mutable_graph()->set_name("bench");
  return m;
}

int transformer(const std::string& out, int layers) {
  const int hidden = 16, heads = 2, seq = 8;
  std::mt19937 rng(7);
  onnx::ModelProto m = base_model(17);
  GraphWriter g(*m.mutable_graph());
  g.input("tokens", {1, seq, hidden});
  g.filled_weight("eps", {}, 1e-5f);
  g.filled_weight("scale", {}, 0.25f);
  g.filled_weight("sqrt2", {}, 1.4142135f);
  g.filled_weight("one", {}, 1.0f);
  g.filled_weight("half", {}, 0.5f);
  g.ints("qkv_shape", {1, seq, 3, heads, hidden / heads});
  g.ints("hidden_shape", {1, seq, hidden});
  g.ints("axis0", {0});
  std::string x = "tokens";
  for (int l = 0; l < layers; ++l) x = layer(g, x, l, hidden, heads, rng);
  g.output(x, {1, seq, hidden});
  std::ofstream file(out, std::ios::binary);
  if (!m.SerializeToOstream(&file)) return 1;
  std::cout << out << ": " << m.graph().node_size() << " nodes\n";
  return 0;
}

int external(const std::string& out, std::int64_t megabytes) {
  const int layers = 64;
  const std::int64_t total = megabytes << 20;
  // Square FLOAT weights: side^2 * 4 bytes * layers ~ total.
  std::int64_t side = 1;
  while ((side + 1) * (side + 1) * 4 * layers <= total) ++side;
  onnx::ModelProto m = base_model(17);
  auto& g = *m.mutable_graph();
  GraphWriter writer(g);
  writer.input("x", {1, side});
  const std::string data_name = out.substr(out.find_last_of('/') + 1) + ".data";
  std::ofstream data(out + ".data", std::ios::binary);
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> block(static_cast<std::size_t>(side * side));
  std::int64_t offset = 0;
  std::string x = "x";
  for (int l = 0; l < layers; ++l) {
    for (auto& v : block) v = dist(rng);
    data.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 4));
    auto* w = g.add_initializer();
    w->set_name("w" + std::to_string(l));
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(side);
    w->add_dims(side);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto add = [w](const char* k, const std::string& v) {
      auto* e = w->add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    const std::int64_t length = side * side * 4;
    add("location", data_name);
    add("offset", std::to_string(offset));
    add("length", std::to_string(length));
    offset += length;
    const std::string y = "h" + std::to_string(l);
    writer.node("MatMul", {x, w->name()}, {y}, "matmul" + std::to_string(l));
    x = y;
  }
  writer.output(x, {1, side});
  std::ofstream file(out, std::ios::binary);
  if (!m.SerializeToOstream(&file)) return 1;
  std::cout << out << ": " << layers << " MatMul layers, " << (offset >> 20) << " MiB external\n";
  return 0;
}

}  // namespace
}  // namespace trtlens

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: gen_models transformer OUT.onnx LAYERS | external OUT.onnx MEGABYTES\n";
    return 2;
  }
  const std::string kind = argv[1];
  if (kind == "transformer") return trtlens::transformer(argv[2], std::stoi(argv[3]));
  if (kind == "external") return trtlens::external(argv[2], std::stoll(argv[3]));
  std::cerr << "unknown model kind '" << kind << "'\n";
  return 2;
}
