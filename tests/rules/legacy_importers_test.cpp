// Checks the 7.2.1 and 8.0 importers make differently from 8.6, read at their tags (release/7.2.1, release/8.0,
// release/8.2-GA): Dropout, Concat of BOOL, InstanceNormalization rank, 3-D ConvTranspose padding.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

ModelBuilder dropout(int opset, bool mask, std::optional<bool> training = std::nullopt) {
  ModelBuilder m(opset);
  m.input("x", kFloat, {2, 4});
  std::vector<std::string> inputs{"x"};
  if (training) {
    m.initializer("ratio", kFloat, {}, {0.5});
    m.initializer("t", kBool, {}, {*training ? 1.0 : 0.0});
    inputs = {"x", "ratio", "t"};
  }
  std::vector<std::string> outputs{"y"};
  if (mask) outputs.push_back("mask");
  m.node("Dropout", inputs, outputs, "n");
  m.output("y");
  return m;
}

TEST(LegacyImporters, Dropout72RefusesOnlyAMaskFromOpset10) {
  expect_node(dropout(12, true), "n", {{"7.2", NO, "TRT_DROPOUT_MASK_OUTPUT"}, {"8.0", OK, "TRT_DROPOUT_MASK_OUTPUT", false}});
  expect_node(dropout(9, true), "n", {{"7.2", OK, "TRT_DROPOUT_MASK_OUTPUT", false}});
  // 7.2.1 makes any single-output Dropout an identity; 8.0 added the training-mode check.
  expect_node(dropout(12, false, true), "n",
              {{"7.2", OK, "TRT_DROPOUT_TRAINING_MODE", false}, {"8.0", NO, "TRT_DROPOUT_TRAINING_MODE"},
               {"10.15", NO, "TRT_DROPOUT_TRAINING_MODE"}});
  expect_node(dropout(12, false, false), "n", {{"8.0", OK, "TRT_DROPOUT_TRAINING_MODE", false}});
}

TEST(LegacyImporters, ConcatOfBoolRefusedOnlyBy72) {
  ModelBuilder m(13);
  m.input("a", kBool, {2, 4});
  m.input("b", kBool, {2, 4});
  set_attr(m.node("Concat", {"a", "b"}, {"y"}, "n"), "axis", std::int64_t{0});
  m.output("y");
  expect_node(m, "n", {{"7.2", NO, "TRT_CONCAT_BOOL_INPUT"}, {"8.0", OK, "TRT_CONCAT_BOOL_INPUT", false},
                       {"10.15", OK, "TRT_CONCAT_BOOL_INPUT", false}});
}

ModelBuilder instance_norm(std::vector<std::int64_t> dims) {
  ModelBuilder m(13);
  m.input("x", kFloat, dims);
  m.initializer("s", kFloat, {2}, {1, 1});
  m.initializer("b", kFloat, {2}, {0, 0});
  m.node("InstanceNormalization", {"x", "s", "b"}, {"y"}, "n");
  m.output("y");
  return m;
}

TEST(LegacyImporters, InstanceNormalizationOf5DArrivesIn80) {
  expect_node(instance_norm({1, 2, 3, 4, 5}), "n",
              {{"7.2", NO, "TRT_INSTANCENORMALIZATION_PLUGIN_RANK"},
               {"8.0", OK, "TRT_INSTANCENORMALIZATION_PLUGIN_RANK", false}});
  expect_node(instance_norm({1, 2, 4, 5}), "n", {{"7.2", OK, "TRT_INSTANCENORMALIZATION_PLUGIN_RANK", false}});
}

ModelBuilder deconv3d(std::vector<std::int64_t> pads, int spatial = 3) {
  ModelBuilder m(13);
  std::vector<std::int64_t> in{1, 1}, w{1, 1};
  for (int i = 0; i < spatial; ++i) in.push_back(4), w.push_back(2);
  m.input("x", kFloat, in);
  m.initializer("w", kFloat, w, std::vector<double>(1u << spatial, 1.0));
  set_attr(m.node("ConvTranspose", {"x", "w"}, {"y"}, "n"), "pads", pads);
  m.output("y");
  return m;
}

