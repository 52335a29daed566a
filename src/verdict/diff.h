// Diffs of verdicts: one model against two TensorRT releases, or two versions of a model against one release. The
// algorithm only; its views (JSON, text, Markdown) are in report/diff.h.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "verdict/analysis.h"

namespace trtlens {

// One node's change between two analyses, for every diff: the release diff (one model on two targets, so
// old_node == new_node), the model diff and the diff of two tracked versions (two models on one target, nodes
// matched by match_nodes). Each view decides which of the `changed` aspects it lists.
struct NodeChange {
  int old_node = -1, new_node = -1;      // global node indices; -1: the node was added (old) or removed (new)
  std::string matched_by;                // "index" (one model), "name", "structure", "" (added or removed)
  const NodeVerdict* before = nullptr;   // null when absent on that side
  const NodeVerdict* after = nullptr;
  // Where the node's layers run on each side: "gpu", "dla", or "" (no layer, unsupported or absent).
  std::string device_before, device_after;
  std::vector<std::string> changed;      // in this order: "op_type", "status", "runs_in", "device", "reasons", "warnings"
  bool has(std::string_view aspect) const;
  bool moved() const { return has("device"); }
};

// ---- release diff -------------------------------------------------------------------------------------------------
struct ReleaseDiff {
  Analysis from, to;
  std::vector<NodeChange> changes;      // node order, only nodes with a change
  std::vector<ModelIssue> issues_gone, issues_new;  // model-level issues by code
  int became_unsupported = 0, became_supported = 0;
  // Hardware targets (docs/hardware.md): nodes that build a layer on both sides and change device. A side without a
  // DLA puts every such node on the GPU.
  int moved_to_dla = 0, moved_to_gpu = 0;
};

// Compares two targets: releases, precisions, hardware (e.g. an Orin's GPU against its DLA) or all of them.
ReleaseDiff diff_releases(const ModelIndex& index, const Target& from, const Target& to, const KnowledgeBase& kb);

// ---- model diff ---------------------------------------------------------------------------------------------------
// Which node of one model is which node of the other.
struct NodeMatch {
  std::vector<int> old_to_new, new_to_old;  // -1: no counterpart
  std::vector<std::string> how;             // per new node: "name", "structure" or ""
};

// Matches nodes by (graph path, name), then unmatched ones by structure: same graph path, op type and inputs from
// matched producers (or the same graph input / initializer names). Nodes without a name, and names that are not
// unique in their graph, are matched by structure only.
NodeMatch match_nodes(const ModelIndex& old_index, const ModelIndex& new_index);

struct ModelDiff {
  std::vector<NodeChange> nodes;        // matched first (new model order), then added, then removed
  int matched = 0, renamed = 0, added = 0, removed = 0;
  int became_unsupported = 0, became_supported = 0;
  int added_unsupported = 0;
  int moved_to_dla = 0, moved_to_gpu = 0;  // matched nodes that change device (a DLA target only)
  Target target;                        // the one target both models were checked against
};

// Pairs the nodes of two models checked against one target (match_nodes) and compares each pair's verdicts.
ModelDiff diff_models(const ModelIndex& old_index, const Analysis& old_a, const ModelIndex& new_index,
                      const Analysis& new_a);

// The path of the graph a node is in ("" for the main graph), as the diffs and their views name it.
const std::string& node_graph(const ModelIndex& index, int node);

}  // namespace trtlens
