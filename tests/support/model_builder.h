// Builds small ONNX models in code for tests: the reader sees the graph in the test itself.
#pragma once
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onnx/graph.h"
#include "onnx/onnx_pb.h"
#include "verdict/analysis.h"

namespace trtlens::test {

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset = 17, int ir_version = 8);

  ModelBuilder& opset(const std::string& domain, int version);
  ModelBuilder& input(const std::string& name, int dtype, std::vector<std::int64_t> dims = {1, 3, 8, 8});
  ModelBuilder& output(const std::string& name, int dtype = 0, std::vector<std::int64_t> dims = {});
  // Initializer with raw_data of `dtype` holding `values` (converted), shape `dims`.
  ModelBuilder& initializer(const std::string& name, int dtype, std::vector<std::int64_t> dims,
                            const std::vector<double>& values);
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                        const std::string& name = "");

  onnx::ModelProto& proto() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }
  std::string bytes() const;
  std::filesystem::path save(const std::filesystem::path& path) const;

 private:
  onnx::ModelProto model_;
};

// Attribute helpers.
void set_attr(onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_attr(onnx::NodeProto& node, const std::string& name, double value);
void set_attr(onnx::NodeProto& node, const std::string& name, const char* value);
void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value);
void set_attr(onnx::NodeProto& node, const std::string& name, std::vector<std::int64_t> values);
void set_attr(onnx::NodeProto& node, const std::string& name, const onnx::GraphProto& graph);
void set_attr(onnx::NodeProto& node, const std::string& name, const onnx::TensorProto& tensor);
onnx::TensorProto make_tensor(const std::string& name, int dtype, std::vector<std::int64_t> dims,
                              const std::vector<double>& values);
onnx::ValueInfoProto value_info(const std::string& name, int dtype, std::vector<std::int64_t> dims);

// Small models and files shared by the loading and bad-input tests.
void write_file(const std::filesystem::path& path, const std::string& data);
ModelBuilder relu_model();  // x[1,4] -> Relu -> y
// Mul of `x` by an initializer `w` (4 floats) stored externally at `location`; offset/length keys only when given.
ModelBuilder external_model(const std::string& location, std::optional<std::int64_t> offset = std::nullopt,
                            std::optional<std::int64_t> length = std::nullopt);

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Loads and indexes the builder's model (fails the test on a load error).
std::unique_ptr<ModelIndex> index_of(const ModelBuilder& b);
Result<std::unique_ptr<ModelIndex>> try_index(const ModelBuilder& b);
// The target for a release and precision list ("8.6", "fp16,int8"); throws when either is unknown.
Target target_of(const std::string& release, const std::string& precisions = "fp32", bool strict = false,
                 const std::vector<std::string>& plugins = {});
// target_of on `gpu` ("orin", "sm_87"), with its DLA when `dla` (`gpu_fallback` false: --no-gpu-fallback); throws
// when the GPU is unknown too.
Target hardware_target(const std::string& release, const std::string& precisions, const std::string& gpu, bool dla,
                       bool gpu_fallback = true);
// Analyses for a release and precision list ("8.6", "fp16,int8").
Analysis check(const ModelIndex& index, const std::string& release, const std::string& precisions = "fp32",
               bool strict = false, const std::vector<std::string>& plugins = {});
// The verdict of the node named `name`.
const NodeVerdict& verdict(const ModelIndex& index, const Analysis& a, const std::string& name);
// The first reason / warning / model issue with `code`; nullptr when there is none.
const Reason* find_reason(const NodeVerdict& v, const std::string& code);
const Warning* find_warning(const NodeVerdict& v, const std::string& code);
const ModelIssue* find_model_issue(const Analysis& a, const std::string& code);
bool has_reason(const NodeVerdict& v, const std::string& code);
bool has_warning(const NodeVerdict& v, const std::string& code);
bool has_model_issue(const Analysis& a, const std::string& code);

// Runs the trtlens binary with arguments; returns exit code and captures stdout/stderr.
struct RunResult {
  int exit_code;
  std::string out, err;
};
RunResult run_trtlens(const std::vector<std::string>& args);

}  // namespace trtlens::test
