// The graph the UI draws: nodes, tensors and subgraphs of a model as JSON (documented in docs/api.md).
#pragma once
#include <string>

#include "onnx/graph.h"

namespace trtlens::server {

std::string graph_json(const ModelIndex& index, const std::string& id, const std::string& name);

// An attribute's value as short text ("[1, 1, 2, 2]", "<graph then_branch: 3 nodes>"), at most `limit` characters.
std::string attribute_text(const onnx::AttributeProto& a, std::size_t limit = 200);

}  // namespace trtlens::server
