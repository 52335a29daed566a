#include "onnx/graph.h"

#include <onnx/defs/schema.h>

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_set>

#include "infer/onnx_gate.h"
#include "infer/shapes.h"
#include "infer/types.h"
#include "onnx/dtype.h"
#include "onnx/tensor_bytes.h"
#include "util/parallel.h"

namespace trtlens {

void warm_schema_registry() { (void)onnx::OpSchemaRegistry::Schema("Relu", 14, ""); }

int ModelIndex::default_opset() const {
  auto it = opsets_.find("");
  return it == opsets_.end() ? 0 : it->second;
}

const TensorInfo* ModelIndex::find(int scope, std::string_view name) const {
  if (name.empty()) return nullptr;
  for (int s = scope; s >= 0; s = scopes_[static_cast<std::size_t>(s)]->parent) {
    const auto& tensors = scopes_[static_cast<std::size_t>(s)]->tensors;
    if (const TensorInfo* t = tensors.find(name)) return t;
  }
  return nullptr;
}

const TensorInfo* ModelIndex::input(int node, int i) const {
  const auto& n = nodes_[static_cast<std::size_t>(node)];
  if (i < 0 || i >= n.proto->input_size()) return nullptr;
  if (static_cast<std::size_t>(node) < io_begin_.size()) return io_[io_begin_[static_cast<std::size_t>(node)] + i];
  return find(n.scope, n.proto->input(i));
}

const TensorInfo* ModelIndex::output(int node, int i) const {
  const auto& n = nodes_[static_cast<std::size_t>(node)];
  if (i < 0 || i >= n.proto->output_size()) return nullptr;
  if (static_cast<std::size_t>(node) < io_begin_.size())
    return io_[io_begin_[static_cast<std::size_t>(node)] + n.proto->input_size() + i];
  return find(n.scope, n.proto->output(i));
}

std::vector<int> ModelIndex::consumers(int scope, std::string_view name) const {
  std::call_once(consumers_once_, [this] {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const auto& n = nodes_[i];
      for (const auto& in : n.proto->input()) {
        if (in.empty()) continue;
        // Attribute a consumer to the scope that defines the tensor (bodies read outer tensors).
        int s = n.scope;
        while (s >= 0 && !scopes_[static_cast<std::size_t>(s)]->tensors.count(in))
          s = scopes_[static_cast<std::size_t>(s)]->parent;
        consumers_[std::to_string(s) + '\n' + in].push_back(static_cast<int>(i));
      }
    }
  });
  auto it = consumers_.find(std::to_string(scope) + '\n' + std::string(name));
  return it == consumers_.end() ? std::vector<int>{} : it->second;
}

