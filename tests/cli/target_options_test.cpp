// The target options (src/cli/target_options.h) are declared once: every command that analyses a model accepts them,
// describes them in the same words and rejects a bad value with the same line and exit code 2.
#include <gtest/gtest.h>

#include <map>

#include "support/cli.h"
#include "support/model_builder.h"
#include "util/codes.h"

namespace trtlens::test {
namespace {

// Each command that takes the target options, as argv up to (not including) the target options themselves.
std::vector<std::vector<std::string>> commands(const TempDir& dir) {
  const std::string model = (dir / "m.onnx").string(), data = (dir / "store").string();
  return {
      {"check", model},
      {"annotate", model, "-o", (dir / "out.onnx").string()},
      {"diff", model, model},
      {"partition", model},
      {"track", "list", "--data-dir", data},
      {"track", "show", "m", "--data-dir", data},
      {"track", "diff", "m", "--data-dir", data},
  };
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += a + " ";
  return s;
}

// Stderr without the hint line that `check` prints under an error (the other commands print the message only until
// they pass the Error itself to fail(), src/cli/commands.h): the hint, when printed, must be E_USAGE's.
std::string without_hint(const std::string& err) {
  const std::string hint = "  hint: " + std::string(find_code("E_USAGE")->hint) + "\n";
  const auto at = err.find(hint);
  return at == std::string::npos ? err : err.substr(0, at) + err.substr(at + hint.size());
}

// Runs every command with `extra` appended; each must fail with exit 2 and stderr exactly `expected` (plus, at most,
// the hint of E_USAGE).
void expect_same_failure(const std::vector<std::string>& extra, const std::string& expected) {
  TempDir dir;
  relu_model().save(dir / "m.onnx");
  for (auto args : commands(dir)) {
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = run_trtlens(args);
    EXPECT_EQ(r.exit_code, 2) << joined(args) << "\n" << r.err;
    EXPECT_EQ(without_hint(r.err), expected) << joined(args);
    EXPECT_TRUE(r.out.empty()) << joined(args) << "\n" << r.out;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.onnx"));
  }
}

TEST(TargetOptions, EveryCommandRejectsAnUnknownReleaseAlike) {
  expect_same_failure({"--trt", "7.0"},
                      "trtlens: unknown TensorRT release '7.0' (known: 7.2, 8.0, 8.2, 8.4, 8.5, 8.6, 9.0, 9.1, 9.2, 9.3, "
                      "10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9, 10.10, 10.11, 10.12, 10.13, 10.14, "
                      "10.15)\n");
}

TEST(TargetOptions, EveryCommandRejectsAnUnknownPrecisionAlike) {
  expect_same_failure({"--precision", "fp7"}, "trtlens: unknown precision 'fp7' (use fp32, tf32, fp16, bf16, int8, fp8, int4, fp4)\n");
}

TEST(TargetOptions, EveryCommandRejectsAnUnknownGpuAlike) {
  expect_same_failure({"--gpu", "nosuch"},
                      "trtlens: unknown GPU 'nosuch'; give a compute capability (sm_87, 8.7) or a product name (trtlens "
                      "gpus lists them)\n");
}

TEST(TargetOptions, ReleaseErrorWinsOverPrecisionAndGpuInEveryCommand) {
  // One order of checks (release, precision, strong typing, hardware) for all: the release is named first.
  expect_same_failure({"--gpu", "nosuch", "--precision", "fp7", "--trt", "7.0"},
                      "trtlens: unknown TensorRT release '7.0' (known: 7.2, 8.0, 8.2, 8.4, 8.5, 8.6, 9.0, 9.1, 9.2, 9.3, "
                      "10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9, 10.10, 10.11, 10.12, 10.13, 10.14, "
                      "10.15)\n");
}

// The help line of `option` in `help` (the text after the option's name), or "" when the option is not listed.
std::string help_line(const std::string& help, const std::string& option) {
  std::size_t at = 0;
  while ((at = help.find(option, at)) != std::string::npos) {
    const std::size_t line_start = help.rfind('\n', at) + 1;
    const std::size_t end = help.find('\n', at);
    const std::string line = help.substr(line_start, end - line_start);
    const std::size_t first = line.find_first_not_of(' ');
    if (line.compare(first, option.size(), option) == 0 &&
        (line.size() == first + option.size() || line[first + option.size()] == ' ')) {
      std::string text = line.substr(first + option.size());
      // CLI11 puts a type such as TEXT between name and description: compare only the description.
      const std::size_t desc = text.find("  ", text.find_first_not_of(' '));
      return desc == std::string::npos ? text : text.substr(text.find_first_not_of(' ', desc));
    }
    at = end;
  }
  return "";
}

TEST(TargetOptions, EveryCommandDescribesTheOptionsInTheSameWords) {
  const std::vector<std::vector<std::string>> helps = {
      {"check", "--help"}, {"annotate", "--help"}, {"diff", "--help"}, {"partition", "--help"}, {"track", "list", "--help"}};
  std::map<std::string, std::string> first;
  for (const auto& args : helps) {
    const RunResult r = run_trtlens(args);
    ASSERT_EQ(r.exit_code, 0) << joined(args) << r.err;
    for (const std::string option : {"--trt", "--precision", "--strict", "--strongly-typed", "--gpu", "--dla",
                                     "--no-gpu-fallback"}) {
      const std::string line = help_line(r.out, option);
      ASSERT_FALSE(line.empty()) << joined(args) << " lacks " << option << "\n" << r.out;
      auto [it, inserted] = first.emplace(option, line);
      EXPECT_EQ(line, it->second) << joined(args) << " describes " << option << " differently";
    }
    // track takes no --plugin (it never did: its stored verdicts are computed without plugins).
    EXPECT_EQ(help_line(r.out, "--plugin").empty(), args[0] == "track") << joined(args);
  }
  EXPECT_NE(first["--trt"].find("default: newest"), std::string::npos) << first["--trt"];
}


// open_index (src/cli/open_index.h): every command that reads a model reports a broken one with the same line.
TEST(OpenIndex, EveryCommandReportsABrokenModelAlike) {
  TempDir dir;
  const std::string bytes = relu_model().bytes();
  write_file(dir / "cut.onnx", bytes.substr(0, bytes.size() / 2));
  const std::string model = (dir / "cut.onnx").string();
  const std::vector<std::vector<std::string>> runs = {{"check", model},
                                                      {"annotate", model, "-o", (dir / "out.onnx").string()},
                                                      {"diff", model, model},
                                                      {"diff", model, "--from", "8.6", "--to", "10.15"},
                                                      {"partition", model}};
  std::string first;
  for (const auto& args : runs) {
    const RunResult r = run_trtlens(args);
    EXPECT_EQ(r.exit_code, 2) << joined(args) << "\n" << r.err;
    EXPECT_NE(r.err.find("cut.onnx"), std::string::npos) << joined(args) << "\n" << r.err;
    const std::string message = line(r.err, 0);  // check adds E_PARSE's hint below (tests/cli/error_lines_test.cpp)
    if (first.empty()) first = message;
    EXPECT_EQ(message, first) << joined(args);
    EXPECT_TRUE(line(r.err, 1).empty() || line(r.err, 1) == "  hint: " + std::string(find_code("E_PARSE")->hint))
        << r.err;
  }
}

}  // namespace
}  // namespace trtlens::test
