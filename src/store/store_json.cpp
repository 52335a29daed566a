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

const NodeRef& node_ref(const ModelIndex& index, int node) { return index.nodes()[static_cast<std::size_t>(node)]; }
json status_json(const std::string& status) { return status.empty() ? json(nullptr) : json(status); }

// One listed change: the node as the newer version has it (the older one for a removed node); "from_name" when the
// node was matched by structure under another name; the devices on a DLA target.
json change_json(const VersionDiff& d, const NodeChange& c, bool dla) {
  const bool in_new = c.new_node >= 0;
  const ModelIndex& index = in_new ? *d.to_index : *d.from_index;
  const int node = in_new ? c.new_node : c.old_node;
  json out{{"graph", node_graph(index, node)},
           {"name", node_ref(index, node).name},
           {"op_type", node_ref(index, node).op_type},
           {"from", status_json(status_before(c))},
           {"to", status_json(status_after(c))}};
  if (in_new && c.old_node >= 0 && node_ref(*d.from_index, c.old_node).name != node_ref(index, node).name)
    out["from_name"] = node_ref(*d.from_index, c.old_node).name;
  if (dla) {
    out["from_device"] = status_json(c.device_before);
    out["to_device"] = status_json(c.device_after);
  }
  return out;
}

json changes_json(const VersionDiff& d, const std::vector<const NodeChange*>& changes, bool dla) {
  json out = json::array();
  for (const auto* c : changes) out.push_back(change_json(d, *c, dla));
  return out;
}

}  // namespace

json diff_json(const ModelInfo& m, const VersionInfo& from, const VersionInfo& to, const Target& t,
               const VersionDiff& d) {
  const bool dla = t.hardware.dla;
  json out{{"model", m.name},
           {"target", target_json(t)},
           {"from", {{"version", from.number}, {"summary", counts_json(d.from_counts)}}},
           {"to", {{"version", to.number}, {"summary", counts_json(d.to_counts)}}},
           {"became_unsupported", changes_json(d, d.became_unsupported, dla)},
           {"became_convertible", changes_json(d, d.became_convertible, dla)},
           {"changed", changes_json(d, d.changed, dla)}};
  if (dla) {
    out["moved_to_dla"] = d.nodes.moved_to_dla;
    out["moved_to_gpu"] = d.nodes.moved_to_gpu;
  }
  return out;
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
