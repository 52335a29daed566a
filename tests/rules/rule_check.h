// Table-driven expectations for rule tests: one model, one node, a row per release.
#pragma once
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "onnx/dtype.h"
#include "support/model_builder.h"

namespace trtlens::test {

constexpr Status OK = Status::kConvertible;
constexpr Status NO = Status::kUnsupported;

struct Want {
  const char* release;
  Status status;
  const char* code = "";   // checked when non-empty: a reason when status is NO, else a warning
  bool present = true;     // false: `code` must not appear at all
};

inline std::string describe(const NodeVerdict& v) {
  std::string s;
  for (const auto& r : v.reasons) s += "\n  reason " + r.code + ": " + r.message;
  for (const auto& w : v.warnings) s += "\n  warning " + w.code + ": " + w.message;
  return s;
}

inline void expect_node(const ModelBuilder& b, const std::string& node, std::initializer_list<Want> wants,
                        const std::vector<std::string>& plugins = {}) {
  auto index = index_of(b);
  ASSERT_NE(index, nullptr);
  for (const auto& w : wants) {
    auto a = check(*index, w.release, "fp32", false, plugins);
    const auto& v = verdict(*index, a, node);
    EXPECT_EQ(v.status, w.status) << node << " @ " << w.release << describe(v);
    if (!*w.code) continue;
    const bool found = has_reason(v, w.code) || has_warning(v, w.code);
    if (!w.present) {
      EXPECT_FALSE(found) << w.code << " unexpected on " << node << " @ " << w.release << describe(v);
    } else if (w.status == NO) {
      EXPECT_TRUE(has_reason(v, w.code)) << w.code << " missing on " << node << " @ " << w.release << describe(v);
    } else {
      EXPECT_TRUE(has_warning(v, w.code)) << w.code << " warning missing on " << node << " @ " << w.release
                                          << describe(v);
    }
  }
}

// The message of the first reason or warning with `code` for `node` at `release` ("" when absent).
inline std::string message_of(const ModelBuilder& b, const std::string& node, const std::string& release,
                              const std::string& code) {
  auto index = index_of(b);
  auto a = check(*index, release);
  const auto& v = verdict(*index, a, node);
  for (const auto& r : v.reasons)
    if (r.code == code) return r.message;
  for (const auto& w : v.warnings)
    if (w.code == code) return w.message;
  return "";
}

// An index that keeps nodes lacking schema-required attributes (the loader refuses them by default), so that
// the parser's own attr_required rules can be observed.
inline std::unique_ptr<ModelIndex> lenient_index(const ModelBuilder& b) {
  const std::string data = b.bytes();
  auto loaded = load_model_bytes(data.data(), data.size(), "lenient.onnx");
  if (!loaded) return nullptr;
  BuildOptions options;
  options.require_schema_attributes = false;
  auto index = ModelIndex::build(std::move(loaded.value()), options);
  return index ? std::move(index.value()) : nullptr;
}

}  // namespace trtlens::test
