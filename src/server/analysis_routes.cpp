// The analysis API (docs/api.md, "Analysis API"): releases, models, graph, analysis, per-node runtimes, op support.
// A thin layer: every verdict comes from analyze() / node_verdicts_across_releases() / op_support().
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <random>

#include "kb/op_support.h"
#include "report/findings_json.h"
#include "report/report.h"
#include "server/analysis_view.h"
#include "server/graph_json.h"
#include "server/models.h"
#include "server/routes.h"
#include "server/target_query.h"
#include "verdict/across_releases.h"
#include "verdict/analysis.h"

namespace trtlens::server {

namespace {

std::filesystem::path upload_root() {
  std::random_device rd;
  const auto tag = std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  return std::filesystem::temp_directory_path() / ("trtlens-serve-" + tag);
}

nlohmann::json model_entry(const ServedModel& m) {
  return {{"id", m.id}, {"name", m.name}, {"path", m.path.string()}, {"node_count", m.index->nodes().size()},
          {"bytes", m.bytes}};
}

// Resolves the model of a /api/models/{id}/... request, answering 404 itself when unknown.
std::shared_ptr<ServedModel> model_of(ModelRegistry& registry, const httplib::Request& req, httplib::Response& res) {
  auto m = registry.get(req.matches[1]);
  if (!m) send_error(res, 404, "E_NO_MODEL", "no model with id '" + std::string(req.matches[1]) + "'");
  return m;
}

void get_analysis(ModelRegistry& registry, const httplib::Request& req, httplib::Response& res) {
  auto m = model_of(registry, req, res);
  if (!m) return;
  const auto& kb = KnowledgeBase::builtin();
  auto target = target_of(req);  // with hardware (docs/hardware.md): ?gpu=orin&dla=1&gpu_fallback=0
  if (!target) return send_error(res, 400, target.error());
  const HardwareTarget* hw = &target->hardware;
  std::string key = target->release->name + "|" + (target->strict ? "s" : "-") + (target->strongly_typed ? "t" : "-");
  if (hw->has_gpu) key += "|hw:" + hw->gpu.sm + "/" + hw->gpu.product + (hw->dla ? "/dla" : "") + (hw->gpu_fallback ? "" : "/nofb");
  for (auto p : target->precisions) key += "|" + std::string(precision_name(p));
  for (const auto& p : target->plugins) key += "|plugin:" + p.text();
  // ?view=ui: the compact document of the UI's first paint (server/analysis_view.h); otherwise the engine JSON.
  const bool ui_view = req.get_param_value("view") == "ui";
  if (ui_view) key += "|view:ui";
  std::shared_ptr<const std::string> body;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    auto& cached = m->analyses[key];
    if (!cached) {
      const Analysis a = analyze(*m->index, *target, kb);
      cached = std::make_shared<const std::string>(ui_view ? ui_analysis_json(*m->index, a) : to_json(*m->index, a));
    }
    body = cached;
  }
  send_json(res, 200, *body);
}

// /graph (?view=ui: without attributes, doc strings and tensor types), built once per model and view.
void get_graph(ModelRegistry& registry, const httplib::Request& req, httplib::Response& res) {
  auto m = model_of(registry, req, res);
  if (!m) return;
  const bool ui_view = req.get_param_value("view") == "ui";
  std::shared_ptr<const std::string> body;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    auto& cached = ui_view ? m->ui_graph : m->graph;
    if (!cached)
      cached = std::make_shared<const std::string>(ui_view ? ui_graph_json(*m->index, m->id, m->name)
                                                           : graph_json(*m->index, m->id, m->name));
    body = cached;
  }
  send_json(res, 200, *body);
}

// The node index of a /api/models/{id}/nodes/{n}/... request, answering 404 itself when there is no such node.
std::optional<int> node_of(const ServedModel& m, const httplib::Request& req, httplib::Response& res) {
  const std::string text = req.matches[2];
  const int node = text.size() > 9 ? -1 : std::stoi(text);
  if (node < 0 || static_cast<std::size_t>(node) >= m.index->nodes().size()) {
    send_error(res, 404, "E_NO_NODE", "no node " + text.substr(0, 20));
    return std::nullopt;
  }
  return node;
}

