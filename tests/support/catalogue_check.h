// Whether an analysis reports catalogued codes (util/codes.def) as the catalogue says: a reason of an unsupported
// node or an error model issue is never a warning-only code, a warning never an error-only code, and every one
// carries a hint when the catalogue has one. Codes the catalogue does not hold (knowledge-base codes) are skipped.
#pragma once
#include <string>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens::test {

// One line per disagreement ("node 'x' warning TRT_Y: catalogued as error"); empty when all agree. Counts the
// catalogued codes seen into *checked.
std::vector<std::string> catalogue_disagreements(const Analysis& a, int* checked = nullptr);

}  // namespace trtlens::test
