#include "server/models.h"

#include <system_error>

namespace trtlens::server {

std::string safe_file_name(const std::string& name) {
  std::string base = name;
  const auto slash = base.find_last_of("/\\");
  if (slash != std::string::npos) base = base.substr(slash + 1);
  std::string out;
  for (char c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.size() > 100) out = out.substr(out.size() - 100);
  if (out.empty() || out.find_first_not_of('.') == std::string::npos) out = "model.onnx";
  return out;
}

ModelRegistry::ModelRegistry(std::filesystem::path upload_root) : upload_root_(std::move(upload_root)) {}

ModelRegistry::~ModelRegistry() {
  std::error_code ec;
  if (!upload_root_.empty()) std::filesystem::remove_all(upload_root_, ec);
}

Result<std::shared_ptr<ServedModel>> ModelRegistry::add_file(const std::filesystem::path& path, std::string name) {
  auto loaded = load_model(path);
  if (!loaded) return loaded.error();
  const std::uint64_t bytes = loaded.value()->file_bytes();
  auto index = ModelIndex::build(std::move(loaded.value()));
  if (!index) return make_error(index.error().code, name + ": " + index.error().message);
  auto model = std::make_shared<ServedModel>();
  model->name = std::move(name);
  model->path = path;
  model->bytes = bytes;
  model->index = std::move(index.value());
  std::lock_guard<std::mutex> lock(mutex_);
  model->id = std::to_string(next_id_++);
  models_.push_back(model);
  return model;
}

std::shared_ptr<ServedModel> ModelRegistry::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& m : models_)
    if (m->id == id) return m;
  return nullptr;
}

std::vector<std::shared_ptr<ServedModel>> ModelRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return models_;
}

std::filesystem::path ModelRegistry::new_upload_dir() {
  int n;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    n = next_upload_++;
  }
  auto dir = upload_root_ / ("upload-" + std::to_string(n));
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(upload_root_, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  return dir;
}

void ModelRegistry::remove_upload_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace trtlens::server
