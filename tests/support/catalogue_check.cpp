#include "support/catalogue_check.h"

#include "util/codes.h"

namespace trtlens::test {

std::vector<std::string> catalogue_disagreements(const Analysis& a, int* checked) {
  std::vector<std::string> out;
  const auto look = [&](const std::string& where, const std::string& code, const std::string& hint, bool as_error) {
    const CodeInfo* c = find_code(code);
    if (!c) return;
    if (checked) ++*checked;
    const CodeSeverity wrong = as_error ? CodeSeverity::kWarning : CodeSeverity::kError;
    if (c->severity == wrong)
      out.push_back(where + " " + (as_error ? "error " : "warning ") + code + ": catalogued as " +
                    std::string(severity_name(c->severity)));
    if (hint.empty() && !c->hint.empty()) out.push_back(where + " " + code + ": no hint, the catalogue has one");
  };
  for (const auto& m : a.model_issues) look("model", m.code, m.hint, m.error);
  for (const auto& v : a.nodes) {
    const std::string where = "node #" + std::to_string(v.index);
    if (v.status == Status::kUnsupported)
      for (const auto& r : v.reasons) look(where, r.code, r.hint, true);
    for (const auto& w : v.warnings) look(where, w.code, w.hint, false);
  }
  return out;
}

}  // namespace trtlens::test
