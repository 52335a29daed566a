// The JSON of a node verdict's reasons, warnings and precision note, written once for every writer that emits them:
// the engine JSON (report/json.cpp) and the web UI's compact analysis (server/analysis_view.cpp). Templates over the
// rapidjson writer, so the pretty, compact and string-buffer writers share it.
#pragma once
#include <string_view>

#include "verdict/analysis.h"

namespace trtlens::verdict_json {

template <typename Writer>
void key(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<unsigned>(s.size()));
}

// "reasons": [...], "warnings": [...] and, when the node has one, "precision": {...}.
template <typename Writer>
void write_findings(Writer& w, const NodeVerdict& v) {
  key(w, "reasons");
  w.StartArray();
  for (const auto& reason : v.reasons) {
    w.StartObject();
    key(w, "code"); key(w, reason.code);
    key(w, "message"); key(w, reason.message);
    key(w, "hint"); key(w, reason.hint);
    if (!reason.source.empty()) { key(w, "source"); key(w, reason.source); }
    if (!reason.confidence.empty()) { key(w, "confidence"); key(w, reason.confidence); }
    w.EndObject();
  }
  w.EndArray();
  key(w, "warnings");
  w.StartArray();
  for (const auto& warning : v.warnings) {
    w.StartObject();
    key(w, "code"); key(w, warning.code);
    key(w, "message"); key(w, warning.message);
    for (const auto& [name, value] : warning.values) {
      key(w, name);
      w.Double(value);
    }
    if (!warning.hint.empty()) { key(w, "hint"); key(w, warning.hint); }
    if (!warning.rule.empty()) { key(w, "rule"); key(w, warning.rule); }
    if (!warning.confidence.empty()) { key(w, "confidence"); key(w, warning.confidence); }
    w.EndObject();
  }
  w.EndArray();
  if (!v.precision.code.empty()) {
    key(w, "precision");
    w.StartObject();
    key(w, "code"); key(w, v.precision.code);
    key(w, "message"); key(w, v.precision.message);
    key(w, "rule"); key(w, v.precision.rule);
    key(w, "confidence"); key(w, v.precision.confidence);
    w.EndObject();
  }
}

}  // namespace trtlens::verdict_json