// One node's drawer data: attributes, doc string, and the types and shapes of its inputs and outputs.
void get_node(ModelRegistry& registry, const httplib::Request& req, httplib::Response& res) {
  auto m = model_of(registry, req, res);
  if (!m) return;
  const auto node = node_of(*m, req, res);
  if (!node) return;
  send_json(res, 200, node_json(*m->index, *node));
}

void get_runtimes(ModelRegistry& registry, const httplib::Request& req, httplib::Response& res) {
  auto m = model_of(registry, req, res);
  if (!m) return;
  const auto& kb = KnowledgeBase::builtin();
  const std::string index_text = req.matches[2];
  if (index_text.size() > 9) return send_error(res, 404, "E_NO_NODE", "no node " + index_text);
  const int node = std::stoi(index_text);
  if (node < 0 || static_cast<std::size_t>(node) >= m->index->nodes().size())
    return send_error(res, 404, "E_NO_NODE", "no node " + index_text);
  auto target = target_of(req, {.plugins = true, .hardware = false});  // runtimes across releases: no hardware
  if (!target) return send_error(res, 400, target.error());
  const NodeRef& n = m->index->nodes()[static_cast<std::size_t>(node)];
  nlohmann::json support = op_support(kb, n.op_type);
  std::vector<ReleaseVerdict> verdicts;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    verdicts = node_verdicts_across_releases(*m->index, node, *target, kb);
  }
  nlohmann::json releases = nlohmann::json::array();
  for (auto it = verdicts.rbegin(); it != verdicts.rend(); ++it) {  // newest first, like /api/releases
    const Release& r = *it->release;
    const NodeVerdict& v = it->verdict;
    nlohmann::json entry = release_summary(r);
    for (const auto& s : support["releases"])
      if (s.value("release", "") == r.name) entry["op"] = s;
    // Reasons and the precision note through the engine JSON's own writer; warnings only counted here.
    nlohmann::json findings = findings_json(v);
    entry["node"] = {{"status", status_name(v.status)},
                     {"runs_in", v.runs_in.empty() ? nlohmann::json() : nlohmann::json(v.runs_in)},
                     {"reasons", std::move(findings["reasons"])},
                     {"warnings", v.warnings.size()}};
    if (findings.contains("precision")) entry["node"]["precision"] = std::move(findings["precision"]);
    releases.push_back(std::move(entry));
  }
  nlohmann::json precisions = nlohmann::json::array();
  for (auto p : target->precisions) precisions.push_back(precision_name(p));
  nlohmann::json out{{"node", {{"index", node}, {"name", n.name}, {"op_type", n.op_type}, {"domain", n.domain}}},
                     {"precisions", precisions},
                     {"strict", target->strict},
                     {"strongly_typed", target->strongly_typed},
                     {"releases", releases},
                     {"rules", support["rules"]}};
  send_json(res, 200, out.dump());
}

