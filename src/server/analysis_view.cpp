#include "server/analysis_view.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <nlohmann/json.hpp>

#include "report/report.h"
#include "report/verdict_json.h"

namespace trtlens::server {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void raw(Writer& w, const nlohmann::json& j) {
  const std::string text = j.dump();
  w.RawValue(text.data(), text.size(), j.is_object() ? rapidjson::kObjectType : rapidjson::kArrayType);
}

bool has_details(const NodeVerdict& v) {
  return !v.reasons.empty() || !v.warnings.empty() || !v.precision.code.empty() || !v.first_release.empty();
}

// The fields of one node that the engine JSON has beyond status, runs_in and device, in the same shape.
void write_details(Writer& w, const NodeVerdict& v) {
  w.StartObject();
  str(w, "index"); w.Int(v.index);
  verdict_json::write_findings(w, v);
  if (!v.first_release.empty()) { str(w, "first_supported_release"); str(w, v.first_release); }
  w.EndObject();
}

}  // namespace

std::string ui_analysis_json(const ModelIndex& index, const Analysis& a) {
  // target, summary and model_issues come from the engine's own writer, so they cannot drift from the CLI's JSON.
  Analysis head;
  head.target = a.target;
  head.summary = a.summary;
  head.model_issues = a.model_issues;
  const auto engine = nlohmann::json::parse(to_json(index, head));

  const std::size_t count = index.nodes().size();
  std::string status(count, 'c'), device(count, '-');
  std::vector<int> runs_in(count, -1);
  std::vector<std::string> names;
  std::map<std::string, int> name_index;
  bool any_device = false;
  for (const auto& v : a.nodes) {
    const auto i = static_cast<std::size_t>(v.index);
    if (i >= count) continue;
    status[i] = v.status == Status::kUnsupported ? 'u' : v.status == Status::kFallback ? 'f' : 'c';
    if (!v.runs_in.empty()) {
      auto [it, added] = name_index.emplace(v.runs_in, static_cast<int>(names.size()));
      if (added) names.push_back(v.runs_in);
      runs_in[i] = it->second;
    }
    if (!v.device.empty()) {
      device[i] = v.device == "dla" ? 'd' : 'g';
      any_device = true;
    }
  }

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "view"); str(w, "ui");
  str(w, "target"); raw(w, engine["target"]);
  str(w, "summary"); raw(w, engine["summary"]);
  str(w, "model_issues"); raw(w, engine["model_issues"]);
  str(w, "node_count"); w.Uint64(count);
  str(w, "status"); str(w, status);
  str(w, "runs_in_names");
  w.StartArray();
  for (const auto& n : names) str(w, n);
  w.EndArray();
  str(w, "runs_in");
  w.StartArray();
  for (int r : runs_in) w.Int(r);
  w.EndArray();
  if (any_device) { str(w, "device"); str(w, device); }
  str(w, "details");
  w.StartArray();
  for (const auto& v : a.nodes)
    if (has_details(v)) write_details(w, v);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace trtlens::server
