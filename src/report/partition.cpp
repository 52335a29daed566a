#include "report/partition.h"

#include <cstdio>
#include <fstream>
#include <ostream>

#include "onnx/submodel.h"
#include "report/report.h"

namespace trtlens {
namespace {

std::string node_list(const ModelIndex& index, const std::vector<std::string>& names, std::size_t limit) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > limit) s += ", +" + std::to_string(names.size() - limit) + " more";
  return s.empty() ? "-" : s;
}

std::string part_file(const Part& part) {
  char name[64];
  std::snprintf(name, sizeof name, "part_%03d_%s.onnx", part.id, part.tensorrt ? "trt" : "other");
  return name;
}

// The nodes of a part or DLA subgraph: index, name and op type of each.
nlohmann::json nodes_json(const ModelIndex& index, const std::vector<int>& nodes) {
  nlohmann::json out = nlohmann::json::array();
  for (int n : nodes) {
    const NodeRef& node = index.nodes()[static_cast<std::size_t>(n)];
    out.push_back({{"index", n}, {"name", node.name}, {"op_type", node.op_type}});
  }
  return out;
}

nlohmann::json dla_json(const ModelIndex& index, const Analysis& analysis, const Partition& p) {
  nlohmann::json subgraphs = nlohmann::json::array();
  for (const auto& s : p.dla_subgraphs) {
    subgraphs.push_back({{"id", s.id},
                         {"engine", s.engine},
                         {"nodes", nodes_json(index, s.nodes)},
                         {"inputs", s.inputs},
                         {"outputs", s.outputs}});
  }
  nlohmann::json over = nlohmann::json::array();
  for (const auto& e : p.dla_over_limit) over.push_back({{"engine", e.engine}, {"subgraphs", e.subgraphs}});
  const auto& limit = p.dla_limit;
  return {{"subgraph_count", p.dla_subgraphs.size()},
          {"dla_nodes", analysis.summary.dla_nodes},
          {"gpu_nodes", analysis.summary.gpu_nodes},
          {"gpu_dla_transitions", analysis.summary.gpu_dla_transitions},
          {"max_subgraphs_per_core", limit.max_per_core > 0 ? nlohmann::json(limit.max_per_core) : nlohmann::json(nullptr)},
          {"limit_confidence", limit.confidence},
          {"limit_note", limit.note},
          {"engines_over_limit", over},
          {"subgraphs", subgraphs}};
}

void write_dla_table(std::ostream& out, const ModelIndex& index, const Analysis& analysis, const Partition& p) {
  if (!analysis.target.hardware.dla) return;
  const auto& s = analysis.summary;
  const auto& limit = p.dla_limit;
  out << "\nDLA (" << analysis.target.hardware.text() << "): " << p.dla_subgraphs.size() << " DLA subgraph"
      << (p.dla_subgraphs.size() == 1 ? "" : "s") << ", " << s.dla_nodes << " nodes on the DLA, " << s.gpu_nodes
      << " on the GPU, " << s.gpu_dla_transitions << " GPU/DLA transitions\n";
  if (limit.max_per_core > 0)
    out << "limit: " << limit.max_per_core << " DLA subgraphs (loadables) per DLA core in "
        << analysis.target.release->display() << " (" << limit.confidence << (limit.note.empty() ? "" : ": " + limit.note)
        << ")\n";
  for (const auto& e : p.dla_over_limit)
    out << "warning: engine " << e.engine << " has " << e.subgraphs << " DLA subgraphs; TensorRT runs the "
        << e.subgraphs - limit.max_per_core << " beyond " << limit.max_per_core << " on the GPU\n";
  if (p.dla_subgraphs.empty()) return;
  out << "\ndla  engine  nodes  inputs -> outputs\n";
  for (const auto& d : p.dla_subgraphs) {
    char head[64];
    std::snprintf(head, sizeof head, "%-3d  %-6d  %-5zu  ", d.id, d.engine, d.nodes.size());
    out << head << node_list(index, d.inputs, 4) << " -> " << node_list(index, d.outputs, 4) << "\n";
  }
}

}  // namespace

