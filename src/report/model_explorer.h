// Node data for Google's Model Explorer: a per-node overlay its UI loads next to the graph ("node data" JSON).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens {

// Model Explorer's ONNX adapter names each node of the main graph and of control-flow bodies the way onnx_ir's
// NameFixPass does: its own name when unique in its graph, else "node" / "<name>" with a _1, _2, ... suffix.
// Returns the id of every node of the file's graphs (index order of the ModelIndex; "" for function-body copies).
std::vector<std::string> model_explorer_node_ids(const ModelIndex& index);

// One graph's node data: {"results": {node id: {"value": 0|1|2}}, "thresholds": [...]}, value 0 convertible,
// 1 fallback, 2 unsupported, coloured green/amber/red by the thresholds (docs/reports.md).
void write_model_explorer(std::ostream& out, const ModelIndex& index, const Analysis& a);

}  // namespace trtlens
