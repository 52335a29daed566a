// Views of the diffs (verdict/diff.h): the JSON of `trtlens diff --format json` (docs/json-format.md), the text table
// and the Markdown for pull requests.
#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

#include "verdict/diff.h"

namespace trtlens {

nlohmann::json release_diff_json(const ModelIndex& index, const ReleaseDiff& d);
void write_release_diff(std::ostream& out, const ModelIndex& index, const ReleaseDiff& d, bool markdown);

nlohmann::json model_diff_json(const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d);
void write_model_diff(std::ostream& out, const ModelIndex& old_index, const ModelIndex& new_index, const ModelDiff& d,
                      bool markdown);

}  // namespace trtlens
