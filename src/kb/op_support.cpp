#include "kb/op_support.h"

#include <map>

namespace trtlens {

std::vector<std::string> op_precisions(const Release& release, const OpInfo& op) {
  std::vector<std::string> out;
  if (!op.importer) return out;
  for (const auto& name : release.precisions) {
    auto p = precision_from_name(name);
    if (p && (op.types & bit(precision_type(*p)))) out.push_back(name);
  }
  // Integer/bool-only ops have no float precision but still run: list their types instead of nothing.
  return out;
}

nlohmann::json release_summary(const Release& r) {
  int importers = 0;
  for (const auto& [name, op] : r.ops()) importers += op.importer ? 1 : 0;
  return {{"release", r.name}, {"version", r.version}, {"display", r.display()},
          {"opset", {{"min", r.opset_min}, {"max", r.opset_max}}}, {"precisions", r.precisions},
          {"importers", importers},
          // the runtime selector offers --strongly-typed only where the release has strongly typed networks
          {"strongly_typed", r.fact<bool>("strongly_typed_networks", false)}};
}

namespace {
std::string rule_summary(const RuleInstance& r) {
  std::string s = r.rule == "custom" ? r.check : r.rule;
  const auto& p = r.params;
  for (const char* key : {"attr", "input", "inputs", "types", "allowed", "except", "min", "max", "count", "cond", "value"}) {
    auto it = p.find(key);
    if (it != p.end()) s += std::string(" ") + key + "=" + it->dump();
  }
  if (r.opset_min > 0 || r.opset_max < (1 << 30))
    s += " opset=" + std::to_string(r.opset_min) + ".." + (r.opset_max < (1 << 30) ? std::to_string(r.opset_max) : "");
  if (!r.why.empty()) s += ": " + r.why;
  return s;
}
}  // namespace

nlohmann::json op_support(const KnowledgeBase& kb, std::string_view name) {
  nlohmann::json out{{"op", name}, {"releases", nlohmann::json::array()}, {"rules", nlohmann::json::array()}};
  std::map<std::string, nlohmann::json> rules;  // by code+summary, collecting releases
  std::vector<std::string> order;
  for (auto it = kb.releases().rbegin(); it != kb.releases().rend(); ++it) {
    const Release& r = *it;
    const OpInfo* op = r.op(name);
    nlohmann::json row{{"release", r.name}, {"version", r.version}, {"display", r.display()},
                       {"importer", op && op->importer}, {"in_matrix", op != nullptr},
                       {"types", op ? type_names(op->types) : std::vector<std::string>{}},
                       {"matrix_types", op ? type_names(op->matrix_types) : std::vector<std::string>{}},
                       {"precisions", op ? op_precisions(r, *op) : std::vector<std::string>{}},
                       {"plugin_shipped", r.plugins.count(std::string(name)) > 0}};
    out["releases"].push_back(row);
    if (!op) continue;
    for (const auto& rule : op->rules) {
      std::string summary = rule_summary(rule);
      std::string key = rule.code + "\n" + summary;
      if (!rules.count(key)) {
        rules[key] = {{"code", rule.code}, {"rule", rule.rule == "custom" ? rule.check : rule.rule},
                      {"severity", rule.warning ? "warning" : "error"}, {"summary", summary},
                      {"releases", nlohmann::json::array()}};
        if (!rule.matrix_disagrees.empty()) rules[key]["matrix_disagrees"] = rule.matrix_disagrees;
        order.push_back(key);
      }
      rules[key]["releases"].push_back(r.name);
    }
  }
  for (const auto& key : order) out["rules"].push_back(rules[key]);
  return out;
}

}  // namespace trtlens
