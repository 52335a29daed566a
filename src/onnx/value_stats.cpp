#include "onnx/value_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "onnx/external_data.h"

namespace trtlens {

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

// Windows of bytes need not end on an element boundary: `carry` holds the bytes of an element split by the previous
// window. This completes that element from the start of `data` and hands it to `fn`; it returns how many bytes of
// `data` it took, or nullopt when the window is too short to complete it (the bytes are kept in `carry`).
template <typename T, typename Fn>
std::optional<std::size_t> finish_split_element(const std::uint8_t* data, std::size_t n,
                                                std::vector<std::uint8_t>& carry, Fn&& fn) {
  if (carry.empty()) return 0;
  std::size_t i = 0;
  while (carry.size() < sizeof(T) && i < n) carry.push_back(data[i++]);
  if (carry.size() < sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, carry.data(), sizeof(T));
  fn(v);
  carry.clear();
  return i;
}

template <typename T, typename Fn>
void for_each_element(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& carry, Fn&& fn) {
  const auto start = finish_split_element<T>(data, n, carry, fn);
  if (!start) return;
  std::size_t i = *start;
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

ValueStats scan_values(const onnx::TensorProto& tensor, const ExternalData& data) {
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
        const auto start = finish_split_element<float>(d, n, carry, add_float);
        if (!start) return;
        const std::size_t whole = (n - *start) / sizeof(float);
        scan_floats(d + *start, whole, block);
        carry.assign(d + *start + whole * sizeof(float), d + n);
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
  if (visit && data.visit_bytes(tensor, visit).ok()) s.available = true;
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
  return s;
}

}  // namespace trtlens
