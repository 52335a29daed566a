// libFuzzer target: bytes -> loader -> graph index (ONNX shape inference behind our checks) -> verdict engine for
// every release (fp32 or fp16+int8, strict or not, chosen by the input) -> JSON report. Any crash, sanitizer report
// or hang is a bug; bad input must end as an Error value. Build and run: docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kb/kb.h"
#include "onnx/graph.h"
#include "onnx/model.h"
#include "report/report.h"
#include "verdict/analysis.h"

namespace {

// External data must resolve beneath a folder that exists but holds nothing: inputs are never read from disk.
const std::filesystem::path& empty_folder() {
  static const std::filesystem::path folder = [] {
    auto p = std::filesystem::temp_directory_path() / "trtlens-fuzz-empty";
    std::filesystem::create_directories(p);
    return p;
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trtlens;
  auto loaded = load_model_bytes(data, size, empty_folder() / "fuzz.onnx");
  if (!loaded) return 0;
  auto index = ModelIndex::build(std::move(loaded.value()));
  if (!index) return 0;
  const auto& kb = KnowledgeBase::builtin();
  AnalyzeOptions options;
  options.max_threads = 1;
  // Both precision sets over the campaign, one per input (chosen by its size): half the work per execution.
  const char* precisions = size % 2 ? "fp16,int8" : "fp32";
  for (const auto& release : kb.releases()) {
    auto target = make_target(kb, release.name, precisions, /*strict=*/size % 3 == 0, {});
    if (!target) continue;  // a precision the release lacks
    const Analysis a = analyze(*index.value(), target.value(), kb, options);
    if (&release == &kb.releases().back()) (void)to_json(*index.value(), a);
  }
  return 0;
}
