// Hardware targets: GPU names, release x architecture floors and ceilings, precision x architecture, DLA limits.
#include <gtest/gtest.h>

#include "hw/hardware.h"
#include "support/model_builder.h"

namespace trtlens {
namespace {

using test::ModelBuilder;
using test::set_attr;

const Release& rel(const std::string& name) {
  const Release* r = KnowledgeBase::builtin().find(name);
  EXPECT_NE(r, nullptr) << name;
  return *r;
}

HardwareTarget target(const std::string& gpu, bool dla = false, bool fallback = true) {
  auto t = HardwareKb::builtin().make_target(gpu, dla, fallback);
  EXPECT_TRUE(t) << gpu << ": " << (t ? "" : t.error().message);
  return t ? t.value() : HardwareTarget{};
}

bool has_issue(const std::vector<HardwareIssue>& issues, const std::string& code, bool error) {
  for (const auto& i : issues)
    if (i.code == code && i.error == error) return true;
  return false;
}

TEST(HardwareGpu, ProductNamesAndComputeCapabilitiesResolve) {
  const auto& hw = HardwareKb::builtin();
  for (const char* spec : {"sm_87", "sm87", "8.7", "87", "Orin", "jetson agx orin", "Jetson-AGX-Orin", "DRIVE Orin"}) {
    auto g = hw.find_gpu(spec);
    ASSERT_TRUE(g) << spec;
    EXPECT_EQ(g.value().sm, "8.7") << spec;
    EXPECT_EQ(g.value().dla_generation, 2) << spec;
  }
  EXPECT_EQ(hw.find_gpu("T4").value().sm, "7.5");
  EXPECT_EQ(hw.find_gpu("NVIDIA GeForce RTX 4090").value().sm, "8.9");
  EXPECT_EQ(hw.find_gpu("sm_120").value().sm, "12.0");
  EXPECT_EQ(hw.find_gpu("B200").value().sm, "10.0");
  EXPECT_EQ(hw.find_gpu("Xavier").value().dla_generation, 1);
  EXPECT_EQ(hw.find_gpu("Orin Nano").value().dla_cores, 0);
  EXPECT_EQ(hw.find_gpu("10.1").value().sm, "11.0");  // Thor's CUDA 12 name
}

TEST(HardwareGpu, UnknownNamesAreUsageErrorsWithSuggestions) {
  const auto& hw = HardwareKb::builtin();
  auto bad = hw.find_gpu("sm_99");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "E_USAGE");
  EXPECT_NE(bad.error().message.find("8.7"), std::string::npos) << bad.error().message;  // lists the known ones
  auto typo = hw.find_gpu("RTX 409");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("RTX 4090"), std::string::npos) << typo.error().message;
  EXPECT_FALSE(hw.find_gpu(""));
}

TEST(HardwareGpu, DlaNeedsAPlatformWithDlaCores) {
  const auto& hw = HardwareKb::builtin();
  EXPECT_FALSE(hw.make_target("", true, true));
  auto t4 = hw.make_target("T4", true, true);
  ASSERT_FALSE(t4);
  EXPECT_NE(t4.error().message.find("no DLA"), std::string::npos);
  EXPECT_FALSE(hw.make_target("Orin Nano", true, true));
  EXPECT_TRUE(hw.make_target("Orin", true, false));
}

