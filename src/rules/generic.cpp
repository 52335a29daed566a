// The generic, parameterised rules of docs/kb-format.md. Operator-specific logic lives in its own file.
#include <algorithm>
#include <cmath>

#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

// Parsed at KB load (RuleInstance::types): no JSON is read per node.
const std::vector<int>& param_types(const RuleContext& c) { return c.rule.types; }

const std::string& type_list(const RuleContext& c) { return c.rule.types_text; }

std::string input_label(const RuleContext& c, int i) { return "input " + std::to_string(i) + " '" + c.input_name(i) + "'"; }

std::string release(const RuleContext& c) { return c.release.display(); }

std::optional<Finding> deny_types(const RuleContext& c) {
  const auto& denied = param_types(c);
  for (int i : c.param_inputs("inputs")) {
    const int t = c.imported_input_type(i);
    if (!c.present(i) || t == 0) continue;
    if (std::find(denied.begin(), denied.end(), t) != denied.end())
      return Finding{release(c) + " rejects " + c.ref().op_type + " with " + std::string(dtype_name(t)) + " " +
                         input_label(c, i),
                     "Cast " + input_label(c, i) + " to a type TensorRT accepts for " + c.ref().op_type +
                         " before this node, or change the exporter's dtype",
                     "", std::nullopt};
  }
  return std::nullopt;
}

std::optional<Finding> allow_types(const RuleContext& c) {
  const auto& allowed = param_types(c);
  for (int i : c.param_inputs("inputs")) {
    const int t = c.imported_input_type(i);
    if (!c.present(i) || t == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end())
      return Finding{release(c) + " accepts " + c.ref().op_type + " " + input_label(c, i) + " only as " +
                         type_list(c) + ", not " + std::string(dtype_name(t)),
                     "Cast " + input_label(c, i) + " to one of " + type_list(c) + " before this node", "",
                     std::nullopt};
  }
  return std::nullopt;
}

std::optional<Finding> const_input(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  if (!c.present(i) || c.is_constant(i)) return std::nullopt;
  return Finding{release(c) + " requires " + c.ref().op_type + " " + input_label(c, i) +
                     " to be an initializer or a Constant output, but it is computed",
                 "Constant-fold the model (e.g. `onnxsim` or `polygraphy surgeon sanitize --fold-constants`) so that " +
                     input_label(c, i) + " becomes an initializer",
                 "", std::nullopt};
}

std::optional<Finding> input_absent(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  if (!c.present(i)) return std::nullopt;
  return Finding{release(c) + " does not support " + c.ref().op_type + " with " + input_label(c, i),
                 "Remove the optional input " + std::to_string(i) + " (or rewrite the node) before conversion", "",
                 std::nullopt};
}

std::optional<Finding> input_required(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  if (c.present(i)) return std::nullopt;
  if (const std::string message = c.param_string("message"); !message.empty())
    return Finding{release(c) + ": " + message, "Give input " + std::to_string(i) + " explicitly", "", std::nullopt};
  return Finding{release(c) + " needs input " + std::to_string(i) + " of " + c.ref().op_type + ", which is missing",
                 "Export the node with input " + std::to_string(i) + " given explicitly", "", std::nullopt};
}

std::optional<Finding> input_ignored(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  if (!c.present(i)) return std::nullopt;
  return Finding{release(c) + " never reads " + c.ref().op_type + " " + input_label(c, i) +
                     ": the node imports, but computes as if it were absent",
                 "", "", std::nullopt};
}

std::optional<Finding> input_count(const RuleContext& c) {
  // `count_empty`: the importer counts declared inputs, empty names included (Loop's optional trip count/condition).
  const int n = c.rule.params.value("count_empty", false) ? c.proto().input_size() : c.input_count();
  const int lo = c.param_int("min", 0), hi = c.param_int("max", 1 << 30);
  if (n >= lo && n <= hi) return std::nullopt;
  std::string range = lo == hi ? std::to_string(lo) : std::to_string(lo) + (hi >= (1 << 30) ? " or more" : "-" + std::to_string(hi));
  return Finding{release(c) + " expects " + range + " inputs for " + c.ref().op_type + ", the node has " +
                     std::to_string(n),
                 "Re-export the node with " + range + " inputs", "", std::nullopt};
}

std::optional<Finding> attr_required(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  if (c.attr(name)) return std::nullopt;
  return Finding{release(c) + " requires attribute '" + name + "' on " + c.ref().op_type + "; the node omits it",
                 "Set '" + name + "' explicitly when exporting", "", std::nullopt};
}

