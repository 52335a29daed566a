// A regression set taken from public bug reports: each case is a user's parser failure (or a maintainer's "fixed
// in release X") for a stated TensorRT release, rebuilt here as a small generated model. The thread is named in
// a comment with a one-line paraphrase of the quoted parser message; the table of cases is docs/regression-set.md.
//
// Every case runs. Rows the engine is known to get wrong today are listed in kKnownGaps with what it gets wrong;
// the test asserts that those rows still disagree, so fixing one fails the test until the entry is removed.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "onnx/dtype.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

constexpr Status OK = Status::kConvertible;
constexpr Status NO = Status::kUnsupported;

struct Row {
  const char* release;
  Status status;
  const char* code = "";  // when set (only for NO rows): a reason with this code must be present
};

struct Case {
  const char* id;
  std::function<ModelBuilder()> model;  // the node under test is always named "n"
  std::vector<Row> rows;
  bool whole_model = false;  // rows describe the model (a graph-boundary refusal), not node "n"
};

// (case id, release) rows that the engine gets wrong today, with what it gets wrong. Keep this list honest: a row
// belongs here only when the thread's evidence was checked (and the importer source where it is readable) and the
// engine disagrees with it.
const std::map<std::string, std::string> kKnownGaps = {};

// An input whose negative dims are symbolic (dim_param), i.e. only known at run time.
void dynamic_input(ModelBuilder& b, const std::string& name, int dtype, const std::vector<std::int64_t>& dims) {
  auto vi = value_info(name, dtype, {});
  auto* shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    auto* d = shape->add_dim();
    if (dims[i] < 0) d->set_dim_param(name + "_d" + std::to_string(i));
    else d->set_dim_value(dims[i]);
  }
  *b.graph().add_input() = vi;
}

ModelBuilder layer_norm() {
  ModelBuilder b(17);
  b.input("x", kFloat, {1, 4, 8});
  b.initializer("s", kFloat, {8}, std::vector<double>(8, 1.0));
  b.initializer("bias", kFloat, {8}, std::vector<double>(8, 0.0));
  set_attr(b.node("LayerNormalization", {"x", "s", "bias"}, {"y"}, "n"), "axis", std::int64_t{-1});
  b.output("y");
  return b;
}

ModelBuilder nonzero() {
  ModelBuilder b(13);
  b.input("x", kFloat, {4, 4});
  b.node("NonZero", {"x"}, {"y"}, "n");
  b.output("y");
  return b;
}

// Range whose start and delta are float constants and whose limit is only known at run time.
ModelBuilder float_range_runtime_limit() {
  ModelBuilder b(11);
  b.input("limit", kFloat, {});
  b.initializer("start", kFloat, {}, {0});
  b.initializer("delta", kFloat, {}, {1});
  b.node("Range", {"start", "limit", "delta"}, {"y"}, "n");
  b.output("y");
  return b;
}

ModelBuilder grid_sample() {
  ModelBuilder b(16);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.input("grid", kFloat, {1, 4, 4, 2});
  b.node("GridSample", {"x", "grid"}, {"y"}, "n");
  b.output("y");
  return b;
}

ModelBuilder mod_int64() {
  ModelBuilder b(13);
  b.input("x", kInt64, {300});
  b.initializer("m", kInt64, {1}, {80});
  set_attr(b.node("Mod", {"x", "m"}, {"y"}, "n"), "fmod", std::int64_t{0});
  b.output("y");
  return b;
}

ModelBuilder unary(const char* op, int opset) {
  ModelBuilder b(opset);
  b.input("x", kFloat, {2, 16});
  b.node(op, {"x"}, {"y"}, "n");
  b.output("y");
  return b;
}

ModelBuilder if_branch_shapes_differ() {
  ModelBuilder b(13);
  b.input("c", kBool, {1});
  b.input("a", kFloat, {2});
  b.input("b", kFloat, {1});
  auto& n = b.node("If", {"c"}, {"y"}, "n");
  set_attr(n, "then_branch", identity_branch("then", "a", {2}));
  set_attr(n, "else_branch", identity_branch("else", "b", {1}));
  b.output("y");
  return b;
}

ModelBuilder scatter_nd(bool reduction_attr, int opset) {
  ModelBuilder b(opset);
  b.input("data", kFloat, {4, 4});
  b.initializer("idx", kInt64, {2, 1}, {0, 2});
  b.input("upd", kFloat, {2, 4});
  auto& n = b.node("ScatterND", {"data", "idx", "upd"}, {"y"}, "n");
  if (reduction_attr) set_attr(n, "reduction", "none");
  b.output("y");
  return b;
}

ModelBuilder cumsum(bool runtime_axis) {
  ModelBuilder b(11);
  b.input("x", kFloat, {2, 16});
  if (runtime_axis) b.input("axis", kInt32, {});
  else b.initializer("axis", kInt64, {}, {1});
  b.node("CumSum", {"x", "axis"}, {"y"}, "n");
  b.output("y");
  return b;
}

ModelBuilder resize_scales(int opset, const char* mode, std::vector<double> scales) {
  ModelBuilder b(opset);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("scales", kFloat, {4}, scales);
  auto& n = b.node("Resize", {"x", "", "scales"}, {"y"}, "n");
  set_attr(n, "mode", mode);
  b.output("y");
  return b;
}

// ScatterElements writing a [2,5] update into [1,5] data (all indices 0): legal ONNX, but the importer asks that
// every indices dimension be at most the data dimension.
ModelBuilder scatter_elements_wide_indices(const char* reduction) {
  ModelBuilder b(16);
  b.input("data", kFloat, {1, 5});
  b.initializer("i", kInt64, {2, 5}, std::vector<double>(10, 0));
  b.input("upd", kFloat, {2, 5});
  auto& n = b.node("ScatterElements", {"data", "i", "upd"}, {"y"}, "n");
  set_attr(n, "axis", std::int64_t{0});
  if (*reduction) set_attr(n, "reduction", reduction);
  b.output("y");
  return b;
}