// Floors and ceilings per release era: a release refuses GPUs older than its floor and newer than it knows.
TEST(HardwareRelease, FloorAndCeilingPerEra) {
  const auto& hw = HardwareKb::builtin();
  struct Case { const char* release; const char* gpu; bool runs; };
  const Case cases[] = {
      {"7.2", "K80", true},       {"7.2", "RTX 4090", false}, {"8.2", "A100", true},     {"8.2", "RTX 4090", false},
      {"8.2", "Orin", false},     {"8.4", "Orin", true},      {"8.4", "H100", false},    {"8.5", "RTX 4090", true},
      {"8.5", "K80", true},       {"8.6", "K80", false},      {"8.6", "M40", false},     {"8.6", "P100", true},
      {"9.3", "Orin", false},     {"10.0", "P4", false},      {"10.0", "V100", true},    {"10.4", "V100", true},
      {"10.5", "V100", false},    {"10.7", "RTX 5090", false}, {"10.7", "B200", false},  {"10.8", "RTX 5090", true},
      {"10.8", "B200", true},     {"10.12", "Thor", false},   {"10.13", "Thor", true},   {"10.15", "T4", true},
  };
  for (const auto& c : cases) {
    const auto t = target(c.gpu);
    const auto issues = hw.model_issues(rel(c.release), t, {Precision::FP32}, {});
    EXPECT_EQ(!has_issue(issues, "TRT_GPU_UNSUPPORTED", true), c.runs) << c.release << " on " << c.gpu;
    EXPECT_EQ(hw.runs_on(rel(c.release), t.gpu), c.runs) << c.release << " on " << c.gpu;
  }
}

TEST(HardwareRelease, RefusalNamesTheReleasesThatRun) {
  const auto& hw = HardwareKb::builtin();
  const auto t = target("RTX 4090");
  const auto releases = hw.releases_for(KnowledgeBase::builtin(), t.gpu);
  ASSERT_FALSE(releases.empty());
  EXPECT_EQ(releases.front(), "8.5");
  EXPECT_EQ(std::count(releases.begin(), releases.end(), "8.4"), 0);
  const auto issues = hw.model_issues(rel("8.2"), t, {Precision::FP32}, {});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("SM 8.6"), std::string::npos) << issues[0].message;  // the newest it knows
}

TEST(HardwareRelease, UncertainFactsAreLabelled) {
  const auto& hw = HardwareKb::builtin();
  const auto issues = hw.model_issues(rel("8.0"), target("RTX 3090"), {Precision::FP32}, {});
  EXPECT_TRUE(issues.empty());  // runs; the fact itself is tagged uncertain in the data
  const auto hopper85 = hw.model_issues(rel("8.5"), target("H100"), {Precision::FP32}, {});
  ASSERT_TRUE(has_issue(hopper85, "TRT_GPU_SUPPORT_UNCERTAIN", false));
  for (const auto& i : hopper85)
    if (i.code == "TRT_GPU_SUPPORT_UNCERTAIN") EXPECT_EQ(i.confidence, "uncertain");
}

// Precision gating: a flag the GPU lacks is ignored or slow; Q/DQ of a type it lacks fails the build.
TEST(HardwarePrecision, FlagsAndQdqPerArchitecture) {
  const auto& hw = HardwareKb::builtin();
  const auto fp8_flag_on_a100 = hw.model_issues(rel("10.15"), target("A100"), {Precision::FP8}, {});
  EXPECT_TRUE(has_issue(fp8_flag_on_a100, "TRT_HW_NO_FP8", false));
  QuantizedTypes fp8;
  fp8.fp8 = true;
  EXPECT_TRUE(has_issue(hw.model_issues(rel("10.15"), target("A100"), {Precision::FP8}, fp8), "TRT_HW_NO_FP8", true));
  EXPECT_TRUE(hw.model_issues(rel("10.15"), target("H100"), {Precision::FP8}, fp8).empty());
  EXPECT_TRUE(hw.model_issues(rel("10.15"), target("L4"), {Precision::FP8}, fp8).empty());
  EXPECT_TRUE(has_issue(hw.model_issues(rel("10.15"), target("Orin"), {Precision::FP8}, fp8), "TRT_HW_NO_FP8", true));

  QuantizedTypes int8;
  int8.int8 = true;
  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("P100"), {Precision::INT8}, int8), "TRT_HW_NO_INT8", true));
  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("P100"), {Precision::INT8}, {}), "TRT_HW_NO_INT8", false));
  EXPECT_TRUE(hw.model_issues(rel("8.6"), target("T4"), {Precision::INT8}, int8).empty());

  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("T4"), {Precision::TF32}, {}), "TRT_HW_NO_TF32", false));
  EXPECT_TRUE(hw.model_issues(rel("8.6"), target("A100"), {Precision::TF32}, {}).empty());
  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("P4"), {Precision::FP16}, {}), "TRT_HW_NO_FP16", false));
  const auto bf16 = hw.model_issues(rel("10.15"), target("T4"), {Precision::BF16}, {});
  ASSERT_TRUE(has_issue(bf16, "TRT_HW_NO_BF16", false));
  EXPECT_EQ(bf16[0].confidence, "uncertain");
  EXPECT_TRUE(hw.model_issues(rel("10.15"), target("A100"), {Precision::BF16}, {}).empty());
  QuantizedTypes fp4;
  fp4.fp4 = true;
  EXPECT_TRUE(has_issue(hw.model_issues(rel("10.15"), target("H100"), {Precision::FP4}, fp4), "TRT_HW_NO_FP4", true));
  EXPECT_TRUE(hw.model_issues(rel("10.15"), target("B200"), {Precision::FP4}, fp4).empty());
}

