// REST routes of the tracked-model library, under /api/tracked (docs/api-tracked.md). Analysis JSON is exactly what
// `trtlens check --format json` prints; everything else is small JSON built in store_json.cpp.
#include <iostream>
#include <memory>
#include <mutex>

#include "kb/kb.h"
#include "server/models.h"
#include "server/routes.h"
#include "server/target_query.h"
#include "store/store.h"
#include "store/store_json.h"

namespace trtlens::store {
namespace {
using nlohmann::json;
using server::error_json;
using server::send_error;
using server::send_json;

constexpr const char* kModel = R"(/api/tracked/models/([^/]+))";

// Messages of the loader and the file system name files inside the data directory (a staging folder, the library's
// copy of a version). A client knows the file by the name it sent, never by our path: each such path becomes the
// model's file name (for model.onnx) or its own last component (an external-data file).
std::string without_server_paths(std::string message, const std::filesystem::path& data_dir, const std::string& shown_as) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(data_dir, ec).lexically_normal();
  for (const std::string& root : {data_dir.string(), ec ? std::string() : absolute.string()}) {
    if (root.empty()) continue;
    for (auto pos = message.find(root); pos != std::string::npos; pos = message.find(root, pos)) {
      auto end = message.find_first_of(" \t\n'\":,;()", pos + root.size());
      if (end == std::string::npos) end = message.size();
      const std::filesystem::path path(message.substr(pos, end - pos));
      const std::string name = path.filename() == "model.onnx" || !path.has_filename() || path == root
                                   ? shown_as
                                   : path.filename().string();
      message.replace(pos, end - pos, name);
      pos += name.size();
    }
  }
  return message;
}

// The target of a library request (server/target_query.h): no ?plugin=, since stored verdicts are computed without
// plugins.
Result<Target> target_of(const httplib::Request& req) { return server::target_of(req, {.plugins = false, .hardware = true}); }

// "3", "latest" or absent (latest) -> a version number, 0 meaning the latest.
Result<int> version_number(const std::string& text) {
  if (text.empty() || text == "latest") return 0;
  try {
    std::size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used == text.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  return make_error("E_BAD_REQUEST", "version must be a positive number or 'latest', not '" + text + "'");
}

struct Routes {
  std::shared_ptr<Store> store;
  std::size_t max_upload = 0;
  server::ServerContext* context = nullptr;  // outlives the server; the session registry installs after us
  std::mutex open_mutex;

  // Every store error goes out through here: no server path in what the client sees.
  void send_store_error(httplib::Response& res, const Error& e, const std::string& shown_as = "the model file") const {
    send_error(res, http_status(e.code), e.code, without_server_paths(e.message, store->data_dir(), shown_as));
  }

  void list(const httplib::Request& req, httplib::Response& res) {
    auto target = target_of(req);
    if (!target) return send_store_error(res, target.error());
    auto models = store->list();
    if (!models) return send_store_error(res, models.error());
    const bool with_counts = req.get_param_value("counts") != "0";
    json out{{"target", target_json(*target)}, {"models", json::array()}};
    for (const auto& m : *models) {
      json item{{"name", m.name},
                {"tags", m.tags},
                {"created_at", m.created_at},
                {"version_count", m.versions.size()},
                {"latest", nullptr}};
      if (const auto* v = m.latest()) {
        item["latest"] = version_json(*v);
        if (with_counts) {
          auto a = analyze_version(*store, *v, *target);
          item["latest"]["summary"] = a ? counts_json(a->counts) : json(nullptr);
          if (!a)
            item["latest"]["error"] = error_json(a.error().code,
                                                 without_server_paths(a.error().message, store->data_dir(), v->file_name),
                                                 a.error().hint);
        }
      }
      out["models"].push_back(std::move(item));
    }
    send_json(res, 200, out.dump());
  }

  void upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    const std::string name = req.matches[1];
    if (auto ok = Store::check_name(name); !ok) return send_store_error(res, ok.error());
    const std::string limit = std::to_string(max_upload >> 20) + " MiB";
    if (req.has_header("Content-Length") &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > max_upload) {
      res.set_header("Connection", "close");
      return send_error(res, 413, "E_TOO_LARGE", "model is larger than the upload limit of " + limit);
    }
    auto staged = store->stage();
    if (!staged) return send_store_error(res, staged.error());
    std::size_t received = 0;
    bool too_large = false;
    Result<bool> written = true;
    bool complete = false;
    auto within_limit = [&](std::size_t size) {  // the cap counts every part of a form together
      received += size;
      too_large = too_large || received > max_upload;
      return !too_large;
    };
    std::string file_name = req.has_param("file_name") ? req.get_param_value("file_name") : name + ".onnx";
    if (req.is_multipart_form_data()) {
      // A model with external data: one part named "model" (the .onnx file) and one part named "data" per file it
      // references, each with the file name the model uses as its filename. Streamed to disk part by part.
      enum class Part { kNone, kModel, kData } part = Part::kNone;
      bool model_seen = false;
      complete = reader(
          [&](const httplib::MultipartFormData& header) {
            if (header.name == "model" && !model_seen) {
              part = Part::kModel;
              model_seen = true;
              if (!req.has_param("file_name") && !header.filename.empty()) file_name = header.filename;
              return true;
            }
            if (header.name == "data") {
              part = Part::kData;
              written = staged.value()->begin_external(header.filename);
              return written.ok();
            }
            written = make_error("E_BAD_REQUEST", header.name == "model"
                                                      ? std::string("send one 'model' part")
                                                      : "unexpected form part '" + header.name + "': send 'model' and 'data' parts");
            return false;
          },
          [&](const char* data, std::size_t size) {
            if (!within_limit(size)) return false;
            written = part == Part::kModel ? staged.value()->append(data, size) : staged.value()->append_external(data, size);
            return written.ok();
          });
      if (complete && written && !model_seen)
        written = make_error("E_BAD_REQUEST", "the form has no 'model' part (the .onnx file)");
    } else {
      complete = reader([&](const char* data, std::size_t size) {
        if (!within_limit(size)) return false;
        written = staged.value()->append(data, size);
        return written.ok();
      });
    }
    if (too_large) {
      res.set_header("Connection", "close");
      return send_error(res, 413, "E_TOO_LARGE", "model is larger than the upload limit of " + limit);
    }
    if (!written) return send_store_error(res, written.error(), file_name);
    if (!complete) return send_error(res, 400, "E_BAD_REQUEST", "the upload was interrupted");
    if (auto done = staged.value()->finish_model(); !done) return send_store_error(res, done.error(), file_name);
    if (req.is_multipart_form_data())
      if (auto done = staged.value()->check_uploads(); !done) return send_store_error(res, done.error(), file_name);
    std::vector<std::string> tags;
    for (std::size_t i = 0; i < req.get_param_value_count("tag"); ++i) tags.push_back(req.get_param_value("tag", i));
    auto added = store->commit(*staged.value(), name, file_name, tags);
    if (!added) return send_store_error(res, added.error(), file_name);
    json out{{"model", model_json(added->model)},
             {"version", version_json(added->version)},
             {"new_version", added->new_version},
             {"new_model", added->new_model}};
    send_json(res, added->new_version ? 201 : 200, out.dump());
  }

  void show(const httplib::Request& req, httplib::Response& res) {
    auto m = store->model(req.matches[1]);
    if (!m) return send_store_error(res, m.error());
    send_json(res, 200, model_json(*m).dump());
  }

  void patch(const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return send_error(res, 400, "E_BAD_REQUEST", "body must be a JSON object like {\"name\": ..., \"tags\": [...]}");
    // Everything is validated before anything changes, so a bad request leaves the model as it was.
    std::vector<std::string> tags;
    if (body.contains("tags")) {
      if (!body["tags"].is_array()) return send_error(res, 400, "E_BAD_REQUEST", "\"tags\" must be an array of strings");
      for (const auto& t : body["tags"]) {
        if (!t.is_string()) return send_error(res, 400, "E_BAD_REQUEST", "\"tags\" must be an array of strings");
        tags.push_back(t.get<std::string>());
        if (auto ok = Store::check_name(tags.back()); !ok) return send_store_error(res, ok.error());
      }
    }
    if (body.contains("name")) {
      if (!body["name"].is_string()) return send_error(res, 400, "E_BAD_REQUEST", "\"name\" must be a string");
      const std::string new_name = body["name"].get<std::string>();
      if (auto ok = store->rename(name, new_name); !ok) return send_store_error(res, ok.error());
      name = new_name;
    }
    if (body.contains("tags"))
      if (auto ok = store->set_tags(name, tags); !ok) return send_store_error(res, ok.error());
    auto m = store->model(name);
    if (!m) return send_store_error(res, m.error());
    send_json(res, 200, model_json(*m).dump());
  }

  void remove_model(const httplib::Request& req, httplib::Response& res) {
    if (auto ok = store->remove_model(req.matches[1]); !ok) return send_store_error(res, ok.error());
    res.status = 204;
  }

  Result<VersionInfo> version_of(const httplib::Request& req, const std::string& number_text) {
    auto number = version_number(number_text);
    if (!number) return number.error();
    return store->version(req.matches[1], *number);
  }

  void remove_version(const httplib::Request& req, httplib::Response& res) {
    auto v = version_of(req, req.matches[2]);
    if (!v) return send_store_error(res, v.error());
    if (auto ok = store->remove_version(req.matches[1], v->number); !ok) return send_store_error(res, ok.error());
    res.status = 204;
  }

  void analysis(const httplib::Request& req, httplib::Response& res) {
    auto target = target_of(req);
    if (!target) return send_store_error(res, target.error());
    auto v = version_of(req, req.matches[2]);
    if (!v) return send_store_error(res, v.error());
    auto a = analyze_version(*store, *v, *target);
    if (!a) return send_store_error(res, a.error(), v->file_name);
    res.set_header("X-Trtlens-Cache", a->from_cache ? "hit" : "miss");
    send_json(res, 200, a->json);
  }

  void file(const httplib::Request& req, httplib::Response& res) {
    auto v = version_of(req, req.matches[2]);
    if (!v) return send_store_error(res, v.error());
    auto path = std::make_shared<std::ifstream>(store->model_path(*v), std::ios::binary);
    if (!*path) return send_error(res, 500, "E_IO", "cannot read the stored model file");
    res.set_header("Content-Disposition", "attachment; filename=\"" + std::string(req.matches[1]) + "-v" +
                                              std::to_string(v->number) + ".onnx\"");
    res.set_content_provider(v->size, "application/octet-stream",
                             [path](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               std::vector<char> buffer(std::min<std::size_t>(length, 1 << 20));
                               path->seekg(static_cast<std::streamoff>(offset));
                               path->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                               const auto n = static_cast<std::size_t>(path->gcount());
                               return n > 0 && sink.write(buffer.data(), n);
                             });
  }

  // Registers a stored version with the session's model registry (once per stored file), so the visualizer serves
  // its graph, analysis and per-node runtimes through the same /api/models/{id}/... routes as any other model.
  void open(const httplib::Request& req, httplib::Response& res) {
    auto* registry = static_cast<server::ModelRegistry*>(context->extension("models"));
    if (!registry) return send_error(res, 503, "E_NO_VISUALIZER", "this server has no model visualizer");
    auto v = version_of(req, req.matches[2]);
    if (!v) return send_store_error(res, v.error());
    const auto path = store->model_path(*v);
    std::lock_guard<std::mutex> lock(open_mutex);
    std::shared_ptr<server::ServedModel> served;
    for (const auto& m : registry->list())
      if (m->path == path) served = m;
    if (!served) {
      auto added = registry->add_file(path, std::string(req.matches[1]) + " v" + std::to_string(v->number));
      if (!added) return send_store_error(res, added.error(), v->file_name);
      served = added.value();
    }
    json out{{"id", served->id}, {"name", served->name}, {"node_count", served->index->nodes().size()},
             {"model", std::string(req.matches[1])}, {"version", v->number}};
    send_json(res, 200, out.dump());
  }

  void diff(const httplib::Request& req, httplib::Response& res) {
    auto target = target_of(req);
    if (!target) return send_store_error(res, target.error());
    auto m = store->model(req.matches[1]);
    if (!m) return send_store_error(res, m.error());
    if (m->versions.size() < 1) return send_error(res, 404, "E_NOT_FOUND", "the model has no versions");
    // Defaults: the latest version against the one before it.
    const std::string to_text = req.get_param_value("to");
    auto to = version_of(req, to_text);
    if (!to) return send_store_error(res, to.error());
    std::string from_text = req.get_param_value("from");
    if (from_text.empty()) {
      from_text = std::to_string(to->number);
      for (const auto& v : m->versions)
        if (v.number < to->number) from_text = std::to_string(v.number);
    }
    auto from = version_of(req, from_text);
    if (!from) return send_store_error(res, from.error());
    auto d = diff_versions(*store, *from, *to, *target);
    if (!d) return send_store_error(res, d.error());
    send_json(res, 200, diff_json(*m, *from, *to, *target, *d.value()).dump());
  }
};

void install_unavailable(httplib::Server& server, const std::string& message) {
  auto handler = [message](const httplib::Request&, httplib::Response& res) {
    send_error(res, 503, "E_STORE_UNAVAILABLE", message);
  };
  const std::string any = R"(/api/tracked(/.*)?)";
  server.Get(any, handler);
  server.Post(any, handler);
  server.Patch(any, handler);
  server.Delete(any, handler);
}

void install(httplib::Server& server, server::ServerContext& context) {
  const auto dir = context.config.data_dir.empty() ? Store::default_data_dir() : context.config.data_dir;
  auto opened = Store::open(dir);
  if (!opened) {
    std::cerr << "trtlens: tracked models unavailable: " << opened.error().message << "\n";
    return install_unavailable(server, "tracked models unavailable: " + opened.error().message);
  }
  auto routes = std::make_shared<Routes>();
  routes->store = std::shared_ptr<Store>(std::move(opened.value()));
  routes->max_upload = context.config.max_upload_bytes;
  routes->context = &context;
  context.extensions.emplace_back("store", routes->store.get());

  const std::string model = kModel;
  auto bind = [routes](void (Routes::*f)(const httplib::Request&, httplib::Response&)) {
    return [routes, f](const httplib::Request& req, httplib::Response& res) { ((*routes).*f)(req, res); };
  };
  server.Get("/api/tracked/models", bind(&Routes::list));
  server.Post(model + "/versions", [routes](const httplib::Request& req, httplib::Response& res,
                                            const httplib::ContentReader& reader) { routes->upload(req, res, reader); });
  server.Get(model, bind(&Routes::show));
  server.Patch(model, bind(&Routes::patch));
  server.Delete(model, bind(&Routes::remove_model));
  server.Delete(model + "/versions/([^/]+)", bind(&Routes::remove_version));
  server.Get(model + "/versions/([^/]+)/analysis", bind(&Routes::analysis));
  server.Get(model + "/versions/([^/]+)/file", bind(&Routes::file));
  server.Get(model + "/diff", bind(&Routes::diff));
  server.Post(model + "/versions/([^/]+)/open", bind(&Routes::open));
}

}  // namespace
TRTLENS_REGISTER_ROUTES(50, install);
}  // namespace trtlens::store
