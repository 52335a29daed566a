// Static shape agreement of Conv, ConvTranspose and DeformConv (importer-rules.md B:Conv, B:ConvTranspose,
// B:DeformConv): the importers compare kernel, channel and bias shapes where they are known.
#include "rules/registry.h"

namespace trtlens {
namespace {

Finding shape_error(const RuleContext& c, const std::string& what) {
  return Finding{c.release.display() + " rejects " + c.ref().op_type + ": " + what,
                 "Fix the exported weights/attributes so that the shapes agree (re-export, or run onnxsim to "
                 "re-infer shapes)",
                 "", std::nullopt};
}

std::string dims_text(const std::vector<std::int64_t>& d, std::size_t from = 0) {
  std::string s = "[";
  for (std::size_t i = from; i < d.size(); ++i) s += (i > from ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

std::optional<Finding> conv_shapes(const RuleContext& c) {
  const std::string kind = c.param_string("kind");
  const TensorInfo* x = c.input(0);
  const TensorInfo* w = c.input(1);
  if (!x || !w || x->rank < 0 || w->rank < 0) return std::nullopt;
  const std::int64_t group = c.attr_int("group").value_or(1);
  const int spatial = x->rank - 2;
  if (w->rank - 2 != spatial)
    return shape_error(c, "the weight has rank " + std::to_string(w->rank) + " but the input has rank " +
                              std::to_string(x->rank) + " (spatial dimension counts differ)");
  if (auto ks = c.attr_ints("kernel_shape")) {
    if (kind == "deform_conv") {
      if (static_cast<int>(ks->size()) != spatial)
        return shape_error(c, "kernel_shape has " + std::to_string(ks->size()) + " entries for " +
                                  std::to_string(spatial) + " spatial dimensions");
    } else {
      for (int k = 0; k < spatial && k < static_cast<int>(ks->size()); ++k) {
        const auto wd = w->dims[static_cast<std::size_t>(k + 2)];
        if (wd >= 0 && wd != (*ks)[static_cast<std::size_t>(k)])
          return shape_error(c, "kernel_shape " + dims_text(*ks) + " differs from the weight's spatial dims " +
                                    dims_text(w->dims, 2));
      }
      if (static_cast<int>(ks->size()) != spatial)
        return shape_error(c, "kernel_shape has " + std::to_string(ks->size()) + " entries for " +
                                  std::to_string(spatial) + " spatial dimensions");
    }
  }
  const std::int64_t in_c = x->rank >= 2 ? x->dims[1] : -1;
  if (in_c >= 0) {
    if (kind == "conv_transpose") {
      if (w->dims[0] >= 0 && w->dims[0] != in_c)
        return shape_error(c, "the weight's dim 0 (" + std::to_string(w->dims[0]) +
                                  ") must equal the input channels (" + std::to_string(in_c) + ")");
    } else if (w->dims[1] >= 0 && w->dims[1] * group != in_c) {
      return shape_error(c, "weight dim 1 (" + std::to_string(w->dims[1]) + ") x group (" + std::to_string(group) +
                                ") must equal the input channels (" + std::to_string(in_c) + ")");
    }
  }
  const int bias_input = kind == "deform_conv" ? 3 : 2;
  const TensorInfo* b = c.input(bias_input);
  if (c.present(bias_input) && b && b->is_constant() && b->rank >= 0) {
    const std::int64_t out_c = kind == "conv_transpose" ? (w->dims[1] >= 0 ? w->dims[1] * group : -1) : w->dims[0];
    if (b->rank > 1)
      return shape_error(c, "the bias must be 1-D; it has rank " + std::to_string(b->rank));
    if (b->rank == 1 && out_c >= 0 && b->dims[0] >= 0 && b->dims[0] != out_c)
      return shape_error(c, "the bias has " + std::to_string(b->dims[0]) + " values for " + std::to_string(out_c) +
                                " output channels");
  }
  if (kind == "conv_transpose") {
    auto output_shape = c.attr_ints("output_shape");
    const std::string auto_pad = c.attr_string("auto_pad").value_or("NOTSET");
    if (output_shape && auto_pad == "NOTSET" && !output_shape->empty()) {
      const auto strides = c.attr_ints("strides").value_or(std::vector<std::int64_t>(spatial, 1));
      const auto dilations = c.attr_ints("dilations").value_or(std::vector<std::int64_t>(spatial, 1));
      const auto out_pad = c.attr_ints("output_padding").value_or(std::vector<std::int64_t>(spatial, 0));
      const std::size_t offset = output_shape->size() > static_cast<std::size_t>(spatial) ? output_shape->size() - spatial : 0;
      for (int k = 0; k < spatial; ++k) {
        const auto in = x->dims[static_cast<std::size_t>(k + 2)], kd = w->dims[static_cast<std::size_t>(k + 2)];
        const std::size_t ok = static_cast<std::size_t>(k);
        if (in < 0 || kd < 0 || ok + offset >= output_shape->size() || ok >= strides.size() || ok >= dilations.size())
          continue;
        const std::int64_t total = strides[ok] * (in - 1) + (ok < out_pad.size() ? out_pad[ok] : 0) +
                                   ((kd - 1) * dilations[ok] + 1) - (*output_shape)[ok + offset];
        if (total / 2 < 0)
          return shape_error(c, "output_shape " + dims_text(*output_shape) + " needs negative begin padding on axis " +
                                    std::to_string(k + 2));
      }
    }
  }
  return std::nullopt;
}

// A Conv whose weights are computed (not an initializer or Constant output): 7.2.1's importer refuses it unless the
// network has explicit precision; 8.0-8.4 pass it to TensorRT, whose convolution layer takes a weight tensor only in
// an explicitly quantized network (the parser fails when it creates the layer). 8.5 accepts dynamic weights. The
// model counts as explicitly quantized when it holds a QuantizeLinear or DequantizeLinear node.
bool explicitly_quantized(const ModelIndex& index) {
  for (const auto& n : index.nodes())
    if (n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear") return true;
  return false;
}

std::optional<Finding> conv_runtime_weights(const RuleContext& c) {
  if (!c.present(1) || c.is_constant(1) || explicitly_quantized(c.index)) return std::nullopt;
  return Finding{c.release.display() + " takes " + c.ref().op_type + " weights (input 1 '" + c.input_name(1) +
                     "') as a computed tensor only in an explicitly quantized (Q/DQ) network; this model has no "
                     "Q/DQ nodes",
                 "Make the weights an initializer (constant-fold the model), or upgrade to TensorRT 8.5+, which "
                 "accepts computed convolution weights",
                 "", std::nullopt};
}

TRTLENS_REGISTER_RULE("custom:conv_shapes", conv_shapes, "TRT_CONV_SHAPES", false,
                      "kernel, channel and bias shapes agree");
TRTLENS_REGISTER_RULE("custom:conv_runtime_weights", conv_runtime_weights, "TRT_CONV_WEIGHTS_NOT_CONSTANT", false,
                      "computed weights only in an explicitly quantized network");

}  // namespace
}  // namespace trtlens
