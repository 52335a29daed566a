// JSON views of the tracked-model library, shared by the REST routes and `trtlens track --format json`
// (documented in docs/api.md).
#pragma once
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "store/version_analysis.h"

namespace trtlens::store {

nlohmann::json counts_json(const Counts& c);
nlohmann::json version_json(const VersionInfo& v);
nlohmann::json model_json(const ModelInfo& m);  // versions included
nlohmann::json target_json(const Target& t);
// The diff of two tracked versions (docs/api.md, "Diff two versions").
nlohmann::json diff_json(const ModelInfo& m, const VersionInfo& from, const VersionInfo& to, const Target& t,
                         const VersionDiff& d);

// HTTP status for a store/load error code: 404 not found, 409 name taken, 400 bad request, 413 too large,
// 422 a file that is not a model trtlens can analyse, 500 otherwise.
int http_status(const std::string& code);

}  // namespace trtlens::store
