// `trtlens gpus`: the GPUs the hardware knowledge base knows, with the releases that run on each.
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "hw/hardware.h"
#include "hw/release_ranges.h"

namespace trtlens::cli {

namespace {

int run_gpus() {
  const auto& hw = HardwareKb::builtin();
  const auto& kb = KnowledgeBase::builtin();
  std::cout << "SM     family     DLA  releases that run there       products\n";
  for (const auto& g : hw.data().at("gpus")) {
    auto t = hw.find_gpu(g.at("products").at(0).get<std::string>());
    if (!t) continue;
    std::string products;
    for (const auto& p : g.at("products")) products += (products.empty() ? "" : ", ") + p.get<std::string>();
    std::string sm = t.value().sm;
    std::string family = t.value().family;
    std::string runs = release_ranges(hw.releases_for(kb, t.value()), kb);
    sm.resize(std::max<std::size_t>(sm.size(), 6), ' ');
    family.resize(std::max<std::size_t>(family.size(), 10), ' ');
    runs.resize(std::max<std::size_t>(runs.size(), 29), ' ');
    std::cout << sm << " " << family << " " << (t.value().dla_cores ? "yes" : " - ") << "  " << runs << " " << products
              << "\n";
  }
  return kExitOk;
}

Runner add_gpus(CLI::App& app) {
  app.add_subcommand("gpus", "List the GPUs --gpu accepts, with the releases that run on each");
  return [] { return run_gpus(); };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(82, add_gpus);

}  // namespace trtlens::cli
