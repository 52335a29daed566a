// Shape checks TensorRT's layers make while the parser builds them. From 8.0 the parser queries every node output's
// dimensions right after importing the node and fails the node when TensorRT recorded an error (ModelImporter.cpp
// parseGraph at release/8.0 .. release/10.1-GA, parseNode in 10.15), so a static shape mismatch is a parse failure,
// not a build failure. 7.2.1 only logs those dimensions, so these checks are not attached there.
// Checks fire only on static facts; when a rank they need is unknown they warn TRT_SHAPE_UNKNOWN_FOR_CHECK instead
// (except the elementwise check, which skips silently).
#include <algorithm>

#include "rules/registry.h"

namespace trtlens {
namespace {

Finding shape_error(const RuleContext& c, const std::string& what, const std::string& hint) {
  return Finding{c.release.display() + " fails to build the layer for " + c.ref().op_type + " while parsing: " + what,
                 hint, "", std::nullopt};
}

Finding unknown_rank(const RuleContext& c, const std::string& what) {
  return Finding{"the rank of " + what + " is unknown, so trtlens cannot check the shapes " + c.release.display() +
                     " validates when it creates the " + c.ref().op_type + " layer",
                 "Declare the input shapes (or run onnxsim / ONNX shape inference) so the check can run",
                 "TRT_SHAPE_UNKNOWN_FOR_CHECK", true};
}

const TensorInfo* ranked(const RuleContext& c, int i) {
  const TensorInfo* t = c.input(i);
  return t && t->rank >= 0 ? t : nullptr;
}

// Right-aligned numpy broadcasting of static dims: the first axis (counted in the broadcast rank) where two static
// dims differ and neither is 1, or -1.
int broadcast_conflict(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t x = k < n - a.size() ? 1 : a[k - (n - a.size())];
    const std::int64_t y = k < n - b.size() ? 1 : b[k - (n - b.size())];
    if (x >= 0 && y >= 0 && x != y && x != 1 && y != 1) return static_cast<int>(k);
  }
  return -1;
}

// Elementwise ops (Add, Mul, Where, PRelu, ...): the importer prepends 1-dims to equalise ranks, then TensorRT's
// elementwise/select layer needs every axis to be equal or 1.
std::optional<Finding> broadcast_shapes(const RuleContext& c) {
  const std::vector<int> inputs = c.present_inputs();
  if (inputs.size() < 2) return std::nullopt;
  // Elementwise nodes are everywhere and often follow custom ops of unknown shape: an unknown rank skips the check
  // silently here (Concat, MatMul/Gemm, If and Loop say so with TRT_SHAPE_UNKNOWN_FOR_CHECK).
  for (int i : inputs)
    if (!ranked(c, i)) return std::nullopt;
  std::vector<std::int64_t> acc = c.input(inputs[0])->dims;
  for (std::size_t k = 1; k < inputs.size(); ++k) {
    const auto& d = c.input(inputs[k])->dims;
    const int axis = broadcast_conflict(acc, d);
    if (axis >= 0)
      return shape_error(c, "input '" + c.input_name(inputs[k]) + "' " + shape_text(d) + " does not broadcast with " +
                                shape_text(acc) + " (axis " + std::to_string(axis) + " of the broadcast shape)",
                         "Fix the shapes so that every axis is equal or 1 (insert Reshape/Unsqueeze/Expand)");
    const std::size_t n = std::max(acc.size(), d.size());
    std::vector<std::int64_t> merged(n);
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t x = j < n - acc.size() ? 1 : acc[j - (n - acc.size())];
      const std::int64_t y = j < n - d.size() ? 1 : d[j - (n - d.size())];
      merged[j] = x == 1 ? y : (y == 1 ? x : (x >= 0 ? x : y));
    }
    acc = std::move(merged);
  }
  return std::nullopt;
}

// Concat: TensorRT's concatenation layer needs equal ranks and equal sizes on every axis but the concatenation axis.
std::optional<Finding> concat_shapes(const RuleContext& c) {
  const std::vector<int> inputs = c.present_inputs();
  if (inputs.size() < 2) return std::nullopt;
  for (int i : inputs)
    if (!ranked(c, i)) return unknown_rank(c, "input '" + c.input_name(i) + "'");
  const TensorInfo* first = c.input(inputs[0]);
  const int rank = first->rank;
  std::int64_t axis = c.attr_int("axis").value_or(0);
  if (axis < 0) axis += rank;
  for (std::size_t k = 1; k < inputs.size(); ++k) {
    const TensorInfo* t = c.input(inputs[k]);
    if (t->rank != rank)
      return shape_error(c, "input '" + c.input_name(inputs[k]) + "' has rank " + std::to_string(t->rank) +
                                " but input '" + c.input_name(inputs[0]) + "' has rank " + std::to_string(rank),
                         "Give all Concat inputs the same rank (Unsqueeze/Reshape the odd one)");
    for (int d = 0; d < rank; ++d) {
      if (d == axis) continue;
      const auto x = first->dims[static_cast<std::size_t>(d)], y = t->dims[static_cast<std::size_t>(d)];
      if (x >= 0 && y >= 0 && x != y)
        return shape_error(c, "input '" + c.input_name(inputs[k]) + "' " + shape_text(t->dims) + " differs from '" +
                                  c.input_name(inputs[0]) + "' " + shape_text(first->dims) + " on axis " +
                                  std::to_string(d) + ", which is not the concatenation axis",
                           "Make the inputs agree on every axis except `axis`");
    }
  }
  return std::nullopt;
}

