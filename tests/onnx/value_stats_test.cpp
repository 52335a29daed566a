// Value statistics of FLOAT weights (the FP16/BF16 overflow warnings): the lane-parallel scan must count exactly
// what a plain element-by-element reference counts, including NaN, infinities, subnormals and the tail that does
// not fill a lane group.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "onnx/dtype.h"
#include "onnx/external_data.h"
#include "onnx/value_stats.h"
#include "support/model_builder.h"

namespace trtlens::test {
namespace {

struct Reference {
  std::int64_t count = 0, fp16_overflow = 0, fp16_underflow = 0, bf16_overflow = 0, float_overflow = 0;
  double max_abs = 0, min = 0, max = 0;
  bool all_zero = true;
};

Reference reference(const std::vector<float>& values) {
  Reference r;
  bool first = true;
  for (float f : values) {
    const double v = f, a = std::fabs(v);
    ++r.count;
    if (v != 0) r.all_zero = false;
    if (std::isfinite(a)) r.max_abs = std::max(r.max_abs, a);
    r.fp16_overflow += a > 65504.0;
    r.fp16_underflow += a > 0 && a < std::ldexp(1.0, -24);
    r.bf16_overflow += a > 3.3895313892515355e38;
    r.float_overflow += a > std::numeric_limits<float>::max();
    if (std::isnan(v)) continue;
    r.min = first ? v : std::min(r.min, v);
    r.max = first ? v : std::max(r.max, v);
    first = false;
  }
  return r;
}

ValueStats stats_of(const std::vector<float>& values, std::unique_ptr<ModelIndex>& keep) {
  ModelBuilder b(17);
  b.input("x", kFloat, {static_cast<std::int64_t>(values.size())});
  std::vector<double> as_double(values.begin(), values.end());
  b.initializer("w", kFloat, {static_cast<std::int64_t>(values.size())}, as_double);
  b.node("Add", {"x", "w"}, {"y"}, "add");
  b.output("y", kFloat);
  keep = index_of(b);
  return keep->external().stats(*keep->find(0, "w")->initializer);
}

void expect_matches(const std::vector<float>& values) {
  std::unique_ptr<ModelIndex> index;
  const ValueStats s = stats_of(values, index);
  const Reference r = reference(values);
  ASSERT_TRUE(s.available);
  EXPECT_EQ(s.count, r.count);
  EXPECT_EQ(s.fp16_overflow, r.fp16_overflow);
  EXPECT_EQ(s.fp16_underflow, r.fp16_underflow);
  EXPECT_EQ(s.bf16_overflow, r.bf16_overflow);
  EXPECT_EQ(s.float_overflow, r.float_overflow);
  EXPECT_EQ(s.all_zero, r.all_zero);
  EXPECT_DOUBLE_EQ(s.max_abs, r.max_abs);
  EXPECT_DOUBLE_EQ(s.min_value, r.min);
  EXPECT_DOUBLE_EQ(s.max_value, r.max);
}

TEST(ValueStats, SpecialValuesInEveryLaneAndTheTail) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> specials = {0.0f, -0.0f, 65504.0f, 65505.0f, -70000.0f, 1e-9f, -3e-8f, 6e-8f,
                                       3.4e38f, -3.39e38f, inf, -inf, nan, 1.0f, -2.5f, 1e-45f};
  // 1003 values: every special lands in every lane position, and 3 are left for the tail.
  std::vector<float> values;
  for (int i = 0; i < 1003; ++i) values.push_back(specials[static_cast<std::size_t>(i * 7) % specials.size()] * (i % 3 == 0 ? 1.0f : 0.5f));
  expect_matches(values);
}

TEST(ValueStats, RandomWeightsAndShortTensors) {
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 30000.0f);
  for (std::size_t n : {1u, 7u, 8u, 9u, 4096u + 5u}) {
    SCOPED_TRACE(n);
    std::vector<float> values(n);
    for (auto& v : values) v = dist(rng);
    expect_matches(values);
  }
  expect_matches(std::vector<float>(100, 0.0f));  // all zero
  expect_matches({std::numeric_limits<float>::quiet_NaN()});  // only NaN: no ordered value
}

TEST(ValueStats, IntegerScanWithoutTheCacheMatchesTheCachedOne) {
  ModelBuilder b(17);
  b.input("i", kInt64, {3});
  b.initializer("big", kInt64, {3}, {1, 5e9, -3});
  b.node("Add", {"i", "big"}, {"y"}, "add");
  b.output("y", kInt64);
  auto index = index_of(b);
  const onnx::TensorProto& big = *index->find(0, "big")->initializer;
  const ValueStats s = scan_values(big, index->external());
  ASSERT_TRUE(s.available);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.int32_out_of_range, 1);
  EXPECT_EQ(s.min_int, -3);
  EXPECT_EQ(s.max_int, 5000000000);
  EXPECT_DOUBLE_EQ(s.max_abs, 5e9);
  EXPECT_FALSE(s.all_zero);
  const ValueStats& cached = index->external().stats(big);
  EXPECT_EQ(cached.int32_out_of_range, s.int32_out_of_range);
  EXPECT_EQ(cached.max_int, s.max_int);
}

TEST(ValueStats, StringsAreNotScanned) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::STRING);
  t.add_dims(1);
  t.add_string_data("a");
  const ValueStats s = scan_values(t, ExternalData{});
  EXPECT_FALSE(s.available);
  EXPECT_EQ(s.count, 0);
}

}  // namespace
}  // namespace trtlens::test
