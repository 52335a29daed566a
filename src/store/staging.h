// A model version being added: its files are written (and hashed) into a private temporary folder under the data
// dir, fsynced, validated, and only then renamed into the content-addressed library. Until that rename nothing of it
// is visible; if the process dies first, the folder is left in tmp/ and removed by the next Store::open.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace trtlens::store {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  std::string hex();  // finalises

 private:
  EVP_MD_CTX* ctx_;
};

std::string sha256_hex(const std::string& data);

struct ExternalFile {
  std::string location;  // relative to the model file, as the model names it
  std::string sha256;
  std::uint64_t size = 0;
};

class Staging {
 public:
  // Creates tmp_root/<pid>-<unique>/; the pid lets a later open tell abandoned folders from live ones.
  static Result<std::unique_ptr<Staging>> create(const std::filesystem::path& tmp_root);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // The model file, streamed: append() any number of times, then finish_model().
  Result<bool> append(const void* data, std::size_t size);
  Result<bool> finish_model();
  // Copies the model at `path` (and every external-data file it references) into the staging folder.
  Result<bool> copy_model_from(const std::filesystem::path& path);

  // External-data files sent with an uploaded model, streamed one at a time: begin_external(location), then
  // append_external() any number of times; the next begin_external() or check_uploads() finishes it. `location` is
  // the path the model names (relative, no "..", not model.onnx); E_BAD_REQUEST otherwise or when sent twice.
  Result<bool> begin_external(const std::string& location);
  Result<bool> append_external(const void* data, std::size_t size);
  // After the model and its files: every file the model references was sent, and nothing else.
  // E_EXTERNAL_MISSING names the first file missing; E_BAD_REQUEST a file the model does not reference.
  Result<bool> check_uploads();

  // Loads the staged model and builds its graph index: a file that trtlens cannot analyse is never stored.
  // Error codes: those of load_model / ModelIndex::build / ExternalData::resolve.
  Result<bool> validate() const;

  // Identity of the version: the model's SHA-256, or, with external data, a SHA-256 over it and the files' hashes.
  std::string digest() const;
  const std::string& model_sha256() const { return model_sha_; }
  std::uint64_t model_size() const { return model_size_; }
  const std::vector<ExternalFile>& external_files() const { return external_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path model_path() const { return dir_ / "model.onnx"; }

  // Moves the folder to `destination` (fsyncing the parent). If `destination` exists and holds every file of this
  // version it has the same content (it is named by the digest) and the staged copy is dropped (returns false); an
  // incomplete one is replaced. Callers serialise publishing and removal across processes (the store's write lock).
  Result<bool> publish(const std::filesystem::path& destination);

 private:
  Staging() = default;
  Result<bool> copy_file(const std::filesystem::path& from, const std::filesystem::path& to, Sha256* hash,
                         std::uint64_t* size);
  std::filesystem::path dir_;
  int fd_ = -1;
  Sha256 model_hash_;
  std::string model_sha_;
  std::uint64_t model_size_ = 0;
  std::vector<ExternalFile> external_;
  Result<bool> finish_external();
  int external_fd_ = -1;           // the external-data file being uploaded
  std::unique_ptr<Sha256> external_hash_;
};

// A fresh name under tmp_root for a folder on its way out: tmp_root/<pid>-removing-<what>-<unique>, so that a
// process killed while deleting it leaves something remove_abandoned_staging() finishes.
std::filesystem::path trash_path(const std::filesystem::path& tmp_root, const std::string& what);
// Makes a rename or a new file in `dir` durable.
void fsync_dir(const std::filesystem::path& dir);
// Removes tmp_root/<pid>-* folders whose process is gone (an upload killed mid-way).
int remove_abandoned_staging(const std::filesystem::path& tmp_root);

}  // namespace trtlens::store
