#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>

#include "report/report.h"
#include "report/verdict_json.h"

namespace trtlens {

const char* const kToolVersion = "0.1.0";

namespace {

// Model strings are arbitrary bytes (ONNX uses proto2 strings): keep valid UTF-8, replace anything else with U+FFFD
// so the document always parses.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) >> 6) != 0x2) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    bool ok = extra >= 0 && i + static_cast<std::size_t>(extra) < s.size();
    for (int k = 1; ok && k <= extra; ++k)
      ok = (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) >> 6) == 0x2;
    if (ok) {
      out.append(s.substr(i, static_cast<std::size_t>(extra) + 1));
      i += static_cast<std::size_t>(extra) + 1;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

template <typename Writer>
void str(Writer& w, std::string_view s) {
  if (valid_utf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    const std::string fixed = repair_utf8(s);
    w.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()));
  }
}

template <typename Writer>
void write_all(Writer& w, const ModelIndex& index, const Analysis& a) {
  const auto& proto = index.proto();
  const Release& r = *a.target.release;
  w.StartObject();
  str(w, "tool");
  w.StartObject();
  str(w, "name"); str(w, "trtlens");
  str(w, "version"); str(w, kToolVersion);
  w.EndObject();

  str(w, "model");
  w.StartObject();
  str(w, "path"); str(w, index.model().path().string());
  str(w, "ir_version"); w.Int64(proto.ir_version());
  str(w, "producer_name"); str(w, proto.producer_name());
  str(w, "producer_version"); str(w, proto.producer_version());
  str(w, "graph_name"); str(w, proto.graph().name());
  str(w, "opset_imports");
  w.StartObject();
  for (const auto& [domain, version] : index.opsets()) {
    str(w, domain);
    w.Int(version);
  }
  w.EndObject();
  str(w, "node_count"); w.Uint64(index.nodes().size());
  str(w, "main_graph_node_count"); w.Int(proto.graph().node_size());
  w.EndObject();

  str(w, "target");
  w.StartObject();
  str(w, "tensorrt"); str(w, r.name);
  str(w, "tensorrt_version"); str(w, r.version);
  str(w, "precisions");
  w.StartArray();
  for (Precision p : a.target.precisions) str(w, precision_name(p));
  w.EndArray();
  str(w, "strict"); w.Bool(a.target.strict);
  str(w, "strongly_typed"); w.Bool(a.target.strongly_typed);
  str(w, "quantization"); str(w, a.summary.quantization);
  str(w, "plugins");
  w.StartArray();
  for (const auto& p : a.target.plugins) str(w, p.text());
  w.EndArray();
  if (const HardwareTarget& hw = a.target.hardware; hw.has_gpu) {
    str(w, "hardware");
    w.StartObject();
    str(w, "gpu"); str(w, "sm_" + hw.gpu.sm.substr(0, hw.gpu.sm.find('.')) + hw.gpu.sm.substr(hw.gpu.sm.find('.') + 1));
    str(w, "compute_capability"); str(w, hw.gpu.sm);
    str(w, "product");
    if (hw.gpu.product.empty()) w.Null(); else str(w, hw.gpu.product);
    str(w, "family"); str(w, hw.gpu.family);
    str(w, "dla"); w.Bool(hw.dla);
    str(w, "gpu_fallback"); w.Bool(hw.gpu_fallback);
    w.EndObject();
  }
  w.EndObject();

  str(w, "summary");
  w.StartObject();
  str(w, "convertible"); w.Int(a.summary.convertible);
  str(w, "fallback"); w.Int(a.summary.fallback);
  str(w, "unsupported"); w.Int(a.summary.unsupported);
  str(w, "warnings"); w.Int(a.summary.warnings);
  str(w, "model_convertible"); w.Bool(a.summary.model_convertible);
  str(w, "quantization"); str(w, a.summary.quantization);
  str(w, "quantized_nodes"); w.Int(a.summary.quantized_nodes);
  str(w, "qdq_nodes"); w.Int(a.summary.qdq_nodes);
  if (a.target.hardware.dla) {
    str(w, "dla_nodes"); w.Int(a.summary.dla_nodes);
    str(w, "gpu_nodes"); w.Int(a.summary.gpu_nodes);
    str(w, "gpu_dla_transitions"); w.Int(a.summary.gpu_dla_transitions);
    str(w, "dla_subgraphs"); w.Int(a.summary.dla_subgraphs);
  }
  w.EndObject();

  str(w, "model_issues");
  w.StartArray();
  for (const auto& m : a.model_issues) {
    w.StartObject();
    str(w, "severity"); str(w, m.error ? "error" : "warning");
    str(w, "code"); str(w, m.code);
    str(w, "message"); str(w, m.message);
    if (!m.hint.empty()) {
      str(w, "hint"); str(w, m.hint);
    }
    if (!m.confidence.empty()) {
      str(w, "confidence"); str(w, m.confidence);
    }
    w.EndObject();
  }
  w.EndArray();

  str(w, "nodes");
  w.StartArray();
  const auto& nodes = index.nodes();
  for (const auto& v : a.nodes) {
    const NodeRef& n = nodes[static_cast<std::size_t>(v.index)];
    w.StartObject();
    str(w, "index"); w.Int(v.index);
    str(w, "name"); str(w, n.name);
    str(w, "op_type"); str(w, n.op_type);
    str(w, "domain"); str(w, n.domain);
    str(w, "graph"); str(w, index.scopes()[static_cast<std::size_t>(n.scope)]->path);
    str(w, "status"); str(w, status_name(v.status));
    str(w, "runs_in");
    if (v.runs_in.empty()) w.Null(); else str(w, v.runs_in);
    str(w, "compute_type");
    if (v.compute_type.empty()) w.Null(); else str(w, v.compute_type);
    str(w, "supported_types");
    w.StartArray();
    for (const auto& t : type_names(v.supported_types)) str(w, t);
    w.EndArray();
    verdict_json::write_findings(w, v);
    if (!v.first_release.empty()) {
      str(w, "first_supported_release"); str(w, v.first_release);
    }
    if (!v.device.empty()) {
      str(w, "device"); str(w, v.device);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// rapidjson's OStreamWrapper calls ostream::put per character (a third of `check` on a 100k-node model): buffer.
class BufferedOStream {
 public:
  using Ch = char;
  explicit BufferedOStream(std::ostream& out) : out_(out) { buffer_.reserve(kSize); }
  ~BufferedOStream() { Flush(); }
  void Put(char c) {
    buffer_.push_back(c);
    if (buffer_.size() >= kSize) Flush();
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kSize = 1 << 16;
  std::ostream& out_;
  std::string buffer_;
};

}  // namespace

void write_json(std::ostream& out, const ModelIndex& index, const Analysis& a, bool pretty) {
  {
    BufferedOStream stream(out);
    if (pretty) {
      rapidjson::PrettyWriter<BufferedOStream> w(stream);
      w.SetIndent(' ', 2);
      write_all(w, index, a);
    } else {
      rapidjson::Writer<BufferedOStream> w(stream);
      write_all(w, index, a);
    }
  }
  out << '\n';
}

std::string to_json(const ModelIndex& index, const Analysis& a, bool pretty) {
  std::ostringstream out;
  write_json(out, index, a, pretty);
  return out.str();
}

}  // namespace trtlens
