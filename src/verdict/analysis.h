// The one structure every view renders: per-node verdicts for one target (release, precisions, strict, plugins).
// Serialised by report/json.cpp as documented in docs/json-format.md.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hw/hardware.h"
#include "kb/kb.h"
#include "onnx/graph.h"
#include "util/codes.h"

namespace trtlens {

enum class Status { kConvertible, kFallback, kUnsupported };
std::string_view status_name(Status s);

// Reasons, warnings and model issues built without a hint get the code catalogue's (util/codes.def), as errors do.
struct Reason {
  Reason() = default;
  Reason(std::string code_, std::string message_, std::string hint_ = {}, std::string source_ = {},
         std::string confidence_ = {})
      : code(std::move(code_)), message(std::move(message_)), hint(hint_or_default(code, std::move(hint_))),
        source(std::move(source_)), confidence(std::move(confidence_)) {}
  std::string code, message, hint;
  // For reasons that come from a knowledge-base rule: where the parser refuses ("tag release/8.6-GA
  // onnx2trt_utils.cpp:unaryHelper") and "code" or "derived" (docs/json-format.md). Empty for engine-level reasons.
  std::string source{}, confidence{};
};

struct Warning {
  Warning() = default;
  Warning(std::string code_, std::string message_, std::vector<std::pair<std::string, double>> values_ = {},
          std::string hint_ = {}, std::string rule_ = {}, std::string confidence_ = {})
      : code(std::move(code_)), message(std::move(message_)), values(std::move(values_)),
        hint(hint_or_default(code, std::move(hint_))),
        rule(std::move(rule_)), confidence(std::move(confidence_)) {}
  std::string code, message;
  std::vector<std::pair<std::string, double>> values;  // e.g. {"count", 12}, {"max_abs", 7.1e5}
  std::string hint;        // how to fix it ("" when there is nothing to do)
  std::string rule;        // quantization rule it applies (reference R0-R12, "" for others)
  std::string confidence;  // "inferred": the rule is not confirmed by NVIDIA text or code ("" = documented)
};

// Why a node runs in `runs_in` when a quantization mode applies (docs/quantization.md): a code such as
// QDQ_FUSED_Q_OUT or IMPLICIT_INT8_CANDIDATE, a sentence, the rule (R1-R12, "D" for implicit) and its confidence.
struct PrecisionNote {
  std::string code, message, rule;
  std::string confidence;  // "documented" or "inferred"
};

struct PluginSpec {
  std::string name, version, ns;  // empty version/namespace: any
  static Result<PluginSpec> parse(std::string_view text);
  std::string text() const;
};

struct Target {
  const Release* release = nullptr;
  std::vector<Precision> precisions;  // builder flags; fp32 implied
  bool strict = false;
  std::vector<PluginSpec> plugins;
  bool strongly_typed = false;        // kSTRONGLY_TYPED network: node precisions come from the ONNX types
  HardwareTarget hardware;            // no GPU named: answers do not depend on hardware
};

struct NodeVerdict {
  int index = 0;
  Status status = Status::kConvertible;
  std::string runs_in;                // "fp16", "int32", "plugin", ... ("" when unknown)
  TypeSet supported_types = 0;
  std::string compute_type;           // ONNX element type the node computes in ("" when unknown)
  std::vector<Reason> reasons;
  std::vector<Warning> warnings;
  std::string first_release;          // for unsupported nodes: the first newer release that imports it ("" if none)
  PrecisionNote precision;            // empty code: no quantization mode applies
  std::string device;                 // with a DLA target: "dla" or "gpu" ("" for nodes that build no layer)
};

struct ModelIssue {
  ModelIssue() = default;
  ModelIssue(bool error_, std::string code_, std::string message_, std::string confidence_ = {})
      : error(error_), code(std::move(code_)), message(std::move(message_)), confidence(std::move(confidence_)),
        hint(hint_or_default(code)) {}
  bool error = false;
  std::string code, message;
  std::string confidence;             // "inferred" (quantization rules, docs/quantization.md); hardware facts: code /
                                      // doc / report / uncertain (docs/hardware.md); "" for parser facts
  std::string hint;                   // what to do about it ("" when nothing to say)
};

// Whether a node's `runs_in` is a quantized precision (int8, fp8, int4, fp4).
bool is_quantized_precision(std::string_view runs_in);

struct Summary {
  int convertible = 0, fallback = 0, unsupported = 0;
  int warnings = 0;
  bool model_convertible = true;
  std::string quantization = "none";  // none, implicit, explicit, strongly_typed (docs/quantization.md)
  int quantized_nodes = 0;            // nodes whose runs_in is int8, fp8, int4 or fp4
  int qdq_nodes = 0;
  // With a DLA target: nodes placed on each device and the tensors that cross between them (each costs a reformat).
  int dla_nodes = 0, gpu_nodes = 0, gpu_dla_transitions = 0;
  int dla_subgraphs = 0;              // DLA loadables TensorRT builds (those beyond the per-core limit run on the GPU)
};

struct Analysis {
  Target target;
  std::vector<ModelIssue> model_issues;
  std::vector<NodeVerdict> nodes;
  Summary summary;
};

// Validates a target: the precisions must exist in the release. Error code E_USAGE.
Result<Target> make_target(const KnowledgeBase& kb, std::string_view release, std::string_view precisions, bool strict,
                           const std::vector<std::string>& plugins);
// Turns on strong typing (--strongly-typed); E_USAGE when the release has no strongly typed networks.
Result<Target> with_strong_typing(Target target, bool strongly_typed);

struct AnalyzeOptions {
  bool upgrade_hints = true;          // look for the first newer release that imports each unsupported node
  const std::function<void(std::size_t done, std::size_t total)>* progress = nullptr;  // called on the calling thread
  std::size_t max_threads = 8;        // models of 8192+ nodes are checked on up to this many cores (1: calling thread)
};

Analysis analyze(const ModelIndex& index, const Target& target, const KnowledgeBase& kb,
                 const AnalyzeOptions& options = {});

// One node against every release (the "Supported Runtimes" data): status per release for the given precisions;
// precisions a release does not have are dropped for that release.
struct ReleaseVerdict {
  const Release* release;
  NodeVerdict verdict;
};
std::vector<ReleaseVerdict> node_across_releases(const ModelIndex& index, int node, const Target& target,
                                                 const KnowledgeBase& kb);

}  // namespace trtlens
