// `trtlens serve`: the model visualizer. Binds to 127.0.0.1 unless told otherwise and prints its URL.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "server/http.h"
#include "server/models.h"
#include "server/routes.h"

namespace trtlens::cli {

namespace {

struct ServeOptions {
  std::vector<std::string> models;
  std::string host = "127.0.0.1";
  int port = 8080;
  double max_upload_mb = 512;
  std::string data_dir;
};

std::filesystem::path default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "trtlens";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "share" / "trtlens";
  return std::filesystem::path(".trtlens");
}

httplib::Server* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}

int run_serve(const ServeOptions& o) {
  server::ServerContext context;
  context.config.host = o.host;
  context.config.port = o.port;
  if (o.max_upload_mb <= 0 || o.max_upload_mb > 1 << 20) return fail("--max-upload-mb must be between 0 and 1048576");
  context.config.max_upload_bytes = static_cast<std::size_t>(o.max_upload_mb * 1024 * 1024);
  context.config.data_dir = o.data_dir.empty() ? default_data_dir() : std::filesystem::path(o.data_dir);
  for (const auto& m : o.models) context.config.models.emplace_back(m);

  auto http = std::make_unique<httplib::Server>();
  server::harden(*http, context);
  server::install_all_routes(*http, context);
  if (auto* registry = static_cast<server::ModelRegistry*>(context.extension("models"))) {
    if (!registry->startup_errors.empty()) return fail(registry->startup_errors.front());
  }
  int port = o.port;
  if (port == 0) {
    port = http->bind_to_any_port(o.host);
    if (port < 0) return fail("cannot bind " + o.host);
  } else if (!http->bind_to_port(o.host, port)) {
    return fail("cannot bind " + o.host + ":" + std::to_string(port) + " (in use? try --port 0)");
  }
  context.config.port = port;
  const std::string shown = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::cout << "trtlens: serving on http://" << shown << ":" << port << "/" << std::endl;
  g_server = http.get();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const bool ok = http->listen_after_bind();
  g_server = nullptr;
  return ok ? kExitOk : fail("server stopped with an error");
}

Runner add_serve(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Start the model visualizer (a local web app) and print its URL");
  cmd->add_option("models", o->models, "ONNX models to show (more can be opened from the UI)");
  cmd->add_option("--host", o->host, "Address to bind (default 127.0.0.1: this machine only)");
  cmd->add_option("--port", o->port, "Port (0: any free port)")->check(CLI::Range(0, 65535));
  cmd->add_option("--max-upload-mb", o->max_upload_mb, "Largest model the UI may upload, in MB")->default_str("512");
  cmd->add_option("--data-dir", o->data_dir, "Tracked-model store (default $XDG_DATA_HOME/trtlens)");
  return [o] { return run_serve(*o); };
}

}  // namespace

TRTLENS_REGISTER_COMMAND(80, add_serve);

}  // namespace trtlens::cli
