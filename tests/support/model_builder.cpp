#include "support/model_builder.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "hw/hardware.h"
#include "kb/kb.h"
#include "onnx/dtype.h"

namespace trtlens::test {

ModelBuilder::ModelBuilder(int opset, int ir_version) {
  model_.set_ir_version(ir_version);
  model_.set_producer_name("trtlens-tests");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

ModelBuilder& ModelBuilder::opset(const std::string& domain, int version) {
  for (auto& op : *model_.mutable_opset_import())
    if (op.domain() == domain) {
      op.set_version(version);
      return *this;
    }
  auto* op = model_.add_opset_import();
  op->set_domain(domain);
  op->set_version(version);
  return *this;
}

onnx::ValueInfoProto value_info(const std::string& name, int dtype, std::vector<std::int64_t> dims) {
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  auto* t = vi.mutable_type()->mutable_tensor_type();
  if (dtype) t->set_elem_type(dtype);
  if (!dims.empty() || dtype) {
    auto* shape = t->mutable_shape();
    for (auto d : dims) shape->add_dim()->set_dim_value(d);
  }
  return vi;
}

ModelBuilder& ModelBuilder::input(const std::string& name, int dtype, std::vector<std::int64_t> dims) {
  *graph().add_input() = value_info(name, dtype, std::move(dims));
  return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name, int dtype, std::vector<std::int64_t> dims) {
  if (dtype == 0) {
    graph().add_output()->set_name(name);
  } else {
    *graph().add_output() = value_info(name, dtype, std::move(dims));
  }
  return *this;
}

onnx::TensorProto make_tensor(const std::string& name, int dtype, std::vector<std::int64_t> dims,
                              const std::vector<double>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(dtype);
  for (auto d : dims) t.add_dims(d);
  std::string raw;
  auto put = [&raw](const void* p, std::size_t n) { raw.append(static_cast<const char*>(p), n); };
  for (double v : values) {
    switch (dtype) {
      case kFloat: { float f = static_cast<float>(v); put(&f, 4); break; }
      case kDouble: put(&v, 8); break;
      case kInt64: { auto i = static_cast<std::int64_t>(v); put(&i, 8); break; }
      case kInt32: { auto i = static_cast<std::int32_t>(v); put(&i, 4); break; }
      case kInt8: { auto i = static_cast<std::int8_t>(v); put(&i, 1); break; }
      case kUint8: case kBool: { auto i = static_cast<std::uint8_t>(v); put(&i, 1); break; }
      case kFloat16: case kBfloat16: case kInt16: case kUint16: {
        // Only exact small values are needed in tests: store a float's upper bits (bf16) or 0 (fp16 0).
        float f = static_cast<float>(v);
        std::uint32_t bits;
        std::memcpy(&bits, &f, 4);
        std::uint16_t h = dtype == kBfloat16 ? static_cast<std::uint16_t>(bits >> 16) : static_cast<std::uint16_t>(v);
        put(&h, 2);
        break;
      }
      default: { auto i = static_cast<std::uint8_t>(v); put(&i, 1); break; }
    }
  }
  t.set_raw_data(raw);
  return t;
}

ModelBuilder& ModelBuilder::initializer(const std::string& name, int dtype, std::vector<std::int64_t> dims,
                                        const std::vector<double>& values) {
  *graph().add_initializer() = make_tensor(name, dtype, std::move(dims), values);
  return *this;
}

onnx::NodeProto& ModelBuilder::node(const std::string& op, std::vector<std::string> inputs,
                                    std::vector<std::string> outputs, const std::string& name) {
  auto* n = graph().add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : inputs) n->add_input(i);
  for (auto& o : outputs) n->add_output(o);
  return *n;
}

std::string ModelBuilder::bytes() const { return model_.SerializeAsString(); }

std::filesystem::path ModelBuilder::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary);
  out << bytes();
  return path;
}

static onnx::AttributeProto& add_attr(onnx::NodeProto& node, const std::string& name) {
  auto* a = node.add_attribute();
  a->set_name(name);
  return *a;
}
void set_attr(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}
void set_attr(onnx::NodeProto& node, const std::string& name, double value) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(static_cast<float>(value));
}
void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(value);
}
void set_attr(onnx::NodeProto& node, const std::string& name, const char* value) {
  set_attr(node, name, std::string(value));
}
void set_attr(onnx::NodeProto& node, const std::string& name, std::vector<std::int64_t> values) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::INTS);
  for (auto v : values) a.add_ints(v);
}
void set_attr(onnx::NodeProto& node, const std::string& name, const onnx::GraphProto& graph) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::GRAPH);
  *a.mutable_g() = graph;
}
void set_attr(onnx::NodeProto& node, const std::string& name, const onnx::TensorProto& tensor) {
  auto& a = add_attr(node, name);
  a.set_type(onnx::AttributeProto::TENSOR);
  *a.mutable_t() = tensor;
}

