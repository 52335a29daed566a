// How the parser routes a node (builtin importer, model-local function, plugin registry) and the release facts the
// routing reads; used by the engine for every node.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "verdict/analysis.h"

namespace trtlens {

// How the parser routes a node (importer-rules.md A3): a plugin found in the registry first (10.15 plugin_namespace
// attribute; local functions when plugins win over them), the builtin importer, the model-local function body, or
// the plugin fallback (which fails when no plugin of that name, version and namespace exists).
enum class Dispatch { kBuiltin, kFunction, kPlugin, kFallback };

// Release-wide facts read once per analysis: a JSON lookup per node would cost as much as the rules themselves.
struct ReleaseFacts {
  std::set<std::string, std::less<>> uint8_ok_ops, dds_ops, builtin_only_exceptions;
  bool plugin_namespace_from_domain, plugin_attr_forces_registry, local_function_plugin_first;
  bool supports_model_requires_builtin, output_count_must_equal;

  explicit ReleaseFacts(const Release& r)
      : plugin_namespace_from_domain(r.fact<bool>("plugin_namespace_from_domain", false)),
        plugin_attr_forces_registry(r.fact<bool>("plugin_attr_forces_registry", false)),
        local_function_plugin_first(r.fact<bool>("local_function_plugin_first", false)),
        supports_model_requires_builtin(r.fact<bool>("supports_model_requires_builtin", false)),
        output_count_must_equal(r.fact<bool>("output_count_must_equal", false)) {
    read(r, "uint8_intermediate_ok_ops", uint8_ok_ops);
    read(r, "dds_ops_reported_unsupported", dds_ops);
    read(r, "supports_model_plugin_exceptions", builtin_only_exceptions);
  }
  static void read(const Release& r, const char* key, std::set<std::string, std::less<>>& out) {
    auto it = r.facts.find(key);
    if (it == r.facts.end() || !it->is_array()) return;
    for (const auto& x : *it)
      if (x.is_string()) out.insert(x.get<std::string>());
  }
};

// The parser's plugin lookup (A4): name = op_type, version = plugin_version (default "1"), namespace =
// plugin_namespace (default ""), retried with the node's domain where the release does so.
class PluginLookup {
 public:
  PluginLookup(const Target& target, const ReleaseFacts& facts) : t_(target), r_(*target.release), f_(facts) {}
  // How the plugin was found, for messages ("" when there is none: declared with --plugin or shipped).
  std::string found(const NodeRef& n) const;
  // "'Op' version '1' namespace ''" as the parser looks it up.
  std::string key_text(const NodeRef& n) const;

 private:
  std::pair<std::string, std::string> key(const NodeRef& n) const;  // version, namespace
  const PluginSpec* declared(const NodeRef& n) const;
  const Target& t_;
  const Release& r_;
  const ReleaseFacts& f_;
};


}  // namespace trtlens
