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

const Warning* warning(const NodeVerdict& v, const std::string& code) {
  for (const auto& w : v.warnings)
    if (w.code == code) return &w;
  return nullptr;
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
  std::set<std::string> cast_86, cast_72, cast_1015;
  for (const auto& d : op_of("8.6", "Cast").attribute_downcasts) cast_86.insert(d.code);
  for (const auto& d : op_of("7.2", "Cast").attribute_downcasts) cast_72.insert(d.code);
  for (const auto& d : op_of("10.15", "Cast").attribute_downcasts) cast_1015.insert(d.code);
  EXPECT_EQ(cast_86, (std::set<std::string>{"TRT_CAST_DOUBLE_AS_FLOAT", "TRT_CAST_INT64_AS_INT32"}));
  EXPECT_EQ(cast_72, (std::set<std::string>{"TRT_CAST_INT64_AS_INT32"}));  // 7.2 has no DOUBLE to convert
  EXPECT_EQ(cast_1015, (std::set<std::string>{"TRT_CAST_DOUBLE_AS_FLOAT"}));  // INT64 is native from 9.0
}

TEST(TypeFacts, CastToDoubleWarnsWhereTheReleaseConvertsIt) {
  auto index = index_of(cast_to(kDouble));
  const auto a86 = check(*index, "8.6");
  const Warning* w = warning(verdict(*index, a86, "cast"), "TRT_CAST_DOUBLE_AS_FLOAT");
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
  const Analysis a86 = check(*index, "8.6");
  const Warning* w = warning(verdict(*index, a86, "cast"), "TRT_CAST_INT64_AS_INT32");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "TensorRT 8.6.1 casts to INT32 where the model asks for INT64 (values beyond ±2^31 wrap or clamp)");
  const Analysis a1015 = check(*index, "10.15");
  EXPECT_FALSE(has_warning(verdict(*index, a1015, "cast"), "TRT_CAST_INT64_AS_INT32"));
}

TEST(TypeFacts, ConstantOfShapeValueIsReadFromItsOutputType) {
  ModelBuilder b(13);
  b.input("shape", kInt64, {2});
  auto& fill = b.node("ConstantOfShape", {"shape"}, {"y"}, "fill");
  set_attr(fill, "value", make_tensor("value", kInt64, {1}, {7}));
  b.output("y", kInt64);
  auto index = index_of(b);
  const Analysis a86 = check(*index, "8.6");
  const auto& v86 = verdict(*index, a86, "fill");
  EXPECT_EQ(v86.compute_type, "INT64");  // the output, not the INT64 shape input, carries the type
  const Warning* w = warning(v86, "TRT_INT64_DOWNCAST");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "TensorRT 8.6.1 casts the INT64 'value' of ConstantOfShape to INT32");
  const Analysis a1015 = check(*index, "10.15");
  EXPECT_FALSE(has_warning(verdict(*index, a1015, "fill"), "TRT_INT64_DOWNCAST"));
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
  const auto order = topological_order(successors.size(), [&](int v) { return successors[static_cast<std::size_t>(v)]; },
                                       [](int v) { return v; });
  EXPECT_EQ(order, (std::vector<int>{2, 3, 1, 0}));
  // A key other than the id: the largest id first among the ready ones.
  const auto reversed = topological_order(successors.size(), [&](int v) { return successors[static_cast<std::size_t>(v)]; },
                                          [](int v) { return -v; });
  EXPECT_EQ(reversed, (std::vector<int>{3, 2, 1, 0}));
}

TEST(TopologicalOrder, StopsShortOnACycle) {
  const std::vector<std::vector<int>> successors = {{1}, {2}, {1}, {}};  // 1 <-> 2
  const auto order = topological_order(successors.size(), [&](int v) { return successors[static_cast<std::size_t>(v)]; },
                                       [](int v) { return v; });
  EXPECT_EQ(order, (std::vector<int>{0, 3}));
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
