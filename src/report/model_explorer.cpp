// Model Explorer overlay. Format (Model Explorer's node-data builder): a graph's node data is an object with
// "results" keyed by node id, each {"value": number}, and optional "thresholds" (ascending upper bounds, each with a
// bgColor/textColor applied to values <= it) or "gradient". Node ids are those its ONNX adapter assigns, which we
// reproduce here (the overlay is useless if a single key misses).
#include "report/model_explorer.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <map>
#include <set>
#include <unordered_map>

namespace trtlens {

namespace {

// onnx_ir's NameFixPass over one model: graphs visited depth-first (a node, then the bodies in its attributes),
// node names unique per graph, one suffix counter per preferred name shared by the whole model.
class AdapterNames {
 public:
  std::unordered_map<const onnx::NodeProto*, std::string> ids;

  void visit(const onnx::GraphProto& graph) {
    used_.emplace_back();
    for (const auto& node : graph.node()) {
      ids[&node] = fix(node.name());
      for (const auto& attr : node.attribute()) {
        if (attr.has_g()) visit(attr.g());
        for (const auto& g : attr.graphs()) visit(g);
      }
    }
    used_.pop_back();
  }

 private:
  std::string fix(const std::string& name) {
    auto& used = used_.back();
    if (!name.empty() && used.insert(name).second) return name;
    const std::string preferred = name.empty() ? "node" : name;
    std::string candidate = preferred;
    while (used.count(candidate)) candidate = preferred + "_" + std::to_string(++counter_[preferred]);
    used.insert(candidate);
    return candidate;
  }
  std::vector<std::set<std::string>> used_;
  std::map<std::string, int> counter_;
};

int overlay_value(Status s) {
  switch (s) {
    case Status::kConvertible: return 0;
    case Status::kFallback: return 1;
    default: return 2;
  }
}

}  // namespace

std::vector<std::string> model_explorer_node_ids(const ModelIndex& index) {
  AdapterNames names;
  names.visit(index.proto().graph());
  std::vector<std::string> out(index.nodes().size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const NodeRef& n = index.nodes()[i];
    if (index.scopes()[static_cast<std::size_t>(n.scope)]->function) continue;  // a copy of a function body
    if (auto it = names.ids.find(n.proto); it != names.ids.end()) out[i] = it->second;
  }
  return out;
}

void write_model_explorer(std::ostream& out, const ModelIndex& index, const Analysis& a) {
  const auto ids = model_explorer_node_ids(index);
  rapidjson::OStreamWrapper stream(out);
  rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(stream);
  w.SetIndent(' ', 2);
  auto str = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("results");
  w.StartObject();
  // Main-graph nodes first: a body node whose id repeats a main-graph id (names are unique per graph only) is left
  // out rather than overwrite it.
  std::set<std::string> written;
  for (int pass = 0; pass < 2; ++pass)
    for (const NodeVerdict& v : a.nodes) {
      const auto i = static_cast<std::size_t>(v.index);
      if (i >= ids.size() || ids[i].empty()) continue;
      const bool main_graph = index.nodes()[i].scope == 0;
      if (main_graph != (pass == 0) || !written.insert(ids[i]).second) continue;
      str(ids[i]);
      w.StartObject();
      w.Key("value");
      w.Int(overlay_value(v.status));
      w.EndObject();
    }
  w.EndObject();
  // value <= 0 convertible (green), <= 1 fallback (amber), <= 2 unsupported (red).
  w.Key("thresholds");
  w.StartArray();
  const struct { int value; const char* bg; const char* text; } bands[] = {
      {0, "#c8e6c9", "#1b5e20"}, {1, "#ffe0b2", "#e65100"}, {2, "#ffcdd2", "#b71c1c"}};
  for (const auto& b : bands) {
    w.StartObject();
    w.Key("value");
    w.Int(b.value);
    w.Key("bgColor");
    str(b.bg);
    w.Key("textColor");
    str(b.text);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  stream.Flush();
  out << "\n";
}

}  // namespace trtlens
