#include <algorithm>
#include <map>

#include "report/report.h"

namespace trtlens {
namespace {

struct Colors {
  const char *green = "", *amber = "", *red = "", *bold = "", *dim = "", *reset = "";
  explicit Colors(bool on) {
    if (!on) return;
    green = "\033[32m"; amber = "\033[33m"; red = "\033[31m"; bold = "\033[1m"; dim = "\033[2m"; reset = "\033[0m";
  }
};

// "12 nodes on the DLA in 2 DLA subgraphs, 3 on the GPU, 4 GPU/DLA transitions": the hardware line of the table
// and of the Markdown summary.
std::string dla_placement(const Summary& s) {
  return std::to_string(s.dla_nodes) + " nodes on the DLA in " + std::to_string(s.dla_subgraphs) + " DLA subgraph" +
         (s.dla_subgraphs == 1 ? "" : "s") + ", " + std::to_string(s.gpu_nodes) + " on the GPU, " +
         std::to_string(s.gpu_dla_transitions) + " GPU/DLA transitions";
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string quantization_label(const Analysis& a) {
  const std::string& m = a.summary.quantization;
  if (m == "explicit") return ", explicit quantization";
  if (m == "implicit") return ", implicit INT8";
  if (m == "strongly_typed") return std::string(", strongly typed") + (a.summary.qdq_nodes ? " + Q/DQ" : "");
  return "";
}

std::string quantization_summary(const Analysis& a) {
  const std::string& m = a.summary.quantization;
  if (m == "none") return "";
  std::string s = "Quantization: " + m + " - ";
  if (m == "implicit")
    return s + std::to_string(a.summary.quantized_nodes) +
           " node(s) have an INT8 implementation and run in int8 only with calibration (dynamic ranges); see "
           "TRT_IMPLICIT_QUANTIZATION";
  return s + std::to_string(a.summary.qdq_nodes) + " Q/DQ node(s); " + std::to_string(a.summary.quantized_nodes) +
         " node(s) run quantized (int8/fp8/int4/fp4), the rest in float";
}

void write_table(std::ostream& out, const ModelIndex& index, const Analysis& a, const ReportOptions& options) {
  const Colors c(options.color);
  const Release& r = *a.target.release;
  const auto& s = a.summary;
  out << c.bold << index.model().path().filename().string() << c.reset << " on " << r.display() << " ("
      << precision_list(a.target.precisions, ",") << (a.target.strict ? ", strict" : "") << quantization_label(a)
      << "): ";
  if (s.model_convertible) out << c.green << "converts" << c.reset;
  else out << c.red << "does not convert" << c.reset;
  out << " - " << index.nodes().size() << " nodes: " << c.green << s.convertible << " convertible" << c.reset << ", "
      << c.amber << s.fallback << " fallback" << c.reset << ", " << c.red << s.unsupported << " unsupported" << c.reset
      << ", " << s.warnings << " warnings\n";
  if (const std::string q = quantization_summary(a); !q.empty()) out << q << "\n";
  if (const auto& hw = a.target.hardware; hw.has_gpu) {
    out << "Hardware: " << hw.text();
    if (hw.dla) out << " - " << dla_placement(s);
    out << "\n";
  }

  if (!a.model_issues.empty()) {
    out << "\nModel issues:\n";
    for (const auto& m : a.model_issues) {
      out << "  " << (m.error ? c.red : c.amber) << (m.error ? "error  " : "warning") << c.reset << " " << m.code << ": "
          << m.message << "\n";
      if (!m.hint.empty()) out << "          " << c.dim << "hint: " << m.hint << c.reset << "\n";
    }
  }

  // Counts per op type and status.
  struct Counts { int ok = 0, fallback = 0, bad = 0; };
  std::map<std::string, Counts> per_op;
  for (const auto& v : a.nodes) {
    auto& cnt = per_op[index.nodes()[static_cast<std::size_t>(v.index)].op_type];
    if (v.status == Status::kConvertible) ++cnt.ok;
    else if (v.status == Status::kFallback) ++cnt.fallback;
    else ++cnt.bad;
  }
  std::size_t width = 7;
  for (const auto& [op, cnt] : per_op) width = std::max(width, op.size());
  out << "\n" << c.bold << pad("op type", width) << "  convertible  fallback  unsupported" << c.reset << "\n";
  for (const auto& [op, cnt] : per_op) {
    out << pad(op, width) << "  " << pad(std::to_string(cnt.ok), 11) << "  " << (cnt.fallback ? c.amber : "")
        << pad(std::to_string(cnt.fallback), 8) << c.reset << "  " << (cnt.bad ? c.red : "") << cnt.bad << c.reset
        << "\n";
  }

  auto list = [&](Status status, const char* title, const char* color) {
    bool any = false;
    for (const auto& v : a.nodes) {
      if (v.status != status) continue;
      if (!any) out << "\n" << c.bold << title << c.reset << "\n";
      any = true;
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
      const std::string& graph = index.scopes()[static_cast<std::size_t>(n.scope)]->path;
      out << "  " << color << (status == Status::kUnsupported ? "✗ " : "↓ ") << c.reset << n.name << " (" << n.op_type
          << (graph.empty() ? "" : ", in " + graph) << ")";
      if (status == Status::kFallback) out << " runs in " << v.runs_in;
      out << "\n";
      if (status == Status::kFallback && !v.precision.code.empty())
        out << "      " << v.precision.code << ": " << v.precision.message
            << (v.precision.confidence == "inferred" ? " (inferred)" : "") << "\n";
      for (const auto& reason : v.reasons) {
        out << "      " << reason.code << ": " << reason.message << "\n";
        if (!reason.hint.empty()) out << "      " << c.dim << "hint: " << reason.hint << c.reset << "\n";
      }
    }
  };
  list(Status::kUnsupported, "Unsupported nodes:", c.red);
  if (options.verbose) {
    list(Status::kFallback, "Fallback nodes:", c.amber);
    bool any = false;
    for (const auto& v : a.nodes) {
      for (const auto& w : v.warnings) {
        if (!any) out << "\n" << c.bold << "Warnings:" << c.reset << "\n";
        any = true;
        out << "  " << index.nodes()[static_cast<std::size_t>(v.index)].name << ": " << w.code << ": " << w.message
            << (w.confidence.empty() ? "" : " (" + w.confidence + ")") << "\n";
        if (!w.hint.empty()) out << "      " << c.dim << "hint: " << w.hint << c.reset << "\n";
      }
    }
  } else if (s.warnings > 0 || s.fallback > 0) {
    out << "\n" << c.dim << "(" << s.fallback << " fallback nodes and " << s.warnings
        << " warnings not listed: use --verbose or --format json)" << c.reset << "\n";
  }
}

void write_markdown(std::ostream& out, const ModelIndex& index, const Analysis& a) {
  const Release& r = *a.target.release;
  const auto& s = a.summary;
  auto esc = [](const std::string& text) {
    std::string o;
    for (char ch : text) {
      if (ch == '|' || ch == '`' || ch == '<' || ch == '>' || ch == '*' || ch == '_' || ch == '[' || ch == ']') o += '\\';
      if (ch == '\n') { o += ' '; continue; }
      o += ch;
    }
    return o;
  };
  out << "## trtlens: " << esc(index.model().path().filename().string()) << " on " << r.display() << " ("
      << precision_list(a.target.precisions, ",") << (a.target.strict ? ", strict" : "") << quantization_label(a)
      << ")\n\n";
  out << (s.model_convertible ? "**Converts.** " : "**Does not convert.** ") << index.nodes().size() << " nodes: "
      << s.convertible << " convertible, " << s.fallback << " fallback, " << s.unsupported << " unsupported, "
      << s.warnings << " warnings.\n\n";
  if (const std::string q = quantization_summary(a); !q.empty()) out << esc(q) << ".\n\n";
  if (const auto& hw = a.target.hardware; hw.has_gpu) {
    out << "Hardware: " << esc(hw.text());
    if (hw.dla) out << ": " << dla_placement(s);
    out << ".\n\n";
  }
  if (!a.model_issues.empty()) {
    out << "### Model issues\n\n| severity | code | message |\n|---|---|---|\n";
    for (const auto& m : a.model_issues)
      out << "| " << (m.error ? "error" : "warning") << " | " << m.code << " | " << esc(m.message) << " |\n";
    out << "\n";
  }
  if (s.unsupported > 0) {
    out << "### Unsupported nodes\n\n| node | op | reason | hint |\n|---|---|---|---|\n";
    for (const auto& v : a.nodes) {
      if (v.status != Status::kUnsupported) continue;
      const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
      for (const auto& reason : v.reasons)
        out << "| " << esc(n.name) << " | " << esc(n.op_type) << " | " << reason.code << ": " << esc(reason.message)
            << " | " << esc(reason.hint) << " |\n";
    }
    out << "\n";
  }
  if (s.fallback > 0) {
    std::map<std::string, int> per_op;
    for (const auto& v : a.nodes)
      if (v.status == Status::kFallback) ++per_op[index.nodes()[static_cast<std::size_t>(v.index)].op_type + " → " + v.runs_in];
    out << "### Fallback (runs wider than requested)\n\n| op → runs in | nodes |\n|---|---|\n";
    for (const auto& [op, count] : per_op) out << "| " << esc(op) << " | " << count << " |\n";
    out << "\n";
  }
  // Quantization: where Q/DQ (or implicit INT8) decide the precision, and the placement advice.
  bool any = false;
  for (const auto& v : a.nodes) {
    if (v.precision.code.empty() || v.precision.code == "STRONGLY_TYPED" || v.precision.code == "IMPLICIT_NO_INT8_KERNEL")
      continue;
    if (!any)
      out << "### Effective precision\n\n| node | op | runs in | why | rule |\n|---|---|---|---|---|\n";
    any = true;
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
    out << "| " << esc(n.name) << " | " << esc(n.op_type) << " | " << esc(v.runs_in) << " | " << v.precision.code << ": "
        << esc(v.precision.message) << " | " << esc(v.precision.rule)
        << (v.precision.confidence == "inferred" ? " (inferred)" : "") << " |\n";
  }
  if (any) out << "\n";
  any = false;
  for (const auto& v : a.nodes)
    for (const auto& w : v.warnings) {
      if (w.rule.empty()) continue;
      if (!any) out << "### Quantization advice\n\n| node | code | message | hint |\n|---|---|---|---|\n";
      any = true;
      out << "| " << esc(index.nodes()[static_cast<std::size_t>(v.index)].name) << " | " << w.code << " | "
          << esc(w.message) << (w.confidence.empty() ? "" : " (" + w.confidence + ")") << " | " << esc(w.hint) << " |\n";
    }
  if (any) out << "\n";
}

}  // namespace trtlens
