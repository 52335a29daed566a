#include "verdict/diff.h"

#include <algorithm>
#include <cctype>
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

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

std::string precisions_of(const Target& t) {
  std::vector<std::string> names;
  for (Precision p : t.precisions) names.emplace_back(precision_name(p));
  return join(names, ",");
}

// "TensorRT 8.6 (fp16)", "TensorRT 8.6 (fp16; Orin (SM 8.7), DLA with GPU fallback)".
std::string target_label(const Target& t) {
  std::string s = t.release->display() + " (" + precisions_of(t);
  if (t.strongly_typed) s += ", strongly typed";
  if (t.hardware.has_gpu) s += "; " + t.hardware.text();
  return s + ")";
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

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json device_json(const std::string& device) {
  return device.empty() ? nlohmann::json(nullptr) : nlohmann::json(device);
}

// "12 on the DLA, 3 on the GPU, 2 GPU/DLA transitions", or "all on the GPU" for a target without a DLA.
std::string placement(const Analysis& a) {
  if (!a.target.hardware.dla) return "all on the GPU";
  const auto& s = a.summary;
  return std::to_string(s.dla_nodes) + " on the DLA, " + std::to_string(s.gpu_nodes) + " on the GPU, " +
         std::to_string(s.gpu_dla_transitions) + " GPU/DLA transitions";
}

nlohmann::json target_json(const Target& t) {
  return {{"tensorrt", t.release->name},
          {"precisions", precisions_of(t)},
          {"strongly_typed", t.strongly_typed},
          {"hardware", t.hardware.json()}};
}

const std::string& graph_of(const ModelIndex& index, int node) {
  return index.scopes()[static_cast<std::size_t>(index.nodes()[static_cast<std::size_t>(node)].scope)]->path;
}

std::string qualified(const ModelIndex& index, int node) {
  const std::string& graph = graph_of(index, node);
  const std::string& name = index.nodes()[static_cast<std::size_t>(node)].name;
  return graph.empty() ? name : graph + "/" + name;
}

std::string md(std::string_view text) {
  std::string o;
  for (char ch : text) {
    if (ch == '|' || ch == '`' || ch == '<' || ch == '>' || ch == '*' || ch == '_' || ch == '[' || ch == ']') o += '\\';
    o += ch == '\n' ? ' ' : ch;
  }
  return o;
}

nlohmann::json reasons_json(const NodeVerdict* v) {
  nlohmann::json out = nlohmann::json::array();
  if (!v) return out;
  for (const auto& r : v->reasons) out.push_back({{"code", r.code}, {"message", r.message}, {"hint", r.hint}});
  return out;
}
nlohmann::json warnings_json(const NodeVerdict* v) {
  nlohmann::json out = nlohmann::json::array();
  if (!v) return out;
  for (const auto& w : v->warnings) out.push_back({{"code", w.code}, {"message", w.message}});
  return out;
}

// "convertible (fp16)", or with the device when a DLA is involved: "fallback (fp16, GPU)".
std::string describe(const NodeVerdict* v, const std::string& device = {}) {
  if (!v) return "-";
  std::string s(status_name(v->status));
  std::vector<std::string> detail;
  if (!v->runs_in.empty() && v->status != Status::kUnsupported) detail.push_back(v->runs_in);
  if (!device.empty()) detail.push_back(upper(device));
  if (!detail.empty()) s += " (" + join(detail) + ")";
  return s;
}

void write_reasons(std::ostream& out, const char* label, const NodeVerdict* v) {
  if (!v) return;
  for (const auto& r : v->reasons) out << "      " << label << r.code << ": " << r.message << "\n";
  for (const auto& w : v->warnings) out << "      " << label << "warning " << w.code << ": " << w.message << "\n";
}

std::string markdown_reasons(const NodeVerdict* v) {
  if (!v) return "";
  std::vector<std::string> parts;
  for (const auto& r : v->reasons) parts.push_back(r.code + ": " + md(r.message));
  for (const auto& w : v->warnings) parts.push_back("warning " + w.code);
  return join(parts, "<br>");
}

}  // namespace

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

