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

namespace {

constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kInt64 = onnx::TensorProto::INT64;

onnx::NodeProto* node(onnx::GraphProto& g, const std::string& op, std::vector<std::string> in,
                      std::vector<std::string> out, const std::string& name) {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : in) n->add_input(i);
  for (auto& o : out) n->add_output(o);
  return n;
}

void ints(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}
void one_int(onnx::NodeProto* n, const std::string& name, std::int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

onnx::TensorProto* weight(onnx::GraphProto& g, const std::string& name, std::vector<std::int64_t> dims, float scale,
                          std::mt19937& rng) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(kFloat);
  std::int64_t n = 1;
  for (auto d : dims) {
    t->add_dims(d);
    n *= d;
  }
  std::normal_distribution<float> dist(0.0f, scale);
  std::string raw(static_cast<std::size_t>(n) * 4, '\0');
  for (std::int64_t i = 0; i < n; ++i) {
    float v = dist(rng);
    std::memcpy(raw.data() + i * 4, &v, 4);
  }
  t->set_raw_data(raw);
  return t;
}

void io(onnx::ValueInfoProto* vi, const std::string& name, std::vector<std::int64_t> dims) {
  vi->set_name(name);
  auto* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(kFloat);
  for (auto d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::ModelProto base_model(int opset) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("trtlens-bench");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name("bench");
  return m;
}

// One encoder layer: LayerNorm (decomposed, as older exporters emit it), attention with reshapes/transposes,
// residuals and an MLP with an Erf-based GELU. Returns the layer's output tensor.
std::string layer(onnx::GraphProto& g, const std::string& x, int l, int hidden, int heads, std::mt19937& rng) {
  const std::string p = "l" + std::to_string(l) + "_";
  auto t = [&](const char* s) { return p + s; };
  node(g, "ReduceMean", {x}, {t("mean")}, t("ln_mean"));
  ints(g.mutable_node(g.node_size() - 1), "axes", {-1});
  node(g, "Sub", {x, t("mean")}, {t("centered")}, t("ln_sub"));
  node(g, "Mul", {t("centered"), t("centered")}, {t("sq")}, t("ln_sq"));
  node(g, "ReduceMean", {t("sq")}, {t("var")}, t("ln_var"));
  ints(g.mutable_node(g.node_size() - 1), "axes", {-1});
  node(g, "Add", {t("var"), "eps"}, {t("var_eps")}, t("ln_add_eps"));
  node(g, "Sqrt", {t("var_eps")}, {t("std")}, t("ln_sqrt"));
  node(g, "Div", {t("centered"), t("std")}, {t("normed")}, t("ln_div"));
  weight(g, t("qkv_w"), {hidden, 3 * hidden}, 0.02f, rng);
  node(g, "MatMul", {t("normed"), t("qkv_w")}, {t("qkv")}, t("qkv"));
  node(g, "Reshape", {t("qkv"), "qkv_shape"}, {t("qkv_heads")}, t("qkv_reshape"));
  ints(node(g, "Transpose", {t("qkv_heads")}, {t("qkv_t")}, t("qkv_transpose")), "perm", {2, 0, 3, 1, 4});
  auto* split = node(g, "Split", {t("qkv_t")}, {t("q"), t("k"), t("v")}, t("qkv_split"));
  one_int(split, "axis", 0);
  node(g, "Squeeze", {t("q"), "axis0"}, {t("q2")}, t("q_squeeze"));
  node(g, "Squeeze", {t("k"), "axis0"}, {t("k2")}, t("k_squeeze"));
  node(g, "Squeeze", {t("v"), "axis0"}, {t("v2")}, t("v_squeeze"));
  ints(node(g, "Transpose", {t("k2")}, {t("kt")}, t("k_transpose")), "perm", {0, 1, 3, 2});
  node(g, "MatMul", {t("q2"), t("kt")}, {t("scores")}, t("scores"));
  node(g, "Mul", {t("scores"), "scale"}, {t("scaled")}, t("scale"));
  one_int(node(g, "Softmax", {t("scaled")}, {t("probs")}, t("softmax")), "axis", -1);
  node(g, "MatMul", {t("probs"), t("v2")}, {t("ctx")}, t("context"));
  ints(node(g, "Transpose", {t("ctx")}, {t("ctx_t")}, t("ctx_transpose")), "perm", {0, 2, 1, 3});
  node(g, "Reshape", {t("ctx_t"), "hidden_shape"}, {t("ctx_flat")}, t("ctx_reshape"));
  weight(g, t("proj_w"), {hidden, hidden}, 0.02f, rng);
  node(g, "MatMul", {t("ctx_flat"), t("proj_w")}, {t("proj")}, t("proj"));
  node(g, "Add", {x, t("proj")}, {t("res1")}, t("residual1"));
  weight(g, t("up_w"), {hidden, 4 * hidden}, 0.02f, rng);
  node(g, "MatMul", {t("res1"), t("up_w")}, {t("up")}, t("mlp_up"));
  node(g, "Div", {t("up"), "sqrt2"}, {t("up_scaled")}, t("gelu_div"));
  node(g, "Erf", {t("up_scaled")}, {t("erf")}, t("gelu_erf"));
  node(g, "Add", {t("erf"), "one"}, {t("erf1")}, t("gelu_add"));
  node(g, "Mul", {t("up"), t("erf1")}, {t("gelu_mul")}, t("gelu_mul"));
  node(g, "Mul", {t("gelu_mul"), "half"}, {t("gelu")}, t("gelu_half"));
  weight(g, t("down_w"), {4 * hidden, hidden}, 0.02f, rng);
  node(g, "MatMul", {t("gelu"), t("down_w")}, {t("down")}, t("mlp_down"));
  node(g, "Add", {t("res1"), t("down")}, {t("out")}, t("residual2"));
  return t("out");
}

void scalar(onnx::GraphProto& g, const std::string& name, float v) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(kFloat);
  t->add_float_data(v);
}
void int_vector(onnx::GraphProto& g, const std::string& name, std::vector<std::int64_t> v) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(kInt64);
  t->add_dims(static_cast<std::int64_t>(v.size()));
  for (auto x : v) t->add_int64_data(x);
}

