#include "rules/context.h"

#include "rules/registry.h"
#include "onnx/dtype.h"

#include <algorithm>
#include <map>
#include <memory>

namespace trtlens {

int RuleContext::input_count() const {
  int n = proto().input_size();
  while (n > 0 && proto().input(n - 1).empty()) --n;
  return n;
}

bool RuleContext::present(int i) const { return i >= 0 && i < proto().input_size() && !proto().input(i).empty(); }

std::string RuleContext::input_name(int i) const { return present(i) ? proto().input(i) : std::string(); }

int RuleContext::input_type(int i) const {
  const TensorInfo* t = input(i);
  if (!t) return 0;
  // The parser widens UINT8 weights to INT32 before any importer sees them (Q/DQ keep them from 10.10 on).
  if (t->dtype == kUint8 && t->is_constant()) {
    const TypeMapping& m = release.initializer_types[kUint8];
    const bool qdq = ref().op_type == "QuantizeLinear" || ref().op_type == "DequantizeLinear";
    if (m.importable && m.as == TrtType::INT32 && !(qdq && release.fact<bool>("uint8_initializers_kept_for_qdq", false)))
      return kInt32;
  }
  return t->dtype;
}

bool RuleContext::is_constant(int i) const {
  const TensorInfo* t = input(i);
  return t && t->is_constant();
}

const onnx::TensorProto* RuleContext::constant(int i) const {
  const TensorInfo* t = input(i);
  return t ? t->value() : nullptr;
}

const ValueStats* RuleContext::stats(int i) const {
  const auto* value = constant(i);
  if (!value) return nullptr;
  const ValueStats& s = index.external().stats(*value);
  return s.available ? &s : nullptr;
}

int RuleContext::output_count(bool count_empty) const {
  if (count_empty) return proto().output_size();
  return static_cast<int>(std::count_if(proto().output().begin(), proto().output().end(),
                                        [](const std::string& s) { return !s.empty(); }));
}

const onnx::AttributeProto* RuleContext::attr(std::string_view name) const {
  for (const auto& a : proto().attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::optional<std::int64_t> RuleContext::attr_int(std::string_view name) const {
  const auto* a = attr(name);
  if (!a) return std::nullopt;
  if (a->type() == onnx::AttributeProto::INT || a->has_i()) return a->i();
  if (a->type() == onnx::AttributeProto::FLOAT) return static_cast<std::int64_t>(a->f());
  return std::nullopt;
}

std::optional<std::string> RuleContext::attr_string(std::string_view name) const {
  const auto* a = attr(name);
  if (!a || !(a->type() == onnx::AttributeProto::STRING || a->has_s())) return std::nullopt;
  return a->s();
}

std::optional<std::vector<std::int64_t>> RuleContext::attr_ints(std::string_view name) const {
  const auto* a = attr(name);
  if (!a) return std::nullopt;
  return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<int> RuleContext::param_inputs(const char* key) const {
  std::vector<int> out;
  auto it = rule.params.find(key);
  if (it == rule.params.end()) it = rule.params.find("input");
  if (it == rule.params.end()) return {0};
  if (it->is_string() && it->get<std::string>() == "all") {
    for (int i = 0; i < proto().input_size(); ++i)
      if (present(i)) out.push_back(i);
  } else if (it->is_array()) {
    for (const auto& v : *it)
      if (v.is_number_integer()) out.push_back(v.get<int>());
  } else if (it->is_number_integer()) {
    out.push_back(it->get<int>());
  }
  return out;
}

int RuleContext::param_int(const char* key, int fallback) const {
  auto it = rule.params.find(key);
  return it != rule.params.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

std::string RuleContext::param_string(const char* key) const {
  auto it = rule.params.find(key);
  return it != rule.params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string attribute_value_text(const onnx::AttributeProto& a) {
  auto join = [](const auto& list, auto fmt) {
    std::string s = "[";
    for (int i = 0; i < list.size(); ++i) s += (i ? ", " : "") + fmt(list[i]);
    return s + "]";
  };
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  switch (a.type()) {
    case onnx::AttributeProto::INT: return std::to_string(a.i());
    case onnx::AttributeProto::FLOAT: return num(a.f());
    case onnx::AttributeProto::STRING: return "'" + a.s() + "'";
    case onnx::AttributeProto::INTS: return join(a.ints(), [](std::int64_t v) { return std::to_string(v); });
    case onnx::AttributeProto::FLOATS: return join(a.floats(), num);
    case onnx::AttributeProto::STRINGS: return join(a.strings(), [](const std::string& s) { return "'" + s + "'"; });
    case onnx::AttributeProto::TENSOR: return "<tensor>";
    case onnx::AttributeProto::GRAPH: return "<graph>";
    default:
      if (a.has_i()) return std::to_string(a.i());
      if (a.has_s()) return "'" + a.s() + "'";
      if (a.has_f()) return num(a.f());
      return "<value>";
  }
}

namespace {
std::map<std::string, std::unique_ptr<RuleImpl>, std::less<>>& registry() {
  static std::map<std::string, std::unique_ptr<RuleImpl>, std::less<>> rules;
  return rules;
}
}  // namespace

bool RuleRegistry::add(RuleImpl impl) {
  auto id = impl.id;
  registry()[id] = std::make_unique<RuleImpl>(std::move(impl));
  return true;
}

const RuleImpl* RuleRegistry::find(std::string_view id) {
  auto it = registry().find(id);
  return it == registry().end() ? nullptr : it->second.get();
}

std::vector<const RuleImpl*> RuleRegistry::all() {
  std::vector<const RuleImpl*> out;
  for (const auto& [id, impl] : registry()) out.push_back(impl.get());
  return out;
}

}  // namespace trtlens
