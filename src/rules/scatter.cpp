// ScatterElements / Scatter (importer-rules.md B:ScatterElements): in element mode the scatter helper compares each
// static dimension of indices and updates with the data's and refuses any that is larger, on every axis (the
// scatter axis included, although ONNX allows a longer indices axis there). Read in addScatterLayer at 8.2-GA ..
// 10.1-GA and in the 10.15 importer; from 10.0 a non-"none" reduction goes to the plugin instead (see rules.json).
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> scatter_dims_within_data(const RuleContext& c) {
  const TensorInfo* data = c.input(0);
  if (!data || data->rank < 0) return std::nullopt;
  for (int i : {1, 2}) {
    const TensorInfo* t = c.input(i);
    if (!c.present(i) || !t || t->rank != data->rank) continue;  // rank mismatch: the rank rule reports it
    for (int d = 0; d < data->rank; ++d) {
      const auto have = t->dims[static_cast<std::size_t>(d)], limit = data->dims[static_cast<std::size_t>(d)];
      if (have < 0 || limit < 0 || have <= limit) continue;
      return Finding{c.release.display() + " requires every static dimension of " + c.ref().op_type + " input " +
                         std::to_string(i) + " '" + c.input_name(i) + "' to be at most the data's; dimension " +
                         std::to_string(d) + " is " + std::to_string(have) + " but the data's is " +
                         std::to_string(limit),
                     "Scatter into a data tensor at least as large as the indices (e.g. pad the data, scatter, then "
                     "slice), or split the update into chunks that fit",
                     "", std::nullopt};
    }
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:scatter_dims_within_data", scatter_dims_within_data, "TRT_SCATTER_DIMS", false,
                      "indices/updates dims at most the data's (element mode)");

}  // namespace
}  // namespace trtlens
