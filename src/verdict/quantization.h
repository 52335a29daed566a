// Quantized precision the way TensorRT builds it (reference: shared/reference/quantization.md, rules R0-R12):
// which quantization mode a model is in for a target (none, implicit INT8, explicit Q/DQ, strongly typed), and in
// explicit mode where each node really runs after Q/DQ propagation and fusion. docs/quantization.md explains the
// rules to users; every note names its rule and says "inferred" where the reference marks it so.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens {

// R0 / reference A.5.
enum class QuantMode { kNone, kImplicit, kExplicit, kStronglyTyped };
std::string_view quant_mode_name(QuantMode m);  // "none", "implicit", "explicit", "strongly_typed"

struct QuantizationInfo {
  QuantMode mode = QuantMode::kNone;
  int qdq_nodes = 0;                    // Q/DQ nodes (any domain, TRT_* variants included)
  std::vector<std::string> qdq_types;   // quantized types they use: "int8", "fp8", "int4", "fp4" (sorted)
};

// Decides the mode of `index` for `target`. Strongly typed wins; else any Q/DQ node makes the model explicit; else
// INT8 among the builder precisions makes it implicit; else none.
QuantizationInfo quantization_mode(const ModelIndex& index, const Target& target);

// The target the float part of the model is decided with (R1): in explicit mode the quantized builder precisions
// (int8, fp8, int4, fp4) do not choose kernels, only Q/DQ do; in strongly typed mode no builder precision applies
// (the ONNX types decide, see apply_quantization); without Q/DQ, fp8/int4/fp4 only reach plugins.
Target float_precision_target(const Target& target, const QuantizationInfo& info);

// Model-level notes: implicit mode (calibration needed; deprecated from 10.1), explicit mode (calibrator ignored;
// INT8 flag required in weak typing), strongly typed (builder precisions ignored), quantized types the release
// cannot build.
std::vector<ModelIssue> quantization_model_issues(const ModelIndex& index, const Target& target,
                                                  const QuantizationInfo& info);

// Per node, after the float precision layer: rewrites runs_in (and fallback status) to the precision TensorRT would
// really use, fills NodeVerdict::precision (why) and adds placement warnings (TRT_QDQ_*). Thread-safe per node.
class QuantizationPass {
 public:
  QuantizationPass(const ModelIndex& index, const Target& target, const QuantizationInfo& info);
  void apply(NodeVerdict& v) const;

  struct Impl;  // the decision procedure (quantization.cpp)

 private:
  const ModelIndex& ix_;
  const Target& t_;
  const QuantizationInfo& info_;
};

}  // namespace trtlens
