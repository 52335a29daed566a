// Running the trtlens binary and reading what it printed: the JSON report on stdout, the error lines on stderr.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/model_builder.h"

namespace trtlens::test {

// TEXT parsed as JSON; a parse failure fails the test (naming CONTEXT) and returns null.
nlohmann::json json_of(const std::string& text, const std::string& context = {});
// The run's stdout parsed as JSON; on a parse failure the test fails with the run's exit code and stderr.
nlohmann::json json_of(const RunResult& r);

// `trtlens check MODEL ARGS... --format json`: the run and its parsed report.
struct JsonRun {
  RunResult run;
  nlohmann::json json;
};
JsonRun check_json(const std::filesystem::path& model, const std::vector<std::string>& args = {});

// Line N (0-based) of TEXT without its newline; "" past the end.
std::string line(const std::string& text, std::size_t n = 0);

}  // namespace trtlens::test
