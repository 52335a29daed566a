// The exact error a user sees: `trtlens check` on bad input prints one line "trtlens: <message>" (the message of
// the error's code), then "  hint: <the catalogue's hint for that code>", and exits 2 with nothing on stdout.
// Each case also asserts the code, through the library call the CLI makes.
#include <gtest/gtest.h>

#include <filesystem>

#include "kb/kb.h"
#include "onnx/dtype.h"
#include "onnx/model.h"
#include "support/cli.h"
#include "support/model_builder.h"
#include "util/codes.h"
#include "verdict/analysis.h"

namespace trtlens::test {
namespace {

std::string hint_line(std::string_view code) {
  const CodeInfo* c = find_code(code);
  return c ? "  hint: " + std::string(c->hint) : "(no catalogue entry for " + std::string(code) + ")";
}

// Exit 2, stdout empty, stderr exactly FIRST then the hint of CODE.
void expect_error(const RunResult& r, const std::string& first, std::string_view code) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(line(r.err, 0), first);
  EXPECT_EQ(line(r.err, 1), hint_line(code));
  EXPECT_EQ(line(r.err, 2), "") << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

std::string load_code(const std::filesystem::path& p) {
  auto loaded = load_model(p);
  return loaded ? "ok" : loaded.error().code;
}

TEST(CliErrorLines, MissingFile) {
  TempDir dir;
  const auto path = dir / "missing.onnx";
  EXPECT_EQ(load_code(path), "E_NOT_FOUND");
  expect_error(run_trtlens({"check", path.string()}), "trtlens: no such file: " + path.string(), "E_NOT_FOUND");
}

TEST(CliErrorLines, TruncatedFile) {
  TempDir dir;
  const std::string bytes = relu_model().bytes();
  const auto path = dir / "cut.onnx";
  write_file(path, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(load_code(path), "E_PARSE");
  expect_error(run_trtlens({"check", path.string()}),
               "trtlens: " + path.string() + " is not a valid ONNX protobuf (truncated or corrupt file)", "E_PARSE");
}

TEST(CliErrorLines, EmptyFile) {
  TempDir dir;
  const auto path = dir / "empty.onnx";
  write_file(path, "");
  EXPECT_EQ(load_code(path), "E_EMPTY");
  expect_error(run_trtlens({"check", path.string()}), "trtlens: " + path.string() + " is empty (0 bytes): not an ONNX model",
               "E_EMPTY");
}

TEST(CliErrorLines, UnknownRelease) {
  TempDir dir;
  const auto model = relu_model().save(dir / "m.onnx");
  const KnowledgeBase& kb = KnowledgeBase::builtin();
  auto target = make_target(kb, "7.0", "fp32", false, {});
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().code, "E_USAGE");
  expect_error(run_trtlens({"check", model.string(), "--trt", "7.0"}),
               "trtlens: unknown TensorRT release '7.0' (known: " + kb.release_list() + ")", "E_USAGE");
}

TEST(CliErrorLines, UnknownPrecision) {
  TempDir dir;
  const auto model = relu_model().save(dir / "m.onnx");
  auto target = make_target(KnowledgeBase::builtin(), "10.15", "fp64", false, {});
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().code, "E_USAGE");
  expect_error(run_trtlens({"check", model.string(), "--trt", "10.15", "--precision", "fp64"}),
               "trtlens: unknown precision 'fp64' (use fp32, tf32, fp16, bf16, int8, fp8, int4, fp4)", "E_USAGE");
}

TEST(CliErrorLines, PrecisionTheReleaseLacks) {
  TempDir dir;
  const auto model = relu_model().save(dir / "m.onnx");
  auto target = make_target(KnowledgeBase::builtin(), "8.6", "fp8", false, {});
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().code, "E_USAGE");
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "8.6", "--precision", "fp8"});
  expect_error(r, "trtlens: " + target.error().message, "E_USAGE");
  EXPECT_EQ(line(r.err).rfind("trtlens: TensorRT 8.6", 0), 0u) << r.err;
  EXPECT_NE(line(r.err).find(" has no fp8 precision (it has: "), std::string::npos) << r.err;
}

TEST(CliErrorLines, UsageErrorWinsOverAModelError) {  // options are judged first, as if checked before loading
  TempDir dir;
  const auto path = dir / "missing.onnx";
  expect_error(run_trtlens({"check", path.string(), "--trt", "10.15", "--precision", "fp64"}),
               "trtlens: unknown precision 'fp64' (use fp32, tf32, fp16, bf16, int8, fp8, int4, fp4)", "E_USAGE");
}

TEST(CliErrorLines, GraphErrorIsPrefixedWithThePath) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"nowhere"}, {"y"}, "relu");
  b.output("y", kFloat, {4});
  const auto path = b.save(dir / "m.onnx");
  auto index = try_index(b);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, "E_UNDEFINED_INPUT");
  expect_error(run_trtlens({"check", path.string()}), "trtlens: " + path.string() + ": " + index.error().message,
               "E_UNDEFINED_INPUT");
  EXPECT_NE(index.error().message.find("node 'relu' (Relu) reads 'nowhere'"), std::string::npos) << index.error().message;
}

// Every command that reads a model prints the same two lines as `check`: the message, then the catalogue's hint.
TEST(CliErrorLines, EveryCommandPrintsTheHint) {
  TempDir dir;
  const auto missing = (dir / "missing.onnx").string();
  const auto model = relu_model().save(dir / "m.onnx").string();
  const auto data = (dir / "data").string();
  const std::vector<std::vector<std::string>> commands = {
      {"annotate", missing, "-o", (dir / "out.onnx").string()},
      {"partition", missing},
      {"diff", missing, "--from", "8.6", "--to", "10.15"},
      {"diff", model, missing, "--trt", "10.15"},
      {"track", "add", missing, "--data-dir", data},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0] + " " + args[1]);
    const RunResult r = run_trtlens(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line(r.err, 0).rfind("trtlens: ", 0), 0u) << r.err;
    EXPECT_NE(line(r.err, 0).find(missing), std::string::npos) << r.err;
    EXPECT_EQ(line(r.err, 1), hint_line("E_NOT_FOUND"));
    EXPECT_EQ(line(r.err, 2), "") << r.err;
  }
  // A usage error in a target option: the same hint as check's.
  for (const std::string cmd : {"annotate", "partition"}) {
    std::vector<std::string> args{cmd, model, "--trt", "7.0"};
    if (cmd == "annotate") args.insert(args.end(), {"-o", (dir / "out.onnx").string()});
    const RunResult r = run_trtlens(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line(r.err, 1), hint_line("E_USAGE")) << cmd << ": " << r.err;
  }
}

// check of several models keeps going past one it cannot read; its JSON line carries the code, the message and the hint.
TEST(CliErrorLines, BatchJsonLineCarriesTheHint) {
  TempDir dir;
  const auto good = relu_model().save(dir / "good.onnx");
  const auto bad = dir / "bad.onnx";
  write_file(bad, "");
  const RunResult r = run_trtlens({"check", good.string(), bad.string(), "--format", "json"});
  const nlohmann::json failed = json_of(line(r.out, 1), r.err);
  EXPECT_EQ(failed["error"]["code"], "E_EMPTY");
  EXPECT_EQ(failed["error"]["hint"], std::string(find_code("E_EMPTY")->hint));
  EXPECT_FALSE(json_of(line(r.out, 0), r.err).contains("error"));
}

}  // namespace
}  // namespace trtlens::test
