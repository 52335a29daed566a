#include "onnx/open_index.h"

namespace trtlens {

Result<std::unique_ptr<ModelIndex>> open_index(const std::filesystem::path& path, const BuildOptions& options,
                                               const std::string& label) {
  auto loaded = load_model(path);
  if (!loaded) return loaded.error();
  auto index = ModelIndex::build(std::move(loaded.value()), options);
  if (!index)
    return make_error(index.error().code, (label.empty() ? path.string() : label) + ": " + index.error().message);
  return std::move(index.value());
}

}  // namespace trtlens
