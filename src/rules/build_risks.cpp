// Failures that come only when the engine is built (docs/faithfulness.md, "Engine-build-only failures"): the parser
// imports the node, but the layers it creates carry a type or layout TensorRT's builder may refuse. Never a refusal:
// a warning with code TRT_BUILD_MAY_FAIL, so the verdict stays "convertible" and the user knows where a build may stop.
#include <algorithm>

#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

// Params: optional `inputs` + `types` (fires only when one of those inputs has one of those ONNX types), optional
// `attrs_differ` ({attr: default}: fires only when one of them is present with another value), `message`.
std::optional<Finding> build_risk(const RuleContext& c) {
  if (!c.rule.types.empty()) {
    bool typed = false;
    for (int i : c.param_inputs("inputs")) {
      const int t = c.imported_input_type(i);
      typed = typed || (c.present(i) && std::find(c.rule.types.begin(), c.rule.types.end(), t) != c.rule.types.end());
    }
    if (!typed) return std::nullopt;
  }
  if (auto differ = c.rule.params.find("attrs_differ"); differ != c.rule.params.end() && differ->is_object()) {
    bool any = false;
    for (const auto& [name, def] : differ->items())
      if (const auto* a = c.attr(name)) any = any || !attribute_matches(*a, def);
    if (!any) return std::nullopt;
  }
  std::string message = c.param_string("message");
  if (message.empty()) message = c.rule.why;
  return Finding{c.release.display() + " imports " + c.ref().op_type + ", but the engine build may fail: " + message,
                 c.rule.hint, "", true};
}

TRTLENS_REGISTER_RULE("custom:build_risk", build_risk, "TRT_BUILD_MAY_FAIL", true,
                      "parses, but the engine build may fail (warning)");

}  // namespace
}  // namespace trtlens
