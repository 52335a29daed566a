// Loading and indexing: what a well-formed model yields, and the error code every kind of bad input gets.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "onnx/dtype.h"
#include "onnx/graph.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// A model whose initializer `w` (4 floats) lives in an external file at `location`, with explicit offset and length.
ModelBuilder external_model(const std::string& location, std::int64_t offset = 0, std::int64_t length = 16) {
  return trtlens::test::external_model(location, std::optional<std::int64_t>(offset), std::optional<std::int64_t>(length));
}

std::string floats(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

Result<std::unique_ptr<ModelIndex>> load_and_index(const std::filesystem::path& p) {
  auto loaded = load_model(p);
  if (!loaded) return loaded.error();
  return ModelIndex::build(std::move(loaded.value()));
}

std::string error_code(const Result<std::unique_ptr<ModelIndex>>& r) { return r ? "ok" : r.error().code; }

TEST(Load, ValidModelRemembersPathFolderAndOpsets) {
  TempDir dir;
  const auto path = relu_model().save(dir / "m.onnx");
  auto loaded = load_model(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value()->path(), path);
  EXPECT_EQ(loaded.value()->folder(), dir.path());
  EXPECT_EQ(loaded.value()->file_bytes(), std::filesystem::file_size(path));
  auto index = ModelIndex::build(std::move(loaded.value()));
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index.value()->default_opset(), 13);
  ASSERT_EQ(index.value()->nodes().size(), 1u);
  EXPECT_EQ(index.value()->nodes()[0].op_type, "Relu");
}

TEST(Load, NonexistentPathIsNotFound) {
  TempDir dir;
  auto r = load_model(dir / "missing.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_NOT_FOUND");
  EXPECT_NE(r.error().message.find("missing.onnx"), std::string::npos);
}

TEST(Load, DirectoryIsNotAFile) {
  TempDir dir;
  auto r = load_model(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_NOT_A_FILE");
}

TEST(Load, ZeroByteFileIsEmpty) {
  TempDir dir;
  write_file(dir / "empty.onnx", "");
  auto r = load_model(dir / "empty.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_EMPTY");
}

TEST(Load, TruncatedFileIsAParseError) {
  TempDir dir;
  const std::string bytes = relu_model().bytes();
  write_file(dir / "cut.onnx", bytes.substr(0, bytes.size() / 2));
  auto r = load_model(dir / "cut.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_PARSE");
}

TEST(Load, RandomBytesAreRefused) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    std::string junk(257 + round * 31, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    auto r = load_model_bytes(junk.data(), junk.size(), "junk.onnx");
    ASSERT_FALSE(r.ok()) << "round " << round;
    EXPECT_TRUE(r.error().code == "E_PARSE" || r.error().code == "E_NOT_ONNX") << r.error().code;
  }
}

TEST(Load, TextFileIsNotOnnx) {
  const std::string text = "name,value\nalpha,1\n";
  auto r = load_model_bytes(text.data(), text.size(), "table.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == "E_PARSE" || r.error().code == "E_NOT_ONNX") << r.error().code;
}

TEST(Load, ProtobufWithoutGraphIsNotOnnx) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  const std::string bytes = m.SerializeAsString();
  auto r = load_model_bytes(bytes.data(), bytes.size(), "nograph.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_NOT_ONNX");
}

TEST(Index, DuplicateOutputNameIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"y"}, "a");
  b.node("Sigmoid", {"x"}, {"y"}, "b");
  b.output("y", kFloat);
  auto r = try_index(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_DUPLICATE_NAME");
  EXPECT_NE(r.error().message.find("'y'"), std::string::npos);
}

TEST(Index, DuplicateInitializerIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {1});
  b.initializer("w", kFloat, {1}, {1});
  b.initializer("w", kFloat, {1}, {2});
  b.node("Add", {"x", "w"}, {"y"});
  b.output("y", kFloat);
  EXPECT_EQ(error_code(try_index(b)), "E_DUPLICATE_NAME");
}

