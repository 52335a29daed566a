// Whether one node's layers can run on the DLA: the layer kinds a release's DLA runs and the per-layer limits
// (kernel sizes, strides, padding, groups, pooling windows, resize modes, ...). The numbers are data
// (data/hardware/hardware.json, dla_limits); which parameter of which ONNX op they bound is here.
#include <algorithm>
#include <cmath>

#include "hw/hardware.h"
#include "rules/context.h"

namespace trtlens {

namespace {

struct NodeView {
  const ModelIndex& index;
  int node;
  const NodeRef& ref;

  const onnx::AttributeProto* attr(std::string_view name) const { return find_attribute(*ref.proto, name); }
  std::optional<std::vector<std::int64_t>> ints(std::string_view name) const {
    const auto* a = attr(name);
    if (!a) return std::nullopt;
    return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
  }
  std::optional<std::int64_t> integer(std::string_view name) const {
    const auto* a = attr(name);
    if (!a) return std::nullopt;
    return a->i();
  }
  std::string string(std::string_view name, std::string fallback) const {
    const auto* a = attr(name);
    return a ? a->s() : fallback;
  }
  const TensorInfo* input(int i) const { return index.input(node, i); }
  bool present(int i) const { return i < ref.proto->input_size() && !ref.proto->input(i).empty(); }
  std::optional<std::vector<double>> values(int i) const {
    const TensorInfo* t = input(i);
    if (!t || !t->is_constant()) return std::nullopt;
    return tensor_values(index.external(), *t->value(), 64);
  }
  int rank(int i) const {
    const TensorInfo* t = input(i);
    return t ? t->rank : -1;
  }
};

std::string list_text(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::pair<std::int64_t, std::int64_t> range_of(const nlohmann::json& limits, const char* key) {
  const auto& r = limits.at(key);
  return {r.at(0).get<std::int64_t>(), r.at(1).get<std::int64_t>()};
}

// The first value of `values` outside [lo, hi], as a DlaCheck naming the parameter.
DlaCheck out_of_range(const std::string& layer, const char* what, const std::vector<std::int64_t>& values,
                      std::pair<std::int64_t, std::int64_t> range, const std::string& confidence) {
  for (auto v : values)
    if (v < range.first || v > range.second)
      return {"TRT_DLA_LAYER_LIMIT",
              "DLA " + layer + " " + what + " must be in [" + std::to_string(range.first) + ", " +
                  std::to_string(range.second) + "]; this node has " + list_text(values),
              confidence};
  return {};
}

int spatial_rank(const NodeView& n) {
  if (auto k = n.ints("kernel_shape")) return static_cast<int>(k->size());
  if (const TensorInfo* w = n.input(1); w && w->rank > 2 && (n.ref.op_type == "Conv" || n.ref.op_type == "ConvTranspose"))
    return w->rank - 2;
  const int r = n.rank(0);
  return r > 2 ? r - 2 : -1;
}

std::vector<std::int64_t> kernel_of(const NodeView& n) {
  if (auto k = n.ints("kernel_shape")) return *k;
  if (const TensorInfo* w = n.input(1); w && w->rank > 2) return {w->dims.begin() + 2, w->dims.end()};
  return {};
}

std::vector<std::int64_t> or_default(std::optional<std::vector<std::int64_t>> v, std::size_t n, std::int64_t value) {
  return v && !v->empty() ? *v : std::vector<std::int64_t>(n, value);
}

DlaCheck check_rank2(const NodeView& n, const std::string& layer, const std::string& confidence) {
  const int r = spatial_rank(n);
  if (r >= 0 && r != 2)
    return {"TRT_DLA_LAYER_LIMIT", "DLA " + layer + " supports 2 spatial dimensions only; this node has " + std::to_string(r),
            confidence};
  return {};
}

DlaCheck check_conv(const NodeView& n, const nlohmann::json& lim) {
  const std::string conf = lim.value("confidence", "code");
  if (auto c = check_rank2(n, "convolution", conf); !c.ok()) return c;
  const auto kernel = kernel_of(n);
  const std::size_t rank = kernel.size();
  if (auto c = out_of_range("convolution kernel size", "values", kernel, range_of(lim, "kernel"), conf); !c.ok()) return c;
  if (auto c = out_of_range("convolution", "strides", or_default(n.ints("strides"), rank, 1), range_of(lim, "stride"), conf);
      !c.ok())
    return c;
  const auto pads = or_default(n.ints("pads"), rank * 2, 0);
  if (auto c = out_of_range("convolution", "pads", pads, range_of(lim, "pad"), conf); !c.ok()) return c;
  for (std::size_t i = 0; i < pads.size() && rank; ++i)
    if (pads[i] >= kernel[i % rank])
      return {"TRT_DLA_LAYER_LIMIT",
              "DLA convolution padding must be smaller than the kernel; pads " + list_text(pads) + " with kernel " +
                  list_text(kernel),
              conf};
  if (auto c = out_of_range("convolution", "dilations", or_default(n.ints("dilations"), rank, 1), range_of(lim, "dilation"), conf);
      !c.ok())
    return c;
  if (auto c = out_of_range("convolution", "group", {n.integer("group").value_or(1)}, range_of(lim, "groups"), conf); !c.ok())
    return c;
  if (const TensorInfo* w = n.input(1); w && w->rank > 0 && w->dims[0] > 0)
    if (auto c = out_of_range("convolution", "output channels", {w->dims[0]}, range_of(lim, "out_channels"), conf); !c.ok())
      return c;
  return {};
}

// The convolution buffer (CBUF) a DLA convolution needs, in banks: the weights of one kernel (rounded up to whole
// banks) plus the activation rows the kernel's dilated height spans. Element sizes: INT8 1 byte, FP16 2.
std::int64_t cbuf_banks(const nlohmann::json& cbuf, std::int64_t channels, std::int64_t width, std::int64_t kernel_h,
                        std::int64_t kernel_w, std::int64_t dilation_h, int element_bytes) {
  const auto ceil_div = [](std::int64_t a, std::int64_t b) { return (a + b - 1) / b; };
  const std::int64_t round = cbuf.at("weight_round_bytes").get<std::int64_t>();
  const std::int64_t kernel_bytes = ceil_div(channels * kernel_h * kernel_w * element_bytes, round) * round;
  const std::int64_t weight_banks = ceil_div(kernel_bytes, cbuf.at("weight_bank_bytes").get<std::int64_t>());
  const std::int64_t entries_per_slice =
      ceil_div(ceil_div(channels * element_bytes, cbuf.at("data_entry_bytes").get<std::int64_t>()) * width,
               cbuf.at("data_width_per_entry").get<std::int64_t>());
  const std::int64_t dilated_kernel_h = (kernel_h - 1) * dilation_h + 1;
  const std::int64_t data_banks = ceil_div(entries_per_slice * dilated_kernel_h, cbuf.at("data_bank_entries").get<std::int64_t>());
  return weight_banks + data_banks;
}

// From 8.4 (documented) / 8.6.0 (TensorRT checks it itself) a convolution whose CBUF demand exceeds the banks allotted
// does not run on the DLA. Needs the input's channels and width and the kernel; unknown sizes skip the check.
DlaCheck check_conv_cbuf(const NodeView& n, const nlohmann::json& cbuf, const nlohmann::json& rel_dla,
                         std::string_view runs_in) {
  const auto it = rel_dla.find("cbuf");
  if (it == rel_dla.end()) return {};
  const TensorInfo* x = n.input(0);
  const auto kernel = kernel_of(n);
  if (!x || x->rank != 4 || kernel.size() != 2) return {};
  const std::int64_t channels = x->dims[1], width = x->dims[3];
  if (channels <= 0 || width <= 0 || kernel[0] <= 0 || kernel[1] <= 0) return {};
  const std::int64_t dilation_h = or_default(n.ints("dilations"), 2, 1)[0];
  const int bytes = runs_in == "int8" ? 1 : 2;
  const std::int64_t demand = cbuf_banks(cbuf, channels, width, kernel[0], kernel[1], dilation_h, bytes);
  const std::int64_t banks = cbuf.at("banks").get<std::int64_t>();
  if (demand <= banks) return {};
  return {"TRT_DLA_CBUF",
          "DLA convolution needs " + std::to_string(demand) + " convolution-buffer banks (weights of one kernel plus "
              "the input rows it spans: " + std::to_string(channels) + " channels, width " + std::to_string(width) +
              ", kernel " + list_text(kernel) + ", " + std::string(runs_in == "int8" ? "INT8" : "FP16") + "); the DLA has " +
              std::to_string(banks) + (it->value("note", "").empty() ? "" : " (" + it->value("note", "") + ")"),
          it->value("confidence", "doc")};
}

DlaCheck check_deconv(const NodeView& n, const nlohmann::json& lim, const Release& release) {
  const std::string conf = lim.value("confidence", "code");
  if (auto c = check_rank2(n, "deconvolution", conf); !c.ok()) return c;
  const auto kernel = kernel_of(n);
  const auto kernel_range = range_of(lim, "kernel");  // plain variables: the lambda below captures them
  const std::int64_t lo = kernel_range.first, hi = kernel_range.second;
  const auto longs = lim.at("kernel_long").get<std::vector<std::int64_t>>();
  const auto in_range = [&](std::int64_t v) { return v >= lo && v <= hi; };
  const bool ok_kernel = kernel.size() != 2 || (in_range(kernel[0]) && in_range(kernel[1])) ||
                         (std::count(longs.begin(), longs.end(), kernel[0]) && kernel[1] == 1) ||
                         (std::count(longs.begin(), longs.end(), kernel[1]) && kernel[0] == 1);
  if (!ok_kernel)
    return {"TRT_DLA_LAYER_LIMIT",
            "DLA deconvolution kernels must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] per dimension, or 64/96/128 in one dimension with 1 in the other; this node has " + list_text(kernel),
            conf};
  const auto strides = or_default(n.ints("strides"), kernel.size(), 1);
  if (auto c = out_of_range("deconvolution", "strides", strides, range_of(lim, "stride"), conf); !c.ok()) return c;
  if (auto c = out_of_range("deconvolution", "pads", or_default(n.ints("pads"), kernel.size() * 2, 0), range_of(lim, "pad"), conf);
      !c.ok())
    return c;
  if (auto c = out_of_range("deconvolution", "group", {n.integer("group").value_or(1)}, range_of(lim, "groups"), conf); !c.ok())
    return c;
  if (auto c = out_of_range("deconvolution", "dilations", or_default(n.ints("dilations"), kernel.size(), 1),
                            range_of(lim, "dilation"), conf);
      !c.ok())
    return c;
  if (release.name == lim.value("stride_equals_kernel", "") && strides != kernel)
    return {"TRT_DLA_LAYER_LIMIT",
            "DLA deconvolution in " + release.display() + " needs strides equal to the kernel; strides " +
                list_text(strides) + ", kernel " + list_text(kernel),
            conf};
  return {};
}

DlaCheck check_pool(const NodeView& n, const nlohmann::json& lim, const Release& release, const HardwareTarget& hw) {
  const std::string conf = lim.value("confidence", "code");
  if (auto c = check_rank2(n, "pooling", conf); !c.ok()) return c;
  const auto window = n.ints("kernel_shape").value_or(std::vector<std::int64_t>{});
  if (auto c = out_of_range("pooling", "window", window, range_of(lim, "window"), conf); !c.ok()) return c;
  if (auto c = out_of_range("pooling", "strides", or_default(n.ints("strides"), window.size(), 1), range_of(lim, "stride"), conf);
      !c.ok())
    return c;
  const auto pads = or_default(n.ints("pads"), window.size() * 2, 0);
  if (auto c = out_of_range("pooling", "pads", pads, range_of(lim, "pad"), conf); !c.ok()) return c;
  // Average pooling must count the padding: 8.0-8.2 for every DLA, 8.4-9.3 stated for Xavier only, gone in 10.x.
  const bool padded = std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p > 0; }) ||
                      n.string("auto_pad", "NOTSET").rfind("SAME", 0) == 0;
  const bool exclusive = n.ref.op_type == "AveragePool" && n.integer("count_include_pad").value_or(0) == 0 && padded;
  const bool rule_applies = release.at_least(8, 0) &&
                            (!release.at_least(8, 4) || (!release.at_least(10, 0) && hw.gpu.dla_generation == 1));
  if (exclusive && rule_applies)
    return {"TRT_DLA_LAYER_LIMIT",
            "DLA average pooling must include the padding in the average (count_include_pad=1) in " + release.display() +
                (release.at_least(8, 4) ? " on Xavier" : ""),
            conf};
  return {};
}

DlaCheck check_resize(const NodeView& n, const nlohmann::json& lim, const nlohmann::json& modes) {
  const std::string conf = "code";
  // Scales only: Resize-11+ takes (X, roi, scales, sizes); Upsample and Resize-10 take (X, scales).
  const bool upsample_like = n.ref.op_type == "Upsample" || n.ref.opset < 11;
  const int scales_input = upsample_like ? 1 : 2;
  if (!upsample_like && n.present(3))
    return {"TRT_DLA_LAYER_LIMIT", "DLA resize takes scales, not output sizes ('sizes' input given)", conf};
  std::optional<std::vector<double>> scales;
  if (n.present(scales_input)) scales = n.values(scales_input);
  if (auto a = n.attr("scales"); a && !scales) scales = std::vector<double>(a->floats().begin(), a->floats().end());
  if (!scales)
    return {"TRT_DLA_LAYER_LIMIT", "DLA resize needs constant scales known when the engine is built", conf};
  const std::string mode = n.string("mode", "nearest");
  if (scales->size() != 4 || (*scales)[0] != 1.0 || (*scales)[1] != 1.0)
    return {"TRT_DLA_LAYER_LIMIT", "DLA resize needs 4 scales with the first two equal to 1", conf};
  const auto [lo, hi] = range_of(lim, mode == "nearest" ? "scale_nearest" : "scale_linear");
  for (int i = 2; i < 4; ++i) {
    const double s = (*scales)[static_cast<std::size_t>(i)];
    if (s != std::floor(s) || s < static_cast<double>(lo) || s > static_cast<double>(hi))
      return {"TRT_DLA_LAYER_LIMIT",
              "DLA " + mode + " resize needs integer scales in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "] on H and W; this node scales by " + std::to_string(s),
              conf};
  }
  const std::string ctm = n.string("coordinate_transformation_mode", upsample_like ? "asymmetric" : "half_pixel");
  const std::string nearest = n.string("nearest_mode", upsample_like ? "floor" : "round_prefer_floor");
  std::string allowed;
  for (const auto& m : modes) {
    const bool ok = m.at("mode") == mode && m.at("coordinate_transformation_mode") == ctm &&
                    (!m.contains("nearest_mode") || mode != "nearest" || m.at("nearest_mode") == nearest);
    if (ok) return {};
    allowed += (allowed.empty() ? "" : "; ") + m.at("mode").get<std::string>() + " with " +
               m.at("coordinate_transformation_mode").get<std::string>() +
               (m.contains("nearest_mode") ? " and " + m.at("nearest_mode").get<std::string>() : "");
  }
  return {"TRT_DLA_LAYER_LIMIT",
          "DLA resize does not support mode " + mode + " with " + ctm + (mode == "nearest" ? " and " + nearest : "") +
              " (it supports: " + allowed + ")",
          conf};
}