namespace {

// Element types are numbers in the file; anything outside ONNX's list must never index a per-type table.
bool valid_dtype(std::int64_t dtype) { return dtype >= 0 && dtype < kDTypeCount; }

Error invalid_dtype(const std::string& what, std::int64_t dtype, const std::string& where) {
  return make_error("E_INVALID_TYPE", what + " has element type " + std::to_string(dtype) + where +
                                          ", which is not an ONNX element type (0-" + std::to_string(kDTypeCount - 1) +
                                          ")");
}

// The element type a declared type names; 0 when it names none. `bad` gets an element type outside ONNX's list.
void read_type(const onnx::TypeProto& type, TensorInfo& t, std::int64_t* bad = nullptr) {
  const onnx::TypeProto_Tensor* tensor = nullptr;
  if (type.has_tensor_type()) tensor = &type.tensor_type();
  else if (type.has_sparse_tensor_type()) tensor = nullptr;
  else if (type.has_sequence_type() && type.sequence_type().elem_type().has_tensor_type())
    tensor = &type.sequence_type().elem_type().tensor_type();
  else if (type.has_optional_type()) {  // optional(tensor) and optional(sequence(tensor)) carry an element type too
    read_type(type.optional_type().elem_type(), t, bad);
    return;
  }
  if (!tensor) return;
  if (!valid_dtype(tensor->elem_type())) {
    if (bad) *bad = tensor->elem_type();
  } else if (tensor->elem_type() != 0) {
    t.dtype = tensor->elem_type();
  }
  if (tensor->has_shape() && t.rank < 0) {
    t.rank = tensor->shape().dim_size();
    t.dims.clear();
    for (const auto& d : tensor->shape().dim()) t.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
}

// A tensor stored in the file: a known element type, and embedded raw bytes that cover its shape (the same rule
// external data follows).
Result<bool> check_stored_tensor(const onnx::TensorProto& value, const std::string& what, const std::string& where) {
  if (!valid_dtype(value.data_type())) return invalid_dtype(what, value.data_type(), where);
  if (value.data_location() != onnx::TensorProto::EXTERNAL && !value.raw_data().empty())
    if (const std::uint64_t needed = bytes_needed(value); needed > value.raw_data().size())
      return make_error("E_TENSOR_DATA", what + where + " holds " + std::to_string(value.raw_data().size()) +
                                             " bytes of raw data, but its shape needs " + std::to_string(needed));
  return true;
}

void read_tensor_shape(const onnx::TensorProto& value, TensorInfo& t) {
  t.dtype = valid_dtype(value.data_type()) ? value.data_type() : 0;
  t.rank = value.dims_size();
  t.dims.assign(value.dims().begin(), value.dims().end());
}

const onnx::TensorProto* constant_value(const onnx::NodeProto& node) {
  const auto* value = find_attribute(node, "value");
  return value && value->has_t() ? &value->t() : nullptr;
}

}  // namespace

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

class IndexBuilder {
 public:
  IndexBuilder(ModelIndex& index, const BuildOptions& options) : ix_(index), options_(options) {}

  Result<bool> run() {
    const auto& model = ix_.proto();
    for (const auto& op : model.opset_import()) {
      std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
      ix_.opsets_.emplace(domain, static_cast<int>(op.version()));  // first entry wins, as in the parser
    }
    for (const auto& f : model.functions()) functions_.insert_or_assign({f.domain(), f.name()}, &f);
    ix_.nodes_.reserve(static_cast<std::size_t>(model.graph().node_size()));  // bodies may add a few more
    out_begin_.reserve(static_cast<std::size_t>(model.graph().node_size()));
    outs_.reserve(static_cast<std::size_t>(model.graph().node_size()) * 2);
    auto main = add_scope(model.graph(), "", -1, -1);
    if (!main) return main.error();
    auto checked = check_nodes();
    if (!checked) return checked.error();
    auto resolved = resolve_node_tensors();
    if (!resolved) return resolved.error();
    for (std::size_t s = 0; s < ix_.scopes_.size(); ++s) {
      auto sorted = sort_scope(static_cast<int>(s));
      if (!sorted) return sorted.error();
    }
    infer_scope(0);
    return true;
  }

