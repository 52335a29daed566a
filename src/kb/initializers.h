// How an initializer reaches an importer, per release (kb-format.md, "How type lists match").
#pragma once
#include <string_view>

#include "kb/kb.h"

namespace trtlens {

// The mapping of an initializer (or Constant output) of ONNX type `dtype` as the importer of `consumer_op` receives it:
// the release's `initializer_types`, except that a UINT8 weight kept as UINT8 at load (10.10+) is widened to INT32 for
// every consumer but QuantizeLinear/DequantizeLinear/TRT_MXFP8* (ModelImporter parseNode, 10.15 code).
TypeMapping initializer_as_input(const Release& r, int dtype, std::string_view consumer_op);

}  // namespace trtlens
