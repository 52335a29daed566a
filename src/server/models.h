// The models a `trtlens serve` session shows: those given on the command line plus this session's uploads.
// Each is loaded and indexed once; analyses are cached per target because switching the runtime selector back and
// forth is the common case.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "onnx/graph.h"
#include "util/result.h"

namespace trtlens::server {

struct ServedModel {
  std::string id;
  std::string name;                 // file name shown in the UI
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  bool uploaded = false;            // stored below the registry's upload folder (evicted oldest first)
  std::unique_ptr<ModelIndex> index;
  // analyze() reads external data lazily through one mapping: one analysis at a time per model.
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const std::string>> analyses;  // target key -> to_json() text
  std::shared_ptr<const std::string> graph;                            // graph_json() text
  std::shared_ptr<const std::string> ui_graph;                         // ui_graph_json() text (?view=ui)
};

// A session keeps at most this many uploads (and bytes of them); a new upload evicts the oldest beyond either.
constexpr std::size_t kMaxUploadsKept = 16;
constexpr std::uint64_t kMaxUploadBytesKept = std::uint64_t{2} << 30;

class ModelRegistry {
 public:
  // Uploads are written below `upload_root` (created, and removed with the registry). Upload folders that a server
  // killed before it could clean up left next to it ("trtlens-serve-<pid>-*" of a process that no longer runs) are
  // removed here.
  explicit ModelRegistry(std::filesystem::path upload_root);
  ~ModelRegistry();
  ModelRegistry(const ModelRegistry&) = delete;
  ModelRegistry& operator=(const ModelRegistry&) = delete;

  Result<std::shared_ptr<ServedModel>> add_file(const std::filesystem::path& path, std::string name);
  std::shared_ptr<ServedModel> get(const std::string& id) const;
  std::vector<std::shared_ptr<ServedModel>> list() const;
  // A fresh private folder for one upload; external-data references of an uploaded model resolve inside it only.
  std::filesystem::path new_upload_dir();
  void remove_upload_dir(const std::filesystem::path& dir);
  const std::filesystem::path& upload_root() const { return upload_root_; }

  std::vector<std::string> startup_errors;  // command-line models that failed to load

 private:
  std::filesystem::path upload_root_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<ServedModel>> models_;
  int next_id_ = 1;
  int next_upload_ = 1;
};

// Keeps only characters safe in a file name; never empty, never "." or "..".
std::string safe_file_name(const std::string& name);

}  // namespace trtlens::server
