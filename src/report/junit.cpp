// JUnit XML: the report format every CI system renders. Each node is a test case; unsupported nodes fail, model
// issues that stop the parse fail a "model" case, fallback and warnings go to <system-out>.
#include <map>

#include "report/report.h"

namespace trtlens {
namespace {

// XML 1.0 forbids most control characters even when escaped: replace them so any model name stays well-formed.
std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') ? '?' : ch;
    }
  }
  return out;
}

}  // namespace

void write_junit(std::ostream& out, const ModelIndex& index, const Analysis& a) {
  const std::string precisions = precision_list(a.target.precisions, ",");
  const std::string suite = index.model().path().filename().string() + " on " + a.target.release->display() + " (" +
                            precisions + (a.target.strict ? ", strict" : "") + quantization_label(a) + ")";
  int model_failures = 0;
  for (const auto& m : a.model_issues) model_failures += m.error ? 1 : 0;
  const int tests = static_cast<int>(a.nodes.size()) + 1;
  const int failures = a.summary.unsupported + (model_failures ? 1 : 0);

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"trtlens\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\">\n";
  out << "  <testsuite name=\"" << xml(suite) << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\">\n";
  out << "    <properties>\n"
      << "      <property name=\"tensorrt\" value=\"" << xml(a.target.release->version) << "\"/>\n"
      << "      <property name=\"precisions\" value=\"" << xml(precisions) << "\"/>\n"
      << "      <property name=\"quantization\" value=\"" << xml(a.summary.quantization) << "\"/>\n"
      << "      <property name=\"strongly_typed\" value=\"" << (a.target.strongly_typed ? "true" : "false") << "\"/>\n"
      << "      <property name=\"model\" value=\"" << xml(index.model().path().string()) << "\"/>\n"
      << "    </properties>\n";

  out << "    <testcase classname=\"trtlens.model\" name=\"model\">\n";
  for (const auto& m : a.model_issues)
    if (m.error) out << "      <failure type=\"" << xml(m.code) << "\" message=\"" << xml(m.message) << "\"/>\n";
  std::string model_notes;
  for (const auto& m : a.model_issues)
    if (!m.error) model_notes += m.code + ": " + m.message + "\n";
  if (!model_notes.empty()) out << "      <system-out>" << xml(model_notes) << "</system-out>\n";
  out << "    </testcase>\n";

  for (const auto& v : a.nodes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
    const std::string& graph = index.scopes()[static_cast<std::size_t>(n.scope)]->path;
    out << "    <testcase classname=\"trtlens." << xml(graph.empty() ? "main" : graph) << "\" name=\"" << xml(n.name)
        << " (" << xml(n.op_type) << ")\">\n";
    if (v.status == Status::kUnsupported) {
      const Reason* first = v.reasons.empty() ? nullptr : &v.reasons.front();
      out << "      <failure type=\"" << xml(first ? first->code : "TRT_UNSUPPORTED") << "\" message=\""
          << xml(first ? first->message : "unsupported") << "\">";
      for (const auto& r : v.reasons) out << xml(r.code + ": " + r.message + (r.hint.empty() ? "" : " (hint: " + r.hint + ")")) << "\n";
      out << "</failure>\n";
    }
    std::string notes;
    if (v.status == Status::kFallback) {
      notes += "fallback: runs in " + v.runs_in + "\n";
      if (!v.precision.code.empty()) notes += v.precision.code + ": " + v.precision.message + "\n";
      for (const auto& r : v.reasons) notes += r.code + ": " + r.message + "\n";
    }
    for (const auto& w : v.warnings) notes += "warning " + w.code + ": " + w.message + "\n";
    if (!notes.empty()) out << "      <system-out>" << xml(notes) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace trtlens
