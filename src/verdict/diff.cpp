#include "verdict/diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace trtlens {
namespace {

std::vector<std::string> reason_codes(const NodeVerdict& v) {
  std::vector<std::string> out;
  for (const auto& r : v.reasons) out.push_back(r.code);
  return out;
}
std::vector<std::string> warning_codes(const NodeVerdict& v) {
  std::vector<std::string> out;
  for (const auto& w : v.warnings) out.push_back(w.code);
  return out;
}

// Where a node's layers run: its DLA placement, or the GPU for every node of a target without a DLA. "" for a node
// that builds no layer or is unsupported (its status already says so).
std::string device_of(const Target& t, const NodeVerdict* v) {
  if (!v || v->status == Status::kUnsupported) return "";
  return t.hardware.dla ? v->device : "gpu";
}

// A move between devices that both sides place (a node with no layer on one side is no move).
bool moved(const std::string& from, const std::string& to) { return !from.empty() && !to.empty() && from != to; }

// The one comparison of two verdicts of a node, for every diff. Both verdicts must be present.
void compare(NodeChange& c, const std::string& op_before, const std::string& op_after) {
  const NodeVerdict& before = *c.before;
  const NodeVerdict& now = *c.after;
  if (op_before != op_after) c.changed.push_back("op_type");
  if (before.status != now.status) c.changed.push_back("status");
  if (before.runs_in != now.runs_in) c.changed.push_back("runs_in");
  if (moved(c.device_before, c.device_after)) c.changed.push_back("device");
  if (reason_codes(before) != reason_codes(now)) c.changed.push_back("reasons");
  if (warning_codes(before) != warning_codes(now)) c.changed.push_back("warnings");
}

// A pair of verdicts of one node (either may be null: absent on that side), compared.
NodeChange pair_of(int old_node, const NodeVerdict* before, const Target& before_target, int new_node,
                   const NodeVerdict* after, const Target& after_target, std::string matched_by,
                   const std::string& op_before, const std::string& op_after) {
  NodeChange c;
  c.old_node = old_node;
  c.new_node = new_node;
  c.matched_by = std::move(matched_by);
  c.before = before;
  c.after = after;
  c.device_before = device_of(before_target, before);
  c.device_after = device_of(after_target, after);
  if (before && after) compare(c, op_before, op_after);
  return c;
}

// Counts a device move of a compared pair.
void count_move(const NodeChange& c, int& to_dla, int& to_gpu) {
  if (c.moved()) ++(c.device_after == "dla" ? to_dla : to_gpu);
}

}  // namespace

const std::string& node_graph(const ModelIndex& index, int node) {
  return index.scopes()[static_cast<std::size_t>(index.nodes()[static_cast<std::size_t>(node)].scope)]->path;
}

bool NodeChange::has(std::string_view aspect) const {
  return std::find(changed.begin(), changed.end(), aspect) != changed.end();
}

// ---- release diff -------------------------------------------------------------------------------------------------

ReleaseDiff diff_releases(const ModelIndex& index, const Target& from, const Target& to, const KnowledgeBase& kb) {
  ReleaseDiff d;
  AnalyzeOptions options;
  options.upgrade_hints = false;  // the diff itself says what the newer release changes
  d.from = analyze(index, from, kb, options);
  d.to = analyze(index, to, kb, options);
  std::unordered_map<int, const NodeVerdict*> after;
  for (const auto& v : d.to.nodes) after[v.index] = &v;
  for (const auto& before : d.from.nodes) {
    auto it = after.find(before.index);
    if (it == after.end()) continue;
    const NodeVerdict& now = *it->second;
    const std::string& op = index.nodes()[static_cast<std::size_t>(before.index)].op_type;
    NodeChange change = pair_of(before.index, &before, d.from.target, before.index, &now, d.to.target, "index", op, op);
    if (change.changed.empty()) continue;
    if (now.status == Status::kUnsupported && before.status != Status::kUnsupported) ++d.became_unsupported;
    if (now.status != Status::kUnsupported && before.status == Status::kUnsupported) ++d.became_supported;
    count_move(change, d.moved_to_dla, d.moved_to_gpu);
    d.changes.push_back(std::move(change));
  }
  auto codes = [](const Analysis& a) {
    std::set<std::string> s;
    for (const auto& m : a.model_issues) s.insert(m.code);
    return s;
  };
  const auto before_codes = codes(d.from), after_codes = codes(d.to);
  for (const auto& m : d.from.model_issues)
    if (!after_codes.count(m.code)) d.issues_gone.push_back(m);
  for (const auto& m : d.to.model_issues)
    if (!before_codes.count(m.code)) d.issues_new.push_back(m);
  return d;
}

// ---- model diff ---------------------------------------------------------------------------------------------------
namespace {

std::unordered_map<int, const NodeVerdict*> by_index(const Analysis& a) {
  std::unordered_map<int, const NodeVerdict*> out;
  for (const auto& v : a.nodes) out[v.index] = &v;
  return out;
}

// A node's structural signature: graph path, op type and where each input comes from. `producer_id` maps a producer
// node to a comparable id (the old model's index), or -1 when it has no counterpart yet.
template <typename ProducerId>
std::string signature(const ModelIndex& index, int node, ProducerId producer_id) {
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
  std::string sig = node_graph(index, node) + '\n' + n.domain + ':' + n.op_type;
  for (const auto& name : n.proto->input()) {
    sig += '\n';
    const TensorInfo* t = name.empty() ? nullptr : index.find(n.scope, name);
    if (!t || t->producer < 0) {
      sig += "t:" + name;
      continue;
    }
    const int id = producer_id(t->producer);
    if (id < 0) return "";
    const auto& outputs = index.nodes()[static_cast<std::size_t>(t->producer)].proto->output();
    int slot = 0;
    while (slot < outputs.size() && outputs[slot] != name) ++slot;
    sig += "n" + std::to_string(id) + "#" + std::to_string(slot);
  }
  return sig;
}

}  // namespace

