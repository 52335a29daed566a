// A slice of a model's main graph as a standalone ONNX model (the parts `trtlens partition -o DIR` writes).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "onnx/graph.h"

namespace trtlens {

struct SubmodelSpec {
  std::string graph_name;
  const std::vector<int>& nodes;                 // global node indices (main graph), in the order to write them
  const std::vector<std::string>& inputs;        // tensors that become graph inputs
  const std::vector<std::string>& outputs;       // tensors that become graph outputs
  const std::vector<std::string>& initializers;  // main-graph initializers to copy
  std::string producer_name, producer_version;
};

// The model: the source's IR version, opsets and functions; inputs and outputs typed by the source's declarations
// when they carry a type, else by the index's inferred facts; value_info of the produced tensors kept. External-data
// initializers keep referencing the original files, by a path relative to `out_dir` (where the model will be written).
onnx::ModelProto extract_submodel(const ModelIndex& index, const SubmodelSpec& spec, const std::filesystem::path& out_dir);

}  // namespace trtlens
