// Model-level parser facts (importer-rules.md Part A): duplicate names, unknown-rank inputs, nesting depth, the single
// opset import, supportsModel exclusions, UINT8 intermediates, opset-import limits, local functions.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

bool issue(const ModelBuilder& b, const std::string& release, const std::string& code, bool* error = nullptr) {
  auto index = index_of(b);
  auto a = check(*index, release);
  for (const auto& m : a.model_issues)
    if (m.code == code) {
      if (error) *error = m.error;
      return true;
    }
  return false;
}

TEST(ModelRules, DuplicateInitializerNamesRejectTheModel) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  b.initializer("w", kFloat, {2}, {1, 2});
  b.initializer("w", kFloat, {2}, {3, 4});
  b.node("Add", {"x", "w"}, {"y"}, "n");
  b.output("y");
  // The loader refuses such a model before any release is consulted (every release rejects it).
  auto index = try_index(b);
  ASSERT_FALSE(index);
  EXPECT_NE(index.error().message.find("duplicate tensor name 'w'"), std::string::npos) << index.error().message;
}

TEST(ModelRules, UniqueNamesAreFine) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  b.initializer("w", kFloat, {2}, {1, 2});
  b.node("Add", {"x", "w"}, {"y"}, "n");
  b.output("y");
  EXPECT_FALSE(issue(b, "8.6", "TRT_DUPLICATE_TENSOR_NAME"));
  EXPECT_FALSE(issue(b, "10.15", "TRT_DUPLICATE_TENSOR_NAME"));
}

// The importer turns a missing shape into an empty dimension list: a 0-D network input, not a refusal
// (convertOnnxDims at release/7.2.1 .. release/10.1-GA and 10.15 fails only beyond 8 dims).
TEST(ModelRules, GraphInputWithoutShapeBecomesScalarNotRefused) {
  ModelBuilder b(13);
  auto* in = b.graph().add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(kFloat);
  b.node("Relu", {"x"}, {"y"}, "n");
  b.output("y");
  for (const char* release : {"7.2", "8.6", "10.1", "10.15"}) {
    bool error = true;
    EXPECT_TRUE(issue(b, release, "TRT_INPUT_UNKNOWN_RANK", &error)) << release;
    EXPECT_FALSE(error) << release;
  }
  ModelBuilder shaped(13);
  shaped.input("x", kFloat, {2});
  shaped.node("Relu", {"x"}, {"y"}, "n");
  shaped.output("y");
  EXPECT_FALSE(issue(shaped, "10.15", "TRT_INPUT_UNKNOWN_RANK"));
}

// `depth` Ifs nested in each other's then_branch (else branches are empty pass-throughs of an outer tensor).
ModelBuilder nested_ifs(int depth) {
  onnx::GraphProto inner;
  inner.set_name("leaf");
  auto* id = inner.add_node();
  id->set_op_type("Identity");
  id->set_name("leaf_id");
  id->add_input("x");
  id->add_output("leaf_out");
  *inner.add_output() = value_info("leaf_out", kFloat, {2});
  for (int level = depth; level >= 1; --level) {
    onnx::GraphProto wrapper;
    wrapper.set_name("g" + std::to_string(level));
    auto* n = wrapper.add_node();
    n->set_op_type("If");
    n->set_name("if" + std::to_string(level));
    n->add_input("c");
    n->add_output("o" + std::to_string(level));
    set_attr(*n, "then_branch", inner);
    // A small else branch at every level keeps the model linear in `depth`.
    onnx::GraphProto other;
    other.set_name("else" + std::to_string(level));
    auto* e = other.add_node();
    e->set_op_type("Identity");
    e->set_name("else_id" + std::to_string(level));
    e->add_input("x");
    e->add_output("else_out" + std::to_string(level));
    *other.add_output() = value_info("else_out" + std::to_string(level), kFloat, {2});
    set_attr(*n, "else_branch", other);
    *wrapper.add_output() = value_info("o" + std::to_string(level), kFloat, {2});
    inner = wrapper;
  }
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  b.input("c", kBool, {1});
  for (const auto& node : inner.node()) *b.graph().add_node() = node;
  b.output("o1");
  return b;
}

TEST(ModelRules, SubgraphNestingDeeperThan24RejectedFrom10) {
  auto deep = nested_ifs(26);
  EXPECT_TRUE(issue(deep, "10.1", "TRT_NESTING_TOO_DEEP"));
  EXPECT_FALSE(issue(deep, "8.6", "TRT_NESTING_TOO_DEEP"));
  EXPECT_FALSE(issue(nested_ifs(3), "10.15", "TRT_NESTING_TOO_DEEP"));
}

