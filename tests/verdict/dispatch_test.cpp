// Dispatch (builtin, local function, plugin registry, plugin fallback) and the model-level facts the engine evaluates
// per release (importer-rules.md A3, A4, A5, A9, A11).
#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// Model-local function local:MatMulFn(A, B) -> C whose body is one Einsum taking its equation from the caller's
// attribute `eq` (ref_attr_name). Each call passes its own equation.
onnx::FunctionProto& add_einsum_function(ModelBuilder& b) {
  auto& fn = *b.proto().add_functions();
  fn.set_name("MatMulFn");
  fn.set_domain("local");
  fn.add_input("A");
  fn.add_input("B");
  fn.add_output("C");
  fn.add_attribute("eq");
  auto& body = *fn.add_node();
  body.set_op_type("Einsum");
  body.set_name("einsum");
  body.add_input("A");
  body.add_input("B");
  body.add_output("C");
  auto& ref = *body.add_attribute();
  ref.set_name("equation");
  ref.set_type(onnx::AttributeProto::STRING);
  ref.set_ref_attr_name("eq");
  auto& op = *fn.add_opset_import();
  op.set_domain("");
  op.set_version(13);
  return fn;
}

ModelBuilder function_model(const std::string& first_eq, const std::string& second_eq) {
  ModelBuilder b(13);
  b.opset("local", 1);
  b.input("x", kFloat, {4, 4});
  b.input("w", kFloat, {4, 4});
  add_einsum_function(b);
  auto& call1 = b.node("MatMulFn", {"x", "w"}, {"y1"}, "call1");
  call1.set_domain("local");
  set_attr(call1, "eq", first_eq);
  auto& call2 = b.node("MatMulFn", {"y1", "w"}, {"y2"}, "call2");
  call2.set_domain("local");
  set_attr(call2, "eq", second_eq);
  b.output("y2", kFloat);
  return b;
}

// Global index of the body node `name` inside the scope whose path is `path`.
int body_node(const ModelIndex& index, const std::string& path, const std::string& name) {
  for (std::size_t i = 0; i < index.nodes().size(); ++i) {
    const auto& n = index.nodes()[i];
    if (n.name == name && index.scopes()[static_cast<std::size_t>(n.scope)]->path == path) return static_cast<int>(i);
  }
  return -1;
}

TEST(LocalFunctions, EachCallIsAScopeWithTheCallersAttributes) {
  auto index = index_of(function_model("ij,jk->ik", "IJ,JK->IK"));
  const int first = body_node(*index, "call1/MatMulFn", "einsum");
  const int second = body_node(*index, "call2/MatMulFn", "einsum");
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  EXPECT_EQ(index->nodes()[static_cast<std::size_t>(first)].proto->attribute(0).s(), "ij,jk->ik");
  EXPECT_EQ(index->nodes()[static_cast<std::size_t>(second)].proto->attribute(0).s(), "IJ,JK->IK");
  // Body inputs take the caller's types, and the call's output takes the body's.
  EXPECT_EQ(index->input(first, 0)->dtype, kFloat);
  EXPECT_EQ(index->find(0, "y1")->dtype, kFloat);
}

TEST(LocalFunctions, AFailingBodyNodeFailsTheCallOnlyWhereFunctionsAreInlined) {
  auto index = index_of(function_model("ij,jk->ik", "IJ,JK->IK"));
  const int bad_body = body_node(*index, "call2/MatMulFn", "einsum");
  ASSERT_GE(bad_body, 0);

  auto a10 = check(*index, "10.1");
  EXPECT_EQ(verdict(*index, a10, "call1").status, Status::kConvertible);
  EXPECT_TRUE(has_warning(verdict(*index, a10, "call1"), "TRT_LOCAL_FUNCTION"));
  EXPECT_EQ(a10.nodes[static_cast<std::size_t>(bad_body)].status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(a10.nodes[static_cast<std::size_t>(bad_body)], "TRT_EINSUM_EQUATION"));
  EXPECT_EQ(verdict(*index, a10, "call2").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*index, a10, "call2"), "TRT_BODY_NODE_UNSUPPORTED"));

  // 8.6 has no local functions: every call goes to the plugin fallback and the body is never looked at.
  auto a86 = check(*index, "8.6");
  EXPECT_TRUE(has_reason(verdict(*index, a86, "call1"), "TRT_LOCAL_FUNCTION_UNSUPPORTED"));
  EXPECT_FALSE(has_reason(verdict(*index, a86, "call2"), "TRT_BODY_NODE_UNSUPPORTED"));
  EXPECT_EQ(a86.nodes[static_cast<std::size_t>(bad_body)].status, Status::kConvertible);
  EXPECT_TRUE(has_warning(a86.nodes[static_cast<std::size_t>(bad_body)], "TRT_FUNCTION_BODY_NOT_IMPORTED"));
}

