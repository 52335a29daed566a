// The analysis API over real HTTP: the server runs in-process on an ephemeral loopback port.
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "kb/kb.h"
#include "report/report.h"
#include "server/http.h"
#include "server/models.h"
#include "server/routes.h"
#include "support/model_builder.h"
#include "util/codes.h"

namespace trtlens::server {
namespace {

using test::ModelBuilder;
using test::TempDir;

// A small If model: Relu, then an If whose bodies hold an Identity and a Neg.
std::filesystem::path small_model(const TempDir& dir) {
  ModelBuilder b;
  b.input("x", 1, {1, 4});
  b.initializer("w", 1, {1, 4}, {1, 2, 3, 4});
  b.node("Add", {"x", "w"}, {"a"}, "block/Add");
  b.node("Relu", {"a"}, {"r"}, "block/Relu");
  b.initializer("c", 9, {}, {1});
  onnx::GraphProto then_g, else_g;
  then_g.set_name("then");
  auto* t = then_g.add_node();
  t->set_op_type("Identity"), t->set_name("then/Identity"), t->add_input("r"), t->add_output("t_out");
  *then_g.add_output() = test::value_info("t_out", 1, {1, 4});
  else_g.set_name("else");
  auto* e = else_g.add_node();
  e->set_op_type("Neg"), e->set_name("else/Neg"), e->add_input("r"), e->add_output("e_out");
  *else_g.add_output() = test::value_info("e_out", 1, {1, 4});
  auto& branch = b.node("If", {"c"}, {"y"}, "block/If");
  test::set_attr(branch, "then_branch", then_g);
  test::set_attr(branch, "else_branch", else_g);
  b.output("y", 1, {1, 4});
  return b.save(dir / "small.onnx");
}

class ApiTest : public ::testing::Test {
 protected:
  void start(std::size_t max_upload = std::size_t{1} << 20) {
    context_.config.models = {small_model(dir_)};
    context_.config.max_upload_bytes = max_upload;
    harden(http_, context_);
    install_all_routes(http_, context_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    context_.config.port = port_;
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  virtual std::size_t max_upload() const { return std::size_t{1} << 20; }
  void SetUp() override { start(max_upload()); }
  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_url_encode(false);  // send traversal attempts exactly as written
    return c;
  }
  static nlohmann::json body(const httplib::Result& r) { return nlohmann::json::parse(r->body); }
  // Uploads x (INT32) -> Acos, which every release's unary path refuses, and sets `id` to the new model's id. Call
  // it under ASSERT_NO_FATAL_FAILURE.
  static void upload_int32_acos(httplib::Client& c, std::string& id) {
    ModelBuilder b;
    b.input("x", 6, {4});
    b.node("Acos", {"x"}, {"y"}, "acos");
    b.output("y", 6, {4});
    auto up =
        c.Post("/api/models", httplib::Headers{{"X-Filename", "acos.onnx"}}, b.bytes(), "application/octet-stream");
    ASSERT_TRUE(up);
    ASSERT_EQ(up->status, 201);
    id = body(up)["id"].get<std::string>();
  }

  TempDir dir_;
  ServerContext context_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(ApiTest, ReleasesNewestFirstWithPrecisions) {
  auto r = client().Get("/api/releases");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto j = body(r);
  const auto& kb = KnowledgeBase::builtin();
  ASSERT_EQ(j.size(), kb.releases().size());
  EXPECT_EQ(j[0]["release"], kb.releases().back().name);
  EXPECT_EQ(j.back()["release"], kb.releases().front().name);
  EXPECT_TRUE(j[0]["precisions"].is_array());
  EXPECT_EQ(j[0]["display"], "TensorRT " + kb.releases().back().version);
}

TEST_F(ApiTest, ModelsListsCommandLineModels) {
  auto j = body(client().Get("/api/models"));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["id"], "1");
  EXPECT_EQ(j[0]["name"], "small.onnx");
  EXPECT_EQ(j[0]["node_count"], 5);
}

TEST_F(ApiTest, AnalysisIsExactlyTheCheckJson) {
  auto r = client().Get("/api/models/1/analysis?trt=8.6&precision=fp16,int8&strict=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto& kb = KnowledgeBase::builtin();
  auto loaded = load_model(dir_ / "small.onnx");
  auto index = ModelIndex::build(std::move(loaded.value()));
  auto target = make_target(kb, "8.6", "fp16,int8", true, {});
  EXPECT_EQ(r->body, to_json(*index.value(), analyze(*index.value(), target.value(), kb)));
  EXPECT_EQ(body(r)["target"]["strict"], true);
}

// The runtime selector's strongly-typed switch: the same parameter style as strict, refused where the release has
// no strongly typed networks; /api/releases says which have them.
TEST_F(ApiTest, StronglyTypedIsATargetParameter) {
  auto c = client();
  auto r = c.Get("/api/models/1/analysis?trt=10.15&precision=fp16&strongly_typed=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["target"]["strongly_typed"], true);
  EXPECT_EQ(body(r)["target"]["quantization"], "strongly_typed");
  auto weak = c.Get("/api/models/1/analysis?trt=10.15&precision=fp16");
  EXPECT_EQ(body(weak)["target"]["strongly_typed"], false);  // a separate cache entry
  auto old = c.Get("/api/models/1/analysis?trt=8.6&strongly_typed=1");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 400);
  EXPECT_EQ(body(old)["error"]["code"], "E_USAGE");
  auto releases = body(c.Get("/api/releases"));
  for (const auto& rel : releases)
    EXPECT_EQ(rel["strongly_typed"], rel["release"] != "7.2" && rel["release"].get<std::string>().rfind("8.", 0) != 0)
        << rel["release"];
}

TEST_F(ApiTest, BadTargetsAre400) {
  auto c = client();
  auto r = c.Get("/api/models/1/analysis?trt=1.0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["error"]["code"], "E_USAGE");
  EXPECT_EQ(body(r)["error"]["hint"], std::string(default_hint("E_USAGE")));  // the catalogue's, as the CLI prints
  EXPECT_FALSE(default_hint("E_USAGE").empty());
  r = c.Get("/api/models/1/analysis?trt=8.6&precision=fp4");
  EXPECT_EQ(r->status, 400);
  r = c.Get("/api/models/1/analysis?precision=bogus");
  EXPECT_EQ(r->status, 400);
}

TEST_F(ApiTest, UnknownModelsAndNodesAre404) {
  auto c = client();
  EXPECT_EQ(c.Get("/api/models/99/graph")->status, 404);
  EXPECT_EQ(body(c.Get("/api/models/99/analysis"))["error"]["code"], "E_NO_MODEL");
  EXPECT_EQ(c.Get("/api/models/1/nodes/5/runtimes")->status, 404);
  EXPECT_EQ(c.Get("/api/models/1/nodes/99999999999999/runtimes")->status, 404);
  EXPECT_EQ(c.Get("/api/models/abc/graph")->status, 404);
  EXPECT_EQ(c.Get("/api/nothing")->status, 404);
}

TEST_F(ApiTest, GraphHasNodesTensorKindsAndBodies) {
  auto j = body(client().Get("/api/models/1/graph"));
  ASSERT_EQ(j["nodes"].size(), 5u);
  EXPECT_EQ(j["nodes"][0]["name"], "block/Add");
  EXPECT_EQ(j["nodes"][2]["op_type"], "If");
  EXPECT_EQ(j["nodes"][2]["bodies"].size(), 2u);
  ASSERT_EQ(j["graphs"].size(), 3u);
  const auto& tensors = j["graphs"][0]["tensors"];
  EXPECT_EQ(tensors["w"]["kind"], "initializer");
  EXPECT_EQ(tensors["x"]["kind"], "input");
  EXPECT_EQ(tensors["y"]["kind"], "output");
  EXPECT_EQ(tensors["x"]["dtype"], "FLOAT");
  EXPECT_EQ(tensors["x"]["shape"], nlohmann::json::array({1, 4}));
}

// ?view=ui of /analysis: the same verdicts as the engine JSON, one letter and one runs_in index per node, details
// only where a node has something to say.
TEST_F(ApiTest, UiAnalysisViewCarriesTheEngineVerdicts) {
  auto c = client();
  for (const char* query : {"trt=8.6&precision=fp16,int8&strict=1", "trt=8.6&precision=int8", "trt=10.15&precision=fp16"}) {
    auto full = body(c.Get(std::string("/api/models/1/analysis?") + query));
    auto r = c.Get(std::string("/api/models/1/analysis?") + query + "&view=ui");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    auto ui = body(r);
    EXPECT_EQ(ui["view"], "ui");
    EXPECT_EQ(ui["target"], full["target"]) << query;
    EXPECT_EQ(ui["summary"], full["summary"]) << query;
    EXPECT_EQ(ui["model_issues"], full["model_issues"]) << query;
    ASSERT_EQ(ui["node_count"], full["nodes"].size());
    const std::string status = ui["status"];
    ASSERT_EQ(status.size(), full["nodes"].size());
    std::map<int, nlohmann::json> details;
    for (const auto& d : ui["details"]) details[d["index"].get<int>()] = d;
    for (const auto& n : full["nodes"]) {
      const int i = n["index"];
      const std::string s = n["status"];
      EXPECT_EQ(status[static_cast<std::size_t>(i)], s[0]) << query << " node " << i;
      const int k = ui["runs_in"][static_cast<std::size_t>(i)];
      if (n["runs_in"].is_null()) EXPECT_EQ(k, -1);
      else EXPECT_EQ(ui["runs_in_names"][static_cast<std::size_t>(k)], n["runs_in"]) << query << " node " << i;
      const bool has = !n["reasons"].empty() || !n["warnings"].empty() || n.contains("precision") ||
                       n.contains("first_supported_release");
      ASSERT_EQ(details.count(i), has ? 1u : 0u) << query << " node " << i;
      if (!has) continue;
      EXPECT_EQ(details[i]["reasons"], n["reasons"]);
      EXPECT_EQ(details[i]["warnings"], n["warnings"]);
      EXPECT_EQ(details[i].value("precision", nlohmann::json()), n.value("precision", nlohmann::json()));
    }
    EXPECT_FALSE(ui.contains("nodes"));
    EXPECT_LT(r->body.size(), c.Get(std::string("/api/models/1/analysis?") + query)->body.size());
  }
}

// ?view=ui of /graph: what draws the graph, no attributes or tensor types; /nodes/{n} has those for one node.
TEST_F(ApiTest, UiGraphViewAndNodeDetails) {
  auto c = client();
  auto ui = body(c.Get("/api/models/1/graph?view=ui"));
  EXPECT_EQ(ui["view"], "ui");
  ASSERT_EQ(ui["nodes"].size(), 5u);
  EXPECT_EQ(ui["nodes"][0]["name"], "block/Add");
  EXPECT_EQ(ui["nodes"][0]["inputs"], nlohmann::json::array({"x", "w"}));
  EXPECT_EQ(ui["nodes"][0]["weights"], 1);  // w is an initializer
  EXPECT_FALSE(ui["nodes"][1].contains("weights"));
  EXPECT_FALSE(ui["nodes"][0].contains("attributes"));
  EXPECT_FALSE(ui["nodes"][0].contains("domain"));  // the default domain is left out
  EXPECT_EQ(ui["nodes"][2]["bodies"].size(), 2u);
  EXPECT_EQ(ui["graphs"].size(), 3u);
  EXPECT_FALSE(ui["graphs"][0].contains("tensors"));
  EXPECT_EQ(ui["graphs"][0]["inputs"], nlohmann::json::array({"x"}));

  auto add = body(c.Get("/api/models/1/nodes/0"));
  EXPECT_EQ(add["node"]["name"], "block/Add");
  EXPECT_EQ(add["node"]["domain"], "");
  EXPECT_TRUE(add["node"]["attributes"].is_array());
  EXPECT_EQ(add["tensors"]["x"]["kind"], "input");
  EXPECT_EQ(add["tensors"]["x"]["shape"], nlohmann::json::array({1, 4}));
  EXPECT_EQ(add["tensors"]["w"]["kind"], "initializer");
  EXPECT_EQ(add["tensors"]["a"]["dtype"], "FLOAT");
  // A body node sees the outer graph's tensors.
  auto identity = body(c.Get("/api/models/1/nodes/3"));
  EXPECT_EQ(identity["node"]["graph"], "block/If/then_branch");
  EXPECT_EQ(identity["tensors"]["r"]["kind"], "intermediate");
  EXPECT_EQ(c.Get("/api/models/1/nodes/5")->status, 404);
  EXPECT_EQ(body(c.Get("/api/models/1/nodes/99999999999999"))["error"]["code"], "E_NO_NODE");
  EXPECT_EQ(c.Get("/api/models/9/nodes/0")->status, 404);
}

TEST_F(ApiTest, RuntimesListEveryReleaseWithTheNodeVerdict) {
  auto r = client().Get("/api/models/1/nodes/1/runtimes?precision=fp16");
  ASSERT_EQ(r->status, 200);
  auto j = body(r);
  EXPECT_EQ(j["node"]["op_type"], "Relu");
  ASSERT_EQ(j["releases"].size(), KnowledgeBase::builtin().releases().size());
  for (const auto& rel : j["releases"]) {
    EXPECT_TRUE(rel["op"]["importer"].get<bool>()) << rel["release"];
    EXPECT_EQ(rel["node"]["status"], "convertible") << rel["release"];
  }
}

// Rule reasons in the runtimes route carry where the parser refuses and how sure that is, as in the engine's JSON.
TEST_F(ApiTest, RuntimesReasonsCarrySourceAndConfidence) {
  auto c = client();
  std::string id;
  ASSERT_NO_FATAL_FAILURE(upload_int32_acos(c, id));
  auto j = body(c.Get("/api/models/" + id + "/nodes/0/runtimes"));
  int seen = 0;
  for (const auto& rel : j["releases"]) {
    const std::string name = rel["release"];
    if (name != "8.6" && name != "10.3") continue;
    ++seen;
    ASSERT_EQ(rel["node"]["status"], "unsupported") << name;
    const auto& reason = rel["node"]["reasons"][0];
    EXPECT_EQ(reason["code"], "TRT_ACOS_INPUT_TYPE") << name;
    if (name == "8.6") {
      EXPECT_EQ(reason["confidence"], "code");
      EXPECT_EQ(reason["source"].get<std::string>().rfind("tag release/8.6-GA", 0), 0u) << reason["source"];
    } else {
      EXPECT_EQ(reason["confidence"], "derived");
      EXPECT_EQ(reason["source"].get<std::string>().rfind("derived from", 0), 0u) << reason["source"];
    }
  }
  EXPECT_EQ(seen, 2);
}

// The runtimes route writes a node's reasons with the engine JSON's writer (report/verdict_json.h): for the release
// the analysis was asked for, the reasons are the analysis route's, field for field.
TEST_F(ApiTest, RuntimesReasonsAreTheEngineJsonReasons) {
  auto c = client();
  std::string id;
  ASSERT_NO_FATAL_FAILURE(upload_int32_acos(c, id));
  const auto analysis = body(c.Get("/api/models/" + id + "/analysis?trt=8.6"));
  const auto runtimes = body(c.Get("/api/models/" + id + "/nodes/0/runtimes"));
  const nlohmann::json* release = nullptr;
  for (const auto& rel : runtimes["releases"])
    if (rel["release"] == "8.6") release = &rel;
  ASSERT_NE(release, nullptr);
  ASSERT_FALSE(analysis["nodes"][0]["reasons"].empty());
  EXPECT_EQ((*release)["node"]["reasons"], analysis["nodes"][0]["reasons"]);
  EXPECT_EQ((*release)["node"]["reasons"][0].size(), 5u);  // code, message, hint, source, confidence
}

TEST_F(ApiTest, OpSupportRoute) {
  auto c = client();
  auto j = body(c.Get("/api/ops/Gelu"));
  EXPECT_EQ(j["op"], "Gelu");
  EXPECT_FALSE(j["releases"].empty());
  EXPECT_EQ(c.Get("/api/ops/%3Cscript%3E")->status, 404);
}

TEST_F(ApiTest, UploadValidModelIs201AndListed) {
  ModelBuilder b;
  b.input("x", 1, {1, 4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", 1, {1, 4});
  auto c = client();
  auto r = c.Post("/api/models", httplib::Headers{{"X-Filename", "../../etc/evil.onnx"}}, b.bytes(), "application/octet-stream");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201);
  auto j = body(r);
  EXPECT_EQ(j["name"], "evil.onnx");  // the folder part of a client's file name is never used
  EXPECT_EQ(body(c.Get("/api/models")).size(), 2u);
  EXPECT_EQ(c.Get("/api/models/" + j["id"].get<std::string>() + "/analysis")->status, 200);
}

TEST_F(ApiTest, UploadGarbageIs422WithoutServerPaths) {
  auto r = client().Post("/api/models", httplib::Headers{{"X-Filename", "notes.onnx"}}, "definitely not protobuf \x01\x02",
                         "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const std::string message = body(r)["error"]["message"];
  EXPECT_NE(message.find("notes.onnx"), std::string::npos) << message;
  EXPECT_EQ(message.find("trtlens-serve-"), std::string::npos) << message;
  EXPECT_EQ(body(client().Get("/api/models")).size(), 1u);
}

TEST_F(ApiTest, UploadEmptyIs400AndFormIs415) {
  auto c = client();
  EXPECT_EQ(c.Post("/api/models", "", "application/octet-stream")->status, 400);
  httplib::MultipartFormDataItems items{{"file", "abc", "m.onnx", "application/octet-stream"}};
  EXPECT_EQ(c.Post("/api/models", items)->status, 415);
}

class SmallUploadLimitTest : public ApiTest {
 protected:
  std::size_t max_upload() const override { return 4096; }
};

TEST_F(SmallUploadLimitTest, UploadOverTheLimitIs413) {
  auto r = client().Post("/api/models", std::string(10000, 'x'), "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(ApiTest, PathTraversalNeverReachesFiles) {
  auto c = client();
  for (const char* path : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                           "/..\\..\\etc\\passwd", "/etc/passwd", "/index.html/../../../etc/passwd"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_TRUE(r->status == 400 || r->status == 404) << path << " -> " << r->status;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
  auto index = c.Get("/");
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
}

TEST_F(ApiTest, ForeignHostAndCrossOriginWritesAre403) {
  auto c = client();
  auto r = c.Get("/api/models", httplib::Headers{{"Host", "attacker.example:80"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(body(r)["error"]["code"], "E_HOST");
  r = c.Post("/api/models", httplib::Headers{{"Origin", "http://attacker.example"}}, "x", "application/octet-stream");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(body(r)["error"]["code"], "E_ORIGIN");
  r = c.Get("/api/models", httplib::Headers{{"Host", "localhost:" + std::to_string(port_)}});
  EXPECT_EQ(r->status, 200);
}

TEST_F(ApiTest, NeverBrotliCompresses) {
  auto r = client().Get("/api/models/1/graph", httplib::Headers{{"Accept-Encoding", "br, gzip"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "");
}

TEST(SafeFileName, KeepsOnlyTheBaseNameAndSafeCharacters) {
  EXPECT_EQ(safe_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(safe_file_name("a\\b\\c.onnx"), "c.onnx");
  EXPECT_EQ(safe_file_name(".."), "model.onnx");
  EXPECT_EQ(safe_file_name(""), "model.onnx");
  EXPECT_EQ(safe_file_name("my model<1>.onnx"), "my_model_1_.onnx");
}

TEST(HostAllowed, LoopbackNamesOnlyWhenBoundToLoopback) {
  ServerConfig config;
  config.port = 8080;
  EXPECT_TRUE(host_allowed(config, "127.0.0.1:8080"));
  EXPECT_TRUE(host_allowed(config, "localhost:8080"));
  EXPECT_FALSE(host_allowed(config, "localhost:8081"));
  EXPECT_FALSE(host_allowed(config, "evil.example:8080"));
  EXPECT_FALSE(host_allowed(config, ""));
  config.host = "0.0.0.0";
  EXPECT_TRUE(host_allowed(config, "machine.lan:8080"));
}

// --- Hostile requests (issue 16) --------------------------------------------------------------------------------

// Tiny models that once crashed ONNX's shape inference or the engine, taking the whole server down.
std::vector<std::string> hostile_models() {
  std::vector<std::string> out;
  {
    ModelBuilder b(8, 8);
    b.node("Scan", {}, {}, "scan");
    out.push_back(b.bytes());
  }
  {
    ModelBuilder b(13);
    b.input("x", 1000, {4});
    b.node("Relu", {"x"}, {"y"}, "relu");
    b.output("y", 1);
    out.push_back(b.bytes());
  }
  {
    ModelBuilder b(13);
    b.opset("local", 1);
    b.input("x", 1, {4});
    auto& fn = *b.proto().add_functions();
    fn.set_name("f"), fn.set_domain("local"), fn.add_input("a"), fn.add_output("b");
    auto* call = fn.add_node();
    call->set_op_type("f"), call->set_domain("local"), call->add_input("a"), call->add_output("b");
    b.node("f", {"x"}, {"y"}, "call").set_domain("local");
    b.output("y", 1);
    out.push_back(b.bytes());
  }
  return out;
}

TEST_F(ApiTest, HostileUploadsAre422AndTheServerStaysUp) {
  auto c = client();
  for (const auto& bytes : hostile_models()) {
    auto r = c.Post("/api/models", httplib::Headers{{"X-Filename", "tiny.onnx"}}, bytes, "application/octet-stream");
    ASSERT_TRUE(r) << "the server went down";
    EXPECT_EQ(r->status, 422) << r->body;
  }
  auto r = c.Get("/api/models");
  ASSERT_TRUE(r);
  EXPECT_EQ(body(r).size(), 1u);  // only the command-line model
}

TEST_F(ApiTest, CompressedRequestBodiesAreRefusedBeforeDecoding) {
  // A few KB of Brotli once inflated to 1 GiB on a non-upload route; no body is ever decoded now.
  auto c = client();
  for (const char* encoding : {"br", "gzip", "deflate"}) {
    auto r = c.Patch("/api/tracked/models/x", httplib::Headers{{"Content-Encoding", encoding}}, std::string(64, '\x1b'),
                     "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415) << encoding << ": " << r->body;
    EXPECT_EQ(body(r)["error"]["code"], "E_ENCODING");
    r = c.Post("/api/models", httplib::Headers{{"Content-Encoding", encoding}}, std::string(64, '\x1b'),
               "application/octet-stream");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415) << encoding;
  }
}

TEST_F(ApiTest, NonUploadRoutesTakeSmallBodiesOnly) {
  auto c = client();
  // The server answers 413 from the headers and closes without reading the body: the client either reads that
  // answer or fails to write the rest of its megabyte first. Never a 2xx/4xx from a handler that read the body.
  auto r = c.Patch("/api/tracked/models/x", std::string(kMaxRequestBodyBytes + 1, ' '), "application/json");
  if (r) {
    EXPECT_EQ(r->status, 413) << r->body;
    EXPECT_EQ(body(r)["error"]["code"], "E_TOO_LARGE");
  } else {
    EXPECT_TRUE(r.error() == httplib::Error::Write || r.error() == httplib::Error::Read) << httplib::to_string(r.error());
  }
  // The upload route itself still takes a model up to --max-upload-mb (on a fresh connection: the 413 closed it).
  r = client().Post("/api/models", test::relu_model().bytes(), "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

// A client that sends a request's headers one byte at a time and never finishes them.
class SlowClient {
 public:
  explicit SlowClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    const std::string start = "GET /api/releases HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nX-Slow: ";
    if (connected_) (void)::send(fd_, start.data(), start.size(), MSG_NOSIGNAL);
  }
  ~SlowClient() { ::close(fd_); }
  void trickle() {
    if (connected_) (void)::send(fd_, "a", 1, MSG_NOSIGNAL);
  }
  bool connected() const { return connected_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Sends `request` on a fresh connection and returns everything the server answers before it closes (or 3 s pass).
std::string raw_exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST_F(ApiTest, ChunkedBodyOnASmallRouteIsRefusedWith411) {
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  const std::string answer = raw_exchange(port_, "PATCH /api/tracked/models/x HTTP/1.1\r\n" + host +
                                                     "Content-Type: application/json\r\n"
                                                     "Transfer-Encoding: chunked\r\n\r\n"
                                                     "7\r\n{\"a\":1}\r\n0\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"E_LENGTH\""), std::string::npos) << answer;
  // The same chunked encoding is accepted where a model is uploaded (bodies streamed to disk, capped).
  const std::string model = test::relu_model().bytes();
  char size[32];
  std::snprintf(size, sizeof size, "%zx", model.size());
  const std::string upload = raw_exchange(port_, "POST /api/models HTTP/1.1\r\n" + host +
                                                     "Content-Type: application/octet-stream\r\n"
                                                     "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                                     size + "\r\n" + model + "\r\n0\r\n\r\n");
  EXPECT_EQ(upload.rfind("HTTP/1.1 201", 0), 0u) << upload.substr(0, 300);
}

// More slow clients than the old fixed pool had workers (64): the pool grows, everyone else is still served.
TEST_F(ApiTest, HundredSlowClientsDoNotStarveOthers) {
  std::vector<std::unique_ptr<SlowClient>> slow;
  for (int i = 0; i < 100; ++i) slow.push_back(std::make_unique<SlowClient>(port_));
  for (const auto& s : slow) ASSERT_TRUE(s->connected());
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    for (int round = 0; round < 60 && !done; ++round) {  // bounded: at most ~6 s
      for (auto& s : slow) s->trickle();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the slow clients hold their workers now
  for (int i = 0; i < 5; ++i) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(2, 0);
    c.set_connection_timeout(2, 0);
    const auto start = std::chrono::steady_clock::now();
    auto r = c.Get("/api/releases");
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(r && r->status == 200) << "request " << i << " was starved";
    EXPECT_LT(took, std::chrono::milliseconds(1500));
  }
  done = true;
  trickler.join();
}

TEST_F(ApiTest, UploadsKeptPerSessionAreBounded) {
  auto c = client();
  auto* registry = static_cast<ModelRegistry*>(context_.extension("models"));
  ASSERT_NE(registry, nullptr);
  for (std::size_t i = 0; i < kMaxUploadsKept + 4; ++i) {
    auto r = c.Post("/api/models", httplib::Headers{{"X-Filename", "m" + std::to_string(i) + ".onnx"}},
                    test::relu_model().bytes(), "application/octet-stream");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  auto list = body(c.Get("/api/models"));
  EXPECT_EQ(list.size(), kMaxUploadsKept + 1);  // the newest uploads plus the command-line model
  EXPECT_EQ(list.back()["name"], "m" + std::to_string(kMaxUploadsKept + 3) + ".onnx");
  std::size_t folders = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(registry->upload_root())) ++folders;
  EXPECT_EQ(folders, kMaxUploadsKept);
}

TEST(UploadFolders, LeftoversOfAKilledServerAreRemovedOnStart) {
  // A process that has exited: its pid no longer runs.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const auto tmp = std::filesystem::temp_directory_path();
  const auto stale = tmp / ("trtlens-serve-" + std::to_string(dead) + "-77");
  const auto live = tmp / ("trtlens-serve-" + std::to_string(getppid()) + "-77");  // our parent still runs
  std::filesystem::create_directories(stale / "upload-1");
  std::filesystem::create_directories(live / "upload-1");
  std::ofstream(stale / "upload-1" / "m.onnx") << "model bytes";
  {
    ModelRegistry registry(tmp / ("trtlens-serve-" + std::to_string(getpid()) + "-1"));
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_TRUE(std::filesystem::exists(live));
  }
  std::filesystem::remove_all(live);
  std::filesystem::remove_all(stale);
}

}  // namespace
}  // namespace trtlens::server
