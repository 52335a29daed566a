#include "rules/model_level.h"
#include "kb/initializers.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>

#include "onnx/dtype.h"

namespace trtlens {
namespace {

template <typename T>
bool contains(const nlohmann::json& list, const T& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

// How many producers widened_uint8() follows back from a graph output before giving up (a bound, not a fact).
constexpr int kMaxTypeChainDepth = 64;

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

// Whether a tensor is INT32 inside TensorRT because a UINT8 weight was widened on load (A7): directly, through
// type-preserving ops, or as the type carrier of CastLike.
// From 10.10 UINT8 weights stay UINT8 at load and are widened only as a node's input: an initializer that is itself
// the graph output stays UINT8 there (`widened_at_load` false).
// Which input's element type an op's output has (Reshape: its data; CastLike: its type carrier) is per-op data
// (OpInfo::output_type_input).
bool widened_uint8(const ModelIndex& index, const Release& r, const TensorInfo* t, bool widened_at_load, int depth = 0) {
  if (!t || depth > kMaxTypeChainDepth) return false;
  if (t->is_constant()) return t->dtype == kUint8 && (widened_at_load || depth > 0);
  if (t->producer < 0) return false;
  const NodeRef& p = index.nodes()[static_cast<std::size_t>(t->producer)];
  if (!p.domain.empty()) return false;
  const OpInfo* op = r.op(p.op_type);
  return op && op->output_type_input >= 0 &&
         widened_uint8(index, r, index.input(t->producer, op->output_type_input), widened_at_load, depth + 1);
}

// A9: "For INT32 tensors, the output type must also be INT32": a graph output declared UINT8 whose value TensorRT
// holds as INT32 (a widened UINT8 weight) fails the whole parse.
void int32_outputs(const ModelIndex& index, const Release& r, std::vector<ModelFinding>& out) {
  const TypeMapping u8 = initializer_as_input(r, kUint8, "Identity");  // as an ordinary node's input
  if (!u8.importable || u8.as != TrtType::INT32) return;
  const bool at_load = r.initializer_types[kUint8].as == TrtType::INT32;
  for (const auto& o : index.proto().graph().output()) {
    const TensorInfo* t = index.find(0, o.name());
    if (!t || t->dtype != kUint8 || !widened_uint8(index, r, t, at_load)) continue;
    out.push_back({true, "TRT_OUTPUT_INT32_MISMATCH",
                   "graph output '" + o.name() + "' is declared UINT8, but " + r.display() +
                       " widens UINT8 weights to INT32 (on load, or from 10.10 as a node's input), so the tensor is INT32 "
                       "inside TensorRT and the parser "
                       "refuses it (\"For INT32 tensors, the output type must also be INT32\")"});
  }
}


// What kind of value a graph input/output declares: the parser reads `type().tensor_type().elem_type()` of every
// network input and output and maps it through convertDtype, so anything but a tensor with a known element type is
// refused (ModelImporter.cpp importInput / importModel at release/7.2.1 .. release/10.1-GA and 10.15).
std::string non_tensor_kind(const onnx::TypeProto& type) {
  switch (type.value_case()) {
    case onnx::TypeProto::kTensorType: return "";
    case onnx::TypeProto::kSequenceType: return "a sequence";
    case onnx::TypeProto::kMapType: return "a map";
    case onnx::TypeProto::kOptionalType: return "an optional";
    case onnx::TypeProto::kSparseTensorType: return "a sparse tensor";
    case onnx::TypeProto::VALUE_NOT_SET: return "";
    default: return "not a tensor";
  }
}

// Graph inputs and outputs as the importer reads them (importer-rules.md A5, A9): non-tensor types, undeclared element
// types, ranks beyond TensorRT's 8 dimensions, and inputs without a shape (imported as 0-D, not refused).
void graph_boundary(const ModelIndex& index, const Release& r, std::vector<ModelFinding>& out) {
  const auto& g = index.proto().graph();
  std::set<std::string> initializers;
  for (const auto& init : g.initializer()) initializers.insert(init.name());
  const std::string rel = r.display();
  constexpr int max_rank = 8;  // nvinfer1::Dims::MAX_DIMS in every release
  for (const auto& in : g.input()) {
    if (initializers.count(in.name())) continue;
    const std::string kind = non_tensor_kind(in.type());
    if (!kind.empty()) {
      out.push_back({true, "TRT_INPUT_NOT_TENSOR",
                     "graph input '" + in.name() + "' is " + kind + ", but " + rel +
                         " creates a TensorRT network input only from a tensor type (it reads the tensor element "
                         "type, which this input does not have, and fails with \"Failed to convert ONNX date type\"). "
                         "Fix: pass the values as separate tensor inputs, or move the sequence/optional handling "
                         "out of the model"});
      continue;
    }
    if (!in.type().has_tensor_type() || in.type().tensor_type().elem_type() == 0) {
      out.push_back({true, "TRT_INPUT_TYPE_UNDECLARED",
                     "graph input '" + in.name() + "' declares no element type; " + rel +
                         " maps the declared type of every network input and refuses an undefined one. Fix: declare "
                         "the element type in the model's input (e.g. re-export, or set it with onnx.helper)"});
      continue;
    }
    const auto& tt = in.type().tensor_type();
    if (!tt.has_shape()) {
      if (!r.fact<bool>("unknown_rank_inputs_rejected", false))
        out.push_back({false, "TRT_INPUT_UNKNOWN_RANK",
                       "graph input '" + in.name() + "' has no shape (unknown rank); " + rel +
                           " does not refuse it but creates a 0-D (scalar) network input, so nodes that need a "
                           "higher rank fail. Fix: declare the input's rank (dims may stay symbolic)"});
    } else if (tt.shape().dim_size() > max_rank) {
      out.push_back({true, "TRT_INPUT_RANK_TOO_HIGH",
                     "graph input '" + in.name() + "' has rank " + std::to_string(tt.shape().dim_size()) + "; " +
                         rel + " network inputs have at most " + std::to_string(max_rank) +
                         " dimensions. Fix: reshape the input to at most " + std::to_string(max_rank) +
                         " dimensions outside the model"});
    }
  }
  for (const auto& o : g.output()) {
    const std::string kind = non_tensor_kind(o.type());
    if (!kind.empty()) {
      out.push_back({true, "TRT_OUTPUT_NOT_TENSOR",
                     "graph output '" + o.name() + "' is " + kind + ", but " + rel +
                         " marks only tensors as network outputs and refuses the declared type (\"Failed to convert "
                         "ONNX date type\"). Fix: return the values as separate tensor outputs"});
      continue;
    }
    if (o.type().has_tensor_type() && o.type().tensor_type().elem_type() == 0)
      out.push_back({true, "TRT_OUTPUT_TYPE_UNDECLARED",
                     "graph output '" + o.name() + "' declares a tensor type without an element type; " + rel +
                         " sets every network output to its declared type and refuses an undefined one. Fix: declare "
                         "the element type of the output"});
  }
}

// The element type of a graph input or output as the release binds it: an error when the release has no such tensor
// type, a warning when it converts it. The two ends differ only in their words.
struct BoundaryWords {
  const char* end;            // "input" / "output"
  const char* type_code;      // the release has no such type
  const char* downcast_code;  // the release converts it
  const char* cannot;         // what the release cannot do with the type
  const char* binds;          // what the release does with it instead
};
constexpr BoundaryWords kInputWords{"input", "TRT_INPUT_TYPE", "TRT_INPUT_DOWNCAST", "import", "binds it as"};
constexpr BoundaryWords kOutputWords{"output", "TRT_OUTPUT_TYPE", "TRT_OUTPUT_DOWNCAST", "produce", "produces it as"};

void boundary_type(const Release& r, const std::string& name, int dtype, const BoundaryWords& w,
                   std::vector<ModelFinding>& out) {
  const TypeMapping& m = r.tensor_types[static_cast<std::size_t>(std::clamp(dtype, 0, 31))];
  const std::string what = "graph " + std::string(w.end) + " '" + name + "' is " + std::string(dtype_name(dtype));
  if (!m.importable)
    out.push_back({true, w.type_code, what + ", which " + r.display() + " cannot " + w.cannot});
  else if (m.downcast)
    out.push_back(
        {false, w.downcast_code, what + "; " + r.display() + " " + w.binds + " " + std::string(trt_type_name(m.as))});
}

}  // namespace

std::vector<ModelFinding> model_findings(const ModelIndex& index, const Release& r) {
  std::vector<ModelFinding> out;
  // Duplicate tensor names (A6) are refused by the loader for every release (E_DUPLICATE_NAME, exit 2), so no model
  // that reaches this point has them.

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
  graph_boundary(index, r, out);

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

// Opset range, initializer types/rank/external-data keys, graph I/O types, then model_findings() and empty output
// names: everything the engine reports once per model.
std::vector<ModelFinding> model_level_checks(const ModelIndex& index, const Release& r) {
  std::vector<ModelFinding> issues;
  const int opset = index.default_opset();
  if (opset > 0 && r.opset_max > 0 && opset > r.opset_max)
    issues.push_back({false, "TRT_OPSET_NEWER",
                      "the model uses opset " + std::to_string(opset) + ", newer than the opsets " + r.display() +
                          " documents (up to " + std::to_string(r.opset_max) +
                          "); the parser does not refuse it, but operators whose newer versions add attributes or "
                          "inputs may be imported with the older semantics"});
  if (opset > 0 && opset < 7)
    issues.push_back({false, "TRT_OPSET_OLD",
                      "the model uses opset " + std::to_string(opset) + "; TensorRT supports graphs from opset 7 on"});
  else if (opset > 0 && r.opset_min > 0 && opset < r.opset_min)
    issues.push_back({false, "TRT_OPSET_OLDER",
                      "the model uses opset " + std::to_string(opset) + ", older than the opsets " + r.display() +
                          " documents (from " + std::to_string(r.opset_min) + ")"});
  const int max_imports = r.fact<int>("max_opset_imports", 0);
  if (max_imports > 0 && index.proto().opset_import_size() > max_imports)
    issues.push_back({true, "TRT_TOO_MANY_OPSETS", "the model imports more than 1024 opsets"});

  const auto& graph = index.proto().graph();
  std::size_t int64_inits = 0;
  const int max_rank = r.fact<int>("max_initializer_rank", 0);
  for (const auto& scope : index.scopes()) {
    for (const auto& init : scope->graph->initializer()) {
      const TypeMapping& m = r.initializer_types[static_cast<std::size_t>(std::clamp(init.data_type(), 0, 31))];
      if (!m.importable)
        issues.push_back({true, "TRT_INITIALIZER_TYPE",
                          "initializer '" + init.name() + "' is " + std::string(dtype_name(init.data_type())) + ", which " +
                              r.display() + " cannot import: the whole parse fails (even if the initializer is unused)"});
      if (init.data_type() == kInt64 && m.downcast) ++int64_inits;
      if (max_rank > 0 && init.dims_size() > max_rank)
        issues.push_back({true, "TRT_INITIALIZER_RANK",
                          "initializer '" + init.name() + "' has rank " + std::to_string(init.dims_size()) + "; " +
                              r.display() + " accepts at most rank " + std::to_string(max_rank)});
      if (init.data_location() == onnx::TensorProto::EXTERNAL) {
        auto ref = ExternalData::resolve(init, index.model().folder());
        if (ref && !ref->unknown_keys.empty())
          issues.push_back({true, "TRT_EXTERNAL_DATA_KEY",
                            "initializer '" + init.name() + "' has external-data key '" + ref->unknown_keys.front() +
                                "', which the parser refuses (only location, offset, length, checksum)"});
      }
    }
  }
  if (int64_inits > 0)
    issues.push_back({false, "TRT_INT64_WEIGHTS",
                      std::to_string(int64_inits) + " INT64 initializer(s): " + r.display() +
                          " casts INT64 weights to INT32 (values beyond ±2^31 are clamped)"});
  for (const auto& in : graph.input()) {
    const TensorInfo* t = index.find(0, in.name());
    if (!t || t->initializer || t->dtype == 0 || !non_tensor_kind(in.type()).empty()) continue;
    boundary_type(r, in.name(), t->dtype, kInputWords, issues);
  }
  for (const auto& out : graph.output()) {
    const TensorInfo* t = index.find(0, out.name());
    if (!t || t->dtype == 0 || !non_tensor_kind(out.type()).empty()) continue;
    boundary_type(r, out.name(), t->dtype, kOutputWords, issues);
  }
  for (auto& f : model_findings(index, r)) issues.push_back(std::move(f));
  if (r.fact<bool>("empty_output_names_collide", false)) {
    for (const auto& scope : index.scopes()) {
      int with_gap = 0;
      std::string first;
      for (int node : scope->nodes) {
        const auto& outs = index.nodes()[static_cast<std::size_t>(node)].proto->output();
        for (int i = 0; i + 1 < outs.size(); ++i)
          if (outs[i].empty()) {
            if (with_gap++ == 0) first = index.nodes()[static_cast<std::size_t>(node)].name;
            break;
          }
      }
      if (with_gap >= 2)
        issues.push_back({true, "TRT_EMPTY_OUTPUT_NAMES",
                          std::to_string(with_gap) + " nodes (first: '" + first +
                              "') omit a non-trailing optional output; " + r.display() +
                              " treats the empty names as one duplicated tensor and fails to sort the graph"});
    }
  }
  return issues;
}

}  // namespace trtlens
