// The graph the UI draws: nodes, tensors and subgraphs of a model as JSON (documented in docs/api.md).
#pragma once
#include <string>

#include "onnx/graph.h"

namespace trtlens::server {

std::string graph_json(const ModelIndex& index, const std::string& id, const std::string& name);

// `?view=ui`: what the UI's first paint needs (nodes with index, name, op_type, graph, inputs, outputs, bodies, and
// domain only when not the default one; each
// (sub)graph's path, parent, owner, inputs, outputs), without attributes, doc strings and tensor types, which the
// drawer fetches per node (node_json) and edge labels with the full document.
std::string ui_graph_json(const ModelIndex& index, const std::string& id, const std::string& name);

// /nodes/{n}: {"node": the node as the full graph lists it, "tensors": {name: {dtype, shape, kind}} for each of its
// inputs and outputs, looked up from its own graph outwards}.
std::string node_json(const ModelIndex& index, int node);

// An attribute's value as short text ("[1, 1, 2, 2]", "<graph then_branch: 3 nodes>"), at most `limit` characters.
std::string attribute_text(const onnx::AttributeProto& a, std::size_t limit = 200);

}  // namespace trtlens::server
