#include "store/store.h"

#include <stdio.h>

#include <algorithm>
#include <cstdlib>

#include "kb/embedded.h"
#include "store/sqlite.h"

namespace trtlens::store {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE IF NOT EXISTS tags (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (model_id, tag));
CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  digest TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (model_id, number),
  UNIQUE (model_id, digest));
CREATE INDEX IF NOT EXISTS versions_digest ON versions(digest);
CREATE TABLE IF NOT EXISTS external_files (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  location TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (version_id, location));
CREATE TABLE IF NOT EXISTS analyses (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  release TEXT NOT NULL,
  precisions TEXT NOT NULL,
  strict INTEGER NOT NULL,
  kb_hash TEXT NOT NULL,
  convertible INTEGER NOT NULL, fallback INTEGER NOT NULL, unsupported INTEGER NOT NULL, warnings INTEGER NOT NULL,
  model_convertible INTEGER NOT NULL,
  json TEXT NOT NULL,
  hardware TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, release, precisions, strict, hardware));
)sql";

// SQLite failures are exceptional inside the store; its public functions return them as values.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SqliteError& e) {
    return make_error("E_DB", std::string("tracked-model database: ") + e.what());
  } catch (const fs::filesystem_error& e) {
    return make_error("E_IO", e.what());
  }
}

Error not_found(const std::string& name) { return make_error("E_NOT_FOUND", "no tracked model named '" + name + "'"); }

std::int64_t model_id(Db& db, const std::string& name) {
  Stmt q(db, "SELECT id FROM models WHERE name = ?");
  q.bind_all(name);
  return q.step() ? q.integer(0) : 0;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF (names end up in JSON and in SQLite TEXT).
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

// A file name as recorded with a version: kept as given when it is UTF-8, else with every non-ASCII byte as '?'.
std::string recorded_file_name(const std::string& name) {
  if (valid_utf8(name)) return name;
  std::string out = name;
  for (auto& c : out)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  return out;
}

}  // namespace

std::string precision_key(const Target& target) {
  auto precisions = target.precisions;
  std::sort(precisions.begin(), precisions.end());
  std::string key = precision_list(precisions, ",");
  if (target.strongly_typed) key += ",strongly_typed";  // a different analysis: cached under its own key
  return key;
}

fs::path Store::default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "trtlens";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local/share/trtlens";
  return fs::path(".trtlens");
}

std::string Store::builtin_kb_hash() {
  static const std::string hash = [] {
    Sha256 h;
    for (const auto& f : embedded_kb_files()) {
      h.update(f.name.data(), f.name.size());
      h.update("\n", 1);
      h.update(f.data, f.size);
    }
    return h.hex();
  }();
  return hash;
}

Result<bool> Store::check_name(const std::string& name) {
  if (name.empty() || name.size() > 200) return make_error("E_NAME", "a name must have 1 to 200 characters");
  if (!valid_utf8(name))
    return make_error("E_NAME", "a name or tag must be valid UTF-8 (this one is not: was the file name in another "
                                "encoding? give a name with --name)");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
      return make_error("E_NAME", "name '" + name + "' has a control character or a slash");
  return true;
}

Result<std::unique_ptr<Store>> Store::open(const fs::path& data_dir, const StoreOptions& options) {
  std::unique_ptr<Store> s(new Store());
  s->dir_ = data_dir;
  s->kb_hash_ = options.kb_hash.empty() ? builtin_kb_hash() : options.kb_hash;
  std::error_code ec;
  for (const auto* sub : {"models", "tmp"}) {
    fs::create_directories(data_dir / sub, ec);
    if (ec) return make_error("E_IO", "cannot create data directory " + (data_dir / sub).string() + ": " + ec.message());
  }
  remove_abandoned_staging(data_dir / "tmp");
  auto opened = guarded([&]() -> Result<bool> {
    s->db_ = std::make_unique<Db>((data_dir / "library.sqlite3").string());
    sqlite3_busy_timeout(s->db_->get(), 30000);
    s->db_->exec("PRAGMA journal_mode=WAL");
    s->db_->exec("PRAGMA synchronous=FULL");
    s->db_->exec("PRAGMA foreign_keys=ON");
    s->create_schema();
    return true;
  });
  if (!opened) return opened.error();
  return s;
}

