// What a rule sees when it checks one node against one release.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kb/kb.h"
#include "onnx/graph.h"

namespace trtlens {

struct RuleContext {
  const ModelIndex& index;
  int node;                         // global node index
  const Release& release;
  const KnowledgeBase& kb;
  const RuleInstance& rule;

  const NodeRef& ref() const { return index.nodes()[static_cast<std::size_t>(node)]; }
  const onnx::NodeProto& proto() const { return *ref().proto; }
  int opset() const { return ref().opset; }
  std::string node_label() const { return "'" + ref().name + "' (" + ref().op_type + ")"; }

  // Inputs: "present" = listed with a non-empty name.
  int input_count() const;          // trailing empty inputs dropped
  bool present(int i) const;
  const TensorInfo* input(int i) const { return index.input(node, i); }
  std::string input_name(int i) const;
  int input_type(int i) const;      // 0 when unknown or absent
  bool is_constant(int i) const;    // initializer or Constant output
  const onnx::TensorProto* constant(int i) const;
  const ValueStats* stats(int i) const;  // nullptr unless constant and readable

  int output_count(bool count_empty) const;

  const onnx::AttributeProto* attr(std::string_view name) const;
  std::optional<std::int64_t> attr_int(std::string_view name) const;
  std::optional<std::string> attr_string(std::string_view name) const;
  std::optional<std::vector<std::int64_t>> attr_ints(std::string_view name) const;

  // Parameters of the rule instance.
  std::vector<int> param_inputs(const char* key) const;  // ints, or "all" = every present input
  int param_int(const char* key, int fallback) const;
  std::string param_string(const char* key) const;
};

std::string attribute_value_text(const onnx::AttributeProto& a);  // "3", "'linear'", "[1, 2]"

}  // namespace trtlens
