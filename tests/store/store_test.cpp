#include "store/store.h"
#include "store/version_analysis.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "report/report.h"
#include "store/store_json.h"
#include "store/store_support.h"

namespace trtlens::test {
namespace {
namespace fs = std::filesystem;
using store::Store;

std::unique_ptr<Store> open_store(const fs::path& dir, const std::string& kb_hash = "") {
  auto s = Store::open(dir, store::StoreOptions{kb_hash});
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
  return std::move(s.value());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Target target(const std::string& release, const std::string& precisions = "fp32", bool strict = false) {
  auto t = make_target(KnowledgeBase::builtin(), release, precisions, strict, {});
  EXPECT_TRUE(t.ok());
  return t.value();
}

TEST(Store, ReaddingTheSameBytesIsANoOp) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  const auto file = relu_model(1).save(tmp / "m.onnx");
  auto first = s->add_file(file, "resnet");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->new_version);
  EXPECT_TRUE(first->new_model);
  auto again = s->add_file(file, "resnet");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->new_version);
  EXPECT_FALSE(again->new_model);
  EXPECT_EQ(again->version.number, 1);
  EXPECT_EQ(s->model("resnet")->versions.size(), 1u);
  EXPECT_EQ(entries_in(tmp / "data/models"), 1u);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

TEST(Store, AChangedFileIsANewVersionKeptByContent) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  ASSERT_TRUE(s->add_file(relu_model(1).save(tmp / "m.onnx"), "net").ok());
  auto second = s->add_file(relu_model(2).save(tmp / "m.onnx"), "net");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->new_version);
  EXPECT_EQ(second->version.number, 2);
  auto m = s->model("net");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->versions.size(), 2u);
  EXPECT_NE(m->versions[0].sha256, m->versions[1].sha256);
  EXPECT_EQ(m->latest()->number, 2);
  EXPECT_EQ(read_file(s->model_path(m->versions[0])), relu_model(1).bytes());
  EXPECT_EQ(read_file(s->model_path(m->versions[1])), relu_model(2).bytes());
  EXPECT_EQ(m->versions[1].sha256, store::sha256_hex(relu_model(2).bytes()));
  // Going back to the first bytes is not a new version: that content is version 1.
  auto back = s->add_file(relu_model(1).save(tmp / "m.onnx"), "net");
  EXPECT_FALSE(back->new_version);
  EXPECT_EQ(back->version.number, 1);
}

TEST(Store, TheLibrarySurvivesReopening) {
  TempDir tmp;
  {
    auto s = open_store(tmp / "data");
    ASSERT_TRUE(s->add_file(relu_model(1).save(tmp / "m.onnx"), "a", {"prod"}).ok());
  }
  auto s = open_store(tmp / "data");
  auto m = s->model("a");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->tags, std::vector<std::string>{"prod"});
  EXPECT_EQ(m->versions.size(), 1u);
}

TEST(Store, RenameTagAndDelete) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  ASSERT_TRUE(s->add_file(relu_model(1).save(tmp / "m.onnx"), "a").ok());
  ASSERT_TRUE(s->add_file(relu_model(2).save(tmp / "m.onnx"), "a").ok());
  ASSERT_TRUE(s->add_file(relu_model(3).save(tmp / "m.onnx"), "b").ok());

  EXPECT_TRUE(s->rename("a", "alpha").ok());
  EXPECT_EQ(s->model("a").error().code, "E_NOT_FOUND");
  EXPECT_EQ(s->rename("alpha", "b").error().code, "E_EXISTS");
  EXPECT_EQ(s->rename("nope", "x").error().code, "E_NOT_FOUND");
  EXPECT_EQ(s->rename("alpha", "").error().code, "E_NAME");

  EXPECT_TRUE(s->set_tags("alpha", {"vision", "fp16"}).ok());
  EXPECT_EQ(s->model("alpha")->tags, (std::vector<std::string>{"fp16", "vision"}));
  EXPECT_TRUE(s->set_tags("alpha", {}).ok());
  EXPECT_TRUE(s->model("alpha")->tags.empty());

  const auto v1 = s->version("alpha", 1).value();
  EXPECT_TRUE(s->remove_version("alpha", 1).ok());
  EXPECT_FALSE(fs::exists(s->model_path(v1)));
  EXPECT_EQ(s->version("alpha", 1).error().code, "E_NOT_FOUND");
  EXPECT_EQ(s->version("alpha", 0)->number, 2);
  EXPECT_EQ(s->remove_version("alpha", 7).error().code, "E_NOT_FOUND");

  const auto v2 = s->version("alpha", 2).value();
  EXPECT_TRUE(s->remove_model("alpha").ok());
  EXPECT_FALSE(fs::exists(s->model_path(v2)));
  EXPECT_EQ(s->model("alpha").error().code, "E_NOT_FOUND");
  ASSERT_EQ(s->list()->size(), 1u);
  EXPECT_EQ(s->list()->front().name, "b");
}

