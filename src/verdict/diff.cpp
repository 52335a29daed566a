#include "verdict/diff.h"

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
    NodeChange change{before.index, &before, &now, {}};
    if (before.status != now.status) change.changed.push_back("status");
    if (before.runs_in != now.runs_in) change.changed.push_back("runs_in");
    const std::string device_before = device_of(d.from.target, &before), device_now = device_of(d.to.target, &now);
    if (moved(device_before, device_now)) change.changed.push_back("device");
    if (reason_codes(before) != reason_codes(now)) change.changed.push_back("reasons");
    if (warning_codes(before) != warning_codes(now)) change.changed.push_back("warnings");
    if (change.changed.empty()) continue;
    if (now.status == Status::kUnsupported && before.status != Status::kUnsupported) ++d.became_unsupported;
    if (now.status != Status::kUnsupported && before.status == Status::kUnsupported) ++d.became_supported;
    if (moved(device_before, device_now)) ++(device_now == "dla" ? d.moved_to_dla : d.moved_to_gpu);
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
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.node)];
    changes.push_back({{"index", c.node},
                       {"name", n.name},
                       {"op_type", n.op_type},
                       {"graph", graph_of(index, c.node)},
                       {"changed", c.changed},
                       {"from", {{"status", status_name(c.from->status)}, {"runs_in", c.from->runs_in},
                                 {"device", device_json(device_of(d.from.target, c.from))},
                                 {"reasons", reasons_json(c.from)}, {"warnings", warnings_json(c.from)}}},
                       {"to", {{"status", status_name(c.to->status)}, {"runs_in", c.to->runs_in},
                               {"device", device_json(device_of(d.to.target, c.to))},
                               {"reasons", reasons_json(c.to)}, {"warnings", warnings_json(c.to)}}}});
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
  auto before = [&](const NodeChange& c) { return describe(c.from, dla ? device_of(d.from.target, c.from) : ""); };
  auto after = [&](const NodeChange& c) { return describe(c.to, dla ? device_of(d.to.target, c.to) : ""); };
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
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.node)];
      out << "| " << md(qualified(index, c.node)) << " | " << md(n.op_type) << " | " << before(c) << " | "
          << after(c) << " | " << join(c.changed) << " | " << markdown_reasons(c.from) << " | "
          << markdown_reasons(c.to) << " |\n";
    }
    return;
  }
  out << head << "\n" << counts << "\n";
  if (dla) out << devices << "\n";
  for (const auto& m : d.issues_gone) out << "  resolved model issue " << m.code << ": " << m.message << "\n";
  for (const auto& m : d.issues_new) out << "  new model issue " << m.code << ": " << m.message << "\n";
  for (const auto& c : d.changes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(c.node)];
    out << "\n  " << qualified(index, c.node) << " (" << n.op_type << "): " << before(c) << " -> " << after(c)
        << "  [" << join(c.changed) << "]\n";
    write_reasons(out, "before: ", c.from);
    write_reasons(out, "after:  ", c.to);
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

ModelDiff diff_models(const ModelIndex& old_index, const Analysis& old_a, const ModelIndex& new_index,
                      const Analysis& new_a) {
  const auto old_v = by_index(old_a), new_v = by_index(new_a);
  std::vector<int> old_to_new(old_index.nodes().size(), -1), new_to_old(new_index.nodes().size(), -1);
  std::vector<std::string> how(new_index.nodes().size());

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
    how[i] = "name";
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
      how[static_cast<std::size_t>(node)] = "structure";
      old_by_sig.erase(it);
    }

  ModelDiff d;
  d.target = new_a.target;
  auto lookup = [](const auto& map, int i) -> const NodeVerdict* {
    auto it = map.find(i);
    return it == map.end() ? nullptr : it->second;
  };
  for (std::size_t i = 0; i < new_index.nodes().size(); ++i) {
    NodePair pair;
    pair.new_node = static_cast<int>(i);
    pair.old_node = new_to_old[i];
    pair.matched_by = how[i];
    pair.new_verdict = lookup(new_v, pair.new_node);
    if (pair.old_node < 0) {
      ++d.added;
      if (pair.new_verdict && pair.new_verdict->status == Status::kUnsupported) ++d.added_unsupported;
      d.pairs.push_back(pair);
      continue;
    }
    pair.old_verdict = lookup(old_v, pair.old_node);
    ++d.matched;
    if (pair.matched_by == "structure") ++d.renamed;
    if (pair.old_verdict && pair.new_verdict) {
      const bool was_bad = pair.old_verdict->status == Status::kUnsupported;
      const bool is_bad = pair.new_verdict->status == Status::kUnsupported;
      const std::string device_old = device_of(old_a.target, pair.old_verdict), device_new = device_of(new_a.target, pair.new_verdict);
      if (moved(device_old, device_new)) ++(device_new == "dla" ? d.moved_to_dla : d.moved_to_gpu);
      pair.changed = pair.old_verdict->status != pair.new_verdict->status || moved(device_old, device_new) ||
                     reason_codes(*pair.old_verdict) != reason_codes(*pair.new_verdict) ||
                     old_index.nodes()[static_cast<std::size_t>(pair.old_node)].op_type != new_index.nodes()[i].op_type;
      d.became_unsupported += !was_bad && is_bad;
      d.became_supported += was_bad && !is_bad;
    }
    d.pairs.push_back(pair);
  }
  for (std::size_t i = 0; i < old_index.nodes().size(); ++i)
    if (old_to_new[i] < 0) {
      NodePair pair;
      pair.old_node = static_cast<int>(i);
      pair.old_verdict = lookup(old_v, pair.old_node);
      ++d.removed;
      d.pairs.push_back(pair);
    }
  return d;
}