 private:
  Result<int> add_scope(const onnx::GraphProto& graph, std::string path, int parent, int owner) {
    if (ix_.scopes_.size() > 100000) return make_error("E_INVALID_GRAPH", "too many nested graphs");
    const int id = static_cast<int>(ix_.scopes_.size());
    ix_.scopes_.push_back(std::make_unique<Scope>());
    Scope& scope = *ix_.scopes_.back();
    scope.path = std::move(path);
    scope.graph = &graph;
    scope.parent = parent;
    scope.owner_node = owner;
    const std::string where = scope.path.empty() ? "" : " (in " + scope.path + ")";
    std::size_t expected = static_cast<std::size_t>(graph.initializer_size() + graph.input_size());
    for (const auto& node : graph.node()) expected += static_cast<std::size_t>(node.output_size());
    scope.tensors.reserve(expected);

    for (const auto& init : graph.initializer()) {
      if (init.name().empty()) return make_error("E_INVALID_GRAPH", "an initializer has no name" + where);
      auto [t, fresh] = scope.tensors.try_emplace(init.name());
      if (!fresh) return make_error("E_DUPLICATE_NAME", "duplicate tensor name '" + init.name() + "': two initializers" + where);
      t->initializer = &init;
      t->scope = id;
      if (auto stored = check_stored_tensor(init, "initializer '" + init.name() + "'", where); !stored)
        return stored.error();
      read_tensor_shape(init, *t);
      if (init.data_location() == onnx::TensorProto::EXTERNAL) {
        auto ref = ExternalData::resolve(init, ix_.model().folder());
        if (!ref) return ref.error();
      }
    }
    for (const auto& in : graph.input()) {
      if (in.name().empty()) return make_error("E_INVALID_GRAPH", "a graph input has no name" + where);
      auto [found, fresh] = scope.tensors.try_emplace(in.name());
      TensorInfo& t = *found;
      if (!fresh && !t.initializer)
        return make_error("E_DUPLICATE_NAME", "duplicate tensor name '" + in.name() + "': two graph inputs" + where);
      t.graph_input = true;
      t.scope = id;
      std::int64_t bad = 0;
      if (in.has_type()) read_type(in.type(), t, &bad);
      if (bad) return invalid_dtype("graph input '" + in.name() + "'", bad, where);
    }
    // Nodes: register outputs first so an input may name a tensor produced later in file order (the parser sorts).
    // NodeRefs (and which nodes own bodies) are made on a second thread while this one fills the tensor table: the
    // two touch disjoint data, and on a 100k-node graph each takes tens of milliseconds.
    const int base = static_cast<int>(ix_.nodes_.size());
    const int count = graph.node_size();
    std::vector<char> owns_bodies(static_cast<std::size_t>(count), 0);
    auto make_refs = [&] {
      scope.nodes.reserve(static_cast<std::size_t>(count));
      for (int k = 0; k < count; ++k) {
        const auto& node = graph.node(k);
        NodeRef& n = ix_.nodes_.emplace_back();
        n.proto = &node;
        n.scope = id;
        n.parent = owner;
        n.op_type = node.op_type();
        if (node.domain() != "ai.onnx") n.domain = node.domain();
        auto op = ix_.opsets_.find(n.domain);
        n.opset = op == ix_.opsets_.end() ? 0 : op->second;
        if (!functions_.empty())
          if (auto fn = functions_.find({node.domain(), node.op_type()}); fn != functions_.end()) n.function = fn->second;
        bool bodies = n.function != nullptr;
        for (const auto& a : node.attribute())
          bodies = bodies || a.has_g() || a.graphs_size() > 0 || a.type() == onnx::AttributeProto::GRAPH;
        owns_bodies[static_cast<std::size_t>(k)] = bodies;
        scope.nodes.push_back(base + k);
      }
    };
    std::exception_ptr refs_failed;
    std::jthread refs_thread;  // joins on every way out, exceptions included
    if (static_cast<std::size_t>(count) >= ParallelOptions{}.serial_below && std::thread::hardware_concurrency() > 1)
      refs_thread = std::jthread([&] {
        try {
          make_refs();
        } catch (...) {
          refs_failed = std::current_exception();
        }
      });
    else
      make_refs();
    auto registered = [&]() -> Result<bool> {
      for (int k = 0; k < count; ++k) {
        const auto& node = graph.node(k);
        const int index = base + k;
        out_begin_.push_back(static_cast<std::uint32_t>(outs_.size()));
        for (const auto& out : node.output()) {
          if (out.empty()) {
            outs_.push_back(nullptr);
            continue;
          }
          auto [t, fresh] = scope.tensors.try_emplace(out);
          if (!fresh)
            return make_error("E_DUPLICATE_NAME", "duplicate tensor name '" + out + "': produced twice" + where +
                                                      " (node '" + node.name() + "')");
          t->producer = index;
          t->scope = id;
          outs_.push_back(t);
        }
        const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
        if (node.op_type() == "Constant" && default_domain && node.output_size() > 0) {
          if (const auto* value = constant_value(node)) {
            TensorInfo& t = *scope.tensors.try_emplace(node.output(0)).first;
            t.constant = value;
            if (auto stored = check_stored_tensor(*value, "the value of Constant '" + node.output(0) + "'", where);
                !stored)
              return stored.error();
            read_tensor_shape(*value, t);
            if (value->data_location() == onnx::TensorProto::EXTERNAL) {
              auto ref = ExternalData::resolve(*value, ix_.model().folder());
              if (!ref) return ref.error();
            }
          }
        }
      }
      return true;
    }();
    if (refs_thread.joinable()) refs_thread.join();
    if (refs_failed) std::rethrow_exception(refs_failed);
    if (!registered) return registered.error();
    for (const auto& vi : graph.value_info()) {
      TensorInfo* t = scope.tensors.find(vi.name());
      if (t && vi.has_type() && !t->is_constant()) read_type(vi.type(), *t);  // a bad element type: unknown
    }
    for (const auto& out : graph.output()) {
      TensorInfo* t = scope.tensors.find(out.name());
      if (!t) {
        if (parent < 0 || !ix_.find(parent, out.name()))
          return make_error("E_INVALID_GRAPH", "graph output '" + out.name() + "' is produced by no node" + where);
        continue;  // a body output forwarding an outer tensor
      }
      t->graph_output = true;
      std::int64_t bad = 0;
      if (out.has_type() && !t->is_constant()) read_type(out.type(), *t, &bad);
      if (bad) return invalid_dtype("graph output '" + out.name() + "'", bad, where);
    }
    // Names, inputs, attributes, then bodies (depth-first, so nested paths follow their parents).
    for (int k = 0; k < count; ++k) {
      if (!owns_bodies[static_cast<std::size_t>(k)]) continue;
      auto checked = check_node(base + k, id);
      if (!checked) return checked.error();
    }
    return id;
  }