Store::~Store() = default;

void Store::create_schema() {
  Transaction t(*db_);
  // Libraries from before hardware targets key their analyses without the hardware. The table is only a cache of
  // what `check` computes, so it is rebuilt rather than migrated.
  bool outdated = false;
  {
    Stmt old(*db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'analyses' AND NOT EXISTS "
                   "(SELECT 1 FROM pragma_table_info('analyses') WHERE name = 'hardware')");
    outdated = old.step();
  }  // finalized: a table being read cannot be dropped
  if (outdated) db_->exec("DROP TABLE analyses");
  db_->exec(kSchema);
  t.commit();
}

Result<std::unique_ptr<Staging>> Store::stage() { return Staging::create(dir_ / "tmp"); }

fs::path Store::model_path(const VersionInfo& v) const { return dir_ / "models" / v.digest / "model.onnx"; }

std::vector<VersionInfo> Store::read_versions(std::int64_t id) {
  std::vector<VersionInfo> out;
  Stmt q(*db_, "SELECT id, number, digest, sha256, size, file_name, added_at FROM versions WHERE model_id = ? "
               "ORDER BY number");
  q.bind_all(id);
  while (q.step())
    out.push_back(VersionInfo{q.integer(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3),
                              static_cast<std::uint64_t>(q.integer(4)), q.text(5), q.text(6), {}});
  for (auto& v : out) {
    Stmt f(*db_, "SELECT location, sha256, size FROM external_files WHERE version_id = ? ORDER BY location");
    f.bind_all(v.id);
    while (f.step()) v.external_files.push_back({f.text(0), f.text(1), static_cast<std::uint64_t>(f.integer(2))});
  }
  return out;
}

ModelInfo Store::read_model(std::int64_t id) {
  ModelInfo m;
  Stmt q(*db_, "SELECT id, name, created_at FROM models WHERE id = ?");
  q.bind_all(id);
  if (!q.step()) return m;
  m.id = q.integer(0);
  m.name = q.text(1);
  m.created_at = q.text(2);
  Stmt t(*db_, "SELECT tag FROM tags WHERE model_id = ? ORDER BY tag");
  t.bind_all(id);
  while (t.step()) m.tags.push_back(t.text(0));
  m.versions = read_versions(id);
  return m;
}

Result<AddResult> Store::commit(Staging& staged, const std::string& name, const std::string& file_name,
                                const std::vector<std::string>& tags) {
  if (auto ok = check_name(name); !ok) return ok.error();
  for (const auto& tag : tags)
    if (auto ok = check_name(tag); !ok) return make_error("E_NAME", "invalid tag: " + ok.error().message);
  if (auto valid = staged.validate(); !valid) return valid.error();
  const std::string digest = staged.digest();

  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<AddResult> {
    // The write lock first (BEGIN IMMEDIATE: held across processes, so a CLI and a server on one data directory
    // take turns), then the files (complete, fsynced, renamed into place), then the row. A removal deletes folders
    // only under the same lock, so the folder this row names cannot vanish in between; a crash after publishing
    // leaves an unreferenced folder that a later add of the same content reuses, never a row without its file.
    Transaction t(*db_);
    auto published = staged.publish(dir_ / "models" / digest);
    if (!published) return published.error();
    AddResult result;
    std::int64_t id = model_id(*db_, name);
    if (id == 0) {
      Stmt ins(*db_, "INSERT INTO models(name) VALUES (?)");
      ins.bind_all(name).run();
      id = db_->last_insert_id();
      result.new_model = true;
    }
    for (const auto& tag : tags) Stmt(*db_, "INSERT OR IGNORE INTO tags(model_id, tag) VALUES (?, ?)").bind_all(id, tag).run();
    Stmt existing(*db_, "SELECT number FROM versions WHERE model_id = ? AND digest = ?");
    existing.bind_all(id, digest);
    int number = 0;
    if (existing.step()) {
      number = static_cast<int>(existing.integer(0));
    } else {
      Stmt next(*db_, "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE model_id = ?");
      next.bind_all(id).step();
      number = static_cast<int>(next.integer(0));
      Stmt ins(*db_, "INSERT INTO versions(model_id, number, digest, sha256, size, file_name) VALUES (?,?,?,?,?,?)");
      ins.bind_all(id, number, digest, staged.model_sha256(), static_cast<std::int64_t>(staged.model_size()),
                   recorded_file_name(file_name))
          .run();
      const std::int64_t version_id = db_->last_insert_id();
      for (const auto& f : staged.external_files())
        Stmt(*db_, "INSERT INTO external_files(version_id, location, sha256, size) VALUES (?,?,?,?)")
            .bind_all(version_id, f.location, f.sha256, static_cast<std::int64_t>(f.size))
            .run();
      result.new_version = true;
    }
    t.commit();
    result.model = read_model(id);
    for (const auto& v : result.model.versions)
      if (v.number == number) result.version = v;
    return result;
  });
}

