// What the diff views list and how they write a side's findings: the model diff lists every changed aspect (a
// warning that appears is a change), and both diffs' JSON write reasons and warnings exactly as `trtlens check`.
#include <gtest/gtest.h>

#include "onnx/dtype.h"
#include "report/diff.h"
#include "support/cli.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// i (INT64) + w: w fits INT32 or not; before 10.0 an INT64 weight beyond INT32 is clamped (a warning only).
ModelBuilder int64_add(double w) {
  ModelBuilder b(13);
  b.input("i", kInt64, {2});
  b.initializer("w", kInt64, {2}, {1, w});
  b.node("Add", {"i", "w"}, {"y"}, "add");
  b.output("y", kInt64, {2});
  return b;
}

TEST(DiffViews, ModelDiffListsAWarningOnlyChange) {
  TempDir dir;
  const auto small = int64_add(7).save(dir / "small.onnx");
  const auto big = int64_add(5e9).save(dir / "big.onnx");
  auto before = index_of(int64_add(7));
  auto after = index_of(int64_add(5e9));
  const Analysis old_a = check(*before, "8.6"), new_a = check(*after, "8.6");
  const ModelDiff d = diff_models(*before, old_a, *after, new_a);  // points into the analyses
  ASSERT_EQ(d.nodes.size(), 1u);
  EXPECT_EQ(d.nodes[0].before->status, d.nodes[0].after->status);
  EXPECT_EQ(d.nodes[0].changed, (std::vector<std::string>{"warnings"}));

  const JsonRun checked = check_json(big, {"--trt", "8.6"});
  const RunResult r = run_trtlens({"diff", small.string(), big.string(), "--trt", "8.6", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // nothing became unsupported
  const nlohmann::json j = json_of(r);
  ASSERT_EQ(j["nodes"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["nodes"][0]["change"], "changed");
  for (const auto& w : j["nodes"][0]["old"]["warnings"]) EXPECT_NE(w["code"], "TRT_INT64_CLAMPED");
  // The new side's warnings are check's, field for field (values, hint).
  ASSERT_FALSE(checked.json["nodes"].empty());
  EXPECT_EQ(j["nodes"][0]["new"]["warnings"], checked.json["nodes"][0]["warnings"]);
  bool clamped = false;
  for (const auto& w : j["nodes"][0]["new"]["warnings"]) clamped = clamped || w["code"] == "TRT_INT64_CLAMPED";
  EXPECT_TRUE(clamped) << j.dump(2);

  const RunResult text = run_trtlens({"diff", small.string(), big.string(), "--trt", "8.6"});
  EXPECT_NE(text.out.find("changed: add (Add)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("warning TRT_INT64_CLAMPED"), std::string::npos) << text.out;
}

TEST(DiffViews, ReleaseDiffReasonsCarrySourceAndConfidenceAsCheckWrites) {
  TempDir dir;
  ModelBuilder b(20);
  b.input("x", kFloat, {3});
  b.node("Gelu", {"x"}, {"y"}, "gelu");
  b.output("y", kFloat, {3});
  const auto model = b.save(dir / "gelu.onnx");
  const JsonRun old_check = check_json(model, {"--trt", "8.6"});
  const RunResult r = run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "10.15", "--format", "json"});
  const nlohmann::json j = json_of(r);
  ASSERT_EQ(j["changes"].size(), 1u) << j.dump(2);
  nlohmann::json reasons = j["changes"][0]["from"]["reasons"];
  nlohmann::json checked = old_check.json["nodes"][0]["reasons"];
  ASSERT_EQ(reasons.size(), 1u);
  ASSERT_EQ(checked.size(), 1u);
  // check adds the upgrade to its hint ("; or upgrade to TensorRT 10.0.1 ..."); the diff's other side says that.
  const std::string hint = reasons[0]["hint"], checked_hint = checked[0]["hint"];
  EXPECT_EQ(checked_hint.rfind(hint + "; or upgrade to TensorRT 10.", 0), 0u) << checked_hint;
  reasons[0].erase("hint");
  checked[0].erase("hint");
  EXPECT_EQ(reasons, checked);
  EXPECT_EQ(reasons[0]["code"], "TRT_NO_IMPORTER");
  EXPECT_TRUE(reasons[0].contains("source")) << reasons.dump(2);
  EXPECT_TRUE(reasons[0].contains("confidence")) << reasons.dump(2);
}

}  // namespace
}  // namespace trtlens::test