// LSTM over x[5,1,4] with hidden size 3; `directions` 1 or 2. Alphas are per activation, forward first.
ModelBuilder lstm(int directions, std::vector<double> alphas = {}) {
  ModelBuilder b(11);
  const std::int64_t h = 3;
  b.input("x", kFloat, {5, 1, 4});
  b.initializer("w", kFloat, {directions, 4 * h, 4}, std::vector<double>(directions * 4 * h * 4, 0.1));
  b.initializer("r", kFloat, {directions, 4 * h, h}, std::vector<double>(directions * 4 * h * h, 0.1));
  auto& n = b.node("LSTM", {"x", "w", "r"}, {"y"}, "n");
  set_attr(n, "hidden_size", h);
  if (directions == 2) set_attr(n, "direction", "bidirectional");
  if (!alphas.empty()) {
    auto* acts = n.add_attribute();
    acts->set_name("activations");
    acts->set_type(onnx::AttributeProto::STRINGS);
    for (int d = 0; d < directions; ++d)
      for (const char* a : {"HardSigmoid", "Tanh", "Tanh"}) acts->add_strings(a);
    auto* al = n.add_attribute();
    al->set_name("activation_alpha");
    al->set_type(onnx::AttributeProto::FLOATS);
    for (double a : alphas) al->add_floats(static_cast<float>(a));
  }
  b.output("y");
  return b;
}

// A single node `op` over one float input x[2,16] with optional attributes set by `init`.
ModelBuilder single(const char* op, int opset, std::vector<std::int64_t> dims = {2, 16}, int dtype = kFloat) {
  ModelBuilder b(opset);
  b.input("x", dtype, dims);
  b.node(op, {"x"}, {"y"}, "n");
  b.output("y");
  return b;
}

// Segment Anything's decoder: the FLOAT graph input orig_im_size, cast to INT64, is the ends of a Slice.
ModelBuilder slice_ends_from_float_input() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 1, 64, 64});
  b.input("orig_im_size", kFloat, {2});
  set_attr(b.node("Cast", {"orig_im_size"}, {"size"}, "cast"), "to", std::int64_t{kInt64});
  b.initializer("starts", kInt64, {2}, {0, 0});
  b.initializer("axes", kInt64, {2}, {2, 3});
  b.node("Slice", {"x", "starts", "size", "axes"}, {"y"}, "n");
  b.output("y");
  return b;
}

