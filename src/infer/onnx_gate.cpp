#include "infer/onnx_gate.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <exception>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnx/dtype.h"
#include "onnx/graph.h"

namespace trtlens {
namespace {

using FunctionKey = std::pair<std::string, std::string>;  // (domain, name), as nodes name them

// Every node of `graph` and of the bodies nested in its attributes, without recursion (depth comes from the file).
template <typename Visit>
void for_each_node(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& nodes, Visit&& visit) {
  std::vector<const google::protobuf::RepeatedPtrField<onnx::NodeProto>*> pending{&nodes};
  while (!pending.empty()) {
    const auto* list = pending.back();
    pending.pop_back();
    for (const auto& node : *list) {
      visit(node);
      for (const auto& a : node.attribute()) {
        if (a.has_g()) pending.push_back(&a.g().node());
        for (const auto& g : a.graphs()) pending.push_back(&g.node());
      }
    }
  }
}

std::string cycle_text(const std::vector<const onnx::FunctionProto*>& path) {
  if (path.size() == 2) return "model-local function '" + path.front()->name() + "' calls itself";
  std::string text = "model-local functions call each other in a cycle: ";
  for (std::size_t i = 0; i < path.size(); ++i) text += (i ? " -> " : "") + path[i]->name();
  return text;
}

}  // namespace

Result<bool> check_function_calls(const onnx::ModelProto& model) {
  const int count = model.functions_size();
  if (count == 0) return true;
  std::map<FunctionKey, int> by_key;
  for (int i = 0; i < count; ++i) by_key[{model.functions(i).domain(), model.functions(i).name()}] = i;  // last wins
  std::vector<std::vector<int>> callees(static_cast<std::size_t>(count));
  std::vector<std::int64_t> own(static_cast<std::size_t>(count), 0);
  for (int i = 0; i < count; ++i)
    for_each_node(model.functions(i).node(), [&](const onnx::NodeProto& node) {
      ++own[static_cast<std::size_t>(i)];
      if (auto it = by_key.find({node.domain(), node.op_type()}); it != by_key.end())
        callees[static_cast<std::size_t>(i)].push_back(it->second);
    });
  // Depth-first over the call graph with an explicit stack: a chain of thousands of functions must not recurse.
  enum : char { kNew, kOpen, kDone };
  std::vector<char> state(static_cast<std::size_t>(count), kNew);
  std::vector<int> depth(static_cast<std::size_t>(count), 1);
  std::vector<std::int64_t> expanded(own);
  struct Frame {
    int fn;
    std::size_t next;
  };
  for (int root = 0; root < count; ++root) {
    if (state[static_cast<std::size_t>(root)] != kNew) continue;
    std::vector<Frame> stack{{root, 0}};
    state[static_cast<std::size_t>(root)] = kOpen;
    while (!stack.empty()) {
      Frame& top = stack.back();
      const auto f = static_cast<std::size_t>(top.fn);
      if (top.next < callees[f].size()) {
        const int callee = callees[f][top.next++];
        const auto c = static_cast<std::size_t>(callee);
        if (state[c] == kOpen) {
          std::vector<const onnx::FunctionProto*> path;
          auto from = std::find_if(stack.begin(), stack.end(), [&](const Frame& s) { return s.fn == callee; });
          for (auto it = from; it != stack.end(); ++it) path.push_back(&model.functions(it->fn));
          path.push_back(&model.functions(callee));
          return make_error("E_FUNCTION_CYCLE", cycle_text(path) + "; TensorRT inlines every call, so the model "
                                                                   "cannot be imported");
        }
        if (state[c] == kNew) {
          state[c] = kOpen;
          stack.push_back({callee, 0});
        }
        continue;
      }
      // All callees are done: this function's depth and expanded size are final.
      for (int callee : callees[f]) {
        const auto c = static_cast<std::size_t>(callee);
        depth[f] = std::max(depth[f], depth[c] + 1);
        expanded[f] = std::min(expanded[f] + expanded[c], kMaxExpandedFunctionNodes + 1);
      }
      if (depth[f] > kMaxFunctionDepth)
        return make_error("E_TOO_DEEP", "model-local function '" + model.functions(top.fn).name() +
                                            "' nests calls more than " + std::to_string(kMaxFunctionDepth) +
                                            " levels deep; trtlens refuses deeper nesting to keep its analysis bounded");
      if (expanded[f] > kMaxExpandedFunctionNodes)
        return make_error("E_TOO_LARGE", "model-local function '" + model.functions(top.fn).name() +
                                             "' expands to more than " + std::to_string(kMaxExpandedFunctionNodes) +
                                             " nodes once its calls are inlined");
      state[f] = kDone;
      stack.pop_back();
    }
  }
  std::int64_t total = 0;
  for_each_node(model.graph().node(), [&](const onnx::NodeProto& node) {
    if (auto it = by_key.find({node.domain(), node.op_type()}); it != by_key.end())
      total = std::min(total + expanded[static_cast<std::size_t>(it->second)], kMaxExpandedFunctionNodes + 1);
  });
  if (total > kMaxExpandedFunctionNodes)
    return make_error("E_TOO_LARGE", "the model's calls of model-local functions expand to more than " +
                                         std::to_string(kMaxExpandedFunctionNodes) + " nodes once inlined");
  return true;
}

namespace {

using Opsets = std::map<std::string, std::int64_t>;

Opsets opsets_of(const google::protobuf::RepeatedPtrField<onnx::OperatorSetIdProto>& imports, const Opsets& fallback) {
  Opsets out = fallback;
  Opsets own;
  for (const auto& op : imports) own.emplace(op.domain() == "ai.onnx" ? "" : op.domain(), op.version());
  for (const auto& [domain, version] : own) out[domain] = version;
  return out;
}

// Walks graphs as ONNX's inference does (bodies inside their parents), with the ranks the file declares in scope.
class Gate {
 public:
  explicit Gate(const onnx::ModelProto& model) : model_(model) {
    for (const auto& f : model.functions()) functions_.insert_or_assign({f.domain(), f.name()}, &f);
  }

