#include "store/version_analysis.h"

#include <algorithm>
#include <tuple>

#include "kb/kb.h"
#include "onnx/open_index.h"
#include "report/report.h"

namespace trtlens::store {

namespace {

Target without_plugins(const Target& target) {
  Target plain = target;
  plain.plugins.clear();
  return plain;
}

Result<std::unique_ptr<ModelIndex>> open_version(Store& store, const VersionInfo& v) {
  return open_index(store.model_path(v), {}, v.file_name);
}

// Caches an analysis this process computed anyway, unless one is there.
Result<CachedAnalysis> keep(Store& store, const VersionInfo& v, const Target& target, const ModelIndex& index,
                            const Analysis& a) {
  CachedAnalysis c{to_json(index, a), counts_of(a.summary), false};
  if (auto stored = store.cache_analysis(v, target, c); !stored) return stored.error();
  return c;
}

// Sort key of a listed change: (added, graph, name), the old name for a node the old version has.
std::tuple<bool, std::string, std::string> order_key(const VersionDiff& d, const NodeChange& c) {
  const ModelIndex& index = c.old_node >= 0 ? *d.from_index : *d.to_index;
  const int node = c.old_node >= 0 ? c.old_node : c.new_node;
  return {c.old_node < 0, node_graph(index, node), index.nodes()[static_cast<std::size_t>(node)].name};
}

void classify(VersionDiff& d) {
  for (const auto& c : d.nodes.nodes) {
    const std::string was = status_before(c), now = status_after(c);
    if (was == now && !c.moved()) continue;
    if (now == "unsupported") d.became_unsupported.push_back(&c);
    else if (now == "convertible" && !was.empty()) d.became_convertible.push_back(&c);
    else d.changed.push_back(&c);
  }
  auto by_name = [&d](const NodeChange* a, const NodeChange* b) { return order_key(d, *a) < order_key(d, *b); };
  for (auto* list : {&d.became_unsupported, &d.became_convertible, &d.changed})
    std::stable_sort(list->begin(), list->end(), by_name);
}

}  // namespace

Counts counts_of(const Summary& s) {
  return Counts{s.convertible, s.fallback, s.unsupported, s.warnings, s.model_convertible};
}

std::string status_before(const NodeChange& c) { return c.before ? std::string(status_name(c.before->status)) : ""; }
std::string status_after(const NodeChange& c) { return c.after ? std::string(status_name(c.after->status)) : ""; }

Result<CachedAnalysis> analyze_version(Store& store, const VersionInfo& v, const Target& target) {
  auto hit = store.cached_analysis(v, target);
  if (!hit) return hit.error();
  if (hit.value()) return std::move(*hit.value());
  // Analyse outside the store's lock: other requests keep being served while a large model is checked.
  auto index = open_version(store, v);
  if (!index) return index.error();
  const Analysis a = analyze(*index.value(), without_plugins(target), KnowledgeBase::builtin());
  return keep(store, v, target, *index.value(), a);
}

Result<std::unique_ptr<VersionDiff>> diff_versions(Store& store, const VersionInfo& from, const VersionInfo& to,
                                                   const Target& target) {
  auto d = std::make_unique<VersionDiff>();
  const Target plain = without_plugins(target);
  auto from_index = open_version(store, from);
  if (!from_index) return from_index.error();
  auto to_index = open_version(store, to);
  if (!to_index) return to_index.error();
  d->from_index = std::move(from_index.value());
  d->to_index = std::move(to_index.value());
  d->from = analyze(*d->from_index, plain, KnowledgeBase::builtin());
  d->to = analyze(*d->to_index, plain, KnowledgeBase::builtin());
  d->from_counts = counts_of(d->from.summary);
  d->to_counts = counts_of(d->to.summary);
  for (const auto& [v, index, a] : {std::tuple{&from, d->from_index.get(), &d->from},
                                    std::tuple{&to, d->to_index.get(), &d->to}}) {
    auto hit = store.cached_analysis(*v, target);
    if (!hit) return hit.error();
    if (!hit.value())
      if (auto kept = keep(store, *v, target, *index, *a); !kept) return kept.error();
  }
  d->nodes = diff_models(*d->from_index, d->from, *d->to_index, d->to);
  classify(*d);
  return d;
}

}  // namespace trtlens::store
