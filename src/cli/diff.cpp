// `trtlens diff MODEL --from 8.6 --to 10.15`: what changes between two releases.
// `trtlens diff MODEL --gpu orin --to-dla`: what changes between two hardware targets (here the Orin's GPU and DLA).
// `trtlens diff OLD.onnx NEW.onnx`: what changes between two versions of a model on one target.
#include <iostream>

#include "cli/commands.h"
#include "cli/open_index.h"
#include "cli/target_options.h"
#include "report/diff.h"

namespace trtlens::cli {
namespace {

struct DiffOptions : TargetOptions {  // TargetOptions::hw: both sides
  std::string model, other, from, to, format = "table";
  std::string from_gpu, to_gpu;         // one side each, over --gpu
  bool from_dla = false, to_dla = false;
  bool per_side_hardware() const { return !from_gpu.empty() || !to_gpu.empty() || from_dla || to_dla; }
};

// One side of a target diff: its release (--from/--to, else --trt, else the newest) and its hardware (the side's own
// options over the shared ones; --no-gpu-fallback applies to the sides that build for the DLA).
Result<Target> side_target(const KnowledgeBase& kb, const DiffOptions& o, const std::string& release,
                           const std::string& gpu, bool dla) {
  const HardwareOptions side{gpu.empty() ? o.hw.gpu : gpu, dla || o.hw.dla, o.hw.no_gpu_fallback && (dla || o.hw.dla)};
  return build_target(kb, o, release.empty() ? std::string_view(o.trt) : std::string_view(release), side);
}

int run_release_diff(const DiffOptions& o) {
  const auto& kb = KnowledgeBase::builtin();
  if (o.hw.no_gpu_fallback && !o.hw.dla && !o.from_dla && !o.to_dla)
    return fail("--no-gpu-fallback applies to DLA targets only: add --dla, --from-dla or --to-dla");
  auto from = side_target(kb, o, o.from, o.from_gpu, o.from_dla);
  if (!from) return fail(from.error(), "--from: ");
  auto to = side_target(kb, o, o.to, o.to_gpu, o.to_dla);
  if (!to) return fail(to.error(), "--to: ");
  auto index = open_index(o.model);
  if (!index) return fail(index.error());
  const ReleaseDiff d = diff_releases(*index.value(), from.value(), to.value(), kb);
  if (o.format == "json") std::cout << release_diff_json(*index.value(), d).dump(2) << "\n";
  else write_release_diff(std::cout, *index.value(), d, o.format == "markdown");
  const bool worse = d.became_unsupported > 0 || (d.from.summary.model_convertible && !d.to.summary.model_convertible);
  return worse ? kExitFindings : kExitOk;
}

int run_model_diff(const DiffOptions& o) {
  const auto& kb = KnowledgeBase::builtin();
  auto target = build_target(kb, o);
  if (!target) return fail(target.error());
  auto old_index = open_index(o.model);
  if (!old_index) return fail(old_index.error());
  auto new_index = open_index(o.other);
  if (!new_index) return fail(new_index.error());
  const Analysis old_a = analyze(*old_index.value(), target.value(), kb);
  const Analysis new_a = analyze(*new_index.value(), target.value(), kb);
  const ModelDiff d = diff_models(*old_index.value(), old_a, *new_index.value(), new_a);
  if (o.format == "json") std::cout << model_diff_json(*old_index.value(), *new_index.value(), d).dump(2) << "\n";
  else write_model_diff(std::cout, *old_index.value(), *new_index.value(), d, o.format == "markdown");
  return d.became_unsupported + d.added_unsupported > 0 ? kExitFindings : kExitOk;
}

void add_side_hardware(CLI::App* cmd, DiffOptions& o) {
  cmd->add_option("--from-gpu", o.from_gpu, "Target diff: the GPU of the 'from' side (default: --gpu)");
  cmd->add_option("--to-gpu", o.to_gpu, "Target diff: the GPU of the 'to' side (default: --gpu)");
  cmd->add_flag("--from-dla", o.from_dla, "Target diff: the 'from' side builds for the GPU's DLA cores");
  cmd->add_flag("--to-dla", o.to_dla, "Target diff: the 'to' side builds for the GPU's DLA cores");
}

Runner add_diff(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "Compare verdicts: one model on two targets (releases --from/--to, hardware "
                                         "--from-gpu/--to-gpu/--from-dla/--to-dla), or two models on one target");
  cmd->add_option("model", o->model, "ONNX model (the old one when comparing two models)")->required();
  cmd->add_option("new_model", o->other, "Newer version of the model: compare the two on one release");
  cmd->add_option("--from", o->from, "Release diff: the release you use now (e.g. 8.6)");
  cmd->add_option("--to", o->to, "Release diff: the release you move to (e.g. 10.15)");
  add_target_options(cmd, *o);  // --trt: the release of both sides (two models, or a hardware-only diff)
  add_side_hardware(cmd, *o);
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "markdown"}))
      ->default_str("table");
  return [o] {
    if (!o->other.empty()) {
      if (!o->from.empty() || !o->to.empty()) return fail("--from/--to compare releases of one model; with two models use --trt");
      if (o->per_side_hardware())
        return fail("--from-gpu/--to-gpu/--from-dla/--to-dla compare targets of one model; with two models use --gpu/--dla");
      return run_model_diff(*o);
    }
    if (o->from.empty() != o->to.empty() || (o->from.empty() && !o->per_side_hardware()))
      return fail("diff needs --from and --to (releases), a per-side hardware option (--from-gpu, --to-gpu, --from-dla, "
                  "--to-dla) or a second model");
    if (!o->trt.empty() && !o->from.empty())
      return fail("--trt names the release of both sides; with --from and --to leave it out");
    return run_release_diff(*o);
  };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(30, add_diff);
}  // namespace trtlens::cli