Result<AddResult> Store::add_file(const fs::path& model, const std::string& name, const std::vector<std::string>& tags) {
  auto staged = stage();
  if (!staged) return staged.error();
  if (auto copied = staged.value()->copy_model_from(model); !copied) return copied.error();
  return commit(*staged.value(), name, model.filename().string(), tags);
}

Result<std::vector<ModelInfo>> Store::list() {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<std::vector<ModelInfo>> {
    std::vector<std::int64_t> ids;
    Stmt q(*db_, "SELECT id FROM models ORDER BY name");
    while (q.step()) ids.push_back(q.integer(0));
    std::vector<ModelInfo> out;
    for (auto id : ids) out.push_back(read_model(id));
    return out;
  });
}

Result<ModelInfo> Store::model(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<ModelInfo> {
    const auto id = model_id(*db_, name);
    if (id == 0) return not_found(name);
    return read_model(id);
  });
}

Result<VersionInfo> Store::version(const std::string& name, int number) {
  auto m = model(name);
  if (!m) return m.error();
  if (m->versions.empty()) return make_error("E_NOT_FOUND", "tracked model '" + name + "' has no versions");
  if (number == 0) return m->versions.back();
  for (const auto& v : m->versions)
    if (v.number == number) return v;
  return make_error("E_NOT_FOUND", "tracked model '" + name + "' has no version " + std::to_string(number));
}

Result<bool> Store::rename(const std::string& name, const std::string& new_name) {
  if (auto ok = check_name(new_name); !ok) return ok.error();
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<bool> {
    Transaction t(*db_);
    const auto id = model_id(*db_, name);
    if (id == 0) return not_found(name);
    if (new_name == name) return true;
    if (model_id(*db_, new_name) != 0) return make_error("E_EXISTS", "a tracked model named '" + new_name + "' exists");
    Stmt(*db_, "UPDATE models SET name = ? WHERE id = ?").bind_all(new_name, id).run();
    t.commit();
    return true;
  });
}

Result<bool> Store::set_tags(const std::string& name, const std::vector<std::string>& tags) {
  for (const auto& tag : tags)
    if (auto ok = check_name(tag); !ok) return make_error("E_NAME", "invalid tag: " + ok.error().message);
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<bool> {
    Transaction t(*db_);
    const auto id = model_id(*db_, name);
    if (id == 0) return not_found(name);
    Stmt(*db_, "DELETE FROM tags WHERE model_id = ?").bind_all(id).run();
    for (const auto& tag : tags) Stmt(*db_, "INSERT OR IGNORE INTO tags(model_id, tag) VALUES (?, ?)").bind_all(id, tag).run();
    t.commit();
    return true;
  });
}

