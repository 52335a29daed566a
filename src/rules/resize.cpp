// Resize and Upsample scales (importer-rules.md B:Resize, B:Upsample): a constant scales tensor must be 1-D with one
// entry per dimension (per axis from 10.0), and linear/cubic resizing may scale only the innermost 3/2 dimensions.
#include <set>

#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> resize_scales(const RuleContext& c) {
  // Every parameter comes from the rule instance (tools/kbgen/check_params.json makes kbgen require them).
  const auto scales_input = c.required_int("scales_input");
  const auto reads_axes = c.required_bool("axes");
  const auto linear_max_dims = c.required_int("linear_max_dims"), cubic_max_dims = c.required_int("cubic_max_dims");
  if (!scales_input || !reads_axes || !linear_max_dims || !cubic_max_dims) return std::nullopt;
  const TensorInfo* x = c.input(0);
  const int si = *scales_input;
  const auto axes = *reads_axes ? c.attr_ints("axes") : std::nullopt;
  const std::string rel = c.release.display(), op = c.ref().op_type;
  auto error = [&](const std::string& why, const std::string& hint) {
    return Finding{rel + " rejects " + op + ": " + why, hint, "", std::nullopt};
  };
  if (axes) {
    std::set<std::int64_t> seen;
    for (auto a : *axes)
      if (!seen.insert(x && x->rank > 0 && a < 0 ? a + x->rank : a).second)
        return error("attribute 'axes' repeats an axis", "List each axis once");
  }
  std::optional<std::vector<double>> scales;
  int scales_rank = 1;
  if (op == "Upsample" && c.opset() < 9) {
    if (const auto* a = c.attr("scales")) scales = std::vector<double>(a->floats().begin(), a->floats().end());
  } else if (c.present(si)) {
    const TensorInfo* t = c.input(si);
    if (!c.is_constant(si)) {
      if (axes && x && x->rank >= 0) {
        for (std::size_t k = 0; k < axes->size(); ++k)
          if ((*axes)[k] != static_cast<std::int64_t>(k) || axes->size() != static_cast<std::size_t>(x->rank))
            return error("with computed scales, 'axes' must list every dimension in order",
                         "Constant-fold the scales, or drop 'axes' and give one scale per dimension");
      }
      return std::nullopt;
    }
    scales = c.constant_values(si);
    if (t) scales_rank = t->rank;
  }
  if (!scales || scales->empty() || !x || x->rank < 0) return std::nullopt;  // empty scales: sizes are used
  if (scales_rank != 1)
    return error("the scales must be 1-D; they have rank " + std::to_string(scales_rank), "Reshape the scales to 1-D");
  const std::size_t expected = axes ? axes->size() : static_cast<std::size_t>(x->rank);
  if (scales->size() != expected)
    return error("there are " + std::to_string(scales->size()) + " scales for " + std::to_string(expected) +
                     (axes ? " axes" : " dimensions"),
                 "Give one scale per " + std::string(axes ? "listed axis" : "input dimension"));
  const std::string mode = c.attr_string("mode").value_or("nearest");
  int max_dims = 0;
  if (mode == "linear" || mode == "bilinear") max_dims = *linear_max_dims;
  if (mode == "cubic") max_dims = *cubic_max_dims;
  if (max_dims == 0) return std::nullopt;
  for (std::size_t k = 0; k < scales->size(); ++k) {
    std::int64_t dim = axes ? (*axes)[k] : static_cast<std::int64_t>(k);
    if (dim < 0) dim += x->rank;
    if ((*scales)[k] != 1.0 && dim < x->rank - max_dims)
      return error(mode + " resizing scales dimension " + std::to_string(dim) + " by " + std::to_string((*scales)[k]) +
                       "; only the innermost " + std::to_string(max_dims) + " dimensions may be scaled",
                   "Resize only the innermost dimensions (transpose first), or use nearest mode");
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:resize_scales", resize_scales, "TRT_RESIZE_SCALES", false,
                      "constant scales: shape and scaled dimensions");

}  // namespace
}  // namespace trtlens
