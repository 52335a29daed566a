#include "util/codes.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trtlens {
namespace {

using enum CodeSeverity;

constexpr CodeInfo kCatalogue[] = {
#define TRTLENS_CODE(code, severity, area, message, hint) {#code, severity, area, message, hint},
#include "util/codes.def"
#undef TRTLENS_CODE
};

const std::unordered_map<std::string_view, const CodeInfo*>& exact_index() {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const CodeInfo*>();
    for (const CodeInfo& c : kCatalogue) m->emplace(c.code, &c);
    return m;
  }();
  return *index;
}

}  // namespace

std::span<const CodeInfo> all_codes() { return kCatalogue; }

const CodeInfo* find_code(std::string_view code) {
  const auto& index = exact_index();
  if (auto it = index.find(code); it != index.end()) return it->second;
  static const auto* families = [] {  // (prefix before '<', entry)
    auto* v = new std::vector<std::pair<std::string_view, const CodeInfo*>>();
    for (const CodeInfo& c : kCatalogue)
      if (const auto open = c.code.find('<'); open != std::string_view::npos) v->emplace_back(c.code.substr(0, open), &c);
    return v;
  }();
  for (const auto& [prefix, entry] : *families)
    if (code.size() > prefix.size() && code.substr(0, prefix.size()) == prefix) return entry;
  return nullptr;
}

std::string_view default_hint(std::string_view code) {
  const CodeInfo* c = find_code(code);
  return c ? c->hint : std::string_view{};
}

std::string hint_or_default(std::string_view code, std::string hint) {
  if (hint.empty()) hint = std::string(default_hint(code));
  return hint;
}

std::string_view severity_name(CodeSeverity s) {
  switch (s) {
    case kError: return "error";
    case kWarning: return "warning";
    case kEither: return "error or warning";
  }
  return "error";
}

}  // namespace trtlens
