// Combines the knowledge base, the rules and the requested precisions into per-node verdicts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "onnx/dtype.h"
#include "kb/initializers.h"
#include "rules/model_level.h"
#include "rules/registry.h"
#include "util/parallel.h"
#include "verdict/analysis.h"
#include "verdict/dispatch.h"
#include "verdict/quantization.h"
#include "verdict/hardware_pass.h"

namespace trtlens {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::kConvertible: return "convertible";
    case Status::kFallback: return "fallback";
    default: return "unsupported";
  }
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string fmt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The precisions a layer may run in without falling back: all requested ones, FP32 only when it is all there is
// (it is always enabled, so asking for "fp32,fp16" desires FP16).
std::vector<Precision> desired_precisions(const std::vector<Precision>& requested) {
  std::vector<Precision> out;
  for (Precision p : requested)
    if (p != Precision::FP32) out.push_back(p);
  if (out.empty()) out.push_back(Precision::FP32);
  return out;
}

class NodeEvaluator {
 public:
  NodeEvaluator(const ModelIndex& index, const Target& target, const KnowledgeBase& kb)
      : ix_(index), t_(target), r_(*target.release), kb_(kb), f_(*target.release), plugins_(target, f_) {}

  Dispatch dispatch(const NodeRef& n) const {
    const OpInfo* op = r_.op(n.op_type);
    const bool builtin = op && op->importer;
    if (f_.plugin_attr_forces_registry && find_attribute(*n.proto, "plugin_namespace") && !plugins_.found(n).empty())
      return Dispatch::kPlugin;
    if (builtin) return Dispatch::kBuiltin;
    if (n.function && r_.local_functions)
      return f_.local_function_plugin_first && !plugins_.found(n).empty() ? Dispatch::kPlugin : Dispatch::kFunction;
    return plugins_.found(n).empty() ? Dispatch::kFallback : Dispatch::kPlugin;
  }

  NodeVerdict evaluate(int node) const {
    NodeVerdict v;
    v.index = node;
    const NodeRef& n = ix_.nodes()[static_cast<std::size_t>(node)];
    const OpInfo* op = r_.op(n.op_type);
    switch (dispatch(n)) {
      case Dispatch::kBuiltin:
        if (!n.domain.empty())
          v.warnings.push_back({"TRT_DOMAIN_IGNORED",
                                r_.display() + " dispatches by op_type only: " + n.domain + ":" + n.op_type +
                                    " is imported with the ONNX " + n.op_type + " semantics and attribute names",
                                {}});
        if (f_.plugin_attr_forces_registry && find_attribute(*n.proto, "plugin_namespace"))
          v.warnings.push_back({"TRT_PLUGIN_NOT_FOUND",
                                "the node carries plugin_namespace, so " + r_.display() +
                                    " looks for a plugin first; none of that name, version and namespace is declared "
                                    "or shipped, so the builtin " + n.op_type + " importer is used",
                                {}});
        v.supported_types = op->types;
        run_rules(node, *op, v);
        check_types(node, n, *op, v);
        break;
      case Dispatch::kFunction: evaluate_function_call(n, v); break;
      case Dispatch::kPlugin: evaluate_plugin(n, v); break;
      case Dispatch::kFallback: evaluate_unimported(n, op, v); break;
    }
    check_uint8_outputs(node, n, v);
    add_value_warnings(node, n, v);
    add_attribute_downcast_warnings(n, op, v);
    add_supports_model_warnings(n, op, v);
    return v;
  }