TEST(HardwareDla, AvailabilityPerRelease) {
  const auto& hw = HardwareKb::builtin();
  EXPECT_TRUE(hw.dla_available(rel("8.6"), target("Orin", true), nullptr, nullptr));
  EXPECT_FALSE(hw.dla_available(rel("8.6"), target("Xavier", true), nullptr, nullptr));
  EXPECT_TRUE(hw.dla_available(rel("8.5"), target("Xavier", true), nullptr, nullptr));
  EXPECT_FALSE(hw.dla_available(rel("9.1"), target("Orin", true), nullptr, nullptr));
  std::string conf;
  EXPECT_TRUE(hw.dla_available(rel("10.10"), target("Orin", true), nullptr, &conf));
  EXPECT_EQ(conf, "uncertain");
  EXPECT_TRUE(has_issue(hw.model_issues(rel("9.1"), target("Orin", true, true), {Precision::FP16}, {}), "TRT_GPU_UNSUPPORTED", true));
  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("Orin", true, true), {Precision::FP32}, {}),
                        "TRT_DLA_NO_PRECISION", false));
  EXPECT_TRUE(has_issue(hw.model_issues(rel("8.6"), target("Orin", true, false), {Precision::FP32}, {}),
                        "TRT_DLA_NO_PRECISION", true));
}

// One node per model: x[1,C,H,W] -> op -> y.
struct DlaFixture {
  ModelBuilder b{13};
  std::unique_ptr<ModelIndex> index;
  void conv(std::vector<std::int64_t> kernel, std::vector<std::int64_t> strides = {1, 1},
            std::vector<std::int64_t> pads = {0, 0, 0, 0}, std::int64_t group = 1) {
    b.input("x", 1, {1, 8, 64, 64});
    std::vector<std::int64_t> wdims = {8, 8 / group, kernel[0], kernel[1]};
    b.initializer("w", 1, wdims, std::vector<double>(static_cast<std::size_t>(wdims[0] * wdims[1] * kernel[0] * kernel[1]), 0.5));
    auto& n = b.node("Conv", {"x", "w"}, {"y"}, "n");
    set_attr(n, "kernel_shape", kernel);
    set_attr(n, "strides", strides);
    set_attr(n, "pads", pads);
    set_attr(n, "group", group);
    b.output("y");
  }
  DlaCheck run(const std::string& release, const std::string& gpu = "Orin", const std::string& runs_in = "fp16") {
    index = test::index_of(b);
    return HardwareKb::builtin().dla_node(*index, 0, rel(release), target(gpu, true), runs_in);
  }
};

