// Per-op type facts read from the knowledge base (tools/kbgen/op_types.json): the type source tensor, the input whose
// type an output keeps, and attribute down-casts; plus the shared attribute lookup and topological order.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "kb/kb.h"
#include "onnx/dtype.h"
#include "onnx/graph.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

const OpInfo& op_of(const char* release, const char* op) {
  const Release* r = KnowledgeBase::builtin().find(release);
  EXPECT_NE(r, nullptr) << release;
  const OpInfo* info = r->op(op);
  EXPECT_NE(info, nullptr) << release << " " << op;
  return *info;
}

// The down-cast warning codes `release` attaches to Cast's `to`.
std::set<std::string> cast_downcast_codes(const char* release) {
  std::set<std::string> codes;
  for (const auto& d : op_of(release, "Cast").attribute_downcasts) codes.insert(d.code);
  return codes;
}

// Node `name` warns `code` with `message` on 8.6, which narrows INT64 to INT32, and not on 10.15 (INT64 is native
// from 9.0).
void expect_int64_narrowing_warning(const ModelIndex& index, const std::string& name, const std::string& code,
                                    const std::string& message) {
  const Analysis a86 = check(index, "8.6");
  const Warning* w = find_warning(verdict(index, a86, name), code);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, message);
  const Analysis a1015 = check(index, "10.15");
  EXPECT_FALSE(has_warning(verdict(index, a1015, name), code));
}

// topological_order over an adjacency list (successors[v] = the ids after v).
std::vector<int> order_of(const std::vector<std::vector<int>>& successors, int (*key)(int)) {
  return topological_order(successors.size(), [&](int v) { return successors[static_cast<std::size_t>(v)]; }, key);
}

ModelBuilder cast_to(int to) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  auto& cast = b.node("Cast", {"x"}, {"y"}, "cast");
  set_attr(cast, "to", static_cast<std::int64_t>(to));
  b.output("y", to);
  return b;
}

TEST(TypeFacts, KnowledgeBaseCarriesTheTypeSourceOfEachOp) {
  EXPECT_FALSE(op_of("8.6", "Where").type_source.output);
  EXPECT_EQ(op_of("8.6", "Where").type_source.index, 1);
  EXPECT_EQ(op_of("8.6", "OneHot").type_source.index, 2);
  EXPECT_TRUE(op_of("8.6", "ConstantOfShape").type_source.output);
  EXPECT_TRUE(op_of("10.15", "HannWindow").type_source.output);
  EXPECT_FALSE(op_of("8.6", "Relu").type_source.output);
  EXPECT_EQ(op_of("8.6", "Relu").type_source.index, 0);
}

TEST(TypeFacts, KnowledgeBaseCarriesWhichInputTypeAnOutputKeeps) {
  EXPECT_EQ(op_of("8.6", "Reshape").output_type_input, 0);
  EXPECT_EQ(op_of("7.2", "Gather").output_type_input, 0);
  EXPECT_EQ(op_of("10.15", "CastLike").output_type_input, 1);
  EXPECT_EQ(op_of("8.6", "Relu").output_type_input, -1);
}

// Down-cast entries exist only where the release converts the type: INT64 up to 8.6, DOUBLE wherever it imports.
TEST(TypeFacts, AttributeDowncastsFollowTheReleaseTypeMap) {
  using Codes = std::set<std::string>;
  EXPECT_EQ(cast_downcast_codes("8.6"), (Codes{"TRT_CAST_DOUBLE_AS_FLOAT", "TRT_CAST_INT64_AS_INT32"}));
  EXPECT_EQ(cast_downcast_codes("7.2"), (Codes{"TRT_CAST_INT64_AS_INT32"}));  // 7.2 has no DOUBLE to convert
  EXPECT_EQ(cast_downcast_codes("10.15"), (Codes{"TRT_CAST_DOUBLE_AS_FLOAT"}));  // INT64 is native from 9.0
}

TEST(TypeFacts, CastToDoubleWarnsWhereTheReleaseConvertsIt) {
  auto index = index_of(cast_to(kDouble));
  const auto a86 = check(*index, "8.6");
  const Warning* w = find_warning(verdict(*index, a86, "cast"), "TRT_CAST_DOUBLE_AS_FLOAT");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "TensorRT 8.6.1 casts to FLOAT where the model asks for DOUBLE");
  // 7.2 has no DOUBLE: the cast is refused, and no warning claims it becomes FLOAT (the engine used to say both).
  const auto a72 = check(*index, "7.2");
  const auto& v72 = verdict(*index, a72, "cast");
  EXPECT_EQ(v72.status, Status::kUnsupported);
  EXPECT_TRUE(has_reason(v72, "TRT_CAST_TARGET_TYPE"));
  EXPECT_FALSE(has_warning(v72, "TRT_CAST_DOUBLE_AS_FLOAT"));
}