  std::string run() {
    const Opsets opsets = opsets_of(model_.opset_import(), {});
    if (!graph(model_.graph(), opsets)) return why_;
    for (const auto& f : model_.functions()) {
      ranks_.emplace_back();  // a function body sees nothing of its caller's scope
      in_function_ = true;    // its inputs are the function's formal parameters, not tensors of a graph
      const bool ok = nodes(f.node(), opsets_of(f.opset_import(), opsets));
      in_function_ = false;
      ranks_.pop_back();
      if (!ok) return why_;
    }
    return {};
  }

 private:
  bool graph(const onnx::GraphProto& g, const Opsets& opsets) {
    auto& ranks = ranks_.emplace_back();
    bool types_valid = true;  // element types outside ONNX's list: ours refuse them, ONNX's inference must not see them
    auto declare = [&](const onnx::ValueInfoProto& v) {
      if (!v.type().has_tensor_type()) return;
      const auto& t = v.type().tensor_type();
      if (t.elem_type() < 0 || t.elem_type() >= kDTypeCount) types_valid = false;
      if (t.has_shape()) ranks[v.name()] = t.shape().dim_size();
    };
    for (const auto& init : g.initializer()) {
      ranks[init.name()] = init.dims_size();
      if (init.data_type() < 0 || init.data_type() >= kDTypeCount) types_valid = false;
    }
    for (const auto& v : g.input()) declare(v);
    for (const auto& v : g.value_info()) declare(v);
    for (const auto& v : g.output()) declare(v);
    if (!types_valid) {
      ranks_.pop_back();
      why_ = "graph '" + g.name() + "' declares an element type outside ONNX's list";
      return false;
    }
    for (const auto& n : g.node())
      if (n.op_type() == "Constant" && n.output_size() > 0)
        if (const auto* v = find_attribute(n, "value"); v && v->has_t()) ranks[n.output(0)] = v->t().dims_size();
    auto& defined = defined_.emplace_back();
    for (const auto& init : g.initializer()) defined.insert(init.name());
    for (const auto& v : g.input()) defined.insert(v.name());
    const bool ok = nodes(g.node(), opsets);
    defined_.pop_back();
    ranks_.pop_back();
    return ok;
  }

