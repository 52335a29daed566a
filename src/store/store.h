// Tracked models: a local library of named models, their versions (content-addressed files) and cached analyses,
// kept in SQLite (WAL) under a data directory shared by the CLI (`trtlens track`) and the server (/api/tracked).
//
// Layout of a data directory:
//   library.sqlite3          models, tags, versions, external files, analysis cache
//   models/<digest>/model.onnx (+ external-data files at the paths the model names)
//   tmp/<pid>-<n>-<rand>/    versions being added; never visible, removed when their process is gone
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/staging.h"
#include "util/result.h"
#include "verdict/analysis.h"

namespace trtlens::store {

class Db;

struct Counts {
  int convertible = 0, fallback = 0, unsupported = 0, warnings = 0;
  bool model_convertible = true;
};

struct VersionInfo {
  std::int64_t id = 0;
  int number = 0;                  // 1, 2, ... within its model
  std::string digest;              // names the folder under models/
  std::string sha256;              // of the model file itself
  std::uint64_t size = 0;          // model file bytes
  std::string file_name;           // as given when added
  std::string added_at;            // ISO 8601, UTC
  std::vector<ExternalFile> external_files;
};

struct ModelInfo {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> tags;
  std::string created_at;
  std::vector<VersionInfo> versions;  // oldest first
  const VersionInfo* latest() const { return versions.empty() ? nullptr : &versions.back(); }
};

struct AddResult {
  ModelInfo model;
  VersionInfo version;
  bool new_version = false;  // false: the same content was already a version of this model (nothing changed)
  bool new_model = false;
};

struct CachedAnalysis {
  std::string json;  // exactly what `trtlens check --format json` prints for this version and target (compact)
  Counts counts;
  bool from_cache = false;
};

struct StoreOptions {
  std::string kb_hash;  // identifies the knowledge base analyses were computed with; empty: the compiled-in KB
};

// Errors: E_NOT_FOUND (no such model/version), E_EXISTS (rename onto a taken name), E_NAME (invalid name or tag),
// E_IO, E_DB, and the load/validation codes of load_model and ModelIndex::build for invalid models.
class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& data_dir, const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& data_dir() const { return dir_; }
  static std::filesystem::path default_data_dir();  // $XDG_DATA_HOME/trtlens, else ~/.local/share/trtlens
  static std::string builtin_kb_hash();
  static Result<bool> check_name(const std::string& name);

  // A staging area for a new version under tmp/ (the server streams an upload into it).
  Result<std::unique_ptr<Staging>> stage();
  // Validates, publishes and records a staged version: the database row is committed only after the files are
  // complete and in place. Re-adding content the model already has is a no-op (new_version false).
  Result<AddResult> commit(Staging& staged, const std::string& name, const std::string& file_name,
                           const std::vector<std::string>& tags = {});
  Result<AddResult> add_file(const std::filesystem::path& model, const std::string& name,
                             const std::vector<std::string>& tags = {});

  Result<std::vector<ModelInfo>> list();
  Result<ModelInfo> model(const std::string& name);
  // number 0: the latest version.
  Result<VersionInfo> version(const std::string& name, int number);
  std::filesystem::path model_path(const VersionInfo& v) const;

  Result<bool> rename(const std::string& name, const std::string& new_name);
  Result<bool> set_tags(const std::string& name, const std::vector<std::string>& tags);
  Result<bool> remove_model(const std::string& name);
  Result<bool> remove_version(const std::string& name, int number);

  // The analysis cache, per (version, release, precision set, strict, hardware) and knowledge base: entries computed
  // with another KB are misses. The store only keeps analyses; analyze_version (store/version_analysis.h) computes
  // them. Plugins are not part of the key.
  Result<std::optional<CachedAnalysis>> cached_analysis(const VersionInfo& v, const Target& target);
  // Keeps `a` for (v, target); a version removed meanwhile keeps nothing.
  Result<bool> cache_analysis(const VersionInfo& v, const Target& target, const CachedAnalysis& a);
  // How many cached analyses exist (for tests and `track show`).
  Result<int> cached_analyses();

 private:
  Store() = default;
  void create_schema();
  ModelInfo read_model(std::int64_t id);
  std::vector<VersionInfo> read_versions(std::int64_t model_id);
  void remove_unreferenced(const std::vector<std::string>& digests);

  std::filesystem::path dir_;
  std::string kb_hash_;
  std::unique_ptr<Db> db_;
  // One connection shared by every server thread: statements and multi-statement transactions must not interleave.
  std::mutex mutex_;
};

std::string precision_key(const Target& target);  // "fp16,int8" in a canonical order

}  // namespace trtlens::store
