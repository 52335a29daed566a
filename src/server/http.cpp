#include "server/http.h"

#include "server/worker_pool.h"

#include <cstdlib>
#include <exception>

namespace trtlens::server {

namespace {
bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }
bool is_mutating(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Routes that take a model as the body (streamed to disk, capped by --max-upload-mb); every other body is small.
bool is_upload(const httplib::Request& req) {
  return req.method == "POST" &&
         (req.path == "/api/models" || (starts_with(req.path, "/api/tracked/models/") && ends_with(req.path, "/versions")));
}
}  // namespace

bool host_allowed(const ServerConfig& config, const std::string& host_header) {
  // Bound elsewhere than loopback the user chose to expose the server; names are then not ours to know.
  if (!is_loopback(config.host) && config.host != "") return true;
  const std::string port = ":" + std::to_string(config.port);
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"})
    if (host_header == std::string(name) + port) return true;
  return false;
}

void harden(httplib::Server& server, ServerContext& context) {
  server.set_tcp_nodelay(true);  // without it one keep-alive connection manages a few dozen requests per second
  server.set_payload_max_length(context.config.max_upload_bytes);
  // A worker serves one connection at a time: a client trickling bytes holds one until a read times out. The pool grows
  // with such clients (threads mostly waiting on sockets cost little), so slow clients cannot starve the rest.
  server.new_task_queue = [] {
    return new ElasticWorkerPool(kServerWorkers, kMaxServerWorkers, std::chrono::seconds(30));
  };
  server.set_read_timeout(kReadTimeoutSeconds, 0);
  server.set_write_timeout(60, 0);
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(1000);

  server.set_pre_routing_handler([&context](const httplib::Request& req, httplib::Response& res) {
    // Debian's build Brotli-compresses on the fly, which takes seconds for multi-megabyte JSON: never negotiate it.
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
    // Bodies: never decoded (a few KB of Brotli can inflate to gigabytes past any cap on the bytes received), and
    // small everywhere but on the upload routes. Checked before httplib reads any of the body.
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && encoding != "identity") {
      res.set_header("Connection", "close");
      send_error(res, 415, "E_ENCODING", "compressed request bodies are not accepted (Content-Encoding: " +
                                             encoding.substr(0, 40) + "); send the body uncompressed");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!is_upload(req)) {
      if (req.has_header("Transfer-Encoding")) {
        res.set_header("Connection", "close");
        send_error(res, 411, "E_LENGTH", "this route takes a body with a Content-Length, not a chunked one");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > kMaxRequestBodyBytes) {
        res.set_header("Connection", "close");
        send_error(res, 413, "E_TOO_LARGE", "request body exceeds " + std::to_string(kMaxRequestBodyBytes >> 10) +
                                                " KiB; only model uploads may be larger");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    // DNS rebinding: a page on another name resolving to 127.0.0.1 must not reach us.
    if (!host_allowed(context.config, req.get_header_value("Host"))) {
      send_error(res, 403, "E_HOST", "request Host is not this server's address");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Cross-site requests from a browser carry an Origin: refuse those that change state.
    if (req.has_header("Origin") && is_mutating(req.method)) {
      const std::string origin = req.get_header_value("Origin");
      if (origin != "http://" + req.get_header_value("Host")) {
        send_error(res, 403, "E_ORIGIN", "cross-origin request refused");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string message = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    send_error(res, 500, "E_INTERNAL", message);
  });

  // Errors produced by httplib itself (no route, payload too large, bad request line) get the JSON error shape too.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    switch (res.status) {
      case 404: send_error(res, 404, "E_NOT_FOUND", "no such resource"); break;
      case 413: send_error(res, 413, "E_TOO_LARGE", "request body exceeds the upload limit"); break;
      case 405: send_error(res, 405, "E_METHOD", "method not allowed"); break;
      default: send_error(res, res.status, "E_BAD_REQUEST", "bad request"); break;
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
}

}  // namespace trtlens::server