nlohmann::json release_diff_json(const ModelIndex& index, const ReleaseDiff& d) {
  auto side = [](const Analysis& a) {
    nlohmann::json s{{"tensorrt", a.target.release->name},
                     {"tensorrt_version", a.target.release->version},
                     {"precisions", precisions_of(a.target)},
                     {"hardware", a.target.hardware.json()},
                     {"model_convertible", a.summary.model_convertible},
                     {"convertible", a.summary.convertible},
                     {"fallback", a.summary.fallback},
                     {"unsupported", a.summary.unsupported}};
    if (a.target.hardware.dla) {
      s["dla_nodes"] = a.summary.dla_nodes;
      s["gpu_nodes"] = a.summary.gpu_nodes;
      s["gpu_dla_transitions"] = a.summary.gpu_dla_transitions;
    }
    return s;
  };
  auto issues = [](const std::vector<ModelIssue>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : list) out.push_back({{"code", m.code}, {"message", m.message}, {"error", m.error}});
    return out;
  };
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : d.changes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.new_node)];
    changes.push_back({{"index", c.new_node},
                       {"name", n.name},
                       {"op_type", n.op_type},
                       {"graph", graph_of(index, c.new_node)},
                       {"changed", c.changed},
                       {"from", {{"status", status_name(c.before->status)}, {"runs_in", c.before->runs_in},
                                 {"device", device_json(c.device_before)},
                                 {"reasons", reasons_json(c.before)}, {"warnings", warnings_json(c.before)}}},
                       {"to", {{"status", status_name(c.after->status)}, {"runs_in", c.after->runs_in},
                               {"device", device_json(c.device_after)},
                               {"reasons", reasons_json(c.after)}, {"warnings", warnings_json(c.after)}}}});
  }
  return {{"model", index.model().path().string()},
          {"from", side(d.from)},
          {"to", side(d.to)},
          {"became_unsupported", d.became_unsupported},
          {"became_supported", d.became_supported},
          {"moved_to_dla", d.moved_to_dla},
          {"moved_to_gpu", d.moved_to_gpu},
          {"model_issues_resolved", issues(d.issues_gone)},
          {"model_issues_new", issues(d.issues_new)},
          {"changes", changes}};
}

void write_release_diff(std::ostream& out, const ModelIndex& index, const ReleaseDiff& d, bool markdown) {
  const std::string head = index.model().path().filename().string() + ": " + target_label(d.from.target) + " -> " +
                           target_label(d.to.target);
  const bool dla = d.from.target.hardware.dla || d.to.target.hardware.dla;
  const std::string devices = !dla ? "" : "placement: " + placement(d.from) + " -> " + placement(d.to) + "; " +
                                              std::to_string(d.moved_to_dla) + " nodes move GPU -> DLA, " +
                                              std::to_string(d.moved_to_gpu) + " DLA -> GPU";
  auto before = [&](const NodeChange& c) { return describe(c.before, dla ? c.device_before : ""); };
  auto after = [&](const NodeChange& c) { return describe(c.after, dla ? c.device_after : ""); };
  const std::string counts = "nodes changed: " + std::to_string(d.changes.size()) + " (" + std::to_string(d.became_supported) +
                             " become supported, " + std::to_string(d.became_unsupported) + " become unsupported); model " +
                             (d.from.summary.model_convertible ? "converts" : "does not convert") + " -> " +
                             (d.to.summary.model_convertible ? "converts" : "does not convert");
  if (markdown) {
    out << "## trtlens diff: " << md(head) << "\n\n" << md(counts) << ".\n\n";
    if (dla) out << md(devices) << ".\n\n";
    for (const auto& m : d.issues_gone) out << "- resolved model issue " << m.code << ": " << md(m.message) << "\n";
    for (const auto& m : d.issues_new) out << "- new model issue " << m.code << ": " << md(m.message) << "\n";
    if (!d.issues_gone.empty() || !d.issues_new.empty()) out << "\n";
    if (d.changes.empty()) return;
    out << "| node | op | before | after | changed | reasons before | reasons after |\n|---|---|---|---|---|---|---|\n";
    for (const auto& c : d.changes) {
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.new_node)];
      out << "| " << md(qualified(index, c.new_node)) << " | " << md(n.op_type) << " | " << before(c) << " | "
          << after(c) << " | " << join(c.changed) << " | " << markdown_reasons(c.before) << " | "
          << markdown_reasons(c.after) << " |\n";
    }
    return;
  }
  out << head << "\n" << counts << "\n";
  if (dla) out << devices << "\n";
  for (const auto& m : d.issues_gone) out << "  resolved model issue " << m.code << ": " << m.message << "\n";
  for (const auto& m : d.issues_new) out << "  new model issue " << m.code << ": " << m.message << "\n";
  for (const auto& c : d.changes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.new_node)];
    out << "\n  " << qualified(index, c.new_node) << " (" << n.op_type << "): " << before(c) << " -> " << after(c)
        << "  [" << join(c.changed) << "]\n";
    write_reasons(out, "before: ", c.before);
    write_reasons(out, "after:  ", c.after);
  }
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
  std::string sig = graph_of(index, node) + '\n' + n.domain + ':' + n.op_type;
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
    auto [it, fresh] = old_by_name.emplace(graph_of(old_index, static_cast<int>(i)) + '\n' + n.proto->name(), static_cast<int>(i));
    if (!fresh) it->second = -2;
  }
  for (std::size_t i = 0; i < new_index.nodes().size(); ++i) {
    const NodeRef& n = new_index.nodes()[i];
    if (n.proto->name().empty()) continue;
    auto it = old_by_name.find(graph_of(new_index, static_cast<int>(i)) + '\n' + n.proto->name());
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

namespace {

// What the model diff calls a change of a matched node: its op type, status, device or reason codes. A change of
// runs_in or warnings alone is not listed (the release diff lists those).
bool changed_for_model_diff(const NodeChange& c) {
  return c.has("op_type") || c.has("status") || c.has("device") || c.has("reasons");
}

std::string change_kind(const NodeChange& p) {
  if (p.old_node < 0) return "added";
  if (p.new_node < 0) return "removed";
  const bool was_bad = p.before && p.before->status == Status::kUnsupported;
  const bool is_bad = p.after && p.after->status == Status::kUnsupported;
  if (!was_bad && is_bad) return "became unsupported";
  if (was_bad && !is_bad) return "became supported";
  if (changed_for_model_diff(p)) return "changed";
  return p.matched_by == "structure" ? "renamed" : "";
}

}  // namespace

nlohmann::json model_diff_json(const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& p : d.nodes) {
    const std::string kind = change_kind(p);
    if (kind.empty()) continue;
    auto side = [&d](const ModelIndex& index, int node, const NodeVerdict* v, const std::string& device) -> nlohmann::json {
      if (node < 0) return nullptr;
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
      nlohmann::json s{{"index", node}, {"name", n.name}, {"op_type", n.op_type}, {"graph", graph_of(index, node)},
                       {"status", v ? nlohmann::json(status_name(v->status)) : nlohmann::json(nullptr)},
                       {"reasons", reasons_json(v)}, {"warnings", warnings_json(v)}};
      if (d.target.hardware.dla) s["device"] = device_json(device);
      return s;
    };
    nodes.push_back({{"change", kind}, {"matched_by", p.matched_by}, {"old", side(old_index, p.old_node, p.before, p.device_before)},
                     {"new", side(new_index, p.new_node, p.after, p.device_after)}});
  }
  nlohmann::json out{{"old_model", old_index.model().path().string()}, {"new_model", new_index.model().path().string()},
          {"target", target_json(d.target)}, {"matched", d.matched}, {"matched_by_structure", d.renamed}, {"added", d.added}, {"removed", d.removed},
          {"became_unsupported", d.became_unsupported}, {"became_supported", d.became_supported},
          {"added_unsupported", d.added_unsupported}, {"nodes", nodes}};
  if (d.target.hardware.dla) {
    out["moved_to_dla"] = d.moved_to_dla;
    out["moved_to_gpu"] = d.moved_to_gpu;
  }
  return out;
}

