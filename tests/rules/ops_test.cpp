// One test per remaining importer fact that distinguishes releases or changes meaning (importer-rules.md Part B):
// Constant value_int, GridSample modes, MaxPool Indices, training modes, Attention, Gelu, Einsum, Cast, Conv.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder constant_int(bool value_int) {
  ModelBuilder b(13);
  auto& n = b.node("Constant", {}, {"y"}, "n");
  if (value_int) set_attr(n, "value_int", std::int64_t{7});
  else set_attr(n, "value", make_tensor("v", kInt64, {}, {7}));
  b.output("y");
  return b;
}

TEST(OpRules, ConstantValueIntBecomesZeroBefore9_3) {
  expect_node(constant_int(true), "n",
              {{"8.6", OK, "TRT_CONSTANT_VALUE_INT_BUG"}, {"9.2", OK, "TRT_CONSTANT_VALUE_INT_BUG"},
               {"9.3", OK, "TRT_CONSTANT_VALUE_INT_BUG", false}, {"10.15", OK, "TRT_CONSTANT_VALUE_INT_BUG", false}});
  expect_node(constant_int(false), "n", {{"8.6", OK, "TRT_CONSTANT_VALUE_INT_BUG", false}});
}

TEST(OpRules, ConstantValueMustBeAnImportableType) {
  ModelBuilder b(13);
  set_attr(b.node("Constant", {}, {"y"}, "n"), "value", make_tensor("v", kBfloat16, {1}, {1}));
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_CONSTANT_VALUE_TYPE"}, {"10.1", OK, "TRT_CONSTANT_VALUE_TYPE", false}});
}

TEST(OpRules, ConstantOfShapeUint8ValueRejected) {
  ModelBuilder b(13);
  b.initializer("shape", kInt64, {1}, {4});
  set_attr(b.node("ConstantOfShape", {"shape"}, {"y"}, "n"), "value", make_tensor("v", kUint8, {1}, {1}));
  b.output("y", kUint8, {4});
  // 8.6 (tag release/8.6-GA) widens UINT8 weights to INT32 before the importer's UINT8 check, so that check never
  // fires there (it used to be asserted here from the table-era rule); 7.2 cannot convert UINT8 weights at all and
  // 10.10+ keep them UINT8, so the check fires (tests/rules/faithfulness_test.cpp has every release).
  expect_node(b, "n", {{"7.2", NO, "TRT_CONSTANTOFSHAPE_VALUE_TYPE"}, {"10.15", NO, "TRT_CONSTANTOFSHAPE_VALUE_TYPE"}});
  auto index = index_of(b);
  const auto a = check(*index, "8.6");
  EXPECT_FALSE(has_reason(verdict(*index, a, "n"), "TRT_CONSTANTOFSHAPE_VALUE_TYPE"));
}

ModelBuilder grid_sample(const char* mode) {
  ModelBuilder b(20);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.input("g", kFloat, {1, 4, 4, 2});
  set_attr(b.node("GridSample", {"x", "g"}, {"y"}, "n"), "mode", mode);
  b.output("y");
  return b;
}

TEST(OpRules, GridSampleLinearSilentlyBecomesNearest) {
  expect_node(grid_sample("linear"), "n",
              {{"8.6", OK, "TRT_GRIDSAMPLE_MODE_AS_NEAREST"}, {"10.15", OK, "TRT_GRIDSAMPLE_MODE_AS_NEAREST"}});
  expect_node(grid_sample("bilinear"), "n", {{"8.6", OK, "TRT_GRIDSAMPLE_MODE_AS_NEAREST", false}});
  ModelBuilder ranks(16);
  ranks.input("x", kFloat, {1, 3, 8, 8});
  ranks.input("g", kFloat, {1, 4, 2});
  ranks.node("GridSample", {"x", "g"}, {"y"}, "n");
  ranks.output("y");
  expect_node(ranks, "n", {{"8.6", NO, "TRT_GRIDSAMPLE_RANK_MISMATCH"}, {"10.15", NO, "TRT_GRIDSAMPLE_RANK_MISMATCH"}});
}

ModelBuilder maxpool(std::vector<std::string> outputs) {
  ModelBuilder b(12);
  b.input("x", kFloat, {1, 3, 8, 8});
  auto& n = b.node("MaxPool", {"x"}, outputs, "n");
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{2, 2});
  for (const auto& o : outputs)
    if (!o.empty()) b.output(o);
  return b;
}