TEST(Store, ContentSharedByTwoModelsStaysUntilTheLastOneGoes) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  const auto file = relu_model(1).save(tmp / "m.onnx");
  ASSERT_TRUE(s->add_file(file, "a").ok());
  auto b = s->add_file(file, "b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->new_version);  // a version of "b", sharing a's file
  EXPECT_EQ(entries_in(tmp / "data/models"), 1u);
  ASSERT_TRUE(s->remove_model("a").ok());
  EXPECT_TRUE(fs::exists(s->model_path(b->version)));
  EXPECT_TRUE(load_model(s->model_path(b->version)).ok());
}

TEST(Store, AnInvalidFileIsRejectedAndNothingIsStored) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  {
    std::ofstream(tmp / "junk.onnx") << "this is not a protobuf";
  }
  auto added = s->add_file(tmp / "junk.onnx", "junk");
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(store::http_status(added.error().code), 422) << added.error().code;
  EXPECT_EQ(s->add_file(tmp / "missing.onnx", "m").error().code, "E_NOT_FOUND");
  EXPECT_EQ(s->add_file(relu_model(1).save(tmp / "m.onnx"), "bad/name").error().code, "E_NAME");
  EXPECT_TRUE(s->list()->empty());
  EXPECT_EQ(entries_in(tmp / "data/models"), 0u);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

TEST(Store, ExternalDataFilesAreStoredWithTheModel) {
  TempDir tmp;
  const std::vector<float> weights{1, 2, 3, 4};
  {
    std::ofstream out(tmp / "w.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(weights.data()), 16);
  }
  ModelBuilder b(17);
  b.input("x", kFloat, {1, 4});
  auto* w = b.graph().add_initializer();
  w->set_name("w");
  w->set_data_type(kFloat);
  w->add_dims(1);
  w->add_dims(4);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = w->add_external_data();
  loc->set_key("location");
  loc->set_value("w.bin");
  b.node("Add", {"x", "w"}, {"y"}, "add");
  b.output("y", kFloat);
  const auto file = b.save(tmp / "ext.onnx");

  auto s = open_store(tmp / "data");
  auto first = s->add_file(file, "ext");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->version.external_files.size(), 1u);
  EXPECT_EQ(first->version.external_files[0].location, "w.bin");
  EXPECT_EQ(first->version.external_files[0].size, 16u);
  const fs::path stored = s->model_path(first->version).parent_path() / "w.bin";
  EXPECT_EQ(read_file(stored), read_file(tmp / "w.bin"));
  EXPECT_NE(first->version.digest, first->version.sha256);

  // Same model file, new weights: a new version.
  {
    std::ofstream out(tmp / "w.bin", std::ios::binary);
    const std::vector<float> other{5, 6, 7, 8};
    out.write(reinterpret_cast<const char*>(other.data()), 16);
  }
  auto second = s->add_file(file, "ext");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->new_version);
  EXPECT_EQ(second->version.sha256, first->version.sha256);
  EXPECT_NE(second->version.digest, first->version.digest);
}

TEST(Store, AnalysisIsCachedPerTargetAndRecomputedWhenTheKnowledgeBaseChanges) {
  TempDir tmp;
  const auto file = relu_model_with_custom_op(1).save(tmp / "m.onnx");
  store::VersionInfo v;
  {
    auto s = open_store(tmp / "data", "kb-one");
    v = s->add_file(file, "m")->version;
    auto a = store::analyze_version(*s, v, target("10.15"));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_FALSE(a->from_cache);
    EXPECT_EQ(a->counts.unsupported, 1);
    EXPECT_EQ(a->counts.convertible, 2);
    EXPECT_FALSE(a->counts.model_convertible);
    // Exactly the JSON `trtlens check --format json` gives (compact).
    auto index = ModelIndex::build(std::move(load_model(s->model_path(v)).value()));
    EXPECT_EQ(a->json, to_json(*index.value(), check(*index.value(), "10.15")));

    auto hit = store::analyze_version(*s, v, target("10.15"));
    EXPECT_TRUE(hit->from_cache);
    EXPECT_EQ(hit->json, a->json);
    // Precision order does not matter; a different precision set or strictness is another entry.
    EXPECT_FALSE(store::analyze_version(*s, v, target("10.15", "int8,fp16"))->from_cache);
    EXPECT_TRUE(store::analyze_version(*s, v, target("10.15", "fp16,int8"))->from_cache);
    EXPECT_FALSE(store::analyze_version(*s, v, target("10.15", "fp16,int8", true))->from_cache);
    EXPECT_FALSE(store::analyze_version(*s, v, target("8.6"))->from_cache);
    EXPECT_EQ(s->cached_analyses().value(), 4);
  }
  auto same_kb = open_store(tmp / "data", "kb-one");
  EXPECT_TRUE(store::analyze_version(*same_kb, v, target("10.15"))->from_cache);
  auto new_kb = open_store(tmp / "data", "kb-two");
  EXPECT_EQ(new_kb->cached_analyses().value(), 0);
  auto recomputed = store::analyze_version(*new_kb, v, target("10.15"));
  EXPECT_FALSE(recomputed->from_cache);
  EXPECT_EQ(recomputed->counts.unsupported, 1);
  EXPECT_TRUE(store::analyze_version(*new_kb, v, target("10.15"))->from_cache);
  // Deleting the version drops its cached analyses.
  ASSERT_TRUE(new_kb->remove_model("m").ok());
  EXPECT_EQ(new_kb->cached_analyses().value(), 0);
}