// Called with the mutex held, after the rows are gone (committed): a folder is deleted only when no version names
// it. Under the write lock, so no other process commits a version of the same digest in between; each folder leaves
// the library in one rename (into tmp/, where a removal killed half-way is finished by the next Store::open), so
// models/ never holds a half-deleted version that a later add could mistake for a complete one.
void Store::remove_unreferenced(const std::vector<std::string>& digests) {
  std::vector<fs::path> aside;
  {
    Transaction t(*db_);
    for (const auto& digest : digests) {
      Stmt q(*db_, "SELECT 1 FROM versions WHERE digest = ? LIMIT 1");
      q.bind_all(digest);
      if (q.step()) continue;
      const fs::path folder = dir_ / "models" / digest;
      const fs::path trash = trash_path(dir_ / "tmp", digest.substr(0, 16));
      if (::rename(folder.c_str(), trash.c_str()) == 0) aside.push_back(trash);
    }
    t.commit();
  }
  for (const auto& trash : aside) {
    std::error_code ec;
    fs::remove_all(trash, ec);
  }
}

Result<bool> Store::remove_model(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<bool> {
    std::vector<std::string> digests;
    {
      Transaction t(*db_);
      const auto id = model_id(*db_, name);
      if (id == 0) return not_found(name);
      for (const auto& v : read_versions(id)) digests.push_back(v.digest);
      Stmt(*db_, "DELETE FROM models WHERE id = ?").bind_all(id).run();
      t.commit();
    }
    remove_unreferenced(digests);
    return true;
  });
}

Result<bool> Store::remove_version(const std::string& name, int number) {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<bool> {
    std::string digest;
    {
      Transaction t(*db_);
      const auto id = model_id(*db_, name);
      if (id == 0) return not_found(name);
      Stmt q(*db_, "SELECT digest FROM versions WHERE model_id = ? AND number = ?");
      q.bind_all(id, number);
      if (!q.step())
        return make_error("E_NOT_FOUND", "tracked model '" + name + "' has no version " + std::to_string(number));
      digest = q.text(0);
      Stmt(*db_, "DELETE FROM versions WHERE model_id = ? AND number = ?").bind_all(id, number).run();
      t.commit();
    }
    remove_unreferenced({digest});
    return true;
  });
}

Result<std::optional<CachedAnalysis>> Store::cached_analysis(const VersionInfo& v, const Target& target) {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<std::optional<CachedAnalysis>> {
    Stmt q(*db_, "SELECT json, convertible, fallback, unsupported, warnings, model_convertible FROM analyses "
                 "WHERE version_id = ? AND release = ? AND precisions = ? AND strict = ? AND hardware = ? AND kb_hash = ?");
    q.bind_all(v.id, target.release->name, precision_key(target), target.strict, target.hardware.key(), kb_hash_);
    if (!q.step()) return std::optional<CachedAnalysis>();
    CachedAnalysis c;
    c.json = q.text(0);
    c.counts = Counts{static_cast<int>(q.integer(1)), static_cast<int>(q.integer(2)), static_cast<int>(q.integer(3)),
                      static_cast<int>(q.integer(4)), q.integer(5) != 0};
    c.from_cache = true;
    return std::optional<CachedAnalysis>(std::move(c));
  });
}

Result<bool> Store::cache_analysis(const VersionInfo& v, const Target& target, const CachedAnalysis& c) {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<bool> {
    Stmt ins(*db_, "INSERT OR REPLACE INTO analyses(version_id, release, precisions, strict, kb_hash, convertible, "
                   "fallback, unsupported, warnings, model_convertible, json, hardware) "
                   "SELECT ?,?,?,?,?,?,?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM versions WHERE id = ?1)");
    ins.bind_all(v.id, target.release->name, precision_key(target), target.strict, kb_hash_, c.counts.convertible,
                 c.counts.fallback, c.counts.unsupported, c.counts.warnings, c.counts.model_convertible, c.json,
                 target.hardware.key())
        .run();
    return true;
  });
}

Result<int> Store::cached_analyses() {
  std::lock_guard<std::mutex> lock(mutex_);
  return guarded([&]() -> Result<int> {
    Stmt q(*db_, "SELECT COUNT(*) FROM analyses WHERE kb_hash = ?");
    q.bind_all(kb_hash_);
    q.step();
    return static_cast<int>(q.integer(0));
  });
}

}  // namespace trtlens::store
