// ONNX element types by number and name, and their byte sizes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace trtlens {

// Values of onnx::TensorProto::DataType, spelled out so rules can name types without protobuf headers.
enum DType : int {
  kUndefined = 0, kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6, kInt64 = 7, kString = 8,
  kBool = 9, kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13, kComplex64 = 14, kComplex128 = 15,
  kBfloat16 = 16, kFloat8E4M3FN = 17, kFloat8E4M3FNUZ = 18, kFloat8E5M2 = 19, kFloat8E5M2FNUZ = 20, kUint4 = 21,
  kInt4 = 22, kFloat4E2M1 = 23, kFloat8E8M0 = 24,
};
constexpr int kDTypeCount = 25;

std::string_view dtype_name(int dtype);       // "FLOAT", "INT64", ...; "UNDEFINED" for unknown
int dtype_from_name(std::string_view name);   // -1 when the name is not an ONNX type
double dtype_bits(int dtype);                 // storage bits per element (0 for STRING/unknown)
bool dtype_is_float(int dtype);               // FLOAT, FLOAT16, BFLOAT16, DOUBLE, FP8*, FP4

}  // namespace trtlens
