// The engine reports catalogued codes as the catalogue (util/codes.def) says: the bundled examples under targets
// that exercise every pass (precisions, quantization modes, strong typing, a GPU with DLA, no GPU fallback). The
// corpus test runs the same check on every corpus model and release at FP32.
#include <gtest/gtest.h>

#include <filesystem>

#include "hw/hardware.h"
#include "kb/kb.h"
#include "onnx/graph.h"
#include "onnx/model.h"
#include "support/catalogue_check.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

struct TargetCase {
  const char* release;
  const char* precisions;
  bool strongly_typed = false;
  const char* gpu = "";
  bool dla = false, gpu_fallback = true;
};

TEST(CatalogueAgreement, ExamplesUnderEveryPass) {
  const KnowledgeBase& kb = KnowledgeBase::builtin();
  const TargetCase cases[] = {
      {"7.2", "fp32"},          {"8.6", "fp16"},        {"8.6", "int8"},         {"10.15", "fp16,int8"},
      {"10.15", "fp8"},         {"10.15", "int8", true}, {"8.6", "fp16", false, "orin", true},
      {"10.15", "int8", false, "orin", true, false},    {"10.15", "fp16", false, "a100"},
  };
  int checked = 0;
  for (const char* name : {"tiny-vit.onnx", "small_convnet.onnx", "cnn_attention.onnx"}) {
    auto loaded = load_model(std::filesystem::path(TRTLENS_SOURCE_DIR) / "examples" / name);
    ASSERT_TRUE(loaded) << name;
    auto index = ModelIndex::build(std::move(loaded.value()));
    ASSERT_TRUE(index) << name;
    for (const TargetCase& c : cases) {
      auto target = make_target(kb, c.release, c.precisions, false, {});
      ASSERT_TRUE(target) << c.release << " " << c.precisions;
      if (c.strongly_typed) {
        target = with_strong_typing(target.value(), true);
        ASSERT_TRUE(target);
      }
      if (*c.gpu) {
        auto hw = HardwareKb::builtin().make_target(c.gpu, c.dla, c.gpu_fallback);
        ASSERT_TRUE(hw) << c.gpu;
        target.value().hardware = hw.value();
      }
      const Analysis a = analyze(*index.value(), target.value(), kb);
      const auto disagreements = catalogue_disagreements(a, &checked);
      EXPECT_TRUE(disagreements.empty()) << name << " @" << c.release << " " << c.precisions << " " << c.gpu << ": "
                                         << ::testing::PrintToString(disagreements);
    }
  }
  EXPECT_GT(checked, 50);  // the examples do emit catalogued codes under these targets
}

}  // namespace
}  // namespace trtlens::test
