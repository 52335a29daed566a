#include "cli/hardware_options.h"

namespace trtlens::cli {

void add_hardware_options(CLI::App* cmd, HardwareOptions& o) {
  cmd->add_option("--gpu", o.gpu, "GPU you build for: compute capability (sm_87, 8.7) or product (Orin, T4, A100, H100, ...)");
  cmd->add_flag("--dla", o.dla, "Build for the GPU's DLA cores (Xavier, Orin): each node on the DLA or falling back to the GPU");
  cmd->add_flag("--no-gpu-fallback", o.no_gpu_fallback, "With --dla: a node the DLA cannot run is unsupported");
}

Result<Target> with_hardware(Target target, const HardwareOptions& o) {
  auto hw = HardwareKb::builtin().make_target(o.gpu, o.dla, !o.no_gpu_fallback);
  if (!hw) return hw.error();
  target.hardware = hw.value();
  return target;
}

}  // namespace trtlens::cli