TEST(ModelRules, SingleNonDefaultOpsetImportBecomesTheOpset) {
  ModelBuilder b(13);
  b.proto().mutable_opset_import(0)->set_domain("com.microsoft");
  b.proto().mutable_opset_import(0)->set_version(1);
  b.input("x", kFloat, {2});
  b.node("Gelu", {"x"}, {"y"}, "n").set_domain("com.microsoft");
  b.output("y");
  auto index = try_index(b);
  if (!index) GTEST_SKIP() << index.error().message;
  EXPECT_TRUE(issue(b, "10.15", "TRT_SINGLE_OPSET_IMPORT"));
  ModelBuilder two(13);
  two.opset("com.microsoft", 1);
  two.input("x", kFloat, {2});
  two.node("Relu", {"x"}, {"y"}, "n");
  two.output("y");
  EXPECT_FALSE(issue(two, "10.15", "TRT_SINGLE_OPSET_IMPORT"));
}

TEST(ModelRules, SupportsModelExcludesDataDependentOpsIn8_6And10_1) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  b.node("NonZero", {"x"}, {"y"}, "n");
  b.output("y");
  EXPECT_TRUE(issue(b, "8.6", "TRT_SUPPORTS_MODEL_DDS"));
  EXPECT_TRUE(issue(b, "10.1", "TRT_SUPPORTS_MODEL_DDS"));
  EXPECT_FALSE(issue(b, "10.15", "TRT_SUPPORTS_MODEL_DDS"));
}

// A per-node note, and only where the node really becomes a plugin (an unimportable node needs no second note).
TEST(ModelRules, SupportsModelExcludesPluginNodesIn8_6) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2});
  b.node("MyOp", {"x"}, {"y"}, "n");
  b.output("y");
  auto index = index_of(b);
  EXPECT_TRUE(has_warning(verdict(*index, check(*index, "8.6", "fp32", false, {"MyOp"}), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "8.6"), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
  EXPECT_FALSE(has_warning(verdict(*index, check(*index, "10.15", "fp32", false, {"MyOp"}), "n"), "TRT_SUPPORTS_MODEL_PLUGIN"));
}

TEST(ModelRules, Uint8ConstantIntermediateAllowedOnlyIn10_15) {
  ModelBuilder b(13);
  set_attr(b.node("Constant", {}, {"c"}, "n"), "value", make_tensor("v", kUint8, {2}, {1, 2}));
  b.node("Cast", {"c"}, {"y"}, "cast");
  set_attr(*b.graph().mutable_node(1), "to", std::int64_t{kFloat});
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_UINT8_INTERMEDIATE"}, {"10.1", NO, "TRT_UINT8_INTERMEDIATE"},
                       {"10.15", OK, "TRT_UINT8_INTERMEDIATE", false}});
}

TEST(ModelRules, OpsetImportLimitOnlyFrom10) {
  ModelBuilder b(13);
  for (int i = 0; i < 1030; ++i) b.opset("dom" + std::to_string(i), 1);
  b.input("x", kFloat, {2});
  b.node("Relu", {"x"}, {"y"}, "n");
  b.output("y");
  EXPECT_FALSE(issue(b, "8.6", "TRT_TOO_MANY_OPSETS"));
  EXPECT_TRUE(issue(b, "10.1", "TRT_TOO_MANY_OPSETS"));
}

TEST(ModelRules, LocalFunctionsImportedFrom10Only) {
  ModelBuilder b(13);
  b.opset("local", 1);
  auto* f = b.proto().add_functions();
  f->set_name("Twice");
  f->set_domain("local");
  f->add_input("a");
  f->add_output("b");
  auto* op = f->add_opset_import();
  op->set_domain("");
  op->set_version(13);
  auto* inner = f->add_node();
  inner->set_op_type("Add");
  inner->add_input("a");
  inner->add_input("a");
  inner->add_output("b");
  b.input("x", kFloat, {2});
  b.node("Twice", {"x"}, {"y"}, "n").set_domain("local");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_LOCAL_FUNCTION_UNSUPPORTED"}, {"10.1", OK, "TRT_LOCAL_FUNCTION"}});
}

}  // namespace
}  // namespace trtlens::test
