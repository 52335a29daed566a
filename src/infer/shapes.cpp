#include "infer/shapes.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "onnx/dtype.h"
#include "onnx/graph.h"

namespace trtlens {
namespace {

using Dims = std::vector<std::int64_t>;

enum class Family {
  kSame,        // output 0 has input 0's shape (unary, normalisations, Cast, Softmax, ...)
  kBroadcast,   // numpy broadcast of every input
  kConv, kConvTranspose, kPool, kGlobalPool,
  kMatMul, kGemm, kReshape, kTranspose, kConcat, kSqueeze, kUnsqueeze, kFlatten,
  kShape, kScalar, kReduce, kArgReduce, kGather, kSameRank, kConstantOfShape, kExpand,
};

const std::unordered_map<std::string_view, Family>& families() {
  static const std::unordered_map<std::string_view, Family> table = {
      // unary and shape-preserving
      {"Identity", Family::kSame}, {"Relu", Family::kSame}, {"Sigmoid", Family::kSame}, {"Tanh", Family::kSame},
      {"Abs", Family::kSame}, {"Neg", Family::kSame}, {"Exp", Family::kSame}, {"Log", Family::kSame},
      {"Sqrt", Family::kSame}, {"Reciprocal", Family::kSame}, {"Erf", Family::kSame}, {"Floor", Family::kSame},
      {"Ceil", Family::kSame}, {"Round", Family::kSame}, {"Sign", Family::kSame}, {"Sin", Family::kSame},
      {"Cos", Family::kSame}, {"Tan", Family::kSame}, {"Asin", Family::kSame}, {"Acos", Family::kSame},
      {"Atan", Family::kSame}, {"Sinh", Family::kSame}, {"Cosh", Family::kSame}, {"Asinh", Family::kSame},
      {"Acosh", Family::kSame}, {"Atanh", Family::kSame}, {"Not", Family::kSame}, {"IsNaN", Family::kSame},
      {"IsInf", Family::kSame}, {"Cast", Family::kSame}, {"CastLike", Family::kSame}, {"Softmax", Family::kSame},
      {"LogSoftmax", Family::kSame}, {"Hardmax", Family::kSame}, {"HardSigmoid", Family::kSame},
      {"HardSwish", Family::kSame}, {"LeakyRelu", Family::kSame}, {"Elu", Family::kSame}, {"Selu", Family::kSame},
      {"Celu", Family::kSame}, {"Gelu", Family::kSame}, {"Mish", Family::kSame}, {"Softplus", Family::kSame},
      {"Softsign", Family::kSame}, {"ThresholdedRelu", Family::kSame}, {"Shrink", Family::kSame},
      {"Clip", Family::kSame}, {"Dropout", Family::kSame}, {"BatchNormalization", Family::kSame},
      {"InstanceNormalization", Family::kSame}, {"LayerNormalization", Family::kSame},
      {"GroupNormalization", Family::kSame}, {"LpNormalization", Family::kSame}, {"LRN", Family::kSame},
      {"MeanVarianceNormalization", Family::kSame}, {"CumSum", Family::kSame}, {"Trilu", Family::kSame},
      {"QuantizeLinear", Family::kSame}, {"DequantizeLinear", Family::kSame}, {"ReverseSequence", Family::kSame},
      {"BitwiseNot", Family::kSame}, {"RMSNormalization", Family::kSame}, {"Swish", Family::kSame},
      // broadcast
      {"Add", Family::kBroadcast}, {"Sub", Family::kBroadcast}, {"Mul", Family::kBroadcast},
      {"Div", Family::kBroadcast}, {"Pow", Family::kBroadcast}, {"Mod", Family::kBroadcast},
      {"Max", Family::kBroadcast}, {"Min", Family::kBroadcast}, {"Sum", Family::kBroadcast},
      {"Mean", Family::kBroadcast}, {"Equal", Family::kBroadcast}, {"Greater", Family::kBroadcast},
      {"Less", Family::kBroadcast}, {"GreaterOrEqual", Family::kBroadcast}, {"LessOrEqual", Family::kBroadcast},
      {"And", Family::kBroadcast}, {"Or", Family::kBroadcast}, {"Xor", Family::kBroadcast},
      {"Where", Family::kBroadcast}, {"PRelu", Family::kBroadcast}, {"BitwiseAnd", Family::kBroadcast},
      {"BitwiseOr", Family::kBroadcast}, {"BitwiseXor", Family::kBroadcast}, {"BitShift", Family::kBroadcast},
      // structured
      {"Conv", Family::kConv}, {"ConvInteger", Family::kConv}, {"QLinearConv", Family::kConv},
      {"ConvTranspose", Family::kConvTranspose}, {"MaxPool", Family::kPool}, {"AveragePool", Family::kPool},
      {"LpPool", Family::kPool}, {"GlobalAveragePool", Family::kGlobalPool}, {"GlobalMaxPool", Family::kGlobalPool},
      {"GlobalLpPool", Family::kGlobalPool}, {"MatMul", Family::kMatMul}, {"MatMulInteger", Family::kMatMul},
      {"Gemm", Family::kGemm}, {"Reshape", Family::kReshape}, {"Transpose", Family::kTranspose},
      {"Concat", Family::kConcat}, {"Squeeze", Family::kSqueeze}, {"Unsqueeze", Family::kUnsqueeze},
      {"Flatten", Family::kFlatten}, {"Shape", Family::kShape}, {"Size", Family::kScalar},
      {"ReduceMean", Family::kReduce}, {"ReduceSum", Family::kReduce}, {"ReduceMax", Family::kReduce},
      {"ReduceMin", Family::kReduce}, {"ReduceProd", Family::kReduce}, {"ReduceL1", Family::kReduce},
      {"ReduceL2", Family::kReduce}, {"ReduceLogSum", Family::kReduce}, {"ReduceLogSumExp", Family::kReduce},
      {"ReduceSumSquare", Family::kReduce}, {"ArgMax", Family::kArgReduce}, {"ArgMin", Family::kArgReduce},
      {"Gather", Family::kGather}, {"Slice", Family::kSameRank}, {"Split", Family::kSameRank},
      {"Pad", Family::kSameRank}, {"Resize", Family::kSameRank}, {"Upsample", Family::kSameRank},
      {"Tile", Family::kSameRank}, {"TopK", Family::kSameRank}, {"DepthToSpace", Family::kSameRank},
      {"SpaceToDepth", Family::kSameRank}, {"GatherElements", Family::kSameRank},
      {"ConstantOfShape", Family::kConstantOfShape}, {"Expand", Family::kExpand},
  };
  return table;
}

std::int64_t int_attr(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback) {
  const auto* a = find_attribute(node, name);
  return a && a->has_i() ? a->i() : fallback;
}

std::optional<Dims> ints_attr(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = find_attribute(node, name);
  if (!a) return std::nullopt;
  return Dims(a->ints().begin(), a->ints().end());
}

// Integer values of a small embedded constant (shapes, axes); nullopt when not constant, external or too big.
std::optional<Dims> constant_ints(const TensorInfo* t) {
  if (!t || !t->value()) return std::nullopt;
  const onnx::TensorProto& v = *t->value();
  if (v.data_location() == onnx::TensorProto::EXTERNAL) return std::nullopt;
  const int dtype = v.data_type();
  if (dtype != kInt64 && dtype != kInt32) return std::nullopt;
  Dims out;
  if (!v.raw_data().empty()) {
    const std::size_t width = dtype == kInt64 ? 8 : 4;
    const std::size_t n = v.raw_data().size() / width;
    if (n > 64) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) {
      if (dtype == kInt64) {
        std::int64_t x;
        std::memcpy(&x, v.raw_data().data() + i * 8, 8);
        out.push_back(x);
      } else {
        std::int32_t x;
        std::memcpy(&x, v.raw_data().data() + i * 4, 4);
        out.push_back(x);
      }
    }
  } else if (dtype == kInt64) {
    if (v.int64_data_size() > 64) return std::nullopt;
    out.assign(v.int64_data().begin(), v.int64_data().end());
  } else {
    if (v.int32_data_size() > 64) return std::nullopt;
    out.assign(v.int32_data().begin(), v.int32_data().end());
  }
  return out;
}

// Dimension arithmetic that never overflows: any unknown (-1) or out-of-range result is unknown.
std::int64_t mul_dims(std::int64_t a, std::int64_t b) {
  if (a < 0 || b < 0) return -1;
  if (b != 0 && a > std::numeric_limits<std::int64_t>::max() / b) return -1;
  return a * b;
}
std::int64_t add_dims(std::int64_t a, std::int64_t b) {
  if (a < 0 || b < 0 || a > std::numeric_limits<std::int64_t>::max() - b) return -1;
  return a + b;
}

bool known(const TensorInfo* t) { return t && t->rank >= 0 && static_cast<int>(t->dims.size()) == t->rank; }

// Ranks come from tensor contents (a shape input's length), so a corrupt model could ask for any number.
constexpr std::int64_t kMaxRank = 64;
InferredShape of_rank(std::int64_t rank) {
  if (rank < 0 || rank > kMaxRank) return {};
  return {static_cast<int>(rank), Dims(static_cast<std::size_t>(rank), -1)};
}
InferredShape of_dims(Dims dims) { return {static_cast<int>(dims.size()), std::move(dims)}; }

// Normalises a possibly negative axis; -1 when out of range.
int axis_of(std::int64_t axis, int rank) {
  if (axis < 0) axis += rank;
  return axis < 0 || axis >= rank ? -1 : static_cast<int>(axis);
}

std::optional<InferredShape> broadcast(const std::vector<const TensorInfo*>& inputs) {
  int rank = 0;
  for (const auto* t : inputs) {
    if (!known(t)) return std::nullopt;
    rank = std::max(rank, t->rank);
  }
  Dims dims(static_cast<std::size_t>(rank), 1);
  for (const auto* t : inputs) {
    const int shift = rank - t->rank;
    for (int i = 0; i < t->rank; ++i) {
      std::int64_t& d = dims[static_cast<std::size_t>(i + shift)];
      const std::int64_t x = t->dims[static_cast<std::size_t>(i)];
      if (x == 1) continue;
      d = (d == 1 || d == x) ? x : -1;
    }
  }
  return of_dims(std::move(dims));
}

// Spatial output size of a convolution/pooling window; -1 when anything is unknown.
std::int64_t window_out(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                        std::int64_t pad, const std::string& auto_pad, bool ceil_mode) {
  constexpr std::int64_t kSane = std::int64_t{1} << 40;  // beyond this an attribute is corrupt, not a model
  if (in < 0 || kernel <= 0 || stride <= 0 || in > kSane || kernel > kSane || stride > kSane || dilation <= 0 ||
      dilation > kSane || pad < -kSane || pad > kSane)
    return -1;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return (in + stride - 1) / stride;
  const std::int64_t effective = (kernel - 1) * dilation + 1;
  const std::int64_t span = in + pad - effective;
  if (span < 0) return -1;
  return (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
}

std::optional<InferredShape> conv_like(const onnx::NodeProto& node, const TensorInfo* x, const TensorInfo* w,
                                       Family family) {
  if (!known(x) || x->rank < 3) return x && x->rank >= 0 ? std::optional(of_rank(x->rank)) : std::nullopt;
  const int spatial = x->rank - 2;
  Dims dims(static_cast<std::size_t>(x->rank), -1);
  dims[0] = x->dims[0];
  auto kernel = ints_attr(node, "kernel_shape");
  if (!kernel && known(w) && w->rank == x->rank) kernel = Dims(w->dims.begin() + 2, w->dims.end());
  if (family == Family::kPool) dims[1] = x->dims[1];
  // W's rank is the file's claim: a scalar or vector W (invalid, but readable) must not be indexed past its dims.
  else if (family == Family::kConv && known(w) && w->rank >= 1) dims[1] = w->dims[0];
  else if (family == Family::kConvTranspose && known(w) && w->rank >= 2) {
    const std::int64_t group = int_attr(node, "group", 1);
    dims[1] = mul_dims(w->dims[1], group);
  }
  if (family == Family::kConvTranspose) {
    if (auto shape = ints_attr(node, "output_shape"); shape && static_cast<int>(shape->size()) == spatial)
      std::copy(shape->begin(), shape->end(), dims.begin() + 2);
    return of_dims(std::move(dims));  // other spatial sizes need output_padding arithmetic: left unknown
  }
  if (!kernel || static_cast<int>(kernel->size()) != spatial) return of_dims(std::move(dims));
  const auto strides = ints_attr(node, "strides").value_or(Dims(static_cast<std::size_t>(spatial), 1));
  const auto dilations = ints_attr(node, "dilations").value_or(Dims(static_cast<std::size_t>(spatial), 1));
  const auto pads = ints_attr(node, "pads").value_or(Dims(static_cast<std::size_t>(2 * spatial), 0));
  const auto* auto_pad_attr = find_attribute(node, "auto_pad");
  const std::string auto_pad = auto_pad_attr ? auto_pad_attr->s() : "NOTSET";
  const bool ceil_mode = int_attr(node, "ceil_mode", 0) != 0;
  if (static_cast<int>(strides.size()) != spatial || static_cast<int>(dilations.size()) != spatial ||
      static_cast<int>(pads.size()) != 2 * spatial)
    return of_dims(std::move(dims));
  for (int i = 0; i < spatial; ++i) {
    const auto s = static_cast<std::size_t>(i);
    dims[s + 2] = window_out(x->dims[s + 2], (*kernel)[s], strides[s], dilations[s],
                             pads[s] + pads[s + static_cast<std::size_t>(spatial)], auto_pad, ceil_mode);
  }
  return of_dims(std::move(dims));
}

std::optional<InferredShape> matmul(const TensorInfo* a, const TensorInfo* b) {
  if (!known(a) || !known(b) || a->rank == 0 || b->rank == 0) return std::nullopt;
  Dims da = a->dims, db = b->dims;
  const bool a_vec = da.size() == 1, b_vec = db.size() == 1;
  if (a_vec) da.insert(da.begin(), 1);
  if (b_vec) db.push_back(1);
  TensorInfo batch_a, batch_b;
  batch_a.dims.assign(da.begin(), da.end() - 2);
  batch_a.rank = static_cast<int>(batch_a.dims.size());
  batch_b.dims.assign(db.begin(), db.end() - 2);
  batch_b.rank = static_cast<int>(batch_b.dims.size());
  auto batch = broadcast({&batch_a, &batch_b});
  Dims dims = batch->dims;
  if (!a_vec) dims.push_back(da[da.size() - 2]);
  if (!b_vec) dims.push_back(db.back());
  return of_dims(std::move(dims));
}

std::optional<InferredShape> reshape(const onnx::NodeProto& node, const TensorInfo* data, const TensorInfo* shape) {
  auto target = constant_ints(shape);
  if (!target) {
    if (known(shape) && shape->rank == 1 && shape->dims[0] >= 0) return of_rank(shape->dims[0]);
    return std::nullopt;
  }
  const bool allow_zero = int_attr(node, "allowzero", 0) != 0;
  Dims dims = *target;
  int infer_at = -1;
  std::int64_t product = 1;
  bool product_known = true;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && !allow_zero)
      dims[i] = known(data) && i < data->dims.size() ? data->dims[i] : -1;
    if (target->at(i) == -1) {
      infer_at = static_cast<int>(i);
      continue;
    }
    if (dims[i] < 0) product_known = false;
    else product = mul_dims(product, dims[i]);
    if (product < 0) product_known = false;
  }
  if (infer_at >= 0) {
    std::int64_t total = known(data) ? 1 : -1;
    if (known(data))
      for (auto d : data->dims) total = mul_dims(total, d);
    dims[static_cast<std::size_t>(infer_at)] = total >= 0 && product_known && product > 0 ? total / product : -1;
  }
  return of_dims(std::move(dims));
}

