// Cheap rank and shape propagation for common operators. ONNX shape inference is exact but costs several times a
// parse and stops at the schemas Debian's onnx knows (opset <= 17); these rules run on every model, any opset, and
// fill only what is still unknown after it.
#pragma once
#include <cstdint>
#include <vector>

namespace trtlens {

class ModelIndex;

struct InferredShape {
  int rank = -1;                    // -1: unknown
  std::vector<std::int64_t> dims;   // size == rank when rank >= 0; -1 marks an unknown dimension
};

// Fills `out` (one entry per node output) from the node's input shapes and constant inputs. Nodes must be visited
// in topological order so their inputs are already known.
void infer_output_shapes(const ModelIndex& index, int node, std::vector<InferredShape>& out);

}  // namespace trtlens
