#include "kb/kb.h"

#include <rapidjson/document.h>

#include <mutex>
#include <unordered_map>

#include <algorithm>
#include <cctype>

#include "kb/embedded.h"
#include "kb/initializers.h"
#include "kb/kb_json.h"
#include "onnx/dtype.h"
#include "rules/registry.h"

namespace trtlens {

namespace {
constexpr std::array<std::string_view, static_cast<int>(TrtType::kCount)> kTrtNames = {
    "FP32", "FP16", "BF16", "FP8", "FP4", "INT4", "INT8", "UINT8", "INT32", "INT64", "BOOL"};
constexpr std::array<std::string_view, static_cast<int>(Precision::kCount)> kPrecisionNames = {
    "fp4", "int4", "fp8", "int8", "fp16", "bf16", "tf32", "fp32"};
}  // namespace

struct Release::Lazy {
  std::shared_ptr<const std::string> source;
  std::once_flag once;
  std::map<std::string, OpInfo, std::less<>> ops;
  std::unordered_map<std::string_view, const OpInfo*> by_name;  // op() is on every node's hot path
  std::vector<std::string> problems;
};

std::string_view trt_type_name(TrtType t) { return kTrtNames[static_cast<std::size_t>(t)]; }

std::optional<TrtType> trt_type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTrtNames.size(); ++i)
    if (kTrtNames[i] == name) return static_cast<TrtType>(i);
  if (name == "INF64") return TrtType::INT64;  // a typo in one published matrix
  if (name == "FP64" || name == "DOUBLE") return std::nullopt;
  return std::nullopt;
}

std::vector<std::string> type_names(TypeSet set) {
  std::vector<std::string> out;
  for (int i = 0; i < static_cast<int>(TrtType::kCount); ++i)
    if (set & (TypeSet{1} << i)) out.emplace_back(kTrtNames[static_cast<std::size_t>(i)]);
  return out;
}

std::string_view precision_name(Precision p) { return kPrecisionNames[static_cast<std::size_t>(p)]; }

std::string precision_list(const std::vector<Precision>& list, std::string_view separator) {
  std::string out;
  for (Precision p : list) out += (out.empty() ? "" : std::string(separator)) + std::string(precision_name(p));
  return out;
}

std::optional<Precision> precision_from_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "float32" || lower == "float") lower = "fp32";
  if (lower == "float16" || lower == "half") lower = "fp16";
  if (lower == "bfloat16") lower = "bf16";
  for (std::size_t i = 0; i < kPrecisionNames.size(); ++i)
    if (kPrecisionNames[i] == lower) return static_cast<Precision>(i);
  return std::nullopt;
}

int precision_bits(Precision p) {
  switch (p) {
    case Precision::FP4: case Precision::INT4: return 4;
    case Precision::FP8: case Precision::INT8: return 8;
    case Precision::FP16: case Precision::BF16: return 16;
    case Precision::TF32: return 19;
    default: return 32;
  }
}

TrtType precision_type(Precision p) {
  switch (p) {
    case Precision::FP4: return TrtType::FP4;
    case Precision::INT4: return TrtType::INT4;
    case Precision::FP8: return TrtType::FP8;
    case Precision::INT8: return TrtType::INT8;
    case Precision::FP16: return TrtType::FP16;
    case Precision::BF16: return TrtType::BF16;
    default: return TrtType::FP32;
  }
}

bool Release::has_precision(Precision p) const {
  return std::find(precisions.begin(), precisions.end(), precision_name(p)) != precisions.end();
}

TypeMapping initializer_as_input(const Release& r, int dtype, std::string_view consumer_op) {
  if (dtype < 0 || dtype >= static_cast<int>(r.initializer_types.size())) return {};
  TypeMapping m = r.initializer_types[static_cast<std::size_t>(dtype)];
  if (dtype != kUint8 || !m.importable || m.as != TrtType::UINT8) return m;
  const bool keeps_uint8 = consumer_op == "QuantizeLinear" || consumer_op == "DequantizeLinear" ||
                           consumer_op == "TRT_MXFP8QuantizeLinear" || consumer_op == "TRT_MXFP8DequantizeLinear";
  if (!keeps_uint8) m.as = TrtType::INT32;
  return m;
}

const OpInfo* Release::op(std::string_view op_type) const {
  if (!lazy_) return nullptr;
  ops();
  auto it = lazy_->by_name.find(op_type);
  return it == lazy_->by_name.end() ? nullptr : it->second;
}