  void name_node(int index) {
    NodeRef& n = ix_.nodes_[static_cast<std::size_t>(index)];
    const auto& node = *n.proto;
    if (!node.name().empty()) {
      n.name = node.name();
      return;
    }
    std::string_view first;
    for (const auto& o : node.output())
      if (!o.empty()) { first = o; break; }
    n.name = first.empty() ? node.op_type() + "_" + std::to_string(index) : "node_of_" + std::string(first);
  }

  // Adds the bodies of a node that owns some (add_scope calls it only for those). Such a node is named here because
  // its bodies' paths carry its name; every other node is named and checked later, in parallel (check_nodes).
  Result<bool> check_node(int index, int scope_id) {
    NodeRef& n = ix_.nodes_[static_cast<std::size_t>(index)];
    const auto& node = *n.proto;
    const std::string& path = ix_.scopes_[static_cast<std::size_t>(scope_id)]->path;
    name_node(index);
    // add_scope appends to nodes_, so `n` dangles after the first body: keep what the loop needs by value.
    const std::string name = n.name;
    for (const auto& a : node.attribute()) {
      if (a.type() == onnx::AttributeProto::GRAPH || a.has_g()) {
        auto child = add_scope(a.g(), (path.empty() ? "" : path + "/") + name + "/" + a.name(), scope_id, index);
        if (!child) return child.error();
        ix_.nodes_[static_cast<std::size_t>(index)].children.push_back(child.value());
      }
      for (int g = 0; g < a.graphs_size(); ++g) {
        auto child = add_scope(a.graphs(g), (path.empty() ? "" : path + "/") + name + "/" + a.name() + "[" +
                                                std::to_string(g) + "]", scope_id, index);
        if (!child) return child.error();
        ix_.nodes_[static_cast<std::size_t>(index)].children.push_back(child.value());
      }
    }
    if (const auto* fn = ix_.nodes_[static_cast<std::size_t>(index)].function) {
      auto child = add_function_scope(*fn, index, scope_id, (path.empty() ? "" : path + "/") + name + "/" + fn->name());
      if (!child) return child.error();
      if (child.value() >= 0) ix_.nodes_[static_cast<std::size_t>(index)].children.push_back(child.value());
    }
    return true;
  }

