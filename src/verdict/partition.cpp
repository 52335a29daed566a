#include "verdict/partition.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "verdict/graph_groups.h"

namespace trtlens {
namespace {

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
  for (std::size_t v = 0; v < g.global.size(); ++v)
    for (int u : g.preds[v]) {
      const int a = part_of[static_cast<std::size_t>(u)], b = part_of[v];
      if (a != b) succ[static_cast<std::size_t>(a)].insert(b);
    }
  const auto order = topological_order(
      parts.size(), [&succ](int p) -> const std::set<int>& { return succ[static_cast<std::size_t>(p)]; },
      [&parts](int p) { return parts[static_cast<std::size_t>(p)].nodes.front(); });
  std::vector<Part> out;
  out.reserve(order.size());
  for (int p : order) out.push_back(std::move(parts[static_cast<std::size_t>(p)]));
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
