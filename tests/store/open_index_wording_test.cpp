// One open_index (onnx/open_index.h) for the CLI, the server and the tracked-model store: a model that loads but
// cannot be indexed is reported with the same code and the same "NAME: why" wording by all three, the name being how
// the user knows the file (the path given, the uploaded file's name, the file name a version was added with).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "store/store_support.h"
#include "store/version_analysis.h"

namespace trtlens::test {
namespace {
namespace fs = std::filesystem;

// Two initializers named "w": the file parses, the index refuses it.
ModelBuilder duplicate_initializers() {
  ModelBuilder b(17);
  b.input("x", kFloat, {2});
  b.initializer("w", kFloat, {2}, {1, 2});
  b.initializer("w", kFloat, {2}, {3, 4});
  b.node("Add", {"x", "w"}, {"y"}, "add");
  b.output("y", kFloat, {2});
  return b;
}

const std::string kWhy = ": duplicate tensor name 'w': two initializers";

TEST(OpenIndexWording, CliServerAndStoreNameTheModelAlike) {
  TempDir tmp;
  const fs::path bad = duplicate_initializers().save(tmp / "dup.onnx");

  const RunResult cli = run_trtlens({"partition", bad.string()});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find(bad.string() + kWhy), std::string::npos) << cli.err;

  TestServer server(tmp / "data");
  auto c = server.client();
  auto up = c.Post("/api/models", httplib::Headers{{"X-Filename", "dup.onnx"}}, duplicate_initializers().bytes(),
                   "application/octet-stream");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 422);
  const auto error = nlohmann::json::parse(up->body)["error"];
  EXPECT_EQ(error["code"], "E_DUPLICATE_NAME");
  EXPECT_EQ(error["message"].get<std::string>().rfind("dup.onnx" + kWhy, 0), 0u) << error["message"];

  // The store refuses such a file when it is added; a stored file that changed on disk afterwards is read again by
  // analyze_version, through the same open_index.
  auto s = store::Store::open(tmp / "library");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto added = s.value()->add_file(relu_model(1).save(tmp / "net.onnx"), "net");
  ASSERT_TRUE(added.ok()) << added.error().message;
  const fs::path stored = s.value()->model_path(added->version);
  fs::remove(stored);
  fs::copy_file(bad, stored);
  auto t = make_target(KnowledgeBase::builtin(), "10.15", "fp32", false, {});
  ASSERT_TRUE(t.ok());
  auto a = store::analyze_version(*s.value(), added->version, *t);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "E_DUPLICATE_NAME");
  EXPECT_EQ(a.error().message.rfind("net.onnx" + kWhy, 0), 0u) << a.error().message;
}

}  // namespace
}  // namespace trtlens::test
