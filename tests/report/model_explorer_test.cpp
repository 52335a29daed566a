// `--format model-explorer`: the node-data overlay Google's Model Explorer loads next to a graph. Its documented
// shape (the node-data builder of Model Explorer): {"results": {node id: {"value": number}}, "thresholds": [{"value",
// "bgColor", "textColor"}] ascending}. Node ids must be the ones its ONNX adapter gives (onnx_ir's NameFixPass).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "onnx/dtype.h"
#include "report/model_explorer.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

onnx::NodeProto* identity(onnx::GraphProto& g, const std::string& in, const std::string& out) {
  auto* n = g.add_node();  // no name: the adapter names it
  n->set_op_type("Identity");
  n->add_input(in);
  n->add_output(out);
  return n;
}

// Named, unnamed and duplicate-named nodes, an If whose branches hold unnamed nodes, and an unsupported custom op.
ModelBuilder naming_model() {
  ModelBuilder b(17);
  b.opset("com.example", 1);
  b.input("x", kFloat, {1, 4});
  b.input("c", kBool, {1});
  b.node("Relu", {"x"}, {"a"}, "act");
  b.node("Relu", {"a"}, {"b"});             // unnamed
  b.node("Relu", {"b"}, {"d"}, "act");      // duplicate name
  onnx::GraphProto then_g, else_g;
  then_g.set_name("then");
  identity(then_g, "x", "t0");
  identity(then_g, "t0", "t1");
  *then_g.add_output() = value_info("t1", kFloat, {1, 4});
  else_g.set_name("else");
  identity(else_g, "x", "e0");
  *else_g.add_output() = value_info("e0", kFloat, {1, 4});
  auto& branch = b.node("If", {"c"}, {"z"}, "branch");
  set_attr(branch, "then_branch", then_g);
  set_attr(branch, "else_branch", else_g);
  b.node("Sigmoid", {"d"}, {"s"});          // unnamed, after the bodies
  b.node("MyCustomOp", {"s"}, {"y"}, "custom").set_domain("com.example");
  b.output("z", kFloat);
  b.output("y", kFloat);
  return b;
}

nlohmann::json overlay(const ModelIndex& index, const Analysis& a) {
  std::ostringstream out;
  write_model_explorer(out, index, a);
  return nlohmann::json::parse(out.str());
}

// The documented shape, checked field by field: nothing else at the top level, every result a {"value": number},
// thresholds ascending with CSS hex colours.
void expect_node_data_shape(const nlohmann::json& doc) {
  ASSERT_TRUE(doc.is_object());
  std::set<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"results", "thresholds"}));
  ASSERT_TRUE(doc["results"].is_object());
  for (const auto& [id, r] : doc["results"].items()) {
    EXPECT_FALSE(id.empty());
    ASSERT_TRUE(r.is_object()) << id;
    EXPECT_EQ(r.size(), 1u) << id;
    ASSERT_TRUE(r.contains("value") && r["value"].is_number()) << id;
  }
  ASSERT_TRUE(doc["thresholds"].is_array());
  ASSERT_EQ(doc["thresholds"].size(), 3u);
  const std::regex hex("#[0-9a-f]{6}");
  double last = -1e9;
  for (const auto& t : doc["thresholds"]) {
    ASSERT_TRUE(t["value"].is_number());
    EXPECT_GT(t["value"].get<double>(), last);
    last = t["value"].get<double>();
    EXPECT_TRUE(std::regex_match(t["bgColor"].get<std::string>(), hex));
    EXPECT_TRUE(std::regex_match(t["textColor"].get<std::string>(), hex));
  }
}

TEST(ModelExplorer, NodeIdsFollowTheOnnxAdapterNaming) {
  const auto index = index_of(naming_model());
  const auto ids = model_explorer_node_ids(*index);
  std::map<std::string, std::string> by_op_order;  // "<op>#k" -> id, k-th node of that op in the index
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& op = index->nodes()[i].op_type;
    by_op_order[op + "#" + std::to_string(seen[op]++)] = ids[i];
  }
  EXPECT_EQ(by_op_order["Relu#0"], "act");
  EXPECT_EQ(by_op_order["Relu#1"], "node");      // unnamed: "node"
  EXPECT_EQ(by_op_order["Relu#2"], "act_1");     // duplicate: suffixed
  EXPECT_EQ(by_op_order["If#0"], "branch");
  EXPECT_EQ(by_op_order["Sigmoid#0"], "node_2");  // the bodies' "node_1" advanced the shared counter
  EXPECT_EQ(by_op_order["MyCustomOp#0"], "custom");
  std::multiset<std::string> body;  // names are unique per graph: each body starts again from "node"
  for (int k = 0; k < 3; ++k) body.insert(by_op_order["Identity#" + std::to_string(k)]);
  EXPECT_EQ(body, (std::multiset<std::string>{"node", "node", "node_1"}));
}

TEST(ModelExplorer, OverlayHasTheDocumentedShapeAndOneValuePerNode) {
  const auto index = index_of(naming_model());
  const Analysis a = check(*index, "10.15");
  const auto doc = overlay(*index, a);
  expect_node_data_shape(doc);
  // Main-graph ids win over a body node's repeated "node"; the body's unique "node_1" is kept.
  std::set<std::string> ids;
  for (const auto& [id, r] : doc["results"].items()) ids.insert(id);
  EXPECT_EQ(ids, (std::set<std::string>{"act", "node", "act_1", "branch", "node_1", "node_2", "custom"}));
  EXPECT_EQ(doc["results"]["custom"]["value"], 2);  // unsupported (no importer, no plugin)
  EXPECT_EQ(doc["results"]["act"]["value"], 0);
  EXPECT_EQ(doc["thresholds"][0]["value"], 0);
  EXPECT_EQ(doc["thresholds"][2]["value"], 2);
}

TEST(ModelExplorer, FallbackIsTheMiddleBandAndTheCliWritesIt) {
  // Conv has INT8 kernels in 8.6, Softmax does not: with int8 it falls back to fp32.
  TempDir dir;
  const auto model = conv_softmax().save(dir / "m.onnx");
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "8.6", "--precision", "int8", "--format",
                                   "model-explorer", "-o", (dir / "overlay.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "overlay.json");
  const auto doc = nlohmann::json::parse(in);
  expect_node_data_shape(doc);
  EXPECT_EQ(doc["results"].size(), 2u);
  EXPECT_EQ(doc["results"]["conv"]["value"], 0);
  EXPECT_EQ(doc["results"]["softmax"]["value"], 1);
}

}  // namespace
}  // namespace trtlens::test