  // The precision layer: given the import result, where does the node run for the requested precisions?
  void apply_precision(const NodeRef& n, const OpInfo* op, NodeVerdict& v) const {
    if (v.status == Status::kUnsupported) {
      v.runs_in.clear();
      return;
    }
    if (v.runs_in == "plugin") return;
    const int dtype = dtype_from_name(v.compute_type);
    const TypeMapping* m = dtype > 0 ? &r_.tensor_types[static_cast<std::size_t>(dtype)] : nullptr;
    const bool float_compute = m && m->importable &&
                               (m->as == TrtType::FP32 || m->as == TrtType::FP16 || m->as == TrtType::BF16);
    if (!op || !float_compute || op->precision_agnostic) {
      if (m && m->importable) v.runs_in = lower(trt_type_name(m->as));
      return;
    }
    // Every requested precision is a desired one (FP32 only when nothing else is asked for): with FP16 and INT8
    // enabled the builder picks per layer among FP16, INT8 and FP32, so a layer without an INT8 kernel that runs in
    // FP16 is where it should be. Only a layer that has none of them and runs in FP32 falls back.
    const std::vector<Precision> desired = desired_precisions(t_.precisions);
    std::vector<Precision> candidates = t_.precisions;
    candidates.push_back(Precision::FP32);
    std::sort(candidates.begin(), candidates.end());
    for (Precision p : candidates) {
      if (!(op->types & bit(precision_type(p)))) continue;
      v.runs_in = std::string(precision_name(p));
      if (std::find(desired.begin(), desired.end(), p) == desired.end()) {
        v.status = Status::kFallback;
        if (t_.strict) {
          v.status = Status::kUnsupported;
          v.reasons.push_back({"TRT_PRECISION_STRICT",
                               r_.display() + " has no " + precision_list(desired, " or ") + " kernel for " +
                                   n.op_type + "; it would run in " + v.runs_in +
                                   ", which obey-precision-constraints (--strict) forbids",
                               "Drop --strict, or keep this layer in " + v.runs_in +
                                   " (per-layer precision), or replace the op"});
        }
      }
      add_reduced_precision_warnings(n, v, p);
      return;
    }
    v.runs_in = "fp32";
  }

 private:
  // A call of a model-local function is inlined: its body nodes are checked in their own scope (a failing one fails
  // this node, see analyze()); the call itself must match the function's signature (A3, A8).
  void evaluate_function_call(const NodeRef& n, NodeVerdict& v) const {
    const auto& fn = *n.function;
    v.warnings.push_back({"TRT_LOCAL_FUNCTION",
                          r_.display() + " imports model-local function " + n.op_type + " by inlining its body", {}});
    if (n.proto->input_size() != fn.input_size()) {
      v.status = Status::kUnsupported;
      v.reasons.push_back({"TRT_FUNCTION_INPUT_COUNT",
                           r_.display() + " requires a call of local function " + n.op_type + " to pass exactly " +
                               std::to_string(fn.input_size()) + " inputs (the function's parameters); the node has " +
                               std::to_string(n.proto->input_size()),
                           "Call the function with one input per declared parameter (empty names for omitted ones)"});
    }
    int outputs = 0;
    for (const auto& o : n.proto->output()) outputs += o.empty() && f_.output_count_must_equal ? 0 : 1;
    const bool bad_outputs = f_.output_count_must_equal ? outputs != fn.output_size() : outputs > fn.output_size();
    if (bad_outputs) {
      v.status = Status::kUnsupported;
      v.reasons.push_back({"TRT_FUNCTION_OUTPUT_COUNT",
                           r_.display() + " expects " + std::to_string(fn.output_size()) + " " +
                               (f_.output_count_must_equal ? "non-empty " : "") + "outputs from a call of " +
                               n.op_type + " (the function's outputs); the node declares " + std::to_string(outputs),
                           "Declare one output per function output"});
    }
  }

  void evaluate_plugin(const NodeRef& n, NodeVerdict& v) const {
    v.runs_in = "plugin";
    const OpInfo* op = r_.op(n.op_type);
    std::string why = op && op->importer ? "the node carries plugin_namespace, so " + r_.display() +
                                                 " looks in the plugin registry before its builtin importer"
                      : n.function && r_.local_functions
                          ? r_.display() + " prefers a registered plugin over model-local function " + n.op_type
                          : r_.display() + " has no builtin importer for " + n.op_type;
    v.warnings.push_back({"TRT_PLUGIN",
                          why + "; it becomes plugin " + plugins_.found(n) + ", which must be registered when the engine "
                                "is built",
                          {}});
  }

