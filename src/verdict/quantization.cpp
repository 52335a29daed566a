// Quantization modes and the explicit-quantization decision procedure (quantization.md sections A, C, D, E).
// Op lists are tables keyed by op type; release-dependent facts (which types build, which ops consume FP8/FP4/INT4,
// block quantization) come from the release data (tools/kbgen/model_facts.json).
#include "verdict/quantization.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "onnx/dtype.h"

namespace trtlens {

std::string_view quant_mode_name(QuantMode m) {
  switch (m) {
    case QuantMode::kImplicit: return "implicit";
    case QuantMode::kExplicit: return "explicit";
    case QuantMode::kStronglyTyped: return "strongly_typed";
    default: return "none";
  }
}

namespace {

constexpr const char* kDocumented = "documented";
constexpr const char* kInferred = "inferred";

// ---- op tables ---------------------------------------------------------------------------------------------------

bool is_quantize(std::string_view op) {
  return op == "QuantizeLinear" || op == "TRT_FP8QuantizeLinear" || op == "TRT_INT4QuantizeLinear" ||
         op == "TRT_MXFP8QuantizeLinear" || op == "TRT_BlockQuantize" || op == "TRT_FP4DynamicQuantize" ||
         op == "TRT_MXFP8DynamicQuantize" || op == "TRT_DynamicQuantize";
}
bool is_dequantize(std::string_view op) {
  return op == "DequantizeLinear" || op == "TRT_FP8DequantizeLinear" || op == "TRT_INT4DequantizeLinear" ||
         op == "TRT_MXFP8DequantizeLinear" || op == "TRT_BlockDequantize";
}
bool is_qdq(std::string_view op) { return is_quantize(op) || is_dequantize(op); }
// Quantize ops that compute their scales at run time (E.3/E.4): the exception to R3.
bool is_dynamic_quantize(std::string_view op) {
  return op == "TRT_FP4DynamicQuantize" || op == "TRT_MXFP8DynamicQuantize" || op == "TRT_DynamicQuantize";
}

// C.0: weighted (linear) quantizable ops; input 1 is the weight (or the second activation of a MatMul).
bool is_weighted(std::string_view op) { return op == "Conv" || op == "ConvTranspose" || op == "MatMul" || op == "Gemm"; }

// R4 commuting ops: Q/DQ move across them, the op runs on quantized data. MaxPool is proved in the guide; the rest
// satisfy the identity mathematically but TensorRT's list is not published (quantization.md H2): inferred.
struct Commuting {
  const char* confidence;
};
const std::map<std::string, Commuting, std::less<>>& commuting_ops() {
  static const std::map<std::string, Commuting, std::less<>> table{
      {"MaxPool", {kDocumented}},   {"GlobalMaxPool", {kInferred}}, {"Reshape", {kInferred}},
      {"Flatten", {kInferred}},     {"Transpose", {kInferred}},     {"Squeeze", {kInferred}},
      {"Unsqueeze", {kInferred}},   {"Identity", {kInferred}},      {"Slice", {kInferred}},
      {"Gather", {kInferred}},      {"Concat", {kInferred}},        {"Split", {kInferred}},
      {"Pad", {kInferred}},         {"Resize", {kInferred}},        {"Expand", {kInferred}},
      {"Tile", {kInferred}},        {"SpaceToDepth", {kInferred}},  {"DepthToSpace", {kInferred}}};
  return table;
}
const Commuting* commuting(std::string_view op) {
  auto it = commuting_ops().find(op);
  return it == commuting_ops().end() ? nullptr : &it->second;
}

// R7 non-weighted quantizable ops: INT8 only as a full DQ -> op -> Q island. AveragePool and element-wise Add are
// shown in the guide; the rest come from NVIDIA's ModelOpt INT8 defaults (a proxy): inferred.
const std::map<std::string, const char*, std::less<>>& island_ops() {
  static const std::map<std::string, const char*, std::less<>> table{
      {"AveragePool", kDocumented}, {"Add", kDocumented},         {"GlobalAveragePool", kInferred},
      {"Mul", kInferred},           {"Clip", kInferred},          {"BatchNormalization", kInferred},
      {"Sub", kInferred}};
  return table;
}

// R6 epilogues a quantized Conv/ConvTranspose/Gemm/MatMul absorbs (ModelOpt's fusible backbones, the guide's
// BN/ReLU and residual-add recommendations).
bool is_epilogue(std::string_view op) {
  return op == "Relu" || op == "BatchNormalization" || op == "Clip" || op == "LeakyRelu" || op == "Sigmoid" ||
         op == "Tanh" || op == "Elu" || op == "HardSigmoid" || op == "HardSwish" || op == "Gelu" || op == "Add" ||
         op == "Mul";
}

// Implicit INT8 on releases whose operator table lists no INT8 (10.x): how sure the reference's layer table (D.2) is
// that the layer kind has INT8 kernels. IConvolution/IDeconvolution are documented INT8 layers; matrix multiply (Gemm
// is a matrix multiply from 10.0, FullyConnected was removed) and pooling are marked [M] there.
const char* implicit_int8_evidence(std::string_view op) {
  return op == "Conv" || op == "ConvTranspose" ? kDocumented : kInferred;
}

// Reference R1 exceptions: normalization computes in FP32 by default.
bool is_normalization(std::string_view op) {
  return op == "LayerNormalization" || op == "InstanceNormalization" || op == "GroupNormalization";
}

// ---- quantized types ---------------------------------------------------------------------------------------------

std::string qtype_of_dtype(int dtype) {
  switch (dtype) {
    case kInt8: case kUint8: return "int8";
    case kFloat8E4M3FN: case kFloat8E4M3FNUZ: case kFloat8E5M2: case kFloat8E5M2FNUZ: return "fp8";
    case kInt4: case kUint4: return "int4";
    case kFloat4E2M1: return "fp4";
    default: return "";
  }
}

bool contains(const nlohmann::json& facts, const char* key, std::string_view value) {
  auto it = facts.find(key);
  if (it == facts.end() || !it->is_array()) return false;
  for (const auto& x : *it)
    if (x.is_string() && x.get<std::string>() == value) return true;
  return false;
}

std::string list_text(const nlohmann::json& facts, const char* key) {
  std::string out;
  auto it = facts.find(key);
  if (it != facts.end() && it->is_array())
    for (const auto& x : *it)
      if (x.is_string()) out += (out.empty() ? "" : ", ") + x.get<std::string>();
  return out.empty() ? "no type" : out;
}

// Description of one Q or DQ node after the parser mapping (quantization.md B).
struct QdqDesc {
  std::string qt;                // int8, fp8, int4, fp4
  enum Granularity { kTensor, kChannel, kBlock } granularity = kTensor;
  std::int64_t axis = -1;        // per-channel axis (normalised), -1 when not per-channel
  std::int64_t block = 0;        // block size (block quantization)
  bool weight = false;           // data rooted at a constant (weights)
};

}  // namespace

// ---- the pass ----------------------------------------------------------------------------------------------------

struct QuantizationPass::Impl {
  const ModelIndex& ix;
  const Target& t;
  const Release& r;
  const QuantizationInfo& info;

  const NodeRef& node(int i) const { return ix.nodes()[static_cast<std::size_t>(i)]; }
  const std::string& out_name(int i, int k = 0) const { return node(i).proto->output(k); }

