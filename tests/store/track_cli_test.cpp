// `trtlens track ...` end to end through the binary, and the CLI and the server sharing one store.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "store/store_support.h"

namespace trtlens::test {
namespace {
using nlohmann::json;

TEST(TrackCli, AddListShowDiffRemove) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto v1 = relu_model(1).save(tmp / "net.onnx").string();

  auto added = run_trtlens({"track", "add", v1, "--tag", "vision", "--data-dir", data});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("added net version 1"), std::string::npos) << added.out;
  auto again = run_trtlens({"track", "add", v1, "--data-dir", data});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;

  const auto v2 = relu_model_with_custom_op(1).save(tmp / "net.onnx").string();
  ASSERT_EQ(run_trtlens({"track", "add", v2, "--data-dir", data}).exit_code, 0);

  auto list = run_trtlens({"track", "list", "--trt", "10.15", "--format", "json", "--data-dir", data});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto models = json::parse(list.out)["models"];
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0]["name"], "net");
  EXPECT_EQ(models[0]["tags"], json::array({"vision"}));
  EXPECT_EQ(models[0]["latest"]["number"], 2);
  EXPECT_EQ(models[0]["latest"]["summary"]["unsupported"], 1);

  auto show = run_trtlens({"track", "show", "net", "--format", "json", "--data-dir", data});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto versions = json::parse(show.out)["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["summary"]["unsupported"], 0);
  EXPECT_EQ(versions[1]["summary"]["unsupported"], 1);

  auto diff = run_trtlens({"track", "diff", "net", "--data-dir", data});
  EXPECT_EQ(diff.exit_code, 1) << "a node became unsupported: a regression";
  EXPECT_NE(diff.out.find("custom (MyCustomOp): absent -> unsupported"), std::string::npos) << diff.out;
  EXPECT_EQ(run_trtlens({"track", "diff", "net", "--from", "2", "--to", "1", "--data-dir", data}).exit_code, 0);

  EXPECT_EQ(run_trtlens({"track", "rm", "net", "--version", "2", "--data-dir", data}).exit_code, 0);
  auto rm = run_trtlens({"track", "rm", "net", "--data-dir", data});
  EXPECT_EQ(rm.exit_code, 0);
  auto gone = run_trtlens({"track", "show", "net", "--data-dir", data});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("no tracked model named 'net'"), std::string::npos) << gone.err;
}

TEST(TrackCli, BadInputIsAUsageErrorAndStoresNothing) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  {
    std::ofstream(tmp / "junk.onnx") << "not a model";
  }
  auto junk = run_trtlens({"track", "add", (tmp / "junk.onnx").string(), "--data-dir", data});
  EXPECT_EQ(junk.exit_code, 2);
  EXPECT_FALSE(junk.err.empty());
  EXPECT_EQ(run_trtlens({"track", "list", "--trt", "99.9", "--data-dir", data}).exit_code, 2);
  EXPECT_EQ(run_trtlens({"track", "rm", "nobody", "--data-dir", data}).exit_code, 2);
  EXPECT_EQ(run_trtlens({"track", "--data-dir", data}).exit_code, 2);
  auto list = run_trtlens({"track", "list", "--format", "json", "--data-dir", data});
  EXPECT_TRUE(json::parse(list.out)["models"].empty());
}

TEST(TrackCli, TheServerSeesWhatTheCliAdded) {
  TempDir tmp;
  const auto model = relu_model(5).save(tmp / "m.onnx").string();
  ASSERT_EQ(run_trtlens({"track", "add", model, "--name", "shared", "--data-dir", (tmp / "data").string()}).exit_code,
            0);
  TestServer server(tmp / "data");
  auto c = server.client();
  auto r = c.Get("/api/tracked/models/shared");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["versions"][0]["file_name"], "m.onnx");
  // ... and the CLI sees what the server added, while the server still runs.
  ASSERT_EQ(c.Post("/api/tracked/models/shared/versions", relu_model(6).bytes(), "application/octet-stream")->status,
            201);
  auto show = run_trtlens({"track", "show", "shared", "--format", "json", "--data-dir", (tmp / "data").string()});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["versions"].size(), 2u);
}

}  // namespace
}  // namespace trtlens::test
