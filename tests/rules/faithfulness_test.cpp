// The parser's code decides `unsupported`, the operator tables only warn (docs/faithfulness.md). Each behaviour is
// checked with a model the release's importer accepts and one it refuses, on the releases the rule tells apart.
#include <nlohmann/json.hpp>

#include "kb/kb.h"
#include "kb/initializers.h"
#include "rules/rule_check.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

// ConstantOfShape(shape) with a one-element `value` attribute of `dtype`; the result is a graph output.
ModelBuilder constant_of_shape(int dtype) {
  ModelBuilder b(13);
  b.input("shape", kInt64, {2});
  set_attr(b.node("ConstantOfShape", {"shape"}, {"y"}, "n"), "value", make_tensor("value", dtype, {1}, {3}));
  b.output("y");
  return b;
}

// 8.6's table lists FP32 only; the 8.6 importer refuses only UINT8 (and UINT8 is widened to INT32 before the check,
// so it never fires); INT64 is cast to INT32.
TEST(Faithfulness, ConstantOfShapeInt64ValueImportsOn86WithWarnings) {
  expect_node(constant_of_shape(kInt64), "n",
              {{"8.6", OK, "TRT_INT64_DOWNCAST"},
               {"8.6", OK, "TRT_UNDOCUMENTED_TYPE"},
               {"8.6", OK, "TRT_TYPE_NOT_SUPPORTED", false},
               {"10.1", OK, "TRT_INT64_DOWNCAST", false},
               {"10.15", OK}});
  const std::string message = message_of(constant_of_shape(kInt64), "n", "8.6", "TRT_UNDOCUMENTED_TYPE");
  EXPECT_NE(message.find("TensorRT 8.6 operator table"), std::string::npos) << message;
  EXPECT_NE(message.find("INT32 (INT64 down-cast)"), std::string::npos) << message;
}

TEST(Faithfulness, ConstantOfShapeUint8ValueRefusedOnlyWhereTheCodeRefusesIt) {
  // 7.2: the weight converter has no UINT8 case; 8.0-10.9: UINT8 weights become INT32 before the UINT8 check;
  // 10.10+: UINT8 weights stay UINT8 and the static checker's UINT8 deny-list fires.
  expect_node(constant_of_shape(kUint8), "n",
              {{"7.2", NO, "TRT_CONSTANTOFSHAPE_VALUE_TYPE"},
               {"10.10", NO, "TRT_CONSTANTOFSHAPE_VALUE_TYPE"},
               {"10.15", NO, "TRT_CONSTANTOFSHAPE_VALUE_TYPE"}});
  // 8.5-10.9: the importer sees INT32 weights, so its UINT8 check cannot fire. (A UINT8 *graph output* fed by it
  // then fails the model-level output type check, which is the graph-boundary checks' concern.)
  auto index = index_of(constant_of_shape(kUint8));
  for (const char* release : {"8.6", "10.1", "10.9"}) {
    const auto a = check(*index, release);
    EXPECT_FALSE(has_reason(verdict(*index, a, "n"), "TRT_CONSTANTOFSHAPE_VALUE_TYPE")) << release;
  }
  expect_node(constant_of_shape(kFloat), "n",
              {{"7.2", OK}, {"10.15", OK, "TRT_CONSTANTOFSHAPE_VALUE_TYPE", false}});
}