  void evaluate_unimported(const NodeRef& n, const OpInfo* op, NodeVerdict& v) const {
    const bool escape_forbidden = r_.no_plugin_escape.count(n.op_type) > 0;
    v.status = Status::kUnsupported;
    std::string why = op ? "the " + r_.name + " support matrix marks " + n.op_type + " unsupported"
                         : r_.display() + " has no importer for " + n.op_type;
    if (n.function && !r_.local_functions) why = r_.display() + " does not import ONNX model-local functions such as " + n.op_type;
    if (!n.domain.empty() && !n.function) why += " (custom domain '" + n.domain + "')";
    const bool forced = f_.plugin_attr_forces_registry && find_attribute(*n.proto, "plugin_namespace");
    if (forced)
      why = "No importer registered for " + n.op_type + ": the node carries plugin_namespace, so " + r_.display() +
            " looks for plugin " + plugins_.key_text(n) + " first, and there is neither such a plugin nor a builtin importer "
            "or local function";
    else if (!escape_forbidden && r_.plugins.count(n.op_type))
      why += "; TensorRT ships plugin " + n.op_type + " but not as " + plugins_.key_text(n);
    std::string hint;
    if (escape_forbidden) {
      why += "; it is on the parser's explicit unsupported list, so even a plugin of that name is not used";
      hint = "Replace " + n.op_type + " with supported operators before export";
    } else {
      hint = "Implement a TensorRT plugin named '" + n.op_type + "' and declare it with --plugin " + n.op_type +
             ", or replace the op with supported operators";
    }
    if (n.function && !forced) {
      v.reasons.push_back({"TRT_LOCAL_FUNCTION_UNSUPPORTED", why, hint});
      return;
    }
    v.reasons.push_back({"TRT_NO_IMPORTER", why, hint, importer_list_source(), parser_confidence()});
  }

  // The importer list was compared with each readable release's registered importers (docs/faithfulness.md).
  std::string importer_list_source() const {
    const std::string file = r_.major >= 10 ? "onnxOpImporters.cpp" : "builtin_op_importers.cpp";
    const auto it = r_.facts.find("parser_source");
    if (it == r_.facts.end() || !it->is_object() || !it->contains("ref") || !(*it)["ref"].is_string())
      return "derived from the nearest release's " + file + " importer registry";
    return (*it)["ref"].get<std::string>() + " " + file + " importer registry";
  }
  std::string parser_confidence() const {
    const auto it = r_.facts.find("parser_source");
    if (it == r_.facts.end() || !it->is_object() || !it->contains("confidence") || !(*it)["confidence"].is_string())
      return "derived";
    return (*it)["confidence"].get<std::string>();
  }

  // supportsModel (ONNX Runtime's TensorRT EP, partitioning) reports some parsed nodes unsupported (A11).
  void add_supports_model_warnings(const NodeRef& n, const OpInfo* op, NodeVerdict& v) const {
    if (v.status == Status::kUnsupported) return;
    if (f_.dds_ops.count(n.op_type))
      v.warnings.push_back({"TRT_SUPPORTS_MODEL_DDS",
                            r_.display() + "'s supportsModel reports " + n.op_type +
                                " unsupported (data-dependent shapes) although it parses: ONNX Runtime's TensorRT "
                                "execution provider leaves it to another provider",
                            {}});
    if (f_.supports_model_requires_builtin && !(op && op->importer) && !f_.builtin_only_exceptions.count(n.op_type))
      v.warnings.push_back({"TRT_SUPPORTS_MODEL_PLUGIN",
                            r_.display() + "'s supportsModel reports nodes without a builtin importer unsupported: "
                                "ONNX Runtime's TensorRT execution provider leaves " + n.op_type +
                                " to another provider even with the plugin registered",
                            {}});
  }

  void run_rules(int node, const OpInfo& op, NodeVerdict& v) const {
    const NodeRef& n = ix_.nodes()[static_cast<std::size_t>(node)];
    for (const auto& rule : op.rules) {
      if (!rule.impl || n.opset < rule.opset_min || n.opset > rule.opset_max) continue;
      RuleContext ctx{ix_, node, r_, kb_, rule};
      if (!ctx.when_holds()) continue;
      auto finding = rule.impl->fn(ctx);
      if (!finding) continue;
      const bool warning = finding->warning.value_or(rule.warning);
      std::string code = finding->code.empty() ? rule.code : finding->code;
      std::string message = finding->message;
      if (!rule.why.empty()) message += ". " + rule.why;
      if (!rule.matrix_disagrees.empty()) message += " (" + rule.matrix_disagrees + ")";
      if (warning) {
        v.warnings.push_back({code, message, {}});
      } else {
        v.status = Status::kUnsupported;
        v.reasons.push_back({code, message, rule.hint.empty() ? finding->hint : rule.hint, rule.source, rule.confidence});
      }
    }
  }

