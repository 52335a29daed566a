// Einsum equations (importer-rules.md B:Einsum): uppercase subscripts are refused by every release's checker;
// ellipsis, diagonal and broadcasting forms depend on the release (params of the instance).
#include <map>
#include <sstream>

#include "rules/registry.h"

namespace trtlens {
namespace {

Finding equation_error(const RuleContext& c, const std::string& eq, const std::string& why, const std::string& hint) {
  return Finding{c.release.display() + " rejects Einsum equation '" + eq + "': " + why, hint, "", std::nullopt};
}

std::vector<std::string> operand_terms(const std::string& eq) {
  std::string lhs = eq.substr(0, eq.find("->"));
  std::vector<std::string> terms;
  std::stringstream in(lhs);
  std::string term;
  while (std::getline(in, term, ',')) {
    std::string clean;
    for (char ch : term)
      if (ch != ' ') clean += ch;
    terms.push_back(clean);
  }
  return terms;
}

std::optional<Finding> einsum_equation(const RuleContext& c) {
  auto eq = c.attr_string("equation");
  if (!eq) return std::nullopt;
  for (char ch : *eq) {
    const bool ok = (ch >= 'a' && ch <= 'z') || ch == ',' || ch == '-' || ch == '>' || ch == '.' || ch == ' ';
    if (!ok)
      return equation_error(c, *eq, std::string("character '") + ch + "' is not accepted (only lowercase a-z subscripts)",
                            "Rename the subscripts to lowercase letters (the meaning does not change)");
  }
  auto it = c.rule.params.find("max_inputs");
  if (it != c.rule.params.end() && it->is_number_integer() && c.input_count() > it->get<int>())
    return equation_error(c, *eq, "it has " + std::to_string(c.input_count()) + " operands; at most " +
                                      std::to_string(it->get<int>()) + " are supported",
                          "Split the Einsum into pairwise Einsums (or MatMul/Mul), or upgrade to TensorRT 10.0+");
  if (!c.param_bool("ellipsis", true) && eq->find("...") != std::string::npos)
    return equation_error(c, *eq, "ellipsis ('...') is not supported",
                          "Spell out the dimensions instead of '...', or upgrade to a release that rewrites ellipsis");
  const auto terms = operand_terms(*eq);
  if (!c.param_bool("diagonal", true))
    for (const auto& term : terms) {
      std::map<char, int> seen;
      for (char ch : term)
        if (ch != '.' && ++seen[ch] > 1)
          return equation_error(c, *eq, std::string("subscript '") + ch + "' repeats in operand '" + term +
                                             "' (a diagonal)",
                                "Extract the diagonal with other ops (e.g. Mul with an identity mask + ReduceSum)");
    }
  if (!c.param_bool("broadcast", true) && eq->find("...") == std::string::npos) {
    std::map<char, std::pair<std::int64_t, int>> size_of;  // subscript -> (size, operand)
    for (std::size_t k = 0; k < terms.size(); ++k) {
      const TensorInfo* t = c.input(static_cast<int>(k));
      if (!t || t->rank != static_cast<int>(terms[k].size())) continue;
      for (std::size_t d = 0; d < terms[k].size(); ++d) {
        const std::int64_t size = t->dims[d];
        if (size < 0) continue;
        auto [pos, inserted] = size_of.emplace(terms[k][d], std::make_pair(size, static_cast<int>(k)));
        if (!inserted && pos->second.first != size)
          return equation_error(c, *eq, std::string("subscript '") + terms[k][d] + "' has size " +
                                             std::to_string(pos->second.first) + " in operand " +
                                             std::to_string(pos->second.second) + " and " + std::to_string(size) +
                                             " in operand " + std::to_string(k) + " (broadcasting)",
                                "Expand the size-1 operand explicitly (Expand) before the Einsum");
      }
    }
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:einsum_equation", einsum_equation, "TRT_EINSUM_EQUATION", false,
                      "Einsum equation forms the release accepts");

}  // namespace
}  // namespace trtlens
