// Views of an Analysis: JSON (the contract, docs/json-format.md), a table for people, Markdown for pull requests.
#pragma once
#include <ostream>
#include <string>

#include "verdict/analysis.h"

namespace trtlens {

extern const char* const kToolVersion;

struct ReportOptions {
  bool color = false;       // ANSI colours (table only)
  bool verbose = false;     // table: list fallback nodes and warnings too
};

void write_json(std::ostream& out, const ModelIndex& index, const Analysis& a, bool pretty = false);
std::string to_json(const ModelIndex& index, const Analysis& a, bool pretty = false);
void write_table(std::ostream& out, const ModelIndex& index, const Analysis& a, const ReportOptions& options);
void write_markdown(std::ostream& out, const ModelIndex& index, const Analysis& a);

}  // namespace trtlens
