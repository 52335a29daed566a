// QuantizeLinear / DequantizeLinear (importer-rules.md B:QuantizeLinear): the per-channel axis (before 10.15 an
// absent axis means axis 0, ONNX says 1) and block quantization shapes (10.0+).
#include <algorithm>

#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

bool all_static(const TensorInfo& t) {
  return t.rank >= 0 && std::all_of(t.dims.begin(), t.dims.end(), [](std::int64_t d) { return d >= 0; });
}

std::int64_t volume(const TensorInfo& t) {
  std::int64_t v = 1;
  for (auto d : t.dims) v *= d;
  return v;
}

std::optional<Finding> qdq_axis(const RuleContext& c) {
  const TensorInfo* x = c.input(0);
  const TensorInfo* scale = c.input(1);
  if (!x || !scale || x->rank < 0 || scale->rank != 1 || scale->dims[0] <= 1) return std::nullopt;
  const std::int64_t channels = scale->dims[0];
  const bool rank_mode = c.param_string("default_axis") == "rank";
  const auto explicit_axis = c.attr_int("axis");
  std::int64_t axis = explicit_axis ? *explicit_axis : rank_mode ? 0 : (c.opset() < 13 ? 0 : 1);
  if (axis < 0) axis += x->rank;
  if (axis < 0 || axis >= x->rank) return std::nullopt;  // axes_valid-style errors belong to the axis rule
  const std::int64_t dim = x->dims[static_cast<std::size_t>(axis)];
  const std::string rel = c.release.display(), op = c.ref().op_type;
  if ((dim >= 0 && dim != channels) || (dim < 0 && rank_mode))
    return Finding{rel + " quantizes " + op + " along axis " + std::to_string(axis) +
                       (explicit_axis ? "" : " (the default it uses)") + ", where the input " + shape_text(x->dims) +
                       " has " + (dim < 0 ? std::string("a dynamic dimension") : std::to_string(dim)) +
                       " but the scale has " + std::to_string(channels) + " values",
                   explicit_axis ? "Fix 'axis' so that it names the channel dimension"
                                 : "Set 'axis' explicitly on the node (ONNX's default is 1)",
                   "", std::nullopt};
  if (rank_mode && !explicit_axis && x->rank >= 2)
    return Finding{rel + " quantizes " + op + " per channel along axis 0 when 'axis' is absent; ONNX's default is 1",
                   "Set 'axis' explicitly on the node", "TRT_QDQ_DEFAULT_AXIS", true};
  return std::nullopt;
}

std::optional<Finding> qdq_block_quant(const RuleContext& c) {
  const TensorInfo* x = c.input(0);
  const TensorInfo* scale = c.input(1);
  if (!x || !scale || scale->rank < 2 || x->rank < 0) return std::nullopt;
  const std::string rel = c.release.display(), op = c.ref().op_type;
  auto error = [&](const std::string& why) {
    return Finding{rel + " rejects block-quantized " + op + ": " + why,
                   "Give the scale the input's rank with exactly one blocked dimension that divides it", "",
                   std::nullopt};
  };
  if (scale->rank != x->rank)
    return error("the scale has rank " + std::to_string(scale->rank) + ", the input " + std::to_string(x->rank));
  if (c.param_bool("static_scale_shape", false) && !all_static(*scale))
    return error("the scale shape " + shape_text(scale->dims) + " is not static");
  if (all_static(*x) && all_static(*scale)) {
    int differing = 0;
    for (int k = 0; k < x->rank; ++k) differing += x->dims[static_cast<std::size_t>(k)] != scale->dims[static_cast<std::size_t>(k)];
    if (differing != 1)
      return error("the input " + shape_text(x->dims) + " and scale " + shape_text(scale->dims) + " differ in " +
                   std::to_string(differing) + " dimensions (exactly one must be blocked)");
    if (volume(*scale) == 0 || volume(*x) % volume(*scale) != 0)
      return error("the input volume is not a multiple of the scale volume");
  }
  int qtype = c.present(2) ? c.input_type(2) : 0;
  if (auto od = c.attr_int("output_dtype"); od && *od != 0) qtype = static_cast<int>(*od);
  if ((qtype == kInt4 || qtype == kFloat4E2M1) && all_static(*x) && volume(*x) % 2 != 0)
    return error("4-bit quantization needs an even number of elements; the input has " + std::to_string(volume(*x)));
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:qdq_axis", qdq_axis, "TRT_QDQ_AXIS", false, "per-channel axis and its default");
TRTLENS_REGISTER_RULE("custom:qdq_block_quant", qdq_block_quant, "TRT_QDQ_BLOCK_QUANT", false,
                      "block quantization shapes");

}  // namespace
}  // namespace trtlens