  int producer_of(int scope, const std::string& name) const {
    const TensorInfo* ti = ix.find(scope, name);
    return ti ? ti->producer : -1;
  }
  bool constant_rooted(int scope, const std::string& name, int depth = 0) const {
    const TensorInfo* ti = ix.find(scope, name);
    if (!ti) return false;
    if (ti->is_constant()) return true;
    if (ti->producer < 0 || depth > 4) return false;
    const NodeRef& p = node(ti->producer);
    // Constant -> Cast / Q / Reshape / Transpose -> DQ still folds at build time (R2, B.2).
    if (p.op_type == "Cast" || is_quantize(p.op_type) || p.op_type == "Identity" || p.op_type == "Reshape" ||
        p.op_type == "Transpose" || is_dequantize(p.op_type))
      return p.proto->input_size() > 0 && constant_rooted(p.scope, p.proto->input(0), depth + 1);
    return false;
  }

  // R3: a Q/DQ scale (input 1) and zero point (input 2) must be build-time constants - an initializer or Constant,
  // possibly through Cast (8.6 header; 10.x operator docs). The documented exceptions: scales a DynamicQuantize
  // computes at run time, and block scales that are themselves dequantized from constants (NVFP4 double
  // quantization, E.3).
  enum class ScaleKind { kConstant, kRuntime, kComputed };
  ScaleKind scale_kind(int scope, const std::string& name, int depth = 0) const {
    if (name.empty()) return ScaleKind::kConstant;  // absent (optional zero point)
    const TensorInfo* ti = ix.find(scope, name);
    if (!ti) return ScaleKind::kComputed;
    if (ti->is_constant()) return ScaleKind::kConstant;
    if (ti->producer < 0 || depth > 4) return ScaleKind::kComputed;  // a graph input, or too deep to tell
    const NodeRef& p = node(ti->producer);
    if (is_dynamic_quantize(p.op_type)) return ScaleKind::kRuntime;
    if (p.op_type == "Cast" && p.proto->input_size() > 0) return scale_kind(p.scope, p.proto->input(0), depth + 1);
    if (is_dequantize(p.op_type)) {
      ScaleKind worst = ScaleKind::kConstant;
      for (const auto& in : p.proto->input()) worst = std::max(worst, scale_kind(p.scope, in, depth + 1));
      return worst;
    }
    return ScaleKind::kComputed;
  }
  // The first of a Q/DQ node's scale and zero point that is not a build-time constant ("" when both are).
  std::string computed_scale_input(int i) const {
    const NodeRef& n = node(i);
    if (is_dynamic_quantize(n.op_type)) return "";
    for (int k = 1; k <= 2 && k < n.proto->input_size(); ++k)
      if (scale_kind(n.scope, n.proto->input(k)) == ScaleKind::kComputed) return k == 1 ? "scale" : "zero point";
    return "";
  }
  bool constant_scales(int i) const { return computed_scale_input(i).empty(); }
  // R3's sources: the 8.6 header and the 10.x operator docs; 8.0-8.5 carry the 8.6 text back (inferred).
  const char* r3_confidence() const { return r.at_least(8, 6) ? kDocumented : kInferred; }

  // Default per-channel axis when the attribute is absent: read from the release's Q/DQ axis rule ("rank" = the
  // pre-10.15 parser's axis 0), else ONNX's default (1; 0 before opset 13).
  std::int64_t default_axis(const NodeRef& n) const {
    if (const OpInfo* op = r.op(n.op_type))
      for (const auto& rule : op->rules)
        if (rule.check == "qdq_axis" && rule.params.value("default_axis", "") == "rank") return 0;
    return n.opset < 13 ? 0 : 1;
  }

  QdqDesc describe(int i) const {
    const NodeRef& n = node(i);
    QdqDesc d;
    const std::string& op = n.op_type;
    if (op.rfind("TRT_FP8", 0) == 0 || op.rfind("TRT_MXFP8", 0) == 0) d.qt = "fp8";
    else if (op.rfind("TRT_INT4", 0) == 0) d.qt = "int4";
    else if (op == "TRT_FP4DynamicQuantize") d.qt = "fp4";
    if (d.qt.empty() && is_dequantize(op)) {
      if (const TensorInfo* x = ix.input(i, 0)) {
        d.qt = qtype_of_dtype(x->dtype);
        // A custom quantize op in front (TRT_FP4DynamicQuantize) has no ONNX type inference: take its type.
        if (d.qt.empty() && x->producer >= 0 && is_quantize(node(x->producer).op_type) && x->producer != i)
          d.qt = describe(x->producer).qt;
      }
    }
    if (d.qt.empty() && is_quantize(op)) {
      if (const auto* a = find_attribute(*n.proto, "output_dtype"); a && a->i() != 0) d.qt = qtype_of_dtype(static_cast<int>(a->i()));
      if (d.qt.empty())
        if (const TensorInfo* y = ix.output(i, 0)) d.qt = qtype_of_dtype(y->dtype);
    }
    if (d.qt.empty())
      if (const TensorInfo* zp = ix.input(i, 2)) d.qt = qtype_of_dtype(zp->dtype);
    if (d.qt.empty()) d.qt = "int8";  // 9.0+: no zero point means INT8 (B.3/B.4); 8.x requires an INT8 zero point
    const TensorInfo* x = ix.input(i, 0);
    const TensorInfo* scale = ix.input(i, 1);
    if (scale && x && scale->rank >= 2 && scale->rank == x->rank) {
      d.granularity = QdqDesc::kBlock;
      for (int k = 0; k < x->rank; ++k) {
        const auto xd = x->dims[static_cast<std::size_t>(k)], sd = scale->dims[static_cast<std::size_t>(k)];
        if (xd > 0 && sd > 0 && xd != sd) d.block = xd / sd, d.axis = k;
      }
    } else if (scale && scale->rank == 1 && scale->dims[0] > 1) {
      d.granularity = QdqDesc::kChannel;
      const auto* a = find_attribute(*n.proto, "axis");
      d.axis = a ? a->i() : default_axis(n);
      if (x && x->rank > 0 && d.axis < 0) d.axis += x->rank;
    }
    d.weight = n.proto->input_size() > 0 && constant_rooted(n.scope, n.proto->input(0));
    return d;
  }

  // The DQ a tensor comes from, with DQs moved forward across commuting ops (R4). -1 when none.
  int dq_source(int scope, const std::string& name, int depth = 0) const {
    if (name.empty() || depth > 32) return -1;
    const int p = producer_of(scope, name);
    if (p < 0) return -1;
    const NodeRef& pn = node(p);
    if (is_dequantize(pn.op_type)) return p;
    if (!commuting(pn.op_type) || pn.proto->input_size() == 0) return -1;
    if (pn.op_type == "Concat") {  // every input must come through a DQ of one quantized type
      int first = -1;
      for (const auto& in : pn.proto->input()) {
        const int s = dq_source(pn.scope, in, depth + 1);
        if (s < 0 || (first >= 0 && describe(s).qt != describe(first).qt)) return -1;
        if (first < 0) first = s;
      }
      return first;
    }
    return dq_source(pn.scope, pn.proto->input(0), depth + 1);
  }

  // The Q every consumer of a tensor leads to, with Qs moved backward across commuting ops (R4). -1 when some
  // consumer (or the graph output) reads the float value.
  int q_after(int scope, const std::string& name, int depth = 0) const {
    if (name.empty() || depth > 32) return -1;
    const TensorInfo* ti = ix.find(scope, name);
    if (!ti || ti->graph_output) return -1;
    const auto consumers = ix.consumers(scope, name);
    if (consumers.empty()) return -1;
    int found = -1;
    for (int c : consumers) {
      const NodeRef& cn = node(c);
      int q = -1;
      if (is_quantize(cn.op_type) && cn.proto->input_size() > 0 && cn.proto->input(0) == name) q = c;
      else if (commuting(cn.op_type) && cn.op_type != "Concat" && cn.proto->input_size() > 0 &&
               cn.proto->input(0) == name && cn.proto->output_size() == 1)
        q = q_after(cn.scope, cn.proto->output(0), depth + 1);
      if (q < 0) return -1;
      found = q;
    }
    return found;
  }

