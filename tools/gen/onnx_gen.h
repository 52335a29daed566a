// Small helpers for writing ONNX models with the protobuf classes, shared by the model generators (the example model,
// the benchmark models, trtlens-modelgen). Header-only: the generators link nothing but onnx_proto and protobuf.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace trtlens::gen {

using Dims = std::vector<std::int64_t>;

inline onnx::ModelProto model(int opset, const std::string& producer, int ir_version = 8) {
  onnx::ModelProto m;
  m.set_ir_version(ir_version);
  m.set_producer_name(producer);
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  return m;
}

inline void value_info(onnx::ValueInfoProto* v, const std::string& name, const Dims& dims,
                       int dtype = onnx::TensorProto::FLOAT) {
  v->set_name(name);
  auto* tensor = v->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(dtype);
  auto* shape = tensor->mutable_shape();
  for (auto d : dims) shape->add_dim()->set_dim_value(d);
}

inline void attr(onnx::NodeProto& n, const std::string& name, const Dims& values) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto v : values) a->add_ints(v);
}
inline void attr(onnx::NodeProto& n, const std::string& name, std::int64_t value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}
inline void attr(onnx::NodeProto& n, const std::string& name, float value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}
inline void attr(onnx::NodeProto& n, const std::string& name, const std::string& value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}
inline void attr(onnx::NodeProto& n, const std::string& name, const onnx::GraphProto& g) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::GRAPH);
  *a->mutable_g() = g;
}

// Appends nodes, graph inputs/outputs and initializers to one graph.
class GraphWriter {
 public:
  explicit GraphWriter(onnx::GraphProto& g) : g_(g) {}

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& in,
                        const std::vector<std::string>& out, const std::string& name) {
    auto* n = g_.add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return *n;
  }
  void input(const std::string& name, const Dims& dims, int dtype = onnx::TensorProto::FLOAT) {
    value_info(g_.add_input(), name, dims, dtype);
  }
  void output(const std::string& name, const Dims& dims, int dtype = onnx::TensorProto::FLOAT) {
    value_info(g_.add_output(), name, dims, dtype);
  }
  // FLOAT weights drawn from N(0, stddev) into raw_data; `shape` may post-process each value (rounding, ...).
  onnx::TensorProto& random_weight(const std::string& name, const Dims& dims, float stddev, std::mt19937& rng,
                                   const std::function<float(float)>& shape = {}) {
    auto& t = tensor(name, onnx::TensorProto::FLOAT, dims);
    std::normal_distribution<float> dist(0.0f, stddev);
    std::string raw(static_cast<std::size_t>(count(dims)) * sizeof(float), '\0');
    for (std::int64_t i = 0; i < count(dims); ++i) {
      float v = dist(rng);
      if (shape) v = shape(v);
      std::memcpy(raw.data() + i * sizeof(float), &v, sizeof(float));
    }
    t.set_raw_data(raw);
    return t;
  }
  // FLOAT weights all equal to `value`, in float_data (dims {} is a scalar).
  onnx::TensorProto& filled_weight(const std::string& name, const Dims& dims, float value) {
    auto& t = tensor(name, onnx::TensorProto::FLOAT, dims);
    for (std::int64_t i = 0; i < count(dims); ++i) t.add_float_data(value);
    return t;
  }
  // A 1-D INT64 initializer (shapes, axes, splits).
  onnx::TensorProto& ints(const std::string& name, const Dims& values) {
    auto& t = tensor(name, onnx::TensorProto::INT64, {static_cast<std::int64_t>(values.size())});
    for (auto v : values) t.add_int64_data(v);
    return t;
  }
  onnx::GraphProto& proto() { return g_; }

 private:
  static std::int64_t count(const Dims& dims) {
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
  }
  onnx::TensorProto& tensor(const std::string& name, int dtype, const Dims& dims) {
    auto* t = g_.add_initializer();
    t->set_name(name);
    t->set_data_type(dtype);
    for (auto d : dims) t->add_dims(d);
    return *t;
  }
  onnx::GraphProto& g_;
};

}  // namespace trtlens::gen