void write_model_diff(std::ostream& out, const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d,
                      bool markdown) {
  const std::string head = old_index.model().path().filename().string() + " -> " +
                           new_index.model().path().filename().string() + " on " + target_label(d.target);
  const bool dla = d.target.hardware.dla;
  auto shown = [&](const NodeVerdict* v, const std::string& device) { return describe(v, dla ? device : ""); };
  const std::string counts = std::to_string(d.matched) + " nodes matched (" + std::to_string(d.renamed) +
                             " by structure), " + std::to_string(d.added) + " added (" +
                             std::to_string(d.added_unsupported) + " unsupported), " + std::to_string(d.removed) +
                             " removed; " + std::to_string(d.became_unsupported) + " became unsupported, " +
                             std::to_string(d.became_supported) + " became supported" +
                             (dla ? "; " + std::to_string(d.moved_to_dla) + " moved GPU -> DLA, " +
                                        std::to_string(d.moved_to_gpu) + " DLA -> GPU"
                                  : "");
  auto name_of = [&](const NodeChange& p) {
    if (p.old_node < 0) return qualified(new_index, p.new_node);
    if (p.new_node < 0) return qualified(old_index, p.old_node);
    const std::string a = qualified(old_index, p.old_node), b = qualified(new_index, p.new_node);
    return a == b ? a : a + " -> " + b;
  };
  auto op_of = [&](const NodeChange& p) {
    if (p.new_node < 0) return old_index.nodes()[static_cast<std::size_t>(p.old_node)].op_type;
    const std::string& now = new_index.nodes()[static_cast<std::size_t>(p.new_node)].op_type;
    if (p.old_node < 0) return now;
    const std::string& was = old_index.nodes()[static_cast<std::size_t>(p.old_node)].op_type;
    return was == now ? now : was + " -> " + now;
  };
  if (markdown) {
    out << "## trtlens diff: " << md(head) << "\n\n" << md(counts) << ".\n\n";
    bool any = false;
    for (const auto& p : d.nodes) {
      const std::string kind = change_kind(p);
      if (kind.empty()) continue;
      if (!any) out << "| change | node | op | before | after | reasons now |\n|---|---|---|---|---|---|\n";
      any = true;
      out << "| " << kind << " | " << md(name_of(p)) << " | " << md(op_of(p)) << " | " << shown(p.before, p.device_before)
          << " | " << shown(p.after, p.device_after) << " | " << markdown_reasons(p.after ? p.after : p.before)
          << " |\n";
    }
    return;
  }
  out << head << "\n" << counts << "\n";
  for (const auto& p : d.nodes) {
    const std::string kind = change_kind(p);
    if (kind.empty()) continue;
    out << "\n  " << kind << ": " << name_of(p) << " (" << op_of(p) << "): " << shown(p.before, p.device_before) << " -> "
        << shown(p.after, p.device_after) << "\n";
    if (p.old_node >= 0 && p.new_node >= 0 && changed_for_model_diff(p)) write_reasons(out, "before: ", p.before);
    write_reasons(out, p.new_node >= 0 ? "now:    " : "was:    ", p.new_node >= 0 ? p.after : p.before);
  }
}

}  // namespace trtlens