  static bool same_family(const std::string& a, const std::string& b) { return a == b; }

  // ---- weighted ops and their epilogues (R5/R6) ------------------------------------------------------------------
  struct Fusion {
    bool quantized = false;          // both inputs through DQ of one family, consumable by this release
    std::string qt;
    std::vector<int> chain;          // epilogue nodes fused into the op (R6)
    std::string end;                 // tensor the fused kernel writes
    int q_out = -1;                  // the Q fused into the output, -1: float output
    int residual_add = -1;           // residual Add in the chain
    bool residual_float = false;     // ... whose other input is float (not through DQ)
    int q_after_float_residual = -1; // a Q after the chain that cannot fuse because of the float residual
  };

  bool consumes(const std::string& op, const std::string& qt) const {
    if (qt == "int8") return r.fact<bool>("qdq_layers", false);
    if (qt == "fp8") {
      if (!contains(r.facts, "fp8_consumers", op == "ConvTranspose" ? "Conv" : op) || op == "ConvTranspose")
        return op == "Conv" && t.strongly_typed && r.fact<bool>("fp8_conv_needs_strong_typing", false);
      return true;
    }
    if (qt == "fp4") return contains(r.facts, "fp4_consumers", op);
    return false;
  }

  Fusion fusion(int x) const {
    Fusion f;
    const NodeRef& n = node(x);
    if (n.proto->input_size() < 2) return f;
    const int a = dq_source(n.scope, n.proto->input(0));
    const int w = dq_source(n.scope, n.proto->input(1));
    if (a < 0 || w < 0) return f;
    const QdqDesc ad = describe(a), wd = describe(w);
    if (!same_family(ad.qt, wd.qt) || !consumes(n.op_type, ad.qt)) return f;
    if (!constant_scales(a) || !constant_scales(w)) return f;  // R3
    f.quantized = true;
    f.qt = ad.qt;
    std::string cur = out_name(x);
    int scope = n.scope;
    for (int step = 0; step < 8; ++step) {
      const TensorInfo* ti = ix.find(scope, cur);
      if (!ti || ti->graph_output) break;
      auto cons = ix.consumers(scope, cur);
      // SiLU: Sigmoid(x) * x
      if (cons.size() == 2) {
        int sig = -1, mul = -1;
        for (int c : cons) (node(c).op_type == "Sigmoid" ? sig : node(c).op_type == "Mul" ? mul : sig) = c;
        if (sig >= 0 && mul >= 0 && node(sig).op_type == "Sigmoid" && node(mul).op_type == "Mul" &&
            ix.consumers(scope, out_name(sig)) == std::vector<int>{mul}) {
          f.chain.push_back(sig);
          f.chain.push_back(mul);
          cur = out_name(mul);
          continue;
        }
      }
      if (cons.size() != 1) break;
      const int c = cons[0];
      const NodeRef& cn = node(c);
      if (!is_epilogue(cn.op_type) || cn.proto->output_size() != 1) break;
      if (cn.op_type == "Add" || cn.op_type == "Mul") {
        if (cn.proto->input_size() != 2) break;
        const std::string& other = cn.proto->input(0) == cur ? cn.proto->input(1) : cn.proto->input(0);
        const bool constant = constant_rooted(scope, other);
        if (cn.op_type == "Mul" && !constant) break;
        if (cn.op_type == "Add" && !constant) {
          if (f.residual_add >= 0) break;  // one residual per kernel
          f.residual_add = c;
          f.residual_float = dq_source(scope, other) < 0;
        }
      }
      f.chain.push_back(c);
      cur = out_name(c);
    }
    f.end = cur;
    const int q = q_after(scope, cur);
    if (q >= 0 && describe(q).qt == f.qt && constant_scales(q)) {
      if (f.residual_float) f.q_after_float_residual = q;
      else f.q_out = q;
    }
    return f;
  }

  // The weighted op whose fused epilogue contains node e (-1 when none).
  int epilogue_head(int e, int depth = 0) const {
    if (depth > 8) return -1;
    const NodeRef& en = node(e);
    for (const auto& in : en.proto->input()) {
      const int p = producer_of(en.scope, in);
      if (p < 0) continue;
      const NodeRef& pn = node(p);
      int head = -1;
      if (is_weighted(pn.op_type)) head = p;
      else if (is_epilogue(pn.op_type)) head = epilogue_head(p, depth + 1);
      if (head < 0) continue;
      const Fusion f = fusion(head);
      if (f.quantized && std::find(f.chain.begin(), f.chain.end(), e) != f.chain.end()) return head;
    }
    return -1;
  }

  // ---- per-node decisions -----------------------------------------------------------------------------------------
  std::string float_runs_in(const NodeVerdict& v) const { return v.runs_in.empty() ? "fp32" : v.runs_in; }

  static void note(NodeVerdict& v, std::string code, std::string message, std::string rule, std::string confidence) {
    v.precision = {std::move(code), std::move(message), std::move(rule), std::move(confidence)};
  }
  static void warn(NodeVerdict& v, std::string code, std::string message, std::string hint, std::string rule,
                   std::string confidence) {
    v.warnings.push_back({std::move(code), std::move(message), {}, std::move(hint), std::move(rule),
                          confidence == kInferred ? std::string(kInferred) : std::string()});
  }

  std::string input_role(const NodeRef& n, int k) const {
    if (n.op_type == "MatMul" || n.op_type == "Gemm") return k == 0 ? "activation (A)" : "B";
    return k == 0 ? "activation" : "weights";
  }

  // Expected output-channel axis of a per-channel weight scale (R2).
  std::optional<std::int64_t> expected_weight_axis(const NodeRef& n, int w_rank) const {
    if (n.op_type == "Conv") return 0;
    if (n.op_type == "ConvTranspose") return 0;
    if (n.op_type == "Gemm") {
      const auto* tb = find_attribute(*n.proto, "transB");
      return tb && tb->i() ? 0 : 1;
    }
    if (n.op_type == "MatMul" && w_rank >= 2) return w_rank - 1;
    return std::nullopt;
  }

  void check_weight_axis(int x, const NodeRef& n, int w, NodeVerdict& v) const {
    const QdqDesc wd = describe(w);
    if (!wd.weight || wd.granularity != QdqDesc::kChannel) return;
    const TensorInfo* wt = ix.input(w, 0);
    const int rank = wt ? wt->rank : -1;
    const auto want = expected_weight_axis(n, rank);
    if (!want || wd.axis == *want) {
      if (n.op_type == "ConvTranspose" && wd.axis == 1)
        warn(v, "TRT_QDQ_WEIGHT_AXIS",
             "ConvTranspose weights are quantized per channel along axis 1 (output channels): NVIDIA engineers state "
             "TensorRT supports only axis 0 for deconvolution weights, newer ModelOpt exports use axis 1 - unverified",
             "Quantize ConvTranspose weights per tensor or along axis 0 until a real build confirms axis 1", "R2",
             kInferred);
      return;
    }
    (void)x;
    const bool conv_t = n.op_type == "ConvTranspose";
    warn(v, "TRT_QDQ_WEIGHT_AXIS",
         n.op_type + " weights are quantized per channel along axis " + std::to_string(wd.axis) +
             ", not along the output-channel axis " + std::to_string(*want) +
             ": TensorRT needs per-channel weight scales on the output channels, so the weight cannot be folded into "
             "a quantized kernel",
         "Export the weight quantizer with axis=" + std::to_string(*want) +
             (n.op_type == "Gemm" ? " (0 when transB=1, 1 otherwise)" : n.op_type == "MatMul" ? " (the N dimension)" : "") +
             ", or use one per-tensor scale",
         "R2", conv_t ? kInferred : kDocumented);
  }