// MatMul (numpy semantics; the importer promotes 1-D operands and prepends 1-dims to batch axes) and Gemm (rank-2
// operands, transA/transB): the contracted sizes must agree and the batch axes must broadcast.
std::optional<Finding> matmul_shapes(const RuleContext& c) {
  const TensorInfo* a = ranked(c, 0);
  const TensorInfo* b = ranked(c, 1);
  if (!a) return unknown_rank(c, "input '" + c.input_name(0) + "'");
  if (!b) return unknown_rank(c, "input '" + c.input_name(1) + "'");
  const bool gemm = c.param_string("kind") == "gemm";
  std::vector<std::int64_t> ad = a->dims, bd = b->dims;
  if (gemm) {
    if (ad.size() != 2 || bd.size() != 2) return std::nullopt;  // TRT_GEMM_*_RANK reports this
    if (c.attr_int("transA").value_or(0)) std::swap(ad[0], ad[1]);
    if (c.attr_int("transB").value_or(0)) std::swap(bd[0], bd[1]);
  }
  if (ad.empty() || bd.empty())
    return shape_error(c, "a 0-D operand cannot be multiplied", "Reshape the scalar operand to 1-D or use Mul");
  if (ad.size() == 1) ad.insert(ad.begin(), 1);
  if (bd.size() == 1) bd.push_back(1);
  const std::int64_t ka = ad.back(), kb = bd[bd.size() - 2];
  if (ka >= 0 && kb >= 0 && ka != kb)
    return shape_error(c, "the contracted dimensions differ: A " + shape_text(a->dims) + " has " + std::to_string(ka) +
                              ", B " + shape_text(b->dims) + " has " + std::to_string(kb),
                       "Fix the operand shapes (or transA/transB) so that A's last and B's second-to-last dimension "
                       "agree");
  const std::vector<std::int64_t> abatch(ad.begin(), ad.end() - 2), bbatch(bd.begin(), bd.end() - 2);
  if (broadcast_conflict(abatch, bbatch) >= 0)
    return shape_error(c, "the batch dimensions of A " + shape_text(a->dims) + " and B " + shape_text(b->dims) +
                              " do not broadcast",
                       "Make the batch dimensions equal or 1");
  return std::nullopt;
}

// TopK: TensorRT's TopK layer supports K up to `max_k` (3840). Where the importer passes K to the layer as a number
// (the `k` attribute before opset 10; the K initializer before 8.6), a larger K fails layer creation; from 8.6 K is
// always passed as a tensor and the limit is only enforced when the engine is built (mode `build`: a warning).
std::optional<Finding> topk_k_limit(const RuleContext& c) {
  const int max_k = c.param_int("max_k", 3840);
  std::optional<double> k;
  bool from_attr = false;
  if (auto a = c.attr_int("k"); a && c.opset() < 10) {
    k = static_cast<double>(*a);
    from_attr = true;
  } else if (auto v = c.constant_values(1, 1); v && v->size() == 1) {
    k = (*v)[0];
  }
  if (!k || *k <= max_k) return std::nullopt;
  const std::string what = "K = " + std::to_string(static_cast<long long>(*k)) + " exceeds TensorRT's TopK limit of " +
                           std::to_string(max_k);
  const std::string hint = "Reduce K to at most " + std::to_string(max_k) + " (e.g. split the axis, or sort with a "
                           "plugin)";
  if (c.param_string("mode") == "build" && !from_attr)
    return Finding{c.release.display() + " passes K to TensorRT as a tensor, so the parse succeeds, but the engine "
                                         "build fails: " + what,
                   hint, "TRT_TOPK_K_LIMIT_AT_BUILD", true};
  return shape_error(c, what, hint);
}

TRTLENS_REGISTER_RULE("custom:broadcast_shapes", broadcast_shapes, "TRT_BROADCAST_SHAPES", false,
                      "static input shapes broadcast (elementwise layers)");
TRTLENS_REGISTER_RULE("custom:concat_shapes", concat_shapes, "TRT_CONCAT_SHAPES", false,
                      "Concat inputs agree in rank and non-axis sizes");
TRTLENS_REGISTER_RULE("custom:matmul_shapes", matmul_shapes, "TRT_MATMUL_SHAPES", false,
                      "MatMul/Gemm contracted and batch sizes agree");
TRTLENS_REGISTER_RULE("custom:topk_k_limit", topk_k_limit, "TRT_TOPK_K_LIMIT", false, "TopK K within TensorRT's limit");

}  // namespace
}  // namespace trtlens
