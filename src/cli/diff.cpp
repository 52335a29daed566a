// `trtlens diff MODEL --from 8.6 --to 10.15`: what changes between two releases.
// `trtlens diff OLD.onnx NEW.onnx`: what changes between two versions of a model on one release.
#include <iostream>

#include "cli/commands.h"
#include "verdict/diff.h"

namespace trtlens::cli {
namespace {

struct DiffOptions {
  std::string model, other, from, to, trt, precision = "fp32", format = "table";
  std::vector<std::string> plugins;
  bool strict = false;
  bool strongly_typed = false;
};

Result<std::unique_ptr<ModelIndex>> open(const std::string& path) {
  auto loaded = load_model(path);
  if (!loaded) return loaded.error();
  auto index = ModelIndex::build(std::move(loaded.value()));
  if (!index) return make_error(index.error().code, path + ": " + index.error().message);
  return std::move(index.value());
}

int run_release_diff(const DiffOptions& o) {
  const auto& kb = KnowledgeBase::builtin();
  auto from = make_target(kb, o.from, o.precision, o.strict, o.plugins);
  if (from) from = with_strong_typing(std::move(from.value()), o.strongly_typed);
  if (!from) return fail("--from: " + from.error().message);
  auto to = make_target(kb, o.to, o.precision, o.strict, o.plugins);
  if (to) to = with_strong_typing(std::move(to.value()), o.strongly_typed);
  if (!to) return fail("--to: " + to.error().message);
  auto index = open(o.model);
  if (!index) return fail(index.error().message);
  const ReleaseDiff d = diff_releases(*index.value(), from.value(), to.value(), kb);
  if (o.format == "json") std::cout << release_diff_json(*index.value(), d).dump(2) << "\n";
  else write_release_diff(std::cout, *index.value(), d, o.format == "markdown");
  const bool worse = d.became_unsupported > 0 || (d.from.summary.model_convertible && !d.to.summary.model_convertible);
  return worse ? kExitFindings : kExitOk;
}

int run_model_diff(const DiffOptions& o) {
  const auto& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, o.trt, o.precision, o.strict, o.plugins);
  if (target) target = with_strong_typing(std::move(target.value()), o.strongly_typed);
  if (!target) return fail(target.error().message);
  auto old_index = open(o.model);
  if (!old_index) return fail(old_index.error().message);
  auto new_index = open(o.other);
  if (!new_index) return fail(new_index.error().message);
  const Analysis old_a = analyze(*old_index.value(), target.value(), kb);
  const Analysis new_a = analyze(*new_index.value(), target.value(), kb);
  const ModelDiff d = diff_models(*old_index.value(), old_a, *new_index.value(), new_a);
  if (o.format == "json") std::cout << model_diff_json(*old_index.value(), *new_index.value(), d).dump(2) << "\n";
  else write_model_diff(std::cout, *old_index.value(), *new_index.value(), d, o.format == "markdown");
  return d.became_unsupported + d.added_unsupported > 0 ? kExitFindings : kExitOk;
}

Runner add_diff(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "Compare verdicts: one model on two releases (--from/--to), or two models "
                                         "on one release");
  cmd->add_option("model", o->model, "ONNX model (the old one when comparing two models)")->required();
  cmd->add_option("new_model", o->other, "Newer version of the model: compare the two on one release");
  cmd->add_option("--from", o->from, "Release diff: the release you use now (e.g. 8.6)");
  cmd->add_option("--to", o->to, "Release diff: the release you move to (e.g. 10.15)");
  cmd->add_option("--trt", o->trt, "Model diff: TensorRT release (default: newest)");
  cmd->add_option("--precision", o->precision, "Builder precisions, comma-separated")->default_str("fp32");
  cmd->add_flag("--strict", o->strict, "Fallback to a wider precision counts as unsupported");
  cmd->add_flag("--strongly-typed", o->strongly_typed, "Build a strongly typed network (9.0+): node precisions come from the ONNX types; --precision does not apply");
  cmd->add_option("--plugin", o->plugins, "Plugin you will load: NAME[:VERSION[:NAMESPACE]] (repeatable)");
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "markdown"}))
      ->default_str("table");
  return [o] {
    if (!o->other.empty()) {
      if (!o->from.empty() || !o->to.empty()) return fail("--from/--to compare releases of one model; with two models use --trt");
      return run_model_diff(*o);
    }
    if (o->from.empty() || o->to.empty()) return fail("diff needs --from and --to (releases) or a second model");
    if (!o->trt.empty()) return fail("--trt is for comparing two models; a release diff uses --from and --to");
    return run_release_diff(*o);
  };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(30, add_diff);
}  // namespace trtlens::cli
