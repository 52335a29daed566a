// POST /api/tracked/models/{name}/versions/{k}/open: a stored version handed to the session's visualizer routes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/store_support.h"

namespace trtlens::test {
namespace {
using nlohmann::json;

std::string error_code(const httplib::Result& r) { return json::parse(r->body)["error"]["code"].get<std::string>(); }

TEST(TrackedOpen, AVersionIsServedByTheVisualizerRoutesOnceAndWithTheSameVerdicts) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_EQ(c.Post("/api/tracked/models/net/versions", relu_model(1).bytes(), "application/octet-stream")->status, 201);
  ASSERT_EQ(c.Post("/api/tracked/models/net/versions", relu_model_with_custom_op(2).bytes(), "application/octet-stream")->status,
            201);

  auto opened = c.Post("/api/tracked/models/net/versions/2/open");
  ASSERT_TRUE(opened);
  ASSERT_EQ(opened->status, 200) << opened->body;
  const auto body = json::parse(opened->body);
  const std::string id = body["id"].get<std::string>();
  EXPECT_EQ(body["name"], "net v2");
  EXPECT_EQ(body["version"], 2);
  EXPECT_EQ(body["node_count"], 3);

  // Opening it again (or as "latest") reuses the session entry instead of loading the file twice.
  EXPECT_EQ(json::parse(c.Post("/api/tracked/models/net/versions/2/open")->body)["id"], id);
  EXPECT_EQ(json::parse(c.Post("/api/tracked/models/net/versions/latest/open")->body)["id"], id);
  EXPECT_NE(json::parse(c.Post("/api/tracked/models/net/versions/1/open")->body)["id"], id);

  auto graph = c.Get(("/api/models/" + id + "/graph").c_str());
  ASSERT_EQ(graph->status, 200) << graph->body;
  EXPECT_EQ(json::parse(graph->body)["nodes"][2]["op_type"], "MyCustomOp");

  auto session = c.Get(("/api/models/" + id + "/analysis?trt=8.6&precision=fp16").c_str());
  auto stored = c.Get("/api/tracked/models/net/versions/2/analysis?trt=8.6&precision=fp16");
  ASSERT_EQ(session->status, 200);
  ASSERT_EQ(stored->status, 200);
  EXPECT_EQ(json::parse(session->body)["nodes"], json::parse(stored->body)["nodes"]);
  EXPECT_EQ(json::parse(session->body)["summary"]["unsupported"], 1);
}

TEST(TrackedOpen, UnknownModelOrVersionIsA4xx) {
  TempDir tmp;
  TestServer server(tmp / "data");
  auto c = server.client();
  ASSERT_EQ(c.Post("/api/tracked/models/net/versions", relu_model(1).bytes(), "application/octet-stream")->status, 201);
  auto no_model = c.Post("/api/tracked/models/other/versions/1/open");
  EXPECT_EQ(no_model->status, 404);
  EXPECT_EQ(error_code(no_model), "E_NOT_FOUND");
  EXPECT_EQ(c.Post("/api/tracked/models/net/versions/7/open")->status, 404);
  auto bad = c.Post("/api/tracked/models/net/versions/zero/open");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(error_code(bad), "E_BAD_REQUEST");
}

}  // namespace
}  // namespace trtlens::test
