// Analyses of tracked versions: the store keeps them (Store::cached_analysis), these functions compute them with the
// same engine and the same diff algorithm as `trtlens check` and `trtlens diff OLD NEW`.
#pragma once
#include <memory>
#include <vector>

#include "onnx/graph.h"
#include "store/store.h"
#include "verdict/diff.h"

namespace trtlens::store {

Counts counts_of(const Summary& s);

// The analysis of a version for a target: the cached one, or on a miss the model loaded from the library, analysed
// and cached. Plugins are ignored (they are not part of the cache key). Errors: the store's, and open_index's for a
// version whose files no longer load (named by the file name the version was added with).
Result<CachedAnalysis> analyze_version(Store& store, const VersionInfo& v, const Target& target);

// Two versions of a tracked model compared on one target: nodes paired by match_nodes (name, then structure), so a
// renamed node is one node here as in `trtlens diff OLD NEW`. Holds the models and analyses the changes point into.
struct VersionDiff {
  std::unique_ptr<ModelIndex> from_index, to_index;
  Analysis from, to;
  ModelDiff nodes;                 // every pair, as diff_models returns it
  Counts from_counts, to_counts;
  // What `track diff` lists: pairs whose status changed, whose device changed (DLA targets), added and removed nodes;
  // each list ordered by graph and name (a removed or matched node by its old name, added nodes last).
  std::vector<const NodeChange*> became_unsupported;  // now unsupported (was supported, or absent)
  std::vector<const NodeChange*> became_convertible;  // was unsupported or fallback and is now convertible
  std::vector<const NodeChange*> changed;             // every other status change, device moves, additions, removals
  bool empty() const { return became_unsupported.empty() && became_convertible.empty() && changed.empty(); }
};

Result<std::unique_ptr<VersionDiff>> diff_versions(Store& store, const VersionInfo& from, const VersionInfo& to,
                                                   const Target& target);

// The status name of one side of a change ("" when the node is absent there).
std::string status_before(const NodeChange& c);
std::string status_after(const NodeChange& c);

}  // namespace trtlens::store