namespace {

// json::value() throws on a present null; the data files use null for "no limit".
template <typename T>
T get(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try { return it->get<T>(); } catch (...) { return fallback; }
}

TypeSet parse_types(const nlohmann::json& list, std::vector<std::string>& problems, const std::string& where) {
  TypeSet set = 0;
  if (!list.is_array()) return set;
  for (const auto& t : list) {
    if (!t.is_string()) continue;
    auto type = trt_type_from_name(t.get<std::string>());
    if (type) set |= bit(*type);
    else problems.push_back(where + ": unknown TensorRT type '" + t.get<std::string>() + "'");
  }
  return set;
}

void parse_mappings(const nlohmann::json& object, std::array<TypeMapping, 32>& out, std::vector<std::string>& problems,
                    const std::string& where) {
  if (!object.is_object()) return;
  for (const auto& [onnx_name, target] : object.items()) {
    int dtype = dtype_from_name(onnx_name);
    if (dtype < 0 || !target.is_string()) {
      problems.push_back(where + ": bad type mapping '" + onnx_name + "'");
      continue;
    }
    std::string name = target.get<std::string>();
    TypeMapping m;
    if (!name.empty() && name.back() == '!') {
      m.downcast = true;
      name.pop_back();
    }
    auto type = trt_type_from_name(name);
    if (!type) {
      problems.push_back(where + ": bad TensorRT type '" + name + "'");
      continue;
    }
    m.importable = true;
    m.as = *type;
    out[static_cast<std::size_t>(dtype)] = m;
  }
}

RuleInstance parse_rule(const nlohmann::json& j, std::vector<std::string>& problems, const std::string& where) {
  RuleInstance r;
  r.params = j;
  r.rule = get<std::string>(j, "rule", "");
  r.check = get<std::string>(j, "check", "");
  if (auto it = j.find("opset"); it != j.end() && it->is_array() && it->size() == 2) {
    if ((*it)[0].is_number_integer()) r.opset_min = (*it)[0].get<int>();
    if ((*it)[1].is_number_integer()) r.opset_max = (*it)[1].get<int>();
  }
  r.code = get<std::string>(j, "code", "");
  r.why = get<std::string>(j, "why", "");
  r.hint = get<std::string>(j, "hint", "");
  r.matrix_disagrees = get<std::string>(j, "matrix_disagrees", "");
  r.source = get<std::string>(j, "source", "");
  r.confidence = get<std::string>(j, "confidence", "");
  if (auto it = j.find("types"); it != j.end() && it->is_array())
    for (const auto& t : *it)
      if (t.is_string()) {
        r.types.push_back(dtype_from_name(t.get<std::string>()));
        r.types_text += (r.types_text.empty() ? "" : ", ") + t.get<std::string>();
      }
  r.impl = RuleRegistry::find(r.rule == "custom" ? "custom:" + r.check : r.rule);
  if (!r.impl) problems.push_back(where + ": rule '" + (r.rule == "custom" ? "custom:" + r.check : r.rule) +
                                  "' is not implemented");
  const std::string severity = get<std::string>(j, "severity", "");
  r.warning = severity.empty() ? (r.impl && r.impl->default_warning) : severity == "warning";
  if (r.code.empty() && r.impl) r.code = r.impl->default_code;
  return r;
}

std::pair<int, int> parse_version(std::string_view s) {
  int major = 0, minor = 0;
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) major = major * 10 + (s[i++] - '0');
  if (i < s.size() && s[i] == '.') ++i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) minor = minor * 10 + (s[i++] - '0');
  return {major, minor};
}

}  // namespace

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::from_documents(const std::vector<std::string>& documents) {
  auto kb = std::make_unique<KnowledgeBase>();
  for (const auto& text : documents) {
    auto source = std::make_shared<const std::string>(text);
    rapidjson::Document parsed;
    parsed.Parse(source->data(), source->size());
    if (parsed.HasParseError() || !parsed.IsObject()) return make_error("E_KB", "a knowledge-base file is not valid JSON");
    nlohmann::json doc = release_header(parsed);
    Release r;
    r.name = get<std::string>(doc, "release", "");
    r.version = get<std::string>(doc, "version", r.name);
    std::tie(r.major, r.minor) = parse_version(r.name);
    const std::string where = "release " + r.name;
    if (r.name.empty()) return make_error("E_KB", "a knowledge-base file has no release name");
    if (auto it = doc.find("opset"); it != doc.end() && it->is_object()) {
      r.opset_min = get<int>(*it, "min", 0);
      r.opset_max = get<int>(*it, "max", 0);
    }
    for (const auto& p : get<nlohmann::json>(doc, "precisions", nlohmann::json::array())) r.precisions.push_back(p.get<std::string>());
    parse_mappings(get<nlohmann::json>(doc, "tensor_types", nlohmann::json::object()), r.tensor_types, kb->problems_, where);
    parse_mappings(get<nlohmann::json>(doc, "initializer_types", get<nlohmann::json>(doc, "tensor_types", nlohmann::json::object())),
                   r.initializer_types, kb->problems_, where);
    for (const auto& p : get<nlohmann::json>(doc, "plugins", nlohmann::json::array())) {
      const std::string entry = p.get<std::string>();
      const auto colon = entry.find(':');
      // An entry without ":version" is version "1", the parser's default plugin_version.
      r.plugins[entry.substr(0, colon)].insert(colon == std::string::npos ? "1" : entry.substr(colon + 1));
    }
    for (const auto& p : get<nlohmann::json>(doc, "no_plugin_escape", nlohmann::json::array())) r.no_plugin_escape.insert(p.get<std::string>());
    r.local_functions = get<bool>(doc, "local_functions", false);
    for (const auto& rule : get<nlohmann::json>(doc, "model_rules", nlohmann::json::array()))
      r.model_rules.push_back(parse_rule(rule, kb->problems_, where + " model"));
    r.facts = std::move(doc);
    r.lazy_ = std::make_shared<Release::Lazy>();
    r.lazy_->source = source;
    kb->releases_.push_back(std::move(r));
  }
  if (kb->releases_.empty()) return make_error("E_KB", "the knowledge base holds no release");
  std::sort(kb->releases_.begin(), kb->releases_.end(), [](const Release& a, const Release& b) {
    return std::tie(a.major, a.minor) < std::tie(b.major, b.minor);
  });
  return kb;
}

