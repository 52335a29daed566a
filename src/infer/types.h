// Element-type inference for node outputs: our own rules per operator, valid for opsets 7-24 and for operators the
// ONNX library's schema registry does not know. Cheap enough to run on every model.
#pragma once
#include <vector>

namespace trtlens {

class ModelIndex;
struct NodeRef;

// Fills `out` (one entry per node output) with inferred element types; 0 where unknown. Input types are read from
// the index, so nodes must be visited in topological order.
void infer_output_types(const ModelIndex& index, int node, std::vector<int>& out);

}  // namespace trtlens
