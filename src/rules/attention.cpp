// Attention (10.14+) and RotaryEmbedding (10.15): 3-D inputs are reshaped to 4-D using head-count attributes
// (importer-rules.md B:Attention, B:RotaryEmbedding).
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> qkv_heads(const RuleContext& c) {
  const auto inputs = c.param_inputs("inputs");
  const auto attrs = c.param_strings("attrs");
  if (attrs.empty()) return std::nullopt;
  bool any_3d = false;
  for (int i : inputs) {
    const TensorInfo* t = c.input(i);
    any_3d = any_3d || (c.present(i) && t && t->rank == 3);
  }
  if (!any_3d) return std::nullopt;
  const std::string rel = c.release.display(), op = c.ref().op_type;
  for (const auto& a : attrs)
    if (c.attr_int(a).value_or(0) == 0)
      return Finding{rel + " needs a non-zero '" + a + "' attribute for " + op + " with 3-D inputs",
                     "Set '" + a + "' on the node, or pass 4-D (batch, heads, seq, head_size) inputs", "",
                     std::nullopt};
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const int i = inputs[k];
    const TensorInfo* t = c.input(i);
    if (!c.present(i) || !t || t->rank != 3 || t->dims[2] < 0) continue;
    const std::string& attr = attrs[k == 0 || attrs.size() < 2 ? 0 : 1];
    const std::int64_t heads = *c.attr_int(attr);
    if (t->dims[2] % heads != 0)
      return Finding{rel + " splits " + op + " input " + std::to_string(i) + " hidden size " +
                         std::to_string(t->dims[2]) + " into '" + attr + "' = " + std::to_string(heads) +
                         " heads, which does not divide it",
                     "Fix '" + attr + "' so that it divides the hidden size", "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:qkv_heads", qkv_heads, "TRT_NUM_HEADS", false, "head counts for 3-D Q/K/V");

}  // namespace
}  // namespace trtlens
