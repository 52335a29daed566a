#include "verdict/partition.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>


namespace trtlens {
namespace {

// The main graph as a DAG over "local" ids (positions in scope 0's file order). Edges include the outer tensors
// that If/Loop/Scan bodies read, since ORT must place those producers before the control-flow node too.
struct MainGraph {
  std::vector<int> global;                   // local -> global node index
  std::unordered_map<int, int> local;        // global -> local
  std::vector<std::vector<int>> preds, succs;
  std::vector<int> topo;                     // local ids
};

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
  std::vector<int> pending(m, 0);
  for (std::size_t v = 0; v < m; ++v) {
    g.preds[v].assign(preds[v].begin(), preds[v].end());
    pending[v] = static_cast<int>(g.preds[v].size());
    for (int u : g.preds[v]) g.succs[static_cast<std::size_t>(u)].push_back(static_cast<int>(v));
  }
  // File order breaks ties so the result is deterministic and reads like the model.
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (std::size_t v = 0; v < m; ++v)
    if (pending[v] == 0) ready.push(static_cast<int>(v));
  while (!ready.empty()) {
    int v = ready.top();
    ready.pop();
    g.topo.push_back(v);
    for (int w : g.succs[static_cast<std::size_t>(v)])
      if (--pending[static_cast<std::size_t>(w)] == 0) ready.push(w);
  }
  return g;
}

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

void add_unique(std::vector<std::string>& list, std::unordered_set<std::string>& seen, const std::string& name) {
  if (seen.insert(name).second) list.push_back(name);
}

void collect_body_nodes(const ModelIndex& index, int node, std::vector<int>& out) {
  for (int scope : index.nodes()[static_cast<std::size_t>(node)].children)
    for (int inner : index.scopes()[static_cast<std::size_t>(scope)]->nodes) {
      out.push_back(inner);
      collect_body_nodes(index, inner, out);
    }
}

void fill_boundary(const ModelIndex& index, Part& part) {
  const std::unordered_set<int> members(part.nodes.begin(), part.nodes.end());
  std::unordered_set<std::string> seen_in, seen_init, seen_out;
  for (int n : part.nodes) {
    std::vector<int> readers{n};
    collect_body_nodes(index, n, readers);
    for (int r : readers) {
      const NodeRef& node = index.nodes()[static_cast<std::size_t>(r)];
      for (const auto& name : node.proto->input()) {
        const TensorInfo* t = name.empty() ? nullptr : index.find(node.scope, name);
        if (!t || t->scope != 0) continue;
        if (t->producer >= 0 && members.count(t->producer)) continue;
        if (t->producer < 0 && !t->graph_input && t->initializer) add_unique(part.initializers, seen_init, name);
        else add_unique(part.inputs, seen_in, name);
      }
    }
  }
  for (int n : part.nodes) {
    for (const auto& name : index.nodes()[static_cast<std::size_t>(n)].proto->output()) {
      const TensorInfo* t = name.empty() ? nullptr : index.find(0, name);
      if (!t) continue;
      bool outside = t->graph_output;
      for (int c : index.consumers(0, name)) outside = outside || !members.count(top_level(index, c));
      if (outside) add_unique(part.outputs, seen_out, name);
    }
  }
}

// Orders parts so each reads only from earlier ones (the grouping guarantees the contracted graph is acyclic).
std::vector<Part> order_parts(const MainGraph& g, std::vector<Part> parts) {
  std::vector<int> part_of(g.global.size(), -1);
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (int n : parts[p].nodes) part_of[static_cast<std::size_t>(n)] = static_cast<int>(p);
  std::vector<std::set<int>> succ(parts.size());
  std::vector<int> pending(parts.size(), 0);
  for (std::size_t v = 0; v < g.global.size(); ++v)
    for (int u : g.preds[v]) {
      const int a = part_of[static_cast<std::size_t>(u)], b = part_of[v];
      if (a != b && succ[static_cast<std::size_t>(a)].insert(b).second) ++pending[static_cast<std::size_t>(b)];
    }
  auto first = [&](int p) { return parts[static_cast<std::size_t>(p)].nodes.front(); };
  auto later = [&](int x, int y) { return first(x) > first(y); };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (std::size_t p = 0; p < parts.size(); ++p)
    if (pending[p] == 0) ready.push(static_cast<int>(p));
  std::vector<Part> out;
  while (!ready.empty()) {
    const int p = ready.top();
    ready.pop();
    out.push_back(std::move(parts[static_cast<std::size_t>(p)]));
    for (int s : succ[static_cast<std::size_t>(p)])
      if (--pending[static_cast<std::size_t>(s)] == 0) ready.push(s);
  }
  return out;
}

// The DLA subgraphs of the engines: DLA-placed engine nodes grouped like the engines themselves (connected, acyclic
// when contracted), then split where a group would straddle two engines.
template <typename Device>
void split_dla_subgraphs(const ModelIndex& index, const MainGraph& g, Partition& result, Device device) {
  std::unordered_map<int, int> engine_of;  // global node -> TensorRT part id
  for (const auto& part : result.parts)
    if (part.tensorrt)
      for (int n : part.nodes) engine_of[n] = part.id;
  std::vector<bool> on_dla(g.global.size());
  for (std::size_t v = 0; v < g.global.size(); ++v)
    on_dla[v] = engine_of.count(g.global[v]) && device(static_cast<int>(v)) == "dla";
  std::vector<std::pair<int, std::vector<int>>> found;  // (engine, global nodes)
  for (const auto& group : acyclic_groups(g, on_dla)) {
    std::map<int, std::vector<int>> by_engine;
    for (int v : group) {
      const int n = g.global[static_cast<std::size_t>(v)];
      by_engine[engine_of.at(n)].push_back(n);
    }
    for (auto& [engine, nodes] : by_engine) found.emplace_back(engine, std::move(nodes));
  }
  std::unordered_map<int, std::size_t> topo_pos;
  for (std::size_t i = 0; i < g.topo.size(); ++i) topo_pos[g.global[static_cast<std::size_t>(g.topo[i])]] = i;
  std::stable_sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : topo_pos.at(a.second.front()) < topo_pos.at(b.second.front());
  });
  for (auto& [engine, nodes] : found) {
    Part boundary{0, true, nodes, {}, {}, {}};
    fill_boundary(index, boundary);
    result.dla_subgraphs.push_back(DlaSubgraph{static_cast<int>(result.dla_subgraphs.size()), engine, std::move(nodes),
                                               std::move(boundary.inputs), std::move(boundary.outputs)});
  }
}

}  // namespace

