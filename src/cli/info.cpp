// `trtlens versions` and `trtlens op NAME`: what the knowledge base knows, without a model.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "kb/kb.h"
#include "kb/op_support.h"

namespace trtlens::cli {
namespace {

// "7.2-9.3, 10.15": consecutive releases (in knowledge-base order) collapsed into ranges.
std::string release_ranges(const KnowledgeBase& kb, const nlohmann::json& names) {
  std::vector<bool> in(kb.releases().size(), false);
  for (const auto& n : names)
    for (std::size_t i = 0; i < kb.releases().size(); ++i)
      if (kb.releases()[i].name == n.get<std::string>()) in[i] = true;
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    if (!in[i]) { ++i; continue; }
    std::size_t j = i;
    while (j + 1 < in.size() && in[j + 1]) ++j;
    out += (out.empty() ? "" : ", ") + kb.releases()[i].name + (j > i ? "-" + kb.releases()[j].name : "");
    i = j + 1;
  }
  return out;
}

Runner add_versions(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("versions", "List the TensorRT releases trtlens knows");
  cmd->add_flag("--json", *json, "Print JSON");
  return [json] {
    const auto& kb = KnowledgeBase::builtin();
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto it = kb.releases().rbegin(); it != kb.releases().rend(); ++it) out.push_back(release_summary(*it));
      std::cout << out.dump(2) << "\n";
      return kExitOk;
    }
    std::cout << "release  version   opsets   precisions                              ops with importer\n";
    for (auto it = kb.releases().rbegin(); it != kb.releases().rend(); ++it) {
      const Release& r = *it;
      std::string precisions;
      for (const auto& p : r.precisions) precisions += (precisions.empty() ? "" : ",") + p;
      int importers = 0;
      for (const auto& [name, op] : r.ops()) importers += op.importer ? 1 : 0;
      char line[256];
      std::snprintf(line, sizeof line, "%-8s %-9s %2d-%-5d %-39s %d", r.name.c_str(), r.version.c_str(), r.opset_min,
                    r.opset_max, precisions.c_str(), importers);
      std::cout << line << "\n";
    }
    return kExitOk;
  };
}

Runner add_op(CLI::App& app) {
  struct Options {
    std::string name;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("op", "Show one operator's support across every TensorRT release");
  cmd->add_option("name", o->name, "ONNX operator type, e.g. Resize")->required();
  cmd->add_flag("--json", o->json, "Print JSON");
  return [o] {
    const auto& kb = KnowledgeBase::builtin();
    nlohmann::json support = op_support(kb, o->name);
    bool known = false;
    for (const auto& row : support["releases"]) known = known || row["importer"].get<bool>() || row["in_matrix"].get<bool>();
    if (o->json) {
      std::cout << support.dump(2) << "\n";
      return known ? kExitOk : kExitFindings;
    }
    std::cout << o->name << ": TensorRT support per release (newest first)\n\n";
    std::cout << "release  importer  precisions                     types\n";
    for (const auto& row : support["releases"]) {
      std::string precisions, types;
      for (const auto& p : row["precisions"]) precisions += (precisions.empty() ? "" : ",") + p.get<std::string>();
      for (const auto& t : row["types"]) types += (types.empty() ? "" : ",") + t.get<std::string>();
      char line[512];
      std::snprintf(line, sizeof line, "%-8s %-9s %-30s %s", row["release"].get<std::string>().c_str(),
                    row["importer"].get<bool>() ? "yes" : "no", precisions.c_str(), types.c_str());
      std::cout << line << "\n";
    }
    std::cout << "\nRestrictions (rule code: releases)\n";
    for (const auto& rule : support["rules"]) {
      const std::string releases = release_ranges(kb, rule["releases"]);
      std::cout << "  " << rule["code"].get<std::string>() << " [" << rule["severity"].get<std::string>()
                << "]: " << rule["summary"].get<std::string>() << " (" << releases << ")\n";
    }
    if (!known) {
      std::cout << "\nNo TensorRT release has an importer for '" << o->name
                << "' (op names are case-sensitive, e.g. 'Resize').\n";
      return kExitFindings;
    }
    return kExitOk;
  };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(80, add_versions);
TRTLENS_REGISTER_COMMAND(81, add_op);
}  // namespace trtlens::cli
