// Graph inputs and outputs as the importer reads them (importer-rules.md A5, A9; ModelImporter.cpp importInput /
// importModel at release/7.2.1 .. release/10.1-GA and 10.15): only tensors with a declared element type become
// network inputs and outputs, at most 8 dimensions.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

struct Issue {
  bool found = false, error = false;
};

Issue issue(const ModelBuilder& b, const std::string& release, const std::string& code) {
  auto index = index_of(b);
  if (!index) return {};
  auto a = check(*index, release);
  for (const auto& m : a.model_issues)
    if (m.code == code) return {true, m.error};
  return {};
}

void expect_model_error(const ModelBuilder& b, const std::string& code) {
  for (const char* release : {"7.2", "8.0", "8.6", "9.3", "10.1", "10.15"}) {
    const Issue i = issue(b, release, code);
    EXPECT_TRUE(i.found) << code << " @ " << release;
    EXPECT_TRUE(i.error) << code << " @ " << release;
  }
}

void expect_absent(const ModelBuilder& b, const std::string& code) {
  for (const char* release : {"7.2", "8.6", "10.1", "10.15"}) EXPECT_FALSE(issue(b, release, code).found) << code;
}

onnx::ValueInfoProto sequence_of(const std::string& name, int dtype, std::vector<std::int64_t> dims) {
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  *vi.mutable_type()->mutable_sequence_type()->mutable_elem_type() = value_info(name, dtype, std::move(dims)).type();
  return vi;
}

onnx::ValueInfoProto optional_of(const std::string& name, int dtype, std::vector<std::int64_t> dims) {
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  *vi.mutable_type()->mutable_optional_type()->mutable_elem_type() = value_info(name, dtype, std::move(dims)).type();
  return vi;
}

TEST(GraphBoundary, SequenceInputIsRefusedByEveryRelease) {
  ModelBuilder b(13);
  *b.graph().add_input() = sequence_of("seq", kFloat, {2});
  b.initializer("pos", kInt64, {}, {0});
  b.node("SequenceAt", {"seq", "pos"}, {"y"}, "at");
  b.output("y", kFloat, {2});
  expect_model_error(b, "TRT_INPUT_NOT_TENSOR");
  EXPECT_FALSE(check(*index_of(b), "10.15").summary.model_convertible);
}

TEST(GraphBoundary, OptionalInputIsRefusedByEveryRelease) {
  ModelBuilder b(16);
  *b.graph().add_input() = optional_of("maybe", kFloat, {2});
  b.node("OptionalGetElement", {"maybe"}, {"y"}, "get");
  b.output("y", kFloat, {2});
  expect_model_error(b, "TRT_INPUT_NOT_TENSOR");
}

TEST(GraphBoundary, SequenceOutputIsRefusedByEveryRelease) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("SplitToSequence", {"x"}, {"parts"}, "split");
  *b.graph().add_output() = sequence_of("parts", kFloat, {});
  expect_model_error(b, "TRT_OUTPUT_NOT_TENSOR");
}

TEST(GraphBoundary, TensorInputsAndOutputsPass) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat, {4});
  for (const char* code : {"TRT_INPUT_NOT_TENSOR", "TRT_OUTPUT_NOT_TENSOR", "TRT_INPUT_TYPE_UNDECLARED",
                           "TRT_OUTPUT_TYPE_UNDECLARED", "TRT_INPUT_RANK_TOO_HIGH", "TRT_INPUT_UNKNOWN_RANK"})
    expect_absent(b, code);
  EXPECT_TRUE(check(*index_of(b), "10.15").summary.model_convertible);
}

TEST(GraphBoundary, InputWithoutElementTypeIsRefused) {
  ModelBuilder b(13);
  auto* in = b.graph().add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(4);
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat, {4});
  expect_model_error(b, "TRT_INPUT_TYPE_UNDECLARED");
}

TEST(GraphBoundary, InputOfRankNineIsRefusedRankEightPasses) {
  ModelBuilder nine(13);
  nine.input("x", kFloat, {1, 1, 1, 1, 1, 1, 1, 1, 2});
  nine.node("Relu", {"x"}, {"y"}, "relu");
  nine.output("y", kFloat, {1, 1, 1, 1, 1, 1, 1, 1, 2});
  expect_model_error(nine, "TRT_INPUT_RANK_TOO_HIGH");
  ModelBuilder eight(13);
  eight.input("x", kFloat, {1, 1, 1, 1, 1, 1, 1, 2});
  eight.node("Relu", {"x"}, {"y"}, "relu");
  eight.output("y", kFloat, {1, 1, 1, 1, 1, 1, 1, 2});
  expect_absent(eight, "TRT_INPUT_RANK_TOO_HIGH");
}

}  // namespace
}  // namespace trtlens::test
