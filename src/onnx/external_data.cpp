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

namespace {

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T, typename Fn>
void for_each_element(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& carry, Fn&& fn) {
  std::size_t i = 0;
  if (!carry.empty()) {  // finish an element split by the previous window
    while (carry.size() < sizeof(T) && i < n) carry.push_back(data[i++]);
    if (carry.size() < sizeof(T)) return;
    T v;
    std::memcpy(&v, carry.data(), sizeof(T));
    fn(v);
    carry.clear();
  }
  for (; i + sizeof(T) <= n; i += sizeof(T)) {
    T v;
    std::memcpy(&v, data + i, sizeof(T));
    fn(v);
  }
  carry.assign(data + i, data + n);
}

// The FLOAT scan (most weights): one tight branch-free loop per window in float arithmetic, merged into the
// statistics once per window. NaN is unordered, so it never becomes the minimum or maximum.
struct FloatBlock {
  std::int64_t count = 0, fp16_overflow = 0, fp16_underflow = 0, bf16_overflow = 0, float_overflow = 0;
  bool nonzero = false;
  float max_abs = 0, min = std::numeric_limits<float>::infinity(), max = -std::numeric_limits<float>::infinity();
};

void scan_floats(const std::uint8_t* data, std::size_t count, FloatBlock& b) {
  constexpr float kFp16Max = 65504.0f, kFp16Min = 5.960464477539063e-08f, kBf16Max = 3.3895313892515355e38f;
  constexpr float kFloatMax = std::numeric_limits<float>::max();
  // Eight independent lanes: no loop-carried dependency between neighbours, so the compiler can use SIMD.
  constexpr std::size_t kLanes = 8;
  float max_abs[kLanes], mn[kLanes], mx[kLanes];
  std::int32_t o16[kLanes] = {}, u16[kLanes] = {}, obf[kLanes] = {}, of[kLanes] = {}, nz[kLanes] = {};
  for (std::size_t j = 0; j < kLanes; ++j) {
    max_abs[j] = b.max_abs;
    mn[j] = b.min;
    mx[j] = b.max;
  }
  auto flush = [&] {
    for (std::size_t j = 0; j < kLanes; ++j) {
      b.fp16_overflow += o16[j];
      b.fp16_underflow += u16[j];
      b.bf16_overflow += obf[j];
      b.float_overflow += of[j];
      b.nonzero = b.nonzero || nz[j] != 0;
      o16[j] = u16[j] = obf[j] = of[j] = nz[j] = 0;
    }
  };
  std::size_t k = 0;
  while (k + kLanes <= count) {
    // Lane counters are 32-bit: flush them before they could overflow.
    const std::size_t stop = std::min(count - (count - k) % kLanes, k + (std::size_t{1} << 30));
    for (; k < stop; k += kLanes) {
      float v[kLanes];
      std::memcpy(v, data + k * sizeof(float), sizeof v);
      for (std::size_t j = 0; j < kLanes; ++j) {
        const float a = std::fabs(v[j]);
        nz[j] |= v[j] != 0;
        max_abs[j] = a <= kFloatMax && a > max_abs[j] ? a : max_abs[j];  // finite values only
        o16[j] += a > kFp16Max;
        u16[j] += (a > 0) & (a < kFp16Min);
        obf[j] += a > kBf16Max;
        of[j] += a > kFloatMax;
        mn[j] = v[j] < mn[j] ? v[j] : mn[j];
        mx[j] = v[j] > mx[j] ? v[j] : mx[j];
      }
    }
    flush();
  }
  for (; k < count; ++k) {  // the tail, in lane 0
    float v;
    std::memcpy(&v, data + k * sizeof(float), sizeof v);
    const float a = std::fabs(v);
    nz[0] |= v != 0;
    max_abs[0] = a <= kFloatMax && a > max_abs[0] ? a : max_abs[0];
    o16[0] += a > kFp16Max;
    u16[0] += (a > 0) & (a < kFp16Min);
    obf[0] += a > kBf16Max;
    of[0] += a > kFloatMax;
    mn[0] = v < mn[0] ? v : mn[0];
    mx[0] = v > mx[0] ? v : mx[0];
  }
  flush();
  for (std::size_t j = 0; j < kLanes; ++j) {
    b.max_abs = std::max(b.max_abs, max_abs[j]);
    b.min = std::min(b.min, mn[j]);
    b.max = std::max(b.max, mx[j]);
  }
  b.count += static_cast<std::int64_t>(count);
}

}  // namespace

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
  ValueStats s;
  bool first = true;
  std::vector<std::uint8_t> carry;
  FloatBlock block;
  auto add_float = [&](double v) {
    ++s.count;
    if (v != 0) s.all_zero = false;
    const double a = std::fabs(v);
    if (std::isfinite(a) && a > s.max_abs) s.max_abs = a;
    if (a > 65504.0) ++s.fp16_overflow;
    if (a > 0 && a < 5.960464477539063e-08) ++s.fp16_underflow;
    if (a > 3.3895313892515355e38) ++s.bf16_overflow;
    if (a > static_cast<double>(std::numeric_limits<float>::max())) ++s.float_overflow;
    if (first || v < s.min_value) s.min_value = v;
    if (first || v > s.max_value) s.max_value = v;
    first = false;
  };
  auto add_int = [&](std::int64_t v) {
    ++s.count;
    if (v != 0) s.all_zero = false;
    if (v > std::numeric_limits<std::int32_t>::max() || v < std::numeric_limits<std::int32_t>::min())
      ++s.int32_out_of_range;
    if (first || v < s.min_int) s.min_int = v;
    if (first || v > s.max_int) s.max_int = v;
    s.min_value = static_cast<double>(s.min_int);
    s.max_value = static_cast<double>(s.max_int);
    s.max_abs = std::max(std::fabs(s.min_value), std::fabs(s.max_value));
    first = false;
  };
  std::function<void(const std::uint8_t*, std::size_t)> visit;
  switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      visit = [&](const std::uint8_t* d, std::size_t n) {
        std::size_t i = 0;
        if (!carry.empty()) {  // an element split by the previous window
          while (carry.size() < sizeof(float) && i < n) carry.push_back(d[i++]);
          if (carry.size() < sizeof(float)) return;
          float v;
          std::memcpy(&v, carry.data(), sizeof(float));
          add_float(v);
          carry.clear();
        }
        const std::size_t whole = (n - i) / sizeof(float);
        scan_floats(d + i, whole, block);
        i += whole * sizeof(float);
        carry.assign(d + i, d + n);
      };
      break;
    case onnx::TensorProto::DOUBLE:
      visit = [&](const std::uint8_t* d, std::size_t n) { for_each_element<double>(d, n, carry, add_float); };
      break;
    case onnx::TensorProto::FLOAT16:
      visit = [&](const std::uint8_t* d, std::size_t n) {
        for_each_element<std::uint16_t>(d, n, carry, [&](std::uint16_t h) { add_float(half_to_float(h)); });
      };
      break;
    case onnx::TensorProto::BFLOAT16:
      visit = [&](const std::uint8_t* d, std::size_t n) {
        for_each_element<std::uint16_t>(d, n, carry, [&](std::uint16_t h) {
          std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
          float f;
          std::memcpy(&f, &bits, 4);
          add_float(f);
        });
      };
      break;
    case onnx::TensorProto::INT64:
      visit = [&](const std::uint8_t* d, std::size_t n) { for_each_element<std::int64_t>(d, n, carry, add_int); };
      break;
    case onnx::TensorProto::INT32:
      visit = [&](const std::uint8_t* d, std::size_t n) { for_each_element<std::int32_t>(d, n, carry, add_int); };
      break;
    case onnx::TensorProto::INT8:
      visit = [&](const std::uint8_t* d, std::size_t n) { for_each_element<std::int8_t>(d, n, carry, add_int); };
      break;
    case onnx::TensorProto::UINT8: case onnx::TensorProto::BOOL:
      visit = [&](const std::uint8_t* d, std::size_t n) { for_each_element<std::uint8_t>(d, n, carry, add_int); };
      break;
    default:
      break;
  }
  if (visit && visit_bytes(tensor, visit).ok()) s.available = true;
  if (block.count > 0) {
    s.count += block.count;
    s.all_zero = s.all_zero && !block.nonzero;
    s.max_abs = std::max(s.max_abs, static_cast<double>(block.max_abs));
    s.fp16_overflow += block.fp16_overflow;
    s.fp16_underflow += block.fp16_underflow;
    s.bf16_overflow += block.bf16_overflow;
    s.float_overflow += block.float_overflow;
    if (block.min <= block.max) {  // some value was ordered (not NaN)
      if (first || block.min < s.min_value) s.min_value = block.min;
      if (first || block.max > s.max_value) s.max_value = block.max;
      first = false;
    }
  }
  std::lock_guard<std::mutex> lock(*cache_mutex_);
  return cache_.emplace(&tensor, s).first->second;
}

}  // namespace trtlens
