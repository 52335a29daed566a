// Shape-tensor provenance. A computed tensor that reaches a shape input (Reshape's shape, Slice's starts, Pad's pads,
// Expand's shape, ...) is evaluated by TensorRT as a shape tensor, and so is every tensor it is computed from through
// shape arithmetic (Concat, Slice, Gather, Cast, elementwise ops, reshapes). Before 9.0 TensorRT's shuffle layer
// refused to reshape a shape tensor to more than one dimension ("IShuffleLayer applied to shape tensor must have 0 or 1
// reshape dimensions"); the parser hits it when it queries the consuming node's output dimensions, so the consuming
// node fails while parsing (public reports on 8.2 and 8.4 name the Pad node of PyTorch's F.pad export; fixed in 9.0).
#include <set>

#include "rules/registry.h"

namespace trtlens {
namespace {

bool is_shuffle(const std::string& op) {
  return op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Transpose";
}

// Ops through which a shape tensor's value is computed from its inputs (TensorRT evaluates them on shape tensors).
bool passes_shape_values(const std::string& op) {
  static const std::set<std::string, std::less<>> ops = {"Concat", "Slice", "Gather", "Cast", "Add", "Sub", "Mul",
                                                         "Div", "Max", "Min", "Neg", "Abs", "Identity", "Where",
                                                         "ReduceProd", "ReduceSum", "Expand", "Tile"};
  return ops.count(op) > 0;
}

struct Offender {
  int node = -1;
  std::string tensor;
  int rank = 0;
};

// Walks producers backwards from `t` (the node's shape input) and returns the first shuffle that makes a shape tensor
// of rank >= 2.
std::optional<Offender> rank2_shuffle(const RuleContext& c, const TensorInfo* t, const std::string& name,
                                      std::set<int>& seen, int depth) {
  if (!t || t->is_constant() || t->producer < 0 || depth > 64 || !seen.insert(t->producer).second)
    return std::nullopt;
  const NodeRef& p = c.index.nodes()[static_cast<std::size_t>(t->producer)];
  if (!p.domain.empty()) return std::nullopt;
  if (is_shuffle(p.op_type)) {
    if (t->rank >= 2) return Offender{t->producer, name, t->rank};
  } else if (!passes_shape_values(p.op_type)) {
    return std::nullopt;  // Shape, Size, ConstantOfShape, ... start the computation; other producers: not followed
  }
  // A shuffle's own shape input is checked where it is consumed; follow its data input only.
  const int inputs = is_shuffle(p.op_type) ? 1 : p.proto->input_size();
  for (int i = 0; i < inputs; ++i) {
    const TensorInfo* in = c.index.input(t->producer, i);
    if (auto o = rank2_shuffle(c, in, p.proto->input(i), seen, depth + 1)) return o;
  }
  return std::nullopt;
}

std::optional<Finding> shape_tensor_rank(const RuleContext& c) {
  std::set<int> seen;
  for (int i : c.param_inputs("inputs")) {
    if (!c.present(i) || c.is_constant(i)) continue;
    auto o = rank2_shuffle(c, c.input(i), c.input_name(i), seen, 0);
    if (!o) continue;
    const NodeRef& p = c.index.nodes()[static_cast<std::size_t>(o->node)];
    return Finding{c.release.display() + " evaluates input '" + c.input_name(i) + "' of this node as a shape tensor, "
                       "and it is computed from '" + o->tensor + "', which " + p.op_type + " '" + p.name +
                       "' reshapes to rank " + std::to_string(o->rank) + ": TensorRT before 9.0 reshapes shape "
                       "tensors only to 0 or 1 dimensions (\"IShuffleLayer applied to shape tensor must have 0 or 1 "
                       "reshape dimensions\")",
                   "Constant-fold the shape computation (e.g. onnxsim), compute it without the rank-2 reshape (for "
                   "F.pad: pass constant pads), or upgrade to TensorRT 9.0+",
                   "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:shape_tensor_rank", shape_tensor_rank, "TRT_SHAPE_TENSOR_RANK", false,
                      "shape tensors are not reshaped beyond 1-D");

}  // namespace
}  // namespace trtlens