TEST(TypeFacts, CastToInt64WarnsOnlyWhileInt64IsNarrowed) {
  auto index = index_of(cast_to(kInt64));
  expect_int64_narrowing_warning(
      *index, "cast", "TRT_CAST_INT64_AS_INT32",
      "TensorRT 8.6.1 casts to INT32 where the model asks for INT64 (values beyond ±2^31 wrap or clamp)");
}

TEST(TypeFacts, ConstantOfShapeValueIsReadFromItsOutputType) {
  ModelBuilder b(13);
  b.input("shape", kInt64, {2});
  auto& fill = b.node("ConstantOfShape", {"shape"}, {"y"}, "fill");
  set_attr(fill, "value", make_tensor("value", kInt64, {1}, {7}));
  b.output("y", kInt64);
  auto index = index_of(b);
  const Analysis a86 = check(*index, "8.6");
  EXPECT_EQ(verdict(*index, a86, "fill").compute_type, "INT64");  // the output, not the INT64 shape input, carries it
  expect_int64_narrowing_warning(*index, "fill", "TRT_INT64_DOWNCAST",
                                 "TensorRT 8.6.1 casts the INT64 'value' of ConstantOfShape to INT32");
}

TEST(TypeFacts, WhereComputesInTheTypeOfItsDataInput) {
  ModelBuilder b(13);
  b.input("cond", kBool, {4});
  b.input("x", kFloat16, {4});
  b.input("y", kFloat16, {4});
  b.node("Where", {"cond", "x", "y"}, {"z"}, "where");
  b.output("z", kFloat16);
  auto index = index_of(b);
  const Analysis a = check(*index, "8.6", "fp16");
  EXPECT_EQ(verdict(*index, a, "where").compute_type, "FLOAT16");
}

// The UINT8 weight reaches the output through Reshape (output_type_input 0), so 8.6 holds it as INT32.
TEST(TypeFacts, WidenedWeightIsFollowedThroughTypeKeepingOps) {
  ModelBuilder b(13);
  b.initializer("table", kUint8, {4}, {1, 2, 3, 4});
  b.initializer("shape", kInt64, {2}, {2, 2});
  b.node("Reshape", {"table", "shape"}, {"out"}, "reshape");
  b.output("out", kUint8, {2, 2});
  auto index = index_of(b);
  EXPECT_TRUE(has_model_issue(check(*index, "8.6"), "TRT_OUTPUT_INT32_MISMATCH"));
}

TEST(FindAttribute, ReturnsTheNamedAttributeOrNull) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  auto& cast = b.node("Cast", {"x"}, {"y"}, "cast");
  set_attr(cast, "to", static_cast<std::int64_t>(kFloat16));
  const onnx::AttributeProto* to = find_attribute(cast, "to");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(to->i(), kFloat16);
  EXPECT_EQ(find_attribute(cast, "saturate"), nullptr);
}

TEST(TopologicalOrder, ReadyIdsComeSmallestKeyFirst) {
  // 3 -> 1 -> 0, 2 free: 2 and 3 are ready first, 2 has the smaller key.
  const std::vector<std::vector<int>> successors = {{}, {0}, {}, {1}};
  EXPECT_EQ(order_of(successors, [](int v) { return v; }), (std::vector<int>{2, 3, 1, 0}));
  // A key other than the id: the largest id first among the ready ones.
  EXPECT_EQ(order_of(successors, [](int v) { return -v; }), (std::vector<int>{3, 2, 1, 0}));
}

TEST(TopologicalOrder, StopsShortOnACycle) {
  const std::vector<std::vector<int>> successors = {{1}, {2}, {1}, {}};  // 1 <-> 2
  EXPECT_EQ(order_of(successors, [](int v) { return v; }), (std::vector<int>{0, 3}));
}

// A scope written out of order is sorted with file order breaking ties.
TEST(TopologicalOrder, ScopesOutOfFileOrderAreSorted) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"a"}, {"b"}, "second");
  b.node("Relu", {"x"}, {"a"}, "first");
  b.node("Relu", {"x"}, {"c"}, "third");
  b.output("b", kFloat);
  b.output("c", kFloat);
  auto index = index_of(b);
  std::vector<std::string> names;
  for (int node : index->scopes()[0]->topo) names.push_back(index->nodes()[static_cast<std::size_t>(node)].name);
  EXPECT_EQ(names, (std::vector<std::string>{"first", "second", "third"}));
}

}  // namespace
}  // namespace trtlens::test