  // One call of a model-local function becomes a scope of its own: a copy of the body whose inputs/outputs are the
  // function's formal parameters and whose `ref_attr_name` attributes take the caller's values. A function that
  // (directly or indirectly) calls itself is not expanded again (-1).
  Result<int> add_function_scope(const onnx::FunctionProto& fn, int caller, int scope_id, std::string path) {
    for (const auto* active : active_functions_)
      if (active == &fn) return -1;
    // check_function_calls bounds both already; these keep the builder itself bounded whatever calls it.
    if (static_cast<int>(active_functions_.size()) >= kMaxFunctionDepth)
      return make_error("E_TOO_DEEP", "model-local function '" + fn.name() + "' nests calls more than " +
                                          std::to_string(kMaxFunctionDepth) + " levels deep");
    expanded_function_nodes_ += fn.node_size();
    if (expanded_function_nodes_ > kMaxExpandedFunctionNodes)
      return make_error("E_TOO_LARGE", "calls of model-local functions expand to more than " +
                                           std::to_string(kMaxExpandedFunctionNodes) + " nodes once inlined");
    auto body = std::make_unique<onnx::GraphProto>();
    body->set_name(fn.name());
    for (const auto& in : fn.input()) body->add_input()->set_name(in);
    for (const auto& out : fn.output()) body->add_output()->set_name(out);
    for (const auto& node : fn.node()) *body->add_node() = node;
    resolve_attribute_refs(*body, *ix_.nodes_[static_cast<std::size_t>(caller)].proto);
    const onnx::GraphProto& graph = *body;
    ix_.function_bodies_.push_back(std::move(body));
    active_functions_.push_back(&fn);
    auto child = add_scope(graph, std::move(path), scope_id, caller);
    active_functions_.pop_back();
    if (child) ix_.scopes_[static_cast<std::size_t>(child.value())]->function = &fn;
    return child;
  }

  static void resolve_attribute_refs(onnx::GraphProto& graph, const onnx::NodeProto& caller) {
    for (auto& node : *graph.mutable_node()) {
      auto& attrs = *node.mutable_attribute();
      for (int i = 0; i < attrs.size();) {
        auto& a = attrs[i];
        if (a.has_g()) resolve_attribute_refs(*a.mutable_g(), caller);
        for (auto& g : *a.mutable_graphs()) resolve_attribute_refs(g, caller);
        if (a.ref_attr_name().empty()) { ++i; continue; }
        const onnx::AttributeProto* value = nullptr;
        for (const auto& c : caller.attribute())
          if (c.name() == a.ref_attr_name()) value = &c;
        if (!value) {  // not given by the caller: the attribute is absent in this call
          attrs.DeleteSubrange(i, 1);
          continue;
        }
        const std::string name = a.name();
        a = *value;
        a.set_name(name);
        ++i;
      }
    }
  }

  using RequiredAttributes = absl::flat_hash_map<std::pair<std::string_view, int>, std::vector<std::string>>;

  // Every node: a name (its own or a stable synthetic one), an op_type, and the attributes its ONNX schema requires.
  // Run on every core for big models; the error reported is the first failing node in index order.
  Result<bool> check_nodes() {
    const std::size_t count = ix_.nodes_.size();
    FirstIndex first_bad(count);
    auto check = [this](NodeRef& n, RequiredAttributes& cache) -> Result<bool> {
      if (n.op_type.empty()) return make_error("E_INVALID_NODE", "node '" + n.name + "' has no op_type");
      return check_schema_attributes(n, cache);
    };
    parallel_chunks(count, ParallelOptions{}, [&](std::size_t begin, std::size_t end) {
      RequiredAttributes cache;  // per chunk: registry lookups are few (a few dozen op types), no lock needed
      for (std::size_t i = begin; i < end && i < first_bad.get(); ++i) {
        NodeRef& n = ix_.nodes_[i];
        if (n.name.empty()) name_node(static_cast<int>(i));
        if (!check(n, cache)) first_bad.offer(i);
      }
    });
    if (!first_bad.found()) return true;
    RequiredAttributes cache;
    return check(ix_.nodes_[first_bad.get()], cache);  // the first failing node's error, found again
  }

  Result<bool> check_schema_attributes(const NodeRef& n, RequiredAttributes& cache) const {
    if (!options_.require_schema_attributes || !n.domain.empty() || n.opset <= 0) return true;
    // One registry lookup per (op_type, opset), not per node: a 100k-node model repeats a few dozen op types.
    auto [cached, fresh] = cache.try_emplace({n.proto->op_type(), n.opset});
    if (fresh) {
      if (const auto* schema = onnx::OpSchemaRegistry::Schema(n.op_type, std::min(n.opset, 17), ""))
        for (const auto& [name, attr] : schema->attributes())
          if (attr.required) cached->second.push_back(name);
    }
    for (const auto& name : cached->second) {
      if (!find_attribute(*n.proto, name))
        return make_error("E_MISSING_ATTRIBUTE", "node '" + n.name + "' (" + n.op_type + ") lacks required attribute '" +
                                                     name + "'");
    }
    return true;
  }

