// ONNX's shape inference (libonnx) assumes a model that its checker has accepted: run on a hostile file it reads
// missing attributes, indexes empty lists and recurses through functions that call themselves. Nothing reaches it
// before these checks.
#pragma once
#include <cstdint>
#include <string>

#include "onnx/onnx_pb.h"
#include "util/result.h"

namespace trtlens {

// Model-local functions: how deep calls may nest and how many nodes all calls may expand to.
constexpr int kMaxFunctionDepth = 64;
constexpr std::int64_t kMaxExpandedFunctionNodes = 1'000'000;

// Refuses function call cycles (E_FUNCTION_CYCLE), call chains deeper than kMaxFunctionDepth (E_TOO_DEEP) and
// calls that expand to more than kMaxExpandedFunctionNodes nodes (E_TOO_LARGE). Never recurses per call.
Result<bool> check_function_calls(const onnx::ModelProto& model);

// Empty when every node (main graph, bodies, function bodies) matches its ONNX schema well enough for ONNX's shape
// inference to run safely; otherwise why not (the caller then skips it; our own rules still run).
std::string why_onnx_inference_unsafe(const onnx::ModelProto& model);

// Runs ONNX's shape inference when why_onnx_inference_unsafe() finds nothing; true when it ran to the end.
bool run_onnx_shape_inference(onnx::ModelProto& model);

}  // namespace trtlens