// Streams the raw request body to a private file (never held in memory whole), then loads it like a CLI model.
void post_model(ModelRegistry& registry, std::size_t max_bytes, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
  if (req.is_multipart_form_data())
    return send_error(res, 415, "E_MEDIA_TYPE", "send the model as the raw request body, not as a form");
  // Refuse a declared oversize body before reading any of it (httplib would only report a generic read failure).
  if (req.has_header("Content-Length") &&
      std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > max_bytes)
    return send_error(res, 413, "E_TOO_LARGE", "upload exceeds the limit of " + std::to_string(max_bytes >> 10) + " KiB");
  const std::string name = safe_file_name(req.get_header_value("X-Filename"));
  const auto dir = registry.new_upload_dir();
  const auto path = dir / name;
  std::uint64_t written = 0;
  bool too_large = false;
  bool complete = false;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return send_error(res, 500, "E_IO", "cannot store the upload");
    complete = reader([&](const char* data, std::size_t size) {
      written += size;
      if (written > max_bytes) {
        too_large = true;
        return false;
      }
      out.write(data, static_cast<std::streamsize>(size));
      return static_cast<bool>(out);
    });
  }
  if (too_large) {
    registry.remove_upload_dir(dir);
    return send_error(res, 413, "E_TOO_LARGE", "upload exceeds the limit of " + std::to_string(max_bytes >> 10) + " KiB");
  }
  if (!complete) {
    registry.remove_upload_dir(dir);
    return send_error(res, 400, "E_UPLOAD", "the upload was interrupted");
  }
  if (written == 0) {
    registry.remove_upload_dir(dir);
    return send_error(res, 400, "E_EMPTY", "the upload is empty");
  }
  auto added = registry.add_file(path, name);
  if (!added) {
    registry.remove_upload_dir(dir);
    // Strip our private folder from the loader's message: the user knows the file by the name they uploaded.
    std::string message = added.error().message;
    for (auto pos = message.find(path.string()); pos != std::string::npos; pos = message.find(path.string()))
      message.replace(pos, path.string().size(), name);
    return send_error(res, 422, added.error().code, message, added.error().hint);
  }
  send_json(res, 201, model_entry(*added.value()).dump());
}

void install(httplib::Server& server, ServerContext& context) {
  auto registry = std::make_shared<ModelRegistry>(upload_root());
  context.extensions.emplace_back("models", registry.get());
  for (const auto& path : context.config.models) {
    auto added = registry->add_file(path, path.filename().string());
    if (!added) registry->startup_errors.push_back(added.error().message);
  }
  const std::size_t max_bytes = context.config.max_upload_bytes;

  server.Get("/api/releases", [](const httplib::Request&, httplib::Response& res) {
    const auto& releases = KnowledgeBase::builtin().releases();
    nlohmann::json out = nlohmann::json::array();
    for (auto it = releases.rbegin(); it != releases.rend(); ++it) out.push_back(release_summary(*it));
    send_json(res, 200, out.dump());
  });
  server.Get("/api/gpus", [](const httplib::Request&, httplib::Response& res) {
    nlohmann::json out = nlohmann::json::array();
    const auto& hw = HardwareKb::builtin();
    for (const auto& name : hw.product_names()) {
      auto g = hw.find_gpu(name);
      if (!g) continue;
      out.push_back({{"name", name}, {"compute_capability", g->sm}, {"family", g->family}, {"dla", g->dla_cores > 0},
                     {"releases", hw.releases_for(KnowledgeBase::builtin(), g.value())}});
    }
    send_json(res, 200, out.dump());
  });
  server.Get("/api/models", [registry](const httplib::Request&, httplib::Response& res) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : registry->list()) out.push_back(model_entry(*m));
    send_json(res, 200, out.dump());
  });
  server.Post("/api/models", [registry, max_bytes](const httplib::Request& req, httplib::Response& res,
                                                   const httplib::ContentReader& reader) {
    post_model(*registry, max_bytes, req, res, reader);
  });
  server.Get(R"(/api/models/([0-9]+)/graph)",
             [registry](const httplib::Request& req, httplib::Response& res) { get_graph(*registry, req, res); });
  server.Get(R"(/api/models/([0-9]+)/nodes/([0-9]+))",
             [registry](const httplib::Request& req, httplib::Response& res) { get_node(*registry, req, res); });
  server.Get(R"(/api/models/([0-9]+)/analysis)", [registry](const httplib::Request& req, httplib::Response& res) {
    get_analysis(*registry, req, res);
  });
  server.Get(R"(/api/models/([0-9]+)/nodes/([0-9]+)/runtimes)",
             [registry](const httplib::Request& req, httplib::Response& res) { get_runtimes(*registry, req, res); });
  server.Get(R"(/api/ops/([A-Za-z0-9_.\-]{1,100}))", [](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, op_support(KnowledgeBase::builtin(), std::string(req.matches[1])).dump());
  });
}

}  // namespace

TRTLENS_REGISTER_ROUTES(100, install);

}  // namespace trtlens::server
