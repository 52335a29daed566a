#include "server/graph_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>

#include "onnx/dtype.h"

namespace trtlens::server {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

template <typename List, typename Fn>
void join(std::ostringstream& out, const List& list, Fn fn, std::size_t limit) {
  out << '[';
  int i = 0;
  for (const auto& v : list) {
    if (i++) out << ", ";
    fn(v);
    if (static_cast<std::size_t>(out.tellp()) > limit) break;
  }
  out << ']';
}

std::string dims_text(const google::protobuf::RepeatedField<std::int64_t>& dims) {
  std::ostringstream out;
  join(out, dims, [&](std::int64_t d) { out << d; }, 200);
  return out.str();
}

const char* kind_of(const TensorInfo& t) {
  if (t.initializer) return "initializer";
  if (t.graph_input) return "input";
  if (t.graph_output) return "output";
  if (t.constant) return "constant";
  return "intermediate";
}

void write_tensor(Writer& w, const TensorInfo& t) {
  w.StartObject();
  str(w, "dtype");
  str(w, t.dtype ? dtype_name(t.dtype) : std::string_view("?"));
  str(w, "shape");
  if (t.rank < 0) {
    w.Null();
  } else {
    w.StartArray();
    for (auto d : t.dims) {
      if (d < 0) w.Null(); else w.Int64(d);
    }
    w.EndArray();
  }
  str(w, "kind");
  str(w, kind_of(t));
  w.EndObject();
}

}  // namespace

std::string attribute_text(const onnx::AttributeProto& a, std::size_t limit) {
  std::ostringstream out;
  using A = onnx::AttributeProto;
  switch (a.type()) {
    case A::INT: out << a.i(); break;
    case A::FLOAT: out << a.f(); break;
    case A::STRING: out << a.s(); break;
    case A::INTS: join(out, a.ints(), [&](std::int64_t v) { out << v; }, limit); break;
    case A::FLOATS: join(out, a.floats(), [&](float v) { out << v; }, limit); break;
    case A::STRINGS: join(out, a.strings(), [&](const std::string& v) { out << v; }, limit); break;
    case A::TENSOR: out << "<tensor " << dtype_name(a.t().data_type()) << ' ' << dims_text(a.t().dims()) << '>'; break;
    case A::GRAPH: out << "<graph " << a.g().name() << ": " << a.g().node_size() << " nodes>"; break;
    case A::GRAPHS: out << "<" << a.graphs_size() << " graphs>"; break;
    default: out << "<" << A::AttributeType_Name(a.type()) << ">"; break;
  }
  std::string text = out.str();
  if (text.size() > limit) text = text.substr(0, limit) + "…";
  return text;
}

