// `trtlens check DIR|GLOB|FILE...`: a folder of 50 generated models checked with --jobs 2 gives, per model, exactly
// the JSON a one-model check prints; output order, exit code and SARIF run cover the whole set.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

// Four kinds, varied by i: convertible (Relu), fallback at int8 (Conv + Softmax), unsupported on 8.6 (custom op),
// and unsupported on 8.6 for its opset (Gelu-20 has no importer before 10.0).
ModelBuilder kind(int i) {
  const std::int64_t width = 2 + i;
  switch (i % 4) {
    case 0: {
      ModelBuilder b(13);
      b.input("x", kFloat, {1, width});
      b.node("Relu", {"x"}, {"y"}, "relu" + std::to_string(i));
      b.output("y", kFloat);
      return b;
    }
    case 1: {
      ModelBuilder b(13);
      b.input("x", kFloat, {1, 3, 8, 8});
      b.initializer("w", kFloat, {4, 3, 3, 3}, std::vector<double>(4 * 3 * 3 * 3, 0.25 * i));
      set_attr(b.node("Conv", {"x", "w"}, {"c"}, "conv"), "kernel_shape", std::vector<std::int64_t>{3, 3});
      b.node("Softmax", {"c"}, {"y"}, "softmax");
      b.output("y", kFloat);
      return b;
    }
    case 2: {
      ModelBuilder b(17);
      b.opset("com.example", 1);
      b.input("x", kFloat, {width});
      b.node("Relu", {"x"}, {"r"});
      b.node("MyCustomOp", {"r"}, {"y"}, "custom").set_domain("com.example");
      b.output("y", kFloat);
      return b;
    }
    default: {
      ModelBuilder b(20);
      b.input("x", kFloat, {1, width});
      b.node("Gelu", {"x"}, {"y"}, "gelu");
      b.output("y", kFloat);
      return b;
    }
  }
}

// 50 models, some in a subfolder (folders are searched recursively).
std::filesystem::path model_folder(const TempDir& dir) {
  const auto root = dir / "models";
  std::filesystem::create_directories(root / "sub");
  for (int i = 0; i < 50; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "m%02d.onnx", i);
    kind(i).save((i % 5 == 0 ? root / "sub" : root) / name);
  }
  write_file(root / "notes.txt", "not a model");
  return root;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(BatchCheck, FiftyModelsWithTwoJobsMatchOneByOne) {
  TempDir dir;
  const auto root = model_folder(dir);
  const RunResult batch = run_trtlens({"check", root.string(), "--jobs", "2", "--trt", "8.6", "--precision", "int8",
                                       "--format", "json"});
  EXPECT_EQ(batch.exit_code, 1) << batch.err;  // some models have unsupported nodes
  const auto lines = json_lines(batch.out);
  ASSERT_EQ(lines.size(), 50u);
  std::vector<std::string> paths;
  for (const auto& doc : lines) paths.push_back(doc["model"]["path"]);
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));  // input order, not finishing order
  std::map<std::string, int> statuses;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const RunResult one = run_trtlens({"check", paths[i], "--trt", "8.6", "--precision", "int8", "--format", "json"});
    ASSERT_NE(one.exit_code, 2) << one.err;
    EXPECT_EQ(nlohmann::json::parse(one.out), lines[i]) << paths[i];
    for (const auto& n : lines[i]["nodes"]) ++statuses[n["status"].get<std::string>()];
  }
  // The set holds all three verdicts (so the comparison above covered each).
  EXPECT_GT(statuses["convertible"], 0);
  EXPECT_GT(statuses["fallback"], 0);
  EXPECT_GT(statuses["unsupported"], 0);
  // Progress: one line per model on stderr (not a terminal here).
  EXPECT_NE(batch.err.find("[50/50] "), std::string::npos) << batch.err;
  // One job gives byte-identical output.
  const RunResult serial = run_trtlens({"check", root.string(), "--jobs", "1", "--trt", "8.6", "--precision", "int8",
                                        "--format", "json"});
  EXPECT_EQ(serial.out, batch.out);
}

TEST(BatchCheck, TableSummarisesTheSetAndSarifIsOneRun) {
  TempDir dir;
  const auto root = model_folder(dir);
  const RunResult table = run_trtlens({"check", root.string(), "-j", "2", "--trt", "8.6"});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  // Kinds 0 and 1 (26 models) convert in fp32; 2 and 3 (24) do not.
  EXPECT_NE(table.out.find("50 models on TensorRT 8.6.1 (fp32): 26 convertible, 24 unsupported"), std::string::npos)
      << table.out;

  const RunResult sarif = run_trtlens({"check", (root / "sub").string(), (root / "m0*.onnx").string(), "--trt", "8.6",
                                       "--format", "sarif"});
  EXPECT_EQ(sarif.exit_code, 1) << sarif.err;
  const auto doc = nlohmann::json::parse(sarif.out);
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& run = doc["runs"][0];
  // sub/ holds m00 m05 ... m45 (10), the glob m0*.onnx at the top adds m01-m04, m06-m09 (8).
  ASSERT_EQ(run["artifacts"].size(), 18u);
  ASSERT_EQ(run["properties"]["models"].size(), 18u);
  std::set<std::string> rule_ids;
  for (const auto& r : run["tool"]["driver"]["rules"]) EXPECT_TRUE(rule_ids.insert(r["id"]).second);  // merged
  int custom_errors = 0;
  for (const auto& r : run["results"]) {
    const auto& loc = r["locations"][0]["physicalLocation"]["artifactLocation"];
    EXPECT_EQ(run["artifacts"][loc["index"].get<std::size_t>()]["location"]["uri"], loc["uri"]);
    EXPECT_EQ(run["tool"]["driver"]["rules"][r["ruleIndex"].get<std::size_t>()]["id"], r["ruleId"]);
    if (r["level"] == "error" && r["message"]["text"].get<std::string>().rfind("custom (MyCustomOp)", 0) == 0)
      ++custom_errors;
  }
  EXPECT_EQ(custom_errors, 4);  // the custom-op kind (i % 4 == 2) among the 18: m02 m06 (glob), m10 m30 (sub)
}

TEST(BatchCheck, UnreadableModelMakesTheSetAnInputError) {
  TempDir dir;
  const auto good = kind(0).save(dir / "good.onnx");
  write_file(dir / "bad.onnx", "not protobuf at all");
  const RunResult r = run_trtlens({"check", good.string(), (dir / "bad.onnx").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["summary"]["unsupported"], 0);
  EXPECT_EQ(lines[1]["model"]["path"], (dir / "bad.onnx").string());
  EXPECT_FALSE(lines[1]["error"]["code"].get<std::string>().empty());

  EXPECT_EQ(run_trtlens({"check", (dir / "nothing*.onnx").string()}).exit_code, 2);          // glob matches nothing
  EXPECT_EQ(run_trtlens({"check", dir.path().string(), "--format", "html"}).exit_code, 2);  // one-model format
}

}  // namespace
}  // namespace trtlens::test