TEST(Index, CycleIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Add", {"x", "c"}, {"a"}, "first");
  b.node("Relu", {"a"}, {"c"}, "second");
  b.output("c", kFloat);
  auto r = try_index(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_CYCLE");
}

TEST(Index, SelfLoopIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Add", {"x", "y"}, {"y"}, "self");
  b.output("y", kFloat);
  EXPECT_EQ(error_code(try_index(b)), "E_CYCLE");
}

TEST(Index, InputNobodyProducesIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Add", {"x", "ghost"}, {"y"}, "add");
  b.output("y", kFloat);
  auto r = try_index(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_UNDEFINED_INPUT");
  EXPECT_NE(r.error().message.find("ghost"), std::string::npos);
}

TEST(Index, MissingRequiredAttributeIsRefused) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Cast", {"x"}, {"y"}, "cast");  // Cast requires 'to'
  b.output("y", kFloat);
  auto r = try_index(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_MISSING_ATTRIBUTE");
  EXPECT_NE(r.error().message.find("'to'"), std::string::npos);
}

TEST(Index, NodesOutOfFileOrderAreSorted) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"a"}, {"y"}, "second");
  b.node("Sigmoid", {"x"}, {"a"}, "first");
  b.output("y", kFloat);
  auto index = index_of(b);
  ASSERT_TRUE(index);
  const auto& topo = index->scopes()[0]->topo;
  ASSERT_EQ(topo.size(), 2u);
  EXPECT_EQ(index->nodes()[static_cast<std::size_t>(topo[0])].name, "first");
  EXPECT_EQ(index->find(0, "y")->dtype, kFloat);
}

TEST(Index, UnnamedNodesGetStableSyntheticNames) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"y"});
  b.output("y", kFloat);
  auto index = index_of(b);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->nodes()[0].name, "node_of_y");
}

TEST(ExternalData, ValuesAreReadFromTheFileNextToTheModel) {
  TempDir dir;
  write_file(dir / "w.bin", "PAD" + floats({1.0f, -70000.0f, 3.0f, 0.0f}));
  const auto path = external_model("w.bin", 3).save(dir / "m.onnx");
  auto index = load_and_index(path);
  ASSERT_TRUE(index.ok()) << index.error().message;
  const TensorInfo* w = index.value()->find(0, "w");
  ASSERT_TRUE(w && w->initializer);
  const ValueStats& s = index.value()->external().stats(*w->initializer);
  ASSERT_TRUE(s.available);
  EXPECT_EQ(s.count, 4);
  EXPECT_DOUBLE_EQ(s.max_abs, 70000.0);
  EXPECT_EQ(s.fp16_overflow, 1);
  EXPECT_DOUBLE_EQ(s.min_value, -70000.0);
}

TEST(ExternalData, StatsSpanSeveralWindows) {
  TempDir dir;
  // More than one window, at an offset of 3 so an element straddles the first window's end.
  const std::size_t n = (ExternalData::kWindow / 4) + 1000;
  std::vector<float> v(n, 1.0f);
  v[ExternalData::kWindow / 4 - 1] = -5.0f;
  v.back() = 9.0f;
  write_file(dir / "big.bin", "..." + floats(v));
  auto b = external_model("big.bin", 3, static_cast<std::int64_t>(n * 4));
  b.graph().mutable_initializer(0)->set_dims(0, static_cast<std::int64_t>(n));
  b.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(
      static_cast<std::int64_t>(n));
  auto index = load_and_index(b.save(dir / "m.onnx"));
  ASSERT_TRUE(index.ok()) << index.error().message;
  const ValueStats& s = index.value()->external().stats(*index.value()->find(0, "w")->initializer);
  ASSERT_TRUE(s.available);
  EXPECT_EQ(s.count, static_cast<std::int64_t>(n));
  EXPECT_DOUBLE_EQ(s.min_value, -5.0);
  EXPECT_DOUBLE_EQ(s.max_value, 9.0);
}

