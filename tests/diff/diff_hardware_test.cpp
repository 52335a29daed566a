// `diff` with hardware targets (docs/hardware.md): an Orin's GPU against its DLA, a release that drops a DLA, and
// two models checked on one DLA target.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onnx/dtype.h"
#include "report/diff.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

Target hw_target(const std::string& release, const std::string& gpu, bool dla) {
  return hardware_target(release, "fp16", gpu, dla);
}

// x[1,8,16,16] -> conv 3x3 -> relu -> `last` (Exp: no DLA layer; Sigmoid: a DLA activation).
ModelBuilder conv_relu(const std::string& last = "Exp") {
  ModelBuilder b = dla_conv();
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node(last, {"r"}, {"y"}, "last");
  b.output("y", kFloat, {1, 8, 16, 16});
  return b;
}

const NodeChange* change_of(const ModelIndex& index, const ReleaseDiff& d, const std::string& name) {
  for (const auto& c : d.changes)
    if (index.nodes()[static_cast<std::size_t>(c.new_node)].name == name) return &c;
  return nullptr;
}

bool lists(const std::vector<std::string>& changed, const std::string& what) {
  return std::find(changed.begin(), changed.end(), what) != changed.end();
}

TEST(HardwareDiff, OrinGpuToOrinDlaMovesConvAndReluAndExpFallsBack) {
  auto index = index_of(conv_relu());
  const auto d = diff_releases(*index, hw_target("8.6", "orin", false), hw_target("8.6", "orin", true),
                               KnowledgeBase::builtin());
  EXPECT_EQ(d.moved_to_dla, 2);
  EXPECT_EQ(d.moved_to_gpu, 0);
  EXPECT_EQ(d.became_unsupported, 0);
  const NodeChange* conv = change_of(*index, d, "conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->changed, std::vector<std::string>{"device"});
  EXPECT_EQ(conv->before->status, Status::kConvertible);
  EXPECT_EQ(conv->after->status, Status::kConvertible);
  EXPECT_EQ(conv->after->device, "dla");
  const NodeChange* exp = change_of(*index, d, "last");
  ASSERT_NE(exp, nullptr);
  EXPECT_TRUE(lists(exp->changed, "status"));
  EXPECT_FALSE(lists(exp->changed, "device"));  // on the GPU either way
  EXPECT_EQ(exp->after->status, Status::kFallback);
  EXPECT_TRUE(has_reason(*exp->after, "TRT_DLA_LAYER_UNSUPPORTED"));

  const auto j = release_diff_json(*index, d);
  EXPECT_EQ(j["moved_to_dla"], 2);
  EXPECT_EQ(j["from"]["hardware"]["product"], "Orin");
  EXPECT_EQ(j["from"]["hardware"]["dla"], false);
  EXPECT_EQ(j["to"]["hardware"]["dla"], true);
  EXPECT_EQ(j["to"]["dla_nodes"], 2);
  EXPECT_EQ(j["to"]["gpu_nodes"], 1);
  EXPECT_EQ(j["to"]["gpu_dla_transitions"], 1);
  EXPECT_FALSE(j["from"].contains("dla_nodes"));
  ASSERT_EQ(j["changes"].size(), 3u);
  EXPECT_EQ(j["changes"][0]["from"]["device"], "gpu");
  EXPECT_EQ(j["changes"][0]["to"]["device"], "dla");
}

TEST(HardwareDiff, XavierLosesItsDlaFrom85To86) {
  auto index = index_of(conv_relu());
  const auto d = diff_releases(*index, hw_target("8.5", "xavier", true), hw_target("8.6", "xavier", true),
                               KnowledgeBase::builtin());
  EXPECT_EQ(d.moved_to_gpu, 2);  // conv and relu: the DLA of 8.6 is Orin's only
  EXPECT_EQ(d.moved_to_dla, 0);
  bool unavailable = false;
  for (const auto& m : d.issues_new) unavailable = unavailable || m.code == "TRT_DLA_UNAVAILABLE";
  EXPECT_TRUE(unavailable);
}

TEST(HardwareDiff, ModelDiffOnOneDlaTargetSeesTheReplacedNodeMoveToTheDla) {
  auto old_index = index_of(conv_relu("Exp"));
  auto new_index = index_of(conv_relu("Sigmoid"));
  const Target t = hw_target("8.6", "orin", true);
  const Analysis old_a = analyze(*old_index, t, KnowledgeBase::builtin());
  const Analysis new_a = analyze(*new_index, t, KnowledgeBase::builtin());
  const ModelDiff d = diff_models(*old_index, old_a, *new_index, new_a);
  EXPECT_EQ(d.moved_to_dla, 1);
  EXPECT_EQ(d.moved_to_gpu, 0);
  const auto j = model_diff_json(*old_index, *new_index, d);
  EXPECT_EQ(j["target"]["tensorrt"], "8.6");
  EXPECT_EQ(j["target"]["hardware"]["gpu"], "sm_87");
  EXPECT_EQ(j["moved_to_dla"], 1);
  ASSERT_EQ(j["nodes"].size(), 1u);
  EXPECT_EQ(j["nodes"][0]["change"], "changed");
  EXPECT_EQ(j["nodes"][0]["old"]["device"], "gpu");
  EXPECT_EQ(j["nodes"][0]["old"]["status"], "fallback");
  EXPECT_EQ(j["nodes"][0]["new"]["device"], "dla");
  EXPECT_EQ(j["nodes"][0]["new"]["status"], "convertible");
}

TEST(HardwareDiff, CliTargetDiffTextMarkdownJsonAndExitCodes) {
  TempDir dir;
  const auto model = conv_relu().save(dir / "m.onnx");
  const std::vector<std::string> base = {"diff", model.string(), "--trt", "8.6", "--precision", "fp16", "--gpu", "orin"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_trtlens(args);
  };
  const RunResult text = with({"--to-dla"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("TensorRT 8.6.1 (fp16; Orin (SM 8.7)) -> TensorRT 8.6.1 (fp16; Orin (SM 8.7), DLA with GPU fallback)"),
            std::string::npos) << text.out;
  EXPECT_NE(text.out.find("placement: all on the GPU -> 2 on the DLA, 1 on the GPU, 1 GPU/DLA transitions; 2 nodes "
                          "move GPU -> DLA, 0 DLA -> GPU"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("conv (Conv): convertible (fp16, GPU) -> convertible (fp16, DLA)  [device]"),
            std::string::npos) << text.out;

  const RunResult md = with({"--to-dla", "--format", "markdown"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| conv | Conv | convertible (fp16, GPU) | convertible (fp16, DLA) | device |"),
            std::string::npos) << md.out;

  const RunResult back = with({"--from-dla", "--format", "json"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const auto j = nlohmann::json::parse(back.out);
  EXPECT_EQ(j["moved_to_gpu"], 2);
  EXPECT_EQ(j["from"]["hardware"]["dla"], true);
  EXPECT_EQ(j["to"]["hardware"]["dla"], false);

  // Without GPU fallback the Exp cannot build on the DLA side: a regression, exit 1.
  const RunResult strict = with({"--to-dla", "--no-gpu-fallback", "--format", "json"});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  EXPECT_EQ(nlohmann::json::parse(strict.out)["became_unsupported"], 1);
  EXPECT_EQ(nlohmann::json::parse(strict.out)["to"]["hardware"]["gpu_fallback"], false);
  EXPECT_EQ(nlohmann::json::parse(strict.out)["from"]["hardware"]["gpu_fallback"], true);  // GPU side: no DLA to fall back from

  // Different GPUs per side, with releases.
  const RunResult gpus = run_trtlens({"diff", model.string(), "--from", "8.6", "--to", "10.15", "--from-gpu", "T4",
                                      "--to-gpu", "L4", "--format", "json"});
  ASSERT_EQ(gpus.exit_code, 0) << gpus.err;
  EXPECT_EQ(nlohmann::json::parse(gpus.out)["from"]["hardware"]["compute_capability"], "7.5");
  EXPECT_EQ(nlohmann::json::parse(gpus.out)["to"]["hardware"]["compute_capability"], "8.9");
}

TEST(HardwareDiff, CliUsageErrors) {
  TempDir dir;
  const auto model = conv_relu().save(dir / "m.onnx");
  const auto other = conv_relu("Sigmoid").save(dir / "n.onnx");
  const std::string m = model.string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"diff", m, "--to-dla"},                                           // DLA without a GPU
           {"diff", m, "--gpu", "T4", "--to-dla"},                            // a GPU without DLA cores
           {"diff", m, "--gpu", "orin", "--from-gpu", "voodoo", "--to-dla"},  // unknown GPU
           {"diff", m, "--gpu", "orin", "--to-gpu", "T4", "--no-gpu-fallback"},  // no side builds for the DLA
           {"diff", m, "--gpu", "orin"},                                      // one target: nothing to compare
           {"diff", m, "--from", "8.6", "--to", "10.15", "--trt", "8.6"},     // --trt and --from/--to
           {"diff", m, other.string(), "--to-dla"}}) {                        // per-side hardware on two models
    const RunResult r = run_trtlens(args);
    EXPECT_EQ(r.exit_code, 2) << args[2] << " " << r.out << r.err;
    EXPECT_EQ(r.err.rfind("trtlens: ", 0), 0u) << r.err;
  }
  // Two models on one DLA target: the text names the target, the JSON the device of each side.
  const RunResult two = run_trtlens({"diff", m, other.string(), "--trt", "8.6", "--precision", "fp16", "--gpu", "orin",
                                     "--dla"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("m.onnx -> n.onnx on TensorRT 8.6.1 (fp16; Orin (SM 8.7), DLA with GPU fallback)"),
            std::string::npos) << two.out;
  EXPECT_NE(two.out.find("1 moved GPU -> DLA, 0 DLA -> GPU"), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("fallback (fp16, GPU) -> convertible (fp16, DLA)"), std::string::npos) << two.out;
}

}  // namespace
}  // namespace trtlens::test