std::optional<Dims> axes_of(const ModelIndex& index, int node_index, const onnx::NodeProto& node, int input) {
  if (auto a = ints_attr(node, "axes")) return a;
  if (node.input_size() > input && !node.input(input).empty())
    return constant_ints(index.input(node_index, input));
  return std::nullopt;
}

std::optional<InferredShape> reduce(const ModelIndex& index, int node_index, const onnx::NodeProto& node,
                                    const TensorInfo* x) {
  if (!known(x)) return std::nullopt;
  const bool keep = int_attr(node, "keepdims", 1) != 0;
  const bool has_axes_input = node.input_size() > 1 && !node.input(1).empty();
  auto axes = axes_of(index, node_index, node, 1);
  if (!axes && has_axes_input) return keep ? std::optional(of_rank(x->rank)) : std::nullopt;
  std::vector<char> reduced(static_cast<std::size_t>(x->rank), 0);
  if (!axes || axes->empty()) {
    if (axes && int_attr(node, "noop_with_empty_axes", 0) != 0) return of_dims(x->dims);
    std::fill(reduced.begin(), reduced.end(), 1);
  } else {
    for (auto a : *axes) {
      const int ax = axis_of(a, x->rank);
      if (ax < 0) return std::nullopt;
      reduced[static_cast<std::size_t>(ax)] = 1;
    }
  }
  Dims dims;
  for (int i = 0; i < x->rank; ++i) {
    if (!reduced[static_cast<std::size_t>(i)]) dims.push_back(x->dims[static_cast<std::size_t>(i)]);
    else if (keep) dims.push_back(1);
  }
  return of_dims(std::move(dims));
}