TEST(ExternalData, AFileShorterThanTheTensorIsRefused) {
  TempDir dir;
  write_file(dir / "w.bin", floats({1.0f, 2.0f}));  // the tensor is FLOAT[4]: 16 bytes needed, 8 present
  // No offset or length: the data runs to the end of the file, which is too short for the shape.
  auto r = load_and_index(trtlens::test::external_model("w.bin").save(dir / "m.onnx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_EXTERNAL_RANGE");
  EXPECT_NE(r.error().message.find("holds 8 bytes"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("needs 16"), std::string::npos) << r.error().message;
}

TEST(ExternalData, ParentDirectoryLocationIsRefused) {
  TempDir dir;
  std::filesystem::create_directories(dir / "model");
  write_file(dir / "w.bin", floats({1, 2, 3, 4}));
  auto r = load_and_index(external_model("../w.bin").save(dir / "model" / "m.onnx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_EXTERNAL_PATH");
  EXPECT_NE(r.error().message.find("../w.bin"), std::string::npos);
}

TEST(ExternalData, HiddenParentDirectoryIsRefused) {
  TempDir dir;
  std::filesystem::create_directories(dir / "model" / "sub");
  write_file(dir / "w.bin", floats({1, 2, 3, 4}));
  auto r = load_and_index(external_model("sub/../../w.bin").save(dir / "model" / "m.onnx"));
  EXPECT_EQ(error_code(r), "E_EXTERNAL_PATH");
}

TEST(ExternalData, AbsoluteLocationIsRefused) {
  TempDir dir;
  write_file(dir / "w.bin", floats({1, 2, 3, 4}));
  auto r = load_and_index(external_model((dir / "w.bin").string()).save(dir / "m.onnx"));
  EXPECT_EQ(error_code(r), "E_EXTERNAL_PATH");
}

TEST(ExternalData, SymlinkOutOfTheFolderIsRefused) {
  TempDir dir;
  std::filesystem::create_directories(dir / "model");
  write_file(dir / "secret.bin", floats({1, 2, 3, 4}));
  std::filesystem::create_symlink(dir / "secret.bin", dir / "model" / "w.bin");
  auto r = load_and_index(external_model("w.bin").save(dir / "model" / "m.onnx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_EXTERNAL_PATH");
}

TEST(ExternalData, SymlinkInsideTheFolderIsAccepted) {
  TempDir dir;
  std::filesystem::create_directories(dir / "weights");
  write_file(dir / "weights" / "real.bin", floats({1, 2, 3, 4}));
  std::filesystem::create_symlink("weights/real.bin", dir / "w.bin");
  auto r = load_and_index(external_model("w.bin").save(dir / "m.onnx"));
  EXPECT_EQ(error_code(r), "ok") << (r ? "" : r.error().message);
}

TEST(ExternalData, MissingFileIsReported) {
  TempDir dir;
  auto r = load_and_index(external_model("nowhere.bin").save(dir / "m.onnx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E_EXTERNAL_MISSING");
  EXPECT_NE(r.error().message.find("nowhere.bin"), std::string::npos);
}

TEST(ExternalData, RangePastTheEndIsReported) {
  TempDir dir;
  write_file(dir / "w.bin", floats({1, 2}));
  auto r = load_and_index(external_model("w.bin", 0, 16).save(dir / "m.onnx"));
  EXPECT_EQ(error_code(r), "E_EXTERNAL_RANGE");
}

TEST(ExternalData, NegativeOffsetIsReported) {
  TempDir dir;
  write_file(dir / "w.bin", floats({1, 2, 3, 4}));
  auto r = load_and_index(external_model("w.bin", -4).save(dir / "m.onnx"));
  EXPECT_EQ(error_code(r), "E_EXTERNAL_RANGE");
}

}  // namespace
}  // namespace trtlens::test
