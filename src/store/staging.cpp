#include "store/staging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "onnx/external_data.h"
#include "onnx/graph.h"
#include "onnx/model.h"

namespace trtlens::store {
namespace fs = std::filesystem;

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }
void Sha256::update(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_, data, size); }
std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, digest, &length);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 15];
  }
  return out;
}
std::string sha256_hex(const std::string& data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

namespace {

Error io_error(const std::string& what, const fs::path& path) {
  return make_error("E_IO", what + " " + path.string() + ": " + std::strerror(errno));
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Every tensor that keeps its bytes outside the model file, including those in control-flow bodies.
void collect_external(const onnx::GraphProto& graph, std::vector<const onnx::TensorProto*>& out) {
  for (const auto& t : graph.initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL) out.push_back(&t);
  for (const auto& node : graph.node())
    for (const auto& attr : node.attribute()) {
      if (attr.has_t() && attr.t().data_location() == onnx::TensorProto::EXTERNAL) out.push_back(&attr.t());
      if (attr.has_g()) collect_external(attr.g(), out);
      for (const auto& g : attr.graphs()) collect_external(g, out);
    }
}

std::string location_of(const onnx::TensorProto& t) {
  for (const auto& kv : t.external_data())
    if (kv.key() == "location") return kv.value();
  return {};
}

}  // namespace

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

int remove_abandoned_staging(const fs::path& tmp_root) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp_root, ec)) {
    const std::string name = entry.path().filename().string();
    const auto dash = name.find('-');
    if (dash == std::string::npos) continue;
    const long pid = std::strtol(name.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still alive (or not ours to judge)
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

Result<std::unique_ptr<Staging>> Staging::create(const fs::path& tmp_root) {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  std::unique_ptr<Staging> s(new Staging());
  s->dir_ = tmp_root / (std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  std::error_code ec;
  fs::create_directories(s->dir_, ec);
  if (ec) return make_error("E_IO", "cannot create " + s->dir_.string() + ": " + ec.message());
  s->fd_ = ::open(s->model_path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (s->fd_ < 0) return io_error("cannot create", s->model_path());
  return s;
}

Staging::~Staging() {
  if (fd_ >= 0) ::close(fd_);
  if (external_fd_ >= 0) ::close(external_fd_);
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

Result<bool> Staging::append(const void* data, std::size_t size) {
  if (fd_ < 0) return make_error("E_STATE", "model file already finished");
  if (!write_all(fd_, data, size)) return io_error("cannot write", model_path());
  model_hash_.update(data, size);
  model_size_ += size;
  return true;
}

Result<bool> Staging::finish_model() {
  if (fd_ < 0) return make_error("E_STATE", "model file already finished");
  const bool synced = ::fsync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  if (!synced) return io_error("cannot sync", model_path());
  model_sha_ = model_hash_.hex();
  return true;
}

Result<bool> Staging::copy_file(const fs::path& from, const fs::path& to, Sha256* hash, std::uint64_t* size) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block the open
  if (in < 0) return io_error("cannot read", from);
  struct stat st {};
  if (::fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(in);
    return make_error("E_NOT_A_FILE", from.string() + " is not a regular file");
  }
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return io_error("cannot create", to);
  }
  std::vector<char> buffer(1 << 20);
  Result<bool> result = true;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = io_error("cannot read", from);
      break;
    }
    if (n == 0) break;
    if (!write_all(out, buffer.data(), static_cast<std::size_t>(n))) {
      result = io_error("cannot write", to);
      break;
    }
    hash->update(buffer.data(), static_cast<std::size_t>(n));
    *size += static_cast<std::uint64_t>(n);
  }
  if (result && ::fsync(out) != 0) result = io_error("cannot sync", to);
  ::close(in);
  ::close(out);
  return result;
}

Result<bool> Staging::copy_model_from(const fs::path& path) {
  // Parse the original first so a non-model fails with load_model's message, before anything is copied.
  auto loaded = load_model(path);
  if (!loaded) return loaded.error();
  ::close(fd_);
  fd_ = -1;
  std::uint64_t size = 0;
  if (auto r = copy_file(path, model_path(), &model_hash_, &size); !r) return r;
  model_size_ = size;
  model_sha_ = model_hash_.hex();

  std::vector<const onnx::TensorProto*> tensors;
  collect_external(loaded.value()->proto().graph(), tensors);
  const fs::path folder = loaded.value()->folder();
  std::vector<std::string> locations;
  for (const auto* t : tensors) {
    auto ref = ExternalData::resolve(*t, folder);
    if (!ref) return ref.error();
    locations.push_back(location_of(*t));
  }
  std::sort(locations.begin(), locations.end());
  locations.erase(std::unique(locations.begin(), locations.end()), locations.end());
  for (const auto& location : locations) {
    // resolve() has already refused locations that leave the model's folder.
    Sha256 hash;
    ExternalFile file{location, "", 0};
    if (auto r = copy_file(folder / location, dir_ / location, &hash, &file.size); !r) return r;
    file.sha256 = hash.hex();
    external_.push_back(std::move(file));
  }
  return true;
}

namespace {
// A location sent with an upload: the relative path the model names, nothing that could leave the staging folder
// or replace the model file.
Result<bool> check_upload_location(const std::string& location) {
  auto bad = [&](const std::string& why) {
    return make_error("E_BAD_REQUEST", "external-data file name '" + location + "' " + why);
  };
  if (location.empty() || location.size() > 1024) return bad("must be 1 to 1024 characters");
  if (location.find('\0') != std::string::npos || location.find('\\') != std::string::npos) return bad("has a NUL or backslash");
  const fs::path path(location);
  if (path.is_absolute()) return bad("is absolute");
  for (const auto& part : path)
    if (part == ".." || part == "." || part.empty()) return bad("has '.', '..' or an empty component");
  if (path.lexically_normal() == fs::path("model.onnx")) return bad("is the name the model itself is stored under");
  return true;
}
}  // namespace

Result<bool> Staging::begin_external(const std::string& location) {
  if (auto done = finish_external(); !done) return done;
  if (auto ok = check_upload_location(location); !ok) return ok;
  for (const auto& f : external_)
    if (f.location == location) return make_error("E_BAD_REQUEST", "external-data file '" + location + "' was sent twice");
  const fs::path target = dir_ / location;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return io_error("cannot create", target.parent_path());
  // O_EXCL and O_NOFOLLOW: the staging folder is ours, nothing in it may already exist or redirect the write.
  external_fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (external_fd_ < 0) return io_error("cannot create", target);
  external_.push_back({location, "", 0});
  external_hash_ = std::make_unique<Sha256>();
  return true;
}

Result<bool> Staging::append_external(const void* data, std::size_t size) {
  if (external_fd_ < 0) return make_error("E_STATE", "no external-data file is open");
  if (!write_all(external_fd_, data, size)) return io_error("cannot write", dir_ / external_.back().location);
  external_hash_->update(data, size);
  external_.back().size += size;
  return true;
}

Result<bool> Staging::finish_external() {
  if (external_fd_ < 0) return true;
  const bool synced = ::fsync(external_fd_) == 0;
  ::close(external_fd_);
  external_fd_ = -1;
  if (!synced) return io_error("cannot sync", dir_ / external_.back().location);
  external_.back().sha256 = external_hash_->hex();
  return true;
}

Result<bool> Staging::check_uploads() {
  if (auto done = finish_external(); !done) return done;
  auto loaded = load_model(model_path());
  if (!loaded) return loaded.error();
  std::vector<const onnx::TensorProto*> tensors;
  collect_external(loaded.value()->proto().graph(), tensors);
  std::vector<std::string> referenced;
  for (const auto* t : tensors) referenced.push_back(location_of(*t));
  std::sort(referenced.begin(), referenced.end());
  referenced.erase(std::unique(referenced.begin(), referenced.end()), referenced.end());
  for (const auto& location : referenced) {
    const bool sent = std::any_of(external_.begin(), external_.end(), [&](const ExternalFile& f) {
      return fs::path(f.location).lexically_normal() == fs::path(location).lexically_normal();
    });
    if (!sent)
      return make_error("E_EXTERNAL_MISSING", "the model keeps weights in '" + location +
                                                  "': send that file with the model (a 'data' part named after it)");
  }
  for (const auto& f : external_) {
    const bool used = std::any_of(referenced.begin(), referenced.end(), [&](const std::string& location) {
      return fs::path(f.location).lexically_normal() == fs::path(location).lexically_normal();
    });
    if (!used) return make_error("E_BAD_REQUEST", "'" + f.location + "' was sent but the model does not reference it");
  }
  // The digest lists the files in location order, as copy_model_from does.
  std::sort(external_.begin(), external_.end(), [](const ExternalFile& a, const ExternalFile& b) { return a.location < b.location; });
  return true;
}

Result<bool> Staging::validate() const {
  auto loaded = load_model(model_path());
  if (!loaded) return loaded.error();
  std::vector<const onnx::TensorProto*> tensors;
  collect_external(loaded.value()->proto().graph(), tensors);
  for (const auto* t : tensors)
    if (auto ref = ExternalData::resolve(*t, dir_); !ref)
      return make_error(ref.error().code, ref.error().message + " (send each external-data file with the model, or "
                                                                "use trtlens track add)");
  auto index = ModelIndex::build(std::move(loaded.value()));
  if (!index) return index.error();
  return true;
}

std::string Staging::digest() const {
  if (external_.empty()) return model_sha_;
  std::string text = model_sha_;
  for (const auto& f : external_) text += "\n" + f.location + " " + f.sha256;
  return sha256_hex(text);
}

namespace {
// Whether a library folder holds every file of a version, at the sizes the version was staged with. A folder that
// lost files (a removal killed half-way, before removals moved folders aside first) must not stand in for a new copy.
bool folder_complete(const fs::path& folder, std::uint64_t model_size, const std::vector<ExternalFile>& external) {
  std::error_code ec;
  auto regular_of_size = [&](const fs::path& p, std::uint64_t size) {
    const auto status = fs::symlink_status(p, ec);
    return !ec && fs::is_regular_file(status) && fs::file_size(p, ec) == size && !ec;
  };
  if (!regular_of_size(folder / "model.onnx", model_size)) return false;
  for (const auto& f : external)
    if (!regular_of_size(folder / f.location, f.size)) return false;
  return true;
}
}  // namespace

fs::path trash_path(const fs::path& tmp_root, const std::string& what) {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return tmp_root / (std::to_string(::getpid()) + "-removing-" + what + "-" + std::to_string(counter++) + "-" +
                     std::to_string(rd()));
}

Result<bool> Staging::publish(const fs::path& destination) {
  fsync_dir(dir_);
  std::error_code ec;
  fs::create_directories(destination.parent_path(), ec);
  if (::rename(dir_.c_str(), destination.c_str()) == 0) {
    fsync_dir(destination.parent_path());
    dir_.clear();
    return true;
  }
  if (errno != EEXIST && errno != ENOTEMPTY) return io_error("cannot move a staged model to", destination);
  if (folder_complete(destination, model_size_, external_)) return false;  // same content already in the library
  // An incomplete folder of the same digest: move it aside (one atomic rename, so the library never shows a
  // half-deleted folder), put the staged copy in its place, then delete the old one.
  const fs::path aside = trash_path(dir_.parent_path(), destination.filename().string());
  if (::rename(destination.c_str(), aside.c_str()) != 0) return io_error("cannot move aside", destination);
  if (::rename(dir_.c_str(), destination.c_str()) != 0) return io_error("cannot move a staged model to", destination);
  fsync_dir(destination.parent_path());
  dir_.clear();
  fs::remove_all(aside, ec);
  return true;
}

}  // namespace trtlens::store