  void check_types(int node, const NodeRef& n, const OpInfo& op, NodeVerdict& v) const {
    // Which tensor carries the type the op computes in is a per-op fact of the knowledge base (OpInfo::type_source).
    const TensorInfo* source = op.type_source.output ? ix_.output(node, op.type_source.index)
                                                     : ix_.input(node, op.type_source.index);
    if (!source && n.proto->input_size() == 0) source = ix_.output(node, 0);
    if (!source || source->dtype == 0) return;
    v.compute_type = std::string(dtype_name(source->dtype));
    // A constant input is mapped as the importer receives it (UINT8 weights widened per node from 10.10).
    const bool constant_input = source->is_constant() && source != ix_.output(node, 0);
    const TypeMapping m = constant_input ? initializer_as_input(r_, source->dtype, n.op_type)
                          : source->is_constant() ? r_.initializer_types[static_cast<std::size_t>(source->dtype)]
                                                  : r_.tensor_types[static_cast<std::size_t>(source->dtype)];
    if (!m.importable) {
      v.status = Status::kUnsupported;
      v.reasons.push_back({"TRT_TYPE_NOT_IMPORTABLE",
                           r_.display() + " cannot represent " + v.compute_type + " tensors; " + n.op_type +
                               " computes in " + v.compute_type,
                           "Cast to a type " + r_.display() + " supports (e.g. FLOAT or FLOAT16) before this node" +
                               upgrade_for_type(source->dtype)});
      return;
    }
    add_undocumented_type_warning(n, op, m, v);
  }

  // The support matrix's type list is documentation, not a parser check: a type it leaves out that no rule of this
  // release refuses is imported (the parser's real type checks are rules, each with its source). The node keeps its
  // status and says so; precision fallback (apply_precision) still uses the documented kernel types.
  void add_undocumented_type_warning(const NodeRef& n, const OpInfo& op, const TypeMapping& m, NodeVerdict& v) const {
    if (!op.in_matrix || op.matrix_types == 0 || (op.matrix_types & bit(m.as))) return;
    for (const auto& reason : v.reasons)
      if (reason.code.find("TYPE") != std::string::npos || reason.code.find("INPUT") != std::string::npos) return;
    std::string listed;
    for (const auto& name : type_names(op.matrix_types)) listed += (listed.empty() ? "" : ", ") + name;
    const std::string matrix = r_.fact<std::string>("support_matrix", r_.name);
    const std::string type = std::string(trt_type_name(m.as)) + (m.downcast ? " (" + v.compute_type + " down-cast)" : "");
    v.warnings.push_back({"TRT_UNDOCUMENTED_TYPE",
                          "the TensorRT " + matrix + " operator table lists " + n.op_type + " for " + listed +
                              " only, but the " + r_.display() + " parser has no check that refuses " + type +
                              ", so this node imports; TensorRT may still reject the type when the engine is built",
                          {}});
  }

  std::string upgrade_for_type(int dtype) const {
    for (const auto& rel : kb_.releases())
      if ((rel.major > r_.major || (rel.major == r_.major && rel.minor > r_.minor)) &&
          rel.tensor_types[static_cast<std::size_t>(dtype)].importable)
        return ", or use TensorRT " + rel.version + " or newer, which imports " + std::string(dtype_name(dtype));
    return "";
  }

  void check_uint8_outputs(int node, const NodeRef& n, NodeVerdict& v) const {
    if (f_.uint8_ok_ops.count(n.op_type)) return;
    for (int i = 0; i < n.proto->output_size(); ++i) {
      const TensorInfo* t = ix_.output(node, i);
      if (!t || t->dtype != kUint8 || t->graph_output) continue;
      v.status = Status::kUnsupported;
      v.reasons.push_back({"TRT_UINT8_INTERMEDIATE",
                           r_.display() + " does not allow UINT8 intermediate tensors; output '" + n.proto->output(i) +
                               "' is UINT8 and not a graph output",
                           "Keep UINT8 only at the network boundary: cast to INT32/FLOAT, or make it a graph output"});
      return;
    }
  }