TEST(Store, BuiltinKnowledgeBaseHashIsStable) {
  EXPECT_EQ(Store::builtin_kb_hash().size(), 64u);
  EXPECT_EQ(Store::builtin_kb_hash(), Store::builtin_kb_hash());
}

TEST(Store, DiffFindsNodesThatBecameUnsupportedOrConvertible) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  ModelBuilder custom = relu_model(1);
  custom.graph().mutable_node(1)->set_op_type("MyCustomOp");  // "relu" is a custom op in v1
  custom.graph().mutable_node(1)->set_domain("com.example");
  custom.opset("com.example", 1);
  auto v1 = s->add_file(custom.save(tmp / "m.onnx"), "m")->version;
  auto v2 = s->add_file(relu_model(1).save(tmp / "m.onnx"), "m")->version;
  auto v3 = s->add_file(relu_model_with_custom_op(1).save(tmp / "m.onnx"), "m")->version;

  auto up = store::diff_versions(*s, v1, v2, target("10.15"));
  ASSERT_TRUE(up.ok()) << up.error().message;
  const store::VersionDiff& u = *up.value();
  ASSERT_EQ(u.became_convertible.size(), 1u);
  EXPECT_EQ(u.to_index->nodes()[static_cast<std::size_t>(u.became_convertible[0]->new_node)].name, "relu");
  EXPECT_EQ(u.became_convertible[0]->matched_by, "name");
  EXPECT_EQ(store::status_before(*u.became_convertible[0]), "unsupported");
  EXPECT_TRUE(u.became_unsupported.empty());
  EXPECT_EQ(u.from_counts.unsupported, 1);
  EXPECT_EQ(u.to_counts.unsupported, 0);

  auto down = store::diff_versions(*s, v2, v3, target("10.15"));
  ASSERT_TRUE(down.ok()) << down.error().message;
  const store::VersionDiff& dn = *down.value();
  ASSERT_EQ(dn.became_unsupported.size(), 1u);
  EXPECT_EQ(dn.to_index->nodes()[static_cast<std::size_t>(dn.became_unsupported[0]->new_node)].name, "custom");
  EXPECT_EQ(dn.became_unsupported[0]->old_node, -1);  // added
  EXPECT_EQ(store::status_before(*dn.became_unsupported[0]), "");
  EXPECT_TRUE(dn.became_convertible.empty());
}

TEST(Store, AbandonedStagingFoldersAreRemovedOnOpen) {
  TempDir tmp;
  { open_store(tmp / "data"); }
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // `child` is now a pid with no process
  const fs::path abandoned = tmp / "data/tmp" / (std::to_string(child) + "-0-1");
  const fs::path live = tmp / "data/tmp" / (std::to_string(getpid()) + "-99-1");
  fs::create_directories(abandoned);
  fs::create_directories(live);
  std::ofstream(abandoned / "model.onnx") << "partial";
  auto s = open_store(tmp / "data");
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(live));  // another upload of a live process is left alone
}

TEST(Store, AFolderLeftByACrashBetweenRenameAndCommitIsReused) {
  TempDir tmp;
  auto s = open_store(tmp / "data");
  const std::string bytes = relu_model(1).bytes();
  const fs::path orphan = tmp / "data/models" / store::sha256_hex(bytes);
  fs::create_directories(orphan);
  std::ofstream(orphan / "model.onnx", std::ios::binary) << bytes;
  EXPECT_TRUE(s->list()->empty());  // files without a row are not part of the library
  auto added = s->add_file(relu_model(1).save(tmp / "m.onnx"), "m");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_TRUE(added->new_version);
  EXPECT_EQ(s->model_path(added->version), orphan / "model.onnx");
  EXPECT_EQ(read_file(orphan / "model.onnx"), bytes);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

TEST(Store, DefaultDataDirFollowsXdg) {
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(Store::default_data_dir(), fs::path("/tmp/xdg-test/trtlens"));
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
}

}  // namespace
}  // namespace trtlens::test
