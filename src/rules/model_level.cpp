#include "rules/model_level.h"

#include <algorithm>
#include <set>

#include "onnx/dtype.h"

namespace trtlens {
namespace {

template <typename T>
bool contains(const nlohmann::json& list, const T& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

// Names registered twice in one graph: two initializers, or a node output reusing an input, initializer or
// another node's output. An initializer that is also listed as a graph input is one tensor (a default value).
void duplicate_names(const Scope& scope, const Release& r, std::vector<ModelFinding>& out) {
  const auto& g = *scope.graph;
  std::set<std::string> names;
  std::set<std::string> initializers;
  auto report = [&](const std::string& name, const std::string& what) {
    out.push_back({true, "TRT_DUPLICATE_TENSOR_NAME",
                   "tensor name '" + name + "' is defined twice (" + what + ")" +
                       (scope.path.empty() ? "" : " in " + scope.path) + "; " + r.display() +
                       " refuses graphs with duplicate tensor names"});
  };
  for (const auto& init : g.initializer())
    if (!initializers.insert(init.name()).second) return report(init.name(), "two initializers");
  names = initializers;
  for (const auto& in : g.input()) names.insert(in.name());
  for (const auto& node : g.node())
    for (const auto& o : node.output())
      if (!o.empty() && !names.insert(o).second) return report(o, "node '" + node.name() + "' output");
}

// 10.x binds INT64 network inputs/outputs natively and warns that the caller must supply INT64 buffers (A5, A9).
void int64_bindings(const ModelIndex& index, const Release& r, std::vector<ModelFinding>& out) {
  const auto& g = index.proto().graph();
  std::string names;
  auto add = [&](const std::string& name, const char* what) {
    const TensorInfo* t = index.find(0, name);
    if (t && !t->initializer && t->dtype == kInt64) names += (names.empty() ? "" : ", ") + std::string(what) + " '" + name + "'";
  };
  for (const auto& in : g.input()) add(in.name(), "input");
  for (const auto& o : g.output()) add(o.name(), "output");
  if (!names.empty())
    out.push_back({false, "TRT_INT64_BINDING",
                   r.display() + " keeps INT64 at the network boundary (" + names +
                       "): bind INT64 buffers for these tensors, not INT32"});
}

// Ops that pass their first input's element type through unchanged (enough to follow a widened weight to an output).
bool passes_type_through(const std::string& op) {
  static const std::set<std::string, std::less<>> ops = {"Identity", "Reshape", "Squeeze", "Unsqueeze", "Flatten",
                                                         "Transpose", "Expand", "Tile", "Slice", "Gather"};
  return ops.count(op) > 0;
}

// Whether a tensor is INT32 inside TensorRT because a UINT8 weight was widened on load (A7): directly, through
// type-preserving ops, or as the type carrier of CastLike.
bool widened_uint8(const ModelIndex& index, const TensorInfo* t, int depth = 0) {
  if (!t || depth > 64) return false;
  if (t->is_constant()) return t->dtype == kUint8;
  if (t->producer < 0) return false;
  const NodeRef& p = index.nodes()[static_cast<std::size_t>(t->producer)];
  if (!p.domain.empty()) return false;
  if (p.op_type == "CastLike") return widened_uint8(index, index.input(t->producer, 1), depth + 1);
  return passes_type_through(p.op_type) && widened_uint8(index, index.input(t->producer, 0), depth + 1);
}

// A9: "For INT32 tensors, the output type must also be INT32": a graph output declared UINT8 whose value TensorRT
// holds as INT32 (a widened UINT8 weight) fails the whole parse.
void int32_outputs(const ModelIndex& index, const Release& r, std::vector<ModelFinding>& out) {
  const TypeMapping& u8 = r.initializer_types[kUint8];
  if (!u8.importable || u8.as != TrtType::INT32) return;
  for (const auto& o : index.proto().graph().output()) {
    const TensorInfo* t = index.find(0, o.name());
    if (!t || t->dtype != kUint8 || !widened_uint8(index, t)) continue;
    out.push_back({true, "TRT_OUTPUT_INT32_MISMATCH",
                   "graph output '" + o.name() + "' is declared UINT8, but " + r.display() +
                       " widens UINT8 weights to INT32 on load, so the tensor is INT32 inside TensorRT and the parser "
                       "refuses it (\"For INT32 tensors, the output type must also be INT32\")"});
  }
}

}  // namespace

std::vector<ModelFinding> model_findings(const ModelIndex& index, const Release& r) {
  std::vector<ModelFinding> out;
  if (r.fact<bool>("duplicate_tensor_names_rejected", false))
    for (const auto& scope : index.scopes()) duplicate_names(*scope, r, out);

  if (r.fact<bool>("int64_io_binding_warning", false)) int64_bindings(index, r, out);
  int32_outputs(index, r, out);

  if (r.fact<bool>("unknown_rank_inputs_rejected", false)) {
    const auto& g = index.proto().graph();
    std::set<std::string> initializers;
    for (const auto& init : g.initializer()) initializers.insert(init.name());
    for (const auto& in : g.input()) {
      if (initializers.count(in.name()) || !in.type().has_tensor_type()) continue;
      if (!in.type().tensor_type().has_shape())
        out.push_back({true, "TRT_INPUT_UNKNOWN_RANK",
                       "graph input '" + in.name() + "' has no shape (unknown rank); " + r.display() +
                           " needs the rank of every network input"});
    }
  }

  if (const int max_depth = r.fact<int>("max_nesting_depth", 0); max_depth > 0) {
    for (const auto& scope : index.scopes()) {
      int depth = 0;
      for (int s = scope->parent; s >= 0; s = index.scopes()[static_cast<std::size_t>(s)]->parent) ++depth;
      if (depth > max_depth) {
        out.push_back({true, "TRT_NESTING_TOO_DEEP",
                       "subgraph " + scope->path + " is nested " + std::to_string(depth) + " levels deep; " +
                           r.display() + " accepts at most " + std::to_string(max_depth)});
        break;
      }
    }
  }

  const auto& imports = index.proto().opset_import();
  if (r.fact<bool>("single_opset_import_is_default", false) && imports.size() == 1 &&
      !(imports[0].domain().empty() || imports[0].domain() == "ai.onnx"))
    out.push_back({false, "TRT_SINGLE_OPSET_IMPORT",
                   "the model imports only domain '" + imports[0].domain() + "' (version " +
                       std::to_string(imports[0].version()) + "); " + r.display() +
                       " then takes that version as the ONNX opset for every importer"});

  // supportsModel (ONNX Runtime's TensorRT EP, partitioning): ops reported unsupported although they parse. Plugin
  // nodes get their note per node from the engine (only the engine knows whether a node becomes a plugin).
  const auto dds = r.facts.value("dds_ops_reported_unsupported", nlohmann::json::array());
  std::set<std::string> dds_seen;
  if (!dds.empty())
    for (const auto& n : index.nodes())
      if (contains(dds, n.op_type)) dds_seen.insert(n.op_type);
  std::string list;
  for (const auto& x : dds_seen) list += (list.empty() ? "" : ", ") + x;
  if (!dds_seen.empty())
    out.push_back({false, "TRT_SUPPORTS_MODEL_DDS",
                   r.display() + "'s supportsModel always reports " + list +
                       " unsupported (data-dependent shapes): ONNX Runtime's TensorRT execution provider leaves them "
                       "to another provider even though the parser imports them"});
  return out;
}

}  // namespace trtlens
