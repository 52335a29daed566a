// --gpu, --dla and --no-gpu-fallback: the hardware-target options of every command that analyses a model
// (docs/hardware.md). One definition, so check, diff, partition, annotate and track spell and validate them alike.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "verdict/analysis.h"

namespace trtlens::cli {

struct HardwareOptions {
  std::string gpu;  // compute capability or product name; "" = no hardware target
  bool dla = false;
  bool no_gpu_fallback = false;
};

// Adds --gpu, --dla and --no-gpu-fallback to `cmd`.
void add_hardware_options(CLI::App* cmd, HardwareOptions& o);

// `target` with its hardware set from the options (HardwareKb::make_target); E_USAGE for an unknown GPU, a DLA on a
// GPU without one, or --no-gpu-fallback without --dla.
Result<Target> with_hardware(Target target, const HardwareOptions& o);

}  // namespace trtlens::cli