bool value_matches(const onnx::AttributeProto& a, const nlohmann::json& v) { return attribute_matches(a, v); }

std::string json_list(const nlohmann::json& list) {
  std::string s;
  for (const auto& v : list) s += (s.empty() ? "" : ", ") + (v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump());
  return s;
}

// `default` (optional): the value the importer assumes when the attribute is absent; without it an absent attribute
// never fails (7.2's Resize refuses the default nearest_mode, for example).
std::optional<Finding> attr_values(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  const auto* a = c.attr(name);
  const auto allowed = c.rule.params.value("allowed", nlohmann::json::array());
  std::string value_text;
  if (a) {
    for (const auto& v : allowed)
      if (value_matches(*a, v)) return std::nullopt;
    value_text = attribute_value_text(*a);
  } else {
    const auto def = c.rule.params.find("default");
    if (def == c.rule.params.end() || def->is_null()) return std::nullopt;
    for (const auto& v : allowed)
      if (v == *def) return std::nullopt;
    value_text = json_list(nlohmann::json::array({*def})) + " (the default: the node omits it)";
  }
  return Finding{release(c) + " does not support " + c.ref().op_type + " with " + name + " = " + value_text +
                     " (accepted: " + json_list(allowed) + ")",
                 "Re-export with " + name + " set to one of " + json_list(allowed) + ", or replace the node", "",
                 std::nullopt};
}

std::optional<Finding> attr_forbidden(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  const auto* a = c.attr(name);
  if (!a) return std::nullopt;
  for (const auto& v : c.rule.params.value("except", nlohmann::json::array()))
    if (value_matches(*a, v)) return std::nullopt;
  return Finding{release(c) + " does not support attribute '" + name + "' (" + attribute_value_text(*a) + ") on " +
                     c.ref().op_type,
                 "Remove attribute '" + name + "' or rewrite the node without it", "", std::nullopt};
}

std::optional<Finding> attr_ignored(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  const auto* a = c.attr(name);
  if (!a) return std::nullopt;
  auto def = c.rule.params.find("default");
  if (def != c.rule.params.end() && value_matches(*a, *def)) return std::nullopt;
  return Finding{release(c) + " ignores " + c.ref().op_type + " attribute " + name + " = " + attribute_value_text(*a) +
                     ": the node converts, but computes as if it were " +
                     (def != c.rule.params.end() ? (def->is_string() ? "'" + def->get<std::string>() + "'" : def->dump())
                                                 : std::string("absent")),
                 "", "", std::nullopt};
}

std::optional<Finding> ints_all(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  auto values = c.attr_ints(name);
  if (!values) return std::nullopt;
  const std::int64_t want = c.param_int("value", 1);
  for (auto v : *values)
    if (v != want)
      return Finding{release(c) + " requires every entry of " + c.ref().op_type + " '" + name + "' to be " +
                         std::to_string(want) + "; the node has " + attribute_value_text(*c.attr(name)),
                     "Re-export without non-" + std::to_string(want) + " '" + name + "' values", "", std::nullopt};
  return std::nullopt;
}

std::optional<Finding> rank(const RuleContext& c) {
  const int i = c.param_int("input", 0);
  const TensorInfo* t = c.input(i);
  if (!c.present(i) || !t || t->rank < 0) return std::nullopt;
  const int lo = c.param_int("min", 0), hi = c.param_int("max", 1 << 30);
  if (t->rank >= lo && t->rank <= hi) return std::nullopt;
  std::string range = lo == hi ? std::to_string(lo)
                               : hi >= (1 << 30) ? "at least " + std::to_string(lo)
                                                 : std::to_string(lo) + " to " + std::to_string(hi);
  return Finding{release(c) + " requires " + c.ref().op_type + " " + input_label(c, i) + " to have rank " + range +
                     "; it has rank " + std::to_string(t->rank),
                 "Reshape the tensor to rank " + range + " around this node", "", std::nullopt};
}

std::optional<Finding> max_outputs(const RuleContext& c) {
  const bool count_empty = c.rule.params.value("count_empty", false);
  const int n = c.output_count(count_empty);
  const int limit = c.param_int("count", 1);
  if (n <= limit) return std::nullopt;
  return Finding{release(c) + " produces at most " + std::to_string(limit) + " output(s) for " + c.ref().op_type +
                     "; the node declares " + std::to_string(n) + (count_empty ? " (empty names count)" : ""),
                 "Drop the extra outputs from the node (they are training-only or optional)", "", std::nullopt};
}

