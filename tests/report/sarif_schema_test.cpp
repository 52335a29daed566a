// Validates our SARIF against the official SARIF 2.1.0 JSON schema with Microsoft's SARIF multitool (npm package
// @microsoft/sarif-multitool, installed by scripts/setup-test.sh into tests/report/sarif-validator/). The multitool also
// prints best-practice warnings (e.g. "region absent": a model has no line numbers); only errors fail the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

std::filesystem::path multitool() {
  return std::filesystem::path(TRTLENS_SOURCE_DIR) /
         "tests/report/sarif-validator/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";
}

// Runs `validate` and returns its report; the exit status says whether the tool itself ran.
std::string validate(const std::filesystem::path& sarif, const TempDir& dir, int& status) {
  const auto log = dir / "validate.log";
  const std::string cmd = "'" + multitool().string() + "' validate '" + sarif.string() + "' -o '" +
                          (dir / "validation.sarif").string() + "' > '" + log.string() + "' 2>&1";
  status = std::system(cmd.c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SarifSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(multitool())) GTEST_SKIP() << "SARIF multitool not installed (run scripts/setup-test.sh)";
    std::filesystem::permissions(multitool(), std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  }
  TempDir dir;
};

TEST_F(SarifSchema, ExampleModelReportIsValidSarif210) {
  const auto out = dir / "example.sarif";
  const auto example = std::filesystem::path(TRTLENS_SOURCE_DIR) / "examples/tiny-vit.onnx";
  auto run = run_trtlens({"check", example.string(), "--trt", "8.6", "--precision", "fp16", "--format", "sarif", "-o",
                          out.string()});
  ASSERT_EQ(run.exit_code, 1) << run.err;  // the example has an op 8.6 cannot import: the report has errors
  int status = 0;
  const std::string report = validate(out, dir, status);
  ASSERT_EQ(status, 0) << report;
  EXPECT_NE(report.find("Analysis completed successfully"), std::string::npos) << report;
  EXPECT_EQ(report.find(": error "), std::string::npos) << report;
}

// `check DIR --format sarif`: one run for a whole folder, an unreadable model included (docs/ci.md).
TEST_F(SarifSchema, BatchRunOverAFolderIsValidSarif210) {
  const auto models = dir / "models";
  std::filesystem::create_directories(models);
  for (const char* name : {"tiny-vit.onnx", "small_convnet.onnx", "cnn_attention.onnx"})
    std::filesystem::copy_file(std::filesystem::path(TRTLENS_SOURCE_DIR) / "examples" / name, models / name);
  write_file(models / "broken.onnx", "not a model");
  const auto out = dir / "batch.sarif";
  auto run = run_trtlens({"check", models.string(), "--jobs", "2", "--trt", "8.6", "--precision", "fp16", "--format",
                          "sarif", "-o", out.string()});
  ASSERT_EQ(run.exit_code, 2) << run.err;  // the unreadable model makes the set an input error
  int status = 0;
  const std::string report = validate(out, dir, status);
  ASSERT_EQ(status, 0) << report;
  EXPECT_NE(report.find("Analysis completed successfully"), std::string::npos) << report;
  EXPECT_EQ(report.find(": error "), std::string::npos) << report;
}

TEST_F(SarifSchema, HostileNamesAndBodyNodesStayValid) {
  ModelBuilder b(17);
  b.input("x", kFloat, {4});
  b.node("Bernoulli", {"x"}, {"b"}, "<img src=x onerror=alert(1)> \"quoted\" \\ back");
  b.node("Relu", {"b"}, {"y"}, "relu\n\tnewline");
  b.output("y", kFloat, {4});
  const auto model = b.save(dir / "hostile.onnx");
  const auto out = dir / "hostile.sarif";
  auto run = run_trtlens({"check", model.string(), "--trt", "10.15", "--format", "sarif", "-o", out.string()});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  int status = 0;
  const std::string report = validate(out, dir, status);
  ASSERT_EQ(status, 0) << report;
  EXPECT_EQ(report.find(": error "), std::string::npos) << report;
}

}  // namespace
}  // namespace trtlens::test