DlaCheck check_node_kind(const NodeView& n, const nlohmann::json& lim, const nlohmann::json& rel_dla, const Release& release,
                         const HardwareTarget& hw, std::string_view runs_in) {
  const std::string& op = n.ref.op_type;
  if (op == "Conv") {
    if (auto c = check_conv(n, lim.at("conv")); !c.ok()) return c;
    return check_conv_cbuf(n, lim.at("conv_cbuf"), rel_dla, runs_in);
  }
  if (op == "ConvTranspose") return check_deconv(n, lim.at("deconv"), release);
  if (op == "MaxPool" || op == "AveragePool") return check_pool(n, lim.at("pool"), release, hw);
  if (op == "Resize" || op == "Upsample")
    return check_resize(n, lim.at("resize"), rel_dla.value("resize_modes", nlohmann::json::array()));
  if (op == "LRN") {
    const auto sizes = lim.at("lrn").at("sizes").get<std::vector<std::int64_t>>();
    const auto size = n.integer("size").value_or(0);
    if (!std::count(sizes.begin(), sizes.end(), size))
      return {"TRT_DLA_LAYER_LIMIT", "DLA LRN needs a window of 3, 5, 7 or 9; this node has " + std::to_string(size), "code"};
  }
  if (op == "Clip") {
    const auto [lo, hi] = range_of(lim.at("clip"), "max");
    std::optional<double> mn, mx;
    if (n.ref.opset < 11) {
      if (auto* a = n.attr("min")) mn = a->f();
      if (auto* a = n.attr("max")) mx = a->f();
    } else {
      if (n.present(1)) if (auto v = n.values(1); v && v->size() == 1) mn = (*v)[0];
      if (n.present(2)) if (auto v = n.values(2); v && v->size() == 1) mx = (*v)[0];
    }
    if (!mn || *mn != 0.0 || !mx || *mx < static_cast<double>(lo) || *mx > static_cast<double>(hi))
      return {"TRT_DLA_LAYER_LIMIT",
              "DLA runs Clip only as a clipped ReLU: min 0 and a constant max in [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "]",
              "doc"};
  }
  if (op == "Concat") {
    if (n.ref.proto->input_size() < 2)
      return {"TRT_DLA_LAYER_LIMIT", "DLA concatenation needs at least two inputs", "doc"};
    const int rank = n.rank(0);
    auto axis = n.integer("axis").value_or(1);
    if (rank > 0 && axis < 0) axis += rank;
    if (rank > 0 && axis != rank - 3)
      return {"TRT_DLA_LAYER_LIMIT", "DLA concatenates on the channel axis only (the third from last); this node's axis is " +
                                         std::to_string(axis), "code"};
  }
  if (op == "Softmax") {
    const int generation_1_until_major = 9, generation_1_until_minor = 3;
    if (hw.gpu.dla_generation == 1 && !release.at_least(generation_1_until_major, generation_1_until_minor + 1))
      return {"TRT_DLA_LAYER_LIMIT", "Xavier's DLA has no softmax", "code"};
    const int rank = n.rank(0);
    auto axis = n.integer("axis").value_or(n.ref.opset < 13 ? 1 : -1);
    if (rank > 0 && axis < 0) axis += rank;
    if (rank > 0 && axis == 0) return {"TRT_DLA_LAYER_LIMIT", "DLA softmax cannot run over the batch axis", "code"};
    if (const TensorInfo* t = n.input(0); t && rank > 0 && axis < rank && t->dims[static_cast<std::size_t>(axis)] > 8192)
      return {"TRT_DLA_LAYER_LIMIT", "DLA softmax supports an axis of at most 8192 elements", "code"};
  }
  if (op == "Slice" || op == "Split") {
    const int want = lim.at("slice").value("rank", 4);
    const int rank = n.rank(0);
    if (rank > 0 && rank != want)
      return {"TRT_DLA_LAYER_LIMIT", "DLA slices 4-dimensional tensors only; this node's input has rank " + std::to_string(rank),
              "code"};
    if (op == "Slice" && n.ref.opset >= 10) {
      for (int i = 1; i < 5; ++i)
        if (n.present(i) && !n.values(i))
          return {"TRT_DLA_LAYER_LIMIT", "DLA slices need constant starts, ends, axes and steps", "code"};
      if (n.present(4))
        if (auto steps = n.values(4); steps && std::any_of(steps->begin(), steps->end(), [](double s) { return s != 1.0; }))
          return {"TRT_DLA_LAYER_LIMIT", "DLA slices need a step of 1 in every dimension", "code"};
    }
    if (op == "Split" && rank > 0) {
      auto axis = n.integer("axis").value_or(0);
      if (axis < 0) axis += rank;
      if (axis == 0) return {"TRT_DLA_LAYER_LIMIT", "DLA cannot slice the first (batch) dimension", "code"};
    }
  }
  if (op == "PRelu" && !n.values(1) && !(n.input(1) && n.input(1)->is_constant()))
    return {"TRT_DLA_LAYER_LIMIT", "DLA PReLU needs a constant slope", "code"};
  if ((op == "Gemm" || op == "MatMul") && !(n.input(1) && n.input(1)->is_constant()))
    return {"TRT_DLA_LAYER_LIMIT", "DLA runs " + op + " only with a constant second input (as a 1x1 convolution)", "doc"};
  if ((op == "Equal" || op == "Greater" || op == "Less") && runs_in != "int8")
    return {"TRT_DLA_LAYER_LIMIT", "DLA comparisons run in INT8 only; this node runs in " + std::string(runs_in), "doc"};
  return {};
}

}  // namespace