NodeMatch match_nodes(const ModelIndex& old_index, const ModelIndex& new_index) {
  NodeMatch m;
  m.old_to_new.assign(old_index.nodes().size(), -1);
  m.new_to_old.assign(new_index.nodes().size(), -1);
  m.how.assign(new_index.nodes().size(), "");
  auto& old_to_new = m.old_to_new;
  auto& new_to_old = m.new_to_old;

  std::unordered_map<std::string, int> old_by_name;  // -2: the name is not unique
  for (std::size_t i = 0; i < old_index.nodes().size(); ++i) {
    const NodeRef& n = old_index.nodes()[i];
    if (n.proto->name().empty()) continue;  // synthetic names shift when nodes are inserted
    auto [it, fresh] = old_by_name.emplace(node_graph(old_index, static_cast<int>(i)) + '\n' + n.proto->name(), static_cast<int>(i));
    if (!fresh) it->second = -2;
  }
  for (std::size_t i = 0; i < new_index.nodes().size(); ++i) {
    const NodeRef& n = new_index.nodes()[i];
    if (n.proto->name().empty()) continue;
    auto it = old_by_name.find(node_graph(new_index, static_cast<int>(i)) + '\n' + n.proto->name());
    if (it == old_by_name.end() || it->second < 0 || old_to_new[static_cast<std::size_t>(it->second)] >= 0) continue;
    old_to_new[static_cast<std::size_t>(it->second)] = static_cast<int>(i);
    new_to_old[i] = it->second;
    m.how[i] = "name";
  }

  std::multimap<std::string, int> old_by_sig;
  for (std::size_t i = 0; i < old_index.nodes().size(); ++i)
    if (old_to_new[i] < 0) old_by_sig.emplace(signature(old_index, static_cast<int>(i), [](int p) { return p; }), static_cast<int>(i));
  // Topological order inside each graph, so a renamed node's producers are matched before it is.
  for (const auto& scope : new_index.scopes())
    for (int node : scope->topo) {
      if (new_to_old[static_cast<std::size_t>(node)] >= 0) continue;
      const std::string sig = signature(new_index, node, [&](int p) { return new_to_old[static_cast<std::size_t>(p)]; });
      if (sig.empty()) continue;
      auto it = old_by_sig.find(sig);
      if (it == old_by_sig.end()) continue;
      new_to_old[static_cast<std::size_t>(node)] = it->second;
      old_to_new[static_cast<std::size_t>(it->second)] = node;
      m.how[static_cast<std::size_t>(node)] = "structure";
      old_by_sig.erase(it);
    }
  return m;
}

ModelDiff diff_models(const ModelIndex& old_index, const Analysis& old_a, const ModelIndex& new_index,
                      const Analysis& new_a) {
  const auto old_v = by_index(old_a), new_v = by_index(new_a);
  const NodeMatch m = match_nodes(old_index, new_index);
  ModelDiff d;
  d.target = new_a.target;
  auto lookup = [](const auto& map, int i) -> const NodeVerdict* {
    auto it = map.find(i);
    return it == map.end() ? nullptr : it->second;
  };
  auto op_of = [](const ModelIndex& index, int node) -> const std::string& {
    return index.nodes()[static_cast<std::size_t>(node)].op_type;
  };
  for (std::size_t i = 0; i < new_index.nodes().size(); ++i) {
    const int new_node = static_cast<int>(i), old_node = m.new_to_old[i];
    const NodeVerdict* after = lookup(new_v, new_node);
    if (old_node < 0) {
      ++d.added;
      if (after && after->status == Status::kUnsupported) ++d.added_unsupported;
      d.nodes.push_back(pair_of(-1, nullptr, old_a.target, new_node, after, new_a.target, "", "", ""));
      continue;
    }
    const NodeVerdict* before = lookup(old_v, old_node);
    NodeChange c = pair_of(old_node, before, old_a.target, new_node, after, new_a.target, m.how[i],
                           op_of(old_index, old_node), op_of(new_index, new_node));
    ++d.matched;
    if (c.matched_by == "structure") ++d.renamed;
    if (before && after) {
      const bool was_bad = before->status == Status::kUnsupported;
      const bool is_bad = after->status == Status::kUnsupported;
      count_move(c, d.moved_to_dla, d.moved_to_gpu);
      d.became_unsupported += !was_bad && is_bad;
      d.became_supported += was_bad && !is_bad;
    }
    d.nodes.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < old_index.nodes().size(); ++i)
    if (m.old_to_new[i] < 0) {
      ++d.removed;
      d.nodes.push_back(pair_of(static_cast<int>(i), lookup(old_v, static_cast<int>(i)), old_a.target, -1, nullptr,
                                new_a.target, "", "", ""));
    }
  return d;
}

}  // namespace trtlens