TEST(LocalFunctions, CallMustPassTheFunctionsInputCount) {
  ModelBuilder b(13);
  b.opset("local", 1);
  b.input("x", kFloat, {4, 4});
  add_einsum_function(b);
  auto& call = b.node("MatMulFn", {"x"}, {"y"}, "call");
  call.set_domain("local");
  set_attr(call, "eq", std::string("ij->ji"));
  b.output("y", kFloat);
  auto index = index_of(b);
  auto a = check(*index, "10.1");
  EXPECT_EQ(verdict(*index, a, "call").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*index, a, "call"), "TRT_FUNCTION_INPUT_COUNT"));

  auto good = index_of(function_model("ij,jk->ik", "ij,jk->ik"));
  auto ok = check(*good, "10.1");
  EXPECT_FALSE(has_reason(verdict(*good, ok, "call1"), "TRT_FUNCTION_INPUT_COUNT"));
  EXPECT_EQ(ok.summary.unsupported, 0);
}

TEST(LocalFunctions, ADeclaredPluginWinsOverTheFunctionFrom107) {
  auto index = index_of(function_model("ij,jk->ik", "IJ,JK->IK"));
  const int bad_body = body_node(*index, "call2/MatMulFn", "einsum");
  // 10.7: the plugin registry is consulted before the function body.
  auto a107 = check(*index, "10.7", "fp32", false, {"MatMulFn"});
  EXPECT_EQ(verdict(*index, a107, "call2").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, a107, "call2").runs_in, "plugin");
  EXPECT_TRUE(has_warning(a107.nodes[static_cast<std::size_t>(bad_body)], "TRT_FUNCTION_BODY_NOT_IMPORTED"));
  // 10.6: the function is inlined first, so its failing body still fails the call.
  auto a106 = check(*index, "10.6", "fp32", false, {"MatMulFn"});
  EXPECT_EQ(verdict(*index, a106, "call2").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*index, a106, "call2"), "TRT_BODY_NODE_UNSUPPORTED"));
  // 8.6: no functions, the plugin fallback finds the declared plugin.
  auto a86 = check(*index, "8.6", "fp32", false, {"MatMulFn"});
  EXPECT_EQ(verdict(*index, a86, "call2").runs_in, "plugin");
}

ModelBuilder relu_with_namespace(const std::string& op = "Relu") {
  ModelBuilder b(17);
  b.input("x", kFloat);
  auto& n = b.node(op, {"x"}, {"y"}, "n");
  set_attr(n, "plugin_namespace", std::string("acme"));
  b.output("y", kFloat);
  return b;
}

TEST(PluginRegistry, PluginNamespaceAttributeSendsABuiltinOpToThePluginIn1015) {
  auto index = index_of(relu_with_namespace());
  auto forced = check(*index, "10.15", "fp32", false, {"Relu:1:acme"});
  EXPECT_EQ(verdict(*index, forced, "n").runs_in, "plugin");
  EXPECT_TRUE(has_warning(verdict(*index, forced, "n"), "TRT_PLUGIN"));
  auto older = check(*index, "10.14", "fp32", false, {"Relu:1:acme"});
  EXPECT_EQ(verdict(*index, older, "n").runs_in, "fp32");
  EXPECT_FALSE(has_warning(verdict(*index, older, "n"), "TRT_PLUGIN"));
  // No such plugin: 10.15 falls back to the builtin importer and says so.
  auto missing = check(*index, "10.15");
  EXPECT_EQ(verdict(*index, missing, "n").status, Status::kConvertible);
  EXPECT_TRUE(has_warning(verdict(*index, missing, "n"), "TRT_PLUGIN_NOT_FOUND"));
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "10.14"), "n"), "TRT_PLUGIN_NOT_FOUND"));
}

