// Shape-tensor provenance: which computed tensors TensorRT evaluates as shape tensors, and whether the layers that
// produce them may. A tensor reaching a shape input (Reshape's shape, Slice's starts/ends/axes/steps, Expand's shape,
// Tile's repeats, Pad's pads, Resize's sizes, ConstantOfShape's input, Range's inputs, TopK's K, OneHot's depth,
// Split's split) is a shape tensor, and so is every tensor it is computed from through layers that pass shape values
// (concatenation, gather, slice, shuffle, identity/cast, elementwise, select, some reductions).
//
// Two facts are encoded:
//  - Producer layers. Parsers 7.x to 8.2 list the layers that may compute a shape tensor (onnx2trt_utils.cpp
//    supportsShapeTensor; ModelImporter.cpp removeShapeTensorCasts records the node of any other layer whose output
//    is a shape tensor, and supportsModel reports that node unsupported; the build then stops with "<layer> cannot
//    be used to compute a shape tensor", NVIDIA/TensorRT#1890 on 8.2). From 8.4 the parser no longer checks; TensorRT
//    still refuses unary layers (NVIDIA/TensorRT#4474, 8.5.1) and one-hot layers (#3706, 8.6.1), and its
//    documentation names only concatenation, elementwise, gather, identity and reduce (besides shape, shuffle, slice
//    and constant) as computing shape tensors: a warning, never a refusal.
//  - Network inputs as shape tensors. A floating-point graph input whose values reach a shape input makes the input
//    itself a shape tensor, and TensorRT 8.4 to 8.6 fail the consuming node while parsing ("network input that is
//    shape tensor must have type Int32": NVIDIA/TensorRT#2301, #2968 on 8.6.1, facebookresearch/segment-anything#425).
//    Other releases: a warning (NVIDIA's forum, 8.2/8.4: shape-tensor I/O is Int32 only; 10.x documentation: Int32 or
//    Int64).
#include <set>
#include <string_view>

#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

using OpSet = std::set<std::string, std::less<>>;

bool at_least(const Release& r, int major, int minor) {
  return r.major > major || (r.major == major && r.minor >= minor);
}

bool is_shuffle(std::string_view op) {
  return op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Transpose";
}

bool is_float_type(int t) {
  return t == kFloat || t == kFloat16 || t == kDouble || t == kBfloat16;
}

bool is_int_type(int t) { return t == kInt32 || t == kInt64; }

// The inputs of `op` that TensorRT evaluates as shape tensors when they are computed.
std::vector<int> shape_inputs_of(std::string_view op) {
  if (op == "Reshape" || op == "Expand" || op == "Tile" || op == "Pad" || op == "TopK" || op == "OneHot" ||
      op == "Split")
    return {1};
  if (op == "Slice") return {1, 2, 3, 4};
  if (op == "Resize") return {3};
  if (op == "ConstantOfShape") return {0};
  if (op == "Range") return {0, 1, 2};
  return {};
}

// Ops whose layer passes shape values from its inputs to its output (at every release read: the parsers' list and
// TensorRT's documentation agree on these layers). Neg and Clip pass them on integer inputs only (8.x importers build
// an elementwise layer for INT32 and a unary/activation layer otherwise).
bool passes_shape_values(const RuleContext& c, const NodeRef& n, int input_type) {
  static const OpSet ops = {"Concat",  "Gather",   "Slice",     "Identity",       "Cast",          "Add",
                            "Sub",     "Mul",      "Div",       "Max",            "Min",           "Sum",
                            "Equal",   "Greater",  "Less",      "GreaterOrEqual", "LessOrEqual",   "And",
                            "Or",      "Xor",      "Where",     "ReduceSum",      "ReduceMax",     "ReduceMin",
                            "ReduceProd", "Expand", "Tile",     "Pad",            "Reshape",       "Flatten",
                            "Squeeze", "Unsqueeze", "Transpose"};
  if (ops.count(n.op_type) > 0) return true;
  if (n.op_type == "Neg" || n.op_type == "Clip") return is_int_type(input_type);
  if (n.op_type == "Range") return at_least(c.release, 8, 0);  // a fill layer: 7.x refuses every fill
  return false;
}