  void apply_weighted(int x, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    const int a = n.proto->input_size() > 0 ? dq_source(n.scope, n.proto->input(0)) : -1;
    const int w = n.proto->input_size() > 1 ? dq_source(n.scope, n.proto->input(1)) : -1;
    if (a >= 0 && describe(a).granularity == QdqDesc::kChannel && !describe(a).weight)
      warn(v, "TRT_QDQ_ACTIVATION_PER_CHANNEL",
           "the activation input of " + n.op_type + " is quantized per channel; TensorRT allows per-channel scales "
           "only on weights",
           "Quantize activations with one per-tensor scale", "R2", kDocumented);
    if (w >= 0) check_weight_axis(x, n, w, v);
    const std::string flt = float_runs_in(v);
    const Fusion f = fusion(x);
    if (f.quantized) {
      v.runs_in = f.qt;
      if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
      const bool bmm = w >= 0 && !describe(w).weight;
      const std::string what = "DequantizeLinear on " + std::string(bmm ? "both inputs" : "the activation and the weights") +
                               " fuse into " + n.op_type + ": " + f.qt + " kernel";
      if (f.q_out >= 0)
        note(v, "QDQ_FUSED_Q_OUT",
             what + (f.chain.empty() ? "" : " with " + std::to_string(f.chain.size()) + " fused epilogue op(s)") +
                 "; output " + f.qt + " (the QuantizeLinear '" + node(f.q_out).name + "' after it is fused)",
             "R5", bmm && f.qt == "int8" ? kInferred : kDocumented);
      else
        note(v, "QDQ_FUSED_FLOAT_OUT",
             what + "; output in float (" + flt + ") because " +
                 (f.residual_float ? "the residual Add's other input is float"
                                   : "no QuantizeLinear follows" + std::string(f.chain.empty() ? "" : " its fused epilogue")),
             f.residual_float ? "R6" : "R5", bmm && f.qt == "int8" ? kInferred : kDocumented);
      if (n.op_type == "Conv" && f.qt == "fp8") {
        const auto* g = find_attribute(*n.proto, "group");
        if (g && g->i() > 1 && r.at_least(10, 12))
          warn(v, "TRT_QDQ_FP8_GROUPED_CONV",
               r.display() + " has no optimized FP8 kernels for grouped or depthwise convolution (release notes)",
               "Keep grouped/depthwise convolutions in INT8 or float", "E.1", kDocumented);
      }
      return;
    }
    const QdqDesc* wd = nullptr;
    QdqDesc wdesc;
    if (w >= 0) wdesc = describe(w), wd = &wdesc;
    // R9: INT4 (and FP4) block-quantized weights with a float activation: weight-only quantization.
    if (wd && a < 0 && wd->weight && (wd->qt == "int4" || wd->qt == "fp4")) {
      if (wd->qt == "int4" && contains(r.facts, "int4_weight_only_ops", n.op_type)) {
        note(v, "QDQ_WEIGHT_ONLY_INT4",
             "weights stored as int4" + (wd->block ? " (block " + std::to_string(wd->block) + ")" : std::string()) +
                 " and dequantized in the GEMM; the activation has no Q/DQ, so " + n.op_type + " computes in " + flt,
             "R9", kDocumented);
        return;
      }
      v.status = Status::kUnsupported;
      v.reasons.push_back({"TRT_QDQ_" + std::string(wd->qt == "int4" ? "INT4" : "FP4") + "_CONSUMER",
                           r.display() + " has no " + wd->qt + " " + n.op_type + ": " +
                               (wd->qt == "int4" ? "INT4 is weight-only quantization for MatMul/Gemm"
                                                 : "FP4 weights need an FP4-quantized activation (dynamic quantize)") +
                               (n.op_type == "Conv" || n.op_type == "ConvTranspose" ? " (no 4-bit convolution)" : ""),
                           wd->qt == "int4" ? "Quantize convolutions with INT8 or FP8; keep INT4 for MatMul/Gemm weights"
                                            : "Quantize the activation with TRT_FP4DynamicQuantize, or use INT8/FP8"});
      return;
    }
    if (a < 0 && w < 0) return;  // float op, no Q/DQ: the float baseline stands (R1)
    // R5: only one side quantized, or types that do not pair / the release cannot consume.
    std::string why, rule = "R5";
    const int computed = a >= 0 && !constant_scales(a) ? a : w >= 0 && !constant_scales(w) ? w : -1;
    if (computed >= 0) {
      const int k = computed == a ? 0 : 1;
      why = "the DequantizeLinear on input " + std::to_string(k) + " (" + input_role(n, k) + ") has a " +
            computed_scale_input(computed) + " that is not a build-time constant, so it cannot fuse";
      rule = "R3";
    } else if (a >= 0 && w >= 0) {
      const QdqDesc ad = describe(a);
      why = !same_family(ad.qt, wdesc.qt)
                ? "the inputs are quantized to different types (" + ad.qt + ", " + wdesc.qt + ")"
                : r.display() + " has no " + ad.qt + " " + n.op_type +
                      (ad.qt == "fp8" && n.op_type == "Conv" && r.fact<bool>("fp8_conv_needs_strong_typing", false)
                           ? " in a weakly typed network (FP8 convolution needs --strongly-typed in this release)"
                           : " kernel");
    } else {
      const int missing = a < 0 ? 0 : 1;
      why = "no DequantizeLinear on input " + std::to_string(missing) + " (" + input_role(n, missing) + ")";
    }
    v.runs_in = flt;
    if (v.status == Status::kConvertible) v.status = Status::kFallback;
    const char* confidence = computed >= 0 ? r3_confidence() : kInferred;
    note(v, "QDQ_PARTIAL_INPUTS", why + "; " + n.op_type + " runs in " + flt, rule, confidence);
    warn(v, "TRT_QDQ_NOT_FUSED", why + "; runs in " + flt,
         computed >= 0 ? "Make the scale and zero point initializers (or Constant nodes, optionally through Cast)"
         : a < 0       ? "Put QuantizeLinear/DequantizeLinear on the activation input too (per-tensor scale)"
         : w < 0 ? "Quantize the weights too (DequantizeLinear on a per-channel weight initializer, axis 0 for "
                   "Conv)"
                 : "Quantize both inputs to the same type",
         rule, confidence);
  }

