// Extension point of the HTTP server: each layer (analysis API, tracked-model store, ...) installs its own routes
// from its own file with TRTLENS_REGISTER_ROUTES; the server core knows none of them by name. Header-only so a layer
// can be built and tested without the rest of the server.
#pragma once
#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace trtlens::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::size_t max_upload_bytes = std::size_t{512} << 20;  // --max-upload-mb
  std::filesystem::path data_dir;                         // tracked-model store (--data-dir)
  std::vector<std::filesystem::path> models;              // models given on the command line
};

// Shared state handed to every route installer. Layers keep their own state in function-local statics or in
// objects they create in their installer (captured by their handlers); `extensions` lets them find each other.
struct ServerContext {
  ServerConfig config;
  std::vector<std::pair<std::string, void*>> extensions;  // e.g. {"store", Store*}
  void* extension(const std::string& name) const {
    for (const auto& [key, value] : extensions)
      if (key == name) return value;
    return nullptr;
  }
};

using RouteInstaller = void (*)(httplib::Server& server, ServerContext& context);

inline std::vector<std::pair<int, RouteInstaller>>& route_registry() {
  static std::vector<std::pair<int, RouteInstaller>> installers;
  return installers;
}
inline bool register_routes(int order, RouteInstaller installer) {
  route_registry().emplace_back(order, installer);
  return true;
}
// Installs every registered layer in order (lower first).
inline void install_all_routes(httplib::Server& server, ServerContext& context) {
  auto installers = route_registry();
  std::stable_sort(installers.begin(), installers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, installer] : installers) installer(server, context);
}
#define TRTLENS_ROUTES_CONCAT2(a, b) a##b
#define TRTLENS_ROUTES_CONCAT(a, b) TRTLENS_ROUTES_CONCAT2(a, b)
#define TRTLENS_REGISTER_ROUTES(order, installer) \
  static const bool TRTLENS_ROUTES_CONCAT(registered_routes_, __LINE__) = ::trtlens::server::register_routes(order, installer)

// Responses: JSON bodies, errors as {"error": {"code": ..., "message": ..., "hint": ...}} with a 4xx/5xx status;
// "hint" is there when the site or the code catalogue (util/codes.def) has one.
inline void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}
inline nlohmann::json error_json(const std::string& code, const std::string& message, std::string hint = {}) {
  hint = hint_or_default(code, std::move(hint));
  nlohmann::json error{{"code", code}, {"message", message}};
  if (!hint.empty()) error["hint"] = std::move(hint);
  return error;
}
inline void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                       const std::string& hint = {}) {
  send_json(res, status, nlohmann::json{{"error", error_json(code, message, hint)}}.dump());
}
inline void send_error(httplib::Response& res, int status, const Error& error) {
  send_error(res, status, error.code, error.message, error.hint);
}

}  // namespace trtlens::server
