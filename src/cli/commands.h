// Subcommands of the trtlens executable. Each file in src/cli/ registers its own command with
// TRTLENS_REGISTER_COMMAND; main.cpp knows none of them by name.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "util/result.h"

namespace trtlens::cli {

// Exit codes shared by every command.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;   // something is unsupported (or what --fail-on names)
constexpr int kExitUsage = 2;      // usage or input error

using Runner = std::function<int()>;
// A factory adds one subcommand (with its options) to the app and returns what runs when it is selected.
using CommandFactory = Runner (*)(CLI::App& app);

struct CommandEntry {
  int order;                // position in --help
  CommandFactory factory;
};
std::vector<CommandEntry>& command_registry();
inline bool register_command(int order, CommandFactory factory) {
  command_registry().push_back({order, factory});
  return true;
}
#define TRTLENS_CMD_CONCAT2(a, b) a##b
#define TRTLENS_CMD_CONCAT(a, b) TRTLENS_CMD_CONCAT2(a, b)
#define TRTLENS_REGISTER_COMMAND(order, factory) \
  static const bool TRTLENS_CMD_CONCAT(registered_command_, __LINE__) = ::trtlens::cli::register_command(order, factory)

// Prints "trtlens: <message>" to stderr and returns kExitUsage.
int fail(const std::string& message);
// Prints "trtlens: <prefix><message>", then "  hint: <hint>" when the error has one (or its code has one in the
// catalogue, util/codes.def), and returns kExitUsage.
int fail(const Error& error, const std::string& prefix = {});

}  // namespace trtlens::cli
