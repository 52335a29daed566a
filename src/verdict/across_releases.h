// One node's verdict under every release, exactly as the badge of each release would show it.
#pragma once
#include <vector>

#include "verdict/analysis.h"

namespace trtlens {

// Like node_across_releases(), but a node whose verdict depends on other nodes (a control-flow parent, which fails
// when a body node fails, or a node inside a body, which is not checked when its branch is never taken) gets the
// verdict of a whole analysis of each release, so the Supported Runtimes column agrees with the badge, the summary
// and `diff`. Other nodes are evaluated alone, which gives the same answer without analysing the whole model.
std::vector<ReleaseVerdict> node_verdicts_across_releases(const ModelIndex& index, int node, const Target& target,
                                                          const KnowledgeBase& kb);

// True when a node's verdict needs the whole analysis (it owns bodies or sits in one).
bool verdict_depends_on_other_nodes(const ModelIndex& index, int node);

}  // namespace trtlens