namespace {

std::string change_kind(const NodePair& p) {
  if (p.old_node < 0) return "added";
  if (p.new_node < 0) return "removed";
  const bool was_bad = p.old_verdict && p.old_verdict->status == Status::kUnsupported;
  const bool is_bad = p.new_verdict && p.new_verdict->status == Status::kUnsupported;
  if (!was_bad && is_bad) return "became unsupported";
  if (was_bad && !is_bad) return "became supported";
  if (p.changed) return "changed";
  return p.matched_by == "structure" ? "renamed" : "";
}

}  // namespace

nlohmann::json model_diff_json(const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& p : d.pairs) {
    const std::string kind = change_kind(p);
    if (kind.empty()) continue;
    auto side = [&d](const ModelIndex& index, int node, const NodeVerdict* v) -> nlohmann::json {
      if (node < 0) return nullptr;
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
      nlohmann::json s{{"index", node}, {"name", n.name}, {"op_type", n.op_type}, {"graph", graph_of(index, node)},
                       {"status", v ? nlohmann::json(status_name(v->status)) : nlohmann::json(nullptr)},
                       {"reasons", reasons_json(v)}, {"warnings", warnings_json(v)}};
      if (d.target.hardware.dla) s["device"] = device_json(device_of(d.target, v));
      return s;
    };
    nodes.push_back({{"change", kind}, {"matched_by", p.matched_by}, {"old", side(old_index, p.old_node, p.old_verdict)},
                     {"new", side(new_index, p.new_node, p.new_verdict)}});
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
  auto shown = [&](const NodeVerdict* v) { return describe(v, dla ? device_of(d.target, v) : ""); };
  const std::string counts = std::to_string(d.matched) + " nodes matched (" + std::to_string(d.renamed) +
                             " by structure), " + std::to_string(d.added) + " added (" +
                             std::to_string(d.added_unsupported) + " unsupported), " + std::to_string(d.removed) +
                             " removed; " + std::to_string(d.became_unsupported) + " became unsupported, " +
                             std::to_string(d.became_supported) + " became supported" +
                             (dla ? "; " + std::to_string(d.moved_to_dla) + " moved GPU -> DLA, " +
                                        std::to_string(d.moved_to_gpu) + " DLA -> GPU"
                                  : "");
  auto name_of = [&](const NodePair& p) {
    if (p.old_node < 0) return qualified(new_index, p.new_node);
    if (p.new_node < 0) return qualified(old_index, p.old_node);
    const std::string a = qualified(old_index, p.old_node), b = qualified(new_index, p.new_node);
    return a == b ? a : a + " -> " + b;
  };
  auto op_of = [&](const NodePair& p) {
    if (p.new_node < 0) return old_index.nodes()[static_cast<std::size_t>(p.old_node)].op_type;
    const std::string& now = new_index.nodes()[static_cast<std::size_t>(p.new_node)].op_type;
    if (p.old_node < 0) return now;
    const std::string& was = old_index.nodes()[static_cast<std::size_t>(p.old_node)].op_type;
    return was == now ? now : was + " -> " + now;
  };
  if (markdown) {
    out << "## trtlens diff: " << md(head) << "\n\n" << md(counts) << ".\n\n";
    bool any = false;
    for (const auto& p : d.pairs) {
      const std::string kind = change_kind(p);
      if (kind.empty()) continue;
      if (!any) out << "| change | node | op | before | after | reasons now |\n|---|---|---|---|---|---|\n";
      any = true;
      out << "| " << kind << " | " << md(name_of(p)) << " | " << md(op_of(p)) << " | " << shown(p.old_verdict)
          << " | " << shown(p.new_verdict) << " | " << markdown_reasons(p.new_verdict ? p.new_verdict : p.old_verdict)
          << " |\n";
    }
    return;
  }
  out << head << "\n" << counts << "\n";
  for (const auto& p : d.pairs) {
    const std::string kind = change_kind(p);
    if (kind.empty()) continue;
    out << "\n  " << kind << ": " << name_of(p) << " (" << op_of(p) << "): " << shown(p.old_verdict) << " -> "
        << shown(p.new_verdict) << "\n";
    if (p.old_node >= 0 && p.new_node >= 0 && p.changed) write_reasons(out, "before: ", p.old_verdict);
    write_reasons(out, p.new_node >= 0 ? "now:    " : "was:    ", p.new_node >= 0 ? p.new_verdict : p.old_verdict);
  }
}

}  // namespace trtlens