  // INT64 and DOUBLE values converted on import, with clamping counts.
  void add_value_warnings(int node, const NodeRef& n, NodeVerdict& v) const {
    const bool int64_downcast = r_.initializer_types[kInt64].downcast;
    for (int i = 0; i < n.proto->input_size(); ++i) {
      const TensorInfo* t = ix_.input(node, i);
      if (!t || !t->is_constant()) continue;
      if (t->dtype == kInt64 && int64_downcast) {
        const ValueStats& s = ix_.external().stats(*t->value());
        if (s.available && s.int32_out_of_range > 0)
          v.warnings.push_back({"TRT_INT64_CLAMPED",
                                r_.display() + " casts INT64 '" + n.proto->input(i) + "' to INT32 and clamps " +
                                    std::to_string(s.int32_out_of_range) + " of " + std::to_string(s.count) +
                                    " values (range " + std::to_string(s.min_int) + " .. " + std::to_string(s.max_int) +
                                    ")",
                                {{"count", static_cast<double>(s.int32_out_of_range)},
                                 {"min", static_cast<double>(s.min_int)},
                                 {"max", static_cast<double>(s.max_int)}}});
        else
          v.warnings.push_back({"TRT_INT64_DOWNCAST",
                                r_.display() + " casts INT64 '" + n.proto->input(i) +
                                    "' to INT32 (all values fit)",
                                {{"count", static_cast<double>(s.count)}}});
      } else if (t->dtype == kDouble) {
        const ValueStats& s = ix_.external().stats(*t->value());
        std::string clamp = s.available && s.float_overflow > 0
                                ? " and clamps " + std::to_string(s.float_overflow) + " values to ±FLT_MAX"
                                : "";
        v.warnings.push_back({s.float_overflow > 0 ? "TRT_DOUBLE_CLAMPED" : "TRT_DOUBLE_DOWNCAST",
                              r_.display() + " casts DOUBLE '" + n.proto->input(i) + "' to FLOAT" + clamp,
                              {{"count", static_cast<double>(s.float_overflow)}, {"max_abs", s.max_abs}}});
      }
    }
  }

  // Attributes that name a type the release converts (Cast 'to' = DOUBLE, ConstantOfShape 'value' of INT64): the
  // constant-input warnings above do not see them. Which ones is per-op data (OpInfo::attribute_downcasts).
  void add_attribute_downcast_warnings(const NodeRef& n, const OpInfo* op, NodeVerdict& v) const {
    if (!op) return;
    for (const auto& d : op->attribute_downcasts) {
      const auto* a = find_attribute(*n.proto, d.attr);
      if (!a) continue;
      const std::int64_t named = a->has_t() ? a->t().data_type() : a->i();
      if (named == d.dtype) v.warnings.push_back({d.code, r_.display() + " " + d.message, {}});
    }
  }

  void add_reduced_precision_warnings(const NodeRef& n, NodeVerdict& v, Precision p) const {
    if (p != Precision::FP16 && p != Precision::BF16) return;
    const int node = v.index;
    for (int i = 0; i < n.proto->input_size(); ++i) {
      const TensorInfo* t = ix_.input(node, i);
      if (!t || !t->is_constant() || (t->dtype != kFloat && t->dtype != kDouble)) continue;
      const ValueStats& s = ix_.external().stats(*t->value());
      if (!s.available) continue;
      if (p == Precision::FP16 && s.fp16_overflow > 0)
        v.warnings.push_back({"TRT_FP16_OVERFLOW",
                              "'" + n.proto->input(i) + "' has " + std::to_string(s.fp16_overflow) + " of " +
                                  std::to_string(s.count) + " values beyond the FP16 range (±65504; largest |x| = " +
                                  fmt_number(s.max_abs) + "): they become ±inf in fp16",
                              {{"count", static_cast<double>(s.fp16_overflow)}, {"max_abs", s.max_abs}}});
      if (p == Precision::FP16 && s.fp16_underflow > 0)
        v.warnings.push_back({"TRT_FP16_UNDERFLOW",
                              "'" + n.proto->input(i) + "' has " + std::to_string(s.fp16_underflow) +
                                  " non-zero values below the smallest FP16 subnormal (5.96e-8): they flush to zero",
                              {{"count", static_cast<double>(s.fp16_underflow)}}});
      if (p == Precision::BF16 && s.bf16_overflow > 0)
        v.warnings.push_back({"TRT_BF16_OVERFLOW",
                              "'" + n.proto->input(i) + "' has " + std::to_string(s.bf16_overflow) +
                                  " values beyond the BF16 range: they become ±inf in bf16",
                              {{"count", static_cast<double>(s.bf16_overflow)}, {"max_abs", s.max_abs}}});
    }
  }

  const ModelIndex& ix_;
  const Target& t_;
  const Release& r_;
  const KnowledgeBase& kb_;
  const ReleaseFacts f_;
  const PluginLookup plugins_;
};

NodeVerdict evaluate_full(const ModelIndex& index, const Target& target, const KnowledgeBase& kb, int node) {
  NodeEvaluator evaluator(index, target, kb);
  NodeVerdict v = evaluator.evaluate(node);
  evaluator.apply_precision(index.nodes()[static_cast<std::size_t>(node)],
                            target.release->op(index.nodes()[static_cast<std::size_t>(node)].op_type), v);
  return v;
}

