// `trtlens annotate MODEL -o OUT.onnx`: the model with each node's verdict written into the node itself, so Netron
// and other viewers show it. Debian's ONNX 1.12 proto has no NodeProto.metadata_props, so every node gets a
// "[trtlens] ..." block appended to its doc_string; models of IR 10 or later also get metadata_props entries
// (field 9 of NodeProto since IR 10), written as raw protobuf fields.
#include <google/protobuf/unknown_field_set.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/open_index.h"
#include "cli/target_options.h"
#include "verdict/analysis.h"

namespace trtlens::cli {
namespace {

constexpr int kNodeMetadataPropsField = 9;  // NodeProto.metadata_props, IR >= 10
constexpr int kFirstIrWithNodeMetadata = 10;
constexpr const char* kMarker = "[trtlens] ";

struct AnnotateOptions : TargetOptions {
  std::string model, output;
  bool force = false;
};

std::string target_text(const Target& t) {
  std::string s = "TensorRT " + t.release->version + " (";
  for (std::size_t i = 0; i < t.precisions.size(); ++i) s += (i ? "," : "") + std::string(precision_name(t.precisions[i]));
  s += t.strict ? ", strict)" : ")";
  return t.hardware.has_gpu ? s + " on " + t.hardware.text() : s;
}

struct NodeNote {
  std::vector<std::pair<std::string, std::string>> props;  // trtlens.* key -> value
  std::string doc;                                          // the human-readable block for doc_string
};

NodeNote note_for(const NodeVerdict& v, const std::string& target) {
  nlohmann::json reasons = nlohmann::json::array(), warnings = nlohmann::json::array();
  std::string doc = std::string(kMarker) + target + ": " + std::string(status_name(v.status));
  if (!v.runs_in.empty()) doc += ", runs in " + v.runs_in;
  if (!v.device.empty()) doc += v.device == "dla" ? ", on the DLA" : ", on the GPU";
  for (const auto& r : v.reasons) {
    nlohmann::json reason{{"code", r.code}, {"message", r.message}, {"hint", r.hint}};
    if (!r.source.empty()) reason["source"] = r.source;  // rule reasons: as in the engine's JSON
    if (!r.confidence.empty()) reason["confidence"] = r.confidence;
    reasons.push_back(std::move(reason));
    doc += "\n- " + r.code + ": " + r.message + (r.hint.empty() ? "" : " (hint: " + r.hint + ")");
  }
  for (const auto& w : v.warnings) {
    warnings.push_back({{"code", w.code}, {"message", w.message}});
    doc += "\n- warning " + w.code + ": " + w.message;
  }
  NodeNote note{{{"trtlens.status", std::string(status_name(v.status))},
                 {"trtlens.runs_in", v.runs_in},
                 {"trtlens.reasons", reasons.dump()},
                 {"trtlens.warnings", warnings.dump()},
                 {"trtlens.target", target}},
                doc};
  if (!v.device.empty()) note.props.emplace_back("trtlens.device", v.device);  // DLA targets only
  return note;
}

// Keeps the author's documentation and drops an earlier trtlens block, so annotating twice does not stack.
std::string with_note(const std::string& original, const std::string& note) {
  std::string kept = original;
  const auto at = kept.find(kMarker);
  if (at != std::string::npos) kept.erase(at);
  while (!kept.empty() && kept.back() == '\n') kept.pop_back();
  return kept.empty() ? note : kept + "\n\n" + note;
}

void annotate_node(onnx::NodeProto& node, const NodeNote& note, bool node_metadata) {
  node.set_doc_string(with_note(node.doc_string(), note.doc));
  if (!node_metadata) return;
  auto* unknown = node.GetReflection()->MutableUnknownFields(&node);
  // Replace earlier trtlens entries; keep everything else the producer wrote.
  google::protobuf::UnknownFieldSet kept;
  for (int i = 0; i < unknown->field_count(); ++i) {
    const auto& field = unknown->field(i);
    onnx::StringStringEntryProto entry;
    if (field.number() == kNodeMetadataPropsField && field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED &&
        entry.ParseFromString(field.length_delimited()) && entry.key().rfind("trtlens.", 0) == 0)
      continue;
    kept.AddField(field);
  }
  for (const auto& [key, value] : note.props) {
    onnx::StringStringEntryProto entry;
    entry.set_key(key);
    entry.set_value(value);
    kept.AddLengthDelimited(kNodeMetadataPropsField, entry.SerializeAsString());
  }
  unknown->Clear();
  unknown->MergeFrom(kept);
}

// Walks the original graph and its copy in step: the index knows nodes by their original protos.
void annotate_graph(const onnx::GraphProto& original, onnx::GraphProto& copy,
                    const std::unordered_map<const onnx::NodeProto*, NodeNote>& notes, bool node_metadata) {
  for (int i = 0; i < original.node_size(); ++i) {
    const auto& from = original.node(i);
    auto& to = *copy.mutable_node(i);
    auto it = notes.find(&from);
    if (it != notes.end()) annotate_node(to, it->second, node_metadata);
    for (int a = 0; a < from.attribute_size(); ++a) {
      const auto& attr = from.attribute(a);
      if (attr.has_g()) annotate_graph(attr.g(), *to.mutable_attribute(a)->mutable_g(), notes, node_metadata);
      for (int g = 0; g < attr.graphs_size(); ++g)
        annotate_graph(attr.graphs(g), *to.mutable_attribute(a)->mutable_graphs(g), notes, node_metadata);
    }
  }
}

void set_model_prop(onnx::ModelProto& m, const std::string& key, const std::string& value) {
  for (auto& p : *m.mutable_metadata_props())
    if (p.key() == key) {
      p.set_value(value);
      return;
    }
  auto* p = m.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

int run_annotate(const AnnotateOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(o.output, ec)) {
    if (fs::equivalent(o.model, o.output, ec)) return fail("refusing to overwrite the input model " + o.model);
    if (!o.force) return fail(o.output + " already exists (use --force to replace it)");
  }
  if (fs::absolute(o.model).lexically_normal() == fs::absolute(o.output).lexically_normal())
    return fail("refusing to overwrite the input model " + o.model);
  const auto& kb = KnowledgeBase::builtin();
  auto target = build_target(kb, o);
  if (!target) return fail(target.error());
  auto built = open_index(o.model);
  if (!built) return fail(built.error());
  const ModelIndex& index = *built.value();
  const Analysis analysis = analyze(index, target.value(), kb);

  const std::string target_name = target_text(target.value());
  std::unordered_map<const onnx::NodeProto*, NodeNote> notes;
  for (const auto& v : analysis.nodes) notes[index.nodes()[static_cast<std::size_t>(v.index)].proto] = note_for(v, target_name);
  onnx::ModelProto out = index.proto();
  annotate_graph(index.proto().graph(), *out.mutable_graph(), notes, out.ir_version() >= kFirstIrWithNodeMetadata);
  // External weights stay where they are: point at them from OUT's folder.
  const fs::path from = fs::absolute(index.model().folder()), to = fs::absolute(o.output).parent_path();
  if (from != to)
    for (auto& init : *out.mutable_graph()->mutable_initializer())
      for (auto& entry : *init.mutable_external_data())
        if (entry.key() == "location")
          entry.set_value((from / entry.value()).lexically_normal().lexically_relative(to).string());
  const auto& s = analysis.summary;
  set_model_prop(out, "trtlens.target", target_name);
  nlohmann::json summary{{"convertible", s.convertible}, {"fallback", s.fallback}, {"unsupported", s.unsupported},
                         {"warnings", s.warnings}, {"model_convertible", s.model_convertible}};
  if (const auto& hw = analysis.target.hardware; hw.has_gpu) {
    set_model_prop(out, "trtlens.hardware", hw.json().dump());
    if (hw.dla) {
      summary["dla_nodes"] = s.dla_nodes;
      summary["gpu_nodes"] = s.gpu_nodes;
      summary["gpu_dla_transitions"] = s.gpu_dla_transitions;
    }
  }
  set_model_prop(out, "trtlens.summary", summary.dump());

  // Write beside the destination and rename: a failed write never leaves a truncated OUT behind.
  const fs::path tmp = fs::path(o.output).concat(".trtlens-tmp-" + std::to_string(getpid()));
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file || !out.SerializeToOstream(&file)) {
      fs::remove(tmp, ec);
      return fail("cannot write " + o.output);
    }
  }
  fs::rename(tmp, o.output, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot write " + o.output);
  }
  std::cout << "annotated " << analysis.nodes.size() << " nodes (" << s.unsupported << " unsupported, " << s.fallback
            << " fallback, " << s.warnings << " warnings) for " << target_name << ": " << o.output << "\n";
  return kExitOk;
}

Runner add_annotate(CLI::App& app) {
  auto o = std::make_shared<AnnotateOptions>();
  auto* cmd = app.add_subcommand("annotate", "Write each node's verdict into a copy of the model (for Netron and "
                                             "other viewers)");
  cmd->add_option("model", o->model, "ONNX model file (never modified)")->required();
  cmd->add_option("-o,--output", o->output, "Annotated model to write")->required();
  add_target_options(cmd, *o);
  cmd->add_flag("--force", o->force, "Replace OUT if it exists (never the input model)");
  return [o] { return run_annotate(*o); };
}

}  // namespace
TRTLENS_REGISTER_COMMAND(40, add_annotate);
}  // namespace trtlens::cli
