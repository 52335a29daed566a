// Bad input through the real binary: exit code 2, exactly one line on stderr naming the problem, never a crash.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include "infer/onnx_gate.h"
#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// The contract for every bad input: exit 2, one stderr line that contains `needle` (then at most the error code's
// hint line, tests/cli/error_lines_test.cpp), nothing on stdout.
void expect_clean_failure(const std::filesystem::path& model, const std::string& needle) {
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "10.15"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
  EXPECT_TRUE(lines == 1 || (lines == 2 && r.err.find("\n  hint: ") != std::string::npos)) << r.err;
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

// --- Hostile files (issue 16): tiny models that once crashed ONNX's shape inference or the verdict engine --------

// Runs `check` and expects an analysis (exit 0 or 1: a verdict), never a crash.
void expect_verdict(const std::filesystem::path& model) {
  const RunResult r = run_trtlens({"check", model.string(), "--trt", "10.15", "--format", "json"});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "exit " << r.exit_code << ": " << r.err;
  EXPECT_EQ(r.out.rfind("{", 0), 0u) << r.out.substr(0, 200);
}

TEST(HostileInput, ScanWithoutAttributesAtEveryScanOpset) {
  // The audit's 16-byte file was one attribute-less Scan at opset 8; 9 and 13 crashed the same way.
  for (int opset : {8, 9, 13}) {
    TempDir dir;
    ModelBuilder b(opset, 8);
    b.node("Scan", {}, {}, "scan");
    expect_clean_failure(b.save(dir / "scan.onnx"), "lacks required attribute 'body'");
  }
}

TEST(HostileInput, MaxRoiPoolWithEmptyPooledShape) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  b.input("rois", kFloat, {2, 5});
  auto& n = b.node("MaxRoiPool", {"x", "rois"}, {"y"}, "pool");
  set_attr(n, "pooled_shape", std::vector<std::int64_t>{});
  b.output("y", kFloat);
  expect_verdict(b.save(dir / "roi.onnx"));
}

TEST(HostileInput, ConvIntegerWithMismatchedInputRanks) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kUint8, {1, 3, 8});
  b.input("w", kUint8, {4, 3, 3, 3, 3});
  b.node("ConvInteger", {"x", "w"}, {"y"}, "conv");
  b.output("y", kInt32);
  expect_verdict(b.save(dir / "conv.onnx"));
}

TEST(HostileInput, ConvolutionWithAScalarWeight) {
  // Found by fuzz/fuzz_check (1M-run campaign): our own shape rule read W's first dimension from a rank-0 W.
  for (const char* op : {"Conv", "ConvTranspose"}) {
    TempDir dir;
    ModelBuilder b(13);
    b.input("x", kFloat, {1, 3, 8, 8});
    b.initializer("w", kFloat, {}, {1.0});
    b.node(op, {"x", "w"}, {"y"}, "conv");
    b.output("y", kFloat);
    expect_verdict(b.save(dir / "conv.onnx"));
  }
}

TEST(HostileInput, NodeReadingAnUndefinedTensor) {
  // Found by fuzz/fuzz_check (session 5): EyeLike whose input names no tensor made ONNX's shape inference read a
  // missing input type (SIGSEGV in propagateShape, a 170-byte model). The gate now skips ONNX's inference for it.
  TempDir dir;
  ModelBuilder b(13);
  b.input("other", kFloat, {4, 5});
  b.node("EyeLike", {"x"}, {"y"}, "eye");
  b.output("y", kFloat, {4, 5});
  const auto path = b.save(dir / "eye.onnx");
  const RunResult r = run_trtlens({"check", path.string(), "--trt", "8.6"});
  EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << r.exit_code << r.err;
  EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
}

// x[3,4] -> LayerNormalization(axis) -> y
ModelBuilder layer_norm(std::int64_t axis) {
  ModelBuilder b(17);
  b.input("x", kFloat, {3, 4});
  b.input("w", kFloat, {4});
  b.input("b", kFloat, {4});
  auto& ln = b.node("LayerNormalization", {"x", "w", "b"}, {"y"}, "ln");
  set_attr(ln, "axis", axis);
  b.output("y", kFloat, {3, 4});
  return b;
}