Target target_for_release(const Target& base, const Release& release) {
  Target t = base;
  t.release = &release;
  t.precisions.clear();
  for (Precision p : base.precisions)
    if (release.has_precision(p)) t.precisions.push_back(p);
  if (t.precisions.empty()) t.precisions.push_back(Precision::FP32);
  return t;
}

// Per-node verdicts are independent (the index, the knowledge base and the evaluator are read-only; the value-stats
// and consumer caches are thread-safe), so big models are evaluated on every core.
void evaluate_all(const NodeEvaluator& evaluator, std::size_t count, const AnalyzeOptions& options,
                  std::vector<NodeVerdict>& out) {
  out.resize(count);
  ParallelOptions parallel;
  parallel.max_threads = options.max_threads;
  parallel_chunks(
      count, parallel,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) out[i] = evaluator.evaluate(static_cast<int>(i));
      },
      options.progress);
}

bool newer_release(const Release& candidate, const Release& than) {
  return candidate.major > than.major || (candidate.major == than.major && candidate.minor > than.minor);
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// ---- the phases of analyze(), in order ---------------------------------------------------------------------------

// Phase 1: everything the release says once per model (opsets, initializers, graph inputs and outputs).
void add_model_level_issues(const ModelIndex& index, const Release& r, Analysis& a) {
  for (auto& f : model_level_checks(index, r)) a.model_issues.push_back({f.error, std::move(f.code), std::move(f.message)});
}

// Bodies the parser never imports, and why.
enum class SkippedBody : char {
  kImported,             // the parser imports this body (the default)
  kBranchNotTaken,       // the branch an If with a constant condition does not take
  kFunctionNotInlined,   // a local function's body when the call goes to a builtin importer or a plugin, or the
                         // release has no local functions
};

// Phase 3: which scopes the parser skips (a scope inside a skipped one is skipped for the same reason).
std::vector<SkippedBody> skipped_bodies(const ModelIndex& index, const NodeEvaluator& evaluator) {
  const auto& nodes = index.nodes();
  std::vector<SkippedBody> skipped(index.scopes().size(), SkippedBody::kImported);
  for (std::size_t s = 1; s < index.scopes().size(); ++s) {
    const Scope& scope = *index.scopes()[s];
    const SkippedBody inherited = skipped[static_cast<std::size_t>(scope.parent)];
    if (inherited != SkippedBody::kImported) {
      skipped[s] = inherited;
      continue;
    }
    const NodeRef& owner = nodes[static_cast<std::size_t>(scope.owner_node)];
    if (scope.function) {
      if (evaluator.dispatch(owner) != Dispatch::kFunction) skipped[s] = SkippedBody::kFunctionNotInlined;
      continue;
    }
    if (owner.op_type != "If") continue;
    const TensorInfo* cond = index.input(scope.owner_node, 0);
    if (!cond || !cond->is_constant()) continue;
    const ValueStats& st = index.external().stats(*cond->value());
    if (!st.available || st.count != 1) continue;
    const bool taken_then = !st.all_zero;
    const bool is_then = ends_with(scope.path, "then_branch");
    if (is_then != taken_then) skipped[s] = SkippedBody::kBranchNotTaken;
  }
  return skipped;
}

SkippedBody skipped_of(const std::vector<SkippedBody>& skipped, const NodeRef& n) {
  return skipped[static_cast<std::size_t>(n.scope)];
}

// Phase 4: a node of a skipped body imports trivially and says why it was not checked.
void mark_skipped_body_nodes(const ModelIndex& index, const Release& r, const std::vector<SkippedBody>& skipped,
                             Analysis& a) {
  const auto& nodes = index.nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const SkippedBody why = skipped_of(skipped, nodes[i]);
    if (why == SkippedBody::kImported) continue;
    NodeVerdict& v = a.nodes[i];
    v.status = Status::kConvertible;
    v.reasons.clear();
    if (why == SkippedBody::kFunctionNotInlined)
      v.warnings = {{"TRT_FUNCTION_BODY_NOT_IMPORTED",
                     r.display() + " does not inline this local-function call (builtin importer, plugin, or no local "
                                   "function support), so this body node is never checked",
                     {}}};
    else
      v.warnings = {{"TRT_BRANCH_NOT_TAKEN",
                     "the If condition is a constant: " + r.display() + " imports only the other branch, so this node is never checked",
                     {}}};
  }
}

