// Statistics of a tensor's values (range, magnitude, what overflows FP16/BF16/INT32), computed in one scan over the
// bytes in bounded windows, whatever the tensor's size. ExternalData::stats caches them per tensor.
#pragma once
#include <cstdint>

#include "onnx/onnx_pb.h"

namespace trtlens {

class ExternalData;

// What a check may want to know about a tensor's values, computed once.
struct ValueStats {
  bool available = false;            // false when the values could not be read
  std::int64_t count = 0;
  double max_abs = 0;                // largest magnitude (float types), as double
  std::int64_t fp16_overflow = 0;    // |x| > 65504
  std::int64_t fp16_underflow = 0;   // 0 < |x| < 2^-24 (flushes to zero)
  std::int64_t bf16_overflow = 0;    // |x| > 3.3895e38
  std::int64_t float_overflow = 0;   // DOUBLE values outside FLOAT range
  std::int64_t int32_out_of_range = 0;  // INT64 values outside INT32
  std::int64_t min_int = 0, max_int = 0;  // integer types
  double min_value = 0, max_value = 0;
  bool all_zero = true;
};

// Scans the values of `tensor` (embedded or external, read through `data`). `available` is false when the values
// cannot be read or the element type is not one the checks use (float, double, fp16, bf16, int8/32/64, uint8, bool).
ValueStats scan_values(const onnx::TensorProto& tensor, const ExternalData& data);

}  // namespace trtlens
