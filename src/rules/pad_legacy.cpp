// Pad before 8.2: the importer builds TensorRT's old padding layer (addPaddingNd), which pads with zeros along two
// dimensions only. 8.2 moved Pad onto the slice layer (constant, reflect and edge modes, any dimension).
//   7.2.1 (`dims` = last_two): mode must be constant and the value 0, and only the last two dimensions may be padded.
//   8.0   (`dims` = any_two, `noop_passes`): an all-zero pad passes through untouched; otherwise the same mode and value
//         rule, and at most two dimensions may be padded (the importer transposes them to the end).
// Pads or values that are not constants are const_input's findings (a computed pad cannot be checked here).
#include <cmath>

#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<std::vector<double>> pads_of(const RuleContext& c) {
  if (c.opset() < 11) {
    auto p = c.attr_ints("pads");
    if (!p) return std::nullopt;
    return std::vector<double>(p->begin(), p->end());
  }
  return c.present(1) ? c.constant_values(1, 64) : std::nullopt;
}

std::optional<double> fill_value(const RuleContext& c) {
  if (c.opset() < 11) {
    const auto* a = c.attr("value");
    return a ? static_cast<double>(a->f()) : 0.0;
  }
  if (!c.present(2)) return 0.0;
  auto v = c.constant_values(2, 1);
  if (!v || v->size() != 1) return std::nullopt;
  return (*v)[0];
}

std::optional<Finding> pad_legacy(const RuleContext& c) {
  const auto pads = pads_of(c);
  if (!pads || pads->size() % 2 != 0) return std::nullopt;
  const std::size_t rank = pads->size() / 2;
  std::vector<std::size_t> padded;  // dimensions with a non-zero begin or end pad
  for (std::size_t d = 0; d < rank; ++d)
    if ((*pads)[d] != 0 || (*pads)[d + rank] != 0) padded.push_back(d);
  if (padded.empty() && c.param_bool("noop_passes", false)) return std::nullopt;

  const std::string release = c.release.display();
  const std::string mode = c.attr_string("mode").value_or("constant");
  if (mode != "constant")
    return Finding{release + " pads only with a constant 0 (mode '" + mode + "' arrived in 8.2)",
                   "Use TensorRT 8.2 or later, or replace the padding with a Concat of sliced borders",
                   "TRT_PAD_MODE", std::nullopt};
  if (auto v = fill_value(c); v && *v != 0.0)
    return Finding{release + " pads only with 0; this node pads with " + std::to_string(*v),
                   "Use TensorRT 8.2 or later, or pad with 0 and add the value on the border with an elementwise op",
                   "TRT_PAD_NONZERO_VALUE", std::nullopt};
  if (c.param_string("dims") == "last_two") {
    for (std::size_t d : padded)
      if (d + 2 < rank)
        return Finding{release + " pads only the last two dimensions; dimension " + std::to_string(d) +
                           " of this rank-" + std::to_string(rank) + " input is padded",
                       "Transpose the padded dimensions to the end around the Pad, or use TensorRT 8.0 or later",
                       "TRT_PAD_DIMS", std::nullopt};
  } else if (padded.size() > 2) {
    return Finding{release + " pads at most two dimensions; this node pads " + std::to_string(padded.size()),
                   "Split the padding into two Pad nodes of at most two dimensions each, or use TensorRT 8.2 or later",
                   "TRT_PAD_DIMS", std::nullopt};
  }
  return std::nullopt;
}

}  // namespace

TRTLENS_REGISTER_RULE("custom:pad_legacy", pad_legacy, "TRT_PAD_LEGACY", false,
                      "Pad before 8.2: constant 0 only, on two dimensions");

}  // namespace trtlens
