// Split (importer-rules.md B:Split): the number of chunks is the number of declared outputs, empty names included;
// before 10.0 an equal split floors every chunk, from 10.0 chunks are ceil-sized with a smaller last one.
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> split_outputs(const RuleContext& c) {
  const std::int64_t n = c.proto().output_size();
  const std::string rel = c.release.display();
  auto error = [&](const std::string& why, const std::string& hint) {
    return Finding{rel + " rejects Split: " + why, hint, "", std::nullopt};
  };
  std::optional<std::vector<std::int64_t>> split;
  if (c.opset() < 13) {
    split = c.attr_ints("split");
  } else if (c.present(1)) {
    if (auto v = c.constant_values(1)) split = std::vector<std::int64_t>(v->begin(), v->end());
  }
  if (split && static_cast<std::int64_t>(split->size()) != n)
    return error("'split' has " + std::to_string(split->size()) + " entries for " + std::to_string(n) +
                     " declared outputs (empty output names count)",
                 "Give one split size per declared output");
  const bool ceil_mode = c.param_string("mode") == "ceil";
  const auto num_outputs = c.attr_int("num_outputs");
  if (ceil_mode && num_outputs) {
    if (*num_outputs != n)
      return error("num_outputs = " + std::to_string(*num_outputs) + " but the node declares " + std::to_string(n) +
                       " outputs",
                   "Make num_outputs equal the number of declared outputs");
    if (c.present(1)) return error("both a 'split' input and num_outputs are given", "Give only one of them");
  }
  if (split || c.present(1) || n <= 1) return std::nullopt;
  const TensorInfo* x = c.input(0);
  if (!x || x->rank < 0) return std::nullopt;
  std::int64_t axis = c.attr_int("axis").value_or(0);
  if (axis < 0) axis += x->rank;
  if (axis < 0 || axis >= x->rank) return std::nullopt;
  const std::int64_t d = x->dims[static_cast<std::size_t>(axis)];
  if (d < 0) return std::nullopt;
  if (!ceil_mode) {
    if (d % n == 0) return std::nullopt;
    return Finding{rel + " splits dimension " + std::to_string(d) + " into " + std::to_string(n) + " chunks of " +
                       std::to_string(d / n) + " (floor); ONNX makes the last chunk smaller, so " +
                       std::to_string(d - (d / n) * n) + " element(s) are dropped",
                   "Pass explicit 'split' sizes", "TRT_SPLIT_UNEVEN_FLOOR", true};
  }
  const std::int64_t chunk = (d + n - 1) / n;
  if (chunk * (n - 1) >= d)
    return error("dimension " + std::to_string(d) + " split into " + std::to_string(n) + " chunks of " +
                     std::to_string(chunk) + " leaves nothing for the last chunk",
                 "Pass explicit 'split' sizes");
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:split_outputs", split_outputs, "TRT_SPLIT_OUTPUTS", false,
                      "split sizes match the declared outputs");

}  // namespace
}  // namespace trtlens
