// Checks on a node's inputs and outputs that several importers share: which inputs must be present, constant,
// computed, of one element, statically shaped or mutually consistent (importer-rules.md A8, A13 and Part B).
#include <algorithm>

#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

std::string label(const RuleContext& c, int i) { return "input " + std::to_string(i) + " '" + c.input_name(i) + "'"; }

bool static_shape(const TensorInfo* t) {
  return t && t->rank >= 0 && std::all_of(t->dims.begin(), t->dims.end(), [](std::int64_t d) { return d >= 0; });
}

std::int64_t volume(const TensorInfo& t) {
  std::int64_t v = 1;
  for (auto d : t.dims) v *= d;
  return v;
}

// STFT needs `window` or `frame_length` (10.5+).
std::optional<Finding> any_input_present(const RuleContext& c) {
  const auto inputs = c.param_inputs("inputs");
  if (std::any_of(inputs.begin(), inputs.end(), [&](int i) { return c.present(i); })) return std::nullopt;
  std::string list;
  for (int i : inputs) list += (list.empty() ? "" : " or ") + std::to_string(i);
  return Finding{c.release.display() + " needs input " + list + " of " + c.ref().op_type + "; the node gives none",
                 "Export the node with input " + list + " given explicitly", "", std::nullopt};
}

// RandomNormalLike/RandomUniformLike with an initializer input (before 10.11); Dropout mask of a constant.
std::optional<Finding> input_not_constant(const RuleContext& c) {
  const int i = c.param_int("input", 0);
  if (!c.present(i) || !c.is_constant(i)) return std::nullopt;
  const int min_outputs = c.param_int("min_outputs", 0);
  if (min_outputs > 0 && c.output_count(false) < min_outputs) return std::nullopt;
  return Finding{c.release.display() + " fails on " + c.ref().op_type + " when " + label(c, i) +
                     " is an initializer or Constant output" +
                     (min_outputs > 0 ? " and " + std::to_string(min_outputs) + " outputs are requested" : ""),
                 "Feed the node a computed tensor (e.g. route the constant through the op that uses it), or drop "
                 "the optional outputs",
                 "", std::nullopt};
}

// Attention/QuantizedAttention Q/K/V ranks, GridSample ranks, Scatter ranks, Slice starts/ends/axes lengths.
std::optional<Finding> inputs_agree(const RuleContext& c) {
  const bool by_rank = c.param_string("what") != "length";
  int first = -1;
  std::int64_t first_value = 0;
  for (int i : c.param_inputs("inputs")) {
    if (!c.present(i)) continue;
    const TensorInfo* t = c.input(i);
    if (!t || t->rank < 0) continue;
    std::int64_t value;
    if (by_rank) {
      value = t->rank;
    } else {
      if (t->rank != 1) continue;
      if (auto values = c.constant_values(i)) value = static_cast<std::int64_t>(values->size());
      else if (t->dims[0] >= 0) value = t->dims[0];
      else continue;
    }
    if (first < 0) {
      first = i;
      first_value = value;
    } else if (value != first_value) {
      const std::string what = by_rank ? "rank" : "length";
      return Finding{c.release.display() + " requires " + c.ref().op_type + " " + label(c, first) + " and " +
                         label(c, i) + " to have the same " + what + "; they have " + std::to_string(first_value) +
                         " and " + std::to_string(value),
                     "Reshape the inputs so that their " + what + "s agree before this node", "", std::nullopt};
    }
  }
  return std::nullopt;
}

// If condition, TopK K, NonMaxSuppression scalars, OneHot depth: "converted to scalar" needs one element.
std::optional<Finding> volume_one(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  const TensorInfo* t = c.input(i);
  if (!c.present(i) || !static_shape(t) || volume(*t) == 1) return std::nullopt;
  return Finding{c.release.display() + " needs " + c.ref().op_type + " " + label(c, i) +
                     " to hold exactly one element; it holds " + std::to_string(volume(*t)),
                 "Reshape " + label(c, i) + " to a scalar or a one-element tensor", "", std::nullopt};
}

// EyeLike needs a static shape; Squeeze without axes needs one to know which dims are 1.
std::optional<Finding> static_shape_check(const RuleContext& c) {
  const int i = c.param_int("input", 0);
  if (c.param_bool("without_axes", false) && (c.attr("axes") || c.present(1))) return std::nullopt;
  const TensorInfo* t = c.input(i);
  if (!c.present(i) || !t || t->rank < 0 || static_shape(t)) return std::nullopt;
  return Finding{c.release.display() + " needs a fully static shape for " + c.ref().op_type + " " + label(c, i) +
                     (c.param_bool("without_axes", false) ? " when no axes are given" : "") +
                     "; it has a dynamic dimension",
                 c.param_bool("without_axes", false)
                     ? "Export the node with explicit axes, or make the input shape static"
                     : "Make the input shape static (fix the dynamic dimensions at export, or run shape inference "
                       "with concrete input shapes)",
                 "", std::nullopt};
}

