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

bool is_quantized_precision(std::string_view p) { return p == "int8" || p == "fp8" || p == "int4" || p == "fp4"; }

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

const onnx::AttributeProto* attr(const NodeRef& n, std::string_view name) {
  for (const auto& a : n.proto->attribute())
    if (a.name() == name) return &a;
  return nullptr;
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
      if (const auto* a = attr(n, "output_dtype"); a && a->i() != 0) d.qt = qtype_of_dtype(static_cast<int>(a->i()));
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
      const auto* a = attr(n, "axis");
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
    if (q >= 0 && describe(q).qt == f.qt) {
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
      const auto* tb = attr(n, "transB");
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
        const auto* g = attr(n, "group");
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
    std::string why;
    if (a >= 0 && w >= 0) {
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
    note(v, "QDQ_PARTIAL_INPUTS", why + "; " + n.op_type + " runs in " + flt, "R5", kInferred);
    warn(v, "TRT_QDQ_NOT_FUSED", why + "; runs in " + flt,
         a < 0 ? "Put QuantizeLinear/DequantizeLinear on the activation input too (per-tensor scale)"
               : w < 0 ? "Quantize the weights too (DequantizeLinear on a per-channel weight initializer, axis 0 for "
                         "Conv)"
                       : "Quantize both inputs to the same type",
         "R5", kInferred);
  }

  void apply_island(int x, const char* confidence, NodeVerdict& v) const {
    const NodeRef& n = node(x);
    int quantized = 0, data = 0;
    std::string missing, qt;
    for (int k = 0; k < n.proto->input_size(); ++k) {
      const std::string& in = n.proto->input(k);
      if (in.empty() || constant_rooted(n.scope, in)) continue;
      ++data;
      const int s = dq_source(n.scope, in);
      if (s >= 0) ++quantized, qt = describe(s).qt;
      else if (missing.empty()) missing = std::to_string(k);
    }
    const int q = n.proto->output_size() == 1 ? q_after(n.scope, out_name(x)) : -1;
    const std::string flt = float_runs_in(v);
    if (quantized == 0 && (q < 0 || data == 0)) return;
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
    std::string why = quantized < data ? "no DequantizeLinear on input " + missing
                                       : "no QuantizeLinear after the output";
    note(v, "QDQ_PARTIAL_INPUTS", why + ": " + n.op_type + " runs in " + flt + " with standalone (de)quantize", "R7",
         kInferred);
    if (n.op_type == "Add" && quantized > 0 && quantized < data)
      warn(v, "TRT_QDQ_RESIDUAL_ONE_BRANCH",
           "only one branch of this Add is quantized (" + why + "): the Add runs in " + flt +
               " and the DequantizeLinear runs standalone",
           "Quantize the other branch too (QuantizeLinear/DequantizeLinear on the skip connection) so the Add fuses "
           "into the convolution before it",
           "R6", kDocumented);
    else
      warn(v, "TRT_QDQ_NOT_FUSED", why + "; runs in " + flt,
           quantized < data ? "Put QuantizeLinear/DequantizeLinear on every input of " + n.op_type
                            : "Add a QuantizeLinear on the output of " + n.op_type + " (or remove the input Q/DQ)",
           "R7", kInferred);
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
    if (s >= 0) qt = describe(s).qt;
    else if (n.proto->output_size() == 1 && n.op_type != "Concat") {
      const int q = q_after(n.scope, out_name(x));
      if (q >= 0) qt = describe(q).qt;
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
      for (int c : ix.consumers(n.scope, out)) all_absorbed = all_absorbed && absorbs(c);
      if (all_absorbed && !ix.consumers(n.scope, out).empty())
        note(v, "QDQ_FUSED", "fused into its consumer(s), which read " + d.qt + " data", "R4/R5", kDocumented);
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
    else
      note(v, "QDQ_STANDALONE", "its input is float: this QuantizeLinear runs as its own kernel", "R5", kDocumented);
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
    if (v.status == Status::kUnsupported || v.runs_in == "plugin") return;
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
    if (v.runs_in == "int8")
      note(v, "IMPLICIT_INT8_CANDIDATE",
           r.display() + " has an INT8 implementation of " + n.op_type +
               ": it runs in int8 only if calibration (or setDynamicRange) gives every tensor it reads and writes a "
               "range and the int8 kernel is the faster one; otherwise it stays in float",
           "D", kDocumented);
    else
      note(v, "IMPLICIT_NO_INT8_KERNEL",
           r.display() + " lists no INT8 implementation of " + n.op_type + ": it runs in " + float_runs_in(v) +
               " whatever the calibration",
           "D", kDocumented);
  }
};

QuantizationPass::QuantizationPass(const ModelIndex& index, const Target& target, const QuantizationInfo& info)
    : ix_(index), t_(target), info_(info) {}

void QuantizationPass::apply(NodeVerdict& v) const {
  const Impl impl{ix_, t_, *t_.release, info_};
  switch (info_.mode) {
    case QuantMode::kNone: return;
    case QuantMode::kImplicit: return impl.apply_implicit(v);
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

std::vector<ModelIssue> quantization_model_issues(const ModelIndex& index, const Target& target,
                                                  const QuantizationInfo& info) {
  (void)index;
  std::vector<ModelIssue> out;
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
