// A single self-contained HTML page: inline CSS, no scripts and no external URLs, so it opens offline and is safe
// to attach to a CI run. Every string from the model is escaped.
#include <map>

#include "report/report.h"

namespace trtlens {
namespace {

std::string html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

const char* kStyle = R"(body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.convertible{color:#17702d}.fallback{color:#9a6100}.unsupported{color:#b00020}
.badge{font-weight:600}.code{font-family:monospace}.hint{color:#555}.num{text-align:right}
)";

void node_row(std::ostream& out, const ModelIndex& index, const NodeVerdict& v) {
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
  const std::string& graph = index.scopes()[static_cast<std::size_t>(n.scope)]->path;
  const std::string status(status_name(v.status));
  out << "<tr><td>" << v.index << "</td><td>" << html(n.name) << "</td><td>" << html(n.op_type) << "</td><td>"
      << html(graph.empty() ? "main" : graph) << "</td><td class=\"badge " << status << "\">" << status << "</td><td>"
      << html(v.runs_in) << "</td><td>";
  for (const auto& r : v.reasons) {
    out << "<div><span class=\"code\">" << html(r.code) << "</span>: " << html(r.message);
    if (!r.hint.empty()) out << " <span class=\"hint\">(hint: " << html(r.hint) << ")</span>";
    out << "</div>";
  }
  for (const auto& w : v.warnings) {
    out << "<div class=\"fallback\"><span class=\"code\">" << html(w.code) << "</span>: " << html(w.message);
    if (!w.confidence.empty()) out << " (" << html(w.confidence) << ")";
    if (!w.hint.empty()) out << " <span class=\"hint\">(hint: " << html(w.hint) << ")</span>";
    out << "</div>";
  }
  if (!v.precision.code.empty())
    out << "<div class=\"hint\"><span class=\"code\">" << html(v.precision.code) << "</span>: "
        << html(v.precision.message) << " [" << html(v.precision.rule) << ", " << html(v.precision.confidence)
        << "]</div>";
  out << "</td></tr>\n";
}

}  // namespace

void write_html(std::ostream& out, const ModelIndex& index, const Analysis& a) {
  const std::string precisions = precision_list(a.target.precisions, ",");
  const auto& s = a.summary;
  const std::string title = index.model().path().filename().string() + " on " + a.target.release->display();
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>trtlens: " << html(title)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>trtlens: " << html(title) << "</h1>\n";
  out << "<p>Precisions: " << html(precisions) << (a.target.strict ? " (strict)" : "")
      << html(quantization_label(a)) << ". Verdict: <span class=\"badge "
      << (s.model_convertible ? "convertible\">converts" : "unsupported\">does not convert") << "</span>. "
      << index.nodes().size() << " nodes: <span class=\"convertible\">" << s.convertible
      << " convertible</span>, <span class=\"fallback\">" << s.fallback << " fallback</span>, <span class=\"unsupported\">"
      << s.unsupported << " unsupported</span>, " << s.warnings << " warnings. trtlens " << kToolVersion << ".</p>\n";
  if (const std::string q = quantization_summary(a); !q.empty()) out << "<p>" << html(q) << ".</p>\n";

  if (!a.model_issues.empty()) {
    out << "<h2>Model issues</h2>\n<table>\n<tr><th>severity</th><th>code</th><th>message</th></tr>\n";
    for (const auto& m : a.model_issues)
      out << "<tr><td class=\"" << (m.error ? "unsupported\">error" : "fallback\">warning") << "</td><td class=\"code\">"
          << html(m.code) << "</td><td>" << html(m.message) << "</td></tr>\n";
    out << "</table>\n";
  }

  struct Counts { int ok = 0, fallback = 0, bad = 0; };
  std::map<std::string, Counts> per_op;
  for (const auto& v : a.nodes) {
    auto& c = per_op[index.nodes()[static_cast<std::size_t>(v.index)].op_type];
    (v.status == Status::kConvertible ? c.ok : v.status == Status::kFallback ? c.fallback : c.bad)++;
  }
  out << "<h2>Per operator</h2>\n<table>\n<tr><th>op type</th><th>convertible</th><th>fallback</th><th>unsupported</th></tr>\n";
  for (const auto& [op, c] : per_op)
    out << "<tr><td>" << html(op) << "</td><td class=\"num\">" << c.ok << "</td><td class=\"num\">" << c.fallback
        << "</td><td class=\"num\">" << c.bad << "</td></tr>\n";
  out << "</table>\n";

  // Problems first so a long model does not bury them.
  out << "<h2>Nodes</h2>\n<table>\n<tr><th>#</th><th>name</th><th>op</th><th>graph</th><th>status</th><th>runs in</th>"
         "<th>reasons and warnings</th></tr>\n";
  for (Status status : {Status::kUnsupported, Status::kFallback, Status::kConvertible})
    for (const auto& v : a.nodes)
      if (v.status == status) node_row(out, index, v);
  out << "</table>\n</body>\n</html>\n";
}

}  // namespace trtlens
