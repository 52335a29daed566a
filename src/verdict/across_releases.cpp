#include "verdict/across_releases.h"

namespace trtlens {

bool verdict_depends_on_other_nodes(const ModelIndex& index, int node) {
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
  return !n.children.empty() || n.scope != 0;
}

std::vector<ReleaseVerdict> node_verdicts_across_releases(const ModelIndex& index, int node, const Target& target,
                                                          const KnowledgeBase& kb) {
  std::vector<ReleaseVerdict> out = node_across_releases(index, node, target, kb);
  if (!verdict_depends_on_other_nodes(index, node)) return out;
  AnalyzeOptions options;
  options.upgrade_hints = false;
  for (auto& rv : out) {
    // The same per-release target as node_across_releases: precisions the release lacks are dropped (fp32 if none).
    Target t = target;
    t.release = rv.release;
    t.precisions.clear();
    for (Precision p : target.precisions)
      if (rv.release->has_precision(p)) t.precisions.push_back(p);
    if (t.precisions.empty()) t.precisions.push_back(Precision::FP32);
    Analysis a = analyze(index, t, kb, options);
    rv.verdict = std::move(a.nodes[static_cast<std::size_t>(node)]);
  }
  return out;
}

}  // namespace trtlens
