// Generates examples/tiny-vit.onnx: a small vision transformer (patch-embedding Conv, one pre-norm attention block,
// an MLP with the opset-20 Gelu, a classification head). Deterministic: the same bytes on every run.
//   build/examples/generate_example examples/tiny-vit.onnx
// Why these ops: the model converts on TensorRT 10.x in fp16, while 8.6 has no Gelu importer, knows opsets only up
// to 17 and narrows the INT64 shape constants to INT32: a few verdicts worth showing.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "onnx/onnx_pb.h"
#include "tools/gen/onnx_gen.h"

namespace trtlens {
namespace {

constexpr int kImage = 32, kPatch = 8, kDim = 32, kHeads = 2, kTokens = (kImage / kPatch) * (kImage / kPatch);
constexpr int kClasses = 10;

using gen::attr;
using gen::GraphWriter;
using gen::value_info;

// Weights rounded to 1/1024 so the file compresses and reads nicely in a hex dump; values stay well inside fp16.
float round_1024(float v) { return static_cast<float>(static_cast<int>(v * 1024.0f)) / 1024.0f; }

onnx::ModelProto tiny_vit() {
  onnx::ModelProto m;
  m.set_ir_version(9);
  m.set_producer_name("trtlens-examples");
  m.set_producer_version("1");
  m.set_doc_string("Tiny vision transformer for trying trtlens; random weights.");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(20);
  auto& proto = *m.mutable_graph();
  proto.set_name("tiny_vit");
  GraphWriter g(proto);
  std::mt19937 rng{2024};
  auto weight = [&](const std::string& name, const gen::Dims& dims, float stddev) {
    g.random_weight(name, dims, stddev, rng, round_1024);
  };
  value_info(proto.add_input(), "image", {1, 3, kImage, kImage});

  // Patch embedding: an 8x8/8 convolution, then tokens as rows.
  weight("patch.weight", {kDim, 3, kPatch, kPatch}, 0.05f);
  weight("patch.bias", {kDim}, 0.02f);
  auto& conv = g.node("Conv", {"image", "patch.weight", "patch.bias"}, {"patches"}, "patch_embed");
  attr(conv, "kernel_shape", std::vector<std::int64_t>{kPatch, kPatch});
  attr(conv, "strides", std::vector<std::int64_t>{kPatch, kPatch});
  g.ints("tokens.shape", {1, kDim, kTokens});
  g.node("Reshape", {"patches", "tokens.shape"}, {"patches_flat"}, "flatten_patches");
  attr(g.node("Transpose", {"patches_flat"}, {"tokens"}, "tokens_first"), "perm", std::vector<std::int64_t>{0, 2, 1});
  weight("pos_embed", {1, kTokens, kDim}, 0.02f);
  g.node("Add", {"tokens", "pos_embed"}, {"x0"}, "add_position");

  // Attention block (pre-norm).
  g.filled_weight("ln1.scale", {kDim}, 1.0f);
  g.filled_weight("ln1.bias", {kDim}, 0.0f);
  auto& ln1 = g.node("LayerNormalization", {"x0", "ln1.scale", "ln1.bias"}, {"h1"}, "ln1");
  attr(ln1, "axis", std::int64_t{-1});
  attr(ln1, "epsilon", 1e-5f);
  weight("attn.qkv", {kDim, 3 * kDim}, 0.05f);
  g.node("MatMul", {"h1", "attn.qkv"}, {"qkv"}, "qkv_proj");
  g.ints("qkv.shape", {1, kTokens, 3, kHeads, kDim / kHeads});
  g.node("Reshape", {"qkv", "qkv.shape"}, {"qkv_heads"}, "split_heads");
  attr(g.node("Transpose", {"qkv_heads"}, {"qkv_t"}, "heads_first"), "perm", std::vector<std::int64_t>{2, 0, 3, 1, 4});
  g.ints("qkv.split", {1, 1, 1});
  attr(g.node("Split", {"qkv_t", "qkv.split"}, {"q5", "k5", "v5"}, "split_qkv"), "axis", std::int64_t{0});
  g.ints("axis0", {0});
  g.node("Squeeze", {"q5", "axis0"}, {"q"}, "squeeze_q");
  g.node("Squeeze", {"k5", "axis0"}, {"k"}, "squeeze_k");
  g.node("Squeeze", {"v5", "axis0"}, {"v"}, "squeeze_v");
  attr(g.node("Transpose", {"k"}, {"k_t"}, "k_transpose"), "perm", std::vector<std::int64_t>{0, 1, 3, 2});
  g.node("MatMul", {"q", "k_t"}, {"scores"}, "attn_scores");
  g.filled_weight("attn.scale", {}, 0.25f);  // 1/sqrt(head dim 16)
  g.node("Mul", {"scores", "attn.scale"}, {"scores_scaled"}, "attn_scale");
  attr(g.node("Softmax", {"scores_scaled"}, {"probs"}, "attn_softmax"), "axis", std::int64_t{-1});
  g.node("MatMul", {"probs", "v"}, {"context"}, "attn_context");
  attr(g.node("Transpose", {"context"}, {"context_t"}, "merge_heads"), "perm", std::vector<std::int64_t>{0, 2, 1, 3});
  g.ints("hidden.shape", {1, kTokens, kDim});
  g.node("Reshape", {"context_t", "hidden.shape"}, {"context_flat"}, "merge_reshape");
  weight("attn.out", {kDim, kDim}, 0.05f);
  g.node("MatMul", {"context_flat", "attn.out"}, {"attn_out"}, "out_proj");
  g.node("Add", {"x0", "attn_out"}, {"x1"}, "residual_attn");

  // MLP with Gelu (opset 20).
  g.filled_weight("ln2.scale", {kDim}, 1.0f);
  g.filled_weight("ln2.bias", {kDim}, 0.0f);
  attr(g.node("LayerNormalization", {"x1", "ln2.scale", "ln2.bias"}, {"h2"}, "ln2"), "axis", std::int64_t{-1});
  weight("mlp.up", {kDim, 2 * kDim}, 0.05f);
  g.node("MatMul", {"h2", "mlp.up"}, {"up"}, "mlp_up");
  g.node("Gelu", {"up"}, {"act"}, "mlp_gelu");
  weight("mlp.down", {2 * kDim, kDim}, 0.05f);
  g.node("MatMul", {"act", "mlp.down"}, {"down"}, "mlp_down");
  g.node("Add", {"x1", "down"}, {"x2"}, "residual_mlp");

  // Head: mean over tokens (ReduceMean-18 takes its axes as an input), then a linear classifier.
  g.ints("token.axis", {1});
  attr(g.node("ReduceMean", {"x2", "token.axis"}, {"pooled"}, "mean_tokens"), "keepdims", std::int64_t{0});
  weight("head.weight", {kClasses, kDim}, 0.05f);
  weight("head.bias", {kClasses}, 0.02f);
  attr(g.node("Gemm", {"pooled", "head.weight", "head.bias"}, {"logits"}, "classifier"), "transB", std::int64_t{1});
  value_info(proto.add_output(), "logits", {1, kClasses});
  return m;
}

}  // namespace
}  // namespace trtlens

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: generate_example OUT.onnx\n";
    return 2;
  }
  const onnx::ModelProto model = trtlens::tiny_vit();
  std::string bytes;
  // Deterministic serialisation: the committed file must be reproducible byte for byte.
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    model.SerializeToCodedStream(&coded);
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "cannot write " << argv[1] << "\n";
    return 1;
  }
  std::cout << argv[1] << ": " << model.graph().node_size() << " nodes, " << bytes.size() << " bytes\n";
  return 0;
}
