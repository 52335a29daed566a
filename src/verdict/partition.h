// Partitioning: which main-graph nodes ONNX Runtime's TensorRT execution provider would hand to TensorRT, grouped
// into engines, and which it leaves to other providers. A control-flow node counts as one node (its status already
// covers its bodies). The algorithm only; its views and the part files are in report/partition.h.
#pragma once
#include <string>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens {

struct Part {
  int id = 0;                            // position in the parts' topological order
  bool tensorrt = false;                 // a TensorRT engine, or a run of nodes left to other providers
  std::vector<int> nodes;                // global node indices (main graph), topological order
  std::vector<std::string> inputs;       // boundary tensors read from outside (graph inputs or other parts)
  std::vector<std::string> outputs;      // tensors read outside the part, or graph outputs
  std::vector<std::string> initializers; // graph initializers the part reads (copied into a written part)
};

// One row of the Polygraphy-style table: nodes left outside TensorRT, per op type and reason.
struct OutsideRow {
  std::string op_type, reason;           // reason: the first reason code, or TRT_SUBGRAPH_TOO_SMALL
  std::vector<std::string> nodes;
};

// With a DLA target (docs/hardware.md): a maximal connected run of DLA-placed nodes inside one engine. TensorRT
// builds each as one DLA loadable; every tensor crossing its boundary to a GPU layer costs a reformat.
struct DlaSubgraph {
  int id = 0;
  int engine = 0;                        // id of the TensorRT part it belongs to
  std::vector<int> nodes;                // global node indices (main graph), topological order
  std::vector<std::string> inputs;       // tensors it reads from GPU layers or graph inputs
  std::vector<std::string> outputs;      // tensors read outside it, or graph outputs
};

// An engine with more DLA subgraphs than one DLA core takes: TensorRT runs the excess on the GPU.
struct DlaEngineOverLimit {
  int engine = 0, subgraphs = 0;
};

struct Partition {
  std::vector<Part> parts;               // topological order: every part reads only from earlier parts
  int engines = 0;                       // parts with tensorrt == true
  int nodes_in_tensorrt = 0;
  int nodes_outside = 0;
  int dropped_small = 0;                 // supported nodes left outside because their group was too small
  std::vector<OutsideRow> outside;       // sorted by count, descending
  // DLA targets only (empty otherwise): subgraphs by engine, then topological order; the release's loadable limit.
  std::vector<DlaSubgraph> dla_subgraphs;
  DlaLoadableLimit dla_limit;
  std::vector<DlaEngineOverLimit> dla_over_limit;
};

struct PartitionOptions {
  int min_subgraph_size = 1;             // ORT's trt_min_subgraph_size: smaller groups go to other providers
};

// Groups supported (convertible or fallback) main-graph nodes into maximal subgraphs that stay acyclic when
// contracted: a node joins a group only if no path from the group to it leaves the group.
Partition partition(const ModelIndex& index, const Analysis& analysis, const PartitionOptions& options = {});

}  // namespace trtlens
