// Pad before 8.2 (src/rules/pad_legacy.cpp): TensorRT's old padding layer pads with zeros on two dimensions only.
#include "rules/rule_check.h"

namespace trtlens::test {
namespace {

// Pad (opset 13) of a [1, 3, 8, 8] input with constant `pads`, an optional mode and fill value.
ModelBuilder pad(std::vector<double> pads, const char* mode = nullptr, std::optional<double> value = std::nullopt) {
  ModelBuilder m(13);
  m.input("x", kFloat, {1, 3, 8, 8});
  m.initializer("p", kInt64, {static_cast<std::int64_t>(pads.size())}, pads);
  std::vector<std::string> inputs{"x", "p"};
  if (value) {
    m.initializer("v", kFloat, {}, {*value});
    inputs.push_back("v");
  }
  auto& n = m.node("Pad", inputs, {"y"}, "n");
  if (mode) set_attr(n, "mode", mode);
  m.output("y");
  return m;
}

TEST(PadLegacy, ReflectAndEdgeArriveIn82) {
  const std::vector<double> hw{0, 0, 1, 1, 0, 0, 1, 1};
  for (const char* mode : {"reflect", "edge"})
    expect_node(pad(hw, mode), "n",
                {{"7.2", NO, "TRT_PAD_MODE"}, {"8.0", NO, "TRT_PAD_MODE"}, {"8.2", OK, "TRT_PAD_MODE", false},
                 {"8.6", OK, "TRT_PAD_MODE", false}});
  expect_node(pad(hw, "constant"), "n", {{"7.2", OK, "TRT_PAD_MODE", false}, {"8.0", OK, "TRT_PAD_MODE", false}});
}

TEST(PadLegacy, OnlyZeroIsAFillValueBefore82) {
  const std::vector<double> hw{0, 0, 1, 1, 0, 0, 1, 1};
  expect_node(pad(hw, nullptr, -1.0), "n",
              {{"7.2", NO, "TRT_PAD_NONZERO_VALUE"}, {"8.0", NO, "TRT_PAD_NONZERO_VALUE"},
               {"8.2", OK, "TRT_PAD_NONZERO_VALUE", false}});
  expect_node(pad(hw, nullptr, 0.0), "n", {{"7.2", OK, "TRT_PAD_NONZERO_VALUE", false}});
}

TEST(PadLegacy, PaddedDimensionsPerRelease) {
  // Channels and height: not the last two (7.2 refuses), but two dimensions (8.0 transposes them to the end).
  const std::vector<double> ch{0, 1, 1, 0, 0, 1, 1, 0};
  expect_node(pad(ch), "n", {{"7.2", NO, "TRT_PAD_DIMS"}, {"8.0", OK, "TRT_PAD_DIMS", false}});
  // Three padded dimensions: both refuse; 8.2 pads with a slice layer on any dimension.
  const std::vector<double> three{0, 1, 1, 1, 0, 1, 1, 1};
  expect_node(pad(three), "n",
              {{"7.2", NO, "TRT_PAD_DIMS"}, {"8.0", NO, "TRT_PAD_DIMS"}, {"8.2", OK, "TRT_PAD_DIMS", false},
               {"10.15", OK, "TRT_PAD_DIMS", false}});
}

TEST(PadLegacy, AnAllZeroPadPassesThroughOn80Only) {
  const std::vector<double> none(8, 0.0);
  expect_node(pad(none, "reflect"), "n", {{"7.2", NO, "TRT_PAD_MODE"}, {"8.0", OK, "TRT_PAD_MODE", false}});
}

}  // namespace
}  // namespace trtlens::test
