#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "onnx/dtype.h"
#include "support/cli.h"
#include "support/model_builder.h"
#include "support/models.h"

namespace trtlens::test {
namespace {

ModelBuilder model(int ir_version = 8) {
  ModelBuilder b(15, ir_version);
  b.input("x", kFloat, {4});
  b.node("Relu", {"x"}, {"a"}, "relu").set_doc_string("written by the author");
  b.node("Bernoulli", {"a"}, {"y"}, "bernoulli");
  b.output("y", kFloat, {4});
  return b;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const onnx::NodeProto& node_named(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& n : m.graph().node())
    if (n.name() == name) return n;
  throw std::runtime_error("no node " + name);
}

// NodeProto.metadata_props (field 9, IR >= 10) is unknown to Debian's ONNX 1.12 classes: read it raw.
std::map<std::string, std::string> node_metadata(const onnx::NodeProto& node) {
  std::map<std::string, std::string> out;
  const auto& unknown = node.GetReflection()->GetUnknownFields(node);
  for (int i = 0; i < unknown.field_count(); ++i) {
    onnx::StringStringEntryProto entry;
    if (unknown.field(i).number() == 9 && entry.ParseFromString(unknown.field(i).length_delimited()))
      out[entry.key()] = entry.value();
  }
  return out;
}

TEST(Annotate, RoundTripKeepsTheGraphAndAddsVerdicts) {
  TempDir dir;
  const auto in = model().save(dir / "m.onnx");
  const std::string before = slurp(in);
  auto r = run_trtlens({"annotate", in.string(), "-o", (dir / "out.onnx").string(), "--trt", "10.15"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(in), before);  // the input is untouched

  auto loaded = load_model(dir / "out.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const onnx::ModelProto out = loaded.value()->proto();
  EXPECT_NO_THROW(onnx::checker::check_model(out));
  auto index = ModelIndex::build(std::move(loaded.value()));
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index.value()->nodes().size(), 2u);

  const std::string relu_doc = node_named(out, "relu").doc_string();
  EXPECT_EQ(relu_doc.rfind("written by the author\n\n[trtlens] TensorRT 10.15", 0), 0u) << relu_doc;
  EXPECT_NE(relu_doc.find(": convertible, runs in fp32"), std::string::npos) << relu_doc;
  const std::string bad_doc = node_named(out, "bernoulli").doc_string();
  EXPECT_NE(bad_doc.find(": unsupported"), std::string::npos) << bad_doc;
  EXPECT_NE(bad_doc.find("- TRT_NO_IMPORTER: "), std::string::npos) << bad_doc;
  EXPECT_TRUE(node_metadata(node_named(out, "bernoulli")).empty());  // IR 8 has no node metadata_props

  std::map<std::string, std::string> props;
  for (const auto& p : out.metadata_props()) props[p.key()] = p.value();
  EXPECT_EQ(props["trtlens.target"].rfind("TensorRT 10.15", 0), 0u);
  EXPECT_EQ(json_of(props["trtlens.summary"])["unsupported"], 1);

  // Annotating the annotated model again replaces the block instead of stacking a second one.
  auto again = run_trtlens({"annotate", (dir / "out.onnx").string(), "-o", (dir / "out2.onnx").string(), "--trt", "8.6"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto twice = load_model(dir / "out2.onnx");
  ASSERT_TRUE(twice.ok());
  const std::string doc2 = node_named(twice.value()->proto(), "relu").doc_string();
  EXPECT_EQ(doc2.find("[trtlens]"), doc2.rfind("[trtlens]")) << doc2;
  EXPECT_NE(doc2.find("TensorRT 8.6"), std::string::npos);
  EXPECT_EQ(doc2.find("TensorRT 10.15"), std::string::npos);
}

TEST(Annotate, Ir10ModelsGetNodeMetadataProps) {
  TempDir dir;
  const auto in = model(10).save(dir / "m.onnx");
  auto r = run_trtlens({"annotate", in.string(), "-o", (dir / "out.onnx").string(), "--trt", "10.15"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto loaded = load_model(dir / "out.onnx");
  ASSERT_TRUE(loaded.ok());
  auto meta = node_metadata(node_named(loaded.value()->proto(), "bernoulli"));
  EXPECT_EQ(meta["trtlens.status"], "unsupported");
  EXPECT_EQ(meta["trtlens.runs_in"], "");
  const auto reasons = json_of(meta["trtlens.reasons"]);
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0]["code"], "TRT_NO_IMPORTER");
  EXPECT_EQ(json_of(meta["trtlens.warnings"]).size(), 0u);
  EXPECT_EQ(node_metadata(node_named(loaded.value()->proto(), "relu"))["trtlens.status"], "convertible");
  // Re-annotating replaces the entries: still one trtlens.status.
  ASSERT_EQ(run_trtlens({"annotate", (dir / "out.onnx").string(), "-o", (dir / "out2.onnx").string()}).exit_code, 0);
  auto twice = load_model(dir / "out2.onnx");
  ASSERT_TRUE(twice.ok());
  const auto& unknown = node_named(twice.value()->proto(), "relu").GetReflection()->GetUnknownFields(
      node_named(twice.value()->proto(), "relu"));
  EXPECT_EQ(unknown.field_count(), 5);
}

// Rule reasons keep their source and confidence in the annotation (docs/json-format.md).
TEST(Annotate, RuleReasonsCarrySourceAndConfidence) {
  TempDir dir;
  ModelBuilder b(13, 10);
  b.input("x", kInt32, {4});  // INT32: the unary path refuses Acos on it
  b.node("Acos", {"x"}, {"y"}, "acos");
  b.output("y", kInt32, {4});
  const auto in = b.save(dir / "m.onnx");
  auto r = run_trtlens({"annotate", in.string(), "-o", (dir / "out.onnx").string(), "--trt", "8.6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto loaded = load_model(dir / "out.onnx");
  ASSERT_TRUE(loaded.ok());
  const auto reasons = json_of(node_metadata(node_named(loaded.value()->proto(), "acos"))["trtlens.reasons"]);
  ASSERT_EQ(reasons.size(), 1u) << reasons.dump();
  EXPECT_EQ(reasons[0]["code"], "TRT_ACOS_INPUT_TYPE");
  EXPECT_EQ(reasons[0]["confidence"], "code");
  EXPECT_EQ(reasons[0]["source"].get<std::string>().rfind("tag release/8.6-GA", 0), 0u) << reasons[0]["source"];
}

TEST(Annotate, NeverOverwritesTheInputOrAnExistingOutput) {
  TempDir dir;
  const auto in = model().save(dir / "m.onnx");
  const std::string before = slurp(in);
  auto same = run_trtlens({"annotate", in.string(), "-o", in.string(), "--force"});
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_NE(same.err.find("refusing to overwrite the input"), std::string::npos) << same.err;
  // The same file under another name (a hard link) is still the input.
  std::filesystem::create_hard_link(in, dir / "link.onnx");
  EXPECT_EQ(run_trtlens({"annotate", in.string(), "-o", (dir / "link.onnx").string(), "--force"}).exit_code, 2);
  EXPECT_EQ(slurp(in), before);

  std::ofstream(dir / "existing.onnx") << "keep me";
  auto exists = run_trtlens({"annotate", in.string(), "-o", (dir / "existing.onnx").string()});
  EXPECT_EQ(exists.exit_code, 2);
  EXPECT_EQ(slurp(dir / "existing.onnx"), "keep me");
  EXPECT_EQ(run_trtlens({"annotate", in.string(), "-o", (dir / "existing.onnx").string(), "--force"}).exit_code, 0);
  EXPECT_NE(slurp(dir / "existing.onnx"), "keep me");
  EXPECT_EQ(run_trtlens({"annotate", (dir / "nope.onnx").string(), "-o", (dir / "o.onnx").string()}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "o.onnx"));
}

// With --gpu/--dla each node records where it runs, and the model records the hardware and the DLA counts.
TEST(Annotate, DlaTargetRecordsTheDeviceOfEachNode) {
  TempDir dir;
  ModelBuilder b = dla_conv(1, "conv", 10);
  b.node("Exp", {"c"}, {"y"}, "exp");
  b.output("y", kFloat, {1, 8, 16, 16});
  const auto in = b.save(dir / "m.onnx");
  auto r = run_trtlens({"annotate", in.string(), "-o", (dir / "out.onnx").string(), "--trt", "8.6", "--precision",
                        "fp16", "--gpu", "orin", "--dla"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("for TensorRT 8.6.1 (fp16) on Orin (SM 8.7), DLA with GPU fallback"), std::string::npos) << r.out;
  auto loaded = load_model(dir / "out.onnx");
  ASSERT_TRUE(loaded.ok());
  const onnx::ModelProto& out = loaded.value()->proto();
  auto conv = node_metadata(node_named(out, "conv"));
  EXPECT_EQ(conv["trtlens.device"], "dla");
  EXPECT_EQ(conv["trtlens.status"], "convertible");
  auto exp = node_metadata(node_named(out, "exp"));
  EXPECT_EQ(exp["trtlens.device"], "gpu");
  EXPECT_EQ(exp["trtlens.status"], "fallback");
  EXPECT_EQ(json_of(exp["trtlens.reasons"])[0]["code"], "TRT_DLA_LAYER_UNSUPPORTED");
  EXPECT_NE(node_named(out, "conv").doc_string().find(": convertible, runs in fp16, on the DLA"), std::string::npos)
      << node_named(out, "conv").doc_string();
  std::map<std::string, std::string> props;
  for (const auto& p : out.metadata_props()) props[p.key()] = p.value();
  EXPECT_EQ(json_of(props["trtlens.hardware"])["product"], "Orin");
  const auto summary = json_of(props["trtlens.summary"]);
  EXPECT_EQ(summary["dla_nodes"], 1);
  EXPECT_EQ(summary["gpu_nodes"], 1);
  EXPECT_EQ(summary["gpu_dla_transitions"], 1);
  EXPECT_EQ(run_trtlens({"annotate", in.string(), "-o", (dir / "o2.onnx").string(), "--gpu", "T4", "--dla"}).exit_code, 2);
}

}  // namespace
}  // namespace trtlens::test
