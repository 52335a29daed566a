#include "support/cli.h"

#include <gtest/gtest.h>

#include <sstream>

namespace trtlens::test {

nlohmann::json json_of(const std::string& text, const std::string& context) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not JSON" << (context.empty() ? "" : " (" + context + ")") << ": " << text.substr(0, 300);
    return nullptr;
  }
  return j;
}

nlohmann::json json_of(const RunResult& r) {
  return json_of(r.out, "exit " + std::to_string(r.exit_code) + ", stderr: " + r.err);
}

JsonRun check_json(const std::filesystem::path& model, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"check", model.string()};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--format", "json"});
  JsonRun r{run_trtlens(all), nullptr};
  r.json = json_of(r.run);
  return r;
}

std::string line(const std::string& text, std::size_t n) {
  std::istringstream in(text);
  std::string l;
  for (std::size_t i = 0; i <= n; ++i)
    if (!std::getline(in, l)) return {};
  return l;
}

}  // namespace trtlens::test
