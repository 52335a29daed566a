#include "onnx/external_data.h"
#include "onnx/tensor_bytes.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace trtlens {

std::int64_t element_count(const onnx::TensorProto& tensor) {
  std::int64_t n = 1;
  for (auto d : tensor.dims()) {
    if (d < 0) return 0;
    if (d != 0 && n > std::numeric_limits<std::int64_t>::max() / d) return std::numeric_limits<std::int64_t>::max();
    n *= d;
  }
  return n;
}

namespace {

// Opens `relative` beneath the directory fd, refusing anything that resolves outside it.
int open_beneath(int dirfd, const std::string& relative) {
#ifdef SYS_openat2
  struct open_how how {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;  // a FIFO must not block the open (refused below)
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, dirfd, relative.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
#endif
  return -2;  // openat2 unavailable: caller falls back to a canonical-path comparison
}

bool path_has_parent_component(const std::filesystem::path& p) {
  for (const auto& part : p)
    if (part == "..") return true;
  return false;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::uint64_t bytes_needed(const onnx::TensorProto& tensor) {
  const std::int64_t count = element_count(tensor);
  if (count < 0 || count > (std::int64_t{1} << 58)) return 0;
  const auto n = static_cast<std::uint64_t>(count);
  switch (tensor.data_type()) {
    case onnx::TensorProto::DOUBLE: case onnx::TensorProto::INT64: case onnx::TensorProto::UINT64:
    case onnx::TensorProto::COMPLEX64: return n * 8;
    case onnx::TensorProto::COMPLEX128: return n * 16;
    case onnx::TensorProto::FLOAT: case onnx::TensorProto::INT32: case onnx::TensorProto::UINT32: return n * 4;
    case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16: case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16: return n * 2;
    case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8: case onnx::TensorProto::BOOL: return n;
    case 17: case 18: case 19: case 20: return n;           // the FP8 types
    case 21: case 22: case 23: return (n + 1) / 2;          // INT4, UINT4, FP4 (packed two per byte)
    default: return 0;
  }
}

Result<ExternalRef> ExternalData::resolve(const onnx::TensorProto& tensor, const std::filesystem::path& folder) {
  ExternalRef ref;
  std::string location;
  bool has_length = false;
  for (const auto& entry : tensor.external_data()) {
    const std::string& key = entry.key();
    if (key == "location") {
      location = entry.value();
    } else if (key == "offset" || key == "length") {
      char* end = nullptr;
      errno = 0;
      unsigned long long v = std::strtoull(entry.value().c_str(), &end, 10);
      if (errno != 0 || end == entry.value().c_str() || *end != '\0' || entry.value()[0] == '-')
        return make_error("E_EXTERNAL_RANGE", "initializer '" + tensor.name() + "': external-data " + key + " '" +
                                                  entry.value() + "' is not a non-negative integer");
      (key == "offset" ? ref.offset : ref.length) = v;
      if (key == "length") has_length = true;
    } else if (key != "checksum") {
      ref.unknown_keys.push_back(key);
    }
  }
  const std::string who = "initializer '" + tensor.name() + "'";
  if (location.empty()) return make_error("E_EXTERNAL_PATH", who + " stores external data without a location");
  std::filesystem::path rel(location);
  if (rel.is_absolute() || path_has_parent_component(rel.lexically_normal()) || path_has_parent_component(rel))
    return make_error("E_EXTERNAL_PATH", who + ": external-data location '" + location +
                                             "' leaves the model's folder (absolute paths and '..' are refused for every release "
                                             "as a safety choice, although the TensorRT 8.6.1 parser itself accepted '..')");
  std::error_code ec;
  int dirfd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return make_error("E_EXTERNAL_MISSING", who + ": cannot open model folder " + folder.string());
  FileDescriptor dir(dirfd);
  int fd = open_beneath(dir.get(), rel.string());
  if (fd == -2) {  // no openat2: compare canonical paths
    auto base = std::filesystem::canonical(folder.empty() ? "." : folder, ec);
    auto target = std::filesystem::weakly_canonical(folder / rel, ec);
    auto [b, t] = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
    if (ec || b != base.end())
      return make_error("E_EXTERNAL_PATH",
                        who + ": external-data location '" + location + "' resolves outside the model's folder");
    fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } else if (fd < 0 && (errno == EXDEV || errno == ELOOP)) {
    return make_error("E_EXTERNAL_PATH",
                      who + ": external-data location '" + location + "' resolves outside the model's folder");
  }
  if (fd < 0)
    return make_error("E_EXTERNAL_MISSING", who + ": external-data file '" + location + "' not found next to the model");
  FileDescriptor file(fd);
  struct stat st {};
  if (fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error("E_EXTERNAL_MISSING", who + ": external-data '" + location + "' is not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (!has_length || ref.length == 0) {
    if (ref.offset > size)
      return make_error("E_EXTERNAL_RANGE", who + ": offset " + std::to_string(ref.offset) + " is past the end of '" +
                                                location + "' (" + std::to_string(size) + " bytes)");
    ref.length = size - ref.offset;
  }
  if (ref.offset > size || ref.length > size - ref.offset)
    return make_error("E_EXTERNAL_RANGE", who + ": bytes " + std::to_string(ref.offset) + "+" +
                                              std::to_string(ref.length) + " lie past the end of '" + location +
                                              "' (" + std::to_string(size) + " bytes)");
  // Fewer bytes than the tensor's shape needs: the parser would read past the data (or fail to).
  if (const std::uint64_t needed = bytes_needed(tensor); needed > ref.length)
    return make_error("E_EXTERNAL_RANGE", who + ": '" + location + "' holds " + std::to_string(ref.length) +
                                              " bytes for it, but its shape needs " + std::to_string(needed));
  ref.file = folder / rel;
  return ref;
}

Result<bool> ExternalData::visit_bytes(const onnx::TensorProto& tensor,
                                       const std::function<void(const std::uint8_t*, std::size_t)>& visit) const {
  if (tensor.data_location() != onnx::TensorProto::EXTERNAL) {
    if (!tensor.raw_data().empty()) {
      visit(reinterpret_cast<const std::uint8_t*>(tensor.raw_data().data()), tensor.raw_data().size());
      return true;
    }
    // Typed fields: re-encode as little-endian element bytes.
    std::vector<std::uint8_t> bytes;
    auto put = [&bytes](const void* p, std::size_t n) {
      const auto* b = static_cast<const std::uint8_t*>(p);
      bytes.insert(bytes.end(), b, b + n);
    };
    switch (static_cast<int>(tensor.data_type())) {
      case onnx::TensorProto::FLOAT:
        for (float v : tensor.float_data()) put(&v, 4);
        break;
      case onnx::TensorProto::DOUBLE:
        for (double v : tensor.double_data()) put(&v, 8);
        break;
      case onnx::TensorProto::INT64:
        for (std::int64_t v : tensor.int64_data()) put(&v, 8);
        break;
      case onnx::TensorProto::UINT64: case onnx::TensorProto::UINT32:
        for (std::uint64_t v : tensor.uint64_data()) {
          if (tensor.data_type() == onnx::TensorProto::UINT32) {
            auto u = static_cast<std::uint32_t>(v);
            put(&u, 4);
          } else {
            put(&v, 8);
          }
        }
        break;
      case onnx::TensorProto::INT32:
        for (std::int32_t v : tensor.int32_data()) put(&v, 4);
        break;
      case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16: case onnx::TensorProto::INT16:
      case onnx::TensorProto::UINT16:
        for (std::int32_t v : tensor.int32_data()) {
          auto h = static_cast<std::uint16_t>(v);
          put(&h, 2);
        }
        break;
      case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8: case onnx::TensorProto::BOOL:
      case 17: case 18: case 19: case 20:  // FLOAT8 variants (newer than Debian's onnx.proto)
        for (std::int32_t v : tensor.int32_data()) {
          auto b = static_cast<std::uint8_t>(v);
          put(&b, 1);
        }
        break;
      default:
        return make_error("E_VALUES", "values of '" + tensor.name() + "' are not readable");
    }
    visit(bytes.data(), bytes.size());
    return true;
  }
  auto ref = resolve(tensor, folder_);
  if (!ref) return ref.error();
  int fd = ::open(ref->file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error("E_EXTERNAL_MISSING", "cannot open " + ref->file.string());
  FileDescriptor file(fd);
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  std::uint64_t pos = ref->offset;
  const std::uint64_t end = ref->offset + ref->length;
  std::vector<std::uint8_t> carry;  // bytes of an element split across two windows
  while (pos < end) {
    const std::uint64_t aligned = pos - pos % page;
    const std::uint64_t span = std::min<std::uint64_t>(kWindow, end - aligned);
    void* map = mmap(nullptr, span, PROT_READ, MAP_PRIVATE, file.get(), static_cast<off_t>(aligned));
    if (map == MAP_FAILED) return make_error("E_IO", "cannot map " + ref->file.string());
    madvise(map, span, MADV_SEQUENTIAL);
    const auto* begin = static_cast<const std::uint8_t*>(map) + (pos - aligned);
    const std::size_t n = static_cast<std::size_t>(span - (pos - aligned));
    visit(begin, n);
    munmap(map, span);  // drop the window: resident memory stays bounded by one window
    pos += n;
  }
  return true;
}

void ExternalData::freeze() {
  std::lock_guard<std::mutex> lock(*cache_mutex_);
  frozen_.merge(cache_);  // moves the nodes: references handed out earlier stay valid
}

const ValueStats& ExternalData::stats(const onnx::TensorProto& tensor) const {
  if (!frozen_.empty())
    if (auto it = frozen_.find(&tensor); it != frozen_.end()) return it->second;
  {
    std::lock_guard<std::mutex> lock(*cache_mutex_);
    auto it = cache_.find(&tensor);
    if (it != cache_.end()) return it->second;
  }
  // Scanned without the lock (a large tensor takes a while); two threads asking at once both scan, the first wins.
  const ValueStats s = scan_values(tensor, *this);
  std::lock_guard<std::mutex> lock(*cache_mutex_);
  return cache_.emplace(&tensor, s).first->second;
}

}  // namespace trtlens
