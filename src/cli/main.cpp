#include <algorithm>
#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "report/report.h"

namespace trtlens::cli {
std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> entries;
  return entries;
}
}  // namespace trtlens::cli

int main(int argc, char** argv) {
  using namespace trtlens::cli;
  CLI::App app{"trtlens: will this ONNX model convert to TensorRT? Per-node verdicts for every TensorRT release."};
  app.set_version_flag("--version", std::string("trtlens ") + trtlens::kToolVersion);
  app.require_subcommand(1);
  auto entries = command_registry();
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, Runner>> commands;
  for (const auto& entry : entries) {
    const std::size_t before = app.get_subcommands({}).size();
    Runner run = entry.factory(app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(run));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "trtlens: " << e.what() << "\n(run 'trtlens --help' for usage)\n";
    return kExitUsage;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
      }
    }
  return kExitUsage;
}