// Up to 10.9 the weight converter widens UINT8 initializers to INT32 on load; from 10.10 it keeps them UINT8 and the
// parser widens them as each node's input, Q/DQ (and TRT_MXFP8*) inputs excepted (10.15 WeightsContext.cpp and
// ModelImporter.cpp parseNode).
TEST(Faithfulness, Uint8WeightsKeptAtLoadFrom10_10AndWidenedPerConsumer) {
  const auto& kb = KnowledgeBase::builtin();
  for (const char* rel : {"8.6", "10.1", "10.9"}) {
    EXPECT_EQ(kb.find(rel)->initializer_types[kUint8].as, TrtType::INT32) << rel;
    EXPECT_EQ(initializer_as_input(*kb.find(rel), kUint8, "DequantizeLinear").as, TrtType::INT32) << rel;
  }
  for (const char* rel : {"10.10", "10.15"}) {
    EXPECT_EQ(kb.find(rel)->initializer_types[kUint8].as, TrtType::UINT8) << rel;
    EXPECT_EQ(initializer_as_input(*kb.find(rel), kUint8, "DequantizeLinear").as, TrtType::UINT8) << rel;
    EXPECT_EQ(initializer_as_input(*kb.find(rel), kUint8, "Gather").as, TrtType::INT32) << rel;
  }
  // A UINT8 initializer that is itself a graph output: INT32 inside TensorRT up to 10.9 (the output type check
  // fails), still UINT8 from 10.10.
  ModelBuilder direct(17);
  direct.input("x", kFloat, {4});
  direct.node("Relu", {"x"}, {"y"}, "n");
  direct.output("y");
  direct.initializer("table", kUint8, {4}, {1, 2, 3, 4});
  direct.output("table", kUint8, {4});
  auto index = index_of(direct);
  EXPECT_TRUE(has_model_issue(check(*index, "10.9"), "TRT_OUTPUT_INT32_MISMATCH"));
  EXPECT_FALSE(has_model_issue(check(*index, "10.15"), "TRT_OUTPUT_INT32_MISMATCH"));
  // Through a node the weight is widened on every release that has UINT8 weights.
  ModelBuilder through(17);
  through.initializer("table", kUint8, {4}, {1, 2, 3, 4});
  through.node("Identity", {"table"}, {"out"}, "n");
  through.output("out", kUint8, {4});
  auto widened = index_of(through);
  EXPECT_TRUE(has_model_issue(check(*widened, "10.9"), "TRT_OUTPUT_INT32_MISMATCH"));
  EXPECT_TRUE(has_model_issue(check(*widened, "10.15"), "TRT_OUTPUT_INT32_MISMATCH"));
  // A Gather over UINT8 table weights: the Gather importer sees INT32 on both sides of 10.10, so its UINT8 deny-list
  // does not fire.
  ModelBuilder gather(13);
  gather.initializer("table", kUint8, {4}, {1, 2, 3, 4});
  gather.input("i", kInt64, {2});
  gather.node("Gather", {"table", "i"}, {"g"}, "n");
  gather.output("g");
  expect_node(gather, "n", {{"10.9", OK, "TRT_GATHER_UINT8_INPUT", false}, {"10.15", OK, "TRT_GATHER_UINT8_INPUT", false}});
}

TEST(Faithfulness, RefusalsCarryTheirParserSource) {
  auto index = index_of(constant_of_shape(kUint8));
  const auto at_1015 = check(*index, "10.15");
  const Reason* code = find_reason(verdict(*index, at_1015, "n"), "TRT_CONSTANTOFSHAPE_VALUE_TYPE");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->confidence, "code");
  EXPECT_EQ(code->source, "commit dd0a3a9 onnxOpCheckers.cpp:ConstantOfShape");
  const auto at_1012 = check(*index, "10.12");
  const Reason* derived = find_reason(verdict(*index, at_1012, "n"), "TRT_CONSTANTOFSHAPE_VALUE_TYPE");
  ASSERT_NE(derived, nullptr);
  EXPECT_EQ(derived->confidence, "derived");
  EXPECT_EQ(derived->source.rfind("derived from commit dd0a3a9 onnxOpCheckers.cpp:ConstantOfShape", 0), 0u)
      << derived->source;

  auto sign = index_of(unary_model("Sign", kInt32));
  const auto at_86 = check(*sign, "8.6");
  const Reason* r = find_reason(verdict(*sign, at_86, "n"), "TRT_SIGN_INPUT_TYPE");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->source, "tag release/8.6-GA onnx2trt_utils.cpp:unaryHelper");
  EXPECT_EQ(r->confidence, "code");
}

// NonZero's allow-list (every release that has the importer) includes BOOL; the tables list FP32/FP16 only.
TEST(Faithfulness, NonZeroBoolImportsEverywhere) {
  expect_node(unary_model("NonZero", kBool), "n",
              {{"8.6", OK, "TRT_UNDOCUMENTED_TYPE"}, {"10.1", OK, "TRT_UNDOCUMENTED_TYPE"},
               {"10.15", OK, "TRT_UNDOCUMENTED_TYPE"}, {"10.15", OK, "TRT_NONZERO_INPUT_TYPE", false}});
  expect_node(unary_model("NonZero", kUint8), "n",
              {{"8.6", NO, "TRT_NONZERO_INPUT_TYPE"}, {"10.1", NO, "TRT_NONZERO_INPUT_TYPE"},
               {"10.15", NO, "TRT_NONZERO_INPUT_TYPE"}});
}

// The unary path: 7.2 rejects BOOL and INT32 for every op but Not; 8.0-8.4 accept anything for Abs and Neg;
// 8.5+ reject BOOL and UINT8 for them.
TEST(Faithfulness, AbsBoolFollowsEachReleasesUnaryPath) {
  expect_node(unary_model("Abs", kBool), "n",
              {{"7.2", NO, "TRT_ABS_INPUT_TYPE"}, {"8.4", OK, "TRT_UNDOCUMENTED_TYPE"}, {"8.5", NO, "TRT_ABS_INPUT_TYPE"},
               {"10.15", NO, "TRT_ABS_INPUT_TYPE"}});
  expect_node(unary_model("Abs", kFloat), "n",
              {{"7.2", OK}, {"8.4", OK}, {"10.15", OK, "TRT_UNDOCUMENTED_TYPE", false}});
}