// Ops whose layer cannot compute a shape tensor. `parser_list`: the 7.2-8.2 parsers' supportsShapeTensor (unary,
// activation, top-k, matrix multiply, softmax layers; elementwise pow; average reduction); otherwise TensorRT's own
// limits as documented and reported from 8.4 on (unary, top-k, one-hot, matrix multiply, softmax layers).
const char* non_shape_layer(const NodeRef& n, int input_type, bool parser_list) {
  static const OpSet unary = {"Floor", "Ceil", "Round", "Sqrt",  "Exp",   "Log",   "Reciprocal", "Sin",
                              "Cos",   "Tan",  "Asin",  "Acos",  "Atan",  "Sinh",  "Cosh",       "Asinh",
                              "Acosh", "Atanh", "Erf",  "Sign",  "Not",   "Abs"};
  const std::string& op = n.op_type;
  if (unary.count(op) > 0) return "IUnaryLayer";
  if (op == "Neg" && is_float_type(input_type)) return "IUnaryLayer";
  if (op == "TopK" || op == "ArgMax" || op == "ArgMin") return "ITopKLayer";
  if (op == "MatMul" || op == "Gemm") return "IMatrixMultiplyLayer";
  if (op == "Softmax") return "ISoftMaxLayer";
  if (parser_list) {
    if (op == "Pow") return "IElementWiseLayer (kPOW)";
    if (op == "ReduceMean") return "IReduceLayer (kAVG)";
    if (op == "Relu" || op == "Sigmoid" || op == "Tanh") return "IActivationLayer";
    if (op == "Clip" && is_float_type(input_type)) return "IActivationLayer";
  } else if (op == "OneHot") {
    return "IOneHotLayer";
  }
  return nullptr;
}

bool parser_lists_shape_layers(const Release& r) { return !at_least(r, 8, 4); }

struct Use {
  int node = -1;
  int input = -1;
};

// Follows `name` (in `scope`) forward through layers that pass shape values; returns the first shape input it reaches.
std::optional<Use> reaches_shape_input(const RuleContext& c, int scope, const std::string& name, std::set<int>& seen,
                                       int depth) {
  if (depth > 64) return std::nullopt;
  for (int u : c.index.consumers(scope, name)) {
    const NodeRef& n = c.index.nodes()[static_cast<std::size_t>(u)];
    if (!n.domain.empty()) continue;
    for (int i = 0; i < n.proto->input_size(); ++i) {
      if (n.proto->input(i) != name) continue;
      for (int s : shape_inputs_of(n.op_type))
        if (s == i) return Use{u, i};
    }
    if (!seen.insert(u).second) continue;
    const TensorInfo* first = c.index.input(u, 0);
    if (!passes_shape_values(c, n, first ? first->dtype : 0)) continue;
    // A shuffle, Expand or Tile passes its data input (0) on; their other inputs were handled above or are constant.
    const bool data_only = is_shuffle(n.op_type) || n.op_type == "Expand" || n.op_type == "Tile";
    if (data_only && n.proto->input_size() > 0 && n.proto->input(0) != name) continue;
    for (int o = 0; o < n.proto->output_size(); ++o) {
      if (n.proto->output(o).empty()) continue;
      if (auto use = reaches_shape_input(c, n.scope, n.proto->output(o), seen, depth + 1)) return use;
    }
  }
  return std::nullopt;
}

