// The target options of every command that analyses a model: --trt, --precision, --strict, --strongly-typed,
// --plugin and the hardware options --gpu, --dla, --no-gpu-fallback (docs/hardware.md). Declared here once, so check,
// annotate, diff, partition and track spell, describe and validate them alike.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "kb/kb.h"
#include "verdict/analysis.h"

namespace trtlens::cli {

struct HardwareOptions {
  std::string gpu;  // compute capability or product name; "" = no hardware target
  bool dla = false;
  bool no_gpu_fallback = false;
};

struct TargetOptions {
  std::string trt;  // "" = the newest release
  std::string precision = "fp32";
  bool strict = false;
  bool strongly_typed = false;
  std::vector<std::string> plugins;
  HardwareOptions hw;
};

// Adds --trt, --precision, --strict, --strongly-typed, --plugin (unless `with_plugins` is false: `track`, whose
// stored verdicts are computed without plugins) and the hardware options to `cmd`.
void add_target_options(CLI::App* cmd, TargetOptions& o, bool with_plugins = true);

// Adds --gpu, --dla and --no-gpu-fallback to `cmd` (part of add_target_options).
void add_hardware_options(CLI::App* cmd, HardwareOptions& o);

// `target` with its hardware set from the options (HardwareKb::make_target); E_USAGE for an unknown GPU, a DLA on a
// GPU without one, or --no-gpu-fallback without --dla.
Result<Target> with_hardware(Target target, const HardwareOptions& o);

// The whole target the options name: release (`release` when not empty, else --trt), precisions, strict, plugins,
// strong typing and hardware (`hw`), checked in that order so every command reports the same first error.
Result<Target> build_target(const KnowledgeBase& kb, const TargetOptions& o, std::string_view release,
                            const HardwareOptions& hw);
inline Result<Target> build_target(const KnowledgeBase& kb, const TargetOptions& o) {
  return build_target(kb, o, o.trt, o.hw);
}

}  // namespace trtlens::cli