const std::map<std::string, OpInfo, std::less<>>& Release::ops() const {
  static const std::map<std::string, OpInfo, std::less<>> none;
  if (!lazy_) return none;
  std::call_once(lazy_->once, [this] {
    rapidjson::Document parsed;
    parsed.Parse(lazy_->source->data(), lazy_->source->size());
    if (parsed.HasParseError() || !parsed.IsObject() || !parsed.HasMember("ops") || !parsed["ops"].IsObject()) return;
    const std::string where = "release " + name;
    auto& problems = lazy_->problems;
    for (auto m = parsed["ops"].MemberBegin(); m != parsed["ops"].MemberEnd(); ++m) {
      const std::string op_name(m->name.GetString(), m->name.GetStringLength());
      const nlohmann::json spec = to_nlohmann(m->value);
      OpInfo op;
      op.name = op_name;
      op.importer = get<bool>(spec, "importer", true);
      if (auto t = spec.find("types"); t != spec.end()) op.types = parse_types(*t, problems, where + " " + op_name);
      if (auto t = spec.find("matrix_types"); t != spec.end()) {
        op.has_matrix_types = true;
        op.matrix_types = parse_types(*t, problems, where + " " + op_name);
      } else {
        op.matrix_types = op.types;
      }
      op.precision_agnostic = get<bool>(spec, "precision_agnostic", false);
      op.in_matrix = get<bool>(spec, "in_matrix", true);
      op.since_opset = get<int>(spec, "since_opset", 0);
      if (auto source = spec.find("type_source"); source != spec.end() && source->is_object()) {
        op.type_source.output = source->contains("output");
        op.type_source.index = get<int>(*source, op.type_source.output ? "output" : "input", 0);
      }
      op.output_type_input = get<int>(spec, "output_type_input", -1);
      if (auto downcasts = spec.find("attribute_downcasts"); downcasts != spec.end() && downcasts->is_array())
        for (const auto& d : *downcasts)
          op.attribute_downcasts.push_back({get<std::string>(d, "attr", ""), dtype_from_name(get<std::string>(d, "type", "")),
                                            get<std::string>(d, "code", ""), get<std::string>(d, "message", "")});
      if (auto rules = spec.find("rules"); rules != spec.end() && rules->is_array())
        for (const auto& rule : *rules) op.rules.push_back(parse_rule(rule, problems, where + " " + op_name));
      lazy_->ops.emplace(op_name, std::move(op));
    }
    lazy_->by_name.reserve(lazy_->ops.size());
    for (const auto& [key, info] : lazy_->ops) lazy_->by_name.emplace(key, &info);
  });
  return lazy_->ops;
}

const std::vector<std::string>& Release::problems() const {
  static const std::vector<std::string> none;
  if (!lazy_) return none;
  ops();
  return lazy_->problems;
}

std::vector<std::string> KnowledgeBase::problems() const {
  std::vector<std::string> out = problems_;
  for (const auto& r : releases_) {
    const auto& found = r.problems();
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

const KnowledgeBase& KnowledgeBase::builtin() {
  static const std::unique_ptr<KnowledgeBase> kb = [] {
    std::vector<std::string> docs;
    for (const auto& file : embedded_kb_files()) docs.emplace_back(file.data, file.size);
    auto loaded = from_documents(docs);
    if (!loaded) {
      // The data is compiled in; failing here is a build defect, not a user error.
      std::fprintf(stderr, "trtlens: internal error: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return std::move(loaded.value());
  }();
  return *kb;
}

const Release* KnowledgeBase::find(std::string_view spelling) const {
  std::string s;
  for (char c : spelling)
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* prefix : {"tensorrt", "trt", "v"})
    if (s.rfind(prefix, 0) == 0) s = s.substr(std::string_view(prefix).size());
  if (s == "latest" || s == "newest") return &newest();
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return nullptr;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return nullptr;
  auto [major, minor] = parse_version(s);
  const bool has_minor = s.find('.') != std::string::npos;
  const Release* best = nullptr;
  for (const auto& r : releases_) {
    if (r.major != major) continue;
    if (has_minor && r.minor != minor) continue;
    if (has_minor) {
      // A full version must agree with the known GA version's first components, or be any patch of it.
      return &r;
    }
    best = &r;  // "10" -> newest 10.x
  }
  return best;
}

std::string KnowledgeBase::release_list() const {
  std::string out;
  for (const auto& r : releases_) out += (out.empty() ? "" : ", ") + r.name;
  return out;
}

}  // namespace trtlens
