// server/target_query.h: the one parser of ?trt=&precision=&strict=&strongly_typed=&plugin=&gpu=&dla=&gpu_fallback=
// that the analysis API and the tracked-model library share.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>

#include "server/target_query.h"

namespace trtlens::server {
namespace {

httplib::Request request(std::initializer_list<std::pair<const char*, const char*>> params) {
  httplib::Request req;
  for (const auto& [k, v] : params) req.params.emplace(k, v);
  return req;
}

TEST(TargetQuery, DefaultsAreNewestReleaseFp32NotStrictNoHardware) {
  auto t = target_of(request({}));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->release->name, KnowledgeBase::builtin().newest().name);
  ASSERT_EQ(t->precisions.size(), 1u);
  EXPECT_EQ(t->precisions[0], Precision::FP32);
  EXPECT_FALSE(t->strict);
  EXPECT_FALSE(t->strongly_typed);
  EXPECT_TRUE(t->plugins.empty());
  EXPECT_FALSE(t->hardware.has_gpu);
}

TEST(TargetQuery, FlagsAcceptOneTrueAndYesOnly) {
  for (const char* yes : {"1", "true", "yes"}) EXPECT_TRUE(target_of(request({{"strict", yes}}))->strict) << yes;
  for (const char* no : {"0", "false", "no", "", "TRUE"}) EXPECT_FALSE(target_of(request({{"strict", no}}))->strict) << no;
  EXPECT_TRUE(target_of(request({{"trt", "10.15"}, {"strongly_typed", "yes"}}))->strongly_typed);
}

TEST(TargetQuery, ReadsEveryParameter) {
  auto req = request({{"trt", "8.6"}, {"precision", "fp16,int8"}, {"gpu", "orin"}, {"dla", "1"}, {"gpu_fallback", "0"}});
  req.params.emplace("plugin", "MyPlugin");
  req.params.emplace("plugin", "Other:2");
  auto t = target_of(req);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->release->name, "8.6");
  ASSERT_EQ(t->precisions.size(), 2u);
  EXPECT_NE(std::find(t->precisions.begin(), t->precisions.end(), Precision::FP16), t->precisions.end());
  EXPECT_NE(std::find(t->precisions.begin(), t->precisions.end(), Precision::INT8), t->precisions.end());
  ASSERT_EQ(t->plugins.size(), 2u);
  EXPECT_EQ(t->plugins[0].text(), "MyPlugin");
  EXPECT_TRUE(t->hardware.has_gpu);
  EXPECT_TRUE(t->hardware.dla);
  EXPECT_FALSE(t->hardware.gpu_fallback);
}

TEST(TargetQuery, PartsLeftOutKeepTheirDefaults) {
  auto req = request({{"gpu", "nosuch"}, {"plugin", "MyPlugin"}});
  auto t = target_of(req, {.plugins = false, .hardware = false});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->plugins.empty());
  EXPECT_FALSE(t->hardware.has_gpu);
  auto with_hw = target_of(req);
  ASSERT_FALSE(with_hw.ok());
  EXPECT_EQ(with_hw.error().code, "E_USAGE");
  EXPECT_EQ(with_hw.error().message.rfind("unknown GPU 'nosuch'", 0), 0u) << with_hw.error().message;
}

TEST(TargetQuery, TheReleaseIsCheckedFirstWithTheCliMessage) {
  auto t = target_of(request({{"trt", "7.0"}, {"precision", "fp7"}, {"gpu", "nosuch"}}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "E_USAGE");
  EXPECT_EQ(t.error().message.rfind("unknown TensorRT release '7.0' (known: 7.2, ", 0), 0u) << t.error().message;
  auto p = target_of(request({{"precision", "fp7"}, {"gpu", "nosuch"}}));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "unknown precision 'fp7' (use fp32, tf32, fp16, bf16, int8, fp8, int4, fp4)");
}

}  // namespace
}  // namespace trtlens::server
