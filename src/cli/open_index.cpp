#include "cli/open_index.h"

namespace trtlens::cli {

Result<std::unique_ptr<ModelIndex>> open_index(const std::string& path, const BuildOptions& options) {
  auto loaded = load_model(path);
  if (!loaded) return loaded.error();
  auto index = ModelIndex::build(std::move(loaded.value()), options);
  if (!index) return make_error(index.error().code, path + ": " + index.error().message);
  return std::move(index.value());
}

}  // namespace trtlens::cli