std::optional<Finding> same_types(const RuleContext& c) {
  int first = 0, first_input = -1;
  for (int i : c.param_inputs("inputs")) {
    const int t = c.imported_input_type(i);
    if (!c.present(i) || t == 0) continue;
    if (first == 0) {
      first = t;
      first_input = i;
    } else if (t != first) {
      return Finding{release(c) + " requires " + c.ref().op_type + " inputs to share one type; " +
                         input_label(c, first_input) + " is " + std::string(dtype_name(first)) + " but " +
                         input_label(c, i) + " is " + std::string(dtype_name(t)),
                     "Insert a Cast so that the inputs agree", "", std::nullopt};
    }
  }
  return std::nullopt;
}

std::optional<Finding> const_values(const RuleContext& c) {
  const int i = c.param_int("input", 1);
  const ValueStats* s = c.stats(i);
  if (!s) return std::nullopt;
  const std::string cond = c.param_string("cond");
  bool ok = true;
  std::string need;
  if (cond == "all_zero") { ok = s->all_zero; need = "all zeros"; }
  else if (cond == "all_positive") { ok = s->count > 0 && s->min_value > 0; need = "all positive"; }
  else if (cond == "non_negative") { ok = s->min_value >= 0; need = "non-negative"; }
  else if (cond == "single_value") { ok = s->count == 1; need = "a single value"; }
  else if (cond == "all_false") { ok = s->all_zero; need = "false"; }
  if (ok) return std::nullopt;
  return Finding{release(c) + " requires the values of " + c.ref().op_type + " " + input_label(c, i) + " to be " +
                     need,
                 "Change the exported values of " + input_label(c, i) + " (" + need + ")", "", std::nullopt};
}

std::optional<Finding> note(const RuleContext& c) {
  std::string message = c.param_string("message");
  if (message.empty()) message = c.rule.why;
  return Finding{release(c) + ": " + message, "", "", std::nullopt};
}

TRTLENS_REGISTER_RULE("deny_types", deny_types, "TRT_INPUT_TYPE_REJECTED", false, "input type on the deny-list");
TRTLENS_REGISTER_RULE("allow_types", allow_types, "TRT_INPUT_TYPE_REJECTED", false, "input type outside the allow-list");
TRTLENS_REGISTER_RULE("const_input", const_input, "TRT_INPUT_NOT_CONSTANT", false, "input must be an initializer");
TRTLENS_REGISTER_RULE("input_absent", input_absent, "TRT_INPUT_UNSUPPORTED", false, "optional input not supported");
TRTLENS_REGISTER_RULE("input_required", input_required, "TRT_INPUT_MISSING", false, "optional input required");
TRTLENS_REGISTER_RULE("input_ignored", input_ignored, "TRT_INPUT_IGNORED", true, "input silently ignored");
TRTLENS_REGISTER_RULE("input_count", input_count, "TRT_INPUT_COUNT", false, "number of inputs");
TRTLENS_REGISTER_RULE("attr_required", attr_required, "TRT_MISSING_ATTRIBUTE", false, "attribute required");
TRTLENS_REGISTER_RULE("attr_values", attr_values, "TRT_ATTRIBUTE_VALUE", false, "attribute value outside the accepted set");
TRTLENS_REGISTER_RULE("attr_forbidden", attr_forbidden, "TRT_ATTRIBUTE_UNSUPPORTED", false, "attribute not supported");
TRTLENS_REGISTER_RULE("attr_ignored", attr_ignored, "TRT_ATTRIBUTE_IGNORED", true, "attribute silently ignored");
TRTLENS_REGISTER_RULE("ints_all", ints_all, "TRT_ATTRIBUTE_VALUE", false, "every INTS entry must equal a value");
TRTLENS_REGISTER_RULE("rank", rank, "TRT_RANK", false, "input rank limits");
TRTLENS_REGISTER_RULE("max_outputs", max_outputs, "TRT_EXTRA_OUTPUTS", false, "output count limit");
TRTLENS_REGISTER_RULE("same_types", same_types, "TRT_MIXED_INPUT_TYPES", false, "inputs must share a type");
TRTLENS_REGISTER_RULE("const_values", const_values, "TRT_CONSTANT_VALUE", false, "constant input values");
TRTLENS_REGISTER_RULE("note", note, "TRT_NOTE", true, "fixed warning");

}  // namespace
}  // namespace trtlens
