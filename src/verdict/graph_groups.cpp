#include "verdict/graph_groups.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

namespace trtlens {
namespace {

struct Dsu {
  std::vector<int> parent;
  int make() {
    parent.push_back(static_cast<int>(parent.size()));
    return parent.back();
  }
  int find(int x) {
    while (parent[static_cast<std::size_t>(x)] != x) x = parent[static_cast<std::size_t>(x)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
    return x;
  }
};

}  // namespace

int top_level(const ModelIndex& index, int node) {
  while (node >= 0 && index.nodes()[static_cast<std::size_t>(node)].scope != 0)
    node = index.nodes()[static_cast<std::size_t>(node)].parent;
  return node;
}

MainGraph main_graph(const ModelIndex& index) {
  MainGraph g;
  g.global = index.scopes().front()->nodes;
  const std::size_t m = g.global.size();
  for (std::size_t i = 0; i < m; ++i) g.local[g.global[i]] = static_cast<int>(i);
  std::vector<std::set<int>> preds(m);
  for (std::size_t n = 0; n < index.nodes().size(); ++n) {
    const NodeRef& node = index.nodes()[n];
    const int top = top_level(index, static_cast<int>(n));
    auto to = g.local.find(top);
    if (to == g.local.end()) continue;
    for (const auto& name : node.proto->input()) {
      const TensorInfo* t = name.empty() ? nullptr : index.find(node.scope, name);
      if (!t || t->scope != 0 || t->producer < 0) continue;
      auto from = g.local.find(t->producer);
      if (from != g.local.end() && from->second != to->second) preds[static_cast<std::size_t>(to->second)].insert(from->second);
    }
  }
  g.preds.resize(m);
  g.succs.resize(m);
  for (std::size_t v = 0; v < m; ++v) {
    g.preds[v].assign(preds[v].begin(), preds[v].end());
    for (int u : g.preds[v]) g.succs[static_cast<std::size_t>(u)].push_back(static_cast<int>(v));
  }
  // File order breaks ties so the result is deterministic and reads like the model.
  g.topo = topological_order(
      m, [&g](int v) -> const std::vector<int>& { return g.succs[static_cast<std::size_t>(v)]; }, [](int v) { return v; });
  return g;
}


// Groups the member nodes into maximal sets that stay acyclic when contracted. Walking in topological order, each
// node tracks `bad`: the groups that reach it through a path leaving the group. A node may join (and merge) the
// groups of its member predecessors that are not bad for it and not bad for each other.
std::vector<std::vector<int>> acyclic_groups(const MainGraph& g, const std::vector<bool>& member) {
  const std::size_t m = g.global.size();
  Dsu dsu;
  std::vector<int> group(m, -1);
  std::vector<std::set<int>> anc(m), bad(m);
  std::vector<std::set<int>> group_bad;
  std::vector<int> group_size;
  auto canon = [&dsu](const std::set<int>& raw) {
    std::set<int> out;
    for (int x : raw) out.insert(dsu.find(x));
    return out;
  };
  for (int v : g.topo) {
    const auto vi = static_cast<std::size_t>(v);
    std::set<int> b, a;
    for (int u : g.preds[vi]) {
      const auto ui = static_cast<std::size_t>(u);
      for (int x : bad[ui]) b.insert(dsu.find(x));
      const int gu = group[ui] >= 0 ? dsu.find(group[ui]) : -1;
      for (int x : anc[ui]) {
        const int c = dsu.find(x);
        a.insert(c);
        if (c != gu) b.insert(c);
      }
    }
    if (member[vi]) {
      std::set<int> candidates;
      for (int u : g.preds[vi])
        if (group[static_cast<std::size_t>(u)] >= 0) {
          const int c = dsu.find(group[static_cast<std::size_t>(u)]);
          if (!b.count(c)) candidates.insert(c);
        }
      std::vector<int> ordered(candidates.begin(), candidates.end());
      std::stable_sort(ordered.begin(), ordered.end(), [&](int x, int y) {
        return group_size[static_cast<std::size_t>(x)] > group_size[static_cast<std::size_t>(y)];
      });
      std::vector<int> chosen;
      for (int c : ordered) {
        bool ok = true;
        const auto bad_c = canon(group_bad[static_cast<std::size_t>(c)]);
        for (int d : chosen)
          if (bad_c.count(d) || canon(group_bad[static_cast<std::size_t>(d)]).count(c)) ok = false;
        if (ok) chosen.push_back(c);
      }
      int target;
      if (chosen.empty()) {
        target = dsu.make();
        group_bad.emplace_back();
        group_size.push_back(0);
      } else {
        target = chosen.front();
        for (std::size_t i = 1; i < chosen.size(); ++i) {
          const int other = chosen[i];
          dsu.parent[static_cast<std::size_t>(other)] = target;
          group_bad[static_cast<std::size_t>(target)].insert(group_bad[static_cast<std::size_t>(other)].begin(),
                                                             group_bad[static_cast<std::size_t>(other)].end());
          group_size[static_cast<std::size_t>(target)] += group_size[static_cast<std::size_t>(other)];
        }
      }
      group[vi] = target;
      group_bad[static_cast<std::size_t>(target)].insert(b.begin(), b.end());
      ++group_size[static_cast<std::size_t>(target)];
      a.insert(target);
    }
    bad[vi] = std::move(b);
    anc[vi] = std::move(a);
  }
  std::map<int, std::vector<int>> by_group;
  for (int v : g.topo)
    if (group[static_cast<std::size_t>(v)] >= 0) by_group[dsu.find(group[static_cast<std::size_t>(v)])].push_back(v);
  std::vector<std::vector<int>> out;
  for (auto& [id, nodes] : by_group) out.push_back(std::move(nodes));
  return out;
}

}  // namespace trtlens
