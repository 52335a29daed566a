// RNN/GRU/LSTM (importer-rules.md B:LSTM, B:GRU, B:RNN, A13): `layout` never read, activation names, bidirectional
// activations that differ.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

// LSTM over X [T=5, B=2, I=4] with hidden size 3 and `directions` directions.
ModelBuilder lstm(int directions = 1) {
  ModelBuilder b(14);
  b.input("x", kFloat, {5, 2, 4});
  b.initializer("w", kFloat, {directions, 12, 4}, std::vector<double>(static_cast<std::size_t>(directions) * 48, 0.1));
  b.initializer("r", kFloat, {directions, 12, 3}, std::vector<double>(static_cast<std::size_t>(directions) * 36, 0.1));
  auto& n = b.node("LSTM", {"x", "w", "r"}, {"y"}, "n");
  set_attr(n, "hidden_size", std::int64_t{3});
  if (directions == 2) set_attr(n, "direction", "bidirectional");
  b.output("y");
  return b;
}

void set_strings(onnx::NodeProto& n, const std::string& name, std::vector<std::string> values) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (auto& v : values) a->add_strings(v);
}

TEST(RnnRules, LstmLayoutIsIgnoredInEveryRelease) {
  auto b = lstm();
  set_attr(*b.graph().mutable_node(0), "layout", std::int64_t{1});
  expect_node(b, "n", {{"8.6", OK, "TRT_LSTM_LAYOUT_IGNORED"}, {"10.1", OK, "TRT_LSTM_LAYOUT_IGNORED"},
                       {"10.15", OK, "TRT_LSTM_LAYOUT_IGNORED"}});
  expect_node(lstm(), "n", {{"8.6", OK, "TRT_LSTM_LAYOUT_IGNORED", false}, {"10.15", OK, "TRT_LSTM_LAYOUT_IGNORED", false}});
}

TEST(RnnRules, UnknownActivationRejected) {
  auto b = lstm();
  set_strings(*b.graph().mutable_node(0), "activations", {"Sigmoid", "Affine", "Tanh"});
  expect_node(b, "n", {{"8.6", NO, "TRT_LSTM_ACTIVATION"}, {"10.15", NO, "TRT_LSTM_ACTIVATION"}});
  auto ok = lstm();
  set_strings(*ok.graph().mutable_node(0), "activations", {"Sigmoid", "Tanh", "Tanh"});
  expect_node(ok, "n", {{"8.6", OK, "TRT_LSTM_ACTIVATION", false}});
}

TEST(RnnRules, BidirectionalActivationsMustAgree) {
  auto b = lstm(2);
  set_strings(*b.graph().mutable_node(0), "activations", {"Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Tanh"});
  expect_node(b, "n", {{"8.6", NO, "TRT_LSTM_BIDIRECTIONAL_ACTIVATIONS"}, {"10.15", NO, "TRT_LSTM_BIDIRECTIONAL_ACTIVATIONS"}});
  auto same = lstm(2);
  set_strings(*same.graph().mutable_node(0), "activations", {"Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"});
  expect_node(same, "n", {{"8.6", OK, "TRT_LSTM_BIDIRECTIONAL_ACTIVATIONS", false}, {"10.15", OK}});
}

TEST(RnnRules, LstmInputForgetRejected) {
  auto b = lstm();
  set_attr(*b.graph().mutable_node(0), "input_forget", std::int64_t{1});
  expect_node(b, "n", {{"8.6", NO, "TRT_LSTM_INPUT_FORGET"}, {"10.15", NO, "TRT_LSTM_INPUT_FORGET"}});
}

}  // namespace
}  // namespace trtlens::test
