// The target of an HTTP request, parsed in one place for the analysis API (/api/models/...) and the tracked-model
// library (/api/tracked/...): ?trt=&precision=&strict=&strongly_typed=&plugin=&gpu=&dla=&gpu_fallback=
// (docs/api.md, docs/hardware.md). Defaults: newest release, fp32, not strict, weakly typed, no plugins, no hardware.
// Header-only like routes.h, so the store layer uses it without linking the server.
#pragma once
#include <httplib.h>

#include <string>
#include <vector>

#include "kb/kb.h"
#include "verdict/analysis.h"

namespace trtlens::server {

// A yes/no query parameter: "1", "true" or "yes" mean yes; anything else, or absent, no.
inline bool query_flag(const httplib::Request& req, const char* key) {
  const auto v = req.get_param_value(key);
  return v == "1" || v == "true" || v == "yes";
}

// Which parts of the target a route takes from the query; the others keep their defaults.
struct TargetQuery {
  bool plugins = true;   // ?plugin= (repeatable); the tracked-model library computes its verdicts without plugins
  bool hardware = true;  // ?gpu=&dla=&gpu_fallback=; no gpu, no hardware answers
};

// The request's target, checked in the order of the CLI (release, precisions, strong typing, hardware); the error
// (E_USAGE-style code and message) of the first bad parameter otherwise.
inline Result<Target> target_of(const httplib::Request& req, TargetQuery parts = {}) {
  std::vector<std::string> plugins;
  if (parts.plugins)
    for (std::size_t i = 0, n = req.get_param_value_count("plugin"); i < n; ++i)
      plugins.push_back(req.get_param_value("plugin", i));
  auto target = make_target(KnowledgeBase::builtin(), req.get_param_value("trt"), req.get_param_value("precision"),
                            query_flag(req, "strict"), plugins);
  if (target) target = with_strong_typing(std::move(target.value()), query_flag(req, "strongly_typed"));
  if (!target || !parts.hardware) return target;
  const std::string fallback = req.get_param_value("gpu_fallback");
  auto hw = HardwareKb::builtin().make_target(req.get_param_value("gpu"), query_flag(req, "dla"),
                                             !(fallback == "0" || fallback == "false"));
  if (!hw) return hw.error();
  target.value().hardware = hw.value();
  return target;
}

}  // namespace trtlens::server