  void apply_island(int x, const char* confidence, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    int quantized = 0, data = 0, computed = 0;
    std::string missing, qt;
    for (int k = 0; k < n.proto->input_size(); ++k) {
      const std::string& in = n.proto->input(k);
      if (in.empty() || constant_rooted(n.scope, in)) continue;
      ++data;
      const int s = dq_source(n.scope, in);
      if (s >= 0 && constant_scales(s)) ++quantized, qt = describe(s).qt;
      else if (s >= 0) ++computed;
      if ((s < 0 || !constant_scales(s)) && missing.empty()) missing = std::to_string(k);
    }
    int q = n.proto->output_size() == 1 ? q_after(n.scope, out_name(x)) : -1;
    if (q >= 0 && !constant_scales(q)) q = -1, ++computed;  // R3: that Q cannot fuse
    const std::string flt = float_runs_in(v);
    if (quantized == 0 && computed == 0 && (q < 0 || data == 0)) return;
    if (quantized == data && q >= 0 && qt == "int8") {
      v.runs_in = qt;
      if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
      note(v, "QDQ_FUSED_Q_OUT",
           "every input comes through DequantizeLinear and the output goes to QuantizeLinear: " + n.op_type +
               " runs as one " + qt + " island" +
               (n.op_type == "GlobalAveragePool" ? " (int8 I/O, float accumulation in the reduce layer)" : ""),
           "R7", confidence);
      return;
    }
    std::string why = computed > 0 ? "a QuantizeLinear/DequantizeLinear around it has a scale or zero point that is "
                                     "not a build-time constant"
                      : quantized < data ? "no DequantizeLinear on input " + missing
                                         : "no QuantizeLinear after the output";
    const char* rule = computed > 0 ? "R3" : "R7";
    const char* sure = computed > 0 ? r3_confidence() : kInferred;
    note(v, "QDQ_PARTIAL_INPUTS", why + ": " + n.op_type + " runs in " + flt + " with standalone (de)quantize", rule,
         sure);
    if (n.op_type == "Add" && quantized > 0 && quantized < data && computed == 0)
      warn(v, "TRT_QDQ_RESIDUAL_ONE_BRANCH",
           "only one branch of this Add is quantized (" + why + "): the Add runs in " + flt +
               " and the DequantizeLinear runs standalone",
           "Quantize the other branch too (QuantizeLinear/DequantizeLinear on the skip connection) so the Add fuses "
           "into the convolution before it",
           "R6", kDocumented);
    else
      warn(v, "TRT_QDQ_NOT_FUSED", why + "; runs in " + flt,
           computed > 0       ? std::string("Make the scales and zero points initializers (or Constant nodes)")
           : quantized < data ? "Put QuantizeLinear/DequantizeLinear on every input of " + n.op_type
                              : "Add a QuantizeLinear on the output of " + n.op_type + " (or remove the input Q/DQ)",
           rule, sure);
  }

  void apply_commuting(int x, const Commuting& c, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    if (n.proto->input_size() == 0) return;
    int s = dq_source(n.scope, n.proto->input(0));
    if (n.op_type == "Concat") {
      s = -1;
      if (n.proto->output_size() == 1) s = dq_source(n.scope, out_name(x));
    }
    std::string qt;
    if (s >= 0 && !constant_scales(s)) s = -1;  // R3: a DequantizeLinear with a computed scale does not move
    if (s >= 0) qt = describe(s).qt;
    else if (n.proto->output_size() == 1 && n.op_type != "Concat") {
      const int q = q_after(n.scope, out_name(x));
      if (q >= 0 && constant_scales(q)) qt = describe(q).qt;
    }
    if (qt.empty()) return;
    v.runs_in = qt;
    if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
    note(v, "QDQ_COMMUTED",
         n.op_type + " commutes with quantization: the " + std::string(s >= 0 ? "DequantizeLinear moves after it" : "QuantizeLinear moves before it") +
             " and it runs on " + qt + " data" +
             (n.op_type == "Concat" ? " (if the inputs' scales differ, a requantize kernel stays on each input)" : ""),
         "R4", c.confidence);
  }

  void apply_qdq(int x, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    const QdqDesc d = describe(x);
    v.runs_in = d.qt;
    if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
    const std::string& out = out_name(x);
    if (d.granularity == QdqDesc::kBlock && !contains(r.facts, "block_quant_types", d.qt))
      warn(v, "TRT_QDQ_BLOCK_QUANT_TYPE",
           r.display() + " allows block quantization only for " + list_text(r.facts, "block_quant_types") + "; this " +
               n.op_type + " block-quantizes " + d.qt + ", which the builder rejects",
           "Use per-channel scales for " + d.qt + ", or quantize the weights to a type with block quantization",
           "R2", kDocumented);
    if (const std::string which = computed_scale_input(x); !which.empty()) {
      note(v, "QDQ_STANDALONE",
           "its " + which + " is computed in the network, not a build-time constant: this " + n.op_type +
               " runs as its own kernel and fuses with nothing",
           "R3", r3_confidence());
      warn(v, "TRT_QDQ_SCALE_NOT_CONSTANT",
           "the " + which + " of this " + n.op_type + " is not a build-time constant (an initializer or a Constant, "
           "optionally through Cast): TensorRT cannot fuse it into a quantized kernel, so its neighbours run in float",
           "Make the " + which + " an initializer or a Constant node (fold the computation that produces it)", "R3",
           r3_confidence());
      return;
    }
    if (is_dequantize(n.op_type)) {
      if (d.weight) {
        note(v, "QDQ_WEIGHT_FOLDED",
             "weight DequantizeLinear: folded at build time, its consumer reads pre-quantized " + d.qt + " weights" +
                 (d.granularity == QdqDesc::kBlock ? " (block " + std::to_string(d.block) + ")"
                  : d.granularity == QdqDesc::kChannel ? " (per channel, axis " + std::to_string(d.axis) + ")" : ""),
             "R2", kDocumented);
        return;
      }
      bool all_absorbed = true;
      int plugin = -1;
      for (int c : ix.consumers(n.scope, out)) {
        all_absorbed = all_absorbed && absorbs(c);
        if (plugin < 0 && is_plugin(c)) plugin = c;
      }
      if (all_absorbed && !ix.consumers(n.scope, out).empty())
        note(v, "QDQ_FUSED", "fused into its consumer(s), which read " + d.qt + " data", "R4/R5", kDocumented);
      else if (plugin >= 0)
        note(v, "QDQ_STANDALONE",
             "its consumer '" + node(plugin).name + "' is a plugin: " + plugin_io_condition(d.qt, "reads") +
                 "; otherwise this DequantizeLinear runs as its own kernel",
             "R10", kDocumented);
      else
        note(v, "QDQ_STANDALONE", "a consumer cannot read " + d.qt + ": this DequantizeLinear runs as its own kernel",
             "R8", kInferred);
      return;
    }
    const int p = n.proto->input_size() > 0 ? producer_of(n.scope, n.proto->input(0)) : -1;
    if (p >= 0 && writes_quantized(p))
      note(v, "QDQ_FUSED", "fused into '" + node(p).name + "', which writes " + d.qt, "R5/R6", kDocumented);
    else if (constant_rooted(n.scope, n.proto->input_size() ? n.proto->input(0) : std::string()))
      note(v, "QDQ_WEIGHT_FOLDED", "quantizes a constant at build time", "R2", kDocumented);
    else if (p >= 0 && is_plugin(p))
      note(v, "QDQ_STANDALONE",
           "its producer '" + node(p).name + "' is a plugin: " + plugin_io_condition(d.qt, "writes") +
               "; otherwise this QuantizeLinear runs as its own kernel",
           "R10", kDocumented);
    else
      note(v, "QDQ_STANDALONE", "its input is float: this QuantizeLinear runs as its own kernel", "R5", kDocumented);
    // R11: a network output keeps its declared type; a QuantizeLinear writing one hands quantized data to the caller.
    const TensorInfo* o = ix.find(n.scope, out);
    if (o && o->graph_output && n.scope == 0)
      note(v, "QDQ_NETWORK_OUTPUT",
           "writes the network output '" + out + "', which keeps its declared type " + d.qt +
               ": the engine returns quantized data and the caller dequantizes it (" + v.precision.message + ")",
           "R11", kInferred);
  }

  // R10: a node that is not a builtin layer of this release (a plugin, or a node that fails to import).
  bool is_plugin(int c) const {
    const OpInfo* op = r.op(node(c).op_type);
    return !op || !op->importer;
  }
  // R10 (8.5+ guide, "Q/DQ interaction with plugins"): a plugin takes quantized I/O only if it declares that format
  // and, in weak typing, the builder precision that allows plugin I/O of the type is on (kINT8; kFP8/kINT4 from 10.1,
  // kFP4 from 10.8).
  std::string plugin_io_condition(const std::string& qt, const char* verb) const {
    const bool flag = t.strongly_typed || std::any_of(t.precisions.begin(), t.precisions.end(),
                                                      [&](Precision p) { return precision_name(p) == qt; });
    if (!flag)
      return "it " + std::string(verb) + " float: " + qt + " is not among the builder precisions, which plugin " + qt +
             " I/O needs";
    return "the plugin " + std::string(verb) + " " + qt + " only if it declares " + qt +
           " I/O (supportsFormatCombination)";
  }