// A Resize whose output size is rounded in floating point: Shape -> Gather -> Cast(float) -> Mul -> Round (n) ->
// Cast -> Unsqueeze -> Concat -> sizes.
ModelBuilder resize_size_rounded() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.node("Shape", {"x"}, {"s"}, "shape");
  b.initializer("two_i", kInt64, {}, {2});
  set_attr(b.node("Gather", {"s", "two_i"}, {"h"}, "gather"), "axis", std::int64_t{0});
  set_attr(b.node("Cast", {"h"}, {"hf"}, "to_float"), "to", std::int64_t{kFloat});
  b.initializer("scale", kFloat, {}, {1.5});
  b.node("Mul", {"hf", "scale"}, {"hs"}, "mul");
  b.node("Round", {"hs"}, {"hr"}, "n");
  set_attr(b.node("Cast", {"hr"}, {"h2"}, "to_int"), "to", std::int64_t{kInt64});
  b.initializer("zero", kInt64, {1}, {0});
  b.node("Unsqueeze", {"h2", "zero"}, {"h1"}, "unsq");
  b.initializer("head", kInt64, {3}, {1, 3, 12});
  set_attr(b.node("Concat", {"head", "h1"}, {"sizes"}, "concat"), "axis", std::int64_t{0});
  b.node("Resize", {"x", "", "", "sizes"}, {"y"}, "resize");
  b.output("y");
  return b;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // NVIDIA/TensorRT#3555 (also BooHwang/segment_anything_tensorrt#2, NVIDIA/TensorRT#3765): Slice whose axes
      // come from a tensor computed at run time. Quoted on 8.5.2 and 8.6.1: importSlice asserts that all axes
      // values are known ("does not support dynamic axes"). A maintainer named 10.3 as the release that adds it; the
      // 10.1-GA importer still has the check (code).
      {"slice-runtime-axes",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {2, 8, 8});
         b.input("axes", kInt64, {1});
         b.initializer("starts", kInt64, {1}, {0});
         b.initializer("ends", kInt64, {1}, {4});
         b.node("Slice", {"x", "starts", "ends", "axes"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.5", NO}, {"8.6", NO}, {"10.1", NO}, {"10.3", OK}}},

      // onnx/onnx-tensorrt#401: "[8] No importer registered for op: NonZero"; a user on 8.2 (Jetson) and the
      // maintainer's answer that no native or plugin NonZero exists before 8.5.
      {"nonzero-before-8.5", nonzero, {{"8.2", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},

      // onnx/onnx-tensorrt#401 again, for what PyTorch exports from mask.nonzero(): NonZero on a BOOL mask. The
      // maintainer's "from 8.5" is checked against the importer: 8.5-GA, 8.6-GA and 10.1-GA accept BOOL input.
      {"nonzero-bool-mask",
       [] {
         ModelBuilder b(13);
         b.input("mask", kBool, {4, 4});
         b.node("NonZero", {"mask"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.2", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}, {"8.6", OK}, {"10.1", OK}}},

      // onnx/onnx-tensorrt#906: NonZero from a mask on 8.5.1 / 8.6; the user reports it converts once the
      // release's own libraries are on the library path (issue closed as working).
      {"nonzero-8.5-8.6-converts", nonzero, {{"8.5", OK}, {"8.6", OK}}},

      // ItayElam/SegmentAnything-TensorRT#2: "No importer registered for op: LayerNormalization. Attempting to
      // import as plugin." on 8.5; fixed by upgrading to 8.6 (opset-17 LayerNormalization).
      {"layernorm-8.5", layer_norm, {{"8.5", NO, "TRT_NO_IMPORTER"}, {"8.6", OK}}},

      // NVIDIA/TensorRT#210 (comment, 2024): the same "No importer registered for op: LayerNormalization" on 8.4.1.
      {"layernorm-8.4", layer_norm, {{"8.4", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#2657: timm MaxxViT exported at opset 17 fails on LayerNormalization with TensorRT 8.2.4.
      {"layernorm-8.2", layer_norm, {{"8.2", NO, "TRT_NO_IMPORTER"}}},

      // onnx/onnx-tensorrt#752: "For range operator with dynamic inputs, this version of TensorRT only supports
      // INT32!" on 8.0.1.6; a later comment says 8.4 GA fixes it (the 8.4 importer accepts float start/limit/delta).
      {"range-float-dynamic-8.0", float_range_runtime_limit, {{"8.0", NO}, {"8.4", OK}}},

      // ultralytics/ultralytics#2084: the same Range assertion from a dynamic YOLOv8 export (float arange whose
      // end is a run-time size) on 8.2.0.6.
      {"range-float-dynamic-8.2", float_range_runtime_limit, {{"8.2", NO}}},

      // NVIDIA/TensorRT#1617: "No importer registered for op: Einsum ... Plugin not found" on 8.0; the maintainer
      // answers that Einsum is supported from 8.2.
      {"einsum-8.0",
       [] {
         ModelBuilder b(12);
         b.input("a", kFloat, {4, 3});
         b.input("c", kFloat, {3, 5});
         set_attr(b.node("Einsum", {"a", "c"}, {"y"}, "n"), "equation", "ij,jk->ik");
         b.output("y");
         return b;
       },
       {{"8.0", NO, "TRT_NO_IMPORTER"}, {"8.2", OK}}},

      // onnx/onnx-tensorrt#857: GridSample (F.grid_sample, opset 16) is not supported by the parser of the day (8.4);
      // the maintainer puts it in the next major release.
      {"gridsample-8.4", grid_sample, {{"8.4", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#2005: GridSample request; maintainers planned it for 8.5 and users confirm 8.5.1 has it.
      {"gridsample-8.5", grid_sample, {{"8.5", OK}}},

      // onnx/onnx-tensorrt#957 (comment by jcdatin): a PyTorch opset-17 export with ScatterND carrying an explicit
      // reduction attribute worked with 8.6 and fails with 10.7: "Attribute reduction is not supported." The
      // 10.0-GA and 10.1-GA importers already refuse any reduction attribute (code).
      {"scatternd-reduction-none-attr",
       [] { return scatter_nd(true, 16); },
       {{"8.6", OK}, {"10.0", NO}, {"10.1", NO}, {"10.7", NO}}},

      // NVIDIA/TensorRT#4393: "ReduceMean (reduceTensor): UNSUPPORTED_NODE: Assertion failed: inputAxes.is_weights():
      // Axis input must be an initializer!" on 10.9 (opset-18 ReduceMean with run-time axes).
      {"reducemean-runtime-axes-10.9",
       [] {
         ModelBuilder b(18);
         b.input("x", kFloat, {2, 3, 4});
         b.input("axes", kInt64, {1});
         b.node("ReduceMean", {"x", "axes"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.9", NO}}},

      // linghu8812/tensorrt_inference#108: YOLOv5 on TensorRT OSS 7.2.3.4: "No importer registered for op:
      // ScatterND ... getPluginCreator could not find plugin ScatterND"; the user notes support from 8.x.
      {"scatternd-7.2", [] { return scatter_nd(false, 11); }, {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.2", OK}}},

      // Linaom1214/TensorRT-For-YOLO-Series#62: "No importer registered for op: NonMaxSuppression" with 7.2.
      {"nms-7.2",
       [] {
         ModelBuilder b(11);
         b.input("boxes", kFloat, {1, 10, 4});
         b.input("scores", kFloat, {1, 1, 10});
         b.node("NonMaxSuppression", {"boxes", "scores"}, {"sel"}, "n");
         b.output("sel");
         return b;
       },
       {{"7.2", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#1275: torch.cumsum on 7.2.3.4: "getPluginCreator could not find plugin CumSum version 1";
      // the 8.0 importer has CumSum.
      {"cumsum-7.2", [] { return cumsum(false); }, {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.0", OK}}},

      // NVIDIA/TensorRT#3425: "Axis input for CumSum must be an initializer!" on 8.6.1 (axis is a graph input).
      {"cumsum-runtime-axis-8.6", [] { return cumsum(true); }, {{"8.6", NO}}},

      // NVIDIA/TensorRT#1775 (also onnx/onnx-tensorrt#800): TF2 Faster R-CNN on 8.0.3: "No importer registered for
      // op: Round"; the maintainer says a later release adds it.
      {"round-8.0", [] { return unary("Round", 11); }, {{"8.0", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#1890: "Round op supported in TensorRT 8.2" (the report is about a shape-tensor use; a plain
      // float Round imports on 8.2).
      {"round-8.2", [] { return unary("Round", 11); }, {{"8.2", OK}}},

      // THU-MIG/yolov10#129: the YOLOv10 export's Mod node (integer, fmod=0) is not supported by 8.4.1.
      {"mod-8.4", mod_int64, {{"8.4", NO, "TRT_NO_IMPORTER"}}},

      // THU-MIG/yolov10#75 (also onnx/onnx-tensorrt#807 comment): the Mod node converts with 8.5.3 / 8.5 GA.
      {"mod-8.5", mod_int64, {{"8.5", OK}}},

      // NVIDIA/TensorRT#3124 (also #3587, DeBERTa): Sign on an integer tensor on 8.6.1: "validUnaryType && This
      // version of TensorRT does not support the given operator with the given input data type."
      {"sign-int-8.6",
       [] {
         ModelBuilder b(13);
         b.input("x", kInt64, {8});
         b.node("Sign", {"x"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.6", NO}}},

      // onnx/onnx-tensorrt#997 (10.5 GA release note: "Added support for real-valued STFT operations") and
      // NVIDIA/TensorRT#4429 (maintainer: TRT already supports STFT). No STFT importer exists at 10.1-GA.
      {"stft-real",
       [] {
         ModelBuilder b(17);
         b.input("sig", kFloat, {1, 64, 1});
         b.initializer("step", kInt64, {}, {16});
         b.initializer("win", kFloat, {16}, std::vector<double>(16, 1.0));
         b.initializer("len", kInt64, {}, {16});
         b.node("STFT", {"sig", "step", "win", "len"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.1", NO, "TRT_NO_IMPORTER"}, {"10.5", OK}}},

      // NVIDIA/TensorRT#3420: Squeeze without axes on a dynamic shape on 8.6: "Cannot infer squeeze dimensions
      // from a dynamic shape! Please re-export your model with the Squeeze axes input set".
      {"squeeze-no-axes-dynamic-8.6",
       [] {
         ModelBuilder b(13);
         dynamic_input(b, "x", kFloat, {-1, 1, -1});
         b.node("Squeeze", {"x"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.6", NO}}},

      // NVIDIA/TensorRT#2644: QAT export with Cast(to=UINT8) on 8.4.1.5: "Unsupported data type for the Cast
      // operator!" (UINT8 is not a TensorRT type before 8.5).
      {"cast-to-uint8-8.4",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {4});
         set_attr(b.node("Cast", {"x"}, {"q"}, "n"), "to", std::int64_t{kUint8});
         set_attr(b.node("Cast", {"q"}, {"y"}, "back"), "to", std::int64_t{kFloat});
         b.output("y");
         return b;
       },
       {{"8.4", NO}}},

      // NVIDIA/TensorRT#2084 (comment by nvpohanh): "This version of TensorRT does not support cubic interpolation!"
      // is the 8.4 importer; 8.6 supports cubic Resize.
      {"resize-cubic", [] { return resize_scales(13, "cubic", {1, 1, 2, 2}); }, {{"8.4", NO}, {"8.6", OK}}},

      // NVIDIA/TensorRT#3560: Resize with antialias=1 (opset 18) builds on 8.6 without antialiasing; with
      // 10.0.1.6 the parser refuses it: "(antialias == 0) && Antialiasing is not supported currently." (10.1-GA's
      // checker has the same refusal.)
      {"resize-antialias",
       [] {
         auto b = resize_scales(18, "linear", {1, 1, 0.5, 0.5});
         set_attr(*b.graph().mutable_node(0), "antialias", std::int64_t{1});
         return b;
       },
       {{"8.6", OK}, {"10.0", NO}, {"10.1", NO}}},

      // NVIDIA/TensorRT#2924: "No importer registered for op: SoftmaxCrossEntropyLoss" on 8.5.1.
      {"softmax-ce-loss-8.5",
       [] {
         ModelBuilder b(13);
         b.input("scores", kFloat, {4, 10});
         b.input("labels", kInt64, {4});
         b.node("SoftmaxCrossEntropyLoss", {"scores", "labels"}, {"loss"}, "n");
         b.output("loss");
         return b;
       },
       {{"8.5", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#1009: a QAT export with QLinearConv is not supported by 7.2 (the maintainer points to
      // explicit Q/DQ support instead); no release's importer has QLinearConv.
      {"qlinearconv-7.2",
       [] {
         ModelBuilder b(10);
         b.input("x", kInt8, {1, 1, 4, 4});
         b.initializer("xs", kFloat, {}, {0.1});
         b.initializer("xz", kInt8, {}, {0});
         b.initializer("w", kInt8, {1, 1, 3, 3}, std::vector<double>(9, 1));
         b.initializer("ws", kFloat, {}, {0.1});
         b.initializer("wz", kInt8, {}, {0});
         b.initializer("ys", kFloat, {}, {0.2});
         b.initializer("yz", kInt8, {}, {0});
         b.node("QLinearConv", {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_NO_IMPORTER"}}},

      // Intellindust-AI-Lab/DEIMv2#108 (same message in NVIDIA/TensorRT#4603): an If on a run-time condition whose
      // branches yield shapes [2] and [1], on 8.6.1: "IIfConditionalOutputLayer inputs must have the same shape.
      // Shapes are [2] and [1]."
      {"if-branch-shapes-8.6", if_branch_shapes_differ, {{"8.6", NO}}},

      // NVIDIA/TensorRT#3089: a model using the "GroupNorm" plugin op fails on 8.6.1: "getPluginCreator could not
      // find plugin: GroupNorm version: 1" (8.6 removed that plugin; there is no GroupNorm importer).
      {"groupnorm-plugin-8.6",
       [] {
         ModelBuilder b(17);
         b.input("x", kFloat, {1, 4, 8, 8});
         b.initializer("g", kFloat, {4}, {1, 1, 1, 1});
         b.initializer("bb", kFloat, {4}, {0, 0, 0, 0});
         b.node("GroupNorm", {"x", "g", "bb"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.6", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#2507: Conv whose weights are a run-time tensor on 8.4.1.5: "two inputs (data and weights)
      // are allowed only in explicit-quantization mode"; onnx/onnx-tensorrt#609: the maintainers put dynamic-weight
      // convolution in the next release (8.5, whose importer routes tensor weights to the multi-input path).
      {"conv-runtime-weights",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.input("w", kFloat, {4, 3, 3, 3});
         b.node("Conv", {"x", "w"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.4", NO}, {"8.5", OK}}},

      // NVIDIA/TensorRT#2279: "No Importer registered for op: OneHot" (BERT from tf2onnx); the maintainer says it is
      // supported from 8.5; onnx/onnx-tensorrt#869 repeats that 8.5 supports it.
      {"onehot",
       [] {
         ModelBuilder b(11);
         b.input("idx", kInt64, {4});
         b.initializer("depth", kInt64, {}, {10});
         b.initializer("vals", kFloat, {2}, {0, 1});
         b.node("OneHot", {"idx", "depth", "vals"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},

      // NVIDIA/TensorRT#1156: the 21.03 container (TensorRT 7.2) stops at "No importer registered for op:
      // GatherElements"; open-mmlab/mmcv#2486: GatherElements is supported from TensorRT 8.
      {"gatherelements-7.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {3, 4});
         b.initializer("i", kInt64, {3, 2}, {0, 1, 2, 3, 1, 0});
         set_attr(b.node("GatherElements", {"x", "i"}, {"y"}, "n"), "axis", std::int64_t{1});
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.0", OK}}},

      // NVIDIA/TensorRT#2735: torch.scatter_add_ into a smaller tensor, 22.12 container (TensorRT 8.5):
      // "Indices dimensions must be less than data dimensions!" (addScatterLayer).
      {"scatterelements-indices-exceed-data-8.5", [] { return scatter_elements_wide_indices(""); }, {{"8.5", NO}}},

      // onnx/onnx-tensorrt#963: the same assertion on 8.6.1.6, reported as a bug in the importer's shape check.
      {"scatterelements-indices-exceed-data-8.6", [] { return scatter_elements_wide_indices(""); }, {{"8.6", NO}}},

      // NVIDIA/TensorRT#3750: ScatterElements with reduction="add" (scatter_add_) converts on 8.6.1.6 without any
      // parser error (the 8.6 importer ignores the attribute, so results differ at run time).
      {"scatterelements-reduction-add-8.6",
       [] {
         ModelBuilder b(16);
         b.input("data", kFloat, {2, 5});
         b.initializer("i", kInt64, {2, 5}, {0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
         b.input("upd", kFloat, {2, 5});
         auto& n = b.node("ScatterElements", {"data", "i", "upd"}, {"y"}, "n");
         set_attr(n, "axis", std::int64_t{0});
         set_attr(n, "reduction", "add");
         b.output("y");
         return b;
       },
       {{"8.6", OK}}},

      // onnx/onnx-tensorrt#1043 (10.14 GA release note: "Added support for the Attention operator").
      {"attention-op",
       [] {
         ModelBuilder b(23);
         b.input("q", kFloat, {1, 8, 16, 64});
         b.input("k", kFloat, {1, 8, 16, 64});
         b.input("v", kFloat, {1, 8, 16, 64});
         b.node("Attention", {"q", "k", "v"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.13", NO, "TRT_NO_IMPORTER"}, {"10.14", OK}}},

      // onnx/onnx-tensorrt#1048 (10.15 GA release note: RMSNormalization added); NVIDIA/TensorRT#4639 reports the
      // parser rejecting opset-23 RMSNormalization before that.
      {"rmsnormalization",
       [] {
         ModelBuilder b(23);
         b.input("x", kFloat, {1, 4, 8});
         b.initializer("s", kFloat, {8}, std::vector<double>(8, 1.0));
         b.node("RMSNormalization", {"x", "s"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.14", NO, "TRT_NO_IMPORTER"}, {"10.15", OK}}},

      // onnx/onnx-tensorrt#1048 (10.15 GA release note: RotaryEmbedding added).
      {"rotaryembedding",
       [] {
         ModelBuilder b(23);
         b.input("x", kFloat, {1, 8, 16, 64});
         b.initializer("cos", kFloat, {16, 32}, std::vector<double>(16 * 32, 1.0));
         b.initializer("sin", kFloat, {16, 32}, std::vector<double>(16 * 32, 0.0));
         b.input("pos", kInt64, {1, 16});
         b.node("RotaryEmbedding", {"x", "cos", "sin", "pos"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.14", NO, "TRT_NO_IMPORTER"}, {"10.15", OK}}},

      // NVIDIA/TensorRT#3761: MaxPool producing values and indices on 8.6: "node.output().size() == 1 && TensorRT
      // does not support the indices output in MaxPool!"
      {"maxpool-indices-8.6",
       [] {
         ModelBuilder b(12);
         b.input("x", kFloat, {1, 3, 8, 8});
         set_attr(b.node("MaxPool", {"x"}, {"y", "idx"}, "n"), "kernel_shape", std::vector<std::int64_t>{2, 2});
         b.output("y");
         b.output("idx");
         return b;
       },
       {{"8.6", NO}}},

      // onnx/onnx-tensorrt#330: "No importer registered for op: LSTM" on TensorRT 6; the maintainer answers that
      // LSTM import was added in 7.0 (so the 7.2 parser has it).
      {"lstm-7.2", [] { return lstm(1); }, {{"7.2", OK}}},

      // NVIDIA/TensorRT#1417: a Keras bidirectional LSTM on 8.0 whose reverse-direction activation parameters
      // differ from the forward ones: "The parser does not currently support cases where activations for the
      // reverse pass of the LSTM do not match the forward pass."
      {"lstm-bidirectional-alpha-mismatch-8.0", [] { return lstm(2, {0.2, 1, 1, 0.1, 1, 1}); }, {{"8.0", NO}}},

      // NVIDIA/TensorRT#1883: bfloat16 inference request; the maintainer answers that BF16 is in 9.2. Before that
      // the parser has no BF16 type, so a Cast to BFLOAT16 cannot be imported (8.6-GA's type conversion lacks it).
      {"cast-to-bfloat16",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {4});
         set_attr(b.node("Cast", {"x"}, {"h"}, "n"), "to", std::int64_t{kBfloat16});
         set_attr(b.node("Cast", {"h"}, {"y"}, "back"), "to", std::int64_t{kFloat});
         b.output("y");
         return b;
       },
       {{"8.6", NO}, {"9.2", OK}}},

      // onnx/tensorflow-onnx#2248: a tf2onnx nearest Resize (tf_half_pixel_for_nn, nearest_mode=floor) on 8.6.1:
      // "This version of TensorRT only support round_prefer_floor nearest mode in tf_half_pixel_for_nn!" (also
      // onnx/onnx-tensorrt#913).
      {"resize-tf-half-pixel-floor-8.6",
       [] {
         auto b = resize_scales(13, "nearest", {1, 1, 2, 2});
         auto& n = *b.graph().mutable_node(0);
         set_attr(n, "coordinate_transformation_mode", "tf_half_pixel_for_nn");
         set_attr(n, "nearest_mode", "floor");
         return b;
       },
       {{"8.6", NO}}},

      // onnx/onnx-tensorrt#649: TF Faster R-CNN on 7.2.1 (20.11 container): a linear Resize given output sizes
      // with a transformation mode other than half_pixel / pytorch_half_pixel / align_corners is refused ("TensorRT
      // only supports ... modes for linear resizes when sizes are provided!").
      {"resize-linear-sizes-asymmetric-7.2",
       [] {
         ModelBuilder b(12);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.initializer("roi", kFloat, {0}, {});
         b.initializer("scales", kFloat, {0}, {});
         b.initializer("sizes", kInt64, {4}, {1, 3, 16, 16});
         auto& n = b.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"}, "n");
         set_attr(n, "mode", "linear");
         set_attr(n, "coordinate_transformation_mode", "asymmetric");
         b.output("y");
         return b;
       },
       {{"7.2", NO}}},

      // onnx/onnx-tensorrt#975 (10.1 GA release note: "Added support for DeformConv operation"); the 10.0-GA
      // importer has no DeformConv.
      {"deformconv",
       [] {
         ModelBuilder b(19);
         b.input("x", kFloat, {1, 2, 8, 8});
         b.initializer("w", kFloat, {2, 2, 3, 3}, std::vector<double>(36, 0.1));
         b.input("off", kFloat, {1, 18, 6, 6});
         set_attr(b.node("DeformConv", {"x", "w", "off"}, {"y"}, "n"), "kernel_shape", std::vector<std::int64_t>{3, 3});
         b.output("y");
         return b;
       },
       {{"10.0", NO, "TRT_NO_IMPORTER"}, {"10.1", OK}}},

      // microsoft/onnxruntime#11806: a tf2onnx SSD-MobileNet whose image input is UINT8, on TensorRT 8.0.1.6:
      // "Unsupported ONNX data type: UINT8 (2)" when the parser imports the graph input. The 8.0 type conversion
      // has no UINT8; 8.5-GA and later map it to TensorRT's UINT8, which a Cast may consume (code).
      {"uint8-graph-input",
       [] {
         ModelBuilder b(11);
         b.input("img", kUint8, {1, 3, 8, 8});
         set_attr(b.node("Cast", {"img"}, {"y"}, "n"), "to", std::int64_t{kFloat});
         b.output("y");
         return b;
       },
       {{"8.0", NO}, {"8.6", OK}},
       true},

      // onnx/onnx-tensorrt#863: SequenceConstruct / SequenceAt on TensorRT 8.0.4; the maintainer answers there is no
      // plan to support sequence ops (no release's importer has them).
      {"sequenceconstruct-8.0",
       [] {
         ModelBuilder b(11);
         b.input("a", kFloat, {2, 3});
         b.input("c", kFloat, {2, 3});
         b.initializer("pos", kInt64, {}, {1});
         b.node("SequenceConstruct", {"a", "c"}, {"seq"}, "n");
         b.node("SequenceAt", {"seq", "pos"}, {"y"}, "at");
         b.output("y");
         return b;
       },
       {{"8.0", NO, "TRT_NO_IMPORTER"}}},

      // NVIDIA/TensorRT#2891 (yolov5 export, 8.2.5.1), pytorch/pytorch#90460 (8.2.5.1), CoinCheung/BiSeNet#262
      // (8.2.3): "Resize scales must be an initializer!" for a Resize whose scales are computed. release/8.4-GA
      // accepts computed scales (code).
      {"resize-computed-scales-8.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.input("s", kFloat, {4});
         b.node("Identity", {"s"}, {"scales"}, "id");
         auto& n = b.node("Resize", {"x", "", "scales"}, {"y"}, "n");
         set_attr(n, "mode", "nearest");
         set_attr(n, "coordinate_transformation_mode", "asymmetric");
         set_attr(n, "nearest_mode", "floor");
         b.output("y");
         return b;
       },
       {{"8.2", NO, "TRT_RESIZE_SCALES_NOT_CONSTANT"}, {"8.4", OK}}},

      // onnx/onnx-tensorrt#918: TopK over an INT32 tensor on 8.5.2 (NGC container) fails in notInvalidType ("Found
      // invalid input type of INT32"), and the same layer fails on 8.4.1; lix19937/tensorrt-insight#57 repeats it
      // for 8.5.1. release/8.6-GA casts INT32 input to FLOAT instead (code).
      {"topk-int32-input",
       [] {
         ModelBuilder b(11);
         b.input("x", kInt32, {4, 16});
         b.initializer("k", kInt64, {1}, {3});
         set_attr(b.node("TopK", {"x", "k"}, {"v", "i"}, "n"), "axis", std::int64_t{1});
         b.output("v");
         b.output("i");
         return b;
       },
       {{"8.4", NO, "TRT_TOPK_INT32_INPUT"}, {"8.5", NO, "TRT_TOPK_INT32_INPUT"}, {"8.6", OK}}},

      // onnx/onnx-tensorrt#847: a Pad with negative constant pads on 8.4.0 fails in importPad ("Failed to convert
      // padding!": the padding converter refuses negative values).
      {"pad-negative-8.4",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.initializer("pads", kInt64, {8}, {0, 0, -1, -1, 0, 0, -1, -1});
         set_attr(b.node("Pad", {"x", "pads"}, {"y"}, "n"), "mode", "constant");
         b.output("y");
         return b;
       },
       {{"8.4", NO, "TRT_PAD_NEGATIVE"}}},

      // NVIDIA/TensorRT#670: "The input pads is required to be an initializer." for pads computed from the input
      // shape (that assertion text exists only in release/8.0's importPad); the user reports 8.2 parses it.
      {"pad-computed-pads",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.node("Shape", {"x"}, {"s"}, "shape");
         b.node("Sub", {"s", "s"}, {"z"}, "zero");
         set_attr(b.node("Concat", {"z", "z"}, {"pads"}, "cat"), "axis", std::int64_t{0});
         set_attr(b.node("Pad", {"x", "pads"}, {"y"}, "n"), "mode", "constant");
         b.output("y");
         return b;
       },
       {{"8.0", NO, "TRT_PAD_PADS_NOT_CONSTANT"}, {"8.2", OK}}},

      // onnx/onnx-tensorrt#670 (7.2.1, a tf2onnx opset-13 model; also #742 on 7.1.3): the parser stops with
      // "Attribute not found: axes". At the release/7.2.1 tag, Squeeze and Unsqueeze read `axes` only as an
      // attribute without a default, so an opset-13 Unsqueeze (axes as input) fails there; release/8.0 reads the
      // input (code).
      {"unsqueeze-opset13-7.2",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {3, 4});
         b.initializer("axes", kInt64, {1}, {1});
         b.node("Unsqueeze", {"x", "axes"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_UNSQUEEZE_AXES_ATTRIBUTE_REQUIRED"}, {"8.0", OK}}},

      // NVIDIA/TensorRT#2534: a ParSeq export on 8.5: "Error[3]: /ArgMax: at least 2 dimensions are required for
      // input" (TensorRT's TopK layer needs rank >= 2; the parser reshapes 1-D inputs for TopK but not for ArgMax).
      {"argmax-1d-8.5",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {16});
         auto& n = b.node("ArgMax", {"x"}, {"y"}, "n");
         set_attr(n, "axis", std::int64_t{-1});
         set_attr(n, "keepdims", std::int64_t{0});
         b.output("y");
         return b;
       },
       {{"8.5", NO, "TRT_ARGMAX_1D_INPUT"}}},

      // onnx/onnx-tensorrt#803 (maintainer, 2022-02): ArgMin over axis 0 of a 5-D tensor fails "computing output
      // extent": TensorRT's TopK layer reduces only one of the last four dimensions.
      {"argmin-5d-axis0-8.2",
       [] {
         ModelBuilder b(13);
         b.input("x", kFloat, {2, 3, 4, 5, 6});
         set_attr(b.node("ArgMin", {"x"}, {"y"}, "n"), "axis", std::int64_t{0});
         b.output("y");
         return b;
       },
       {{"8.2", NO, "TRT_ARGMIN_AXIS_NOT_LAST_FOUR"}}},

      // onnx/onnx-tensorrt#786: on 8.2.1 the parser still asserts that ArgMax/ArgMin input is not INT32; 8.6-GA
      // computes INT32 input in FP32 (code).
      {"argmax-int32-8.2",
       [] {
         ModelBuilder b(13);
         b.input("x", kInt32, {2, 16});
         set_attr(b.node("ArgMax", {"x"}, {"y"}, "n"), "axis", std::int64_t{1});
         b.output("y");
         return b;
       },
       {{"8.2", NO, "TRT_ARGMAX_INT32_INPUT"}, {"8.6", OK}}},

      // onnx/onnx-tensorrt#455 (maintainer, 2020-12): "In function importTopK: Assertion failed:
      // inputs.at(1).is_weights()"; TensorRT takes only a constant K (7.x).
      {"topk-runtime-k-7.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {2, 16});
         b.input("k", kInt64, {1});
         b.node("TopK", {"x", "k"}, {"v", "i"}, "n");
         b.output("v");
         b.output("i");
         return b;
       },
       {{"7.2", NO}}},

      // NVIDIA/TensorRT#439 (Release: 7.x): nn.ConstantPad2d exported at opset 11 with computed pads: "In function
      // importPad: Assertion failed: inputs.at(1).is_weights()"; the 8.2-GA importer accepts computed pads.
      {"pad-runtime-pads-7.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.input("pads", kInt64, {8});
         b.node("Pad", {"x", "pads"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_PAD_PADS_NOT_CONSTANT"}, {"8.2", OK}}},

      // NVIDIA/TensorRT#1019 (7.1) and onnx/onnx-tensorrt#321 (maintainer: non-zero constant padding from 8.2):
      // "This version of TensorRT only supports constant 0 padding!" for a PyTorch reflection pad.
      {"pad-reflect-before-8.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.initializer("pads", kInt64, {8}, {0, 0, 1, 1, 0, 0, 1, 1});
         set_attr(b.node("Pad", {"x", "pads"}, {"y"}, "n"), "mode", "reflect");
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_PAD_MODE"}, {"8.0", NO, "TRT_PAD_MODE"}, {"8.2", OK}}},

      // onnx/onnx-tensorrt#378 (comment, 2021-02, a TensorFlow NHWC export): "This version of TensorRT only supports
      // padding on the outer two dimensions!" when H and W (dims 1 and 2) are padded; 8.0 transposes two padded
      // dimensions to the end (code).
      {"pad-nhwc-7.2",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 8, 8, 3});
         b.initializer("pads", kInt64, {8}, {0, 1, 1, 0, 0, 1, 1, 0});
         b.node("Pad", {"x", "pads"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_PAD_DIMS"}, {"8.0", OK}}},

      // onnx/onnx-tensorrt#599 (TensorRT 7.2.1, CTPN; maintainer: dynamic ReverseSequence dimensions are not
      // supported). 7.2.1 has no ReverseSequence importer at all; 8.0 .. 8.5 refuse it when the batch size is
      // dynamic (code), 8.6 accepts it.
      {"reversesequence-dynamic",
       [] {
         ModelBuilder b(10);
         dynamic_input(b, "x", kFloat, {-1, -1, 64});
         dynamic_input(b, "len", kInt64, {-1});
         auto& n = b.node("ReverseSequence", {"x", "len"}, {"y"}, "n");
         set_attr(n, "batch_axis", std::int64_t{1});
         set_attr(n, "time_axis", std::int64_t{0});
         b.output("y");
         return b;
       },
       {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.2", NO, "TRT_REVERSESEQUENCE_DYNAMIC_BATCH"}, {"8.6", OK}}},
      // --- Added in session 6 (shape-tensor provenance, 8.x-10.x releases) ---

      // NVIDIA/TensorRT#2968 (a maintainer reproduces on 8.6.1) and facebookresearch/segment-anything#425: "network
      // input that is shape tensor must have type Int32" for the FLOAT input orig_im_size, failing the Slice that
      // consumes it while parsing.
      {"sam-float-shape-input-8.6", slice_ends_from_float_input, {{"8.6", NO, "TRT_SHAPE_INPUT_NOT_INT"}}},

      // NVIDIA/TensorRT#1890: on 8.2 "Round: IUnaryLayer cannot be used to compute a shape tensor" for a Round that
      // computes a resize size (TF2 object-detection export). The 8.2 parser's supportsShapeTensor leaves unary
      // layers out (code).
      {"round-shape-tensor-8.2", resize_size_rounded, {{"8.2", NO, "TRT_SHAPE_TENSOR_PRODUCER"}}},

      // marcoslucianops/DeepStream-Yolo-Seg#1: the RoiAlign node of a YOLOv8-seg export fails on TensorRT 8.4.1
      // (no importer, no plugin); the user cites the 8.5.1 release notes, which add RoiAlign through a plugin.
      {"roialign-8.4-8.5",
       [] {
         ModelBuilder b(16);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.input("rois", kFloat, {2, 4});
         b.input("idx", kInt64, {2});
         b.node("RoiAlign", {"x", "rois", "idx"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},

      // Tau-J/rtmlib#12: "This version of TensorRT only supports input K as an initializer" for RTMDet's TopK on
      // TensorRT 8.5.1.7; a reply says to update to 8.6 and the user confirms it worked (8.6 EA changelog: dynamic K).
      {"topk-runtime-k-8.5-8.6",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {1, 100});
         b.input("k", kInt64, {1});
         b.node("TopK", {"x", "k"}, {"v", "i"}, "n");
         b.output("v");
         b.output("i");
         return b;
       },
       {{"8.5", NO}, {"8.6", OK}}},

      // NVIDIA/TensorRT#2196 (2022, 8.4 era): users ask for IsInf; the onnx-tensorrt 8.6 EA release notes add it.
      {"isinf-8.5-8.6", [] { return single("IsInf", 10); }, {{"8.5", NO, "TRT_NO_IMPORTER"}, {"8.6", OK}}},

      // onnx/onnx-tensorrt#879 (the 8.5 GA release, by a maintainer): adds RandomNormal, RandomUniform,
      // MeanVarianceNormalization, RoiAlign, Mod, Trilu, GridSample and NonZero; 8.4 has none of them.
      {"meanvariancenormalization-8.4-8.5",
       [] { return single("MeanVarianceNormalization", 13, {1, 3, 4, 4}); },
       {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},
      {"trilu-8.4-8.5", [] { return single("Trilu", 14, {4, 4}); }, {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},
      {"randomnormallike-8.4-8.5",
       [] { return single("RandomNormalLike", 1, {2, 3}); },
       {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK}}},

      // onnx/onnx-tensorrt changelog, 8.2 EA (maintainers): adds Einsum, IsNan, GatherND, Scatter, ScatterElements,
      // ScatterND, Sign and Round; the 8.0 tag has no importer for them (code).
      {"gathernd-8.0-8.2",
       [] {
         ModelBuilder b(12);
         b.input("x", kFloat, {2, 2});
         b.initializer("i", kInt64, {2, 2}, {0, 0, 1, 1});
         b.node("GatherND", {"x", "i"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.0", NO, "TRT_NO_IMPORTER"}, {"8.2", OK}}},
      {"isnan-8.0-8.2", [] { return single("IsNaN", 13); }, {{"8.0", NO, "TRT_NO_IMPORTER"}, {"8.2", OK}}},

      // onnx/onnx-tensorrt changelog, 8.4 GA (maintainers): adds Shrink and Xor; the 8.2-GA tag has neither (code).
      {"shrink-8.2-8.4", [] { return single("Shrink", 9); }, {{"8.2", NO, "TRT_NO_IMPORTER"}, {"8.4", OK}}},
      {"xor-8.2-8.4",
       [] {
         ModelBuilder b(7);
         b.input("a", kBool, {4});
         b.input("c", kBool, {4});
         b.node("Xor", {"a", "c"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"8.2", NO, "TRT_NO_IMPORTER"}, {"8.4", OK}}},

      // onnx/onnx-tensorrt changelog, 21.02/21.03 containers (after the 7.2.1 tag): Celu and EyeLike importers;
      // the 7.2.1 tag has neither, the 8.0 tag has both (code).
      {"celu-7.2-8.0", [] { return single("Celu", 12); }, {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.0", OK}}},
      {"eyelike-7.2-8.0", [] { return single("EyeLike", 9, {3, 3}); }, {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.0", OK}}},

      // onnx/onnx-tensorrt changelog, 9.2 GA (maintainers): adds Hardmax (the 9.1 branch has no importer, code).
      {"hardmax-9.1-9.2", [] { return single("Hardmax", 13); }, {{"9.1", NO, "TRT_NO_IMPORTER"}, {"9.2", OK}}},

      // onnx/onnx-tensorrt changelog, 10.0 EA (maintainers): adds the `wrap` padding mode.
      {"pad-wrap-9.3-10.0",
       [] {
         ModelBuilder b(19);
         b.input("x", kFloat, {1, 3, 8, 8});
         b.initializer("pads", kInt64, {8}, {0, 0, 1, 1, 0, 0, 1, 1});
         set_attr(b.node("Pad", {"x", "pads"}, {"y"}, "n"), "mode", "wrap");
         b.output("y");
         return b;
       },
       {{"9.3", NO}, {"10.0", OK}}},

      // onnx/onnx-tensorrt changelog, 10.4 GA (maintainers): adds BlackmanWindow, HammingWindow and HannWindow.
      {"hannwindow-10.3-10.4",
       [] {
         ModelBuilder b(17);
         b.initializer("size", kInt64, {}, {16});
         b.node("HannWindow", {"size"}, {"y"}, "n");
         b.output("y");
         return b;
       },
       {{"10.3", NO, "TRT_NO_IMPORTER"}, {"10.4", OK}}},

      // onnx/onnx-tensorrt changelog, 10.4 GA (maintainers): "support for tensor axes for Pad" (opset-18 axes
      // computed at run time); 10.0-10.3 ask for an initializer (10.1-GA importPad, code).
      {"pad-runtime-axes-10.3-10.4",
       pad_runtime_axes,
       {{"10.1", NO, "TRT_PAD_AXES_NOT_CONSTANT"}, {"10.3", NO, "TRT_PAD_AXES_NOT_CONSTANT"}, {"10.4", OK}}},

      // onnx/onnx-tensorrt#1044: "In node 222 with name: n4 and operator: SequenceEmpty (checkSequenceEmpty):
      // UNSUPPORTED_NODE" with torch_tensorrt 2.9.0 (which ships TensorRT 10.13).
      {"sequenceempty-10.13",
       [] {
         ModelBuilder b(11);
         b.input("x", kFloat, {2});
         b.node("SequenceEmpty", {}, {"s"}, "n");
         b.node("SequenceInsert", {"s", "x"}, {"s2"}, "ins");
         b.node("ConcatFromSequence", {"s2"}, {"y"}, "cat");
         set_attr(*b.proto().mutable_graph()->mutable_node(2), "axis", std::int64_t{0});
         b.output("y");
         return b;
       },
       {{"10.13", NO}}},
  };
  return all;
}

struct Outcome {
  bool agrees;
  std::string detail;
};

Outcome run_row(const ModelIndex& index, const Row& row, bool whole_model) {
  Analysis a = check(index, row.release);
  if (whole_model) {
    std::string detail = a.summary.model_convertible ? "model converts" : "model refused";
    for (const auto& i : a.model_issues) detail += std::string("; ") + (i.error ? "error " : "issue ") + i.code;
    bool agrees = a.summary.model_convertible == (row.status != NO);
    if (agrees && *row.code) agrees = has_model_issue(a, row.code);
    return {agrees, detail};
  }
  const auto& v = verdict(index, a, "n");
  std::string detail = std::string("status ") + std::string(status_name(v.status));
  for (const auto& r : v.reasons) detail += "; reason " + r.code;
  for (const auto& w : v.warnings) detail += "; warning " + w.code;
  bool agrees = v.status == row.status;
  if (agrees && *row.code) agrees = has_reason(v, row.code);
  return {agrees, detail};
}

TEST(PublicReports, EveryCaseMatchesTheReportOrIsAKnownGap) {
  int pass = 0, gaps = 0, failures = 0;
  std::set<std::string> seen_gap_keys;
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.id);
    auto index = index_of(c.model());
    ASSERT_NE(index, nullptr);
    bool all_agree = true, has_gap = false;
    for (const auto& row : c.rows) {
      const std::string key = std::string(c.id) + "@" + row.release;
      const auto gap = kKnownGaps.find(key);
      const Outcome out = run_row(*index, row, c.whole_model);
      const std::string want = std::string(status_name(row.status)) + (*row.code ? std::string(" ") + row.code : "");
      if (gap != kKnownGaps.end()) {
        seen_gap_keys.insert(key);
        has_gap = true;
        EXPECT_FALSE(out.agrees) << key << " now matches the report (" << out.detail
                                 << "): remove it from kKnownGaps";
        continue;
      }
      if (!out.agrees) {
        all_agree = false;
        ++failures;
        ADD_FAILURE() << key << ": want " << want << ", got " << out.detail;
      }
    }
    if (has_gap) ++gaps;
    else if (all_agree) ++pass;
  }
  for (const auto& [key, why] : kKnownGaps)
    EXPECT_TRUE(seen_gap_keys.count(key)) << "kKnownGaps names " << key << " which is no case row";
  std::cout << "public reports: " << cases().size() << " cases, " << pass << " pass, " << gaps << " known gaps"
            << (failures ? ", " + std::to_string(failures) + " unexpected failures" : std::string()) << "\n";
}

}  // namespace
}  // namespace trtlens::test
