// External tensor data: where an initializer's bytes live, validated against path escapes, read lazily in bounded
// windows so memory does not grow with weight size; value statistics (onnx/value_stats.h) cached per tensor.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "onnx/onnx_pb.h"
#include "onnx/value_stats.h"
#include "util/result.h"

namespace trtlens {

struct ExternalRef {
  std::filesystem::path file;        // resolved, inside the model folder
  std::uint64_t offset = 0;
  std::uint64_t length = 0;          // bytes (0 in the proto means "to the end of the file": resolved here)
  std::vector<std::string> unknown_keys;
};

class ExternalData {
 public:
  // Validates a tensor's external-data entries. The location must stay inside `folder` (no "..", no absolute path,
  // no symlink out). Errors: E_EXTERNAL_PATH, E_EXTERNAL_MISSING, E_EXTERNAL_RANGE.
  static Result<ExternalRef> resolve(const onnx::TensorProto& tensor, const std::filesystem::path& folder);

  void set_folder(std::filesystem::path folder) { folder_ = std::move(folder); }
  // Values of any initializer (embedded or external), visited in windows of at most `window` bytes.
  Result<bool> visit_bytes(const onnx::TensorProto& tensor,
                           const std::function<void(const std::uint8_t*, std::size_t)>& visit) const;
  // Thread-safe: analyses of one model may run on several threads.
  const ValueStats& stats(const onnx::TensorProto& tensor) const;
  // Makes every statistic computed so far readable without the lock. Call only while no other thread uses this
  // object (the index calls it once its prefetch thread has joined).
  void freeze();

  static constexpr std::size_t kWindow = 8u << 20;  // peak memory of a value scan: one window, whatever the weights

 private:
  std::filesystem::path folder_;
  mutable std::unordered_map<const onnx::TensorProto*, ValueStats> cache_;  // elements never move
  std::unique_ptr<std::mutex> cache_mutex_ = std::make_unique<std::mutex>();
  std::unordered_map<const onnx::TensorProto*, ValueStats> frozen_;  // read-only between freeze() calls
};

std::int64_t element_count(const onnx::TensorProto& tensor);  // product of dims (1 for a scalar)

}  // namespace trtlens
