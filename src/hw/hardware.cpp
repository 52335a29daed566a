// Hardware targets: GPU names and compute capabilities, release x architecture, precision x architecture.
// The DLA per-layer limits are in dla.cpp.
#include "hw/hardware.h"
#include "hw/release_ranges.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "kb/embedded.h"

namespace trtlens {

namespace {

// "Jetson AGX Orin" -> "jetsonagxorin"; vendor words that users add or leave out are dropped.
std::string normalize_name(std::string_view s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  for (const char* noise : {"nvidia", "geforce", "tesla"})
    if (out.rfind(noise, 0) == 0) out.erase(0, std::char_traits<char>::length(noise));
  return out;
}

int sm_value(std::string_view sm) {  // "8.7" -> 87, "12.0" -> 120
  const auto dot = sm.find('.');
  if (dot == std::string_view::npos) return -1;
  try {
    return std::stoi(std::string(sm.substr(0, dot))) * 10 + std::stoi(std::string(sm.substr(dot + 1)));
  } catch (...) {
    return -1;
  }
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

bool contains(const nlohmann::json& list, std::string_view value) {
  if (!list.is_array()) return false;
  for (const auto& v : list)
    if (v.is_string() && v.get<std::string>() == value) return true;
  return false;
}

std::string uncertain_suffix(const std::string& confidence) {
  return confidence == "uncertain" ? " (uncertain: inferred, not confirmed in NVIDIA code or documentation)" : "";
}

GpuTarget gpu_from(const nlohmann::json& g, std::string product) {
  GpuTarget t;
  t.sm = g.at("sm").get<std::string>();
  t.product = std::move(product);
  t.family = g.value("family", "");
  t.embedded = g.value("embedded", false);
  t.dla_cores = g.value("dla_cores", 0);
  t.dla_generation = g.value("dla_generation", 0);
  t.confidence = g.value("confidence", "uncertain");
  return t;
}

}  // namespace

std::string HardwareTarget::text() const {
  if (!has_gpu) return "";
  std::string s = gpu.label();
  if (dla) s += gpu_fallback ? ", DLA with GPU fallback" : ", DLA only (no GPU fallback)";
  return s;
}

std::string GpuTarget::sm_name() const {
  const auto dot = sm.find('.');
  return dot == std::string::npos ? "sm_" + sm : "sm_" + sm.substr(0, dot) + sm.substr(dot + 1);
}

nlohmann::json HardwareTarget::json() const {
  if (!has_gpu) return nullptr;
  return {{"gpu", gpu.sm_name()},
          {"compute_capability", gpu.sm},
          {"product", gpu.product.empty() ? nlohmann::json(nullptr) : nlohmann::json(gpu.product)},
          {"family", gpu.family},
          {"dla", dla},
          {"gpu_fallback", gpu_fallback}};
}

std::string HardwareTarget::key() const {
  // The product matters beside the SM: Orin and Orin Nano share SM 8.7, only one has DLA cores.
  if (!has_gpu) return "";
  return gpu.sm_name() + "/" + gpu.product + (dla ? "/dla" : "") + (gpu_fallback ? "" : "/nofb");
}

QuantizedTypes quantized_types(const ModelIndex& index) {
  QuantizedTypes q;
  for (std::size_t i = 0; i < index.nodes().size(); ++i) {
    const NodeRef& n = index.nodes()[i];
    const bool quantize = n.op_type == "QuantizeLinear" || n.op_type == "TRT_FP8QuantizeLinear" ||
                          n.op_type == "TRT_INT4QuantizeLinear" || n.op_type == "TRT_FP4DynamicQuantize";
    const bool dequantize = n.op_type == "DequantizeLinear" || n.op_type == "TRT_FP8DequantizeLinear" ||
                            n.op_type == "TRT_INT4DequantizeLinear";
    if (!quantize && !dequantize) continue;
    if (n.op_type.find("FP8") != std::string::npos) { q.fp8 = true; continue; }
    if (n.op_type.find("INT4") != std::string::npos) { q.int4 = true; continue; }
    if (n.op_type.find("FP4") != std::string::npos) { q.fp4 = true; continue; }
    // The quantized side: Q's output, DQ's input (its zero point carries the type when the input is unknown).
    const TensorInfo* t = quantize ? index.output(static_cast<int>(i), 0) : index.input(static_cast<int>(i), 0);
    int dtype = t ? t->dtype : 0;
    if (dtype == 0) {
      const TensorInfo* zp = index.input(static_cast<int>(i), 2);
      dtype = zp ? zp->dtype : 0;
    }
    switch (dtype) {
      case 17: case 18: case 19: case 20: q.fp8 = true; break;   // FLOAT8E4M3FN .. FLOAT8E5M2FNUZ
      case 21: case 22: q.int4 = true; break;                    // UINT4, INT4
      case 23: q.fp4 = true; break;                              // FLOAT4E2M1
      default: q.int8 = true; break;                             // INT8 / UINT8 (and the ONNX default)
    }
  }
  return q;
}

// "8.5, 8.6, 10.0 .. 10.15": consecutive releases of the knowledge base folded into ranges.
std::string release_ranges(const std::vector<std::string>& runs, const KnowledgeBase& kb) {
  std::string out;
  const auto& all = kb.releases();
  std::size_t i = 0;
  while (i < all.size()) {
    if (std::find(runs.begin(), runs.end(), all[i].name) == runs.end()) { ++i; continue; }
    std::size_t j = i;
    while (j + 1 < all.size() && std::find(runs.begin(), runs.end(), all[j + 1].name) != runs.end()) ++j;
    out += (out.empty() ? "" : ", ") + all[i].name + (j > i ? " .. " + all[j].name : "");
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

const HardwareKb& HardwareKb::builtin() {
  static const HardwareKb* kb = [] {
    for (const auto& f : embedded_hw_files()) {
      if (f.name != "hardware.json") continue;
      auto r = from_document(std::string_view(f.data, f.size));
      if (r) return r.value().release();
    }
    return new HardwareKb();  // an empty knowledge base: every lookup says the GPU is unknown
  }();
  return *kb;
}

Result<std::unique_ptr<HardwareKb>> HardwareKb::from_document(std::string_view json) {
  auto kb = std::make_unique<HardwareKb>();
  kb->doc_ = nlohmann::json::parse(json, nullptr, false);
  if (kb->doc_.is_discarded() || !kb->doc_.contains("gpus") || !kb->doc_.contains("releases"))
    return make_error("E_KB", "the hardware knowledge base is not valid JSON of the expected shape");
  return kb;
}

std::vector<std::string> HardwareKb::product_names() const {
  std::vector<std::string> out;
  for (const auto& g : doc_.value("gpus", nlohmann::json::array()))
    for (const auto& p : g.value("products", nlohmann::json::array())) out.push_back(p.get<std::string>());
  return out;
}

Result<GpuTarget> HardwareKb::find_gpu(std::string_view spec) const {
  const std::string key = normalize_name(spec);
  if (key.empty()) return make_error("E_USAGE", "empty --gpu: give a compute capability (sm_87, 8.7) or a product (Orin, T4)");
  const auto& gpus = doc_.at("gpus");
  for (const auto& g : gpus)
    for (const auto& p : g.value("products", nlohmann::json::array()))
      if (normalize_name(p.get<std::string>()) == key) return gpu_from(g, p.get<std::string>());
  // A compute capability: sm_87, sm87, 8.7, 87, 12.0, 120.
  static const std::regex cc(R"(^\s*(?:sm_?|compute_?)?(\d{1,3})(?:\.(\d))?\s*$)", std::regex::icase);
  std::cmatch m;
  const std::string s(spec);
  if (std::regex_match(s.c_str(), m, cc)) {
    std::string sm;
    if (m[2].matched) {
      sm = m[1].str() + "." + m[2].str();
    } else {
      const std::string digits = m[1].str();
      if (digits.size() < 2) return make_error("E_USAGE", "bad --gpu '" + s + "': write the compute capability as sm_87 or 8.7");
      sm = digits.substr(0, digits.size() - 1) + "." + digits.substr(digits.size() - 1);
    }
    for (const auto& g : gpus)  // the first entry of an SM is the full chip (Orin with its DLA, not Orin Nano)
      if (g.at("sm") == sm) return gpu_from(g, "");
    for (const auto& g : gpus)
      if (contains(g.value("aliases", nlohmann::json::array()), sm)) return gpu_from(g, "");
    std::string known;
    std::string last;
    for (const auto& g : gpus) {
      const std::string v = g.at("sm").get<std::string>();
      if (v != last) known += (known.empty() ? "" : ", ") + v;
      last = v;
    }
    return make_error("E_USAGE", "unknown compute capability " + sm + " (known: " + known + ")");
  }
  std::string hint;
  for (const auto& name : product_names()) {
    const std::string n = normalize_name(name);
    if (n.find(key) != std::string::npos || key.find(n) != std::string::npos) hint += (hint.empty() ? "" : ", ") + name;
  }
  return make_error("E_USAGE", "unknown GPU '" + s + "'" + (hint.empty() ? "" : " (did you mean: " + hint + "?)") +
                                   "; give a compute capability (sm_87, 8.7) or a product name (trtlens gpus lists them)");
}

Result<HardwareTarget> HardwareKb::make_target(std::string_view gpu, bool dla, bool gpu_fallback) const {
  HardwareTarget t;
  t.dla = dla;
  t.gpu_fallback = gpu_fallback;
  if (!dla && !gpu_fallback) return make_error("E_USAGE", "--no-gpu-fallback applies to DLA targets only: add --dla");
  if (gpu.empty()) {
    if (dla) return make_error("E_USAGE", "--dla needs --gpu naming a platform with DLA cores (Xavier or Orin)");
    return t;
  }
  auto g = find_gpu(gpu);
  if (!g) return g.error();
  t.has_gpu = true;
  t.gpu = g.value();
  if (dla && t.gpu.dla_cores == 0)
    return make_error("E_USAGE", t.gpu.label() + " has no DLA cores (DLA: Jetson AGX Xavier, Xavier NX, AGX Orin, Orin NX, "
                                                 "DRIVE Xavier and DRIVE Orin)");
  return t;
}

const nlohmann::json* HardwareKb::release_facts(const Release& release) const {
  const auto& rels = doc_.at("releases");
  auto it = rels.find(release.name);
  return it == rels.end() ? nullptr : &*it;
}

bool HardwareKb::runs_on(const Release& release, const GpuTarget& gpu) const {
  const nlohmann::json* f = release_facts(release);
  if (!f) return false;
  const auto& g = f->at("gpu");
  return contains(g.at("known"), gpu.sm);
}

std::vector<std::string> HardwareKb::releases_for(const KnowledgeBase& kb, const GpuTarget& gpu) const {
  std::vector<std::string> out;
  for (const auto& r : kb.releases())
    if (runs_on(r, gpu)) out.push_back(r.name);
  return out;
}

bool HardwareKb::dla_available(const Release& release, const HardwareTarget& hw, std::string* why,
                               std::string* confidence) const {
  const nlohmann::json* f = release_facts(release);
  if (!f || !hw.has_gpu || hw.gpu.dla_cores == 0) {
    if (why) *why = hw.gpu.label() + " has no DLA cores";
    return false;
  }
  const auto& d = f->at("dla");
  if (confidence) *confidence = d.value("confidence", "uncertain");
  for (const auto& gen : d.at("generations"))
    if (gen.get<int>() == hw.gpu.dla_generation) {
      if (why) *why = d.value("note", "");
      return true;
    }
  if (why) {
    *why = release.display() + " has no DLA support for " + hw.gpu.label();
    if (!d.value("note", "").empty()) *why += ": " + d.value("note", "");
  }
  return false;
}

DlaLoadableLimit HardwareKb::dla_loadables(const Release& release) const {
  const nlohmann::json* f = release_facts(release);
  if (!f || !f->contains("dla") || !f->at("dla").contains("loadables")) return {};
  const auto& l = f->at("dla").at("loadables");
  return {l.value("max_per_core", 0), l.value("confidence", "uncertain"), l.value("note", "")};
}

std::vector<HardwareIssue> HardwareKb::model_issues(const Release& release, const HardwareTarget& hw,
                                                    const std::vector<Precision>& precisions,
                                                    const QuantizedTypes& quantized) const {
  std::vector<HardwareIssue> out;
  if (!hw.has_gpu) return out;
  const nlohmann::json* f = release_facts(release);
  if (!f) return out;
  const auto& g = f->at("gpu");
  const std::string gconf = g.value("confidence", "uncertain");
  const int sm = sm_value(hw.gpu.sm);

  // Release x architecture: outside the known set the build fails ("Unsupported SM").
  if (!contains(g.at("known"), hw.gpu.sm)) {
    const bool below = sm < sm_value(g.at("floor").get<std::string>());
    std::string newest;
    for (const auto& k : g.at("known")) newest = k.get<std::string>();
    std::string msg = release.display() + " does not run on " + hw.gpu.label() + ": " +
                      (below ? "its oldest supported architecture is SM " + g.at("floor").get<std::string>()
                             : "its newest known architecture is SM " + newest) +
                      " (building fails with 'Unsupported SM')";
    if (!g.value("note", "").empty()) msg += "; " + g.value("note", "");
    out.push_back({true, "TRT_GPU_UNSUPPORTED", msg + uncertain_suffix(gconf),
                   "Use a release that runs on " + hw.gpu.label() + " (see 'releases' in the hint of trtlens check --gpu)",
                   gconf});
    return out;  // nothing else is meaningful: the build does not start
  }
  if (contains(g.value("uncertain", nlohmann::json::array()), hw.gpu.sm))
    out.push_back({false, "TRT_GPU_SUPPORT_UNCERTAIN",
                   "whether " + release.display() + " runs on " + hw.gpu.label() + " is not documented" +
                       (g.value("note", "").empty() ? "" : ": " + g.value("note", "")),
                   "", "uncertain"});
  for (const auto& e : doc_.value("embedded_releases", nlohmann::json::array()))
    if (e.at("sm") == hw.gpu.sm && hw.gpu.embedded && !contains(e.at("releases"), release.name))
      out.push_back({false, "TRT_PLATFORM_RELEASE",
                     "no JetPack or DRIVE OS release is known to ship " + release.display() + " for " + hw.gpu.label() +
                         ": " + e.value("note", "") + uncertain_suffix(e.value("confidence", "uncertain")),
                     "", e.value("confidence", "uncertain")});

  // Precision x architecture.
  for (const auto& p : doc_.value("precisions", nlohmann::json::array())) {
    const std::string name = p.at("precision").get<std::string>();
    const bool native = sm >= sm_value(p.at("min_sm").get<std::string>()) && !contains(p.value("not_on", nlohmann::json::array()), hw.gpu.sm);
    if (native) continue;
    const std::string conf = p.value("confidence", "uncertain");
    const bool qdq = (name == "int8" && quantized.int8) || (name == "fp8" && quantized.fp8) ||
                     (name == "fp4" && quantized.fp4) || (name == "int4" && quantized.int4);
    if (qdq && p.contains("qdq_message")) {
      out.push_back({true, "TRT_HW_NO_" + upper(name),
                     "the model holds " + upper(name) + " Q/DQ nodes and " + hw.gpu.label() + " has no " + upper(name) +
                         ": " + p.value("qdq_message", "") + uncertain_suffix(conf),
                     "Build on a GPU with " + upper(name) + " (SM " + p.at("min_sm").get<std::string>() +
                         "+) or quantize to a type this GPU has",
                     conf});
      continue;
    }
    const bool requested = std::any_of(precisions.begin(), precisions.end(),
                                       [&](Precision q) { return precision_name(q) == name; });
    if (!requested) continue;
    out.push_back({false, "TRT_HW_NO_" + upper(name),
                   hw.gpu.label() + " has no native " + upper(name) + " (needs SM " + p.at("min_sm").get<std::string>() +
                       "+): " + p.value("message", "") + uncertain_suffix(conf),
                   "Drop --precision " + name + " for this GPU, or target a newer GPU", conf});
  }

  // DLA availability and precision.
  if (hw.dla) {
    std::string why, conf;
    if (!dla_available(release, hw, &why, &conf)) {
      out.push_back({!hw.gpu_fallback, "TRT_DLA_UNAVAILABLE",
                     why + (hw.gpu_fallback ? "; every layer runs on the GPU" : "; without GPU fallback the build fails"),
                     "Use a release with DLA support for " + hw.gpu.label(), conf.empty() ? "doc" : conf});
    } else {
      if (conf == "uncertain")
        out.push_back({false, "TRT_DLA_SUPPORT_UNCERTAIN", why + uncertain_suffix(conf), "", conf});
      const bool dla_precision = std::any_of(precisions.begin(), precisions.end(),
                                             [](Precision q) { return q == Precision::FP16 || q == Precision::INT8; });
      if (!dla_precision)
        out.push_back({!hw.gpu_fallback, "TRT_DLA_NO_PRECISION",
                       "the DLA runs only FP16 and INT8; with none of them requested no layer can run on it",
                       "Add --precision fp16 (or int8 with calibration)", "doc"});
    }
  }
  return out;
}

}  // namespace trtlens
