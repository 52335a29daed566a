#include "verdict/dispatch.h"

namespace trtlens {

std::string PluginLookup::found(const NodeRef& n) const {
  if (r_.no_plugin_escape.count(n.op_type)) return "";
  if (const PluginSpec* p = declared(n)) return "'" + p->text() + "' (declared with --plugin)";
  const auto [version, ns] = key(n);
  auto shipped = r_.plugins.find(n.op_type);
  // Shipped plugins register in the default ("") namespace.
  const bool ns_ok = ns.empty() || (f_.plugin_namespace_from_domain && n.domain.empty());
  if (shipped != r_.plugins.end() && shipped->second.count(version) && ns_ok)
    return "'" + n.op_type + ":" + version + "' (shipped with TensorRT)";
  return "";
}

std::pair<std::string, std::string> PluginLookup::key(const NodeRef& n) const {
  const auto* v = find_attribute(*n.proto, "plugin_version");
  const auto* ns = find_attribute(*n.proto, "plugin_namespace");
  return {v ? v->s() : "1", ns ? ns->s() : ""};
}

std::string PluginLookup::key_text(const NodeRef& n) const {
  const auto [version, ns] = key(n);
  return "'" + n.op_type + "' version '" + version + "' namespace '" + ns + "'" +
         (f_.plugin_namespace_from_domain && !n.domain.empty() ? " (or '" + n.domain + "')" : "");
}

const PluginSpec* PluginLookup::declared(const NodeRef& n) const {
  const auto [version, ns] = key(n);
  for (const auto& p : t_.plugins) {
    if (p.name != n.op_type) continue;
    if (!p.version.empty() && p.version != version) continue;
    if (!p.ns.empty() && p.ns != ns && !(f_.plugin_namespace_from_domain && p.ns == n.domain)) continue;
    return &p;
  }
  return nullptr;
}

}  // namespace trtlens
