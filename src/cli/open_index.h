// The CLI's name for the shared load-and-index step (src/onnx/open_index.h).
#pragma once
#include "onnx/open_index.h"

namespace trtlens::cli {
using trtlens::open_index;
}  // namespace trtlens::cli