TEST(PluginRegistry, PluginNamespaceWithoutPluginOrBuiltinIsNoImporterRegistered) {
  auto index = index_of(relu_with_namespace("AcmeOp"));
  auto a = check(*index, "10.15");
  const auto& v = verdict(*index, a, "n");
  ASSERT_TRUE(has_reason(v, "TRT_NO_IMPORTER"));
  EXPECT_NE(v.reasons.front().message.find("No importer registered"), std::string::npos);
  auto old = check(*index, "10.14");
  ASSERT_TRUE(has_reason(verdict(*index, old, "n"), "TRT_NO_IMPORTER"));
  EXPECT_EQ(verdict(*index, old, "n").reasons.front().message.find("No importer registered"), std::string::npos);
}

ModelBuilder shipped_plugin_node(const std::string& op, const std::string& version) {
  ModelBuilder b(17);
  b.input("x", kFloat);
  auto& n = b.node(op, {"x"}, {"y"}, "n");
  n.set_domain("trt");
  if (!version.empty()) set_attr(n, "plugin_version", version);
  b.opset("trt", 1);
  b.output("y", kFloat);
  return b;
}

TEST(PluginRegistry, ShippedPluginsMatchOnVersion) {
  auto v1 = index_of(shipped_plugin_node("BatchedNMS_TRT", ""));
  EXPECT_EQ(verdict(*v1, check(*v1, "8.6"), "n").runs_in, "plugin");
  auto v2 = index_of(shipped_plugin_node("BatchedNMS_TRT", "2"));
  const auto a = check(*v2, "8.6");
  EXPECT_EQ(verdict(*v2, a, "n").status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(verdict(*v2, a, "n"), "TRT_NO_IMPORTER"));
  // ScatterElements plugin version 2 ships with 10.15 only; plugin_namespace sends the node to the registry.
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.input("i", kInt64, {2});
  b.input("u", kFloat, {2});
  auto& n = b.node("ScatterElements", {"x", "i", "u"}, {"y"}, "n");
  set_attr(n, "plugin_namespace", std::string(""));
  set_attr(n, "plugin_version", std::string("2"));
  b.output("y", kFloat, {4});
  auto se = index_of(b);
  EXPECT_EQ(verdict(*se, check(*se, "10.15"), "n").runs_in, "plugin");
  EXPECT_NE(verdict(*se, check(*se, "10.14"), "n").runs_in, "plugin");
}

TEST(PluginRegistry, NamespaceFromDomainFrom1010) {
  ModelBuilder b(17);
  b.input("x", kFloat);
  b.node("AcmeOp", {"x"}, {"y"}, "n").set_domain("com.acme");
  b.opset("com.acme", 1);
  b.output("y", kFloat);
  auto index = index_of(b);
  const std::vector<std::string> plugin = {"AcmeOp:1:com.acme"};
  EXPECT_EQ(verdict(*index, check(*index, "10.10", "fp32", false, plugin), "n").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, check(*index, "10.9", "fp32", false, plugin), "n").status, Status::kUnsupported);
}

TEST(ModelFacts, Int64BindingWarningFrom10) {
  ModelBuilder b(17);
  b.input("ids", kInt64, {1, 8});
  b.node("Identity", {"ids"}, {"out"}, "n");
  b.output("out", kInt64, {1, 8});
  auto index = index_of(b);
  EXPECT_TRUE(has_model_issue(check(*index, "10.1"), "TRT_INT64_BINDING"));
  EXPECT_FALSE(has_model_issue(check(*index, "8.6"), "TRT_INT64_BINDING"));
  EXPECT_FALSE(has_model_issue(check(*index_of(relu_with_namespace()), "10.1"), "TRT_INT64_BINDING"));
}