TEST(HardwareDla, ConvolutionLimits) {
  struct Case { std::vector<std::int64_t> kernel, strides, pads; std::int64_t group; bool ok; };
  const Case cases[] = {
      {{3, 3}, {1, 1}, {1, 1, 1, 1}, 1, true},    {{33, 3}, {1, 1}, {0, 0, 0, 0}, 1, false},
      {{32, 32}, {1, 1}, {0, 0, 0, 0}, 1, true},  {{3, 3}, {9, 1}, {0, 0, 0, 0}, 1, false},
      {{3, 3}, {8, 8}, {0, 0, 0, 0}, 1, true},    {{3, 3}, {1, 1}, {3, 3, 3, 3}, 1, false},  // padding not < kernel
      {{3, 3}, {1, 1}, {2, 2, 2, 2}, 1, true},    {{3, 3}, {1, 1}, {1, 1, 1, 1}, 8, true},
  };
  for (const auto& c : cases) {
    DlaFixture f;
    f.conv(c.kernel, c.strides, c.pads, c.group);
    const auto r = f.run("8.6");
    EXPECT_EQ(r.ok(), c.ok) << "kernel " << c.kernel[0] << "x" << c.kernel[1] << " stride " << c.strides[0] << " pad "
                            << c.pads[0] << ": " << r.message;
    if (!c.ok) EXPECT_EQ(r.code, "TRT_DLA_LAYER_LIMIT");
  }
}

TEST(HardwareDla, PrecisionAndLayerSupport) {
  DlaFixture f;
  f.conv({3, 3});
  EXPECT_EQ(f.run("8.6", "Orin", "fp32").code, "TRT_DLA_PRECISION");
  EXPECT_TRUE(f.run("8.6", "Orin", "int8").ok());

  DlaFixture g;  // Gather has no DLA layer in any release
  g.b.input("x", 1, {1, 8, 4, 4});
  g.b.initializer("i", 7, {2}, {0, 1});
  g.b.node("Gather", {"x", "i"}, {"y"}, "n");
  g.b.output("y");
  EXPECT_EQ(g.run("8.6").code, "TRT_DLA_LAYER_UNSUPPORTED");

  // Sub arrives in 8.2 (Xavier, 8.0: no; 8.2: yes).
  for (const auto& [release, ok] : {std::pair{"8.0", false}, std::pair{"8.2", true}}) {
    DlaFixture s;
    s.b.input("a", 1, {1, 8, 4, 4});
    s.b.input("b", 1, {1, 8, 4, 4});
    s.b.node("Sub", {"a", "b"}, {"y"}, "n");
    s.b.output("y");
    EXPECT_EQ(s.run(release, "Xavier").ok(), ok) << release;
  }
}

TEST(HardwareDla, PoolingWindowAndExclusivePadding) {
  auto pool = [](const std::string& op, std::vector<std::int64_t> k, std::vector<std::int64_t> pads, std::int64_t incl) {
    auto f = std::make_unique<DlaFixture>();
    f->b.input("x", 1, {1, 8, 32, 32});
    auto& n = f->b.node(op, {"x"}, {"y"}, "n");
    set_attr(n, "kernel_shape", k);
    set_attr(n, "pads", pads);
    if (op == "AveragePool") set_attr(n, "count_include_pad", incl);
    f->b.output("y");
    return f;
  };
  EXPECT_TRUE(pool("MaxPool", {8, 8}, {0, 0, 0, 0}, 0)->run("8.6").ok());
  EXPECT_EQ(pool("MaxPool", {9, 9}, {0, 0, 0, 0}, 0)->run("8.6").code, "TRT_DLA_LAYER_LIMIT");
  EXPECT_EQ(pool("MaxPool", {3, 3}, {8, 8, 8, 8}, 0)->run("8.6").code, "TRT_DLA_LAYER_LIMIT");
  // Exclusive padding: refused on 8.2 everywhere, on 8.5 only on Xavier, accepted on 10.x.
  EXPECT_FALSE(pool("AveragePool", {3, 3}, {1, 1, 1, 1}, 0)->run("8.2", "Xavier").ok());
  EXPECT_FALSE(pool("AveragePool", {3, 3}, {1, 1, 1, 1}, 0)->run("8.5", "Xavier").ok());
  EXPECT_TRUE(pool("AveragePool", {3, 3}, {1, 1, 1, 1}, 0)->run("8.5", "Orin").ok());
  EXPECT_TRUE(pool("AveragePool", {3, 3}, {1, 1, 1, 1}, 1)->run("8.2", "Xavier").ok());
  EXPECT_TRUE(pool("AveragePool", {3, 3}, {1, 1, 1, 1}, 0)->run("10.3", "Orin").ok());
}