TEST(OpRules, MaxPoolIndicesRejectedEvenEmptyBefore10) {
  expect_node(maxpool({"y", "i"}), "n", {{"8.6", NO, "TRT_MAXPOOL_INDICES"}, {"10.15", NO, "TRT_MAXPOOL_INDICES"}});
  expect_node(maxpool({"y", ""}), "n", {{"8.6", NO, "TRT_MAXPOOL_INDICES"}, {"10.1", OK, "TRT_MAXPOOL_INDICES", false}});
  expect_node(maxpool({"y"}), "n", {{"8.6", OK}, {"10.15", OK}});
  auto dilated = maxpool({"y"});
  set_attr(*dilated.graph().mutable_node(0), "dilations", std::vector<std::int64_t>{2, 2});
  expect_node(dilated, "n", {{"8.6", NO, "TRT_MAXPOOL_DILATIONS"}, {"10.15", NO, "TRT_MAXPOOL_DILATIONS"}});
}

ModelBuilder batchnorm(std::int64_t training_mode) {
  ModelBuilder b(15);
  b.input("x", kFloat, {1, 3, 8, 8});
  for (const char* p : {"s", "b", "m", "v"}) b.initializer(p, kFloat, {3}, {1, 1, 1});
  set_attr(b.node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}, "n"), "training_mode", training_mode);
  b.output("y");
  return b;
}

TEST(OpRules, BatchNormalizationTrainingModeRejected) {
  expect_node(batchnorm(1), "n",
              {{"8.6", NO, "TRT_BATCHNORMALIZATION_TRAINING_MODE"}, {"10.15", NO, "TRT_BATCHNORMALIZATION_TRAINING_MODE"}});
  expect_node(batchnorm(0), "n", {{"8.6", OK}, {"10.15", OK}});
}

ModelBuilder dropout(int training) {  // -1: computed training_mode
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  b.initializer("ratio", kFloat, {}, {0.5});
  if (training < 0) b.input("t", kBool, {});
  else b.initializer("t", kBool, {}, {static_cast<double>(training)});
  b.node("Dropout", {"x", "ratio", "t"}, {"y"}, "n");
  b.output("y");
  return b;
}

TEST(OpRules, DropoutTrainingModeMustBeAConstantFalse) {
  expect_node(dropout(1), "n", {{"8.6", NO, "TRT_DROPOUT_TRAINING_MODE"}, {"10.15", NO, "TRT_DROPOUT_TRAINING_MODE"}});
  expect_node(dropout(-1), "n", {{"8.6", NO, "TRT_DROPOUT_TRAINING_MODE_NOT_CONSTANT"}});
  expect_node(dropout(0), "n", {{"8.6", OK}, {"10.15", OK}});
}

TEST(OpRules, DropoutMaskOfAConstantInputFails) {
  ModelBuilder b(13);
  b.initializer("x", kFloat, {2}, {1, 2});
  b.node("Dropout", {"x"}, {"y", "mask"}, "n");
  b.output("y");
  b.output("mask");
  expect_node(b, "n", {{"8.6", NO, "TRT_DROPOUT_MASK_OF_CONSTANT"}, {"10.15", NO, "TRT_DROPOUT_MASK_OF_CONSTANT"}});
}

// Attention-23 with Q/K/V of rank `rank` (4-D: [1,2,4,8]; 3-D: [1,4,16]).
ModelBuilder attention(int rank) {
  ModelBuilder b(23);
  std::vector<std::int64_t> dims = rank == 4 ? std::vector<std::int64_t>{1, 2, 4, 8} : std::vector<std::int64_t>{1, 4, 16};
  for (const char* t : {"q", "k", "v"}) b.input(t, kFloat, dims);
  b.node("Attention", {"q", "k", "v"}, {"y"}, "n");
  b.output("y");
  return b;
}

TEST(OpRules, AttentionIsNewIn10_14WithItsOwnRules) {
  expect_node(attention(4), "n", {{"8.6", NO, "TRT_NO_IMPORTER"}, {"10.13", NO, "TRT_NO_IMPORTER"}, {"10.14", OK}, {"10.15", OK}});
  expect_node(attention(3), "n", {{"10.15", NO, "TRT_ATTENTION_NUM_HEADS"}});
  auto heads = attention(3);
  set_attr(*heads.graph().mutable_node(0), "q_num_heads", std::int64_t{3});
  set_attr(*heads.graph().mutable_node(0), "kv_num_heads", std::int64_t{3});
  expect_node(heads, "n", {{"10.15", NO, "TRT_ATTENTION_NUM_HEADS"}});  // 16 is not divisible by 3
  auto good = attention(3);
  set_attr(*good.graph().mutable_node(0), "q_num_heads", std::int64_t{2});
  set_attr(*good.graph().mutable_node(0), "kv_num_heads", std::int64_t{2});
  expect_node(good, "n", {{"10.15", OK, "TRT_ATTENTION_NUM_HEADS", false}});
  auto softcap = attention(4);
  set_attr(*softcap.graph().mutable_node(0), "softcap", 30.0);
  expect_node(softcap, "n", {{"10.15", NO, "TRT_ATTENTION_SOFTCAP"}});
  auto outputs = attention(4);
  outputs.graph().mutable_node(0)->add_output("");
  outputs.graph().mutable_node(0)->add_output("qk");
  expect_node(outputs, "n", {{"10.15", NO, "TRT_ATTENTION_OUTPUTS"}});
}

