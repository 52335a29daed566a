// Release lists as people read them.
#pragma once
#include <string>
#include <vector>

#include "kb/kb.h"

namespace trtlens {

// "8.4 .. 8.6, 10.0 .. 10.15": releases of `kb` named in `names`, consecutive ones folded into ranges ("none").
std::string release_ranges(const std::vector<std::string>& names, const KnowledgeBase& kb);

}  // namespace trtlens