TEST(HardwareDla, ResizeModesPerRelease) {
  auto resize = [](const std::string& mode, const std::string& ctm, std::vector<double> scales) {
    auto f = std::make_unique<DlaFixture>();
    f->b.input("x", 1, {1, 8, 16, 16});
    f->b.initializer("roi", 1, {0}, {});
    f->b.initializer("scales", 1, {4}, scales);
    auto& n = f->b.node("Resize", {"x", "roi", "scales"}, {"y"}, "n");
    set_attr(n, "mode", mode);
    set_attr(n, "coordinate_transformation_mode", ctm);
    if (mode == "nearest") set_attr(n, "nearest_mode", std::string("floor"));
    f->b.output("y");
    return f;
  };
  EXPECT_TRUE(resize("nearest", "asymmetric", {1, 1, 2, 2})->run("8.6").ok());
  EXPECT_FALSE(resize("nearest", "asymmetric", {1, 1, 1.5, 1.5})->run("8.6").ok());
  EXPECT_FALSE(resize("nearest", "asymmetric", {2, 1, 2, 2})->run("8.6").ok());
  EXPECT_TRUE(resize("linear", "half_pixel", {1, 1, 2, 2})->run("8.6").ok());
  EXPECT_FALSE(resize("linear", "half_pixel", {1, 1, 8, 8})->run("8.6").ok());  // linear: at most 4
  EXPECT_FALSE(resize("linear", "half_pixel", {1, 1, 2, 2})->run("8.2", "Xavier").ok());  // 8.2: nearest only
  EXPECT_FALSE(resize("linear", "align_corners", {1, 1, 2, 2})->run("8.6").ok());
  EXPECT_EQ(resize("nearest", "asymmetric", {1, 1, 2, 2})->run("8.0", "Xavier").code, "TRT_DLA_LAYER_UNSUPPORTED");
}

TEST(HardwareDla, ConcatAxisAndSoftmaxOnXavier) {
  auto concat = [](std::int64_t axis) {
    auto f = std::make_unique<DlaFixture>();
    f->b.input("a", 1, {1, 8, 4, 4});
    f->b.input("b", 1, {1, 8, 4, 4});
    auto& n = f->b.node("Concat", {"a", "b"}, {"y"}, "n");
    set_attr(n, "axis", axis);
    f->b.output("y");
    return f;
  };
  EXPECT_TRUE(concat(1)->run("8.6").ok());
  EXPECT_TRUE(concat(-3)->run("8.6").ok());
  EXPECT_EQ(concat(2)->run("8.6").code, "TRT_DLA_LAYER_LIMIT");

  auto softmax = [] {
    auto f = std::make_unique<DlaFixture>();
    f->b.input("x", 1, {1, 8, 4, 4});
    auto& n = f->b.node("Softmax", {"x"}, {"y"}, "n");
    set_attr(n, "axis", std::int64_t{1});
    f->b.output("y");
    return f;
  };
  EXPECT_FALSE(softmax()->run("8.5", "Xavier").ok());
  EXPECT_TRUE(softmax()->run("8.5", "Orin").ok());
  EXPECT_EQ(softmax()->run("8.2", "Xavier").code, "TRT_DLA_LAYER_UNSUPPORTED");  // no DLA softmax before 8.4
}

TEST(HardwareDla, UncertainLayersSaySo) {
  DlaFixture f;
  f.b.input("a", 1, {1, 8, 4, 4});
  f.b.input("b", 1, {1, 8, 4, 4});
  f.b.node("Div", {"a", "b"}, {"y"}, "n");
  f.b.output("y");
  const auto r = f.run("10.3");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.confidence, "uncertain");
  EXPECT_FALSE(r.message.empty());
  EXPECT_EQ(f.run("8.6").code, "TRT_DLA_LAYER_UNSUPPORTED");
}

// The convolution buffer: weight banks of one kernel + data banks (from C, W, dilated kernel height) must fit 16.
// Bank counts below are worked out by hand from the 8.4-era guide's formula, not read back from the code.
struct CbufConv {
  std::int64_t channels, width, kernel, dilation;
};