TEST(HostileInput, LayerNormalizationAxisOutOfRange) {
  // Found by fuzz/fuzz_check (session 7): LayerNormalization with axis 2^63-1 made ONNX's shape inference read input
  // dims far past the rank (SIGSEGV, a 272-byte model). The gate skips ONNX's inference; our own rules still run.
  for (const std::int64_t axis : {std::numeric_limits<std::int64_t>::max(), std::int64_t{2}, std::int64_t{-4}}) {
    SCOPED_TRACE(axis);
    TempDir dir;
    ModelBuilder b = layer_norm(axis);
    EXPECT_NE(why_onnx_inference_unsafe(b.proto()).find("axis"), std::string::npos);
    expect_verdict(b.save(dir / "ln.onnx"));
  }
  // The usual form (axis -1, or 1 on a rank-2 input) still gets ONNX's inference.
  for (const std::int64_t axis : {std::int64_t{-1}, std::int64_t{1}})
    EXPECT_EQ(why_onnx_inference_unsafe(layer_norm(axis).proto()), "") << axis;
}

TEST(HostileInput, PoolingWithAZeroStride) {
  // Found by fuzz/fuzz_check: ONNX's shape inference divided by the stride (SIGFPE).
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 3, 8, 8});
  auto& pool = b.node("MaxPool", {"x"}, {"y"}, "pool");
  set_attr(pool, "kernel_shape", std::vector<std::int64_t>{2, 2});
  set_attr(pool, "strides", std::vector<std::int64_t>{0, 2});
  b.output("y", kFloat);
  expect_verdict(b.save(dir / "pool.onnx"));
}

// A model calling local:f0, whose body calls f1, ... up to f<depth-1>, whose body is one Relu. `calls` calls of the
// next function per body (2 makes the expansion double per level).
ModelBuilder function_chain(int depth, int calls = 1, bool last_calls_first = false) {
  ModelBuilder b(13);
  b.opset("local", 1);
  b.input("x", kFloat, {4});
  for (int i = 0; i < depth; ++i) {
    auto& fn = *b.proto().add_functions();
    fn.set_name("f" + std::to_string(i));
    fn.set_domain("local");
    fn.add_input("a");
    fn.add_output("b");
    auto* op = fn.add_opset_import();
    op->set_domain("");
    op->set_version(13);
    op = fn.add_opset_import();
    op->set_domain("local");
    op->set_version(1);
    const bool leaf = i + 1 == depth && !last_calls_first;
    std::string in = "a";
    for (int c = 0; c < (leaf ? 1 : calls); ++c) {
      auto& node = *fn.add_node();
      node.add_input(in);
      in = c + 1 == calls || leaf ? "b" : "t" + std::to_string(c);
      node.add_output(in);
      if (leaf) {
        node.set_op_type("Relu");
      } else {
        node.set_op_type(i + 1 == depth ? "f0" : "f" + std::to_string(i + 1));
        node.set_domain("local");
      }
    }
  }
  b.node("f0", {"x"}, {"y"}, "call").set_domain("local");
  b.output("y", kFloat);
  return b;
}

TEST(HostileInput, FunctionThatCallsItself) {
  TempDir dir;
  expect_clean_failure(function_chain(1, 1, true).save(dir / "self.onnx"), "'f0' calls itself");
}

TEST(HostileInput, FunctionCallCycle) {
  TempDir dir;
  expect_clean_failure(function_chain(3, 1, true).save(dir / "cycle.onnx"), "cycle: f0 -> f1 -> f2 -> f0");
}

