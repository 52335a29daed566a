#include "store/store_json.h"

namespace trtlens::store {
using nlohmann::json;

json counts_json(const Counts& c) {
  return json{{"convertible", c.convertible},
              {"fallback", c.fallback},
              {"unsupported", c.unsupported},
              {"warnings", c.warnings},
              {"model_convertible", c.model_convertible}};
}

json version_json(const VersionInfo& v) {
  json external = json::array();
  for (const auto& f : v.external_files)
    external.push_back({{"location", f.location}, {"sha256", f.sha256}, {"size", f.size}});
  return json{{"number", v.number},       {"digest", v.digest},     {"sha256", v.sha256},
              {"size", v.size},           {"file_name", v.file_name}, {"added_at", v.added_at},
              {"external_files", external}};
}

json model_json(const ModelInfo& m) {
  json versions = json::array();
  for (const auto& v : m.versions) versions.push_back(version_json(v));
  return json{{"name", m.name},
              {"tags", m.tags},
              {"created_at", m.created_at},
              {"latest_version", m.latest() ? json(m.latest()->number) : json(nullptr)},
              {"versions", versions}};
}

json target_json(const Target& t) {
  json out{{"release", t.release->name}, {"precisions", precision_key(t)}, {"strict", t.strict}};
  if (t.hardware.has_gpu) out["hardware"] = t.hardware.json();
  return out;
}

namespace {
json changes_json(const std::vector<NodeChange>& changes) {
  json out = json::array();
  for (const auto& c : changes)
    out.push_back({{"graph", c.graph},
                   {"name", c.name},
                   {"op_type", c.op_type},
                   {"from", c.from_status.empty() ? json(nullptr) : json(c.from_status)},
                   {"to", c.to_status.empty() ? json(nullptr) : json(c.to_status)}});
  return out;
}
}  // namespace

json diff_json(const ModelInfo& m, const VersionInfo& from, const VersionInfo& to, const Target& t,
               const CompatDiff& d) {
  return json{{"model", m.name},
              {"target", target_json(t)},
              {"from", {{"version", from.number}, {"summary", counts_json(d.from)}}},
              {"to", {{"version", to.number}, {"summary", counts_json(d.to)}}},
              {"became_unsupported", changes_json(d.became_unsupported)},
              {"became_convertible", changes_json(d.became_convertible)},
              {"changed", changes_json(d.changed)}};
}

int http_status(const std::string& code) {
  if (code == "E_NOT_FOUND") return 404;
  if (code == "E_EXISTS") return 409;
  if (code == "E_NAME" || code == "E_USAGE" || code == "E_BAD_REQUEST") return 400;
  if (code == "E_TOO_LARGE") return 413;
  if (code == "E_IO" || code == "E_DB" || code == "E_STATE") return 500;
  return 422;  // load_model / ModelIndex::build / external-data codes: the upload is not an analysable model
}

}  // namespace trtlens::store
