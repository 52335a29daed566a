// The code catalogue (src/util/codes.def) cannot drift: every "E_..." and engine "TRT_..." string literal in src/ is
// in it, every entry is used somewhere in src/, no entry repeats a knowledge-base code, and docs/codes.md lists them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "util/codes.h"
#include "util/result.h"

namespace trtlens::test {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = TRTLENS_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The string literals of a C++ source, comments skipped (a code named in a comment is not a use).
std::vector<std::string> string_literals(const std::string& src) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const std::size_t n = src.size();
  while (i < n) {
    if (src.compare(i, 2, "//") == 0) {
      i = src.find('\n', i);
      if (i == std::string::npos) break;
    } else if (src.compare(i, 2, "/*") == 0) {
      i = src.find("*/", i + 2);
      if (i == std::string::npos) break;
      i += 2;
    } else if (src[i] == 'R' && i + 1 < n && src[i + 1] == '"' && (i == 0 || !std::isalnum(static_cast<unsigned char>(src[i - 1])))) {
      const std::size_t open = src.find('(', i + 2);
      if (open == std::string::npos) break;
      const std::string end = ")" + src.substr(i + 2, open - i - 2) + "\"";
      const std::size_t close = src.find(end, open + 1);
      if (close == std::string::npos) break;
      out.push_back(src.substr(open + 1, close - open - 1));
      i = close + end.size();
    } else if (src[i] == '\'') {  // a character literal ('"'), or a digit separator (1'000)
      if (i > 0 && std::isdigit(static_cast<unsigned char>(src[i - 1]))) { ++i; continue; }
      ++i;
      while (i < n && src[i] != '\'') i += src[i] == '\\' ? 2 : 1;
      ++i;
    } else if (src[i] == '"') {
      std::string lit;
      ++i;
      while (i < n && src[i] != '"') {
        if (src[i] == '\\' && i + 1 < n) lit += src[i++];
        lit += src[i++];
      }
      ++i;
      out.push_back(lit);
    } else {
      ++i;
    }
  }
  return out;
}

// Reason codes the knowledge base carries (data/tensorrt/*.json): documented in docs/rules.md, not in the catalogue.
std::set<std::string> knowledge_base_codes() {
  std::set<std::string> out;
  const std::regex code("\"(TRT_[A-Z0-9_]+)\"");
  for (const auto& e : fs::directory_iterator(kRoot / "data/tensorrt")) {
    if (e.path().extension() != ".json") continue;
    const std::string text = slurp(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it) out.insert((*it)[1]);
  }
  return out;
}

// Literals shaped like codes that are operator-name prefixes (TRT_FP8QuantizeLinear, ...), not codes.
const std::set<std::string> kNotCodes = {"TRT_FP8", "TRT_MXFP8", "TRT_INT4"};

struct SourceCodes {
  std::map<std::string, std::string> exact;    // code -> first file using it
  std::map<std::string, std::string> prefixes; // "TRT_HW_NO_" (completed at run time) -> file
};

SourceCodes codes_in_src(const std::set<std::string>& kb) {
  SourceCodes out;
  const std::regex shape("(E|TRT)_[A-Z0-9_]+");
  for (const auto& e : fs::recursive_directory_iterator(kRoot / "src")) {
    const auto ext = e.path().extension();
    if (ext != ".cpp" && ext != ".h" && ext != ".cc" && ext != ".hpp") continue;
    const std::string rel = fs::relative(e.path(), kRoot).string();
    for (const std::string& lit : string_literals(slurp(e.path()))) {
      if (!std::regex_match(lit, shape) || kb.count(lit) || kNotCodes.count(lit)) continue;
      (lit.back() == '_' ? out.prefixes : out.exact).emplace(lit, rel);
    }
  }
  return out;
}

TEST(CodeCatalogue, EveryCodeInSrcIsCatalogued) {
  const SourceCodes src = codes_in_src(knowledge_base_codes());
  ASSERT_GT(src.exact.size(), 100u);  // the scan found the codes at all
  for (const auto& [code, file] : src.exact)
    EXPECT_NE(find_code(code), nullptr) << code << " (" << file << ") is not in src/util/codes.def";
  for (const auto& [prefix, file] : src.prefixes) {
    bool any = false;
    for (const CodeInfo& c : all_codes()) any = any || c.code.starts_with(prefix);
    EXPECT_TRUE(any) << "no catalogue entry starts with " << prefix << " (" << file << ")";
  }
}