  // R10 on the plugin node itself: its runs_in stays "plugin"; the note says when the Q/DQ around it fuse.
  void apply_plugin(NodeVerdict& v) const {
    const NodeRef& n = node(v.index);
    int dq = -1;
    for (const auto& in : n.proto->input())
      if (dq < 0 && !in.empty()) dq = dq_source(n.scope, in);
    int q = -1;
    for (int k = 0; q < 0 && k < n.proto->output_size(); ++k) q = q_after(n.scope, n.proto->output(k));
    if (dq < 0 && q < 0) return;
    const std::string qt = describe(dq >= 0 ? dq : q).qt;
    note(v, "QDQ_PLUGIN_IO",
         std::string(dq >= 0 && q >= 0 ? "Q/DQ on its inputs and outputs: "
                     : dq >= 0          ? "a DequantizeLinear feeds it: "
                                        : "a QuantizeLinear follows it: ") +
             plugin_io_condition(qt, dq >= 0 ? "reads" : "writes") +
             "; otherwise it runs in float and the Q/DQ around it run as their own kernels",
         "R10", kDocumented);
  }

  // Whether node c reads its DQ input in quantized form (weighted fusion, island, commuting op, or the Q in a pair).
  bool absorbs(int c) const {
    const NodeRef& cn = node(c);
    if (is_weighted(cn.op_type)) return fusion(c).quantized;
    if (commuting(cn.op_type)) return true;
    if (island_ops().count(cn.op_type)) {
      NodeVerdict scratch;
      scratch.runs_in = "fp32";
      apply_island(c, kInferred, scratch);
      return scratch.precision.code == "QDQ_FUSED_Q_OUT";
    }
    return false;
  }
  bool writes_quantized(int p) const {
    const NodeRef& pn = node(p);
    if (is_weighted(pn.op_type)) return fusion(p).q_out >= 0;
    if (commuting(pn.op_type)) return true;
    if (is_epilogue(pn.op_type)) {
      const int head = epilogue_head(p);
      if (head >= 0) return fusion(head).q_out >= 0;
    }
    if (island_ops().count(pn.op_type)) return absorbs(p);
    return false;
  }

  void apply_non_quantizable(int x, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    int dq = -1;
    for (const auto& in : n.proto->input())
      if (dq < 0 && !in.empty()) dq = dq_source(n.scope, in);
    const int q = n.proto->output_size() == 1 ? q_after(n.scope, out_name(x)) : -1;
    if (dq < 0 && q < 0) return;
    const std::string flt = float_runs_in(v);
    const bool norm = is_normalization(n.op_type);
    note(v, "QDQ_NOT_QUANTIZABLE",
         n.op_type + " has no quantized kernel: it runs in " + (norm ? "float (normalization computes in fp32)" : flt) +
             " and the Q/DQ around it run as standalone kernels",
         "R8", kDocumented);
    // Placement advice: a quantized producer whose output only reaches this op through Q -> DQ.
    std::string producer;
    if (dq >= 0 && node(dq).proto->input_size() > 0) {
      const int qn = producer_of(node(dq).scope, node(dq).proto->input(0));
      if (qn >= 0 && is_quantize(node(qn).op_type) && node(qn).proto->input_size() > 0) {
        const int p = producer_of(node(qn).scope, node(qn).proto->input(0));
        if (p >= 0 && writes_quantized(p)) producer = node(p).name + " (" + node(p).op_type + ")";
      }
    }
    warn(v, "TRT_QDQ_NOT_QUANTIZABLE",
         (producer.empty() ? std::string("Q/DQ around ") + n.op_type
                           : "'" + producer + "' writes " + describe(dq).qt + " only for it to be dequantized again for " +
                                 n.op_type) +
             ": " + n.op_type + " has no quantized kernel, so it runs in " + flt +
             " and the extra (de)quantize kernels cost time without saving any",
         "Remove the QuantizeLinear/DequantizeLinear " + std::string(dq >= 0 ? "before " : "after ") + n.op_type +
             (producer.empty() ? "" : "; let the producer write float and " + n.op_type + " fuse as its epilogue"),
         "R8", kDocumented);
  }

  void apply_epilogue(int x, int head, NodeVerdict& v) const {
    const Fusion f = fusion(head);
    const NodeRef& n = node(x);
    const std::string flt = float_runs_in(v);
    if (f.q_out >= 0) {
      v.runs_in = f.qt;
      if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
    } else {
      v.runs_in = flt;
    }
    note(v, "QDQ_FUSED_EPILOGUE",
         "fused into the " + f.qt + " " + node(head).op_type + " '" + node(head).name + "' as its epilogue; the fused kernel writes " +
             (f.q_out >= 0 ? f.qt : "float (" + flt + ")"),
         "R6", n.op_type == "Relu" || n.op_type == "BatchNormalization" || n.op_type == "Add" ? kDocumented : kInferred);
    if (x == f.residual_add && f.residual_float && f.q_after_float_residual >= 0)
      warn(v, "TRT_QDQ_RESIDUAL_ONE_BRANCH",
           "the residual Add fuses into '" + node(head).name + "' but its other (skip) input is float, so the fused output is " +
               flt + " and the QuantizeLinear after it runs standalone",
           "Put QuantizeLinear/DequantizeLinear on the skip branch of the Add so the fused output is " + f.qt, "R6",
           kDocumented);
  }

  void apply_explicit(NodeVerdict& v) const {
    const NodeRef& n = node(v.index);
    if (v.status == Status::kUnsupported) return;
    if (v.runs_in == "plugin") {
      if (r.fact<bool>("qdq_layers", false)) apply_plugin(v);
      return;
    }
    if (!r.fact<bool>("qdq_layers", false)) {
      if (is_qdq(n.op_type))
        note(v, "QDQ_SCALE_LAYER",
             r.display() + " imports this node as a Scale layer; without an explicit-precision network the resulting "
                           "precision is unpredictable",
             "R0", kInferred);
      return;
    }
    if (is_qdq(n.op_type)) return apply_qdq(v.index, v);
    if (is_weighted(n.op_type)) return apply_weighted(v.index, v);
    if (is_epilogue(n.op_type)) {
      const int head = epilogue_head(v.index);
      if (head >= 0) return apply_epilogue(v.index, head, v);
    }
    if (const Commuting* c = commuting(n.op_type)) return apply_commuting(v.index, *c, v);
    if (auto it = island_ops().find(n.op_type); it != island_ops().end()) return apply_island(v.index, it->second, v);
    const int dtype = dtype_from_name(v.compute_type);
    if (dtype == kFloat || dtype == kFloat16 || dtype == kBfloat16) apply_non_quantizable(v.index, v);
  }