TEST(ModelFacts, Uint8OutputOfAWidenedWeightMustBeDeclaredInt32) {
  ModelBuilder b(17);
  b.initializer("table", kUint8, {4}, {1, 2, 3, 4});
  b.node("Identity", {"table"}, {"out"}, "n");
  b.output("out", kUint8, {4});
  auto index = index_of(b);
  for (const char* rel : {"8.6", "10.15"}) {
    auto a = check(*index, rel);
    EXPECT_TRUE(has_model_issue(a, "TRT_OUTPUT_INT32_MISMATCH")) << rel;
    EXPECT_FALSE(a.summary.model_convertible) << rel;
  }
  // A UINT8 graph input stays UINT8: nothing to report.
  ModelBuilder ok(17);
  ok.input("img", kUint8, {4});
  ok.node("Identity", {"img"}, {"out"}, "n");
  ok.output("out", kUint8, {4});
  auto good = index_of(ok);
  EXPECT_FALSE(has_model_issue(check(*good, "10.15"), "TRT_OUTPUT_INT32_MISMATCH"));
}

ModelBuilder nonzero_model() {
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.node("NonZero", {"x"}, {"y"}, "nz");
  b.output("y", kInt64);
  return b;
}

TEST(SupportsModel, DdsOpsWarnPerNodeWhereTheReleaseExcludesThem) {
  auto index = index_of(nonzero_model());
  EXPECT_TRUE(has_warning(verdict(*index, check(*index, "10.1"), "nz"), "TRT_SUPPORTS_MODEL_DDS"));
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "10.15"), "nz"), "TRT_SUPPORTS_MODEL_DDS"));
}

TEST(SupportsModel, PluginNodesWarnIn86ExceptTheListedOnes) {
  auto custom = index_of(shipped_plugin_node("BatchedNMS_TRT", ""));
  EXPECT_TRUE(has_warning(verdict(*custom, check(*custom, "8.6"), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
  EXPECT_FALSE(has_warning(verdict(*custom, check(*custom, "10.1"), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
  auto listed = index_of(shipped_plugin_node("EfficientNMS_TRT", ""));
  EXPECT_FALSE(has_warning(verdict(*listed, check(*listed, "8.6"), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
}

TEST(SupportsModel, SinglePartitionNoteIn1015OnlyWhenThereIsSomethingToPartition) {
  ModelBuilder b(17);
  b.input("x", kFloat);
  b.node("Relu", {"x"}, {"r"}, "ok");
  auto& bad = b.node("AcmeOp", {"r"}, {"y"}, "bad");
  set_attr(bad, "plugin_namespace", std::string("acme"));
  b.output("y", kFloat);
  auto failing = index_of(b);
  EXPECT_TRUE(has_model_issue(check(*failing, "10.15"), "TRT_SUPPORTS_MODEL_PARTITIONED"));
  EXPECT_FALSE(has_model_issue(check(*failing, "10.14"), "TRT_SUPPORTS_MODEL_PARTITIONED"));
  auto clean = index_of(nonzero_model());
  EXPECT_FALSE(has_model_issue(check(*clean, "10.15"), "TRT_SUPPORTS_MODEL_PARTITIONED"));
  auto only_bad = index_of(relu_with_namespace("AcmeOp"));  // one failing node: nothing to split
  EXPECT_FALSE(has_model_issue(check(*only_bad, "10.15"), "TRT_SUPPORTS_MODEL_PARTITIONED"));
}

TEST(LocalFunctions, CheckCommandListsBodyNodesUnderTheirCallPath) {
  TempDir dir;
  const auto model = function_model("ij,jk->ik", "IJ,JK->IK").save(dir / "fn.onnx");
  auto json = run_trtlens({"check", model.string(), "--trt", "10.1", "--format", "json"});
  EXPECT_EQ(json.exit_code, 1) << json.err;
  EXPECT_NE(json.out.find("call2/MatMulFn"), std::string::npos);
  EXPECT_NE(json.out.find("TRT_BODY_NODE_UNSUPPORTED"), std::string::npos);
  auto table = run_trtlens({"check", model.string(), "--trt", "10.1"});
  EXPECT_EQ(table.exit_code, 1) << table.err;
}

// The loader refuses '..' in external-data locations for every release; the message says 8.6.1 itself accepted it.
TEST(ModelFacts, ParentPathRefusalNamesThe861Difference) {
  TempDir dir;
  const ModelBuilder b = external_model("../w.bin");
  std::filesystem::create_directories(dir / "m");
  const auto model = b.save(dir / "m" / "model.onnx");
  auto r = run_trtlens({"check", model.string(), "--trt", "8.6"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("8.6.1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace trtlens::test
