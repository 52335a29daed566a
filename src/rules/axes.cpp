// Axis and permutation checks shared by many importers: the parser normalises every axis against the input rank
// (`convertAxis`, importer-rules.md A13) and rejects values outside it; some importers also reject duplicates.
#include <algorithm>
#include <set>

#include "rules/registry.h"

namespace trtlens {
namespace {

std::string join(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// The axes the instance names, from an attribute, several INT attributes, or a constant input.
// nullopt: nothing to check (absent, or computed).
std::optional<std::vector<std::int64_t>> named_axes(const RuleContext& c, std::string& what) {
  if (auto attr = c.param_string("attr"); !attr.empty()) {
    const auto* a = c.attr(attr);
    if (!a) return std::nullopt;
    what = "attribute '" + attr + "'";
    if (a->ints_size() > 0 || a->type() == onnx::AttributeProto::INTS) return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
    return std::vector<std::int64_t>{a->i()};
  }
  if (auto attrs = c.param_strings("attrs"); !attrs.empty()) {
    std::vector<std::int64_t> out;
    for (const auto& name : attrs)
      if (auto v = c.attr_int(name)) {
        out.push_back(*v);
        what += (what.empty() ? "attributes " : ", ") + name;
      }
    if (out.empty()) return std::nullopt;
    return out;
  }
  const int i = c.param_int("input", -1);
  if (i < 0 || !c.present(i)) return std::nullopt;
  auto values = c.constant_values(i);
  if (!values) return std::nullopt;
  what = "input " + std::to_string(i) + " '" + c.input_name(i) + "'";
  std::vector<std::int64_t> out;
  for (double v : *values) out.push_back(static_cast<std::int64_t>(v));
  return out;
}

// ArgMax, Concat, Gather, Softmax, Split, TopK, Slice, Pad, Unsqueeze, ReverseSequence, Transpose (10.15), ...
std::optional<Finding> axes_valid(const RuleContext& c) {
  const TensorInfo* x = c.input(0);
  if (!x || x->rank < 0) return std::nullopt;
  std::string what;
  auto axes = named_axes(c, what);
  if (!axes) return std::nullopt;
  std::int64_t r = x->rank;
  if (c.param_string("rank_of") == "output") r += static_cast<std::int64_t>(axes->size());
  const std::string rel = c.release.display(), op = c.ref().op_type;
  const int max_rank = c.param_int("max_rank", 0);
  if (max_rank > 0 && r > max_rank)
    return Finding{rel + " limits " + op + " to rank " + std::to_string(max_rank) + "; " + what + " " + join(*axes) +
                       " gives rank " + std::to_string(r),
                   "Reshape to at most rank " + std::to_string(max_rank) + " around this node", "", std::nullopt};
  const bool allow_negative = c.param_bool("allow_negative", true), allow_rank = c.param_bool("allow_rank", false);
  const std::int64_t hi = allow_rank ? r : r - 1;
  std::vector<std::int64_t> normalised;
  for (auto a : *axes) {
    if (a < 0 && !allow_negative)
      return Finding{rel + " rejects the negative value " + std::to_string(a) + " in " + op + " " + what,
                     "Re-export with non-negative values (add the rank: " + std::to_string(a) + " + " +
                         std::to_string(r) + " = " + std::to_string(a + r) + ")",
                     "", std::nullopt};
    if (a < -r || a > hi)
      return Finding{rel + " rejects " + op + " " + what + " " + join(*axes) + ": " + std::to_string(a) +
                         " is outside [" + std::to_string(-r) + ", " + std::to_string(hi) + "] for rank " +
                         std::to_string(r),
                     "Fix the exported axis: it must name a dimension of the input", "", std::nullopt};
    normalised.push_back(a < 0 ? a + r : a);
  }
  if (c.param_bool("unique", false)) {
    std::set<std::int64_t> seen(normalised.begin(), normalised.end());
    if (seen.size() != normalised.size())
      return Finding{rel + " rejects " + op + " " + what + " " + join(*axes) + ": an axis is repeated",
                     "Re-export with each axis listed once", "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:axes_valid", axes_valid, "TRT_AXIS", false, "axis/axes/perm within the input rank");

}  // namespace
}  // namespace trtlens
