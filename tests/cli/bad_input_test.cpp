// Bad input through the real binary: exit code 2, exactly one line on stderr naming the problem, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// The contract for every bad input: exit 2, one stderr line that contains `needle`, nothing on stdout.
void expect_clean_failure(const std::filesystem::path& model, const std::string& needle) {
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "10.15"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("trtlens: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  for (const char* crash : {"terminate", "Aborted", "Sanitizer", "runtime error", "Segmentation", "core dumped"})
    EXPECT_EQ(r.err.find(crash), std::string::npos) << r.err;
}

TEST(BadInput, NonexistentPath) {
  TempDir dir;
  expect_clean_failure(dir / "nope.onnx", "no such file");
}

TEST(BadInput, Directory) {
  TempDir dir;  // a folder is a set of models (docs/ci.md): an empty one is a clean usage error
  expect_clean_failure(dir.path(), "no .onnx files in folder");
}

TEST(BadInput, ZeroByteFile) {
  TempDir dir;
  write_file(dir / "empty.onnx", "");
  expect_clean_failure(dir / "empty.onnx", "empty");
}

TEST(BadInput, TruncatedFile) {
  TempDir dir;
  const std::string bytes = relu_model().bytes();
  for (std::size_t cut : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 3}) {
    write_file(dir / "cut.onnx", bytes.substr(0, cut));
    expect_clean_failure(dir / "cut.onnx", "cut.onnx");
  }
}

TEST(BadInput, RandomBytes) {
  TempDir dir;
  std::mt19937 rng(99);
  for (int round = 0; round < 5; ++round) {
    std::string junk(4096, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    write_file(dir / "junk.onnx", junk);
    expect_clean_failure(dir / "junk.onnx", "junk.onnx");
  }
}

TEST(BadInput, Cycle) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Add", {"x", "c"}, {"a"}, "first");
  b.node("Relu", {"a"}, {"c"}, "second");
  b.output("c", kFloat);
  expect_clean_failure(b.save(dir / "cycle.onnx"), "cycle");
}

TEST(BadInput, DuplicateTensorName) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"y"}, "a");
  b.node("Sigmoid", {"x"}, {"y"}, "b");
  b.output("y", kFloat);
  expect_clean_failure(b.save(dir / "dup.onnx"), "duplicate tensor name 'y'");
}

TEST(BadInput, InputNobodyProduces) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Add", {"x", "ghost"}, {"y"}, "add");
  b.output("y", kFloat);
  expect_clean_failure(b.save(dir / "undef.onnx"), "ghost");
}

TEST(BadInput, MissingRequiredAttribute) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Cast", {"x"}, {"y"}, "cast");
  b.output("y", kFloat);
  expect_clean_failure(b.save(dir / "noattr.onnx"), "'to'");
}

TEST(BadInput, ExternalDataParentDirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir / "m");
  write_file(dir / "w.bin", std::string(16, '\0'));
  expect_clean_failure(external_model("../w.bin").save(dir / "m" / "model.onnx"), "leaves the model's folder");
}

TEST(BadInput, ExternalDataAbsolutePath) {
  TempDir dir;
  write_file(dir / "w.bin", std::string(16, '\0'));
  expect_clean_failure(external_model((dir / "w.bin").string()).save(dir / "model.onnx"), "leaves the model's folder");
}

TEST(BadInput, ExternalDataSymlinkOut) {
  TempDir dir;
  std::filesystem::create_directories(dir / "m");
  write_file(dir / "secret.bin", std::string(16, '\0'));
  std::filesystem::create_symlink(dir / "secret.bin", dir / "m" / "w.bin");
  expect_clean_failure(external_model("w.bin").save(dir / "m" / "model.onnx"), "outside the model's folder");
}

TEST(BadInput, ExternalDataMissingFile) {
  TempDir dir;
  expect_clean_failure(external_model("absent.bin").save(dir / "model.onnx"), "absent.bin");
}

TEST(BadInput, UnknownReleaseIsAUsageError) {
  TempDir dir;
  const RunResult r = run_trtlens({"check", relu_model().save(dir / "m.onnx").string(), "--trt", "6.0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown TensorRT release '6.0'"), std::string::npos) << r.err;
}

TEST(BadInput, OutputFileIsNotTheInput) {
  // Writing the report over an existing file is the user's explicit choice; the model itself must survive.
  TempDir dir;
  const auto model = relu_model().save(dir / "m.onnx");
  const auto before = std::filesystem::file_size(model);
  const RunResult r = run_trtlens({"check", model.string(), "--format", "json", "-o", (dir / "r.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::filesystem::file_size(model), before);
  EXPECT_GT(std::filesystem::file_size(dir / "r.json"), 0u);
}

}  // namespace
}  // namespace trtlens::test