std::optional<InferredShape> squeeze(const ModelIndex& index, int node_index, const onnx::NodeProto& node,
                                     const TensorInfo* x) {
  if (!known(x)) return std::nullopt;
  auto axes = axes_of(index, node_index, node, 1);
  const bool has_axes_input = node.input_size() > 1 && !node.input(1).empty();
  Dims dims;
  if (!axes && !has_axes_input) {  // no axes: every dimension of size 1 goes
    for (auto d : x->dims) {
      if (d < 0) return std::nullopt;
      if (d != 1) dims.push_back(d);
    }
    return of_dims(std::move(dims));
  }
  if (!axes) return std::nullopt;
  std::vector<char> drop(static_cast<std::size_t>(x->rank), 0);
  for (auto a : *axes) {
    const int ax = axis_of(a, x->rank);
    if (ax < 0) return std::nullopt;
    drop[static_cast<std::size_t>(ax)] = 1;
  }
  for (int i = 0; i < x->rank; ++i)
    if (!drop[static_cast<std::size_t>(i)]) dims.push_back(x->dims[static_cast<std::size_t>(i)]);
  return of_dims(std::move(dims));
}

std::optional<InferredShape> unsqueeze(const ModelIndex& index, int node_index, const onnx::NodeProto& node,
                                       const TensorInfo* x) {
  if (!known(x)) return std::nullopt;
  auto axes = axes_of(index, node_index, node, 1);
  if (!axes) return std::nullopt;
  const int rank = x->rank + static_cast<int>(axes->size());
  std::vector<char> inserted(static_cast<std::size_t>(rank), 0);
  for (auto a : *axes) {
    const int ax = axis_of(a, rank);
    if (ax < 0) return std::nullopt;
    inserted[static_cast<std::size_t>(ax)] = 1;
  }
  Dims dims;
  std::size_t next = 0;
  for (int i = 0; i < rank; ++i)
    dims.push_back(inserted[static_cast<std::size_t>(i)] ? 1 : (next < x->dims.size() ? x->dims[next++] : -1));
  return of_dims(std::move(dims));
}

