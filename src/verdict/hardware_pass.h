// The hardware layer of a verdict: release x GPU, precision x GPU, DLA placement per node (hardware_pass.cpp).
#pragma once
#include "verdict/analysis.h"

namespace trtlens {

// Adds the hardware's model issues and, for a DLA target, each node's device, the DLA fallbacks (or failures
// without GPU fallback) and the GPU<->DLA transition count. Does nothing without a GPU in the target.
void apply_hardware(const ModelIndex& index, Analysis& a);

}  // namespace trtlens
