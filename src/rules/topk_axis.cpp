// TopK, ArgMax and ArgMin all become a TensorRT TopK layer, whose reduction axis must be one of the input's last four
// dimensions (TensorRT's operator reference for the TopK layer, 8.6 and 10.x). The parser passes the ONNX axis through
// unchanged, so on a rank-5 or higher input an axis outside the last four fails when the layer's output shape is
// computed. From 8.0 the parser queries that shape right after import (see layer_shapes.cpp), so the node fails to
// parse; NVIDIA's answer in onnx/onnx-tensorrt#803 (an ArgMin over axis 0 of a 5-D tensor) names this limit.
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> topk_axis_last_four(const RuleContext& c) {
  const TensorInfo* t = c.input(0);
  if (!t || t->rank < 0) return std::nullopt;  // unknown rank: nothing to check (the importer's own checks still run)
  const int rank = t->rank;
  if (rank <= 4) return std::nullopt;
  // ONNX defaults: TopK reduces the last axis, ArgMax/ArgMin the first.
  std::int64_t axis = c.attr_int("axis").value_or(c.ref().op_type == "TopK" ? -1 : 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank || axis >= rank - 4) return std::nullopt;  // out-of-range axes are axes_valid's finding
  return Finding{c.release.display() + " fails to build the TopK layer for " + c.ref().op_type +
                     " while parsing: axis " + std::to_string(axis) + " of a rank-" + std::to_string(rank) +
                     " input is not one of the last four dimensions, the only ones TensorRT's TopK layer reduces",
                 "Transpose the reduced axis into the last four dimensions (or reshape to rank 4) around this node",
                 "", std::nullopt};
}

}  // namespace

TRTLENS_REGISTER_RULE("custom:topk_axis_last_four", topk_axis_last_four, "TRT_TOPK_AXIS", false,
                      "TopK/ArgMax/ArgMin reduce one of the input's last four dimensions");

}  // namespace trtlens
