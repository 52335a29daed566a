// Type rules where the parser disagrees with the published matrices (importer-rules.md A13, B:Sign, B:IsNaN,
// B:Range) and the generic deny/allow/same-type rules they use.
#include "rules/rule_check.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

TEST(UnaryRules, SignInt32RejectedBefore9ButTheMatrixListsIt) {
  expect_node(unary_model("Sign", kInt32), "n",
              {{"8.6", NO, "TRT_SIGN_INPUT_TYPE"}, {"9.0", OK, "TRT_SIGN_INPUT_TYPE", false},
               {"10.1", OK, "TRT_SIGN_INPUT_TYPE", false}, {"10.15", OK, "TRT_SIGN_INPUT_TYPE", false}});
  const std::string message = message_of(unary_model("Sign", kInt32), "n", "8.6", "TRT_SIGN_INPUT_TYPE");
  EXPECT_NE(message.find("matrix"), std::string::npos) << message;
  EXPECT_NE(message.find("INT32"), std::string::npos) << message;
}

TEST(UnaryRules, SignFloatAndBoolEverywhere) {
  expect_node(unary_model("Sign", kFloat), "n", {{"8.6", OK, "TRT_SIGN_INPUT_TYPE", false}, {"10.15", OK}});
  expect_node(unary_model("Sign", kBool), "n",
              {{"8.6", NO, "TRT_SIGN_INPUT_TYPE"}, {"10.15", NO, "TRT_SIGN_INPUT_TYPE"}});
}

TEST(UnaryRules, IsNaNInt32RejectedFrom101) {
  // 10.0 still imports IsNaN as Equal(x, x) + Not (any type); 10.1 made it a unary op (release/10.1-GA).
  expect_node(unary_model("IsNaN", kInt32), "n",
              {{"8.6", OK, "TRT_ISNAN_INPUT_TYPE", false}, {"10.0", OK, "TRT_ISNAN_INPUT_TYPE", false},
               {"10.1", NO, "TRT_ISNAN_INPUT_TYPE"}, {"10.15", NO, "TRT_ISNAN_INPUT_TYPE"}});
  expect_node(unary_model("IsNaN", kFloat), "n", {{"10.15", OK, "TRT_ISNAN_INPUT_TYPE", false}});
}

TEST(UnaryRules, IsInfTypeRuleAppliesOnlyWhenBothDirectionsAreDetected) {
  // `when` preconditions: detect_positive and detect_negative default to 1.
  expect_node(unary_model("IsInf", kInt32, 13), "n", {{"10.15", NO, "TRT_ISINF_INPUT_TYPE"}});
  ModelBuilder one_sided(13);
  one_sided.input("x", kInt32, {2, 3});
  set_attr(one_sided.node("IsInf", {"x"}, {"y"}, "n"), "detect_negative", std::int64_t{0});
  one_sided.output("y");
  // The parser rule does not fire and no other parser check refuses INT32: the node imports. The table's type list
  // (FP32/FP16/BF16) is documentation only, so it becomes a warning (it used to be a TRT_TYPE_NOT_SUPPORTED refusal).
  expect_node(one_sided, "n", {{"10.15", OK, "TRT_ISINF_INPUT_TYPE", false}, {"10.15", OK, "TRT_UNDOCUMENTED_TYPE"}});
}

ModelBuilder range(int start, int limit, int delta) {
  ModelBuilder b(13);
  b.input("s", start, {});
  b.input("l", limit, {});
  b.input("d", delta, {});
  b.node("Range", {"s", "l", "d"}, {"y"}, "n");
  b.output("y");
  return b;
}

TEST(UnaryRules, RangeFp16RejectedAlthoughListed) {
  expect_node(range(kFloat16, kFloat16, kFloat16), "n",
              {{"8.6", NO, "TRT_RANGE_INPUT_TYPE"}, {"10.1", NO, "TRT_RANGE_INPUT_TYPE"},
               {"10.15", NO, "TRT_RANGE_INPUT_TYPE"}});
  expect_node(range(kFloat, kFloat, kFloat), "n", {{"8.6", OK, "TRT_RANGE_INPUT_TYPE", false}, {"10.15", OK}});
}

TEST(UnaryRules, RangeMixedTypesAndThe10xStartDeltaSlip) {
  // 10.0-10.14 compare only start and delta; 10.15 compares all three.
  expect_node(range(kInt32, kInt64, kInt32), "n",
              {{"10.1", OK, "TRT_RANGE_MIXED_TYPES", false}, {"10.15", NO, "TRT_RANGE_MIXED_TYPES"}});
  expect_node(range(kFloat, kFloat, kInt32), "n",
              {{"8.6", NO, "TRT_RANGE_MIXED_TYPES"}, {"10.1", NO, "TRT_RANGE_MIXED_TYPES"}});
}

TEST(UnaryRules, ModIntegerOnlyRuleAppliesOnlyWithFmod0) {
  ModelBuilder b(13);
  b.input("a", kFloat, {4});
  b.input("b", kFloat, {4});
  b.node("Mod", {"a", "b"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_MOD_INTEGER_ONLY"}, {"10.15", NO, "TRT_MOD_INTEGER_ONLY"}});
  ModelBuilder f(13);
  f.input("a", kFloat, {4});
  f.input("b", kFloat, {4});
  set_attr(f.node("Mod", {"a", "b"}, {"y"}, "n"), "fmod", std::int64_t{1});
  f.output("y");
  expect_node(f, "n", {{"8.6", OK, "TRT_MOD_INTEGER_ONLY", false}, {"10.15", OK, "TRT_MOD_INTEGER_ONLY", false}});
}

TEST(UnaryRules, MatMulInt32InputARejected) {
  ModelBuilder b(13);
  b.input("a", kInt32, {2, 3});
  b.input("b", kInt32, {3, 2});
  b.node("MatMul", {"a", "b"}, {"y"}, "n");
  b.output("y");
  auto index = index_of(b);
  auto a = check(*index, "8.6");
  EXPECT_EQ(verdict(*index, a, "n").status, NO);
}

}  // namespace
}  // namespace trtlens::test
