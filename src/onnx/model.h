// Loading an ONNX model from disk: protobuf parse, basic sanity, external-data references (never the bytes).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "onnx/onnx_pb.h"
#include "util/result.h"

namespace google::protobuf {
class Arena;
}

namespace trtlens {

struct LoadOptions {
  // Protobuf cannot parse messages of 2 GiB or more; a bigger file must keep its weights as external data.
  std::uint64_t max_file_bytes = (std::uint64_t{2} << 30) - 1;
};

// A parsed model. Owns the protobuf (arena-allocated) and remembers where it came from so external data can be
// located relative to the model's folder.
class LoadedModel {
 public:
  LoadedModel();
  ~LoadedModel();
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  const onnx::ModelProto& proto() const { return *proto_; }
  onnx::ModelProto& mutable_proto() { return *proto_; }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& folder() const { return folder_; }
  std::uint64_t file_bytes() const { return file_bytes_; }

 private:
  friend Result<std::unique_ptr<LoadedModel>> load_model_bytes(const void*, std::size_t, const std::filesystem::path&,
                                                               const LoadOptions&);
  std::unique_ptr<google::protobuf::Arena> arena_;
  onnx::ModelProto* proto_ = nullptr;
  std::filesystem::path path_;
  std::filesystem::path folder_;
  std::uint64_t file_bytes_ = 0;
};

// Reads and parses MODEL. Errors: E_NOT_FOUND, E_NOT_A_FILE, E_EMPTY, E_TOO_LARGE, E_PARSE, E_NOT_ONNX.
Result<std::unique_ptr<LoadedModel>> load_model(const std::filesystem::path& path, const LoadOptions& options = {});
// Parses an in-memory model (used by the server for uploads); `origin` names it in messages and anchors external data.
Result<std::unique_ptr<LoadedModel>> load_model_bytes(const void* data, std::size_t size,
                                                      const std::filesystem::path& origin,
                                                      const LoadOptions& options = {});

}  // namespace trtlens
