// Load a model file and build its graph index: the first step of every command, route and tracked-model analysis
// that analyses a model (the CLI, the server's /api/models and the store share it, so their errors read alike).
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "onnx/graph.h"
#include "onnx/model.h"

namespace trtlens {

// The indexed model at `path`. A load error comes back as load_model reports it (it names the file already); an
// index error is prefixed with "LABEL: ", where the label is how the user knows the model (default: the path; the
// server uses the uploaded file's name, the store the file name a version was added with). Codes are kept.
Result<std::unique_ptr<ModelIndex>> open_index(const std::filesystem::path& path, const BuildOptions& options = {},
                                               const std::string& label = {});

}  // namespace trtlens