void write_file(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

ModelBuilder relu_model() {
  ModelBuilder b(13);
  b.input("x", kFloat, {1, 4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", kFloat, {1, 4});
  return b;
}

ModelBuilder external_model(const std::string& location, std::optional<std::int64_t> offset,
                            std::optional<std::int64_t> length) {
  ModelBuilder b(13);
  b.input("x", kFloat, {4});
  auto* w = b.graph().add_initializer();
  w->set_name("w");
  w->set_data_type(kFloat);
  w->add_dims(4);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [w](const std::string& k, const std::string& v) {
    auto* e = w->add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  add("location", location);
  if (offset) add("offset", std::to_string(*offset));
  if (length) add("length", std::to_string(*length));
  b.node("Mul", {"x", "w"}, {"y"}, "mul");
  b.output("y", kFloat, {4});
  return b;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("trtlens-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<std::unique_ptr<ModelIndex>> try_index(const ModelBuilder& b) {
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), std::filesystem::temp_directory_path() / "builder.onnx");
  if (!loaded) return loaded.error();
  return ModelIndex::build(std::move(loaded.value()));
}

std::unique_ptr<ModelIndex> index_of(const ModelBuilder& b) {
  auto index = try_index(b);
  if (!index) {
    ADD_FAILURE() << "model does not load: " << index.error().message;
    return nullptr;
  }
  return std::move(index.value());
}

Target target_of(const std::string& release, const std::string& precisions, bool strict,
                 const std::vector<std::string>& plugins) {
  auto target = make_target(KnowledgeBase::builtin(), release, precisions, strict, plugins);
  if (!target) throw std::runtime_error(target.error().message);
  return std::move(target.value());
}

Target hardware_target(const std::string& release, const std::string& precisions, const std::string& gpu, bool dla,
                       bool gpu_fallback) {
  Target target = target_of(release, precisions);
  auto hardware = HardwareKb::builtin().make_target(gpu, dla, gpu_fallback);
  if (!hardware) throw std::runtime_error(hardware.error().message);
  target.hardware = hardware.value();
  return target;
}

Analysis check(const ModelIndex& index, const std::string& release, const std::string& precisions, bool strict,
               const std::vector<std::string>& plugins) {
  return analyze(index, target_of(release, precisions, strict, plugins), KnowledgeBase::builtin());
}

const NodeVerdict& verdict(const ModelIndex& index, const Analysis& a, const std::string& name) {
  for (const auto& v : a.nodes)
    if (index.nodes()[static_cast<std::size_t>(v.index)].name == name) return v;
  throw std::runtime_error("no node named " + name);
}

namespace {
template <typename List>
auto* first_with_code(const List& list, const std::string& code) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& item) { return item.code == code; });
  return it == list.end() ? nullptr : &*it;
}
}  // namespace

const Reason* find_reason(const NodeVerdict& v, const std::string& code) { return first_with_code(v.reasons, code); }
const Warning* find_warning(const NodeVerdict& v, const std::string& code) { return first_with_code(v.warnings, code); }
const ModelIssue* find_model_issue(const Analysis& a, const std::string& code) {
  return first_with_code(a.model_issues, code);
}
bool has_reason(const NodeVerdict& v, const std::string& code) { return find_reason(v, code) != nullptr; }
bool has_warning(const NodeVerdict& v, const std::string& code) { return find_warning(v, code) != nullptr; }
bool has_model_issue(const Analysis& a, const std::string& code) { return find_model_issue(a, code) != nullptr; }

RunResult run_trtlens(const std::vector<std::string>& args) {
  TempDir dir;
  const auto out_path = dir / "out", err_path = dir / "err";
  pid_t pid = fork();
  if (pid == 0) {
    FILE* o = std::freopen(out_path.c_str(), "w", stdout);
    FILE* e = std::freopen(err_path.c_str(), "w", stderr);
    (void)o;
    (void)e;
    std::vector<char*> argv;
    std::string bin = TRTLENS_BINARY;
    if (const char* other = std::getenv("TRTLENS_TEST_BINARY")) bin = other;  // e.g. to show a test fails on main
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace trtlens::test
