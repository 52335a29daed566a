// Diffs of verdicts: one model against two TensorRT releases, or two versions of a model against one release.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "verdict/analysis.h"

namespace trtlens {

// ---- release diff -------------------------------------------------------------------------------------------------
struct NodeChange {
  int node = 0;                         // global node index
  const NodeVerdict* from = nullptr;
  const NodeVerdict* to = nullptr;
  std::vector<std::string> changed;     // "status", "runs_in", "device", "reasons", "warnings"
};

struct ReleaseDiff {
  Analysis from, to;
  std::vector<NodeChange> changes;      // node order
  std::vector<ModelIssue> issues_gone, issues_new;  // model-level issues by code
  int became_unsupported = 0, became_supported = 0;
  // Hardware targets (docs/hardware.md): nodes that build a layer on both sides and change device. A side without a
  // DLA puts every such node on the GPU.
  int moved_to_dla = 0, moved_to_gpu = 0;
};

// Compares two targets: releases, precisions, hardware (e.g. an Orin's GPU against its DLA) or all of them.
ReleaseDiff diff_releases(const ModelIndex& index, const Target& from, const Target& to, const KnowledgeBase& kb);
nlohmann::json release_diff_json(const ModelIndex& index, const ReleaseDiff& d);
void write_release_diff(std::ostream& out, const ModelIndex& index, const ReleaseDiff& d, bool markdown);

// ---- model diff ---------------------------------------------------------------------------------------------------
struct NodePair {
  int old_node = -1, new_node = -1;     // -1: removed (new_node) / added (old_node)
  std::string matched_by;               // "name", "structure", "" (added or removed)
  const NodeVerdict* old_verdict = nullptr;
  const NodeVerdict* new_verdict = nullptr;
  bool changed = false;                 // status, device, reason codes or op type differ
};

struct ModelDiff {
  std::vector<NodePair> pairs;          // matched first (new model order), then added, then removed
  int matched = 0, renamed = 0, added = 0, removed = 0;
  int became_unsupported = 0, became_supported = 0;
  int added_unsupported = 0;
  int moved_to_dla = 0, moved_to_gpu = 0;  // matched nodes that change device (a DLA target only)
  Target target;                        // the one target both models were checked against
};

// Matches nodes by (graph path, name), then unmatched ones by structure: same graph path, op type and inputs from
// matched producers (or the same graph input / initializer names).
ModelDiff diff_models(const ModelIndex& old_index, const Analysis& old_a, const ModelIndex& new_index,
                      const Analysis& new_a);
nlohmann::json model_diff_json(const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d);
void write_model_diff(std::ostream& out, const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d,
                      bool markdown);

}  // namespace trtlens