  bool defined(const std::string& name) const {
    for (auto it = defined_.rbegin(); it != defined_.rend(); ++it)
      if (it->count(name)) return true;
    return false;
  }

  bool nodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& list, const Opsets& opsets) {
    for (const auto& n : list) {
      // ONNX's inference functions read an input's type without checking it exists (found by fuzzing: EyeLike on an
      // undefined input was a SIGSEGV in propagateShape). Inputs must be defined earlier in file order, as ONNX
      // requires; out-of-order graphs only skip ONNX's inference, our own checks still report them.
      if (!in_function_ && !defined_.empty()) {
        for (const auto& in : n.input())
          if (!in.empty() && !defined(in)) return refuse(n, "input '" + in + "' is not defined before the node");
        for (const auto& out : n.output()) defined_.back().insert(out);
      }
      if (!node(n, opsets)) return false;
      for (const auto& a : n.attribute()) {
        if (a.has_g() && !graph(a.g(), opsets)) return false;
        for (const auto& g : a.graphs())
          if (!graph(g, opsets)) return false;
      }
    }
    return true;
  }

  int rank(const std::string& name) const {
    if (name.empty()) return -1;
    for (auto it = ranks_.rbegin(); it != ranks_.rend(); ++it)
      if (auto found = it->find(name); found != it->end()) return found->second;
    return -1;
  }
  int input_rank(const onnx::NodeProto& n, int i) const { return i < n.input_size() ? rank(n.input(i)) : -1; }

  bool refuse(const onnx::NodeProto& n, const std::string& why) {
    why_ = "node '" + n.name() + "' (" + n.op_type() + "): " + why;
    return false;
  }

  bool node(const onnx::NodeProto& n, const Opsets& opsets) {
    const std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
    if (functions_.count({n.domain(), n.op_type()})) return true;  // checked as a function body
    auto version = opsets.find(domain);
    if (version == opsets.end() || version->second <= 0) return true;  // ONNX's inference skips it too
    const int opset = static_cast<int>(std::min<std::int64_t>(version->second, 1'000'000));
    const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(n.op_type(), opset, domain);
    if (!schema) return true;  // unknown operators are left untyped by ONNX's inference
    try {
      schema->Verify(n);  // input/output counts, attribute names and types, required attributes
    } catch (const std::exception& e) {
      return refuse(n, e.what());
    }
    if (!domain.empty()) return true;
    return op_specific(n, opset);
  }

