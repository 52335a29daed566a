// `trtlens check DIR|GLOB|FILE...`: many models in one run (src/cli/batch.cpp). check.cpp hands over here when
// given more than one model, a folder, a glob or --jobs.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens::cli {

struct BatchOptions {
  std::vector<std::string> inputs;   // files, folders (searched recursively for *.onnx) and globs
  int jobs = 1;                      // models checked at the same time
  std::string format = "table";      // table, json (JSON lines), sarif (one run)
  std::string output;                // "" = stdout
  std::string fail_on = "unsupported";
  // Builds the target exactly as a one-model check would (same release, precisions and flags).
  std::function<Result<Target>(const KnowledgeBase&)> make_target;
};

// True when the positional arguments ask for a batch rather than one model's report.
bool is_batch(const std::vector<std::string>& inputs, int jobs);
int run_batch(const BatchOptions& options);

}  // namespace trtlens::cli
