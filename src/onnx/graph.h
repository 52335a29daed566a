// The graph index: every tensor and node of the main graph and of every If/Loop/Scan body, with producers,
// consumers, element types and (where known) shapes. Built once per model; every analysis reads it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onnx/external_data.h"
#include "onnx/model.h"
#include "onnx/tensor_table.h"
#include "util/result.h"

namespace trtlens {

struct TensorInfo {
  int dtype = 0;                                    // onnx element type; 0 = could not be inferred
  int rank = -1;                                    // -1 = unknown
  std::vector<std::int64_t> dims;                   // size == rank when known; -1 marks an unknown dimension
  const onnx::TensorProto* initializer = nullptr;   // graph initializer
  const onnx::TensorProto* constant = nullptr;      // value of the Constant node producing it
  int producer = -1;                                // global node index, -1 for graph inputs and initializers
  int scope = 0;                                    // scope that defines it
  bool graph_input = false;
  bool graph_output = false;
  const onnx::TensorProto* value() const { return initializer ? initializer : constant; }
  bool is_constant() const { return value() != nullptr; }
};

constexpr int kMainScope = 0;                       // scopes()[0] is the main graph

struct Scope {
  std::string path;                                 // "" for the main graph, "if0/then_branch" for a body
  const onnx::GraphProto* graph = nullptr;
  int parent = -1;                                  // enclosing scope, -1 for the main graph
  int owner_node = -1;                              // control-flow node owning this body
  const onnx::FunctionProto* function = nullptr;    // set when the scope is one call's copy of a model-local function
  NamedTable<TensorInfo> tensors;                  // insertion order: initializers, inputs, node outputs
  std::vector<int> nodes;                           // global node indices in file order
  std::vector<int> topo;                            // global node indices in a topological order
};

struct NodeRef {
  const onnx::NodeProto* proto = nullptr;
  int scope = 0;
  std::string name;                                 // node name, or a stable synthetic one
  std::string op_type;
  std::string domain;                               // "" for the default domain ("ai.onnx" is folded to "")
  int opset = 0;                                    // opset of the node's domain in this model
  int parent = -1;                                  // control-flow node owning this node's scope
  std::vector<int> children;                        // scopes of this node's bodies
  const onnx::FunctionProto* function = nullptr;    // model-local function this node calls, if any
};

struct BuildOptions {
  // ONNX shape inference costs several times a parse; run it only on models up to this many nodes.
  std::size_t shape_inference_max_nodes = 5000;
  bool require_schema_attributes = true;
  // FP16/BF16 checks read every floating-point weight: scan the embedded ones on another thread while the index
  // builds (the value cache is thread-safe), so the scan overlaps the index's serial work.
  bool prefetch_float_stats = false;
};

// The attribute `name` of a node, nullptr when the node has none: the one attribute lookup (typed readers such as
// RuleContext::attr_int build on it).
const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, std::string_view name);

// The one topological sort (graph scopes here; the partition DAG and its parts use it too): Kahn's algorithm over ids
// 0..count-1, where `successors(v)` is any range of successor ids (repeats allowed). Among the ids ready at a time the
// one with the smallest `key(id)` comes first, so the order is deterministic and follows the file where it can.
// Fewer than `count` ids back means the others lie on a cycle.
template <typename Successors, typename Key>
std::vector<int> topological_order(std::size_t count, const Successors& successors, const Key& key) {
  std::vector<int> pending(count, 0);
  for (std::size_t v = 0; v < count; ++v)
    for (int w : successors(static_cast<int>(v))) ++pending[static_cast<std::size_t>(w)];
  const auto later = [&key](int x, int y) { return key(y) < key(x); };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (std::size_t v = 0; v < count; ++v)
    if (pending[v] == 0) ready.push(static_cast<int>(v));
  std::vector<int> order;
  order.reserve(count);
  while (!ready.empty()) {
    const int v = ready.top();
    ready.pop();
    order.push_back(v);
    for (int w : successors(v))
      if (--pending[static_cast<std::size_t>(w)] == 0) ready.push(w);
  }
  return order;
}

// Builds ONNX's operator schema registry (done on first use, ~5 ms) so that it can happen on another thread while a
// model parses.
void warm_schema_registry();

class ModelIndex {
 public:
  static Result<std::unique_ptr<ModelIndex>> build(std::unique_ptr<LoadedModel> model, const BuildOptions& = {});

  const LoadedModel& model() const { return *model_; }
  const onnx::ModelProto& proto() const { return model_->proto(); }
  const std::vector<NodeRef>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Scope>>& scopes() const { return scopes_; }
  const std::map<std::string, int>& opsets() const { return opsets_; }
  int default_opset() const;                        // opset of the "" domain (0 when not imported)
  bool shape_inference_ran() const { return shape_inference_ran_; }

  // Looks a tensor up from `scope` outwards (bodies see outer tensors). nullptr when unknown or name empty.
  const TensorInfo* find(int scope, std::string_view name) const;
  const TensorInfo* input(int node, int i) const;   // nullptr for a missing/empty input
  const TensorInfo* output(int node, int i) const;
  std::vector<int> consumers(int scope, std::string_view name) const;  // thread-safe

  ExternalData& external() { return external_; }
  const ExternalData& external() const { return external_; }

 private:
  friend class IndexBuilder;
  std::unique_ptr<LoadedModel> model_;
  std::vector<std::unique_ptr<Scope>> scopes_;
  std::vector<NodeRef> nodes_;
  std::map<std::string, int> opsets_;
  bool shape_inference_ran_ = false;
  ExternalData external_;
  mutable std::unordered_map<std::string, std::vector<int>> consumers_;  // key: scope + '\n' + name
  mutable std::once_flag consumers_once_;
  // input()/output() are called many times per node by every rule: each node's tensors are resolved once, here
  // (inputs then outputs, from io_begin_[node]); map values never move, so the pointers stay valid.
  std::vector<std::uint32_t> io_begin_;
  std::vector<const TensorInfo*> io_;
  // Model-local function bodies, one copy per calling node with `ref_attr_name` attributes resolved from the caller
  // (the parser inlines each call the same way); the scopes point into these.
  std::vector<std::unique_ptr<onnx::GraphProto>> function_bodies_;
};

}  // namespace trtlens