  // Every node input is looked up once here (rules then read io_). Lookups only read the finished scopes, so a big
  // model's nodes are resolved on every core; the error names the first undefined input in node order, as a serial
  // pass would.
  Result<bool> resolve_node_tensors() {
    const std::size_t count = ix_.nodes_.size();
    ix_.io_begin_.resize(count);
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      ix_.io_begin_[i] = static_cast<std::uint32_t>(total);
      const auto& proto = *ix_.nodes_[i].proto;
      total += static_cast<std::size_t>(proto.input_size() + proto.output_size());
    }
    ix_.io_.resize(total);
    FirstIndex first_bad(count);
    parallel_chunks(count, ParallelOptions{}, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const NodeRef& n = ix_.nodes_[i];
        // data() + offset, not &io_[offset]: a node without inputs and outputs may sit at the end (or io_ be empty).
        const TensorInfo** slot = ix_.io_.data() + ix_.io_begin_[i];
        for (const auto& in : n.proto->input()) {
          const TensorInfo* t = in.empty() ? nullptr : ix_.find(n.scope, in);
          if (!t && !in.empty()) {
            first_bad.offer(i);
            break;
          }
          *slot++ = t;
        }
        for (int k = 0; k < n.proto->output_size(); ++k) *slot++ = outs_[out_begin_[i] + static_cast<std::size_t>(k)];
      }
    });
    if (first_bad.found()) {
      const NodeRef& n = ix_.nodes_[first_bad.get()];
      std::string missing;
      for (const auto& in : n.proto->input())
        if (!in.empty() && !ix_.find(n.scope, in)) { missing = in; break; }
      const std::string& path = ix_.scopes_[static_cast<std::size_t>(n.scope)]->path;
      ix_.io_begin_.clear();  // leave the index in its uncached state
      ix_.io_.clear();
      return make_error("E_UNDEFINED_INPUT", "node '" + n.name + "' (" + n.op_type + ") reads '" + missing +
                                                 "', which no node, graph input or initializer produces" +
                                                 (path.empty() ? "" : " (in " + path + ")"));
    }
    return true;
  }

  // The scope's own nodes in topological_order(); edges from outer tensors are already satisfied.
  Result<bool> sort_scope(int id) {
    Scope& scope = *ix_.scopes_[static_cast<std::size_t>(id)];
    const int n = static_cast<int>(scope.nodes.size());
    if (n == 0) return true;
    const int first = scope.nodes.front();  // a scope's nodes are numbered contiguously (add_scope)
    // ONNX asks exporters for topologically sorted nodes, and nearly all comply: then file order is the order.
    bool in_order = true;
    for (int k = 0; k < n && in_order; ++k) {
      const int index = first + k;
      const int inputs = ix_.nodes_[static_cast<std::size_t>(index)].proto->input_size();
      for (int i = 0; i < inputs; ++i) {
        const TensorInfo* t = ix_.input(index, i);
        if (t && t->scope == id && t->producer >= index) {
          in_order = false;
          break;
        }
      }
    }
    if (in_order) {
      scope.topo = scope.nodes;
      return true;
    }
    // Flat arrays, not maps: this runs over every node of 100k-node models.
    std::vector<int> stamp(static_cast<std::size_t>(n), -1);
    std::vector<int> edge_from, edge_to;
    edge_from.reserve(static_cast<std::size_t>(n) * 2);
    edge_to.reserve(static_cast<std::size_t>(n) * 2);
    for (int k = 0; k < n; ++k) {
      const int index = first + k;
      const auto& proto = *ix_.nodes_[static_cast<std::size_t>(index)].proto;
      for (int i = 0; i < proto.input_size(); ++i) {
        const TensorInfo* t = ix_.input(index, i);
        if (!t || t->scope != id || t->producer < 0) continue;  // outer tensors are ready before this body runs
        const int p = t->producer - first;
        if (p == k)
          return make_error("E_CYCLE", "graph contains a cycle: node '" + ix_.nodes_[static_cast<std::size_t>(index)].name +
                                           "' reads its own output '" + proto.input(i) + "'");
        if (stamp[static_cast<std::size_t>(p)] == k) continue;
        stamp[static_cast<std::size_t>(p)] = k;
        edge_from.push_back(p);
        edge_to.push_back(k);
      }
    }
    // Successor lists in one array (CSR): users[begin[k] .. begin[k + 1]) read node k's outputs.
    std::vector<int> begin(static_cast<std::size_t>(n) + 1, 0), users(edge_to.size());
    for (int p : edge_from) ++begin[static_cast<std::size_t>(p) + 1];
    for (int k = 0; k < n; ++k) begin[static_cast<std::size_t>(k) + 1] += begin[static_cast<std::size_t>(k)];
    std::vector<int> cursor(begin.begin(), begin.end() - 1);
    for (std::size_t e = 0; e < edge_from.size(); ++e)
      users[static_cast<std::size_t>(cursor[static_cast<std::size_t>(edge_from[e])]++)] = edge_to[e];
    const auto successors = [&](int k) {
      return std::span<const int>(users.data() + begin[static_cast<std::size_t>(k)],
                                  users.data() + begin[static_cast<std::size_t>(k) + 1]);
    };
    const std::vector<int> order = topological_order(static_cast<std::size_t>(n), successors, [](int k) { return k; });
    if (static_cast<int>(order.size()) != n) {
      std::vector<char> sorted(static_cast<std::size_t>(n), 0);
      for (int k : order) sorted[static_cast<std::size_t>(k)] = 1;
      for (int k = 0; k < n; ++k)
        if (!sorted[static_cast<std::size_t>(k)])
          return make_error("E_CYCLE", "graph contains a cycle through node '" +
                                           ix_.nodes_[static_cast<std::size_t>(first + k)].name + "'" +
                                           (scope.path.empty() ? "" : " (in " + scope.path + ")"));
    }
    scope.topo.reserve(static_cast<std::size_t>(n));
    for (int k : order) scope.topo.push_back(first + k);
    return true;
  }


  // Element types and shapes, in topological order. (Running the type and the shape pass on two threads was tried:
  // no gain on a 100k-node model, the passes share cache lines.)
  void infer_scope(int id) {
    Scope& scope = *ix_.scopes_[static_cast<std::size_t>(id)];
    std::vector<int> types;
    std::vector<InferredShape> shapes;
    for (int index : scope.topo) {
      const NodeRef& n = ix_.nodes_[static_cast<std::size_t>(index)];
      for (int child : n.children) {
        seed_body_inputs(index, child);
        infer_scope(child);
      }
      infer_output_types(ix_, index, types);
      infer_output_shapes(ix_, index, shapes);
      for (int i = 0; i < n.proto->output_size(); ++i) {
        const TensorInfo* found = ix_.output(index, i);
        if (!found || found->scope != id || found->producer != index) continue;
        TensorInfo& t = const_cast<TensorInfo&>(*found);  // the builder owns the index it fills
        const auto k = static_cast<std::size_t>(i);
        if (t.dtype == 0 && k < types.size() && valid_dtype(types[k])) t.dtype = types[k];  // Cast to=1000: unknown
        if (t.dtype == 0 && n.function && !n.children.empty()) {  // a call takes its types from the inlined body
          const Scope& body = *ix_.scopes_[static_cast<std::size_t>(n.children.back())];
          if (body.function && i < body.graph->output_size())
            if (const TensorInfo* out = body.tensors.find(body.graph->output(i).name())) t.dtype = out->dtype;
        }
        // Declared or ONNX-inferred shapes win; ours only fill what is still unknown.
        if (t.rank < 0 && k < shapes.size() && shapes[k].rank >= 0) {
          t.rank = shapes[k].rank;
          t.dims = std::move(shapes[k].dims);
        }
      }
    }
  }

  // Body inputs without declared types take them from the parent node (Loop: iteration count, condition, carried
  // values; Scan: a slice of each scan input).
  void seed_body_inputs(int node, int child) {
    const NodeRef& n = ix_.nodes_[static_cast<std::size_t>(node)];
    Scope& body = *ix_.scopes_[static_cast<std::size_t>(child)];
    const auto& inputs = body.graph->input();
    for (int i = 0; i < inputs.size(); ++i) {
      TensorInfo* input = body.tensors.find(inputs[i].name());
      if (!input || input->dtype != 0) continue;
      int dtype = 0;
      if (n.op_type == "Loop") {
        if (i == 0) dtype = kInt64;
        else if (i == 1) dtype = kBool;
        else if (const auto* t = ix_.input(node, i)) dtype = t->dtype;
      } else if (body.function) {
        if (const auto* t = ix_.input(node, i)) dtype = t->dtype;
      } else if (n.op_type == "Scan") {
        const int offset = n.opset == 8 ? 1 : 0;  // Scan-8 has a leading sequence_lens input
        if (const auto* t = ix_.input(node, i + offset)) dtype = t->dtype;
      }
      input->dtype = dtype;
    }
  }

  ModelIndex& ix_;
  const BuildOptions& options_;
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, const onnx::FunctionProto*> functions_;  // (domain, name)
  std::vector<TensorInfo*> outs_;          // every node's output tensors, recorded as they are registered
  std::vector<std::uint32_t> out_begin_;   // per global node index, into outs_
  std::vector<const onnx::FunctionProto*> active_functions_;
  std::int64_t expanded_function_nodes_ = 0;
};

