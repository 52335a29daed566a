#include "server/models.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <string_view>
#include <system_error>

#include "onnx/open_index.h"

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

namespace {

constexpr std::string_view kUploadRootPrefix = "trtlens-serve-";

// Upload roots are named trtlens-serve-<pid>-<tag>; one whose process is gone was left by a crash or kill -9.
void remove_stale_upload_roots(const std::filesystem::path& own_root) {
  std::error_code ec;
  const auto parent = own_root.parent_path();
  if (parent.empty()) return;
  for (std::filesystem::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(kUploadRootPrefix, 0) != 0 || it->path() == own_root) continue;
    char* rest = nullptr;
    const long pid = std::strtol(name.c_str() + kUploadRootPrefix.size(), &rest, 10);
    if (pid <= 0 || !rest || *rest != '-' || pid == static_cast<long>(::getpid())) continue;
    std::error_code type_ec;
    if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code rm_ec;
    std::filesystem::remove_all(it->path(), rm_ec);
  }
}

}  // namespace

ModelRegistry::ModelRegistry(std::filesystem::path upload_root) : upload_root_(std::move(upload_root)) {
  if (!upload_root_.empty()) remove_stale_upload_roots(upload_root_);
}

ModelRegistry::~ModelRegistry() {
  std::error_code ec;
  if (!upload_root_.empty()) std::filesystem::remove_all(upload_root_, ec);
}

Result<std::shared_ptr<ServedModel>> ModelRegistry::add_file(const std::filesystem::path& path, std::string name) {
  auto index = open_index(path, {}, name);
  if (!index) return index.error();
  auto model = std::make_shared<ServedModel>();
  model->name = std::move(name);
  model->path = path;
  model->bytes = index.value()->model().file_bytes();
  model->index = std::move(index.value());
  const auto [end, _] = std::mismatch(upload_root_.begin(), upload_root_.end(), path.begin(), path.end());
  model->uploaded = !upload_root_.empty() && end == upload_root_.end();
  std::vector<std::shared_ptr<ServedModel>> evicted;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    model->id = std::to_string(next_id_++);
    models_.push_back(model);
    // Oldest uploads go first; a request still holding one keeps it alive until it answers.
    std::size_t uploads = 0;
    std::uint64_t bytes_kept = 0;
    for (const auto& m : models_)
      if (m->uploaded) ++uploads, bytes_kept += m->bytes;
    for (auto it = models_.begin(); it != models_.end() && (uploads > kMaxUploadsKept || bytes_kept > kMaxUploadBytesKept);) {
      if (!(*it)->uploaded || *it == model) {
        ++it;
        continue;
      }
      --uploads;
      bytes_kept -= (*it)->bytes;
      evicted.push_back(*it);
      it = models_.erase(it);
    }
  }
  for (const auto& m : evicted) remove_upload_dir(m->path.parent_path());
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