  // What ONNX's inference functions take for granted beyond the schema (found by fuzzing and audits).
  bool op_specific(const onnx::NodeProto& n, int opset) {
    const std::string& op = n.op_type();
    if (op == "MaxRoiPool") {
      const auto* pooled = find_attribute(n, "pooled_shape");
      if (!pooled || pooled->ints_size() != 2) return refuse(n, "pooled_shape must hold 2 values");
    }
    // Window attributes: ONNX's convPoolShapeInference divides by strides (found by fuzzing: MaxPool strides [0, 2]
    // was a SIGFPE) and multiplies by dilations; kernel sizes and pads must be sane too.
    static const std::unordered_map<std::string, bool> kWindowOps = {
        {"Conv", true}, {"ConvInteger", true}, {"QLinearConv", true}, {"ConvTranspose", true}, {"MaxPool", true},
        {"AveragePool", true}, {"LpPool", true}, {"MaxUnpool", true}, {"DeformConv", true}};
    if (kWindowOps.count(op)) {
      constexpr std::int64_t kSane = std::int64_t{1} << 30;
      for (const char* name : {"strides", "dilations", "kernel_shape"})
        if (const auto* a = find_attribute(n, name))
          for (auto v : a->ints())
            if (v <= 0 || v > kSane) return refuse(n, std::string(name) + " must be positive");
      for (const char* name : {"pads", "output_padding", "output_shape"})
        if (const auto* a = find_attribute(n, name))
          for (auto v : a->ints())
            if (v < 0 || v > kSane) return refuse(n, std::string(name) + " out of range");
    }
    static const std::unordered_map<std::string, int> kWeightInput = {
        {"Conv", 1}, {"ConvInteger", 1}, {"ConvTranspose", 1}, {"QLinearConv", 3}, {"DeformConv", 1}};
    if (auto w = kWeightInput.find(op); w != kWeightInput.end()) {
      const int x_rank = input_rank(n, 0), w_rank = input_rank(n, w->second);
      if (x_rank >= 0 && w_rank >= 0 && x_rank != w_rank)
        return refuse(n, "input of rank " + std::to_string(x_rank) + " and weights of rank " + std::to_string(w_rank));
    }
    // An `axis` outside [-(r+1), r] is invalid for every operator (r+1: OneHot and ConcatFromSequence count the new
    // axis). LayerNormalization's inference reads the input's dims up to `axis` without a range check (found by
    // fuzzing: axis 2^63-1 was a SIGSEGV), so it needs axis < r, and a non-negative axis needs a rank we know.
    if (const auto* axis = find_attribute(n, "axis"); axis && axis->type() == onnx::AttributeProto::INT) {
      const std::int64_t a = axis->i();
      const int r = input_rank(n, 0);
      if (r >= 0 && (a < -(static_cast<std::int64_t>(r) + 1) || a > r))
        return refuse(n, "axis " + std::to_string(a) + " out of range for an input of rank " + std::to_string(r));
      if (op == "LayerNormalization" && a >= 0 && (r < 0 || a >= r))
        return refuse(n, "axis " + std::to_string(a) + (r < 0 ? " on an input of unknown rank" : " not below the rank"));
    }
    if (op == "Scan") {
      const auto* num = find_attribute(n, "num_scan_inputs");
      const auto* body = find_attribute(n, "body");
      const int leading = opset == 8 ? 1 : 0;  // Scan-8 starts with sequence_lens
      if (!num || !body || !body->has_g()) return refuse(n, "needs num_scan_inputs and a body");
      if (num->i() <= 0 || num->i() > n.input_size() - leading) return refuse(n, "num_scan_inputs out of range");
      if (body->g().input_size() != n.input_size() - leading) return refuse(n, "body inputs do not match");
      if (body->g().output_size() != n.output_size()) return refuse(n, "body outputs do not match");
    }
    if (op == "Loop") {
      const auto* body = find_attribute(n, "body");
      if (!body || !body->has_g()) return refuse(n, "needs a body");
      if (body->g().input_size() != n.input_size() || body->g().output_size() != n.output_size() + 1)
        return refuse(n, "body inputs/outputs do not match the node");
    }
    if (op == "If") {
      const auto* then_branch = find_attribute(n, "then_branch");
      const auto* else_branch = find_attribute(n, "else_branch");
      if (!then_branch || !else_branch || !then_branch->has_g() || !else_branch->has_g())
        return refuse(n, "needs then_branch and else_branch");
      if (then_branch->g().output_size() != n.output_size() || else_branch->g().output_size() != n.output_size())
        return refuse(n, "branch outputs do not match the node");
    }
    return true;
  }

  const onnx::ModelProto& model_;
  std::map<FunctionKey, const onnx::FunctionProto*> functions_;
  std::vector<std::unordered_map<std::string, int>> ranks_;
  std::vector<std::unordered_set<std::string>> defined_;  // tensors defined so far, per graph in scope
  bool in_function_ = false;
  std::string why_;
};

}  // namespace

std::string why_onnx_inference_unsafe(const onnx::ModelProto& model) {
  if (auto calls = check_function_calls(model); !calls) return calls.error().message;
  return Gate(model).run();
}

bool run_onnx_shape_inference(onnx::ModelProto& model) {
  if (!why_onnx_inference_unsafe(model).empty()) return false;
  try {
    onnx::ShapeInferenceOptions si;
    si.check_type = false;
    si.error_mode = 0;
    si.enable_data_propagation = false;
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), si);
    return true;
  } catch (const std::exception&) {
    return false;  // best effort: our own type and shape rules still run
  }
}

}  // namespace trtlens
