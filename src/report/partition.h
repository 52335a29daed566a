// Views of a partition (verdict/partition.h): the JSON of `trtlens partition --format json`, its table, and the part
// files `-o DIR` writes (one ONNX model per part plus manifest.json).
#pragma once
#include <filesystem>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "verdict/partition.h"

namespace trtlens {

nlohmann::json partition_json(const ModelIndex& index, const Analysis& analysis, const Partition& p);
void write_partition_table(std::ostream& out, const ModelIndex& index, const Analysis& analysis, const Partition& p);

// Builds part `part` as a standalone model (onnx/submodel.h): inputs = boundary tensors, outputs = tensors read
// outside, initializers copied. External-data initializers keep referencing the original files by a path relative
// to `out_dir`.
onnx::ModelProto part_model(const ModelIndex& index, const Part& part, const std::filesystem::path& out_dir);

// Writes part_<id>_{trt,other}.onnx per part and manifest.json into `dir` (created if missing). Refuses to replace
// an existing file unless `force`. Error codes: E_EXISTS, E_WRITE.
Result<std::vector<std::filesystem::path>> write_parts(const ModelIndex& index, const Analysis& analysis,
                                                       const Partition& p, const std::filesystem::path& dir,
                                                       bool force);

}  // namespace trtlens
