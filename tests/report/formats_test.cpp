// SARIF, JUnit and HTML views of one small model that has every kind of verdict; each output is compared with a
// reviewed golden file (TRTLENS_UPDATE_GOLDEN=1 rewrites them) and checked against its format's structure.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "onnx/dtype.h"
#include "report/report.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// With fp16,int8: conv (int8: convertible), softmax (no int8 kernel, runs in fp16: convertible), bernoulli (no
// importer: unsupported), mul (weights overflow fp16: warning), range (a float Range has neither an int8 nor an fp16
// kernel in 8.6: fallback to fp32).
ModelBuilder mixed_model(const std::string& bad_name = "bernoulli") {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.initializer("w", kFloat, {4, 3, 3, 3}, std::vector<double>(4 * 3 * 3 * 3, 0.5));
  b.initializer("big", kFloat, {1}, {1e5});
  b.initializer("start", kFloat, {}, {0});
  b.initializer("limit", kFloat, {}, {8});
  b.initializer("delta", kFloat, {}, {1});
  auto& conv = b.node("Conv", {"x", "w"}, {"c"}, "conv");
  set_attr(conv, "kernel_shape", std::vector<std::int64_t>{3, 3});
  b.node("Softmax", {"c"}, {"s"}, "softmax");
  b.node("Bernoulli", {"s"}, {"r"}, bad_name);
  b.node("Mul", {"r", "big"}, {"y"}, "mul");
  b.node("Range", {"start", "limit", "delta"}, {"steps"}, "range");
  b.output("y", kFloat);
  b.output("steps", kFloat);
  return b;
}

std::unique_ptr<ModelIndex> index_named(const ModelBuilder& b, const std::string& origin) {
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), origin);
  EXPECT_TRUE(loaded.ok());
  auto index = ModelIndex::build(std::move(loaded.value()));
  EXPECT_TRUE(index.ok());
  return std::move(index.value());
}

std::string render(void (*writer)(std::ostream&, const ModelIndex&, const Analysis&), const ModelIndex& index,
                   const Analysis& a) {
  std::ostringstream out;
  writer(out, index, a);
  return out.str();
}

// The tool version changes with every release; goldens hold a placeholder.
std::string normalise(std::string text) {
  const std::string version = kToolVersion;
  for (auto pos = text.find(version); pos != std::string::npos; pos = text.find(version, pos))
    text.replace(pos, version.size(), "@VERSION@");
  return text;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(TRTLENS_SOURCE_DIR) + "/tests/report/golden/" + name;
  if (std::getenv("TRTLENS_UPDATE_GOLDEN")) {
    std::ofstream(path) << normalise(actual);
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with TRTLENS_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(normalise(actual), expected.str()) << "golden " << name << " differs";
}

class Formats : public ::testing::Test {
 protected:
  void SetUp() override {
    index = index_named(mixed_model(), "golden.onnx");
    analysis = check(*index, "8.6", "fp16,int8");
  }
  std::unique_ptr<ModelIndex> index;
  Analysis analysis;
};

TEST_F(Formats, FixtureHasEveryKindOfVerdict) {
  EXPECT_EQ(verdict(*index, analysis, "conv").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, analysis, "softmax").status, Status::kConvertible);
  EXPECT_EQ(verdict(*index, analysis, "softmax").runs_in, "fp16");
  EXPECT_EQ(verdict(*index, analysis, "range").status, Status::kFallback);
  EXPECT_EQ(verdict(*index, analysis, "range").runs_in, "fp32");
  EXPECT_EQ(verdict(*index, analysis, "bernoulli").status, Status::kUnsupported);
  EXPECT_TRUE(has_warning(verdict(*index, analysis, "mul"), "TRT_FP16_OVERFLOW"));
}

TEST_F(Formats, SarifHasTheEssentialStructureOf210) {
  const std::string text = render(write_sarif, *index, analysis);
  expect_golden("mixed.sarif", text);
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc["$schema"].get<std::string>().find("sarif") != std::string::npos);
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "trtlens");
  EXPECT_EQ(run["tool"]["driver"]["version"], kToolVersion);
  std::vector<std::string> rule_ids;
  for (const auto& rule : run["tool"]["driver"]["rules"]) rule_ids.push_back(rule["id"]);
  int errors = 0, warnings = 0;
  for (const auto& result : run["results"]) {
    const std::string id = result["ruleId"];
    const int rule_index = result["ruleIndex"];
    ASSERT_LT(static_cast<std::size_t>(rule_index), rule_ids.size());
    EXPECT_EQ(rule_ids[static_cast<std::size_t>(rule_index)], id);  // ruleIndex must point at the same rule
    const std::string level = result["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    EXPECT_FALSE(result["message"]["text"].get<std::string>().empty());
    ASSERT_FALSE(result["locations"].empty());
    const auto& logical = result["locations"][0]["logicalLocations"];
    if (id == "TRT_NO_IMPORTER") {
      ++errors;
      EXPECT_EQ(level, "error");
      EXPECT_EQ(logical[0]["fullyQualifiedName"], "bernoulli");
    }
    if (id == "TRT_FP16_OVERFLOW") {
      ++warnings;
      EXPECT_EQ(level, "warning");
      EXPECT_EQ(logical[0]["fullyQualifiedName"], "mul");
    }
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(warnings, 1);
}

TEST_F(Formats, SarifNamesBodyNodesByTheirGraphPath) {
  ModelBuilder b(17);
  b.input("cond", kBool, {});
  b.input("x", kFloat, {4});
  onnx::GraphProto then_branch, else_branch;
  for (auto* g : {&then_branch, &else_branch}) {
    auto* n = g->add_node();
    n->set_op_type(g == &then_branch ? "Bernoulli" : "Relu");
    n->set_name(g == &then_branch ? "inner_bad" : "inner_ok");
    n->add_input("x");
    n->add_output("t");
    *g->add_output() = value_info("t", kFloat, {4});
  }
  auto& if_node = b.node("If", {"cond"}, {"y"}, "if0");
  set_attr(if_node, "then_branch", then_branch);
  set_attr(if_node, "else_branch", else_branch);
  b.output("y", kFloat);
  auto idx = index_of(b);
  const auto doc = nlohmann::json::parse(render(write_sarif, *idx, check(*idx, "10.15")));
  std::vector<std::string> names;
  for (const auto& result : doc["runs"][0]["results"])
    names.push_back(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "if0/then_branch/inner_bad"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "if0"), names.end());
}

