// ReverseSequence from 8.0 to 8.5 unrolls one Slice per batch entry, so the importer needs the batch size while
// parsing: the length of sequence_lens when static, else the input's size along batch_axis; when both are dynamic it
// refuses the node (release/8.0 .. release/8.5-GA importReverseSequence). 8.6 builds it from a loop over the batch.
#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> reverse_sequence_batch(const RuleContext& c) {
  const TensorInfo* lens = c.input(1);
  if (lens && lens->rank == 1 && lens->dims[0] >= 0) return std::nullopt;
  const TensorInfo* x = c.input(0);
  if (!x || x->rank < 0) return std::nullopt;  // unknown rank: the axis size cannot be looked at
  std::int64_t axis = c.attr_int("batch_axis").value_or(1);
  if (axis < 0 || axis >= x->rank) return std::nullopt;  // the axis checks report that
  if (x->dims[static_cast<std::size_t>(axis)] >= 0) return std::nullopt;
  if (!lens || lens->rank != 1) return std::nullopt;  // unknown sequence_lens shape: do not guess
  return Finding{c.release.display() + " needs the batch size of " + c.ref().op_type +
                     " while parsing, but both sequence_lens' length and the input's batch_axis dimension are dynamic",
                 "Fix the batch dimension at export (or give sequence_lens a static length), or use TensorRT 8.6 or "
                 "later",
                 "", std::nullopt};
}

}  // namespace

TRTLENS_REGISTER_RULE("custom:reverse_sequence_batch", reverse_sequence_batch, "TRT_REVERSESEQUENCE_DYNAMIC_BATCH",
                      false, "ReverseSequence batch size known while parsing");

}  // namespace trtlens
