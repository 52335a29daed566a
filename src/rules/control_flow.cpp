// If and Loop (importer-rules.md B:If, B:Loop, A12): branch output counts, the pre-9.0 inferred branch outputs, and
// Loop scan outputs without a usable trip count (fixed length 1024 before 10.15, rejected in 10.15).
#include <set>

#include "rules/registry.h"

namespace trtlens {
namespace {

const onnx::GraphProto* graph_attr(const RuleContext& c, const char* name) {
  const auto* a = c.attr(name);
  return a && a->has_g() ? &a->g() : nullptr;
}

// A one-element constant condition: only the taken branch is imported, so branch agreement does not matter.
bool constant_condition(const RuleContext& c) {
  auto v = c.constant_values(0, 1);
  return v && v->size() == 1;
}

// The first declared output of `g` that no node inside `g` produces (forwarded outer tensor, input or initializer).
std::string forwarded_output(const onnx::GraphProto& g) {
  std::set<std::string> produced;
  for (const auto& n : g.node())
    for (const auto& o : n.output()) produced.insert(o);
  for (const auto& o : g.output())
    if (!produced.count(o.name())) return o.name();
  return "";
}

std::optional<Finding> if_branch_outputs(const RuleContext& c) {
  const auto* then_g = graph_attr(c, "then_branch");
  const auto* else_g = graph_attr(c, "else_branch");
  if (!then_g || !else_g || constant_condition(c)) return std::nullopt;
  const std::string rel = c.release.display();
  if (then_g->output_size() != else_g->output_size())
    return Finding{rel + " requires both If branches to declare the same number of outputs; then_branch has " +
                       std::to_string(then_g->output_size()) + ", else_branch " + std::to_string(else_g->output_size()),
                   "Make both branches return the same outputs", "", std::nullopt};
  if (c.param_string("mode") != "inferred") return std::nullopt;
  for (const auto* g : {then_g, else_g}) {
    const std::string name = forwarded_output(*g);
    if (!name.empty())
      return Finding{rel + " infers If branch outputs from the layers built inside the branch; " +
                         (g == then_g ? std::string("then_branch") : std::string("else_branch")) + " output '" + name +
                         "' is not produced by a node in that branch",
                     "Produce the output inside the branch (e.g. add an Identity node), or upgrade to TensorRT 9.0+",
                     "", std::nullopt};
  }
  if (then_g->output_size() > 1)
    return Finding{rel + " pairs the " + std::to_string(then_g->output_size()) +
                       " then/else outputs of this If in hash-map order, not declaration order: they may be mixed up",
                   "Use one output per If, or upgrade to TensorRT 9.0+", "TRT_IF_OUTPUT_PAIRING", true};
  return std::nullopt;
}

std::optional<Finding> loop_scan_outputs(const RuleContext& c) {
  const auto* body = graph_attr(c, "body");
  if (!body) return std::nullopt;
  const int carried = std::max(0, c.proto().input_size() - 2);
  const int scan_outputs = body->output_size() - 1 - carried;
  if (scan_outputs <= 0) return std::nullopt;
  bool trip_count = c.present(0);
  if (trip_count)
    if (auto v = c.constant_values(0, 1); v && v->size() == 1 && (*v)[0] >= 2147483647.0) trip_count = false;
  const bool reject = c.param_string("mode") == "reject";
  const std::string rel = c.release.display();
  if (!trip_count) {
    if (reject)
      return Finding{rel + " cannot infer the length of the " + std::to_string(scan_outputs) +
                         " scan output(s) of a Loop without a trip count",
                     "Give the Loop a trip count (input 0), or carry the values as loop-carried state instead of "
                     "scan outputs",
                     "", std::nullopt};
    return Finding{rel + " gives the " + std::to_string(scan_outputs) +
                       " scan output(s) of a Loop without a trip count a fixed length of 1024: their shape is wrong "
                       "and they must not be used",
                   "Give the Loop a trip count (input 0)", "", true};
  }
  if (reject && c.present(1))
    return Finding{rel + " sizes the Loop's scan outputs by the trip count even when the condition ends the loop "
                         "early",
                   "", "TRT_LOOP_SCAN_LENGTH_IS_TRIP_COUNT", true};
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:if_branch_outputs", if_branch_outputs, "TRT_IF_BRANCH_OUTPUTS", false,
                      "If branches agree on their outputs");
TRTLENS_REGISTER_RULE("custom:loop_scan_outputs", loop_scan_outputs, "TRT_LOOP_SCAN_OUTPUT_LENGTH", false,
                      "Loop scan outputs need a trip count");

}  // namespace
}  // namespace trtlens
