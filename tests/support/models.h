// Small models that several test files build: each is written once here, with its graph in the comment, so the tests
// that share it cannot drift apart.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "support/model_builder.h"

namespace trtlens::test {

// The pair both diff commands are tested on (`trtlens diff OLD NEW`: tests/diff/diff_test.cpp; `trtlens track diff`:
// tests/store/track_diff_test.cpp).
// old: x -> act (Relu) -> sig (Sigmoid) -> gone (Neg) -> y
ModelBuilder diff_old_model();
// new: x -> act (Bernoulli: no release imports it) -> `sigmoid_name` (Sigmoid) -> added (Abs) -> y. `act` becomes
// unsupported, the Sigmoid is the old `sig` renamed (or unnamed), `gone` is removed and `added` added.
ModelBuilder diff_new_model(const std::string& sigmoid_name);

// x[1,3,8,8] -> conv (3x3, 4 filters) -> softmax -> y. Conv has INT8 kernels in 8.6, Softmax does not: with int8 the
// Softmax falls back to fp32.
ModelBuilder conv_softmax();

// x[2,3] of `dtype` -> `op` (named "n") -> y.
ModelBuilder unary_model(const std::string& op, int dtype, int opset = 13);

// x[1,8,16,16] -> `conv_name` (Conv 3x3, 8 filters, `pad` on every side) -> c; the caller adds what reads c and the
// outputs. On a DLA target the conv runs on the DLA while its pads stay below the kernel size.
ModelBuilder dla_conv(std::int64_t pad = 1, const std::string& conv_name = "conv", int ir_version = 8);

// Opset 18: x[1,3,8,8] -> Pad "n" (constant pads, `axes` a graph input: computed at run time) -> y.
ModelBuilder pad_runtime_axes();

// A branch graph `name` with one output `name`_out of `dims`: an Identity ("`name`_id") over outer tensor `from`.
onnx::GraphProto identity_branch(const std::string& name, const std::string& from, std::vector<std::int64_t> dims);

// The start of a Loop body: inputs i (INT64 iteration number) and cond_in (BOOL), the Identity "keep_going" that
// passes the condition on, and the body's first output cond_out. The caller adds the carried inputs, the other nodes
// and outputs.
onnx::GraphProto loop_body();

}  // namespace trtlens::test