// Phase 5: a failing body node fails its control-flow parent (children have larger indices than their parents, so
// walking backwards carries a failure up through every level).
void fail_parents_of_failing_bodies(const ModelIndex& index, const std::vector<SkippedBody>& skipped, Analysis& a) {
  const auto& nodes = index.nodes();
  for (std::size_t i = nodes.size(); i-- > 0;) {
    const int parent = nodes[i].parent;
    if (parent < 0 || a.nodes[i].status != Status::kUnsupported || skipped_of(skipped, nodes[i]) != SkippedBody::kImported)
      continue;
    NodeVerdict& p = a.nodes[static_cast<std::size_t>(parent)];
    const bool already = std::any_of(p.reasons.begin(), p.reasons.end(),
                                     [](const Reason& x) { return x.code == "TRT_BODY_NODE_UNSUPPORTED"; });
    p.status = Status::kUnsupported;
    if (!already)
      p.reasons.push_back({"TRT_BODY_NODE_UNSUPPORTED",
                           "body node '" + nodes[i].name + "' (" + nodes[i].op_type + ") in " +
                               index.scopes()[static_cast<std::size_t>(nodes[i].scope)]->path + " cannot be imported: " +
                               (a.nodes[i].reasons.empty() ? std::string("see that node") : a.nodes[i].reasons.front().message),
                           "Fix the body node first (see its own reasons)"});
  }
}

// Phase 6: precision. The float part is decided with the builder precisions the quantization mode leaves in force,
// then the quantization pass says where Q/DQ (or implicit INT8) really change a node's precision (quantization.h).
void apply_precisions(const ModelIndex& index, const Target& target, const KnowledgeBase& kb,
                      const AnalyzeOptions& options, Analysis& a) {
  const auto& nodes = index.nodes();
  const Release& r = *target.release;
  const QuantizationInfo quant = quantization_mode(index, target);
  for (auto& m : quantization_model_issues(index, target, quant)) a.model_issues.push_back(std::move(m));
  const Target precision_target = float_precision_target(target, quant);
  const NodeEvaluator precision_evaluator(index, precision_target, kb);
  const QuantizationPass quant_pass(index, target, quant);
  ParallelOptions parallel;
  parallel.max_threads = options.max_threads;
  parallel_chunks(nodes.size(), parallel, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      precision_evaluator.apply_precision(nodes[i], r.op(nodes[i].op_type), a.nodes[i]);
      quant_pass.apply(a.nodes[i]);
    }
  });
  a.summary.quantization = std::string(quant_mode_name(quant.mode));
  a.summary.qdq_nodes = quant.qdq_nodes;
}

// Exact upgrade search for the first this many unsupported nodes; past that, nodes with the same op, type and reason
// codes share the answer so a model with tens of thousands of unsupported nodes does not re-check each against
// every release.
constexpr int kExactUpgradeSearchLimit = 2000;

// Phase 7: upgrade hints, the first newer release in which each unsupported node imports.
void add_upgrade_hints(const ModelIndex& index, const Target& target, const KnowledgeBase& kb,
                       const AnalyzeOptions& options, Analysis& a) {
  const auto& nodes = index.nodes();
  const Release& r = *target.release;
  const auto add_hint = [&](NodeVerdict& v) {
    if (!v.first_release.empty())
      for (auto& reason : v.reasons)
        reason.hint += (reason.hint.empty() ? "" : "; or ") + std::string("upgrade to TensorRT ") +
                       kb.find(v.first_release)->version + ", the first release that imports this node";
  };
  int exact = 0;
  std::unordered_map<std::string, std::string> shared;
  std::vector<NodeVerdict*> parents;
  for (auto& v : a.nodes) {
    if (v.status != Status::kUnsupported) continue;
    if (!nodes[static_cast<std::size_t>(v.index)].children.empty()) {
      parents.push_back(&v);
      continue;
    }
    std::string key = nodes[static_cast<std::size_t>(v.index)].op_type + "|" + v.compute_type;
    for (const auto& reason : v.reasons) key += "|" + reason.code;
    if (exact >= kExactUpgradeSearchLimit) {
      if (auto it = shared.find(key); it != shared.end()) {
        v.first_release = it->second;
        add_hint(v);
        continue;
      }
    }
    ++exact;
    for (const auto& rel : kb.releases()) {
      if (!newer_release(rel, r)) continue;
      NodeVerdict other = evaluate_full(index, target_for_release(target, rel), kb, v.index);
      if (other.status != Status::kUnsupported) {
        v.first_release = rel.name;
        break;
      }
    }
    shared.emplace(key, v.first_release);
    add_hint(v);
  }
  // A control-flow parent imports only when its bodies do: its first release is the first whose whole analysis
  // (bodies, skipped branches and all) no longer fails it, not the first that imports the parent alone.
  AnalyzeOptions inner = options;
  inner.upgrade_hints = false;
  inner.progress = nullptr;
  for (const auto& rel : kb.releases()) {
    if (parents.empty()) break;
    if (!newer_release(rel, r)) continue;
    const Analysis other = analyze(index, target_for_release(target, rel), kb, inner);
    std::erase_if(parents, [&](NodeVerdict* v) {
      if (other.nodes[static_cast<std::size_t>(v->index)].status == Status::kUnsupported) return false;
      v->first_release = rel.name;
      add_hint(*v);
      return true;
    });
  }
}

