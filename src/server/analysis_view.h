// The analysis as the web UI's first paint needs it (`/analysis?view=ui`, docs/api.md): the same verdicts as the
// engine JSON (docs/json-format.md), without what the UI already has from the graph or shows only in the drawer's
// Issues tab for nodes without issues. A 100k-node model's engine JSON is ~23 MB; this is a few hundred KB plus the
// nodes that have something to say. The CLI's JSON is untouched.
#pragma once
#include <string>

#include "onnx/graph.h"
#include "verdict/analysis.h"

namespace trtlens::server {

// {"view": "ui", "target", "summary", "model_issues" (as in the engine JSON), "node_count",
//  "status": one letter per node index (c convertible, f fallback, u unsupported),
//  "runs_in_names": [...], "runs_in": [per node an index into runs_in_names, -1 for none],
//  "device": one letter per node (d dla, g gpu, - none; only with a DLA target),
//  "details": [{"index", "reasons", "warnings", "precision", "first_supported_release"}, ...] only for nodes that
//  have reasons, warnings, a precision note or a first supported release, each field as in the engine JSON}
std::string ui_analysis_json(const ModelIndex& index, const Analysis& a);

}  // namespace trtlens::server
