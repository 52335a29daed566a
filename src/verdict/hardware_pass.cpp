// The hardware layer of a verdict (after import and precision): whether the release runs on the chosen GPU, what
// the GPU does with the requested precisions, and, for a DLA target, where each node's layers run.
#include <algorithm>
#include <cctype>
#include <set>

#include "hw/release_ranges.h"
#include "verdict/analysis.h"
#include "verdict/graph_groups.h"
#include "verdict/hardware_pass.h"

namespace trtlens {

namespace {

bool builds_no_layer(const NodeRef& n) {
  // Constants are folded into the layers that use them; TensorRT places no layer for them on either device.
  return n.op_type == "Constant";
}

bool dla_precision_requested(const Target& t) {
  return std::any_of(t.precisions.begin(), t.precisions.end(),
                     [](Precision p) { return p == Precision::FP16 || p == Precision::INT8; });
}

const std::string kFitTheDla = "Change the node to fit the DLA's limits, or accept it on the GPU (each GPU/DLA switch "
                               "costs a reformat)";
const std::string kFewerSubgraphs = "Make fewer DLA subgraphs: move the layers the DLA cannot run to the model's start "
                                    "or end so the DLA layers stay together, or accept these on the GPU";

void place_on_gpu(NodeVerdict& v, const HardwareTarget& hw, const DlaCheck& why, const std::string& hint = kFitTheDla) {
  v.device = "gpu";
  if (hw.gpu_fallback) {
    if (v.status == Status::kConvertible) v.status = Status::kFallback;
    v.reasons.push_back({why.code, "runs on the GPU, not the DLA: " + why.message, hint});
  } else {
    v.status = Status::kUnsupported;
    v.runs_in.clear();
    std::string change = hint.substr(0, hint.find(", or accept"));  // accepting the GPU is not an option here
    change[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(change[0])));
    v.reasons.push_back({why.code, "cannot run on the DLA and GPU fallback is off: " + why.message,
                         "Allow GPU fallback (drop --no-gpu-fallback), or " + change});
  }
}

// TensorRT builds each DLA subgraph (a maximal run of DLA layers, acyclic when contracted) as one DLA loadable, and a
// DLA core takes a limited number of them per engine: the layers of the subgraphs beyond the limit, in network
// order, run on the GPU ("DLA supports only N subgraphs per DLA core. Switching to GPU for layer ..."). Returns the
// number of DLA subgraphs TensorRT keeps.
int apply_loadable_limit(const ModelIndex& index, Analysis& a, const DlaLoadableLimit& limit) {
  const MainGraph g = main_graph(index);
  std::vector<bool> on_dla(g.global.size());
  for (std::size_t v = 0; v < g.global.size(); ++v)
    on_dla[v] = a.nodes[static_cast<std::size_t>(g.global[v])].device == "dla";
  auto groups = acyclic_groups(g, on_dla);
  std::vector<std::size_t> topo_pos(g.global.size());
  for (std::size_t i = 0; i < g.topo.size(); ++i) topo_pos[static_cast<std::size_t>(g.topo[i])] = i;
  std::stable_sort(groups.begin(), groups.end(), [&](const auto& x, const auto& y) {
    return topo_pos[static_cast<std::size_t>(x.front())] < topo_pos[static_cast<std::size_t>(y.front())];
  });
  const int kept = limit.max_per_core > 0 ? std::min<int>(limit.max_per_core, static_cast<int>(groups.size()))
                                          : static_cast<int>(groups.size());
  for (std::size_t s = static_cast<std::size_t>(kept); s < groups.size(); ++s) {
    const DlaCheck why{"TRT_DLA_LOADABLE_LIMIT",
                       "this node is in DLA subgraph " + std::to_string(s + 1) + " of " + std::to_string(groups.size()) +
                           ", and a DLA core takes " + std::to_string(limit.max_per_core) + " subgraphs (loadables) in " +
                           a.target.release->display() + (limit.confidence == "uncertain" ? " (uncertain: " + limit.note + ")" : ""),
                       limit.confidence};
    for (int v : groups[s])
      place_on_gpu(a.nodes[static_cast<std::size_t>(g.global[static_cast<std::size_t>(v)])], a.target.hardware, why,
                   kFewerSubgraphs);
  }
  return kept;
}

int count_transitions(const ModelIndex& index, const std::vector<NodeVerdict>& nodes) {
  int transitions = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeVerdict& v = nodes[i];
    if (v.device.empty()) continue;
    const NodeRef& n = index.nodes()[i];
    for (const auto& out : n.proto->output()) {
      if (out.empty()) continue;
      std::set<std::string> other;
      for (int c : index.consumers(n.scope, out)) {
        const std::string& d = nodes[static_cast<std::size_t>(c)].device;
        if (!d.empty() && d != v.device) other.insert(d);
      }
      transitions += static_cast<int>(other.size());
    }
  }
  return transitions;
}

}  // namespace

