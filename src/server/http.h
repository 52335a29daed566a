// Server core: hardening every route shares (Host/Origin checks, no on-the-fly Brotli, payload cap, JSON errors).
#pragma once
#include <httplib.h>

#include "server/routes.h"

namespace trtlens::server {

// Applies the settings and guards every trtlens server needs. `context` must outlive `server`; its config.port is
// read on every request so a server bound to an ephemeral port can update it after binding.
void harden(httplib::Server& server, ServerContext& context);

// Host header values a request may carry: the bound address, plus localhost names when bound to loopback.
bool host_allowed(const ServerConfig& config, const std::string& host_header);

}  // namespace trtlens::server
