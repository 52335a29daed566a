#include "onnx/submodel.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>


namespace trtlens {
namespace {

// A graph input/output for `name`: the model's own declaration when it carries a type, else the index's facts.
onnx::ValueInfoProto declared_value_info(const ModelIndex& index,
                                         const std::unordered_map<std::string, const onnx::ValueInfoProto*>& declared,
                                         const std::string& name) {
  auto it = declared.find(name);
  if (it != declared.end() && it->second->type().tensor_type().elem_type() != 0) return *it->second;
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  const TensorInfo* t = index.find(0, name);
  if (!t) return vi;
  auto* tensor = vi.mutable_type()->mutable_tensor_type();
  if (t->dtype) tensor->set_elem_type(t->dtype);
  if (t->rank >= 0) {
    auto* shape = tensor->mutable_shape();
    for (auto d : t->dims) {
      auto* dim = shape->add_dim();
      if (d >= 0) dim->set_dim_value(d);
    }
  }
  return vi;
}

}  // namespace

onnx::ModelProto extract_submodel(const ModelIndex& index, const SubmodelSpec& part, const std::filesystem::path& out_dir) {
  const onnx::ModelProto& src = index.proto();
  onnx::ModelProto m;
  m.set_ir_version(src.ir_version());
  *m.mutable_opset_import() = src.opset_import();
  *m.mutable_functions() = src.functions();
  m.set_producer_name(part.producer_name);
  m.set_producer_version(part.producer_version);
  auto* g = m.mutable_graph();
  g->set_name(part.graph_name);

  std::unordered_map<std::string, const onnx::ValueInfoProto*> declared;
  for (const auto& vi : src.graph().value_info()) declared[vi.name()] = &vi;
  for (const auto& vi : src.graph().output()) declared[vi.name()] = &vi;
  for (const auto& vi : src.graph().input()) declared[vi.name()] = &vi;

  std::unordered_set<std::string> produced;
  for (int n : part.nodes) {
    const auto& proto = *index.nodes()[static_cast<std::size_t>(n)].proto;
    *g->add_node() = proto;
    for (const auto& o : proto.output()) produced.insert(o);
  }
  for (const auto& name : part.inputs) *g->add_input() = declared_value_info(index, declared, name);
  for (const auto& name : part.outputs) *g->add_output() = declared_value_info(index, declared, name);
  for (const auto& vi : src.graph().value_info())
    if (produced.count(vi.name()) && std::find(part.outputs.begin(), part.outputs.end(), vi.name()) == part.outputs.end())
      *g->add_value_info() = vi;

  const std::filesystem::path model_folder = std::filesystem::absolute(index.model().folder());
  const std::filesystem::path target_folder = std::filesystem::absolute(out_dir);
  for (const auto& name : part.initializers) {
    const TensorInfo* t = index.find(0, name);
    if (!t || !t->initializer) continue;
    onnx::TensorProto* copy = g->add_initializer();
    *copy = *t->initializer;
    // External weights stay where they are: the part points at the original file by a relative path.
    for (auto& entry : *copy->mutable_external_data())
      if (entry.key() == "location")
        entry.set_value((model_folder / entry.value()).lexically_normal().lexically_relative(target_folder).string());
  }
  return m;
}

}  // namespace trtlens
