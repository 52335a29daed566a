// Tracked models with a hardware target: the analysis cache is keyed by it, listings show it, and a library from
// before hardware targets is upgraded (its analysis cache rebuilt).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "store/store.h"
#include "store/store_json.h"
#include "store/store_support.h"
#include "store/version_analysis.h"
#include "support/models.h"

namespace trtlens::test {
namespace {
using store::Store;

// x[1,8,16,16] -> conv 3x3 -> exp: on an Orin's DLA the conv runs there and the exp falls back to the GPU.
ModelBuilder conv_exp() {
  ModelBuilder b = dla_conv();
  b.node("Exp", {"c"}, {"y"}, "exp");
  b.output("y", kFloat, {1, 8, 16, 16});
  return b;
}

Target orin(bool dla) { return hardware_target("8.6", "fp16", "orin", dla); }

TEST(TrackHardware, TheCacheKeepsOneAnalysisPerHardwareTarget) {
  TempDir tmp;
  auto s = Store::open(tmp / "data");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto added = s.value()->add_file(conv_exp().save(tmp / "m.onnx"), "det");
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto plain = make_target(KnowledgeBase::builtin(), "8.6", "fp16", false, {});
  ASSERT_TRUE(plain.ok());
  for (const Target& t : {plain.value(), orin(false), orin(true)}) {
    auto a = store::analyze_version(*s.value(), added->version, t);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_FALSE(a->from_cache);
  }
  EXPECT_EQ(s.value()->cached_analyses().value(), 3);
  auto dla = store::analyze_version(*s.value(), added->version, orin(true));
  ASSERT_TRUE(dla.ok());
  EXPECT_TRUE(dla->from_cache);
  EXPECT_EQ(dla->counts.fallback, 1);  // the exp, off the DLA
  const auto j = nlohmann::json::parse(dla->json);
  EXPECT_EQ(j["target"]["hardware"]["dla"], true);
  EXPECT_EQ(j["nodes"][0]["device"], "dla");
  auto gpu = store::analyze_version(*s.value(), added->version, orin(false));
  ASSERT_TRUE(gpu.ok());
  EXPECT_TRUE(gpu->from_cache);
  EXPECT_EQ(gpu->counts.fallback, 0);
  EXPECT_EQ(store::target_json(orin(true))["hardware"]["gpu"], "sm_87");
  EXPECT_FALSE(store::target_json(plain.value()).contains("hardware"));
}

TEST(TrackHardware, ALibraryFromBeforeHardwareTargetsIsUpgraded) {
  TempDir tmp;
  {
    auto s = Store::open(tmp / "data");
    ASSERT_TRUE(s.ok());
    auto added = s.value()->add_file(conv_exp().save(tmp / "m.onnx"), "det");
    ASSERT_TRUE(added.ok());
  }
  // The analyses table as it was: no hardware column, one cached row.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp / "data" / "library.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE analyses; CREATE TABLE analyses (version_id INTEGER NOT NULL, release TEXT NOT NULL, "
                         "precisions TEXT NOT NULL, strict INTEGER NOT NULL, kb_hash TEXT NOT NULL, convertible INTEGER "
                         "NOT NULL, fallback INTEGER NOT NULL, unsupported INTEGER NOT NULL, warnings INTEGER NOT NULL, "
                         "model_convertible INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (version_id, release, "
                         "precisions, strict)); INSERT INTO analyses VALUES (1, '8.6', 'fp16', 0, 'x', 9, 9, 9, 9, 1, '{}');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = Store::open(tmp / "data");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto v = s.value()->version("det", 0);
  ASSERT_TRUE(v.ok());
  auto a = store::analyze_version(*s.value(), v.value(), orin(true));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->counts.fallback, 1);
  EXPECT_EQ(s.value()->cached_analyses().value(), 1);
}

TEST(TrackHardware, CliListShowAndDiffCarryTheTarget) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto model = conv_exp().save(tmp / "m.onnx");
  ASSERT_EQ(run_trtlens({"track", "add", model.string(), "--name", "det", "--data-dir", data}).exit_code, 0);
  const std::vector<std::string> hw = {"--trt", "8.6", "--precision", "fp16", "--gpu", "orin", "--dla", "--data-dir", data};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), hw.begin(), hw.end());
    return run_trtlens(args);
  };
  const RunResult list = with({"track", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("TensorRT 8.6, fp16, Orin (SM 8.7), DLA with GPU fallback"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("1 convertible, 1 fallback, 0 unsupported"), std::string::npos) << list.out;
  const RunResult json = with({"track", "list", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["target"]["hardware"]["dla"], true);
  EXPECT_EQ(j["models"][0]["latest"]["summary"]["fallback"], 1);
  const RunResult show = with({"track", "show", "det", "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["target"]["hardware"]["product"], "Orin");
  EXPECT_EQ(with({"track", "diff", "det"}).exit_code, 0);
  // The same model without the DLA: its own cache entry, no fallback.
  const RunResult gpu = run_trtlens({"track", "list", "--trt", "8.6", "--precision", "fp16", "--gpu", "orin",
                                     "--format", "json", "--data-dir", data});
  ASSERT_EQ(gpu.exit_code, 0) << gpu.err;
  EXPECT_EQ(nlohmann::json::parse(gpu.out)["models"][0]["latest"]["summary"]["fallback"], 0);
  EXPECT_EQ(nlohmann::json::parse(gpu.out)["target"]["hardware"]["dla"], false);
  EXPECT_EQ(run_trtlens({"track", "list", "--gpu", "T4", "--dla", "--data-dir", data}).exit_code, 2);
}

TEST(TrackHardware, ApiListTakesTheHardwareParameters) {
  TempDir tmp;
  {
    auto s = Store::open(tmp / "data");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s.value()->add_file(conv_exp().save(tmp / "m.onnx"), "det").ok());
  }
  TestServer server(tmp / "data");
  auto client = server.client();
  auto res = client.Get("/api/tracked/models?trt=8.6&precision=fp16&gpu=orin&dla=1");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["target"]["hardware"]["dla"], true);
  EXPECT_EQ(j["models"][0]["latest"]["summary"]["fallback"], 1);
  auto bad = client.Get("/api/tracked/models?gpu=T4&dla=1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

}  // namespace
}  // namespace trtlens::test
