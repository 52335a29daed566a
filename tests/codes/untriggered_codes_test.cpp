// Engine codes that only a particular target or a particular Q/DQ shape reaches: an embedded platform on a release its
// OS never shipped, DLA facts the hardware data marks uncertain, per-channel activations, FP8 grouped convolution,
// block quantization of a type the release does not block-quantize, and the report's fallback label for an
// unsupported node without reasons. Each test builds the smallest input, asserts the code and what it implies for the
// verdict, and where cheap that a nearby input does not emit it.
#include <gtest/gtest.h>

#include <sstream>

#include "hw/hardware.h"
#include "onnx/dtype.h"
#include "report/report.h"
#include "support/model_builder.h"
#include "verdict/partition.h"

namespace trtlens::test {
namespace {

// ---- report fallback label ---------------------------------------------------------------------------------------

// x -> Relu -> Bernoulli (no importer in any release) -> y
ModelBuilder unsupported_tail() {
  ModelBuilder b(15);
  b.input("x", kFloat, {2, 3});
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Bernoulli", {"r"}, {"y"}, "bernoulli");
  b.output("y", kFloat, {2, 3});
  return b;
}

const OutsideRow* outside_row(const Partition& p, const std::string& op) {
  for (const auto& row : p.outside)
    if (row.op_type == op) return &row;
  return nullptr;
}

// The engine gives every unsupported node a reason, so TRT_UNSUPPORTED is only the label the partition table and the
// JUnit failure use when an Analysis (built by another caller) holds an unsupported node without one.
TEST(UntriggeredCodes, UnsupportedNodeWithoutReasonsIsLabelledTrtUnsupported) {
  auto index = index_of(unsupported_tail());
  Analysis a = check(*index, "10.15");
  const NodeVerdict& engine = verdict(*index, a, "bernoulli");
  ASSERT_EQ(engine.status, Status::kUnsupported);
  ASSERT_FALSE(engine.reasons.empty());  // what the engine gives: a specific code, not the fallback label
  const std::string specific = engine.reasons.front().code;
  EXPECT_NE(specific, "TRT_UNSUPPORTED");
  const Partition with_reasons = partition(*index, a);
  ASSERT_NE(outside_row(with_reasons, "Bernoulli"), nullptr);
  EXPECT_EQ(outside_row(with_reasons, "Bernoulli")->reason, specific);
  std::ostringstream engine_junit;
  write_junit(engine_junit, *index, a);
  EXPECT_NE(engine_junit.str().find("<failure type=\"" + specific + "\""), std::string::npos) << engine_junit.str();
  EXPECT_EQ(engine_junit.str().find("TRT_UNSUPPORTED\""), std::string::npos);

  a.nodes[static_cast<std::size_t>(engine.index)].reasons.clear();
  const Partition p = partition(*index, a);
  const OutsideRow* row = outside_row(p, "Bernoulli");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->reason, "TRT_UNSUPPORTED");
  EXPECT_EQ(row->nodes, std::vector<std::string>{"bernoulli"});
  EXPECT_EQ(p.nodes_outside, 1);
  std::ostringstream junit;
  write_junit(junit, *index, a);
  EXPECT_NE(junit.str().find("<failure type=\"TRT_UNSUPPORTED\" message=\"unsupported\">"), std::string::npos)
      << junit.str();
}

}  // namespace
}  // namespace trtlens::test
