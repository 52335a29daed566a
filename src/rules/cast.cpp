// Cast, CastLike, EyeLike target types and Constant/ConstantOfShape value tensors: every type must map through the
// release's `convertDtype` (importer-rules.md A5/A6, B:Cast, B:CastLike, B:Constant, B:ConstantOfShape).
#include "onnx/dtype.h"
#include "kb/initializers.h"
#include "rules/registry.h"

namespace trtlens {
namespace {

// The TensorRT type an ONNX type names without any conversion (UINT8 -> UINT8); nullopt for types TRT lacks.
std::optional<TrtType> natural_type(int dtype) {
  switch (dtype) {
    case kFloat: return TrtType::FP32;
    case kFloat16: return TrtType::FP16;
    case kBfloat16: return TrtType::BF16;
    case kFloat8E4M3FN: return TrtType::FP8;
    case kFloat4E2M1: return TrtType::FP4;
    case kInt4: return TrtType::INT4;
    case kInt8: return TrtType::INT8;
    case kUint8: return TrtType::UINT8;
    case kInt32: return TrtType::INT32;
    case kInt64: return TrtType::INT64;
    case kBool: return TrtType::BOOL;
    default: return std::nullopt;
  }
}

std::string first_release_importing(const RuleContext& c, int dtype) {
  for (const auto& r : c.kb.releases())
    if (r.at_least(c.release.major, c.release.minor) && &r != &c.release &&
        r.tensor_types[static_cast<std::size_t>(dtype)].importable)
      return "; TensorRT " + r.version + " and newer import " + std::string(dtype_name(dtype));
  return "";
}

std::optional<Finding> cast_target_type(const RuleContext& c) {
  int target = 0;
  bool carrier_constant = false;
  std::string source;
  if (auto attr = c.param_string("attr"); !attr.empty()) {
    auto v = c.attr_int(attr);
    if (!v) return std::nullopt;
    target = static_cast<int>(*v);
    source = "'" + attr + "' = " + std::string(dtype_name(target));
  } else {
    const auto carrier = c.required_int("input");  // CastLike's instances give it: tools/kbgen/check_params.json
    if (!carrier) return std::nullopt;
    const int i = *carrier;
    target = c.input_type(i);
    if (!c.present(i) || target == 0) return std::nullopt;
    carrier_constant = c.is_constant(i);
    source = "the type of input " + std::to_string(i) + " '" + c.input_name(i) + "' (" +
             std::string(dtype_name(target)) + ")";
  }
  if (target <= 0 || target >= 32) return std::nullopt;
  const TypeMapping m = carrier_constant ? initializer_as_input(c.release, target, c.ref().op_type)
                                         : c.release.tensor_types[static_cast<std::size_t>(target)];
  const std::string rel = c.release.display(), op = c.ref().op_type;
  if (!m.importable)
    return Finding{rel + " cannot " + (op == "EyeLike" ? "produce" : "cast to") + " " + source + " in " + op +
                       ": the type does not exist in this release",
                   "Pick a target type TensorRT has (e.g. FLOAT, FLOAT16, INT32)" + first_release_importing(c, target),
                   "", std::nullopt};
  const auto natural = natural_type(target);
  if (m.downcast || !natural || *natural != m.as)
    return Finding{rel + " converts " + op + " to " + std::string(trt_type_name(m.as)) + " where the model asks for " +
                       source,
                   "Cast to " + std::string(trt_type_name(m.as)) + " explicitly so the model says what runs",
                   "TRT_CAST_DOWNCAST", true};
  return std::nullopt;
}

// Constant `value` must be importable as weights; ConstantOfShape `value` must not be UINT8.
std::optional<Finding> attr_tensor_type(const RuleContext& c) {
  const std::string name = c.param_string("attr");
  const auto* a = c.attr(name);
  if (!a || !a->has_t()) return std::nullopt;
  const int dtype = a->t().data_type();
  bool bad = false;
  for (const auto& t : c.param_strings("types")) bad = bad || dtype_from_name(t) == dtype;
  if (c.param_bool("importable", false) &&
      (dtype <= 0 || dtype >= 32 || !c.release.initializer_types[static_cast<std::size_t>(dtype)].importable))
    bad = true;
  if (!bad) return std::nullopt;
  return Finding{c.release.display() + " cannot import " + c.ref().op_type + " '" + name + "' of type " +
                     std::string(dtype_name(dtype)),
                 "Store the value in a type the release imports (FLOAT, FLOAT16, INT32, INT64, BOOL, INT8) and Cast "
                 "afterwards if needed",
                 "", std::nullopt};
}

// 8.6-era Constant importer reads value_int/value_ints as float attributes (fixed in 9.3).
std::optional<Finding> constant_int_attr_bug(const RuleContext& c) {
  const bool scalar = c.attr("value_int") != nullptr, list = c.attr("value_ints") != nullptr;
  if (!scalar && !list) return std::nullopt;
  return Finding{c.release.display() + " imports Constant '" + std::string(scalar ? "value_int" : "value_ints") +
                     "' wrongly: the constant becomes " + (scalar ? "0" : "an empty 1-D tensor"),
                 "Re-export the constant with a 'value' tensor attribute (INT64 tensor) instead of " +
                     std::string(scalar ? "value_int" : "value_ints") + ", or upgrade to TensorRT 9.3 or newer",
                 "", std::nullopt};
}

TRTLENS_REGISTER_RULE("custom:cast_target_type", cast_target_type, "TRT_CAST_TARGET_TYPE", false,
                      "cast target type must exist in the release; warns on down-casts");
TRTLENS_REGISTER_RULE("custom:attr_tensor_type", attr_tensor_type, "TRT_ATTRIBUTE_TENSOR_TYPE", false,
                      "TENSOR attribute of an importable type");
TRTLENS_REGISTER_RULE("custom:constant_int_attr_bug", constant_int_attr_bug, "TRT_CONSTANT_VALUE_INT_BUG", true,
                      "value_int/value_ints read as floats (before 9.3)");

}  // namespace
}  // namespace trtlens