nlohmann::json partition_json(const ModelIndex& index, const Analysis& analysis, const Partition& p) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& part : p.parts) {
    parts.push_back({{"id", part.id},
                     {"provider", part.tensorrt ? "tensorrt" : "other"},
                     {"file", part_file(part)},
                     {"nodes", nodes_json(index, part.nodes)},
                     {"inputs", part.inputs},
                     {"outputs", part.outputs},
                     {"initializers", part.initializers}});
  }
  nlohmann::json outside = nlohmann::json::array();
  for (const auto& row : p.outside)
    outside.push_back({{"op_type", row.op_type}, {"count", row.nodes.size()}, {"reason", row.reason}, {"nodes", row.nodes}});
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& m : analysis.model_issues)
    if (m.error) issues.push_back({{"code", m.code}, {"message", m.message}});
  std::vector<std::string> precisions;
  for (Precision pr : analysis.target.precisions) precisions.emplace_back(precision_name(pr));
  nlohmann::json target{{"tensorrt", analysis.target.release->name}, {"precisions", precisions}};
  if (analysis.target.hardware.has_gpu) target["hardware"] = analysis.target.hardware.json();
  nlohmann::json out{{"model", index.model().path().string()},
          {"target", target},
          {"engines", p.engines},
          {"nodes_in_tensorrt", p.nodes_in_tensorrt},
          {"nodes_outside", p.nodes_outside},
          {"dropped_small", p.dropped_small},
          {"model_errors", issues},
          {"parts", parts},
          {"outside", outside}};
  if (analysis.target.hardware.dla) out["dla"] = dla_json(index, analysis, p);
  return out;
}

void write_partition_table(std::ostream& out, const ModelIndex& index, const Analysis& analysis, const Partition& p) {
  const std::size_t total = static_cast<std::size_t>(p.nodes_in_tensorrt + p.nodes_outside);
  out << index.model().path().filename().string() << " on " << analysis.target.release->display() << " ("
      << precision_list(analysis.target.precisions, ",") << "): " << p.engines << " TensorRT engine"
      << (p.engines == 1 ? "" : "s") << ", " << p.nodes_in_tensorrt << " of " << total
      << " main-graph nodes in TensorRT, " << p.nodes_outside << " left to other providers\n";
  for (const auto& m : analysis.model_issues)
    if (m.error) out << "note: " << m.code << ": " << m.message << " (the parser rejects the whole model)\n";
  out << "\npart  provider  nodes  inputs -> outputs\n";
  for (const auto& part : p.parts) {
    char head[64];
    std::snprintf(head, sizeof head, "%-4d  %-8s  %-5zu  ", part.id, part.tensorrt ? "TensorRT" : "other",
                  part.nodes.size());
    out << head << node_list(index, part.inputs, 4) << " -> " << node_list(index, part.outputs, 4) << "\n";
  }
  write_dla_table(out, index, analysis, p);
  if (p.outside.empty()) return;
  std::size_t op_w = 7, reason_w = 6;
  for (const auto& row : p.outside) {
    op_w = std::max(op_w, row.op_type.size());
    reason_w = std::max(reason_w, row.reason.size());
  }
  auto pad = [](std::string s, std::size_t w) { return s.size() < w ? s.append(w - s.size(), ' ') : s; };
  out << "\nNodes left outside TensorRT:\n" << pad("op type", op_w) << "  count  " << pad("reason", reason_w) << "  nodes\n";
  for (const auto& row : p.outside)
    out << pad(row.op_type, op_w) << "  " << pad(std::to_string(row.nodes.size()), 5) << "  " << pad(row.reason, reason_w)
        << "  " << node_list(index, row.nodes, 5) << "\n";
}

onnx::ModelProto part_model(const ModelIndex& index, const Part& part, const std::filesystem::path& out_dir) {
  return extract_submodel(index,
                          {index.proto().graph().name() + "_part" + std::to_string(part.id), part.nodes, part.inputs,
                           part.outputs, part.initializers, "trtlens partition", kToolVersion},
                          out_dir);
}

Result<std::vector<std::filesystem::path>> write_parts(const ModelIndex& index, const Analysis& analysis,
                                                       const Partition& p, const std::filesystem::path& dir,
                                                       bool force) {
  std::vector<std::filesystem::path> files;
  for (const auto& part : p.parts) files.push_back(dir / part_file(part));
  files.push_back(dir / "manifest.json");
  std::error_code ec;
  // Checking every name before writing any keeps a refused run from leaving half a directory behind.
  for (const auto& f : files)
    if (!force && std::filesystem::exists(f, ec))
      return make_error("E_EXISTS", f.string() + " already exists (use --force to replace it)");
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error("E_WRITE", "cannot create " + dir.string() + ": " + ec.message());
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    std::ofstream out(files[i], std::ios::binary | std::ios::trunc);
    if (!out || !part_model(index, p.parts[i], dir).SerializeToOstream(&out))
      return make_error("E_WRITE", "cannot write " + files[i].string());
  }
  std::ofstream manifest(files.back(), std::ios::trunc);
  manifest << partition_json(index, analysis, p).dump(2) << "\n";
  if (!manifest) return make_error("E_WRITE", "cannot write " + files.back().string());
  return files;
}

}  // namespace trtlens
