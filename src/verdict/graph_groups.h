// The main graph as a DAG of its top-level nodes, and groupings of its nodes that stay acyclic when contracted.
// Shared by partitioning (TensorRT engines, DLA subgraphs per engine) and the hardware pass (DLA loadables).
#pragma once
#include <unordered_map>
#include <vector>

#include "onnx/graph.h"

namespace trtlens {

// The main graph as a DAG over "local" ids (positions in scope 0's file order). Edges include the outer tensors
// that If/Loop/Scan bodies read, since their producers must run before the control-flow node too.
struct MainGraph {
  std::vector<int> global;                   // local -> global node index
  std::unordered_map<int, int> local;        // global -> local
  std::vector<std::vector<int>> preds, succs;
  std::vector<int> topo;                     // local ids; file order breaks ties
};

// The main-graph node that contains `node` (itself when it is in the main graph).
int top_level(const ModelIndex& index, int node);

MainGraph main_graph(const ModelIndex& index);

// Groups the member nodes (by local id) into maximal sets that stay acyclic when contracted: a node joins a group
// only if no path from the group to it leaves the group. Each group lists its local ids in topological order.
std::vector<std::vector<int>> acyclic_groups(const MainGraph& g, const std::vector<bool>& member);

}  // namespace trtlens