// xmllint (libxml2-utils, in scripts/setup.sh) is a real XML parser: --noout prints nothing for a well-formed file.
int xmllint(const std::string& text) {
  TempDir dir;
  std::ofstream(dir / "report.xml") << text;
  return std::system(("xmllint --noout " + (dir / "report.xml").string() + " 2>&1").c_str());
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST_F(Formats, JunitIsWellFormedWithOneCasePerNodeAndAFailurePerUnsupported) {
  const std::string text = render(write_junit, *index, analysis);
  expect_golden("mixed.junit.xml", text);
  EXPECT_EQ(xmllint(text), 0);
  EXPECT_EQ(count(text, "<testcase "), 5 + 1);  // five nodes and the model
  EXPECT_EQ(count(text, "<failure "), 1);
  EXPECT_NE(text.find("<failure type=\"TRT_NO_IMPORTER\""), std::string::npos);
  EXPECT_NE(text.find("failures=\"1\""), std::string::npos);
}

TEST(FormatsEscaping, HostileNodeNamesStayInert) {
  const std::string hostile = "<img src=x onerror=alert(1)>&\"'\x01";
  auto index = index_named(mixed_model(hostile), "hostile.onnx");
  const auto a = check(*index, "8.6", "fp16,int8");
  const std::string page = render(write_html, *index, a);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"), std::string::npos);
  const std::string junit = render(write_junit, *index, a);
  EXPECT_EQ(xmllint(junit), 0);
  EXPECT_EQ(junit.find("<img"), std::string::npos);
  const auto sarif = nlohmann::json::parse(render(write_sarif, *index, a));
  bool named = false;  // the node's result (model-level results carry no logical location)
  for (const auto& result : sarif["runs"][0]["results"])
    for (const auto& location : result["locations"])
      if (location.contains("logicalLocations") && location["logicalLocations"][0]["name"] == hostile) named = true;
  EXPECT_TRUE(named);
}

TEST_F(Formats, HtmlIsOneSelfContainedPage) {
  const std::string page = render(write_html, *index, analysis);
  expect_golden("mixed.html", page);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_NE(page.find("<style>"), std::string::npos);
  // The unsupported node is listed before the convertible ones.
  EXPECT_LT(page.find("<td>bernoulli</td>"), page.find("<td>conv</td>"));
  EXPECT_EQ(count(page, "<tr><td>") - 5 /* op rows */, 5);
}

TEST(FormatsCli, CheckFormatsAndFailOn) {
  TempDir dir;
  const auto model = mixed_model().save(dir / "m.onnx");
  auto sarif = run_trtlens({"check", model.string(), "--trt", "8.6", "--precision", "fp16,int8", "--format", "sarif"});
  EXPECT_EQ(sarif.exit_code, 1) << sarif.err;
  EXPECT_EQ(nlohmann::json::parse(sarif.out)["version"], "2.1.0");
  auto junit = run_trtlens({"check", model.string(), "--trt", "8.6", "--format", "junit", "-o", (dir / "r.xml").string()});
  EXPECT_EQ(junit.exit_code, 1);
  EXPECT_TRUE(std::filesystem::exists(dir / "r.xml"));
  auto html = run_trtlens({"check", model.string(), "--trt", "8.6", "--format", "html"});
  EXPECT_NE(html.out.find("<!DOCTYPE html>"), std::string::npos);
  auto md = run_trtlens({"check", model.string(), "--trt", "8.6", "--format", "markdown"});
  EXPECT_NE(md.out.find("### Unsupported nodes"), std::string::npos);

  // Without the unsupported node: exit 0 by default, 1 when --fail-on names what remains (fallback, warnings).
  ModelBuilder ok(13);
  ok.input("x", kFloat, {1, 3, 8, 8});
  ok.node("Softmax", {"x"}, {"y"}, "softmax");
  ok.output("y", kFloat);
  const auto ok_model = ok.save(dir / "ok.onnx");
  const std::vector<std::string> base{"check", ok_model.string(), "--trt", "8.6", "--precision", "int8", "--format", "sarif"};
  EXPECT_EQ(run_trtlens(base).exit_code, 0);
  auto with = [&](const std::string& fail_on) {
    auto args = base;
    args.insert(args.end(), {"--fail-on", fail_on});
    return run_trtlens(args).exit_code;
  };
  EXPECT_EQ(with("unsupported"), 0);
  EXPECT_EQ(with("fallback"), 1);
  EXPECT_EQ(with("warning"), 1);
  EXPECT_EQ(run_trtlens({"check", ok_model.string(), "--format", "pdf"}).exit_code, 2);
}

}  // namespace
}  // namespace trtlens::test
