#include "rules/model_level.h"

#include <algorithm>
#include <set>

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

}  // namespace

std::vector<ModelFinding> model_findings(const ModelIndex& index, const Release& r) {
  std::vector<ModelFinding> out;
  if (r.fact<bool>("duplicate_tensor_names_rejected", false))
    for (const auto& scope : index.scopes()) duplicate_names(*scope, r, out);

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

  // supportsModel (ONNX Runtime's TensorRT EP, partitioning): nodes reported unsupported although they parse.
  const auto dds = r.facts.value("dds_ops_reported_unsupported", nlohmann::json::array());
  const bool builtin_only = r.fact<bool>("supports_model_requires_builtin", false);
  const auto exceptions = r.facts.value("supports_model_plugin_exceptions", nlohmann::json::array());
  std::set<std::string> dds_seen, plugin_seen;
  for (const auto& n : index.nodes()) {
    if (contains(dds, n.op_type)) dds_seen.insert(n.op_type);
    const OpInfo* op = r.op(n.op_type);
    if (builtin_only && !(op && op->importer) && !contains(exceptions, n.op_type)) plugin_seen.insert(n.op_type);
  }
  auto list = [](const std::set<std::string>& s) {
    std::string text;
    for (const auto& x : s) text += (text.empty() ? "" : ", ") + x;
    return text;
  };
  if (!dds_seen.empty())
    out.push_back({false, "TRT_SUPPORTS_MODEL_DDS",
                   r.display() + "'s supportsModel always reports " + list(dds_seen) +
                       " unsupported (data-dependent shapes): ONNX Runtime's TensorRT execution provider leaves them "
                       "to another provider even though the parser imports them"});
  if (!plugin_seen.empty())
    out.push_back({false, "TRT_SUPPORTS_MODEL_PLUGIN",
                   r.display() + "'s supportsModel reports nodes without a builtin importer (" + list(plugin_seen) +
                       ") unsupported, even when a plugin is registered"});
  return out;
}

}  // namespace trtlens
