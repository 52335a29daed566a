// Model-level parser facts (importer-rules.md Part A) that are evaluated once per model rather than per node.
#pragma once
#include <string>
#include <vector>

#include "kb/kb.h"
#include "onnx/graph.h"

namespace trtlens {

struct ModelFinding {
  bool error = false;
  std::string code, message;
};

// Duplicate tensor names (A6/A10), graph inputs of unknown rank (A5), subgraph nesting depth (A1), a single
// non-default opset import taken as "the opset" (A2), supportsModel exclusions for partitioning users (A11), INT64
// bindings (A5/A9) and UINT8 outputs that are INT32 inside TensorRT (A9).
std::vector<ModelFinding> model_findings(const ModelIndex& index, const Release& release);

// Every model-level check for one release (the above plus opsets, initializers and graph I/O types).
std::vector<ModelFinding> model_level_checks(const ModelIndex& index, const Release& release);

}  // namespace trtlens