Partition partition(const ModelIndex& index, const Analysis& analysis, const PartitionOptions& options) {
  const MainGraph g = main_graph(index);
  const std::size_t m = g.global.size();
  std::unordered_map<int, const NodeVerdict*> verdicts;
  for (const auto& v : analysis.nodes) verdicts[v.index] = &v;
  auto status = [&](int local) {
    auto it = verdicts.find(g.global[static_cast<std::size_t>(local)]);
    return it == verdicts.end() ? Status::kUnsupported : it->second->status;
  };

  std::vector<bool> supported(m), in_trt(m, false), too_small(m, false);
  for (std::size_t v = 0; v < m; ++v) supported[v] = status(static_cast<int>(v)) != Status::kUnsupported;
  std::vector<Part> parts;
  for (auto& nodes : acyclic_groups(g, supported)) {
    if (static_cast<int>(nodes.size()) < options.min_subgraph_size) {
      for (int v : nodes) too_small[static_cast<std::size_t>(v)] = true;
      continue;
    }
    for (int v : nodes) in_trt[static_cast<std::size_t>(v)] = true;
    parts.push_back(Part{0, true, std::move(nodes), {}, {}, {}});
  }
  std::vector<bool> rest(m);
  for (std::size_t v = 0; v < m; ++v) rest[v] = !in_trt[v];
  for (auto& nodes : acyclic_groups(g, rest)) parts.push_back(Part{0, false, std::move(nodes), {}, {}, {}});

  Partition result;
  result.parts = order_parts(g, std::move(parts));
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> outside;
  for (std::size_t i = 0; i < result.parts.size(); ++i) {
    Part& part = result.parts[i];
    part.id = static_cast<int>(i);
    for (int& v : part.nodes) {
      const auto local = static_cast<std::size_t>(v);
      v = g.global[local];
      const NodeRef& node = index.nodes()[static_cast<std::size_t>(v)];
      if (part.tensorrt) {
        ++result.nodes_in_tensorrt;
        continue;
      }
      ++result.nodes_outside;
      std::string reason = "TRT_SUBGRAPH_TOO_SMALL";
      if (too_small[local]) ++result.dropped_small;
      else {
        auto it = verdicts.find(v);
        reason = it != verdicts.end() && !it->second->reasons.empty() ? it->second->reasons.front().code : "TRT_UNSUPPORTED";
      }
      outside[{node.op_type, reason}].push_back(node.name);
    }
    if (part.tensorrt) ++result.engines;
    fill_boundary(index, part);
  }
  for (auto& [key, nodes] : outside) result.outside.push_back(OutsideRow{key.first, key.second, std::move(nodes)});
  std::stable_sort(result.outside.begin(), result.outside.end(),
                   [](const auto& a, const auto& b) { return a.nodes.size() > b.nodes.size(); });
  if (analysis.target.hardware.dla) {
    auto device = [&](int local) {
      auto it = verdicts.find(g.global[static_cast<std::size_t>(local)]);
      return it == verdicts.end() ? std::string() : it->second->device;
    };
    split_dla_subgraphs(index, g, result, device);
    result.dla_limit = HardwareKb::builtin().dla_loadables(*analysis.target.release);
    std::map<int, int> per_engine;
    for (const auto& s : result.dla_subgraphs) ++per_engine[s.engine];
    for (const auto& [engine, count] : per_engine)
      if (result.dla_limit.max_per_core > 0 && count > result.dla_limit.max_per_core)
        result.dla_over_limit.push_back({engine, count});
  }
  return result;
}

}  // namespace trtlens