  // A.4 / R1 exception: INormalizationLayer (LayerNormalization and GroupNormalization from 8.6, the native
  // InstanceNormalization from 10.0; before 10.0 InstanceNormalization is a plugin by default) computes in FP32 in a
  // weakly typed build whatever the builder precisions. The parser passes LayerNormalization's stash_type (default
  // FLOAT) to setComputePrecision. A strongly typed network has no separate compute precision: its ONNX type decides.
  void apply_weak_normalization(NodeVerdict& v) const {
    if (t.strongly_typed || v.status == Status::kUnsupported || v.runs_in == "plugin") return;
    const NodeRef& n = node(v.index);
    if (!is_normalization(n.op_type) || !r.at_least(8, 6)) return;
    if (n.op_type == "InstanceNormalization" && r.major < 10) return;
    if (v.runs_in != "fp16" && v.runs_in != "bf16") return;  // fp32 already: nothing changes
    std::int64_t stash = 1;  // FLOAT
    if (n.op_type == "LayerNormalization")
      if (const auto* a = find_attribute(*n.proto, "stash_type")) stash = a->i();
    const std::string stash_runs = stash == kFloat16 ? "fp16" : stash == kBfloat16 ? "bf16" : "fp32";
    if (stash_runs == v.runs_in) {
      note(v, "NORM_STASH_TYPE",
           "stash_type " + std::string(dtype_name(static_cast<int>(stash))) + " asks for " + stash_runs +
               " compute: " + n.op_type + " computes in " + stash_runs + " (normalization layers compute in fp32 "
               "unless told otherwise)",
           "R1", kDocumented);
      return;
    }
    v.runs_in = "fp32";
    if (v.status == Status::kConvertible) v.status = Status::kFallback;
    note(v, "NORM_FP32_COMPUTE",
         n.op_type + " computes in fp32 in a weakly typed build even with fp16/bf16 enabled (TensorRT's normalization "
                     "layer" +
             std::string(n.op_type == "LayerNormalization" ? "; the parser passes stash_type, default FLOAT, as its "
                                                             "compute precision"
                                                           : " keeps fp32 compute by default") +
             "); with --strongly-typed it computes in its ONNX type",
         "R1", kDocumented);
  }

  void apply_strong_types(NodeVerdict& v) const {
    if (v.status == Status::kUnsupported || v.runs_in == "plugin") return;
    const int dtype = dtype_from_name(v.compute_type);
    if (dtype == kFloat || dtype == kFloat16 || dtype == kBfloat16) {
      v.runs_in = dtype == kFloat ? "fp32" : dtype == kFloat16 ? "fp16" : "bf16";
      if (is_normalization(node(v.index).op_type)) v.runs_in = dtype == kFloat ? "fp32" : v.runs_in;
      note(v, "STRONGLY_TYPED",
           "strongly typed network: " + node(v.index).op_type + " computes in its ONNX type " + v.compute_type +
               " (builder precisions do not apply)",
           "R1", kDocumented);
    }
    if (v.status == Status::kFallback && v.reasons.empty()) v.status = Status::kConvertible;
  }

