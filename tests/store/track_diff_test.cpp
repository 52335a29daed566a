// `trtlens track diff` and `trtlens diff OLD NEW` are one algorithm (verdict/diff.h: match_nodes, diff_models): a
// renamed node is the same node for both, and device moves on a DLA target are listed by both.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "store/store_support.h"
#include "support/models.h"

namespace trtlens::test {
namespace {
using nlohmann::json;

// name -> "from->to" for every node `track diff --format json` lists.
std::map<std::string, std::string> track_listing(const json& j) {
  std::map<std::string, std::string> out;
  for (const char* list : {"became_unsupported", "became_convertible", "changed"})
    for (const auto& c : j[list])
      out[c["name"].get<std::string>()] = (c["from"].is_null() ? "absent" : c["from"].get<std::string>()) + "->" +
                                          (c["to"].is_null() ? "absent" : c["to"].get<std::string>());
  return out;
}

TEST(TrackDiff, ARenamedNodeIsOneNodeForBothDiffCommands) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto v1 = diff_old_model().save(tmp / "v1.onnx").string();
  const auto v2 = diff_new_model("sigmoid").save(tmp / "v2.onnx").string();
  ASSERT_EQ(run_trtlens({"track", "add", v1, "--name", "net", "--data-dir", data}).exit_code, 0);
  ASSERT_EQ(run_trtlens({"track", "add", v2, "--name", "net", "--data-dir", data}).exit_code, 0);

  const RunResult models = run_trtlens({"diff", v1, v2, "--trt", "10.15", "--format", "json"});
  ASSERT_EQ(models.exit_code, 1) << models.err;  // act became unsupported
  const json m = json::parse(models.out);
  EXPECT_EQ(m["matched"], 2);
  EXPECT_EQ(m["matched_by_structure"], 1);
  std::map<std::string, std::string> kinds;
  for (const auto& n : m["nodes"]) kinds[n["new"].is_null() ? n["old"]["name"] : n["new"]["name"]] = n["change"];
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{
                       {"act", "became unsupported"}, {"sigmoid", "renamed"}, {"added", "added"}, {"gone", "removed"}}));

  const RunResult tracked = run_trtlens({"track", "diff", "net", "--trt", "10.15", "--format", "json", "--data-dir", data});
  ASSERT_EQ(tracked.exit_code, 1) << tracked.err;
  const json t = json::parse(tracked.out);
  // The renamed Sigmoid kept its status: not listed, and neither "sig" removed nor "sigmoid" added (as matching by
  // (graph, name) used to say).
  EXPECT_EQ(track_listing(t), (std::map<std::string, std::string>{{"act", "convertible->unsupported"},
                                                                    {"added", "absent->convertible"},
                                                                    {"gone", "convertible->absent"}}));
  ASSERT_EQ(t["became_unsupported"].size(), 1u);
  EXPECT_EQ(t["became_unsupported"][0]["name"], "act");
  EXPECT_FALSE(t["became_unsupported"][0].contains("from_name"));
  EXPECT_FALSE(t["became_unsupported"][0].contains("from_device"));  // no DLA target

  const RunResult text = run_trtlens({"track", "diff", "net", "--trt", "10.15", "--data-dir", data});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("  act (Bernoulli): convertible -> unsupported\n"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("sig (Sigmoid)"), std::string::npos) << text.out;
}

// x[1,8,16,16] -> conv 3x3 (named `conv_name`, pads `pad` on every side) -> exp. Pads as large as the kernel are
// past the DLA's convolution limit: that conv runs on the GPU.
ModelBuilder conv_exp(const std::string& conv_name, std::int64_t pad) {
  ModelBuilder b = dla_conv(pad, conv_name);
  b.node("Exp", {"c"}, {"y"}, "exp");
  b.output("y", kFloat);
  return b;
}

TEST(TrackDiff, ARenamedNodeThatLeavesTheDlaIsListedWithItsOldNameAndDevices) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto v1 = conv_exp("conv", 1).save(tmp / "v1.onnx").string();
  const auto v2 = conv_exp("conv_big_pads", 3).save(tmp / "v2.onnx").string();
  ASSERT_EQ(run_trtlens({"track", "add", v1, "--name", "det", "--data-dir", data}).exit_code, 0);
  ASSERT_EQ(run_trtlens({"track", "add", v2, "--name", "det", "--data-dir", data}).exit_code, 0);
  const std::vector<std::string> target = {"--trt", "8.6", "--precision", "fp16", "--gpu", "orin", "--dla", "--format", "json"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), target.begin(), target.end());
    return run_trtlens(args);
  };

  const RunResult models = with({"diff", v1, v2});
  ASSERT_EQ(models.exit_code, 0) << models.err;
  const json m = json::parse(models.out);
  EXPECT_EQ(m["matched_by_structure"], 1);
  EXPECT_EQ(m["moved_to_gpu"], 1);
  ASSERT_EQ(m["nodes"].size(), 1u);
  EXPECT_EQ(m["nodes"][0]["change"], "changed");
  EXPECT_EQ(m["nodes"][0]["old"]["name"], "conv");
  EXPECT_EQ(m["nodes"][0]["new"]["name"], "conv_big_pads");
  EXPECT_EQ(m["nodes"][0]["new"]["device"], "gpu");

  const RunResult tracked = with({"track", "diff", "det", "--data-dir", data});
  ASSERT_EQ(tracked.exit_code, 0) << tracked.err;
  const json t = json::parse(tracked.out);
  EXPECT_EQ(t["moved_to_gpu"], 1);
  EXPECT_EQ(t["moved_to_dla"], 0);
  ASSERT_EQ(t["changed"].size(), 1u);
  EXPECT_EQ(t["changed"][0], (json{{"graph", ""}, {"name", "conv_big_pads"}, {"from_name", "conv"}, {"op_type", "Conv"},
                                   {"from", "convertible"}, {"to", "fallback"}, {"from_device", "dla"},
                                   {"to_device", "gpu"}}));
  EXPECT_TRUE(t["became_unsupported"].empty());
}

