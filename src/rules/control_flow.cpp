// If and Loop (importer-rules.md B:If, B:Loop, A12): branch output counts, the pre-9.0 inferred branch outputs, Loop
// scan outputs without a usable trip count (fixed length 1024 before 10.15, rejected in 10.15), and the shape
// agreement TensorRT's conditional and recurrence layers check when the parser queries the node's outputs (8.0+).
#include <algorithm>
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


// The scope the index built for body graph `g` of this node (-1 when not found).
int body_scope(const RuleContext& c, const onnx::GraphProto* g) {
  for (int s : c.ref().children)
    if (c.index.scopes()[static_cast<std::size_t>(s)]->graph == g) return s;
  return -1;
}

Finding shape_unknown(const RuleContext& c, const std::string& what) {
  return Finding{"the shape of " + what + " is unknown, so trtlens cannot check the agreement " +
                     c.release.display() + " requires when it builds the " + c.ref().op_type + " layers",
                 "Declare the body output shapes (or run ONNX shape inference) so the check can run",
                 "TRT_SHAPE_UNKNOWN_FOR_CHECK", true};
}

// If with a runtime condition: TensorRT's conditional output layer joins each then/else output pair and requires the
// two to have the same shape: the same rank, and equal sizes wherever both are static. The operator tables say
// "broadcastable", but TensorRT's own layer check says "same shape" and refuses [2] vs [1] (8.6.1, public reports
// in docs/faithfulness.md). The parser queries the joined output's dimensions right after the If, so a mismatch
// fails the node while parsing. A size known on one side only cannot be compared: it is left to run time.
std::optional<Finding> if_branch_shapes(const RuleContext& c) {
  const auto* then_g = graph_attr(c, "then_branch");
  const auto* else_g = graph_attr(c, "else_branch");
  if (!then_g || !else_g || constant_condition(c) || then_g->output_size() != else_g->output_size())
    return std::nullopt;
  const int ts = body_scope(c, then_g), es = body_scope(c, else_g);
  if (ts < 0 || es < 0) return std::nullopt;
  for (int i = 0; i < then_g->output_size(); ++i) {
    const TensorInfo* t = c.index.find(ts, then_g->output(i).name());
    const TensorInfo* e = c.index.find(es, else_g->output(i).name());
    const std::string pair = "If output " + std::to_string(i) + " (then '" + then_g->output(i).name() +
                             "', else '" + else_g->output(i).name() + "')";
    if (!t || !e || t->rank < 0 || e->rank < 0) return shape_unknown(c, pair);
    if (t->rank != e->rank)
      return Finding{c.release.display() + " requires both branches of an If with a runtime condition to produce "
                                           "outputs of the same shape; " + pair + " has rank " +
                         std::to_string(t->rank) + " vs " + std::to_string(e->rank),
                     "Make both branches return tensors of the same rank (Reshape/Unsqueeze in the branch)", "",
                     std::nullopt};
    for (std::size_t k = 0; k < t->dims.size(); ++k) {
      const std::int64_t x = t->dims[k], y = e->dims[k];
      if (x >= 0 && y >= 0 && x != y)
        return Finding{c.release.display() + " requires both branches of an If with a runtime condition to produce "
                                             "outputs of the same shape (TensorRT does not broadcast them); " +
                           pair + " is " + shape_text(t->dims) + " vs " + shape_text(e->dims),
                       "Make both branches return the same shape (e.g. Expand the smaller one inside its branch)",
                       "", std::nullopt};
    }
  }
  return std::nullopt;
}

// Loop-carried values: TensorRT's recurrence layer needs the value fed back by the body to have the shape of the
// initial value (docs from 10.1: "The shape of Loop carried dependencies must be the same across all loop
// iterations"); the parser queries the loop outputs' dimensions right after the Loop, so a static mismatch fails the
// node while parsing.
std::optional<Finding> loop_carried_shapes(const RuleContext& c) {
  const auto* body = graph_attr(c, "body");
  if (!body) return std::nullopt;
  const int bs = body_scope(c, body);
  if (bs < 0) return std::nullopt;
  const int carried = std::max(0, c.proto().input_size() - 2);
  for (int k = 0; k < carried && 1 + k < body->output_size(); ++k) {
    const int in = 2 + k;
    if (!c.present(in)) continue;
    const TensorInfo* init = c.input(in);
    const TensorInfo* next = c.index.find(bs, body->output(1 + k).name());
    const std::string what = "loop-carried value " + std::to_string(k) + " (initial '" + c.input_name(in) +
                             "', next '" + body->output(1 + k).name() + "')";
    if (!init || !next || init->rank < 0 || next->rank < 0) return shape_unknown(c, what);
    bool differs = init->rank != next->rank;
    for (int d = 0; !differs && d < init->rank; ++d) {
      const auto x = init->dims[static_cast<std::size_t>(d)], y = next->dims[static_cast<std::size_t>(d)];
      differs = x >= 0 && y >= 0 && x != y;
    }
    if (differs)
      return Finding{c.release.display() + " needs a Loop's carried values to keep their shape across iterations; " +
                         what + " starts as " + shape_text(init->dims) + " but the body produces " +
                         shape_text(next->dims),
                     "Keep the carried value's shape fixed (e.g. preallocate the full buffer and write into it with "
                     "ScatterND, or collect per-iteration values as scan outputs)",
                     "", std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:if_branch_outputs", if_branch_outputs, "TRT_IF_BRANCH_OUTPUTS", false,
                      "If branches agree on their outputs");
TRTLENS_REGISTER_RULE("custom:loop_scan_outputs", loop_scan_outputs, "TRT_LOOP_SCAN_OUTPUT_LENGTH", false,
                      "Loop scan outputs need a trip count");
TRTLENS_REGISTER_RULE("custom:if_branch_shapes", if_branch_shapes, "TRT_IF_BRANCH_SHAPES", false,
                      "If branch outputs have the same shape");
TRTLENS_REGISTER_RULE("custom:loop_carried_shapes", loop_carried_shapes, "TRT_LOOP_CARRIED_SHAPE", false,
                      "Loop-carried values keep their shape");

}  // namespace
}  // namespace trtlens