TEST(LegacyImporters, ThreeDDeconvolutionNeedsSymmetricPadsUntil82) {
  const char* code = "TRT_CONVTRANSPOSE_3D_ASYMMETRIC_PADS";
  expect_node(deconv3d({0, 0, 0, 1, 1, 1}), "n",
              {{"7.2", NO, code}, {"8.0", NO, code}, {"8.2", NO, code}, {"8.4", OK, code, false}, {"10.15", OK, code, false}});
  expect_node(deconv3d({1, 1, 1, 1, 1, 1}), "n", {{"8.2", OK, code, false}});
  // 2-D deconvolutions may pad asymmetrically on every release.
  expect_node(deconv3d({0, 0, 1, 1}, 2), "n", {{"7.2", OK, code, false}, {"8.2", OK, code, false}});
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

ModelBuilder reverse_sequence(std::int64_t batch, std::int64_t lens) {
  ModelBuilder m(13);
  auto dim_input = [&m](const std::string& name, int type, std::vector<std::int64_t> dims) {
    auto vi = value_info(name, type, {});
    auto* shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] < 0) shape->add_dim()->set_dim_param(name + std::to_string(i));
      else shape->add_dim()->set_dim_value(dims[i]);
    }
    *m.graph().add_input() = vi;
  };
  dim_input("x", kFloat, {4, batch, 3});
  dim_input("l", kInt64, {lens});
  auto& n = m.node("ReverseSequence", {"x", "l"}, {"y"}, "n");
  set_attr(n, "batch_axis", std::int64_t{1});
  set_attr(n, "time_axis", std::int64_t{0});
  m.output("y");
  return m;
}

TEST(LegacyImporters, ReverseSequenceNeedsItsBatchSizeFrom80To85) {
  const char* code = "TRT_REVERSESEQUENCE_DYNAMIC_BATCH";
  expect_node(reverse_sequence(-1, -1), "n",
              {{"8.0", NO, code}, {"8.2", NO, code}, {"8.5", NO, code}, {"8.6", OK, code, false}, {"10.15", OK, code, false}});
  // Either size being static is enough.
  expect_node(reverse_sequence(2, -1), "n", {{"8.5", OK, code, false}});
  expect_node(reverse_sequence(-1, 2), "n", {{"8.5", OK, code, false}});
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

TEST(LegacyImporters, GatherElementsNeedsStaticShapesOn80Only) {
  auto model = [](bool dynamic) {
    ModelBuilder m(13);
    auto vi = value_info("x", kFloat, {});
    auto* shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (dynamic) shape->add_dim()->set_dim_param("batch");
    else shape->add_dim()->set_dim_value(2);
    shape->add_dim()->set_dim_value(4);
    *m.graph().add_input() = vi;
    m.initializer("i", kInt64, {2, 2}, {0, 1, 2, 3});
    set_attr(m.node("GatherElements", {"x", "i"}, {"y"}, "n"), "axis", std::int64_t{1});
    m.output("y");
    return m;
  };
  expect_node(model(true), "n",
              {{"8.0", NO, "TRT_GATHERELEMENTS_DYNAMIC_DATA"}, {"8.2", OK, "TRT_GATHERELEMENTS_DYNAMIC_DATA", false},
               {"10.15", OK, "TRT_GATHERELEMENTS_DYNAMIC_DATA", false}});
  expect_node(model(false), "n", {{"8.0", OK, "TRT_GATHERELEMENTS_DYNAMIC_DATA", false}});
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

TEST(LegacyImporters, TriluOf4DArrivesIn86) {
  auto trilu = [](std::vector<std::int64_t> dims) {
    ModelBuilder m(14);
    m.input("x", kFloat, dims);
    m.node("Trilu", {"x"}, {"y"}, "n");
    m.output("y");
    return m;
  };
  expect_node(trilu({2, 3, 4, 4}), "n",
              {{"8.5", NO, "TRT_TRILU_RANK"}, {"8.6", OK, "TRT_TRILU_RANK", false}, {"10.15", OK, "TRT_TRILU_RANK", false}});
  expect_node(trilu({3, 4, 4}), "n", {{"8.5", OK, "TRT_TRILU_RANK", false}});
}

}  // namespace
}  // namespace trtlens::test

namespace trtlens::test {
namespace {

// 9.0-GA .. 9.3 importInstanceNormalization: FLOAT/FLOAT16 input, and scale and bias of the input's type.
TEST(LegacyImporters, InstanceNormalizationTypesChecked9x) {
  ModelBuilder m(13);
  m.input("x", kFloat16, {1, 2, 4, 4});
  m.initializer("s", kFloat, {2}, {1, 1});
  m.initializer("b", kFloat, {2}, {0, 0});
  m.node("InstanceNormalization", {"x", "s", "b"}, {"y"}, "n");
  m.output("y");
  const char* code = "TRT_INSTANCENORMALIZATION_MIXED_TYPES";
  expect_node(m, "n", {{"8.6", OK, code, false}, {"9.0", NO, code}, {"9.3", NO, code}, {"10.1", NO, code}});
}

}  // namespace
}  // namespace trtlens::test
