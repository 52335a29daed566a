// Is the second JSON library (rapidjson next to nlohmann) needed for speed? Times, in one run, the two jobs it does:
//  1. reading the knowledge base: every release's header (what `check` pays at start-up, 26 releases) and one
//     release's operators (parsed on first use);
//  2. writing the verdict JSON of a large model (report/json.cpp).
// Each job is done with rapidjson (as the code does it) and with nlohmann only; the ratio is nlohmann / rapidjson,
// the median of RUNS repetitions each. Usage: json_libs MODEL.onnx [RUNS]   (bench/run.sh passes the transformer)
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kb/embedded.h"
#include "kb/kb.h"
#include "kb/kb_json.h"
#include "onnx/graph.h"
#include "onnx/model.h"
#include "report/report.h"
#include "verdict/analysis.h"

namespace {

using trtlens::Analysis;
using trtlens::ModelIndex;

double median_ms(int runs, const std::function<std::size_t()>& job, std::size_t& sink) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    sink += job();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// 1a. The headers as KnowledgeBase::from_documents reads them (kb/kb_json.h): rapidjson DOM, every member but "ops"
// converted.
std::size_t headers_rapidjson(const std::vector<std::string>& docs) {
  std::size_t n = 0;
  for (const auto& text : docs) {
    rapidjson::Document parsed;
    parsed.Parse(text.data(), text.size());
    n += trtlens::release_header(parsed).size();
  }
  return n;
}

// 1b. nlohmann alone: a parser callback drops "ops" at the top level, so its DOM is never built.
std::size_t headers_nlohmann(const std::vector<std::string>& docs) {
  std::size_t n = 0;
  for (const auto& text : docs) {
    const auto skip_ops = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      return !(depth == 1 && event == nlohmann::json::parse_event_t::key && parsed == "ops");
    };
    n += nlohmann::json::parse(text, skip_ops).size();
  }
  return n;
}

// 2a/2b. One release's operators: rapidjson DOM with each op converted (Release::ops()), or one nlohmann parse.
std::size_t ops_rapidjson(const std::string& text) {
  rapidjson::Document parsed;
  parsed.Parse(text.data(), text.size());
  std::size_t n = 0;
  for (auto m = parsed["ops"].MemberBegin(); m != parsed["ops"].MemberEnd(); ++m)
    n += trtlens::to_nlohmann(m->value).size();
  return n;
}
std::size_t ops_nlohmann(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text);
  std::size_t n = 0;
  for (const auto& [name, spec] : doc["ops"].items()) n += spec.size();
  return n;
}

// 3b. The verdict JSON's bulk (one object per node with its reasons and warnings) written with each library. The
// same fields both ways; the real writer (3a) is report/json.cpp's write_json, timed too for scale.
template <typename Writer>
void write_node(Writer& w, const ModelIndex& index, const trtlens::NodeVerdict& v) {
  const auto& n = index.nodes()[static_cast<std::size_t>(v.index)];
  w.StartObject();
  w.Key("index"); w.Int(v.index);
  w.Key("name"); w.String(n.name.c_str());
  w.Key("op_type"); w.String(n.op_type.c_str());
  w.Key("status"); w.String(std::string(trtlens::status_name(v.status)).c_str());
  w.Key("runs_in"); w.String(v.runs_in.c_str());
  w.Key("compute_type"); w.String(v.compute_type.c_str());
  w.Key("reasons"); w.StartArray();
  for (const auto& r : v.reasons) {
    w.StartObject();
    w.Key("code"); w.String(r.code.c_str());
    w.Key("message"); w.String(r.message.c_str());
    w.Key("hint"); w.String(r.hint.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("warnings"); w.StartArray();
  for (const auto& x : v.warnings) {
    w.StartObject();
    w.Key("code"); w.String(x.code.c_str());
    w.Key("message"); w.String(x.message.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}
std::size_t nodes_rapidjson(const ModelIndex& index, const Analysis& a) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& v : a.nodes) write_node(w, index, v);
  w.EndArray();
  return buffer.GetSize();
}
std::size_t nodes_nlohmann(const ModelIndex& index, const Analysis& a) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& v : a.nodes) {
    const auto& n = index.nodes()[static_cast<std::size_t>(v.index)];
    nlohmann::json reasons = nlohmann::json::array(), warnings = nlohmann::json::array();
    for (const auto& r : v.reasons) reasons.push_back({{"code", r.code}, {"message", r.message}, {"hint", r.hint}});
    for (const auto& x : v.warnings) warnings.push_back({{"code", x.code}, {"message", x.message}});
    nodes.push_back({{"index", v.index}, {"name", n.name}, {"op_type", n.op_type},
                     {"status", trtlens::status_name(v.status)}, {"runs_in", v.runs_in},
                     {"compute_type", v.compute_type}, {"reasons", std::move(reasons)},
                     {"warnings", std::move(warnings)}});
  }
  return nodes.dump().size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: json_libs MODEL.onnx [RUNS]\n";
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 11;
  std::vector<std::string> docs;
  std::string newest;
  for (const auto& f : trtlens::embedded_kb_files()) {
    docs.emplace_back(f.data, f.size);
    if (f.name.find("10.15") != std::string_view::npos) newest = docs.back();
  }
  if (newest.empty()) newest = docs.back();
  if (headers_rapidjson(docs) != headers_nlohmann(docs) || ops_rapidjson(newest) != ops_nlohmann(newest)) {
    std::cerr << "json_libs: the two parses disagree\n";
    return 1;
  }
  auto model = trtlens::load_model(argv[1]);
  if (!model) {
    std::cerr << model.error().message << "\n";
    return 2;
  }
  auto index = ModelIndex::build(std::move(model.value()));
  if (!index) {
    std::cerr << index.error().message << "\n";
    return 2;
  }
  const auto& kb = trtlens::KnowledgeBase::builtin();
  auto target = trtlens::make_target(kb, "10.15", "fp16", false, {});
  if (!target) return 2;
  const Analysis a = trtlens::analyze(*index.value(), target.value(), kb);

  std::size_t sink = 0;
  struct Row { const char* job; double rapid, nlohmann; };
  std::vector<Row> rows;
  rows.push_back({"kb headers, 26 releases", median_ms(runs, [&] { return headers_rapidjson(docs); }, sink),
                  median_ms(runs, [&] { return headers_nlohmann(docs); }, sink)});
  rows.push_back({"kb operators, 10.15", median_ms(runs, [&] { return ops_rapidjson(newest); }, sink),
                  median_ms(runs, [&] { return ops_nlohmann(newest); }, sink)});
  rows.push_back({"node verdicts, written", median_ms(runs, [&] { return nodes_rapidjson(*index.value(), a); }, sink),
                  median_ms(runs, [&] { return nodes_nlohmann(*index.value(), a); }, sink)});
  const double full = median_ms(runs, [&] {
    std::ostringstream out;
    trtlens::write_json(out, *index.value(), a);
    return out.str().size();
  }, sink);

  std::printf("json_libs: %zu nodes, median of %d runs (ms)\n", a.nodes.size(), runs);
  std::printf("%-28s %10s %10s %8s\n", "job", "rapidjson", "nlohmann", "ratio");
  for (const auto& r : rows) std::printf("%-28s %10.2f %10.2f %7.2fx\n", r.job, r.rapid, r.nlohmann, r.nlohmann / r.rapid);
  std::printf("%-28s %10.2f %10s\n", "write_json (report/json.cpp)", full, "-");
  return sink == 0 ? 1 : 0;
}
