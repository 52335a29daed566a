#include "rules/context.h"
#include "kb/initializers.h"

#include "rules/registry.h"
#include "onnx/dtype.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "onnx/dtype.h"

namespace trtlens {

int RuleContext::input_count() const {
  int n = proto().input_size();
  while (n > 0 && proto().input(n - 1).empty()) --n;
  return n;
}

bool RuleContext::present(int i) const { return i >= 0 && i < proto().input_size() && !proto().input(i).empty(); }

std::vector<int> RuleContext::present_inputs() const {
  std::vector<int> out;
  for (int i = 0; i < proto().input_size(); ++i)
    if (present(i)) out.push_back(i);
  return out;
}

std::string RuleContext::input_name(int i) const { return present(i) ? proto().input(i) : std::string(); }

int RuleContext::input_type(int i) const {
  const TensorInfo* t = input(i);
  return t ? t->dtype : 0;
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

const onnx::AttributeProto* RuleContext::attr(std::string_view name) const { return find_attribute(proto(), name); }

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
    out = present_inputs();
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

bool RuleContext::param_bool(const char* key, bool fallback) const {
  auto it = rule.params.find(key);
  return it != rule.params.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::optional<int> RuleContext::required_int(const char* key) const {
  auto it = rule.params.find(key);
  if (it == rule.params.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

std::optional<bool> RuleContext::required_bool(const char* key) const {
  auto it = rule.params.find(key);
  if (it == rule.params.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::vector<std::string> RuleContext::param_strings(const char* key) const {
  std::vector<std::string> out;
  auto it = rule.params.find(key);
  if (it == rule.params.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

int RuleContext::imported_input_type(int i) const {
  const int t = input_type(i);
  if (t != kUint8 || !is_constant(i)) return t;
  const TypeMapping m = initializer_as_input(release, t, ref().op_type);
  return m.importable && m.as == TrtType::INT32 ? kInt32 : t;
}

std::optional<std::vector<double>> RuleContext::constant_values(int i, std::size_t max_count) const {
  const auto* value = constant(i);
  if (!value) return std::nullopt;
  return tensor_values(index.external(), *value, max_count);
}

bool RuleContext::when_holds() const {
  auto it = rule.params.find("when");
  if (it == rule.params.end() || !it->is_array()) return true;
  for (const auto& cond : *it) {
    if (!cond.is_object()) continue;
    // {"input": i, "present": bool}: the importer takes a different path when an optional input is given.
    if (auto in = cond.find("input"); in != cond.end() && in->is_number_integer()) {
      if (present(in->get<int>()) != cond.value("present", true)) return false;
      continue;
    }
    const std::string name = cond.value("attr", std::string());
    const auto in = cond.value("in", nlohmann::json::array());
    const auto* a = attr(name);
    bool ok = false;
    if (a) {
      for (const auto& v : in) ok = ok || attribute_matches(*a, v);
    } else if (auto d = cond.find("default"); d != cond.end() && !d->is_null()) {
      for (const auto& v : in) ok = ok || v == *d;
    }
    if (!ok) return false;
  }
  return true;
}

bool attribute_matches(const onnx::AttributeProto& a, const nlohmann::json& v) {
  if (v.is_string()) return (a.type() == onnx::AttributeProto::STRING || a.has_s()) && a.s() == v.get<std::string>();
  if (v.is_number_integer()) {
    if (a.type() == onnx::AttributeProto::INT || a.has_i()) return a.i() == v.get<std::int64_t>();
    if (a.type() == onnx::AttributeProto::FLOAT) return a.f() == v.get<double>();
    return false;
  }
  if (v.is_number())
    return (a.type() == onnx::AttributeProto::FLOAT || a.has_f()) && std::fabs(a.f() - v.get<double>()) < 1e-6;
  return false;
}

namespace {
double half_to_double(std::uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v = exp == 0 ? std::ldexp(frac, -24) : exp == 31 ? (frac ? NAN : INFINITY) : std::ldexp(frac + 1024, exp - 25);
  return sign ? -v : v;
}
}  // namespace

std::optional<std::vector<double>> tensor_values(const ExternalData& external, const onnx::TensorProto& tensor,
                                                 std::size_t max_count) {
  const int dtype = tensor.data_type();
  const std::int64_t count = element_count(tensor);
  if (count < 0 || static_cast<std::size_t>(count) > max_count) return std::nullopt;
  std::size_t width = 0;
  switch (dtype) {
    case kFloat: case kInt32: width = 4; break;
    case kDouble: case kInt64: width = 8; break;
    case kFloat16: case kBfloat16: case kInt16: case kUint16: width = 2; break;
    case kInt8: case kUint8: case kBool: width = 1; break;
    default: return std::nullopt;
  }
  std::string bytes;
  auto read = external.visit_bytes(tensor, [&bytes](const std::uint8_t* p, std::size_t n) {
    bytes.append(reinterpret_cast<const char*>(p), n);
  });
  if (!read.ok() || bytes.size() != static_cast<std::size_t>(count) * width) return std::nullopt;
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(count));
  for (std::size_t k = 0; k < static_cast<std::size_t>(count); ++k) {
    const char* p = bytes.data() + k * width;
    switch (dtype) {
      case kFloat: { float f; std::memcpy(&f, p, 4); out.push_back(f); break; }
      case kDouble: { double d; std::memcpy(&d, p, 8); out.push_back(d); break; }
      case kInt32: { std::int32_t x; std::memcpy(&x, p, 4); out.push_back(x); break; }
      case kInt64: { std::int64_t x; std::memcpy(&x, p, 8); out.push_back(static_cast<double>(x)); break; }
      case kInt16: { std::int16_t x; std::memcpy(&x, p, 2); out.push_back(x); break; }
      case kUint16: { std::uint16_t x; std::memcpy(&x, p, 2); out.push_back(x); break; }
      case kFloat16: { std::uint16_t x; std::memcpy(&x, p, 2); out.push_back(half_to_double(x)); break; }
      case kBfloat16: {
        std::uint16_t x;
        std::memcpy(&x, p, 2);
        std::uint32_t bits = static_cast<std::uint32_t>(x) << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        out.push_back(f);
        break;
      }
      case kInt8: out.push_back(static_cast<std::int8_t>(*p)); break;
      default: out.push_back(static_cast<std::uint8_t>(*p)); break;
    }
  }
  return out;
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

std::string shape_text(const std::vector<std::int64_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  return s + "]";
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
