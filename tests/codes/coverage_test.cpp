// Every check has a test that triggers it and asserts its code:
//  - every rule in the registry (generic and custom:*) is named, by one of the codes it emits, in some test;
//  - every engine code of the catalogue (src/util/codes.def, TRT_*) is named in some test, except the few listed
//    below with the reason they are not (the list may only shrink: naming one of them fails this test until it is
//    taken off the list).
// "Named" means the code appears as a string literal in a test source other than the tests of this folder that only
// list codes (catalogue_test.cpp, this file).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "kb/kb.h"
#include "rules/registry.h"
#include "util/codes.h"

namespace trtlens::test {
namespace {

namespace fs = std::filesystem;

// Engine codes without a triggering test, and why (none at present: tests/codes/untriggered_codes_test.cpp took the
// last seven).
const std::map<std::string, std::string> kNotYetTriggered = {};

std::set<std::string> codes_named_in_tests() {
  std::set<std::string> out;
  const std::regex literal("\"(TRT_[A-Z0-9_]+)\"");
  const fs::path root = fs::path(TRTLENS_SOURCE_DIR) / "tests";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".cpp" && e.path().extension() != ".h") continue;
    if (e.path().filename() == "catalogue_test.cpp" || e.path().filename() == "coverage_test.cpp") continue;
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) out.insert((*it)[1]);
  }
  return out;
}

bool named(const std::set<std::string>& in_tests, std::string_view code) {
  const auto open = code.find('<');
  if (open == std::string_view::npos) return in_tests.count(std::string(code)) > 0;
  for (const auto& c : in_tests)
    if (c.size() > open && std::string_view(c).substr(0, open) == code.substr(0, open)) return true;
  return false;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every code a rule can put on a node: its default, the code of every knowledge-base instance that uses it, and the
// codes its findings name themselves (Finding::code; taken from the file that registers the rule, so a file with
// several rules lends its finding codes to each).
std::map<std::string, std::set<std::string>> codes_by_rule() {
  std::map<std::string, std::set<std::string>> out;
  for (const RuleImpl* impl : RuleRegistry::all()) out[impl->id].insert(impl->default_code);
  const std::regex registered("TRTLENS_REGISTER_RULE\\(\"([^\"]+)\""), literal("\"(TRT_[A-Z0-9_]+)\"");
  for (const auto& e : fs::directory_iterator(fs::path(TRTLENS_SOURCE_DIR) / "src/rules")) {
    if (e.path().extension() != ".cpp") continue;
    const std::string text = slurp(e.path());
    std::set<std::string> codes;
    for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) codes.insert((*it)[1]);
    for (std::sregex_iterator it(text.begin(), text.end(), registered), end; it != end; ++it)
      out[(*it)[1]].insert(codes.begin(), codes.end());
  }
  for (const Release& r : KnowledgeBase::builtin().releases()) {
    for (const auto& [name, op] : r.ops())
      for (const RuleInstance& i : op.rules)
        if (i.impl) out[i.impl->id].insert(i.code);
    for (const RuleInstance& i : r.model_rules)
      if (i.impl) out[i.impl->id].insert(i.code);
  }
  return out;
}

TEST(CodeCoverage, EveryRegisteredRuleIsNamedByATest) {
  const auto in_tests = codes_named_in_tests();
  const auto by_rule = codes_by_rule();
  ASSERT_GT(by_rule.size(), 40u);
  for (const auto& [id, codes] : by_rule) {
    bool any = false;
    for (const auto& c : codes) any = any || in_tests.count(c);
    EXPECT_TRUE(any) << "rule " << id << " has no test naming any of its " << codes.size()
                     << " codes (e.g. " << *codes.begin() << "): add one that triggers it";
  }
}

// A rule's default code is what a knowledge-base instance without a code of its own gets; the built-in KB gives every
// instance one, so a default is covered when its rule is.
std::set<std::string> default_codes_of_covered_rules(const std::set<std::string>& in_tests) {
  std::set<std::string> out;
  for (const auto& [id, codes] : codes_by_rule()) {
    bool any = false;
    for (const auto& c : codes) any = any || in_tests.count(c);
    if (any)
      if (const RuleImpl* impl = RuleRegistry::find(id)) out.insert(impl->default_code);
  }
  return out;
}

TEST(CodeCoverage, EveryEngineCodeIsNamedByATest) {
  const auto in_tests = codes_named_in_tests();
  const auto defaults = default_codes_of_covered_rules(in_tests);
  for (const CodeInfo& c : all_codes()) {
    if (!c.code.starts_with("TRT_")) continue;
    const std::string code(c.code);
    const bool covered = named(in_tests, c.code) || defaults.count(code);
    if (kNotYetTriggered.count(code))
      EXPECT_FALSE(named(in_tests, c.code)) << code << " is now named by a test: take it off kNotYetTriggered";
    else
      EXPECT_TRUE(covered) << code << " (" << c.message << ") is named by no test: add one in tests/codes/";
  }
  for (const auto& [code, why] : kNotYetTriggered) EXPECT_NE(find_code(code), nullptr) << code << " left the catalogue";
}

}  // namespace
}  // namespace trtlens::test
