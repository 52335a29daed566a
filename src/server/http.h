// Server core: hardening every route shares (Host/Origin checks, no on-the-fly Brotli, no compressed or oversize
// request bodies, many workers and read timeouts against slow clients, JSON errors).
#pragma once
#include <httplib.h>

#include "server/routes.h"

namespace trtlens::server {

// Every body but a model upload's is at most this big (JSON edits of names and tags).
constexpr std::size_t kMaxRequestBodyBytes = std::size_t{1} << 20;
// Connection workers: kServerWorkers stay alive, up to kMaxServerWorkers run when clients hold them (server/worker_pool.h).
constexpr int kServerWorkers = 16;
constexpr int kMaxServerWorkers = 1024;
constexpr int kReadTimeoutSeconds = 10;

// Applies the settings and guards every trtlens server needs. `context` must outlive `server`; its config.port is
// read on every request so a server bound to an ephemeral port can update it after binding.
void harden(httplib::Server& server, ServerContext& context);

// Host header values a request may carry: the bound address, plus localhost names when bound to loopback.
bool host_allowed(const ServerConfig& config, const std::string& host_header);

}  // namespace trtlens::server
