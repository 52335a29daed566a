// Targets: which release, precisions and plugins a check is for (parsed from the command line / API).
#include <algorithm>
#include <sstream>

#include "verdict/analysis.h"

namespace trtlens {

Result<PluginSpec> PluginSpec::parse(std::string_view text) {
  PluginSpec spec;
  std::string s(text);
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ':')) parts.push_back(part);
  if (parts.empty() || parts[0].empty() || parts.size() > 3)
    return make_error("E_USAGE", "bad --plugin '" + s + "': expected NAME[:VERSION[:NAMESPACE]]");
  spec.name = parts[0];
  if (parts.size() > 1) spec.version = parts[1];
  if (parts.size() > 2) spec.ns = parts[2];
  return spec;
}

std::string PluginSpec::text() const {
  std::string s = name;
  if (!version.empty() || !ns.empty()) s += ":" + version;
  if (!ns.empty()) s += ":" + ns;
  return s;
}

Result<Target> make_target(const KnowledgeBase& kb, std::string_view release, std::string_view precisions, bool strict,
                           const std::vector<std::string>& plugins) {
  Target target;
  target.release = release.empty() ? &kb.newest() : kb.find(release);
  if (!target.release)
    return make_error("E_USAGE", "unknown TensorRT release '" + std::string(release) + "' (known: " +
                                     kb.release_list() + ")");
  std::string list(precisions.empty() ? "fp32" : precisions);
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(std::remove_if(item.begin(), item.end(), ::isspace), item.end());
    if (item.empty()) continue;
    auto p = precision_from_name(item);
    if (!p)
      return make_error("E_USAGE", "unknown precision '" + item + "' (use fp32, tf32, fp16, bf16, int8, fp8, int4, fp4)");
    if (!target.release->has_precision(*p)) {
      std::string have;
      for (const auto& h : target.release->precisions) have += (have.empty() ? "" : ", ") + h;
      return make_error("E_USAGE", target.release->display() + " has no " + std::string(precision_name(*p)) +
                                       " precision (it has: " + have + ")");
    }
    if (std::find(target.precisions.begin(), target.precisions.end(), *p) == target.precisions.end())
      target.precisions.push_back(*p);
  }
  if (target.precisions.empty()) target.precisions.push_back(Precision::FP32);
  std::sort(target.precisions.begin(), target.precisions.end());
  target.strict = strict;
  for (const auto& p : plugins) {
    auto spec = PluginSpec::parse(p);
    if (!spec) return spec.error();
    target.plugins.push_back(spec.value());
  }
  return target;
}

}  // namespace trtlens

namespace trtlens {

// NetworkDefinitionCreationFlag::kSTRONGLY_TYPED exists from 9.0 (quantization.md A.1/A.3); the release data says
// which releases have it (`strongly_typed_networks`).
Result<Target> with_strong_typing(Target target, bool strongly_typed) {
  if (!strongly_typed) return target;
  if (!target.release->fact<bool>("strongly_typed_networks", false)) {
    return make_error("E_USAGE", "--strongly-typed: " + target.release->display() +
                                     " has no strongly typed networks (kSTRONGLY_TYPED arrived in TensorRT 9.0)");
  }
  target.strongly_typed = true;
  return target;
}

}  // namespace trtlens
