// ConvTranspose up to 8.2: a 3-D deconvolution (rank-5 input) must pad each spatial axis equally at both ends; the
// importer refuses `pads` whose begin and end halves differ (release/7.2.1 .. release/8.2-GA importConvTranspose).
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> pads_symmetric(const RuleContext& c) {
  const int spatial = c.param_int("spatial_rank", 3);
  const TensorInfo* t = c.input(0);
  if (!t || t->rank != spatial + 2) return std::nullopt;
  const auto pads = c.attr_ints("pads");
  if (!pads || pads->size() != static_cast<std::size_t>(2 * spatial)) return std::nullopt;
  for (int i = 0; i < spatial; ++i) {
    const std::int64_t begin = (*pads)[static_cast<std::size_t>(i)];
    const std::int64_t end = (*pads)[static_cast<std::size_t>(i + spatial)];
    if (begin != end)
      return Finding{c.release.display() + " needs equal begin and end padding for a " + std::to_string(spatial) +
                         "-D " + c.ref().op_type + "; spatial axis " + std::to_string(i) + " pads " +
                         std::to_string(begin) + " before and " + std::to_string(end) + " after",
                     "Pad symmetrically and Slice the extra border off the output, or use TensorRT 8.4 or later", "",
                     std::nullopt};
  }
  return std::nullopt;
}

}  // namespace

TRTLENS_REGISTER_RULE("custom:pads_symmetric", pads_symmetric, "TRT_PADS_ASYMMETRIC", false,
                      "equal begin/end pads for N-D (de)convolutions");

}  // namespace trtlens