ModelBuilder gelu(const char* approximate, const std::string& domain = "") {
  ModelBuilder b(20);
  b.input("x", kFloat, {2, 3});
  auto& n = b.node("Gelu", {"x"}, {"y"}, "n");
  if (approximate) set_attr(n, "approximate", approximate);
  if (!domain.empty()) {
    n.set_domain(domain);
    b.opset(domain, 1);
  }
  b.output("y");
  return b;
}

TEST(OpRules, GeluApproximateAndDomainIgnored) {
  expect_node(gelu("exact"), "n", {{"8.6", NO, "TRT_NO_IMPORTER"}, {"10.1", NO, "TRT_GELU_APPROXIMATE"}, {"10.15", NO, "TRT_GELU_APPROXIMATE"}});
  expect_node(gelu("tanh"), "n", {{"10.1", OK, "TRT_GELU_APPROXIMATE", false}});
  expect_node(gelu(nullptr, "com.microsoft"), "n", {{"10.15", OK, "TRT_DOMAIN_IGNORED"}});
}

TEST(OpRules, PluginEscapeForbiddenFor10_15UnsupportedList) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Unique", {"x"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"10.15", NO, "TRT_NO_IMPORTER"}}, {"Unique"});
  expect_node(b, "n", {{"8.6", OK, "TRT_PLUGIN"}}, {"Unique"});
  expect_node(b, "n", {{"8.6", NO, "TRT_NO_IMPORTER"}});
}

TEST(OpRules, PluginVersionAttributeSelectsThePlugin) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  set_attr(b.node("MyOp", {"x"}, {"y"}, "n"), "plugin_version", "2");
  b.output("y");
  expect_node(b, "n", {{"10.15", OK, "TRT_PLUGIN"}}, {"MyOp:2"});
  expect_node(b, "n", {{"10.15", NO, "TRT_NO_IMPORTER"}}, {"MyOp:1"});
}

ModelBuilder einsum(const char* equation, std::vector<std::vector<std::int64_t>> shapes) {
  ModelBuilder b(12);
  std::vector<std::string> inputs;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    inputs.push_back("x" + std::to_string(i));
    b.input(inputs.back(), kFloat, shapes[i]);
  }
  set_attr(b.node("Einsum", inputs, {"y"}, "n"), "equation", equation);
  b.output("y");
  return b;
}

