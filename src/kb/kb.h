// The knowledge base: what each TensorRT release's ONNX parser accepts, per operator. Loaded from the per-release
// data files compiled into the binary (data/tensorrt/<release>.json, format in docs/kb-format.md).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace trtlens {

// TensorRT's type vocabulary (the matrices' "supported types").
enum class TrtType : int { FP32, FP16, BF16, FP8, FP4, INT4, INT8, UINT8, INT32, INT64, BOOL, kCount };
using TypeSet = std::uint32_t;  // bit i = TrtType i
std::string_view trt_type_name(TrtType t);
std::optional<TrtType> trt_type_from_name(std::string_view name);
inline TypeSet bit(TrtType t) { return TypeSet{1} << static_cast<int>(t); }
std::vector<std::string> type_names(TypeSet set);

// Builder precisions, ordered narrowest first.
enum class Precision : int { FP4, INT4, FP8, INT8, FP16, BF16, TF32, FP32, kCount };
std::string_view precision_name(Precision p);
std::optional<Precision> precision_from_name(std::string_view name);
// The names joined: "fp16,int8" with separator ",", "fp16 or int8" with " or ".
std::string precision_list(const std::vector<Precision>& list, std::string_view separator);
int precision_bits(Precision p);   // 4, 8, 16, 19 (tf32), 32
TrtType precision_type(Precision p);  // the type an op must list to run in that precision (tf32 -> FP32)

struct TypeMapping {
  bool importable = false;
  TrtType as = TrtType::FP32;
  bool downcast = false;  // values are converted (and clamped) on import
};

struct RuleImpl;
struct RuleInstance {
  std::string rule;                 // generic rule id, or "custom"
  std::string check;                // custom check name
  nlohmann::json params;            // the whole instance, for rule-specific parameters
  int opset_min = 0;
  int opset_max = 1 << 30;
  bool warning = false;             // severity
  std::string code, why, hint, matrix_disagrees;
  // Where the parser makes the check ("tag release/8.6-GA builtin_op_importers.cpp:NonZero") and how sure that is:
  // "code" (read in that release's source) or "derived" (carried over from the nearest release read, or the changelog).
  std::string source, confidence;
  const RuleImpl* impl = nullptr;   // resolved at load; nullptr = unknown rule (listed by KnowledgeBase::problems())
  // `types` parsed once at load (ONNX element type ids; unknown names are dropped) and its display text: rules run
  // per node, and re-reading the JSON array there dominated the check of large models.
  std::vector<int> types;
  std::string types_text;
};

// The tensor whose element type an operator computes in: an input (most ops: 0; Where: 1, OneHot: 2) or, for ops
// whose type comes from an attribute (Constant, ConstantOfShape, the window functions, EyeLike), output 0.
struct TypeSource {
  bool output = false;
  int index = 0;
};

// An attribute that names an element type the release converts: Cast 'to' = DOUBLE is imported as a cast to FLOAT.
// `dtype` is the ONNX element type the attribute names (an INT attribute's value, a TENSOR attribute's data type).
struct AttributeDowncast {
  std::string attr;
  int dtype = 0;
  std::string code, message;  // message follows the release's name: "casts to FLOAT where the model asks for DOUBLE"
};

struct OpInfo {
  std::string name;
  bool importer = false;
  TypeSet types = 0;
  TypeSet matrix_types = 0;
  bool has_matrix_types = false;
  bool precision_agnostic = false;
  bool in_matrix = true;            // false: the op has no row in the support matrix (its `types` are ours)
  int since_opset = 0;
  std::vector<RuleInstance> rules;
  // Per-op type facts (data/tensorrt/*.json, written by tools/kbgen/op_types.py from tools/kbgen/op_types.json):
  // which tensor carries the type the op computes in, which input's element type output 0 has (-1: none fixed;
  // 0 for Reshape, Transpose, ...; 1 for CastLike), and which type-naming attributes the release down-casts.
  TypeSource type_source;
  int output_type_input = -1;
  std::vector<AttributeDowncast> attribute_downcasts;
};

struct Release {
  std::string name;                 // "8.6"
  std::string version;              // "8.6.1"
  int major = 0, minor = 0;
  int opset_min = 0, opset_max = 0;
  std::vector<std::string> precisions;   // in file order
  std::array<TypeMapping, 32> tensor_types{};
  std::array<TypeMapping, 32> initializer_types{};
  std::map<std::string, std::set<std::string>, std::less<>> plugins;  // shipped plugins: name -> versions
  std::set<std::string> no_plugin_escape;
  bool local_functions = false;
  // Operators are parsed on first use: `check` needs one release, not all 26 (parsing every release's operators and
  // rules cost more than indexing a 10k-node model).
  const std::map<std::string, OpInfo, std::less<>>& ops() const;
  const std::vector<std::string>& problems() const;  // unknown rules etc., found while parsing the operators
  nlohmann::json facts;             // every top-level field, for model-level rules
  std::vector<RuleInstance> model_rules;

  bool has_precision(Precision p) const;
  const OpInfo* op(std::string_view op_type) const;  // nullptr: no entry (no importer)
  std::string display() const { return "TensorRT " + version; }
  bool at_least(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
  template <typename T>
  T fact(const char* key, T fallback) const {
    auto it = facts.find(key);
    if (it == facts.end() || it->is_null()) return fallback;
    try { return it->get<T>(); } catch (...) { return fallback; }
  }

 private:
  friend class KnowledgeBase;
  struct Lazy;
  std::shared_ptr<Lazy> lazy_;
};

class KnowledgeBase {
 public:
  static const KnowledgeBase& builtin();
  static Result<std::unique_ptr<KnowledgeBase>> from_documents(const std::vector<std::string>& documents);

  const std::vector<Release>& releases() const { return releases_; }  // oldest first
  const Release& newest() const { return releases_.back(); }
  // Accepts "8.6", "8.6.1", "TensorRT 8.6.1", "trt10.15", "latest". nullptr when unknown.
  const Release* find(std::string_view spelling) const;
  std::string release_list() const;   // "7.2, 8.0, ..." for messages
  std::vector<std::string> problems() const;  // unknown rules etc. (parses every release's operators)

 private:
  std::vector<Release> releases_;
  std::vector<std::string> problems_;
};

}  // namespace trtlens
