// Load a model file and build its graph index: the first step of every command that analyses a model.
#pragma once
#include <memory>
#include <string>

#include "onnx/graph.h"
#include "onnx/model.h"

namespace trtlens::cli {

// The indexed model at `path`. A load error comes back as load_model reports it (it names the file already); an
// index error is prefixed with "PATH: ". Codes are kept.
Result<std::unique_ptr<ModelIndex>> open_index(const std::string& path, const BuildOptions& options = {});

}  // namespace trtlens::cli