// x -> QuantizeLinear -> DequantizeLinear -> conv 3x3 (pads `pad`) with plain FP32 weights: the conv does not fuse
// and falls back to FP16 (status fallback) before any placement; with pads below the kernel it still fits the DLA.
ModelBuilder partly_quantized_conv(std::int64_t pad) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 8, 16, 16});
  b.initializer("s", kFloat, {}, {0.05});
  b.initializer("zp", kInt8, {}, {0});
  b.node("QuantizeLinear", {"x", "s", "zp"}, {"xq"}, "quant");
  b.node("DequantizeLinear", {"xq", "s", "zp"}, {"xd"}, "dequant");
  b.initializer("w", kFloat, {8, 8, 3, 3}, std::vector<double>(8 * 8 * 9, 0.1));
  auto& c = b.node("Conv", {"xd", "w"}, {"y"}, "conv");
  set_attr(c, "kernel_shape", std::vector<std::int64_t>{3, 3});
  set_attr(c, "pads", std::vector<std::int64_t>{pad, pad, pad, pad});
  b.output("y", kFloat);
  return b;
}

// Issue 11: a node that moves between the DLA and the GPU with the same status is a change for track diff too.
TEST(TrackDiff, ADeviceMoveWithTheSameStatusIsListed) {
  TempDir tmp;
  const std::string data = (tmp / "data").string();
  const auto v1 = partly_quantized_conv(1).save(tmp / "v1.onnx").string();
  const auto v2 = partly_quantized_conv(3).save(tmp / "v2.onnx").string();
  ASSERT_EQ(run_trtlens({"track", "add", v1, "--name", "q", "--data-dir", data}).exit_code, 0);
  ASSERT_EQ(run_trtlens({"track", "add", v2, "--name", "q", "--data-dir", data}).exit_code, 0);
  const std::vector<std::string> target = {"--trt", "8.6", "--precision", "fp16,int8", "--gpu", "orin", "--dla"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), target.begin(), target.end());
    return run_trtlens(args);
  };

  const RunResult models = with({"diff", v1, v2, "--format", "json"});
  ASSERT_EQ(models.exit_code, 0) << models.err;
  const json m = json::parse(models.out);
  EXPECT_EQ(m["moved_to_gpu"], 1);
  ASSERT_EQ(m["nodes"].size(), 1u);
  EXPECT_EQ(m["nodes"][0]["old"]["status"], "fallback");
  EXPECT_EQ(m["nodes"][0]["new"]["status"], "fallback");

  const RunResult tracked = with({"track", "diff", "q", "--format", "json", "--data-dir", data});
  ASSERT_EQ(tracked.exit_code, 0) << tracked.err;
  const json t = json::parse(tracked.out);
  EXPECT_EQ(t["moved_to_gpu"], 1);
  EXPECT_EQ(t["moved_to_dla"], 0);
  EXPECT_TRUE(t["became_unsupported"].empty());
  EXPECT_TRUE(t["became_convertible"].empty());
  ASSERT_EQ(t["changed"].size(), 1u);
  EXPECT_EQ(t["changed"][0], (json{{"graph", ""}, {"name", "conv"}, {"op_type", "Conv"}, {"from", "fallback"},
                                   {"to", "fallback"}, {"from_device", "dla"}, {"to_device", "gpu"}}));

  const RunResult text = with({"track", "diff", "q", "--data-dir", data});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("other changes:\n  conv (Conv): fallback (DLA) -> fallback (GPU)\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("0 nodes moved GPU -> DLA, 1 DLA -> GPU"), std::string::npos) << text.out;

  // Without the DLA nothing moves and nothing else changed: the two versions are alike for track diff.
  const RunResult gpu = run_trtlens({"track", "diff", "q", "--trt", "8.6", "--precision", "fp16,int8", "--gpu", "orin",
                                     "--data-dir", data});
  ASSERT_EQ(gpu.exit_code, 0) << gpu.err;
  EXPECT_NE(gpu.out.find("no node changed status\n"), std::string::npos) << gpu.out;
}

}  // namespace
}  // namespace trtlens::test
