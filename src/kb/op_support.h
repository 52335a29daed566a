// One operator's support across every release: the data behind `trtlens op` and the UI's Supported Runtimes tab.
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "kb/kb.h"

namespace trtlens {

// {"op": name, "releases": [{"release","version","importer","in_matrix","types","precisions"}...newest first],
//  "rules": [{"code","rule","severity","summary","releases":[...]}]}
nlohmann::json op_support(const KnowledgeBase& kb, std::string_view op);
// The precisions of `release` that `op` can run in (fp32/tf32 need FP32, fp16 FP16, int8 INT8, ...).
std::vector<std::string> op_precisions(const Release& release, const OpInfo& op);
nlohmann::json release_summary(const Release& r);

}  // namespace trtlens