TEST(CodeCatalogue, EveryEntryIsUsedInSrcAndIsNotAKnowledgeBaseCode) {
  const auto kb = knowledge_base_codes();
  const SourceCodes src = codes_in_src(kb);
  std::set<std::string_view> seen;
  for (const CodeInfo& c : all_codes()) {
    EXPECT_TRUE(seen.insert(c.code).second) << c.code << " is listed twice";
    EXPECT_FALSE(kb.count(std::string(c.code))) << c.code << " is a knowledge-base code (docs/rules.md), not ours";
    bool used = src.exact.count(std::string(c.code)) > 0;
    for (const auto& [prefix, file] : src.prefixes) used = used || c.code.starts_with(prefix);
    EXPECT_TRUE(used) << c.code << " is in src/util/codes.def but no code in src/ emits it";
  }
}

TEST(CodeCatalogue, EntriesAreWellFormed) {
  const std::regex shape("(E|TRT)_[A-Z0-9_]+(<[A-Z]+>)?");
  for (const CodeInfo& c : all_codes()) {
    EXPECT_TRUE(std::regex_match(std::string(c.code), shape)) << c.code;
    EXPECT_FALSE(c.message.empty()) << c.code;
    EXPECT_FALSE(c.area.empty()) << c.code;
    if (c.code.starts_with("E_")) EXPECT_EQ(c.severity, CodeSeverity::kError) << c.code;
    if (!c.hint.empty()) EXPECT_NE(c.hint.back(), '.') << c.code << ": hints are one sentence without a full stop";
  }
}

TEST(CodeCatalogue, LookUpExactFamilyAndUnknown) {
  ASSERT_NE(find_code("E_PARSE"), nullptr);
  EXPECT_EQ(find_code("E_PARSE")->code, "E_PARSE");
  EXPECT_EQ(find_code("TRT_NO_IMPORTER")->severity, CodeSeverity::kError);
  EXPECT_EQ(find_code("TRT_FP16_OVERFLOW")->severity, CodeSeverity::kWarning);
  ASSERT_NE(find_code("TRT_HW_NO_FP8"), nullptr);
  EXPECT_EQ(find_code("TRT_HW_NO_FP8")->code, "TRT_HW_NO_<PRECISION>");
  EXPECT_EQ(find_code("TRT_HW_NO_"), nullptr);             // the bare prefix is not a code
  EXPECT_EQ(find_code("TRT_RESIZE_ANTIALIAS"), nullptr);   // knowledge-base code
  EXPECT_EQ(find_code("E_NO_SUCH_CODE"), nullptr);
  EXPECT_EQ(severity_name(CodeSeverity::kEither), "error or warning");
}

TEST(CodeCatalogue, ErrorsCarryTheDefaultHintUnlessTheyGiveOne) {
  const Error parse = make_error("E_PARSE", "m.onnx is not a valid ONNX protobuf (truncated or corrupt file)");
  EXPECT_EQ(parse.code, "E_PARSE");
  EXPECT_EQ(parse.hint, "Re-export or re-download the model; onnx.checker.check_model names the broken part");
  EXPECT_EQ(make_error("E_PARSE", "x", "Use the other file").hint, "Use the other file");
  EXPECT_EQ(make_error("E_MISS", "").hint, "");  // internal: no hint
  EXPECT_EQ(make_error("E_UNKNOWN_TO_THE_CATALOGUE", "x").hint, "");
}

TEST(CodeCatalogue, DocsListEveryCode) {
  const std::string doc = slurp(kRoot / "docs/codes.md");
  for (const CodeInfo& c : all_codes()) {
    EXPECT_NE(doc.find("| `" + std::string(c.code) + "` | " + std::string(severity_name(c.severity)) + " |"), std::string::npos)
        << c.code << ": run python3 tools/codesgen.py";
  }
}

TEST(CodeCatalogue, LiteralScannerSkipsCommentsAndCharacters) {
  const auto lits = string_literals("// \"E_A\"\nx = \"E_B\"; /* \"E_C\" */ c = '\"'; n = 1'000; s = R\"(E_D)\"; t = \"a\\\"b\";");
  EXPECT_EQ(lits, (std::vector<std::string>{"E_B", "E_D", "a\\\"b"}));
}

}  // namespace
}  // namespace trtlens::test
