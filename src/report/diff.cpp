#include "report/diff.h"

#include <algorithm>
#include <cctype>

#include "report/findings_json.h"

namespace trtlens {
namespace {

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

std::string qualified(const ModelIndex& index, int node) {
  const std::string& graph = node_graph(index, node);
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

// Adds a side's "reasons" and "warnings" to OUT exactly as the engine JSON writes them (report/findings_json.h): rule
// reasons keep their source and confidence, warnings their values, hint and confidence. Empty lists for no side.
void add_findings(nlohmann::json& out, const NodeVerdict* v) {
  nlohmann::json f = v ? findings_json(*v) : nlohmann::json::object();
  for (const char* key : {"reasons", "warnings"}) out[key] = f.contains(key) ? std::move(f[key]) : nlohmann::json::array();
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
                       {"graph", node_graph(index, c.new_node)},
                       {"changed", c.changed},
                       {"from", {{"status", status_name(c.before->status)}, {"runs_in", c.before->runs_in},
                                 {"device", device_json(c.device_before)}}},
                       {"to", {{"status", status_name(c.after->status)}, {"runs_in", c.after->runs_in},
                               {"device", device_json(c.device_after)}}}});
    add_findings(changes.back()["from"], c.before);
    add_findings(changes.back()["to"], c.after);
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

namespace {

// A matched node is listed when any aspect changes (op type, status, runs_in, device, reason or warning codes), as in
// the release diff; `trtlens track diff` lists status and device changes only (docs/reports.md).
bool changed_for_model_diff(const NodeChange& c) { return !c.changed.empty(); }

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
      nlohmann::json s{{"index", node}, {"name", n.name}, {"op_type", n.op_type}, {"graph", node_graph(index, node)},
                       {"status", v ? nlohmann::json(status_name(v->status)) : nlohmann::json(nullptr)}};
      add_findings(s, v);
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
