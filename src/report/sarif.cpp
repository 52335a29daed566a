// SARIF 2.1.0 (OASIS): the format GitHub code scanning and other CI tools import. One run, one artifact (the
// model); each finding's logical location is the node's graph path + name, since ONNX models have no line numbers.
#include <map>

#include <nlohmann/json.hpp>

#include "report/report.h"

namespace trtlens {

// Artifact URIs are URI references: keep unreserved characters and '/', percent-encode the rest.
std::string sarif_uri(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  // An absolute path becomes a file: URI (a relative reference must not begin with '/').
  return !out.empty() && out[0] == '/' ? "file://" + out : out;
}

namespace {

class SarifBuilder {
 public:
  SarifBuilder(const ModelIndex& index) : index_(index), uri_(sarif_uri(index.model().path().string())) {}

  void add(const std::string& code, const char* level, std::string text, const std::string& hint, int node,
           nlohmann::json properties) {
    auto it = rule_index_.find(code);
    if (it == rule_index_.end()) {
      it = rule_index_.emplace(code, static_cast<int>(rules_.size())).first;
      nlohmann::json rule = {{"id", code}, {"shortDescription", {{"text", code}}},
                             {"defaultConfiguration", {{"level", level}}}};
      if (!hint.empty()) rule["help"] = {{"text", hint}};
      rules_.push_back(std::move(rule));
    }
    nlohmann::json location = {{"physicalLocation", {{"artifactLocation", {{"uri", uri_}, {"index", 0}}}}}};
    if (node >= 0) {
      const NodeRef& n = index_.nodes()[static_cast<std::size_t>(node)];
      const std::string& graph = index_.scopes()[static_cast<std::size_t>(n.scope)]->path;
      location["logicalLocations"] = {
          {{"name", n.name}, {"fullyQualifiedName", graph.empty() ? n.name : graph + "/" + n.name}, {"kind", "member"}}};
      text = n.name + " (" + n.op_type + "): " + text;
    }
    if (!hint.empty()) text += (text.empty() || text.back() == '.' ? " Hint: " : ". Hint: ") + hint;
    results_.push_back({{"ruleId", code},
                        {"ruleIndex", it->second},
                        {"level", level},
                        {"message", {{"text", text}}},
                        {"locations", {location}},
                        {"properties", std::move(properties)}});
  }

  nlohmann::json document(const Analysis& a) const {
    std::vector<std::string> precisions;
    for (Precision p : a.target.precisions) precisions.emplace_back(precision_name(p));
    nlohmann::json run = {
        {"tool", {{"driver", {{"name", "trtlens"}, {"version", kToolVersion}, {"rules", rules_}}}}},
        {"artifacts", {{{"location", {{"uri", uri_}}}}}},
        {"results", results_},
        {"properties",
         {{"tensorrt", a.target.release->version}, {"precisions", precisions}, {"strict", a.target.strict},
          {"strongly_typed", a.target.strongly_typed}, {"quantization", a.summary.quantization},
          {"quantized_nodes", a.summary.quantized_nodes},
          {"convertible", a.summary.convertible}, {"fallback", a.summary.fallback},
          {"unsupported", a.summary.unsupported}, {"model_convertible", a.summary.model_convertible}}}};
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
  }

 private:
  const ModelIndex& index_;
  std::string uri_;
  std::map<std::string, int> rule_index_;
  nlohmann::json rules_ = nlohmann::json::array();
  nlohmann::json results_ = nlohmann::json::array();
};

}  // namespace

void write_sarif(std::ostream& out, const ModelIndex& index, const Analysis& a) {
  SarifBuilder sarif(index);
  for (const auto& m : a.model_issues)
    sarif.add(m.code, m.error ? "error" : "warning", m.message, "", -1, nlohmann::json::object());
  for (const auto& v : a.nodes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
    nlohmann::json props = {{"op_type", n.op_type}, {"status", status_name(v.status)}, {"runs_in", v.runs_in}};
    if (!v.precision.code.empty())
      props["precision"] = {{"code", v.precision.code}, {"rule", v.precision.rule}, {"confidence", v.precision.confidence}};
    if (v.status != Status::kConvertible && !v.reasons.empty()) {
      // One result per node: the first reason names the rule, the others are part of the message.
      std::string text = v.reasons.front().message;
      for (std::size_t i = 1; i < v.reasons.size(); ++i) text += " Also " + v.reasons[i].code + ": " + v.reasons[i].message;
      sarif.add(v.reasons.front().code, v.status == Status::kUnsupported ? "error" : "note", text,
                v.reasons.front().hint, v.index, props);
    }
    for (const auto& w : v.warnings) {
      nlohmann::json wprops = props;
      if (!w.rule.empty()) wprops["rule"] = w.rule;
      if (!w.confidence.empty()) wprops["confidence"] = w.confidence;
      sarif.add(w.code, "warning", w.message, w.hint, v.index, wprops);
    }
  }
  out << sarif.document(a).dump(2) << "\n";
}

}  // namespace trtlens