TEST(HostileInput, FunctionChainDeeperThanTheLimitIsRefusedQuickly) {
  // ~5,700 chained functions once exhausted the stack (memory growing quadratically on the way).
  TempDir dir;
  const auto model = function_chain(6000).save(dir / "deep.onnx");
  const auto start = std::chrono::steady_clock::now();
  expect_clean_failure(model, "nests calls more than 64 levels deep");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(HostileInput, FunctionExpansionThatDoublesPerLevelIsRefused) {
  TempDir dir;
  expect_clean_failure(function_chain(40, 2).save(dir / "wide.onnx"), "expands to more than 1000000 nodes");
}

TEST(HostileInput, ModestFunctionChainStillAnalyses) {
  TempDir dir;
  expect_verdict(function_chain(10).save(dir / "ok.onnx"));
}

TEST(HostileInput, ElementTypeOutsideOnnxIsRefused) {
  // 1000 once crashed the engine's per-type table; 39 silently read the memory next to it.
  for (int dtype : {39, 1000}) {
    TempDir dir;
    ModelBuilder b(13);
    b.input("x", dtype, {4});
    b.node("Relu", {"x"}, {"y"}, "relu");
    b.output("y", kFloat);
    expect_clean_failure(b.save(dir / "in.onnx"), "graph input 'x' has element type " + std::to_string(dtype));

    ModelBuilder o(13);
    o.input("x", kFloat, {4});
    o.node("Relu", {"x"}, {"y"}, "relu");
    o.output("y", dtype, {4});
    expect_clean_failure(o.save(dir / "out.onnx"), "graph output 'y' has element type " + std::to_string(dtype));

    ModelBuilder w(13);
    w.input("x", kFloat, {4});
    w.initializer("w", kFloat, {4}, {1, 2, 3, 4});
    w.graph().mutable_initializer(0)->set_data_type(dtype);
    w.node("Mul", {"x", "w"}, {"y"}, "mul");
    w.output("y", kFloat);
    expect_clean_failure(w.save(dir / "init.onnx"), "initializer 'w' has element type " + std::to_string(dtype));
  }
}

TEST(HostileInput, CastToAnElementTypeOutsideOnnxLeavesTheTypeUnknown) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  set_attr(b.node("Cast", {"x"}, {"y"}, "cast"), "to", std::int64_t{1000});
  b.node("Relu", {"y"}, {"z"}, "relu");
  b.output("z", 0);
  expect_verdict(b.save(dir / "cast.onnx"));
}

TEST(HostileInput, IfNestedBeyondTheLimitSaysSo) {
  // 66+ levels once reported "truncated or corrupt file".
  TempDir dir;
  onnx::GraphProto body;
  body.set_name("leaf");
  auto* c = body.add_node();
  c->set_op_type("Constant");
  c->add_output("v");
  set_attr(*c, "value", make_tensor("v", kFloat, {1}, {1}));
  *body.add_output() = value_info("v", kFloat, {1});
  const onnx::GraphProto leaf = body;
  for (int level = 0; level < 70; ++level) {  // nested in then_branch only: the file grows linearly
    onnx::GraphProto outer;
    outer.set_name("level" + std::to_string(level));
    auto* n = outer.add_node();
    n->set_op_type("If");
    n->add_input("cond");
    n->add_output("v");
    set_attr(*n, "then_branch", body);
    set_attr(*n, "else_branch", leaf);
    *outer.add_output() = value_info("v", kFloat, {1});
    body = std::move(outer);
  }
  ModelBuilder b(13);
  b.input("cond", kBool, {});
  *b.graph().add_node() = body.node(0);
  b.output("v", kFloat);
  expect_clean_failure(b.save(dir / "nested.onnx"), "nests graphs more than 66 levels deep");
}

TEST(HostileInput, EmbeddedRawDataShorterThanItsShapeIsRefused) {
  TempDir dir;
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.initializer("w", kFloat, {4}, {1, 2, 3, 4});
  b.graph().mutable_initializer(0)->mutable_raw_data()->resize(8);  // two floats for a shape of four
  b.node("Mul", {"x", "w"}, {"y"}, "mul");
  b.output("y", kFloat);
  expect_clean_failure(b.save(dir / "short.onnx"), "holds 8 bytes of raw data, but its shape needs 16");
}

// Opening a FIFO for reading waits for a writer. If trtlens does that, this watchdog becomes the writer after
// `after`, so a regression fails on time instead of hanging the suite.
class FifoWatchdog {
 public:
  FifoWatchdog(std::filesystem::path fifo, std::chrono::seconds after)
      : thread_([this, fifo = std::move(fifo), after] {
          const auto deadline = std::chrono::steady_clock::now() + after;
          while (!stop_ && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          while (!stop_) {  // a blocked reader lets a non-blocking writer open; then close at once (EOF)
            const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}
  ~FifoWatchdog() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(HostileInput, FifoAsTheModelIsRefusedWithoutWaiting) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir / "pipe.onnx").c_str(), 0600), 0);
  FifoWatchdog watchdog(dir / "pipe.onnx", std::chrono::seconds(5));
  const auto start = std::chrono::steady_clock::now();
  expect_clean_failure(dir / "pipe.onnx", "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(HostileInput, FifoAsExternalDataIsRefusedWithoutWaiting) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir / "w.bin").c_str(), 0600), 0);
  const auto model = external_model("w.bin").save(dir / "model.onnx");
  FifoWatchdog watchdog(dir / "w.bin", std::chrono::seconds(5));
  const auto start = std::chrono::steady_clock::now();
  expect_clean_failure(model, "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

}  // namespace
}  // namespace trtlens::test
