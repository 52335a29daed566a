// The knowledge-base files are parsed with rapidjson (several times faster on the 26 release files) and read through
// nlohmann::json: the conversion between the two, shared by the loader (kb/kb.cpp) and the benchmark that times it
// against nlohmann alone (bench/json_libs.cpp).
#pragma once
#include <rapidjson/document.h>

#include <nlohmann/json.hpp>

namespace trtlens {

nlohmann::json to_nlohmann(const rapidjson::Value& v);

// A release file's header: every top-level member but "ops", whose operators are converted on first use
// (Release::ops()). `document` must be an object.
nlohmann::json release_header(const rapidjson::Value& document);

}  // namespace trtlens