namespace {
// Error messages quote names from the file; a corrupt name must not break the one-line contract.
Error one_line(Error e) {
  std::string clean;
  clean.reserve(e.message.size());
  for (unsigned char c : e.message) {
    if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      clean += "\\x";
      clean += hex[c >> 4];
      clean += hex[c & 15];
    } else {
      clean += static_cast<char>(c);
    }
  }
  e.message = std::move(clean);
  return e;
}
}  // namespace

Result<std::unique_ptr<ModelIndex>> ModelIndex::build(std::unique_ptr<LoadedModel> model, const BuildOptions& options) {
  auto index = std::unique_ptr<ModelIndex>(new ModelIndex());
  index->model_ = std::move(model);
  index->external_.set_folder(index->model_->folder());
  const auto& graph = index->proto().graph();
  // Debian's schema registry stops at opset 17 and silently applies older schemas to newer nodes (ReduceMean-18
  // would be inferred as ReduceMean-13, whose axes are an attribute): wrong shapes are worse than unknown ones.
  bool schemas_known = true;
  for (const auto& op : index->proto().opset_import())
    if ((op.domain().empty() || op.domain() == "ai.onnx") && op.version() > 17) schemas_known = false;
  // Function call cycles and runaway expansion are refused before anything (ONNX's inference included) follows calls.
  if (auto calls = check_function_calls(index->proto()); !calls) return one_line(calls.error());
  if (schemas_known && static_cast<std::size_t>(graph.node_size()) <= options.shape_inference_max_nodes)
    index->shape_inference_ran_ = run_onnx_shape_inference(index->model_->mutable_proto());
  std::optional<Result<bool>> built;
  {
    std::jthread prefetch;  // joined at the end of this block, exceptions included
    if (options.prefetch_float_stats) {
      prefetch = std::jthread([&graph, &external = index->external_] {
        try {
          for (const auto& init : graph.initializer()) {
            const int type = init.data_type();
            if (init.data_location() == onnx::TensorProto::EXTERNAL) continue;  // validated (and read) later
            if (type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::FLOAT16 ||
                type == onnx::TensorProto::BFLOAT16 || type == onnx::TensorProto::DOUBLE)
              (void)external.stats(init);
          }
        } catch (...) {
          // Best effort: the analysis computes whatever is missing.
        }
      });
    }
    IndexBuilder builder(*index, options);
    built.emplace(builder.run());
  }
  if (options.prefetch_float_stats) index->external_.freeze();  // the prefetch thread has joined
  if (!*built) return one_line(built->error());
  return index;
}

}  // namespace trtlens
