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
  std::vector<int> present_inputs() const;  // the index of every present input, in order
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

  // --- helpers for custom checks (src/rules/<family>.cpp) ---
  const TensorInfo* output(int i) const { return index.output(node, i); }
  bool param_bool(const char* key, bool fallback) const;
  // Parameters the knowledge base gives every instance of a check (tools/kbgen/check_params.json, verified by
  // kbgen --check): the value lives only in the data, nullopt when an instance lacks it.
  std::optional<int> required_int(const char* key) const;
  std::optional<bool> required_bool(const char* key) const;
  std::vector<std::string> param_strings(const char* key) const;
  // The input's type as an importer compares it: a UINT8 initializer is widened to INT32 on load where the release
  // maps it so (kb-format.md, "How type lists match"), except for Q/DQ inputs where the release keeps UINT8.
  int imported_input_type(int i) const;
  // Values of a small constant input (initializer or Constant output); nullopt when computed, unreadable or larger
  // than `max_count` elements.
  std::optional<std::vector<double>> constant_values(int i, std::size_t max_count = 1u << 16) const;
  // The instance's `when` preconditions (kb-format.md): false means the instance does not apply to this node.
  bool when_holds() const;
};

// Values of a tensor (embedded or external) as doubles; nullopt when unreadable, of an unsupported type, or larger
// than `max_count` elements.
std::optional<std::vector<double>> tensor_values(const ExternalData& external, const onnx::TensorProto& tensor,
                                                 std::size_t max_count = 1u << 16);
// Whether an attribute equals a JSON value (int/float/string), as `attr_values` and `when` compare.
bool attribute_matches(const onnx::AttributeProto& a, const nlohmann::json& value);

std::string attribute_value_text(const onnx::AttributeProto& a);  // "3", "'linear'", "[1, 2]"

// Dimensions as the shape checks print them: "[1, ?, 224]", an unknown (negative) dimension as '?'.
std::string shape_text(const std::vector<std::int64_t>& dims);

}  // namespace trtlens