TEST(OpRules, EinsumEquationFormsPerRelease) {
  expect_node(einsum("ij,JK->iK", {{2, 3}, {3, 4}}), "n", {{"8.6", NO, "TRT_EINSUM_EQUATION"}, {"10.15", NO, "TRT_EINSUM_EQUATION"}});
  expect_node(einsum("ij,jk->ik", {{2, 3}, {3, 4}}), "n", {{"8.6", OK, "TRT_EINSUM_EQUATION", false}, {"10.15", OK}});
  expect_node(einsum("...ij,...jk->...ik", {{5, 2, 3}, {5, 3, 4}}), "n",
              {{"8.6", NO, "TRT_EINSUM_EQUATION"}, {"10.1", OK, "TRT_EINSUM_EQUATION", false}});
  expect_node(einsum("ii->i", {{3, 3}}), "n", {{"10.11", NO, "TRT_EINSUM_EQUATION"}, {"10.12", OK, "TRT_EINSUM_EQUATION", false}});
  expect_node(einsum("ij,jk->ik", {{2, 1}, {3, 4}}), "n", {{"10.1", NO, "TRT_EINSUM_EQUATION"}, {"10.12", OK}});
  expect_node(einsum("ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}), "n", {{"8.6", NO, "TRT_EINSUM_EQUATION"}, {"10.1", OK}});
}

ModelBuilder cast_to(int to) {
  ModelBuilder b(13);
  b.input("x", kFloat, {2, 3});
  set_attr(b.node("Cast", {"x"}, {"y"}, "n"), "to", std::int64_t{to});
  b.output("y");
  return b;
}

TEST(OpRules, CastTargetMustExistAndDowncastsWarn) {
  expect_node(cast_to(kBfloat16), "n", {{"8.6", NO, "TRT_CAST_TARGET_TYPE"}, {"10.1", OK, "TRT_CAST_TARGET_TYPE", false}});
  expect_node(cast_to(kDouble), "n", {{"8.6", OK, "TRT_CAST_DOWNCAST"}, {"10.15", OK, "TRT_CAST_DOWNCAST"}});
  expect_node(cast_to(kInt64), "n", {{"8.6", OK, "TRT_CAST_DOWNCAST"}, {"10.15", OK, "TRT_CAST_DOWNCAST", false}});
  expect_node(cast_to(kFloat16), "n", {{"8.6", OK, "TRT_CAST_DOWNCAST", false}});
}

ModelBuilder conv(std::vector<std::int64_t> w_dims, std::vector<std::int64_t> kernel) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  std::int64_t n = 1;
  for (auto d : w_dims) n *= d;
  b.initializer("w", kFloat, w_dims, std::vector<double>(static_cast<std::size_t>(n), 0.1));
  set_attr(b.node("Conv", {"x", "w"}, {"y"}, "n"), "kernel_shape", kernel);
  b.output("y");
  return b;
}

TEST(OpRules, ConvShapesMustAgree) {
  expect_node(conv({4, 3, 3, 3}, {3, 3}), "n", {{"8.6", OK, "TRT_CONV_SHAPES", false}, {"10.15", OK}});
  expect_node(conv({4, 3, 3, 3}, {5, 5}), "n", {{"8.6", NO, "TRT_CONV_SHAPES"}, {"10.15", NO, "TRT_CONV_SHAPES"}});
  expect_node(conv({4, 2, 3, 3}, {3, 3}), "n", {{"8.6", NO, "TRT_CONV_SHAPES"}});
}

TEST(OpRules, ClipWithComputedBoundsAcceptsFewerTypes) {
  ModelBuilder b(13);
  b.input("x", kInt8, {4});
  b.input("lo", kInt8, {});
  b.node("Clip", {"x", "lo"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_CLIP_COMPUTED_BOUNDS_TYPE"}, {"10.15", NO, "TRT_CLIP_COMPUTED_BOUNDS_TYPE"}});
}

TEST(OpRules, RandomLikeWithAnInitializerInputAcceptedFrom10_11) {
  ModelBuilder b(13);
  b.initializer("x", kFloat, {2}, {1, 2});
  b.node("RandomUniformLike", {"x"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_RANDOMUNIFORMLIKE_CONSTANT_INPUT"}, {"10.10", NO, "TRT_RANDOMUNIFORMLIKE_CONSTANT_INPUT"},
                       {"10.11", OK, "TRT_RANDOMUNIFORMLIKE_CONSTANT_INPUT", false}});
}

TEST(OpRules, StftNeedsWindowOrFrameLength) {
  ModelBuilder b(17);
  b.input("s", kFloat, {1, 64, 1});
  b.initializer("step", kInt64, {}, {8});
  b.node("STFT", {"s", "step"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"10.5", NO, "TRT_STFT_WINDOW_OR_LENGTH_REQUIRED"}, {"10.15", NO, "TRT_STFT_WINDOW_OR_LENGTH_REQUIRED"}});
  ModelBuilder w(17);
  w.input("s", kFloat, {1, 64, 1});
  w.initializer("step", kInt64, {}, {8});
  w.initializer("len", kInt64, {}, {16});
  w.node("STFT", {"s", "step", "", "len"}, {"y"}, "n");
  w.output("y");
  expect_node(w, "n", {{"10.15", OK, "TRT_STFT_WINDOW_OR_LENGTH_REQUIRED", false}});
}

TEST(OpRules, ReduceMeanAxesInputIgnoredBefore10) {
  ModelBuilder b(18);
  b.input("x", kFloat, {2, 3});
  b.initializer("axes", kInt64, {1}, {1});
  b.node("ReduceMean", {"x", "axes"}, {"y"}, "n");
  b.output("y");
  expect_node(b, "n", {{"8.6", OK, "TRT_REDUCEMEAN_AXES_INPUT_IGNORED"}, {"10.1", OK, "TRT_REDUCEMEAN_AXES_INPUT_IGNORED", false}});
}

TEST(OpRules, SpaceToDepthNeedsRank4) {
  ModelBuilder b(13);
  b.input("x", kFloat, {3, 8, 8});
  set_attr(b.node("SpaceToDepth", {"x"}, {"y"}, "n"), "blocksize", std::int64_t{2});
  b.output("y");
  expect_node(b, "n", {{"8.6", NO, "TRT_SPACETODEPTH_RANK"}, {"10.15", NO, "TRT_SPACETODEPTH_RANK"}});
}

}  // namespace
}  // namespace trtlens::test