// 10.0's default unary branch rejects BOOL/INT32/UINT8; INT64 joined the list in 10.1.
TEST(Faithfulness, SqrtInt64AcceptedBy100RefusedFrom101) {
  expect_node(unary_model("Sqrt", kInt64), "n",
              {{"8.6", NO, "TRT_SQRT_INPUT_TYPE"}, {"10.0", OK, "TRT_UNDOCUMENTED_TYPE"},
               {"10.1", NO, "TRT_SQRT_INPUT_TYPE"}, {"10.15", NO, "TRT_SQRT_INPUT_TYPE"}});
}

// Before 10.1 IsNaN compares x with itself (any type); from 10.1 it is a unary op with the default type check.
TEST(Faithfulness, IsNaNInt32AcceptedUntil100) {
  expect_node(unary_model("IsNaN", kInt32), "n",
              {{"9.3", OK, "TRT_ISNAN_INPUT_TYPE", false}, {"10.0", OK, "TRT_ISNAN_INPUT_TYPE", false},
               {"10.1", NO, "TRT_ISNAN_INPUT_TYPE"}});
}

TEST(Faithfulness, GatherBoolDataRefusedBefore85) {
  ModelBuilder b(13);
  b.input("x", kBool, {4, 3});
  b.input("i", kInt64, {2});
  b.node("Gather", {"x", "i"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n",
              {{"8.0", NO, "TRT_GATHER_BOOL_INPUT"}, {"8.4", NO, "TRT_GATHER_BOOL_INPUT"},
               {"8.5", OK, "TRT_GATHER_BOOL_INPUT", false}, {"10.15", OK}});
}

TEST(Faithfulness, EqualBoolRefusedBefore85) {
  ModelBuilder b(13);
  b.input("a", kBool, {4});
  b.input("b", kBool, {4});
  b.node("Equal", {"a", "b"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.4", NO, "TRT_EQUAL_BOOL_INPUT"}, {"8.5", OK, "TRT_EQUAL_BOOL_INPUT", false}});
}

// Importer lists read at the GA tags, not the tables: 7.2.1 has a Reciprocal importer (table: N) and no Celu
// importer (the table describes the later 7.2.1 branch); the 8.4 tag has no RandomNormalLike importer (table: Y).
TEST(Faithfulness, ImporterListsFollowTheTags) {
  expect_node(unary_model("Reciprocal", kFloat), "n", {{"7.2", OK}, {"8.0", OK}, {"8.2", OK}});
  expect_node(unary_model("Celu", kFloat, 12), "n", {{"7.2", NO, "TRT_NO_IMPORTER"}, {"8.0", OK}});
  expect_node(unary_model("RandomNormalLike", kFloat), "n",
              {{"8.4", NO, "TRT_NO_IMPORTER"}, {"8.5", OK, "TRT_NO_IMPORTER", false}});
}

// The 7.2.1 tag converts no DOUBLE (it arrived on the release branch after the tag, and in 8.0).
TEST(Faithfulness, DoubleTensorsRefusedBy72) {
  expect_node(unary_model("Relu", kDouble), "n", {{"7.2", NO, "TRT_TYPE_NOT_IMPORTABLE"}, {"8.0", OK}});
}

// A type the table lists but no rule refuses and no table lists either way: no warning, status from the code.
TEST(Faithfulness, DocumentedTypesDoNotWarn) {
  expect_node(unary_model("Relu", kFloat), "n", {{"8.6", OK, "TRT_UNDOCUMENTED_TYPE", false}});
  expect_node(unary_model("Relu", kFloat16), "n", {{"10.15", OK, "TRT_UNDOCUMENTED_TYPE", false}});
}

TEST(Faithfulness, JsonReasonsNameTheirSource) {
  TempDir dir;
  const auto path = constant_of_shape(kUint8).save(dir / "m.onnx");
  const auto r = run_trtlens({"check", path.string(), "--trt", "10.15", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& reason = j["nodes"][0]["reasons"][0];
  EXPECT_EQ(reason["code"], "TRT_CONSTANTOFSHAPE_VALUE_TYPE");
  EXPECT_EQ(reason["source"], "commit dd0a3a9 onnxOpCheckers.cpp:ConstantOfShape");
  EXPECT_EQ(reason["confidence"], "code");
}

}  // namespace
}  // namespace trtlens::test
