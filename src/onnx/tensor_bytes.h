// How many bytes a tensor's values take in raw form: the loader holds embedded and external data to the same rule.
#pragma once
#include <cstdint>

#include "onnx/onnx_pb.h"

namespace trtlens {

// 0 when the size is not fixed (STRING, unknown types) or the element count does not fit.
std::uint64_t bytes_needed(const onnx::TensorProto& tensor);

}  // namespace trtlens
