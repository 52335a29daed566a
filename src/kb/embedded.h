// Files compiled into the binary with the assembler's .incbin (see cmake/Embed.cmake).
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

namespace trtlens {

struct EmbeddedFile {
  std::string_view name;
  const char* data;
  std::size_t size;
};

const std::vector<EmbeddedFile>& embedded_kb_files();
const std::vector<EmbeddedFile>& embedded_hw_files();  // data/hardware/hardware.json

}  // namespace trtlens