std::optional<InferredShape> infer(const ModelIndex& index, int node_index, Family family) {
  const auto& node = *index.nodes()[static_cast<std::size_t>(node_index)].proto;
  auto in = [&](int i) { return index.input(node_index, i); };
  const TensorInfo* x = in(0);
  switch (family) {
    case Family::kSame:
      return known(x) ? std::optional(of_dims(x->dims)) : std::nullopt;
    case Family::kSameRank:
      return x && x->rank >= 0 ? std::optional(of_rank(x->rank)) : std::nullopt;
    case Family::kBroadcast: {
      std::vector<const TensorInfo*> inputs;
      for (int i = 0; i < node.input_size(); ++i) inputs.push_back(in(i));
      return inputs.empty() ? std::nullopt : broadcast(inputs);
    }
    case Family::kConv: return conv_like(node, x, in(node.op_type() == "QLinearConv" ? 3 : 1), family);
    case Family::kConvTranspose: return conv_like(node, x, in(1), family);
    case Family::kPool: return conv_like(node, x, nullptr, family);
    case Family::kGlobalPool: {
      if (!known(x) || x->rank < 2) return std::nullopt;
      Dims dims(static_cast<std::size_t>(x->rank), 1);
      dims[0] = x->dims[0];
      dims[1] = x->dims[1];
      return of_dims(std::move(dims));
    }
    case Family::kMatMul: return matmul(x, in(1));
    case Family::kGemm: {
      const TensorInfo* b = in(1);
      if (!known(x) || !known(b) || x->rank != 2 || b->rank != 2) return of_rank(2);
      const bool ta = int_attr(node, "transA", 0) != 0, tb = int_attr(node, "transB", 0) != 0;
      return of_dims({x->dims[ta ? 1 : 0], b->dims[tb ? 0 : 1]});
    }
    case Family::kReshape: return reshape(node, x, in(1));
    case Family::kTranspose: {
      if (!known(x)) return std::nullopt;
      Dims perm = ints_attr(node, "perm").value_or(Dims{});
      if (perm.empty())
        for (int i = x->rank - 1; i >= 0; --i) perm.push_back(i);
      if (static_cast<int>(perm.size()) != x->rank) return std::nullopt;
      Dims dims;
      for (auto p : perm) {
        const int ax = axis_of(p, x->rank);
        if (ax < 0) return std::nullopt;
        dims.push_back(x->dims[static_cast<std::size_t>(ax)]);
      }
      return of_dims(std::move(dims));
    }
    case Family::kConcat: {
      if (!known(x)) return std::nullopt;
      const int ax = axis_of(int_attr(node, "axis", 0), x->rank);
      if (ax < 0) return std::nullopt;
      Dims dims = x->dims;
      for (int i = 1; i < node.input_size(); ++i) {
        const TensorInfo* t = in(i);
        if (!known(t) || t->rank != x->rank) return of_rank(x->rank);
        std::int64_t& d = dims[static_cast<std::size_t>(ax)];
        const std::int64_t add = t->dims[static_cast<std::size_t>(ax)];
        d = add_dims(d, add);
      }
      return of_dims(std::move(dims));
    }
    case Family::kSqueeze: return squeeze(index, node_index, node, x);
    case Family::kUnsqueeze: return unsqueeze(index, node_index, node, x);
    case Family::kFlatten: {
      if (!known(x)) return of_rank(2);
      std::int64_t axis = int_attr(node, "axis", 1);
      if (axis < 0) axis += x->rank;
      if (axis < 0 || axis > x->rank) return std::nullopt;
      std::int64_t outer = 1, inner = 1;
      for (int i = 0; i < x->rank; ++i) {
        std::int64_t& part = i < axis ? outer : inner;
        const std::int64_t d = x->dims[static_cast<std::size_t>(i)];
        part = mul_dims(part, d);
      }
      return of_dims({outer, inner});
    }
    case Family::kShape: {
      if (!x || x->rank < 0) return of_rank(1);
      std::int64_t start = int_attr(node, "start", 0), end = int_attr(node, "end", x->rank);
      if (start < 0) start += x->rank;
      if (end < 0) end += x->rank;
      start = std::clamp<std::int64_t>(start, 0, x->rank);
      end = std::clamp<std::int64_t>(end, 0, x->rank);
      return of_dims({std::max<std::int64_t>(end - start, 0)});
    }
    case Family::kScalar: return of_dims({});
    case Family::kReduce: return reduce(index, node_index, node, x);
    case Family::kArgReduce: {
      if (!known(x)) return std::nullopt;
      const int ax = axis_of(int_attr(node, "axis", 0), x->rank);
      if (ax < 0) return std::nullopt;
      Dims dims = x->dims;
      if (int_attr(node, "keepdims", 1) != 0) dims[static_cast<std::size_t>(ax)] = 1;
      else dims.erase(dims.begin() + ax);
      return of_dims(std::move(dims));
    }
    case Family::kGather: {
      const TensorInfo* indices = in(1);
      if (!known(x) || !known(indices)) return std::nullopt;
      const int ax = axis_of(int_attr(node, "axis", 0), x->rank);
      if (ax < 0) return std::nullopt;
      Dims dims(x->dims.begin(), x->dims.begin() + ax);
      dims.insert(dims.end(), indices->dims.begin(), indices->dims.end());
      dims.insert(dims.end(), x->dims.begin() + ax + 1, x->dims.end());
      return of_dims(std::move(dims));
    }
    case Family::kConstantOfShape: {
      if (auto values = constant_ints(x)) return of_dims(*values);
      if (known(x) && x->rank == 1 && x->dims[0] >= 0) return of_rank(x->dims[0]);
      return std::nullopt;
    }
    case Family::kExpand: {
      const TensorInfo* shape = in(1);
      if (auto values = constant_ints(shape)) {
        TensorInfo target;
        target.dims = *values;
        target.rank = static_cast<int>(values->size());
        return broadcast({x, &target});
      }
      if (x && x->rank >= 0 && known(shape) && shape->rank == 1 && shape->dims[0] >= 0)
        return of_rank(std::max<std::int64_t>(x->rank, shape->dims[0]));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

void infer_output_shapes(const ModelIndex& index, int node_index, std::vector<InferredShape>& out) {
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(node_index)];
  out.assign(static_cast<std::size_t>(n.proto->output_size()), InferredShape{});
  if (out.empty() || !n.domain.empty()) return;
  auto it = families().find(n.op_type);
  if (it == families().end()) return;
  auto shape = infer(index, node_index, it->second);
  if (!shape) return;
  out[0] = std::move(*shape);
  // Split and TopK outputs share the rank of output 0; the optional extra outputs of the others differ.
  if (it->second == Family::kSameRank)
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = of_rank(shape->rank);
}

}  // namespace trtlens