  void apply_implicit(NodeVerdict& v) const {
    if (v.status == Status::kUnsupported || v.runs_in == "plugin") return;
    const int dtype = dtype_from_name(v.compute_type);
    if (!(dtype == kFloat || dtype == kFloat16 || dtype == kBfloat16)) return;
    const NodeRef& n = node(v.index);
    if (v.runs_in == "int8") {
      // 10.x operator tables list INT8 for no compute op; the release data adds it back for the layers that keep
      // their INT8 kernels (tools/kbgen/ops.json kernel_types). Say so, with the reference's confidence (D.2).
      const OpInfo* op = r.op(n.op_type);
      const bool carried = op && op->has_matrix_types && !(op->matrix_types & bit(TrtType::INT8));
      note(v, "IMPLICIT_INT8_CANDIDATE",
           r.display() + " has an INT8 implementation of " + n.op_type +
               (carried ? " (its operator table lists quantized types for no op; the INT8 kernel is carried from the "
                          "8.x/9.x tables)"
                        : std::string()) +
               ": it runs in int8 only if calibration (or setDynamicRange) gives every tensor it reads and writes a "
               "range and the int8 kernel is the faster one; otherwise it stays in float",
           "D", carried ? implicit_int8_evidence(n.op_type) : kDocumented);
    } else {
      // From 10.0 the tables are silent on INT8 for every op, so "no INT8 kernel" is only what trtlens knows.
      const bool silent_table = r.major >= 10;
      note(v, "IMPLICIT_NO_INT8_KERNEL",
           r.display() + " lists no INT8 implementation of " + n.op_type + ": it runs in " + float_runs_in(v) +
               " whatever the calibration" +
               (silent_table ? " (the 10.x operator tables list INT8 for no op; trtlens knows INT8 kernels only for "
                               "convolution, matrix multiply and pooling)"
                             : std::string()),
           "D", silent_table ? kInferred : kDocumented);
    }
  }
};

QuantizationPass::QuantizationPass(const ModelIndex& index, const Target& target, const QuantizationInfo& info)
    : ix_(index), t_(target), info_(info) {}

void QuantizationPass::apply(NodeVerdict& v) const {
  const Impl impl{ix_, t_, *t_.release, info_};
  impl.apply_weak_normalization(v);  // every weakly typed build (A.4), whatever the quantization mode
  switch (info_.mode) {
    case QuantMode::kNone: return;
    case QuantMode::kImplicit:
      if (!v.precision.code.empty()) return;  // a normalization: no INT8 kernel, its fp32 note says why
      return impl.apply_implicit(v);
    case QuantMode::kStronglyTyped:
      impl.apply_strong_types(v);
      if (info_.qdq_nodes > 0) {
        // Q/DQ islands in a strongly typed network follow the explicit rules; the float rest keeps its ONNX type.
        const std::string code = v.precision.code;
        const PrecisionNote typed = v.precision;
        impl.apply_explicit(v);
        if (v.precision.code == code) v.precision = typed;
      }
      return;
    case QuantMode::kExplicit: return impl.apply_explicit(v);
  }
}

// ---- mode and model-level notes ----------------------------------------------------------------------------------

QuantizationInfo quantization_mode(const ModelIndex& index, const Target& target) {
  QuantizationInfo info;
  std::set<std::string> types;
  const QuantizationPass::Impl impl{index, target, *target.release, info};
  for (std::size_t i = 0; i < index.nodes().size(); ++i) {
    if (!is_qdq(index.nodes()[i].op_type)) continue;
    ++info.qdq_nodes;
    types.insert(impl.describe(static_cast<int>(i)).qt);
  }
  info.qdq_types.assign(types.begin(), types.end());
  const bool int8 = std::find(target.precisions.begin(), target.precisions.end(), Precision::INT8) != target.precisions.end();
  if (target.strongly_typed) info.mode = QuantMode::kStronglyTyped;
  else if (info.qdq_nodes > 0) info.mode = QuantMode::kExplicit;
  else if (int8) info.mode = QuantMode::kImplicit;
  return info;
}

Target float_precision_target(const Target& target, const QuantizationInfo& info) {
  Target t = target;
  if (info.mode == QuantMode::kImplicit) return t;
  if (info.mode == QuantMode::kStronglyTyped) {
    t.precisions = {Precision::FP32};
    t.strict = false;
    return t;
  }
  t.precisions.clear();
  for (Precision p : target.precisions)
    if (!is_quantized_precision(precision_name(p))) t.precisions.push_back(p);
  if (t.precisions.empty()) t.precisions.push_back(Precision::FP32);
  return t;
}

namespace {

// R11: network inputs and outputs keep their declared ONNX types. Quantized I/O is INT8/FP8/INT4/FP4 data that the
// caller supplies or receives. Without Q/DQ, INT8 I/O needs a dynamic range like any implicit INT8 tensor (TensorRT
// #1973); FP8/INT4/FP4 (and INT8 in an explicit network) are reached only through Q/DQ, so such a tensor should be
// read by a DequantizeLinear or written by a QuantizeLinear.
void network_io_issues(const ModelIndex& index, const Target& target, const QuantizationInfo& info,
                       std::vector<ModelIssue>& out) {
  const auto& g = index.proto().graph();
  auto check = [&](const std::string& name, bool input) {
    const TensorInfo* ti = index.find(0, name);
    if (!ti || ti->is_constant() || ti->dtype == kUint8) return;  // UINT8 I/O is ordinary (image inputs, Cast)
    const std::string qt = qtype_of_dtype(ti->dtype);
    if (qt.empty()) return;
    const std::string what = std::string(input ? "network input '" : "network output '") + name + "' is " +
                             std::string(dtype_name(ti->dtype));
    if (info.qdq_nodes == 0 && qt == "int8" && !target.strongly_typed) {
      const bool implicit = info.mode == QuantMode::kImplicit;
      ModelIssue m{false, "TRT_QUANTIZED_NETWORK_IO",
                   what + " and the model has no QuantizeLinear/DequantizeLinear: TensorRT needs a dynamic range for "
                          "it (calibration or setDynamicRange)" +
                       std::string(implicit ? "" : " and int8 among the builder precisions"),
                   implicit ? "" : kInferred};
      m.hint = "Give the tensor a range (calibration), or make the I/O float and quantize inside with Q/DQ";
      out.push_back(std::move(m));
      return;
    }
    bool through_qdq = true;
    if (input) {
      const auto consumers = index.consumers(0, name);
      for (int c : consumers) through_qdq = through_qdq && is_dequantize(index.nodes()[static_cast<std::size_t>(c)].op_type);
      through_qdq = through_qdq && !consumers.empty();
    } else {
      through_qdq = ti->producer >= 0 && is_quantize(index.nodes()[static_cast<std::size_t>(ti->producer)].op_type);
    }
    if (through_qdq) return;
    ModelIssue m{false, "TRT_QUANTIZED_NETWORK_IO",
                 what + ", but " + (input ? "no DequantizeLinear reads it" : "no QuantizeLinear writes it") +
                     ": TensorRT reaches " + qt + " only through Q/DQ (quantized types), so the layers " +
                     (input ? "reading" : "writing") + " it must take " + qt + " directly, which few can",
                 kInferred};
    m.hint = input ? "Put a DequantizeLinear right after the input" : "End the graph with a QuantizeLinear";
    out.push_back(std::move(m));
  };
  for (const auto& in : g.input()) check(in.name(), true);
  for (const auto& o : g.output()) check(o.name(), false);
}

}  // namespace

std::vector<ModelIssue> quantization_model_issues(const ModelIndex& index, const Target& target,
                                                  const QuantizationInfo& info) {
  std::vector<ModelIssue> out;
  network_io_issues(index, target, info, out);
  const Release& r = *target.release;
  std::string requested_quant, requested_float;
  for (Precision p : target.precisions) {
    const std::string name(precision_name(p));
    (is_quantized_precision(name) ? requested_quant : requested_float) +=
        ((is_quantized_precision(name) ? requested_quant : requested_float).empty() ? "" : ", ") + name;
  }
  std::string types;
  for (const auto& q : info.qdq_types) types += (types.empty() ? "" : ", ") + q;
  switch (info.mode) {
    case QuantMode::kNone:
      if (!requested_quant.empty())
        out.push_back({false, "TRT_QUANT_PRECISION_NEEDS_QDQ",
                       requested_quant + " requested but the model has no QuantizeLinear/DequantizeLinear: " +
                           requested_quant + " is used only through Q/DQ (or by plugins with such I/O); every layer runs "
                           "in float",
                       ""});
      return out;
    case QuantMode::kImplicit:
      out.push_back({false, "TRT_IMPLICIT_QUANTIZATION",
                     "int8 requested and the model has no QuantizeLinear/DequantizeLinear: implicit quantization. Layers "
                     "run in int8 only where " + r.display() + " has an INT8 implementation, a calibrator (or "
                     "setDynamicRange) gave every tensor they touch a range, and int8 is faster; the per-node int8 "
                     "answers are candidates, not guarantees",
                     ""});
      if (r.fact<bool>("implicit_int8_deprecated", false))
        out.push_back({false, "TRT_IMPLICIT_QUANTIZATION_DEPRECATED",
                       "implicit quantization (calibrators, setDynamicRange) is deprecated since TensorRT 10.1 and "
                       "removed in 11.0: export the model with QuantizeLinear/DequantizeLinear (explicit quantization, "
                       "e.g. with NVIDIA ModelOpt) instead",
                       ""});
      return out;
    case QuantMode::kStronglyTyped:
      if (!target.precisions.empty() &&
          !(target.precisions.size() == 1 && target.precisions[0] == Precision::FP32))
        out.push_back({false, "TRT_STRONGLY_TYPED_IGNORES_PRECISIONS",
                       "strongly typed network: the builder precisions (" + requested_float +
                           (requested_float.empty() || requested_quant.empty() ? "" : ", ") + requested_quant +
                           ") do not apply; every node runs in the type its ONNX inputs and Cast/Q/DQ give it",
                       ""});
      break;
    case QuantMode::kExplicit:
      break;
  }
  if (info.qdq_nodes == 0) return out;
  if (!r.fact<bool>("qdq_layers", false)) {
    out.push_back({false, "TRT_QDQ_EXPLICIT_PRECISION_ONLY",
                   r.display() + " has no Q/DQ layers: QuantizeLinear/DequantizeLinear import as Scale layers, and real "
                   "Q/DQ semantics need an explicit-precision network (Polygraphy explicit_precision; trtexec cannot "
                   "make one). The precision of the quantized part is unpredictable",
                   kInferred});
    return out;
  }
  out.push_back({false, "TRT_EXPLICIT_QUANTIZATION",
                 std::to_string(info.qdq_nodes) + " QuantizeLinear/DequantizeLinear node(s) (" + types +
                     "): explicit quantization. Only the Q/DQ placement decides where " + types +
                     " kernels run; a calibrator is ignored, and every node not covered by Q/DQ runs in " +
                     (target.strongly_typed ? std::string("its ONNX type")
                                            : "float (" + (requested_float.empty() ? std::string("fp32") : requested_float) + ")"),
                 ""});
  for (const auto& q : info.qdq_types) {
    if (contains(r.facts, "qdq_parse_only_types", q))
      out.push_back({true, "TRT_QDQ_TYPE_NOT_BUILDABLE",
                     r.display() + " parses " + q + " Q/DQ but cannot build them (" + q + " is documented as not "
                     "supported yet); use a newer release",
                     ""});
    else if (!contains(r.facts, "qdq_build_types", q))
      out.push_back({true, "TRT_QDQ_TYPE_NOT_BUILDABLE", r.display() + " has no " + q + " quantization", ""});
  }
  if (!target.strongly_typed) {
    const bool int8_q = std::find(info.qdq_types.begin(), info.qdq_types.end(), "int8") != info.qdq_types.end();
    const bool int8_p = std::find(target.precisions.begin(), target.precisions.end(), Precision::INT8) != target.precisions.end();
    if (int8_q && !int8_p) {
      // Error Code 4 is reported for 8.x; for 10.x it is not confirmed (quantization.md A.2, H4): a warning there.
      const bool inferred = r.major >= 10;
      out.push_back({!inferred, "TRT_QDQ_INT8_NOT_ENABLED",
                     "the model has INT8 Q/DQ but int8 is not among the builder precisions: a weakly typed build "
                     "fails with 'Int8 precision has been set for a layer or layer output, but int8 is not configured "
                     "in the builder'" + std::string(inferred ? " (seen in 8.x; assumed unchanged in 10.x)" : ""),
                     inferred ? kInferred : ""});
    }
    if (r.fact<bool>("weak_typing_deprecated", false))
      out.push_back({false, "TRT_WEAK_TYPING_DEPRECATED",
                     "weakly typed networks (builder precision flags) are deprecated since TensorRT 10.12; NVIDIA "
                     "recommends explicit quantization with --strongly-typed",
                     ""});
  }
  return out;
}

}  // namespace trtlens