// Phase 9: the counts, and what they mean for the model as a whole.
void summarize(const ModelIndex& index, const Release& r, Analysis& a) {
  const auto& nodes = index.nodes();
  for (const auto& v : a.nodes) {
    switch (v.status) {
      case Status::kConvertible: ++a.summary.convertible; break;
      case Status::kFallback: ++a.summary.fallback; break;
      case Status::kUnsupported: ++a.summary.unsupported; break;
    }
    a.summary.warnings += static_cast<int>(v.warnings.size());
    if (is_quantized_precision(v.runs_in)) ++a.summary.quantized_nodes;
  }
  // Only worth saying when there is something to partition: main-graph nodes that import next to ones that do not.
  bool main_ok = false, main_bad = false;
  for (const auto& v : a.nodes)
    if (nodes[static_cast<std::size_t>(v.index)].scope == kMainScope)
      (v.status == Status::kUnsupported ? main_bad : main_ok) = true;
  if (r.fact<bool>("supports_model_single_partition", false) && main_ok && main_bad)
    a.model_issues.push_back(
        {false, "TRT_SUPPORTS_MODEL_PARTITIONED",
         r.display() + "'s supportsModel flags a subgraph supported only when the whole model parses as one partition: "
                       "with " + std::to_string(a.summary.unsupported) + " unsupported node(s) no partition is reported "
                       "fully supported, so ONNX Runtime's TensorRT execution provider re-checks each piece"});
  const bool model_error = std::any_of(a.model_issues.begin(), a.model_issues.end(), [](const ModelIssue& m) { return m.error; });
  a.summary.model_convertible = !model_error && a.summary.unsupported == 0;
}

}  // namespace

bool is_quantized_precision(std::string_view runs_in) {
  return runs_in == "int8" || runs_in == "fp8" || runs_in == "int4" || runs_in == "fp4";
}

Analysis analyze(const ModelIndex& index, const Target& target, const KnowledgeBase& kb, const AnalyzeOptions& options) {
  Analysis a;
  a.target = target;
  const Release& r = *target.release;
  add_model_level_issues(index, r, a);
  const NodeEvaluator evaluator(index, target, kb);
  evaluate_all(evaluator, index.nodes().size(), options, a.nodes);
  const std::vector<SkippedBody> skipped = skipped_bodies(index, evaluator);
  mark_skipped_body_nodes(index, r, skipped, a);
  fail_parents_of_failing_bodies(index, skipped, a);
  apply_precisions(index, target, kb, options, a);
  if (options.upgrade_hints) add_upgrade_hints(index, target, kb, options, a);
  apply_hardware(index, a);  // after the upgrade hints: they are about importing, not about the hardware
  summarize(index, r, a);
  if (options.progress) (*options.progress)(index.nodes().size(), index.nodes().size());
  return a;
}

std::vector<ReleaseVerdict> node_across_releases(const ModelIndex& index, int node, const Target& target,
                                                 const KnowledgeBase& kb) {
  std::vector<ReleaseVerdict> out;
  for (const auto& rel : kb.releases()) {
    Target t = target_for_release(target, rel);
    t.strongly_typed = target.strongly_typed && rel.fact<bool>("strongly_typed_networks", false);
    const QuantizationInfo quant = quantization_mode(index, t);
    const Target precision_target = float_precision_target(t, quant);
    NodeEvaluator evaluator(index, t, kb);
    NodeVerdict v = evaluator.evaluate(node);
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
    NodeEvaluator(index, precision_target, kb).apply_precision(n, rel.op(n.op_type), v);
    QuantizationPass(index, t, quant).apply(v);
    out.push_back({&rel, std::move(v)});
  }
  return out;
}

}  // namespace trtlens
