// The store under hostile input and hostile timing (issue 16): invalid models and names are never committed, a
// removal killed half-way and a CLI racing a server on one data directory never leave a version without its files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "store/store.h"
#include "store/version_analysis.h"
#include "store/store_json.h"
#include "store/store_support.h"

namespace trtlens::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using store::Store;

std::unique_ptr<Store> open_store(const fs::path& dir) {
  auto s = Store::open(dir);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
  return s ? std::move(s.value()) : nullptr;
}

// A model whose weights live in w.bin next to it (16 bytes).
fs::path external_weights_model(const fs::path& folder) {
  fs::create_directories(folder);
  write_file(folder / "w.bin", std::string(16, '\x01'));
  return external_model("w.bin").save(folder / "model.onnx");
}

// Every version the store lists has its model file and every external-data file, at their recorded sizes.
::testing::AssertionResult every_version_complete(Store& s) {
  auto models = s.list();
  if (!models) return ::testing::AssertionFailure() << models.error().message;
  for (const auto& m : *models)
    for (const auto& v : m.versions) {
      std::error_code ec;
      const auto path = s.model_path(v);
      if (fs::file_size(path, ec) != v.size || ec)
        return ::testing::AssertionFailure() << m.name << " v" << v.number << " lacks " << path;
      for (const auto& f : v.external_files)
        if (fs::file_size(path.parent_path() / f.location, ec) != f.size || ec)
          return ::testing::AssertionFailure() << m.name << " v" << v.number << " lacks " << f.location;
    }
  return ::testing::AssertionSuccess();
}

TEST(HostileStore, ModelWithInvalidElementTypeIsNeverCommitted) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  ModelBuilder b(13);
  b.input("x", 1000, {4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat);
  auto added = s->add_file(b.save(tmp / "bad.onnx"), "bad");
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, "E_INVALID_TYPE") << added.error().message;
  EXPECT_TRUE(s->list()->empty());
}

TEST(HostileStore, UploadWithInvalidElementTypeIs422AndTheListingStillWorks) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ModelBuilder b(13);
  b.input("x", 1000, {4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat);
  auto r = c.Post("/api/tracked/models/bad/versions", b.bytes(), "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  r = c.Get("/api/tracked/models");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["models"].size(), 0u) << r->body;
}

TEST(HostileStore, ReAddAfterARemovalKilledHalfWayStoresEveryFile) {
  // What a `track rm` killed inside its folder deletion used to leave: the rows gone, the folder still there with
  // only some of its files. Adding the same content again must not take that folder for a complete copy.
  TempDir tmp;
  auto s = open_store(tmp / "data");
  const auto model = external_weights_model(tmp / "src");
  auto first = s->add_file(model, "net");
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string digest = first->version.digest;
  ASSERT_TRUE(s->remove_model("net").ok());
  const fs::path folder = tmp / "data" / "models" / digest;
  fs::create_directories(folder);
  write_file(folder / "w.bin", std::string(16, '\x01'));  // model.onnx already deleted, w.bin not yet

  auto again = s->add_file(model, "net");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(fs::exists(s->model_path(again->version)));
  EXPECT_TRUE(every_version_complete(*s));
  auto t = make_target(KnowledgeBase::builtin(), "10.15", "fp32", false, {});
  ASSERT_TRUE(t.ok());
  auto analysis = store::analyze_version(*s, again->version, *t);
  EXPECT_TRUE(analysis.ok()) << analysis.error().message;
}

TEST(HostileStore, KillDuringRemoveThenReAddStaysConsistent) {
  TempDir tmp;
  const auto model = external_weights_model(tmp / "src");
  std::mt19937 rng(16);
  for (int trial = 0; trial < 12; ++trial) {
    {
      auto s = open_store(tmp / "data");
      ASSERT_TRUE(s->add_file(model, "net").ok());
    }
    const pid_t child = fork();
    if (child == 0) {
      auto s = Store::open(tmp / "data");
      if (s) (void)s.value()->remove_model("net");
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 30000));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    auto s = open_store(tmp / "data");
    auto again = s->add_file(model, "net");
    ASSERT_TRUE(again.ok()) << again.error().message;
    ASSERT_TRUE(every_version_complete(*s)) << "trial " << trial;
    ASSERT_TRUE(s->remove_model("net").ok());
  }
}

TEST(HostileStore, TwoProcessesOnOneDataDirectoryNeverCommitAVersionWithoutItsFiles) {
  // A CLI and a server share a data directory: each adds and removes the same content under its own name.
  TempDir tmp;
  const auto model = external_weights_model(tmp / "src");
  { open_store(tmp / "data"); }
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    const pid_t child = fork();
    if (child == 0) {
      auto s = Store::open(tmp / "data");
      if (!s) _exit(3);
      const std::string name = "net" + std::to_string(p);
      for (int round = 0; round < 25; ++round) {
        auto added = s.value()->add_file(model, name);
        if (!added) _exit(4);
        std::error_code ec;
        if (!fs::exists(s.value()->model_path(added->version), ec) ||
            !fs::exists(s.value()->model_path(added->version).parent_path() / "w.bin", ec))
          _exit(1);  // committed a version whose files are gone
        if (!s.value()->remove_model(name)) _exit(5);
      }
      _exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child exit " << WEXITSTATUS(status);
  }
  auto s = open_store(tmp / "data");
  EXPECT_TRUE(every_version_complete(*s));
}

TEST(HostileStore, NamesAndTagsMustBeUtf8) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  const auto file = relu_model(1).save(tmp / "m.onnx");
  for (const std::string& bad : {std::string("caf\xe9"), std::string("\xff\xfe"), std::string("a\xc0\xafz"),
                                std::string("\xed\xa0\x80"), std::string("x\xe2\x82")}) {
    auto added = s->add_file(file, bad);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, "E_NAME");
    EXPECT_NE(added.error().message.find("UTF-8"), std::string::npos) << added.error().message;
    added = s->add_file(file, "ok", {bad});
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, "E_NAME");
  }
  ASSERT_TRUE(s->add_file(file, "caf\xc3\xa9", {"\xe2\x9c\x93"}).ok());
  EXPECT_EQ(s->rename("caf\xc3\xa9", "caf\xe9").error().code, "E_NAME");
  EXPECT_EQ(s->set_tags("caf\xc3\xa9", {"\xe9"}).error().code, "E_NAME");
  auto models = s->list();
  ASSERT_TRUE(models.ok());
  EXPECT_EQ(models->size(), 1u);
}

TEST(HostileStore, TrackAddOfALatin1FileNameIsRefusedClearlyAndTheListingKeepsWorking) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto file = relu_model(1).save(tmp / "mod\xe8le.onnx");
  auto added = run_trtlens({"track", "add", file.string(), "--data-dir", data});
  EXPECT_EQ(added.exit_code, 2) << added.out;
  EXPECT_NE(added.err.find("UTF-8"), std::string::npos) << added.err;
  // With a name given, the file name itself is recorded without its invalid bytes.
  added = run_trtlens({"track", "add", file.string(), "--name", "model", "--data-dir", data});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  auto list = run_trtlens({"track", "list", "--format", "json", "--trt", "10.15", "--data-dir", data});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out)["models"].size(), 1u);
  auto show = run_trtlens({"track", "show", "model", "--format", "json", "--data-dir", data});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["versions"][0]["file_name"], "mod?le.onnx");
}

}  // namespace
}  // namespace trtlens::test