int transformer(const std::string& out, int layers) {
  const int hidden = 16, heads = 2, seq = 8;
  std::mt19937 rng(7);
  onnx::ModelProto m = base_model(17);
  auto& g = *m.mutable_graph();
  io(g.add_input(), "tokens", {1, seq, hidden});
  scalar(g, "eps", 1e-5f);
  scalar(g, "scale", 0.25f);
  scalar(g, "sqrt2", 1.4142135f);
  scalar(g, "one", 1.0f);
  scalar(g, "half", 0.5f);
  int_vector(g, "qkv_shape", {1, seq, 3, heads, hidden / heads});
  int_vector(g, "hidden_shape", {1, seq, hidden});
  int_vector(g, "axis0", {0});
  std::string x = "tokens";
  for (int l = 0; l < layers; ++l) x = layer(g, x, l, hidden, heads, rng);
  io(g.add_output(), x, {1, seq, hidden});
  std::ofstream file(out, std::ios::binary);
  if (!m.SerializeToOstream(&file)) return 1;
  std::cout << out << ": " << g.node_size() << " nodes\n";
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
  io(g.add_input(), "x", {1, side});
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
    w->set_data_type(kFloat);
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
    node(g, "MatMul", {x, w->name()}, {y}, "matmul" + std::to_string(l));
    x = y;
  }
  io(g.add_output(), x, {1, side});
  std::ofstream file(out, std::ios::binary);
  if (!m.SerializeToOstream(&file)) return 1;
  std::cout << out << ": " << layers << " MatMul layers, " << (offset >> 20) << " MiB external\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: gen_models transformer OUT.onnx LAYERS | external OUT.onnx MEGABYTES\n";
    return 2;
  }
  const std::string kind = argv[1];
  if (kind == "transformer") return transformer(argv[2], std::stoi(argv[3]));
  if (kind == "external") return external(argv[2], std::stoll(argv[3]));
  std::cerr << "unknown model kind '" << kind << "'\n";
  return 2;
}
