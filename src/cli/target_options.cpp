#include "cli/target_options.h"

namespace trtlens::cli {

void add_target_options(CLI::App* cmd, TargetOptions& o, bool with_plugins) {
  cmd->add_option("--trt", o.trt, "TensorRT release (e.g. 8.6, 8.6.1, 10.15; default: newest)");
  cmd->add_option("--precision", o.precision, "Builder precisions, comma-separated: fp32,tf32,fp16,bf16,int8,fp8,int4,fp4")
      ->default_str("fp32");
  cmd->add_flag("--strict", o.strict, "Fallback to a wider precision counts as unsupported (obey precision constraints)");
  cmd->add_flag("--strongly-typed", o.strongly_typed,
                "Build a strongly typed network (9.0+): node precisions come from the ONNX types; --precision does not apply");
  if (with_plugins) cmd->add_option("--plugin", o.plugins, "Plugin you will load: NAME[:VERSION[:NAMESPACE]] (repeatable)");
  add_hardware_options(cmd, o.hw);
}

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

Result<Target> build_target(const KnowledgeBase& kb, const TargetOptions& o, std::string_view release,
                            const HardwareOptions& hw) {
  auto target = make_target(kb, release, o.precision, o.strict, o.plugins);
  if (!target) return target;
  auto typed = with_strong_typing(std::move(target.value()), o.strongly_typed);
  if (!typed) return typed;
  return with_hardware(std::move(typed.value()), hw);
}

}  // namespace trtlens::cli