DlaCheck HardwareKb::dla_node(const ModelIndex& index, int node, const Release& release, const HardwareTarget& hw,
                              std::string_view runs_in) const {
  const NodeRef& ref = index.nodes()[static_cast<std::size_t>(node)];
  const nlohmann::json* f = release_facts(release);
  if (!f) return {"TRT_DLA_UNAVAILABLE", release.display() + " has no hardware facts", "uncertain"};
  const auto& rel_dla = f->at("dla");
  const auto& lim = doc_.at("dla_limits");
  if ((ref.op_type == "QuantizeLinear" || ref.op_type == "DequantizeLinear") && rel_dla.value("qdq_runs_on_gpu", true))
    return {"TRT_DLA_QDQ",
            "explicit quantization (Q/DQ) does not run on the DLA in " + release.display() +
                "; DLA INT8 comes from calibration (implicit quantization)",
            "doc"};
  const auto& ops = rel_dla.at("ops");
  auto it = ops.find(ref.op_type);
  if (it == ops.end())
    return {"TRT_DLA_LAYER_UNSUPPORTED", "the DLA of " + release.display() + " has no " + ref.op_type + " layer", "doc"};
  if (runs_in != "fp16" && runs_in != "int8")
    return {"TRT_DLA_PRECISION",
            "the DLA runs only FP16 and INT8; this node runs in " + (runs_in.empty() ? std::string("an unknown type") : std::string(runs_in)),
            "doc"};
  // Every tensor the layer touches: C, H, W at most 8192; the "DLA batch" (all dims before C, H, W) at most 4096.
  const auto max_dim = lim.at("max_dim").value("value", 8192);
  const auto max_batch = lim.at("max_batch").value("value", 4096);
  for (int i = 0; i < ref.proto->input_size() + ref.proto->output_size(); ++i) {
    const bool is_input = i < ref.proto->input_size();
    const TensorInfo* t = is_input ? index.input(node, i) : index.output(node, i - ref.proto->input_size());
    if (!t || t->rank < 1 || t->is_constant()) continue;
    std::int64_t batch = 1;
    for (int d = 0; d < t->rank; ++d) {
      const auto v = t->dims[static_cast<std::size_t>(d)];
      if (v < 0) continue;
      if (d >= t->rank - 3 && v > max_dim)
        return {"TRT_DLA_LAYER_LIMIT",
                "DLA tensors are limited to " + std::to_string(max_dim) + " per channel/height/width dimension; a tensor of this node has " +
                    std::to_string(v),
                "code"};
      if (d < t->rank - 3) batch *= v;
    }
    if (batch > max_batch)
      return {"TRT_DLA_LAYER_LIMIT",
              "the DLA batch (all dimensions before C, H, W) is limited to " + std::to_string(max_batch) + "; this node has " +
                  std::to_string(batch),
              "doc"};
  }
  const NodeView view{index, node, ref};
  DlaCheck c = check_node_kind(view, lim, rel_dla, release, hw, runs_in);
  if (c.ok()) {
    c.confidence = it->value("confidence", "doc");
    if (c.confidence == "uncertain") c.message = it->value("note", "");
  }
  return c;
}

}  // namespace trtlens
