// What `trtlens --version` and the man page say about this build: the tool's version and the knowledge base's
// release range and date (the date its data last changed, fixed at build time by cmake/KbDate.cmake).
#pragma once
#include <string>

namespace trtlens::cli {
std::string tool_version();
std::string kb_date();        // "2026-11-30"; "unknown" when the build could not tell
std::string version_text();   // the lines --version prints
}  // namespace trtlens::cli
