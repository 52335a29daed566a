// A node verdict's reasons, warnings and precision note as a nlohmann::json object, written by the one writer of the
// engine JSON (report/verdict_json.h), for views built with nlohmann::json (the server's per-release runtimes).
#pragma once
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <nlohmann/json.hpp>

#include "report/verdict_json.h"

namespace trtlens {

// {"reasons": [...], "warnings": [...], "precision": {...} when the node has one}, each exactly as in the engine JSON.
inline nlohmann::json findings_json(const NodeVerdict& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  verdict_json::write_findings(w, v);
  w.EndObject();
  return nlohmann::json::parse(std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace trtlens