std::optional<Finding> shape_tensor_producer(const RuleContext& c) {
  const NodeRef& self = c.ref();
  const int type = c.input_type(0);
  const bool listed = parser_lists_shape_layers(c.release);
  const char* layer = non_shape_layer(self, type, listed);
  if (!layer) return std::nullopt;
  // Constant inputs only: the value is known while parsing; no finding without a computed input.
  bool computed = false;
  for (int i = 0; i < c.input_count(); ++i) computed = computed || (c.present(i) && !c.is_constant(i));
  if (!computed) return std::nullopt;
  std::set<int> seen;
  for (int o = 0; o < self.proto->output_size(); ++o) {
    if (self.proto->output(o).empty()) continue;
    auto use = reaches_shape_input(c, self.scope, self.proto->output(o), seen, 0);
    if (!use) continue;
    const NodeRef& n = c.index.nodes()[static_cast<std::size_t>(use->node)];
    const std::string reach = "its output '" + self.proto->output(o) + "' reaches input " +
                              std::to_string(use->input) + " of " + n.op_type + " '" + n.name +
                              "', so TensorRT must compute it as a shape tensor";
    if (listed)
      return Finding{reach + ", and " + c.release.display() + "'s parser does not allow an " + layer +
                         " to produce one (supportsShapeTensor): supportsModel reports the node unsupported and the "
                         "build stops (\"cannot be used to compute a shape tensor\")",
                     "Compute the shape with integer arithmetic (Shape, Gather, Concat, Add/Sub/Mul/Div on INT64), "
                     "constant-fold it (onnxsim), or upgrade TensorRT",
                     "", std::nullopt};
    return Finding{reach + "; TensorRT's shape-tensor layers do not include an " + std::string(layer) +
                       " (reported as \"cannot be used to compute a shape tensor\" on 8.5 and 8.6): the build may "
                       "fail",
                   "Compute the shape with integer arithmetic (Shape, Gather, Concat, Add/Sub/Mul/Div on INT64) or "
                   "constant-fold it (onnxsim)",
                   "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:shape_tensor_producer", shape_tensor_producer, "TRT_SHAPE_TENSOR_PRODUCER", false,
                      "the node's output feeds a shape input, and its layer may compute shape tensors");

// Walks back from a shape input through layers that pass shape values to a floating-point graph input.
struct GraphInput {
  std::string name;
  int dtype = 0;
};

std::optional<GraphInput> float_graph_input(const RuleContext& c, const TensorInfo* t, const std::string& name,
                                            std::set<int>& seen, int depth) {
  if (!t || t->is_constant() || depth > 64) return std::nullopt;
  if (t->producer < 0) {
    if (t->graph_input && is_float_type(t->dtype)) return GraphInput{name, t->dtype};
    return std::nullopt;
  }
  if (!seen.insert(t->producer).second) return std::nullopt;
  const NodeRef& p = c.index.nodes()[static_cast<std::size_t>(t->producer)];
  if (!p.domain.empty()) return std::nullopt;
  const TensorInfo* first = c.index.input(t->producer, 0);
  if (!passes_shape_values(c, p, first ? first->dtype : 0)) return std::nullopt;  // Shape, Size, ... start values
  const bool data_only = is_shuffle(p.op_type) || p.op_type == "Expand" || p.op_type == "Tile";
  const int inputs = data_only ? 1 : p.proto->input_size();
  for (int i = 0; i < inputs; ++i)
    if (auto in = float_graph_input(c, c.index.input(t->producer, i), p.proto->input(i), seen, depth + 1)) return in;
  return std::nullopt;
}

std::optional<Finding> shape_tensor_input_type(const RuleContext& c) {
  std::set<int> seen;
  for (int i : c.param_inputs("inputs")) {
    if (!c.present(i) || c.is_constant(i)) continue;
    auto in = float_graph_input(c, c.input(i), c.input_name(i), seen, 0);
    if (!in) continue;
    const bool refuses = at_least(c.release, 8, 4) && !at_least(c.release, 9, 0);
    std::string what = "input '" + c.input_name(i) + "' of this node is computed from the values of graph input '" +
                       in->name + "' (" + std::string(dtype_name(in->dtype)) + "), which makes that graph input a shape tensor";
    if (refuses)
      what += ": " + c.release.display() + " fails this node while parsing (\"network input that is shape tensor "
              "must have type Int32\")";
    else
      what += "; TensorRT takes shape-tensor inputs as " +
              std::string(at_least(c.release, 10, 0) ? "INT32 or INT64" : "INT32") +
              " only: the parse or the build may fail";
    return Finding{what,
                   "Declare '" + in->name + "' as an integer input (INT64/INT32), or compute the value from a "
                   "tensor's shape instead of its contents",
                   "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:shape_tensor_input_type", shape_tensor_input_type, "TRT_SHAPE_INPUT_NOT_INT", false,
                      "shape inputs are not computed from the values of a floating-point graph input");

}  // namespace
}  // namespace trtlens