void apply_hardware(const ModelIndex& index, Analysis& a) {
  const HardwareTarget& hw = a.target.hardware;
  if (!hw.has_gpu) return;
  const HardwareKb& facts = HardwareKb::builtin();
  const Release& r = *a.target.release;
  bool gpu_runs = true;
  for (auto& issue : facts.model_issues(r, hw, a.target.precisions, quantized_types(index))) {
    if (issue.code == "TRT_GPU_UNSUPPORTED") {
      const auto& kb = KnowledgeBase::builtin();
      const auto runs = facts.releases_for(kb, hw.gpu);
      issue.hint = runs.empty() ? "No release in the knowledge base runs on " + hw.gpu.label()
                                : "Releases that run on " + hw.gpu.label() + ": " + release_ranges(runs, kb);
      gpu_runs = false;
    }
    ModelIssue m(issue.error, issue.code, issue.message, issue.confidence);
    m.hint = issue.hint;
    a.model_issues.push_back(std::move(m));
  }
  if (!hw.dla) return;

  const bool dla_usable = gpu_runs && facts.dla_available(r, hw, nullptr, nullptr) && dla_precision_requested(a.target);
  const auto& nodes = index.nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeVerdict& v = a.nodes[i];
    const NodeRef& n = nodes[i];
    if (v.status == Status::kUnsupported || builds_no_layer(n)) continue;
    if (!dla_usable) {  // the model-level issue says why; every layer is on the GPU
      v.device = "gpu";
      continue;
    }
    if (n.scope != 0 || !n.children.empty()) {
      place_on_gpu(v, hw, {"TRT_DLA_LAYER_UNSUPPORTED", "control flow (If, Loop, Scan and their bodies) runs on the GPU", "doc"});
      continue;
    }
    if (v.runs_in == "plugin") {
      place_on_gpu(v, hw, {"TRT_DLA_LAYER_UNSUPPORTED", "plugins run on the GPU", "doc"});
      continue;
    }
    const DlaCheck c = facts.dla_node(index, static_cast<int>(i), r, hw, v.runs_in);
    if (!c.ok()) {
      place_on_gpu(v, hw, c);
      continue;
    }
    v.device = "dla";
    if (c.confidence == "uncertain")
      v.warnings.push_back({"TRT_DLA_UNCERTAIN",
                            "placed on the DLA, but this is uncertain: " +
                                (c.message.empty() ? "the layer's DLA support in " + r.display() + " is not documented" : c.message),
                            {}});
  }
  a.summary.dla_subgraphs = apply_loadable_limit(index, a, facts.dla_loadables(r));
  for (const auto& v : a.nodes) {
    if (v.device == "dla") ++a.summary.dla_nodes;
    if (v.device == "gpu") ++a.summary.gpu_nodes;
  }
  a.summary.gpu_dla_transitions = count_transitions(index, a.nodes);
}

}  // namespace trtlens