namespace {

// One node. `full`: also its domain, attributes and doc string (the drawer's Properties); the UI's first paint needs
// only what draws and searches the graph.
void write_node(Writer& w, const ModelIndex& index, std::size_t i, bool full) {
  const auto& scopes = index.scopes();
  const NodeRef& n = index.nodes()[i];
  w.StartObject();
  str(w, "index"); w.Uint64(i);
  str(w, "name"); str(w, n.name);
  str(w, "op_type"); str(w, n.op_type);
  if (full || !n.domain.empty()) {  // the UI view names only custom domains ("" is the default one)
    str(w, "domain"); str(w, n.domain);
  }
  str(w, "graph"); str(w, scopes[static_cast<std::size_t>(n.scope)]->path);
  str(w, "inputs");
  w.StartArray();
  for (const auto& in : n.proto->input()) str(w, in);
  w.EndArray();
  str(w, "outputs");
  w.StartArray();
  for (const auto& out : n.proto->output()) str(w, out);
  w.EndArray();
  if (full) {
    str(w, "attributes");
    w.StartArray();
    for (const auto& a : n.proto->attribute()) {
      w.StartObject();
      str(w, "name"); str(w, a.name());
      str(w, "type"); str(w, onnx::AttributeProto::AttributeType_Name(a.type()));
      str(w, "value"); str(w, attribute_text(a));
      w.EndObject();
    }
    w.EndArray();
  }
  if (!full) {
    // The UI draws initializer inputs inside the node (⊞N) instead of as tensors of their own.
    int weights = 0;
    for (int k = 0; k < n.proto->input_size(); ++k)
      if (const TensorInfo* t = index.input(static_cast<int>(i), k); t && t->initializer) ++weights;
    if (weights) {
      str(w, "weights"); w.Int(weights);
    }
  }
  if (!n.children.empty()) {
    str(w, "bodies");
    w.StartArray();
    for (int c : n.children) str(w, scopes[static_cast<std::size_t>(c)]->path);
    w.EndArray();
  }
  if (full && !n.proto->doc_string().empty()) {
    str(w, "doc"); str(w, n.proto->doc_string().substr(0, 2000));
  }
  w.EndObject();
}

// One (sub)graph. `full`: also the type, shape and kind of every tensor it defines.
void write_scope(Writer& w, const ModelIndex& index, const Scope& scope, bool full) {
  const auto& scopes = index.scopes();
  const onnx::GraphProto& g = *scope.graph;
  w.StartObject();
  str(w, "path"); str(w, scope.path);
  str(w, "parent");
  if (scope.parent < 0) w.Null(); else str(w, scopes[static_cast<std::size_t>(scope.parent)]->path);
  str(w, "owner"); w.Int(scope.owner_node);
  str(w, "inputs");
  w.StartArray();
  for (const auto& v : g.input()) {
    // Older exporters list every initializer as a graph input too; the UI view keeps only the real inputs.
    if (!full) {
      const TensorInfo* t = scope.tensors.find(v.name());
      if (t && t->initializer) continue;
    }
    str(w, v.name());
  }
  w.EndArray();
  str(w, "outputs");
  w.StartArray();
  for (const auto& v : g.output()) str(w, v.name());
  w.EndArray();
  if (full) {
    str(w, "tensors");
    w.StartObject();
    for (const auto& [tensor_name, info] : scope.tensors) {
      if (tensor_name.empty()) continue;
      str(w, tensor_name);
      write_tensor(w, info);
    }
    w.EndObject();
  }
  w.EndObject();
}

std::string write_graph(const ModelIndex& index, const std::string& id, const std::string& name, bool full) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "id"); str(w, id);
  str(w, "name"); str(w, name);
  str(w, "graph_name"); str(w, index.proto().graph().name());
  str(w, "producer"); str(w, index.proto().producer_name());
  str(w, "node_count"); w.Uint64(index.nodes().size());
  if (!full) {
    str(w, "view"); str(w, "ui");
  }
  str(w, "nodes");
  w.StartArray();
  for (std::size_t i = 0; i < index.nodes().size(); ++i) write_node(w, index, i, full);
  w.EndArray();
  str(w, "graphs");
  w.StartArray();
  for (const auto& scope : index.scopes()) write_scope(w, index, *scope, full);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string graph_json(const ModelIndex& index, const std::string& id, const std::string& name) {
  return write_graph(index, id, name, true);
}

std::string ui_graph_json(const ModelIndex& index, const std::string& id, const std::string& name) {
  return write_graph(index, id, name, false);
}

std::string node_json(const ModelIndex& index, int node) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const NodeRef& n = index.nodes()[static_cast<std::size_t>(node)];
  w.StartObject();
  str(w, "node");
  write_node(w, index, static_cast<std::size_t>(node), true);
  // Each input and output as the full graph's `tensors` would give it, found from the node's graph outwards.
  str(w, "tensors");
  w.StartObject();
  auto write_named = [&](const std::string& tensor) {
    if (tensor.empty()) return;
    const TensorInfo* t = index.find(n.scope, tensor);
    if (!t) return;
    str(w, tensor);
    write_tensor(w, *t);
  };
  for (const auto& in : n.proto->input()) write_named(in);
  for (const auto& out : n.proto->output()) write_named(out);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace trtlens::server