// Clip with computed min/max takes the elementwise path, which accepts fewer types; Range (7.2-8.2) takes its float
// path only when start, limit and delta are all initializers, otherwise start must be INT32.
std::optional<Finding> allow_types_if_computed(const RuleContext& c) {
  std::string computed;
  for (int i : c.param_inputs("computed_inputs"))
    if (computed.empty() && c.present(i) && !c.is_constant(i)) computed = label(c, i);
  if (computed.empty()) return std::nullopt;
  std::vector<int> allowed;
  std::string names;
  for (const auto& n : c.param_strings("types")) {
    allowed.push_back(dtype_from_name(n));
    names += (names.empty() ? "" : ", ") + n;
  }
  for (int i : c.param_inputs("inputs")) {
    const int t = c.imported_input_type(i);
    if (!c.present(i) || t == 0 || std::find(allowed.begin(), allowed.end(), t) != allowed.end()) continue;
    return Finding{c.release.display() + " imports " + c.ref().op_type + " with a computed " + computed +
                       " on a path that accepts " + names + " only, not " + std::string(dtype_name(t)) + " " +
                       label(c, i),
                   "Make the computed inputs initializers (constant-fold the model), or cast " + label(c, i) +
                       " to one of " + names,
                   "", std::nullopt};
  }
  return std::nullopt;
}

// Pad `pads` (negative), DeformConv `pads` (begin == end), RoiAlign `sampling_ratio`, Scan axes.
std::optional<Finding> attr_cond(const RuleContext& c) {
  const std::string name = c.param_string("attr"), cond = c.param_string("cond");
  const auto* a = c.attr(name);
  if (!a) return std::nullopt;
  std::vector<std::int64_t> values(a->ints().begin(), a->ints().end());
  if (values.empty() && a->type() != onnx::AttributeProto::INTS) values.push_back(a->i());
  const std::string rel = c.release.display(), op = c.ref().op_type, text = attribute_value_text(*a);
  if (cond == "symmetric") {
    const std::size_t n = values.size() / 2;
    for (std::size_t k = 0; k < n; ++k)
      if (values[k] != values[k + n])
        return Finding{rel + " requires equal begin and end padding for " + op + "; " + name + " = " + text +
                           " differs on axis " + std::to_string(k),
                       "Pad explicitly with a Pad node before this one so that its own pads are symmetric", "",
                       std::nullopt};
    return std::nullopt;
  }
  for (auto v : values)
    if (v < 0)
      return Finding{rel + " does not accept negative values in " + op + " " + name + " = " + text,
                     "Re-export with non-negative '" + name + "' (e.g. replace negative pads by a Slice)", "",
                     std::nullopt};
  return std::nullopt;
}

// From 10.6 the parser counts only non-empty output names, but these importers return every declared output.
std::optional<Finding> empty_named_outputs(const RuleContext& c) {
  const auto& outs = c.proto().output();
  for (int i = 0; i < outs.size(); ++i)
    if (outs[i].empty())
      return Finding{c.release.display() + " rejects " + c.ref().op_type + " with an empty-named output (output " +
                         std::to_string(i) + ")",
                     "Name every declared output, or drop the trailing unused outputs from the node", "",
                     std::nullopt};
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:any_input_present", any_input_present, "TRT_INPUT_MISSING", false,
                      "at least one of the listed inputs must be present");
TRTLENS_REGISTER_RULE("custom:input_not_constant", input_not_constant, "TRT_INPUT_CONSTANT", false,
                      "input must not be an initializer");
TRTLENS_REGISTER_RULE("custom:inputs_agree", inputs_agree, "TRT_INPUTS_DISAGREE", false,
                      "listed inputs must share rank/length");
TRTLENS_REGISTER_RULE("custom:volume_one", volume_one, "TRT_VOLUME_NOT_ONE", false, "input must hold one element");
TRTLENS_REGISTER_RULE("custom:static_shape", static_shape_check, "TRT_DYNAMIC_SHAPE", false,
                      "input shape must be static");
TRTLENS_REGISTER_RULE("custom:allow_types_if_computed", allow_types_if_computed, "TRT_INPUT_TYPE_REJECTED", false,
                      "type allow-list when some inputs are computed");
TRTLENS_REGISTER_RULE("custom:attr_cond", attr_cond, "TRT_ATTRIBUTE_VALUE", false,
                      "INT/INTS attribute non-negative or symmetric");
TRTLENS_REGISTER_RULE("custom:empty_named_outputs", empty_named_outputs, "TRT_EMPTY_OUTPUT_NAME", false,
                      "no empty-named outputs (10.6+)");

}  // namespace
}  // namespace trtlens
