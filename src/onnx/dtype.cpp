#include "onnx/dtype.h"

#include <array>

namespace trtlens {
namespace {
constexpr std::array<std::string_view, kDTypeCount> kNames = {
    "UNDEFINED", "FLOAT",      "UINT8",      "INT8",         "UINT16",         "INT16",      "INT32",
    "INT64",     "STRING",     "BOOL",       "FLOAT16",      "DOUBLE",         "UINT32",     "UINT64",
    "COMPLEX64", "COMPLEX128", "BFLOAT16",   "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
    "UINT4",     "INT4",       "FLOAT4E2M1", "FLOAT8E8M0"};
constexpr std::array<double, kDTypeCount> kBits = {0, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32,
                                                   64, 64, 128, 16, 8, 8, 8, 8, 4, 4, 4, 8};
}  // namespace

std::string_view dtype_name(int dtype) {
  if (dtype < 0 || dtype >= kDTypeCount) return "UNDEFINED";
  return kNames[static_cast<std::size_t>(dtype)];
}

int dtype_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<int>(i);
  return -1;
}

double dtype_bits(int dtype) {
  if (dtype < 0 || dtype >= kDTypeCount) return 0;
  return kBits[static_cast<std::size_t>(dtype)];
}

bool dtype_is_float(int dtype) {
  switch (dtype) {
    case kFloat: case kFloat16: case kBfloat16: case kDouble: case kFloat8E4M3FN: case kFloat8E4M3FNUZ:
    case kFloat8E5M2: case kFloat8E5M2FNUZ: case kFloat4E2M1:
      return true;
    default:
      return false;
  }
}

}  // namespace trtlens
