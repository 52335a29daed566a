// `trtlens partition MODEL`: how ONNX Runtime's TensorRT execution provider would split the model into engines, and
// with --gpu X --dla the DLA subgraphs inside them.
#include <iostream>

#include "cli/commands.h"
#include "cli/open_index.h"
#include "cli/target_options.h"
#include "report/partition.h"

namespace trtlens::cli {
namespace {

struct PartitionCliOptions : TargetOptions {
  std::string model, format = "table", out_dir;
  bool force = false;
  int min_size = 1;
};

int run_partition(const PartitionCliOptions& o) {
  const auto& kb = KnowledgeBase::builtin();
  auto target = build_target(kb, o);
  if (!target) return fail(target.error());
  if (o.min_size < 1) return fail("--min-subgraph-size must be at least 1");
  auto index = open_index(o.model);
  if (!index) return fail(index.error());
  const Analysis analysis = analyze(*index.value(), target.value(), kb);
  const Partition p = partition(*index.value(), analysis, PartitionOptions{o.min_size});
  if (o.format == "json") std::cout << partition_json(*index.value(), analysis, p).dump(2) << "\n";
  else write_partition_table(std::cout, *index.value(), analysis, p);
  if (!o.out_dir.empty()) {
    auto written = write_parts(*index.value(), analysis, p, o.out_dir, o.force);
    if (!written) return fail(written.error());
    if (o.format != "json")
      std::cout << "\nwrote " << written.value().size() - 1 << " part models and manifest.json to " << o.out_dir << "\n";
  }
  return p.nodes_outside > 0 ? kExitFindings : kExitOk;
}

Runner add_partition(CLI::App& app) {
  auto o = std::make_shared<PartitionCliOptions>();
  auto* cmd = app.add_subcommand("partition", "Split the model into TensorRT engines and nodes left to other providers "
                                              "(as ONNX Runtime's TensorRT execution provider places them)");
  cmd->add_option("model", o->model, "ONNX model file")->required();
  add_target_options(cmd, *o);
  cmd->add_option("--min-subgraph-size", o->min_size, "Smaller TensorRT subgraphs go to other providers")
      ->default_str("1");
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}))->default_str("table");
  cmd->add_option("-o,--output-dir", o->out_dir, "Write each part as an ONNX model plus manifest.json into DIR");
  cmd->add_flag("--force", o->force, "Replace existing part files in DIR");
  return [o] { return run_partition(*o); };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(20, add_partition);
}  // namespace trtlens::cli
