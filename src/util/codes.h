// The code catalogue (util/codes.def): severity, default message and default hint of every E_* error code and of
// every TRT_* code the engine emits that the knowledge base does not carry (KB codes: docs/rules.md).
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace trtlens {

enum class CodeSeverity { kError, kWarning, kEither };  // kEither: the emitting site decides

struct CodeInfo {
  std::string_view code;  // "E_PARSE"; a family ends in <...>: "TRT_HW_NO_<PRECISION>"
  CodeSeverity severity;
  std::string_view area;     // "model", "graph", "engine", "quantization", "hardware", ...
  std::string_view message;  // what the code means, in general
  std::string_view hint;     // what the user can do; may be empty
};

// Every entry, in the catalogue's order.
std::span<const CodeInfo> all_codes();

// The entry of CODE: an exact match, else the family whose prefix (the part before '<') starts CODE.
// nullptr when the catalogue has no such code (e.g. a knowledge-base reason code).
const CodeInfo* find_code(std::string_view code);

// The catalogue's hint for CODE, or "" when it has none.
std::string_view default_hint(std::string_view code);
// HINT, or the catalogue's hint for CODE when HINT is empty.
std::string hint_or_default(std::string_view code, std::string hint = {});

std::string_view severity_name(CodeSeverity s);  // "error", "warning", "error or warning"

}  // namespace trtlens
