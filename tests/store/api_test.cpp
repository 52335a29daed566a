// REST routes of the tracked-model library, through a real server on a loopback port.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include "report/report.h"
#include "store/store.h"
#include "store/store_support.h"

namespace trtlens::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

httplib::Result upload(httplib::Client& c, const std::string& name, const std::string& bytes,
                       const std::string& query = "") {
  return c.Post(("/api/tracked/models/" + name + "/versions" + query).c_str(), bytes, "application/octet-stream");
}

std::string error_code(const httplib::Result& r) { return json::parse(r->body)["error"]["code"].get<std::string>(); }

TEST(TrackedApi, UploadListAnalyseAndReuploadIsANoOp) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_NE(server.context().extension("store"), nullptr);

  auto r = upload(c, "net", relu_model_with_custom_op(1).bytes(), "?tag=vision&file_name=net.onnx");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto body = json::parse(r->body);
  EXPECT_TRUE(body["new_model"].get<bool>());
  EXPECT_EQ(body["version"]["number"], 1);
  EXPECT_EQ(body["version"]["file_name"], "net.onnx");
  EXPECT_EQ(body["model"]["tags"], json::array({"vision"}));

  auto again = upload(c, "net", relu_model_with_custom_op(1).bytes());
  ASSERT_EQ(again->status, 200);
  EXPECT_FALSE(json::parse(again->body)["new_version"].get<bool>());

  ASSERT_EQ(upload(c, "net", relu_model(2).bytes())->status, 201);

  auto list = c.Get("/api/tracked/models?trt=10.15&precision=fp16");
  ASSERT_EQ(list->status, 200) << list->body;
  auto models = json::parse(list->body);
  EXPECT_EQ(models["target"]["release"], "10.15");
  EXPECT_EQ(models["target"]["precisions"], "fp16");
  ASSERT_EQ(models["models"].size(), 1u);
  EXPECT_EQ(models["models"][0]["version_count"], 2);
  EXPECT_EQ(models["models"][0]["latest"]["number"], 2);
  EXPECT_EQ(models["models"][0]["latest"]["summary"]["unsupported"], 0);
  EXPECT_EQ(models["models"][0]["latest"]["summary"]["convertible"], 2);

  auto analysis = c.Get("/api/tracked/models/net/versions/1/analysis?trt=10.15");
  ASSERT_EQ(analysis->status, 200) << analysis->body;
  EXPECT_EQ(analysis->get_header_value("X-Trtlens-Cache"), "miss");
  // The same document `trtlens check STORED_FILE --trt 10.15 --format json` prints.
  const auto stored = tmp / "data/models" / body["version"]["digest"].get<std::string>() / "model.onnx";
  auto cli = run_trtlens({"check", stored.string(), "--trt", "10.15", "--format", "json"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_EQ(json::parse(analysis->body), json::parse(cli.out));
  auto cached = c.Get("/api/tracked/models/net/versions/1/analysis?trt=10.15");
  EXPECT_EQ(cached->get_header_value("X-Trtlens-Cache"), "hit");
  EXPECT_EQ(cached->body, analysis->body);

  auto file = c.Get("/api/tracked/models/net/versions/latest/file");
  ASSERT_EQ(file->status, 200);
  EXPECT_EQ(file->body, relu_model(2).bytes());

  auto show = c.Get("/api/tracked/models/net");
  ASSERT_EQ(show->status, 200);
  EXPECT_EQ(json::parse(show->body)["versions"].size(), 2u);
}

TEST(TrackedApi, OversizeAndInvalidUploadsAre4xxAndStoreNothing) {
  TempDir tmp;
  TestServer server(tmp / "data", /*max_upload=*/4096);
  auto c = server.client();
  auto big = upload(c, "big", std::string(8192, 'x'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(error_code(big), "E_TOO_LARGE");

  auto junk = upload(c, "junk", "definitely not an onnx model", "?file_name=junk.onnx");
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 422) << junk->body;
  // The loader's message names the file as the client sent it, never the staging folder inside the data directory.
  const auto message = json::parse(junk->body)["error"]["message"].get<std::string>();
  EXPECT_EQ(message.rfind("junk.onnx is not a valid ONNX protobuf", 0), 0u) << message;
  EXPECT_EQ(message.find((tmp / "data").string()), std::string::npos) << message;
  EXPECT_EQ(message.find("/tmp/"), std::string::npos) << message;
  // Without a file_name, the model's default file name.
  auto unnamed = upload(c, "junk", "still not a model");
  EXPECT_EQ(json::parse(unnamed->body)["error"]["message"].get<std::string>().rfind("junk.onnx is not", 0), 0u)
      << unnamed->body;

  auto empty = upload(c, "empty", "");
  EXPECT_EQ(empty->status, 422) << empty->body;

  auto list = c.Get("/api/tracked/models");
  EXPECT_TRUE(json::parse(list->body)["models"].empty());
  EXPECT_EQ(entries_in(tmp / "data/models"), 0u);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

TEST(TrackedApi, AChunkedUploadIsCutOffAtTheLimit) {
  TempDir tmp;
  TestServer server(tmp / "data", /*max_upload=*/64 << 10);
  auto c = server.client();
  // No Content-Length: the server only learns the size while streaming.
  std::size_t sent = 0;
  auto r = c.Post(
      "/api/tracked/models/chunked/versions",
      [&](std::size_t, httplib::DataSink& sink) {
        const std::string block(16 << 10, 'x');
        if (sent >= (256u << 10)) {
          sink.done();
          return true;
        }
        sent += block.size();
        return sink.write(block.data(), block.size());
      },
      "application/octet-stream");
  // The server answers 413 and closes; a client still writing when the connection closes sees its send fail
  // instead of the answer (timing-dependent). Either way nothing may be stored.
  if (r) EXPECT_EQ(r->status, 413) << r->body;
  else EXPECT_TRUE(r.error() == httplib::Error::Canceled || r.error() == httplib::Error::Write)
      << httplib::to_string(r.error());
  EXPECT_EQ(json::parse(server.client().Get("/api/tracked/models")->body)["models"].size(), 0u);
  EXPECT_EQ(entries_in(tmp / "data/models"), 0u);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

// Raw little-endian FLOAT bytes.
std::string float_bytes(const std::vector<float>& values) {
  std::string out(values.size() * sizeof(float), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

httplib::Result upload_parts(httplib::Client& c, const std::string& name, const httplib::MultipartFormDataItems& parts) {
  return c.Post(("/api/tracked/models/" + name + "/versions").c_str(), parts);
}

TEST(TrackedApi, AModelWithExternalDataUploadsAsAForm) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  const std::string model = external_model("weights/w.bin").bytes();
  const std::string weights = float_bytes({1.0f, -70000.0f, 3.0f, 0.5f});
  auto r = upload_parts(c, "ext", {{"model", model, "ext.onnx", "application/octet-stream"},
                                   {"data", weights, "weights/w.bin", "application/octet-stream"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto body = json::parse(r->body);
  EXPECT_EQ(body["version"]["file_name"], "ext.onnx");
  // Stored beside the model under the name the model uses, byte for byte.
  const auto stored = tmp / "data/models" / body["version"]["digest"].get<std::string>();
  std::ifstream in(stored / "weights/w.bin", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), weights);
  // The weight values were read from the uploaded file: -70000 overflows FP16.
  auto a = c.Get("/api/tracked/models/ext/versions/1/analysis?trt=10.15&precision=fp16");
  ASSERT_EQ(a->status, 200) << a->body;
  bool overflow = false;
  const json analysis = json::parse(a->body);
  for (const auto& n : analysis["nodes"])
    for (const auto& w : n["warnings"]) overflow = overflow || w["code"] == "TRT_FP16_OVERFLOW";
  EXPECT_TRUE(overflow) << a->body;
  // Same bytes again: no new version. Other weights: a new one (the digest covers the data file).
  EXPECT_EQ(upload_parts(c, "ext", {{"model", model, "ext.onnx", ""}, {"data", weights, "weights/w.bin", ""}})->status, 200);
  EXPECT_EQ(upload_parts(c, "ext", {{"model", model, "ext.onnx", ""},
                                    {"data", float_bytes({1, 2, 3, 4}), "weights/w.bin", ""}})->status, 201);
}

TEST(TrackedApi, ExternalDataFormsAreCheckedBeforeAnythingIsStored) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  const std::string model = external_model("w.bin").bytes();
  const std::string weights = float_bytes({1, 2, 3, 4});
  struct Case {
    const char* what;
    httplib::MultipartFormDataItems parts;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"data file missing", {{"model", model, "m.onnx", ""}}, 422, "E_EXTERNAL_MISSING"},
      {"file the model does not use", {{"model", model, "m.onnx", ""}, {"data", weights, "w.bin", ""}, {"data", weights, "extra.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"path traversal", {{"model", model, "m.onnx", ""}, {"data", weights, "../w.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"absolute path", {{"model", model, "m.onnx", ""}, {"data", weights, "/tmp/w.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"would replace the model", {{"model", model, "m.onnx", ""}, {"data", weights, "model.onnx", ""}}, 400, "E_BAD_REQUEST"},
      {"sent twice", {{"model", model, "m.onnx", ""}, {"data", weights, "w.bin", ""}, {"data", weights, "w.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"no model part", {{"data", weights, "w.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"unknown part", {{"model", model, "m.onnx", ""}, {"weights", weights, "w.bin", ""}}, 400, "E_BAD_REQUEST"},
      {"too short", {{"model", model, "m.onnx", ""}, {"data", weights.substr(0, 6), "w.bin", ""}}, 422, "E_EXTERNAL_RANGE"},
  };
  for (const auto& k : cases) {
    auto r = upload_parts(c, "bad", k.parts);
    ASSERT_TRUE(r) << k.what;
    EXPECT_EQ(r->status, k.status) << k.what << ": " << r->body;
    EXPECT_EQ(error_code(r), k.code) << k.what << ": " << r->body;
  }
  EXPECT_EQ(json::parse(c.Get("/api/tracked/models")->body)["models"].size(), 0u);
  EXPECT_EQ(entries_in(tmp / "data/models"), 0u);
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
  EXPECT_FALSE(fs::exists(tmp / "w.bin"));
}

TEST(TrackedApi, RenameTagAndDelete) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_EQ(upload(c, "a", relu_model(1).bytes())->status, 201);
  ASSERT_EQ(upload(c, "a", relu_model(2).bytes())->status, 201);
  ASSERT_EQ(upload(c, "b", relu_model(3).bytes())->status, 201);

  auto renamed = c.Patch("/api/tracked/models/a", R"({"name": "alpha", "tags": ["x", "y"]})", "application/json");
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(json::parse(renamed->body)["name"], "alpha");
  EXPECT_EQ(json::parse(renamed->body)["tags"], json::array({"x", "y"}));
  EXPECT_EQ(c.Get("/api/tracked/models/a")->status, 404);
  auto taken = c.Patch("/api/tracked/models/alpha", R"({"name": "b", "tags": ["z"]})", "application/json");
  EXPECT_EQ(taken->status, 409);
  EXPECT_EQ(json::parse(c.Get("/api/tracked/models/alpha")->body)["tags"], json::array({"x", "y"}))
      << "a refused request changes nothing";
  EXPECT_EQ(c.Patch("/api/tracked/models/alpha", "not json", "application/json")->status, 400);

  EXPECT_EQ(c.Delete("/api/tracked/models/alpha/versions/1")->status, 204);
  EXPECT_EQ(c.Delete("/api/tracked/models/alpha/versions/1")->status, 404);
  EXPECT_EQ(c.Delete("/api/tracked/models/alpha/versions/zero")->status, 400);
  auto alpha = json::parse(c.Get("/api/tracked/models/alpha")->body);
  ASSERT_EQ(alpha["versions"].size(), 1u);
  EXPECT_EQ(alpha["versions"][0]["number"], 2);

  EXPECT_EQ(c.Delete("/api/tracked/models/alpha")->status, 204);
  EXPECT_EQ(c.Get("/api/tracked/models/alpha")->status, 404);
  EXPECT_EQ(c.Get("/api/tracked/models/alpha/versions/2/analysis")->status, 404);
  auto list = json::parse(c.Get("/api/tracked/models")->body);
  ASSERT_EQ(list["models"].size(), 1u);
  EXPECT_EQ(list["models"][0]["name"], "b");
}

TEST(TrackedApi, DiffBetweenVersions) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_EQ(upload(c, "m", relu_model(1).bytes())->status, 201);
  ASSERT_EQ(upload(c, "m", relu_model_with_custom_op(1).bytes())->status, 201);
  auto r = c.Get("/api/tracked/models/m/diff?trt=10.15");  // defaults: latest against the one before
  ASSERT_EQ(r->status, 200) << r->body;
  auto d = json::parse(r->body);
  EXPECT_EQ(d["from"]["version"], 1);
  EXPECT_EQ(d["to"]["version"], 2);
  ASSERT_EQ(d["became_unsupported"].size(), 1u) << r->body;
  EXPECT_EQ(d["became_unsupported"][0]["name"], "custom");
  EXPECT_EQ(d["became_unsupported"][0]["from"], nullptr);
  EXPECT_EQ(d["to"]["summary"]["unsupported"], 1);
  auto reverse = json::parse(c.Get("/api/tracked/models/m/diff?from=2&to=1")->body);
  EXPECT_TRUE(reverse["became_unsupported"].empty());
  EXPECT_EQ(reverse["changed"].size(), 1u);
  EXPECT_EQ(c.Get("/api/tracked/models/m/diff?from=9")->status, 404);
}

TEST(TrackedApi, BadTargetsAndNamesAre400) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_EQ(upload(c, "m", relu_model(1).bytes())->status, 201);
  auto r = c.Get("/api/tracked/models?trt=99.9");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_code(r), "E_USAGE");
  EXPECT_EQ(c.Get("/api/tracked/models/m/versions/1/analysis?trt=8.6&precision=fp8")->status, 400);
  EXPECT_EQ(upload(c, "bad%01name", relu_model(1).bytes())->status, 400);
  EXPECT_EQ(c.Get("/api/tracked/models/nobody")->status, 404);
}

}  // namespace
}  // namespace trtlens::test
