#include "infer/types.h"

#include <string_view>
#include <unordered_map>

#include "onnx/dtype.h"
#include "onnx/graph.h"

namespace trtlens {
namespace {

// How an operator's outputs get their element types. Operators not listed copy the type of input 0 to every output.
enum class Rule {
  kSameAsInput0, kSameAsInput1, kSameAsInput2, kBool, kInt64, kInt32, kFloat, kUint8, kString,
  kCastTo, kDtypeAttrOrFloat, kDtypeAttrOrInput0, kOutputDtypeOrFloat, kConstant, kConstantOfShape,
  kQuantize, kDequantize, kFirstSameRestInt64, kDynamicQuantize, kBody, kLayerNorm, kZeroPoint7, kDropout,
  kStringSplit, kOptional,
};

const std::unordered_map<std::string_view, Rule>& rules() {
  static const std::unordered_map<std::string_view, Rule> table = {
      {"Shape", Rule::kInt64}, {"Size", Rule::kInt64}, {"ArgMax", Rule::kInt64}, {"ArgMin", Rule::kInt64},
      {"NonZero", Rule::kInt64}, {"NonMaxSuppression", Rule::kInt64}, {"SequenceLength", Rule::kInt64},
      {"Equal", Rule::kBool}, {"Greater", Rule::kBool}, {"Less", Rule::kBool}, {"GreaterOrEqual", Rule::kBool},
      {"LessOrEqual", Rule::kBool}, {"And", Rule::kBool}, {"Or", Rule::kBool}, {"Xor", Rule::kBool},
      {"Not", Rule::kBool}, {"IsNaN", Rule::kBool}, {"IsInf", Rule::kBool}, {"RegexFullMatch", Rule::kBool},
      {"OptionalHasElement", Rule::kBool},
      {"MatMulInteger", Rule::kInt32}, {"ConvInteger", Rule::kInt32},
      {"TfIdfVectorizer", Rule::kFloat}, {"ImageDecoder", Rule::kUint8}, {"StringNormalizer", Rule::kString},
      {"StringConcat", Rule::kString}, {"StringSplit", Rule::kStringSplit},
      {"Cast", Rule::kCastTo}, {"CastLike", Rule::kSameAsInput1}, {"Where", Rule::kSameAsInput1},
      {"OneHot", Rule::kSameAsInput2},
      {"RandomNormal", Rule::kDtypeAttrOrFloat}, {"RandomUniform", Rule::kDtypeAttrOrFloat},
      {"RandomNormalLike", Rule::kDtypeAttrOrInput0}, {"RandomUniformLike", Rule::kDtypeAttrOrInput0},
      {"EyeLike", Rule::kDtypeAttrOrInput0}, {"Bernoulli", Rule::kDtypeAttrOrInput0},
      {"Multinomial", Rule::kDtypeAttrOrFloat},
      {"HannWindow", Rule::kOutputDtypeOrFloat}, {"HammingWindow", Rule::kOutputDtypeOrFloat},
      {"BlackmanWindow", Rule::kOutputDtypeOrFloat}, {"MelWeightMatrix", Rule::kOutputDtypeOrFloat},
      {"Constant", Rule::kConstant}, {"ConstantOfShape", Rule::kConstantOfShape},
      {"QuantizeLinear", Rule::kQuantize}, {"DequantizeLinear", Rule::kDequantize},
      {"DynamicQuantizeLinear", Rule::kDynamicQuantize},
      {"QLinearConv", Rule::kZeroPoint7}, {"QLinearMatMul", Rule::kZeroPoint7},
      {"MaxPool", Rule::kFirstSameRestInt64}, {"TopK", Rule::kFirstSameRestInt64},
      {"Unique", Rule::kFirstSameRestInt64},
      {"If", Rule::kBody}, {"Loop", Rule::kBody}, {"Scan", Rule::kBody},
      {"LayerNormalization", Rule::kLayerNorm}, {"Dropout", Rule::kDropout},
      {"Optional", Rule::kOptional}, {"SequenceEmpty", Rule::kDtypeAttrOrFloat},
  };
  return table;
}

int int_attr(const onnx::NodeProto& node, std::string_view name, int fallback) {
  const auto* a = find_attribute(node, name);
  return a && a->has_i() ? static_cast<int>(a->i()) : fallback;
}

int constant_type(const onnx::NodeProto& node) {
  for (const auto& a : node.attribute()) {
    if (a.name() == "value" && a.has_t()) return a.t().data_type();
    if (a.name() == "value_float" || a.name() == "value_floats") return kFloat;
    if (a.name() == "value_int" || a.name() == "value_ints") return kInt64;
    if (a.name() == "value_string" || a.name() == "value_strings") return kString;
    if (a.name() == "sparse_value") return a.sparse_tensor().values().data_type();
  }
  return 0;
}

}  // namespace

void infer_output_types(const ModelIndex& index, int node_index, std::vector<int>& out) {
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(node_index)];
  const auto& node = *n.proto;
  const int outputs = node.output_size();
  out.assign(static_cast<std::size_t>(outputs), 0);
  auto in_type = [&](int i) {
    const TensorInfo* t = index.input(node_index, i);
    return t ? t->dtype : 0;
  };
  auto fill = [&](int dtype) {
    for (auto& o : out) o = dtype;
  };
  if (outputs == 0) return;
  auto it = rules().find(node.op_type());
  // Operators outside the default domain follow the same table only when they reuse a standard name.
  const Rule rule = it == rules().end() ? Rule::kSameAsInput0 : it->second;
  switch (rule) {
    case Rule::kSameAsInput0: fill(in_type(0)); break;
    case Rule::kSameAsInput1: fill(in_type(1)); break;
    case Rule::kSameAsInput2: fill(in_type(2)); break;
    case Rule::kBool: fill(kBool); break;
    case Rule::kInt64: fill(kInt64); break;
    case Rule::kInt32: fill(kInt32); break;
    case Rule::kFloat: fill(kFloat); break;
    case Rule::kUint8: fill(kUint8); break;
    case Rule::kString: fill(kString); break;
    case Rule::kStringSplit:
      out[0] = kString;
      if (outputs > 1) out[1] = kInt64;
      break;
    case Rule::kCastTo: fill(int_attr(node, "to", 0)); break;
    case Rule::kDtypeAttrOrFloat: fill(int_attr(node, "dtype", n.op_type == "Multinomial" ? kInt32 : kFloat)); break;
    case Rule::kDtypeAttrOrInput0: fill(int_attr(node, "dtype", in_type(0))); break;
    case Rule::kOutputDtypeOrFloat: fill(int_attr(node, "output_datatype", kFloat)); break;
    case Rule::kConstant: fill(constant_type(node)); break;
    case Rule::kConstantOfShape: {
      const auto* v = find_attribute(node, "value");
      fill(v && v->has_t() ? v->t().data_type() : kFloat);
      break;
    }
    case Rule::kQuantize: {
      int zp = in_type(2);
      fill(zp ? zp : int_attr(node, "output_dtype", kUint8));
      break;
    }
    case Rule::kDequantize: {
      int t = int_attr(node, "output_dtype", 0);
      fill(t ? t : in_type(1));
      break;
    }
    case Rule::kDynamicQuantize:
      out[0] = kUint8;
      if (outputs > 1) out[1] = kFloat;
      if (outputs > 2) out[2] = kUint8;
      break;
    case Rule::kZeroPoint7: fill(in_type(7)); break;
    case Rule::kFirstSameRestInt64:  // MaxPool's indices, TopK's indices, Unique's indices/inverse/counts
      fill(kInt64);
      out[0] = in_type(0);
      break;
    case Rule::kLayerNorm:
      fill(int_attr(node, "stash_type", kFloat));
      out[0] = in_type(0);
      break;
    case Rule::kDropout:
      fill(kBool);
      out[0] = in_type(0);
      break;
    case Rule::kOptional: {
      // An empty Optional names its element type in the 'type' attribute (a TypeProto).
      int dtype = in_type(0);
      const auto* t = find_attribute(node, "type");
      if (!dtype && t && t->has_tp()) {
        const onnx::TypeProto* tp = &t->tp();
        if (tp->has_sequence_type()) tp = &tp->sequence_type().elem_type();
        if (tp->has_tensor_type()) dtype = tp->tensor_type().elem_type();
      }
      fill(dtype);
      break;
    }
    case Rule::kBody: {
      // Outputs come from the body graph's declared (or inferred) outputs; Scan/Loop append scan outputs.
      if (n.children.empty()) break;
      const Scope& body = *index.scopes()[static_cast<std::size_t>(n.children.front())];
      const auto& body_outputs = body.graph->output();
      const int skip = n.op_type == "Loop" ? 1 : 0;  // Loop bodies start with the condition output
      for (int i = 0; i < outputs && i + skip < body_outputs.size(); ++i) {
        const TensorInfo* t = index.find(n.children.front(), body_outputs[i + skip].name());
        int dtype = t ? t->dtype : 0;
        if (!dtype && body_outputs[i + skip].type().has_tensor_type())
          dtype = body_outputs[i + skip].type().tensor_type().elem_type();
        out[static_cast<std::size_t>(i)] = dtype;
      }
      break;
    }
  }
}

}  // namespace trtlens
