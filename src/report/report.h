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

// ", explicit quantization" / ", implicit INT8" / ", strongly typed" for a view's header ("" when none).
std::string quantization_label(const Analysis& a);
// One line for the views: what the quantization mode means for this model ("" when none).
std::string quantization_summary(const Analysis& a);

void write_json(std::ostream& out, const ModelIndex& index, const Analysis& a, bool pretty = false);
std::string to_json(const ModelIndex& index, const Analysis& a, bool pretty = false);
void write_table(std::ostream& out, const ModelIndex& index, const Analysis& a, const ReportOptions& options);
void write_markdown(std::ostream& out, const ModelIndex& index, const Analysis& a);
// SARIF 2.1.0 for code-scanning tools: one result per unsupported node, fallback node, warning and model issue;
// rule ids are the reason/warning codes (docs/reports.md).
void write_sarif(std::ostream& out, const ModelIndex& index, const Analysis& a);
// A SARIF artifact URI for a path: unreserved characters and '/' kept, the rest percent-encoded; absolute -> file:.
std::string sarif_uri(const std::string& path);
// JUnit XML for CI: one test case per node, a <failure> for each unsupported node.
void write_junit(std::ostream& out, const ModelIndex& index, const Analysis& a);
// One self-contained HTML page (inline CSS, no scripts, no external URLs): summary, per-op table, node list.
void write_html(std::ostream& out, const ModelIndex& index, const Analysis& a);

}  // namespace trtlens