DlaCheck cbuf_run(const CbufConv& c, const std::string& release, const std::string& runs_in = "fp16",
                  const std::string& gpu = "Orin") {
  DlaFixture f;
  f.b.input("x", 1, {1, c.channels, 4 + c.kernel * c.dilation, c.width});
  const std::vector<std::int64_t> wdims = {1, c.channels, c.kernel, c.kernel};
  f.b.initializer("w", 1, wdims, std::vector<double>(static_cast<std::size_t>(c.channels * c.kernel * c.kernel), 0.5));
  auto& n = f.b.node("Conv", {"x", "w"}, {"y"}, "n");
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{c.kernel, c.kernel});
  set_attr(n, "dilations", std::vector<std::int64_t>{c.dilation, c.dilation});
  f.b.output("y");
  return f.run(release, gpu, runs_in);
}

TEST(HardwareDla, ConvolutionBufferBanks) {
  // 1x1, 32 channels, FP16: 1 weight bank + ceil(ceil(W/2)/256) data banks.
  EXPECT_TRUE(cbuf_run({32, 7680, 1, 1}, "8.6").ok());             // 1 + 15 = 16 banks: fits
  const auto over = cbuf_run({32, 7682, 1, 1}, "8.6");             // 1 + 16 = 17 banks
  EXPECT_EQ(over.code, "TRT_DLA_CBUF");
  EXPECT_EQ(over.confidence, "doc");
  EXPECT_NE(over.message.find("17 convolution-buffer banks"), std::string::npos) << over.message;
  EXPECT_TRUE(cbuf_run({32, 7682, 1, 1}, "8.6", "int8").ok());     // INT8 halves the data: 1 + 8 = 9 banks
  EXPECT_TRUE(cbuf_run({64, 224, 3, 1}, "8.6").ok());              // 1 + ceil(224*3/256) = 4 banks
  EXPECT_EQ(cbuf_run({512, 224, 3, 1}, "10.15").code, "TRT_DLA_CBUF");  // 1 + ceil(1792*3/256) = 22 banks
  EXPECT_TRUE(cbuf_run({512, 56, 3, 1}, "10.15").ok());            // 1 + ceil(448*3/256) = 7 banks
  // Dilation stretches the rows the kernel spans: 64 ch, W=224, 3x3 dilated by 8 -> 17 rows, 224*17/256 -> 15 + 1.
  EXPECT_TRUE(cbuf_run({64, 224, 3, 8}, "8.6").ok());
  EXPECT_EQ(cbuf_run({64, 232, 3, 8}, "8.6").code, "TRT_DLA_CBUF");  // ceil(232*17/256) = 16, + 1 = 17
  EXPECT_EQ(cbuf_run({512, 224, 3, 1}, "8.6", "fp16", "Xavier").code, "TRT_DLA_CBUF");
}

TEST(HardwareDla, ConvolutionBufferCheckByRelease) {
  const CbufConv big{512, 224, 3, 1};
  EXPECT_TRUE(cbuf_run(big, "8.2", "fp16", "Xavier").ok());  // no CBUF limit documented before 8.4
  const auto r85 = cbuf_run(big, "8.5");
  EXPECT_EQ(r85.code, "TRT_DLA_CBUF");
  EXPECT_EQ(r85.confidence, "uncertain");  // documented, but TensorRT checks it itself only from 8.6.0
  EXPECT_EQ(cbuf_run(big, "8.6").confidence, "doc");
}

TEST(HardwareDla, QdqRunsOnTheGpu) {
  DlaFixture f;
  f.b.input("x", 1, {1, 8, 4, 4});
  f.b.initializer("s", 1, {}, {0.1});
  f.b.initializer("z", 3, {}, {0});
  f.b.node("QuantizeLinear", {"x", "s", "z"}, {"y"}, "n");
  f.b.output("y");
  EXPECT_EQ(f.run("8.6", "Orin", "int8").code, "TRT_DLA_QDQ");
  ASSERT_TRUE(f.index);
  const auto q = quantized_types(*f.index);
  EXPECT_TRUE(q.int8);
  EXPECT_FALSE(q.fp8);
}

}  // namespace
}  // namespace trtlens
