// Knowledge-base lookups: release spellings, ordering, per-op importer flags and types, op_support's summary.
#include <gtest/gtest.h>

#include "kb/kb.h"
#include "kb/op_support.h"

namespace trtlens::test {
namespace {

const KnowledgeBase& kb() { return KnowledgeBase::builtin(); }

TEST(Kb, ReleasesAreOrderedOldestFirst) {
  const auto& rs = kb().releases();
  ASSERT_EQ(rs.size(), 26u);
  EXPECT_EQ(rs.front().name, "7.2");
  EXPECT_EQ(rs.back().name, "10.15");
  EXPECT_EQ(&kb().newest(), &rs.back());
  for (std::size_t i = 1; i < rs.size(); ++i)
    EXPECT_TRUE(rs[i].at_least(rs[i - 1].major, rs[i - 1].minor + 1)) << rs[i - 1].name << " then " << rs[i].name;
  EXPECT_TRUE(kb().problems().empty()) << kb().problems().front();
}

TEST(Kb, FindAcceptsEverySpelling) {
  const Release* r = kb().find("8.6");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->version, "8.6.1");
  EXPECT_EQ(kb().find("8.6.1"), r);
  EXPECT_EQ(kb().find("TensorRT 8.6.1"), r);
  EXPECT_EQ(kb().find("trt10.15"), kb().find("10.15"));
  EXPECT_EQ(kb().find("latest"), &kb().newest());
  EXPECT_EQ(kb().find("6.0"), nullptr);
  EXPECT_EQ(kb().find("banana"), nullptr);
  EXPECT_EQ(kb().find(""), nullptr);
}

TEST(Kb, PrecisionsDifferBetweenReleases) {
  const Release& old = *kb().find("8.6");
  const Release& now = *kb().find("10.15");
  EXPECT_TRUE(old.has_precision(Precision::FP16));
  EXPECT_TRUE(old.has_precision(Precision::INT8));
  EXPECT_FALSE(old.has_precision(Precision::BF16));
  EXPECT_FALSE(old.has_precision(Precision::FP8));
  EXPECT_TRUE(now.has_precision(Precision::BF16));
  EXPECT_TRUE(now.has_precision(Precision::FP4));
}

TEST(Kb, GeluArrivesWithTensorRT10) {
  const OpInfo* before = kb().find("8.6")->op("Gelu");
  EXPECT_TRUE(before == nullptr || !before->importer);
  const OpInfo* after = kb().find("10.15")->op("Gelu");
  ASSERT_NE(after, nullptr);
  EXPECT_TRUE(after->importer);
  EXPECT_TRUE(after->types & bit(TrtType::FP16));
}

TEST(Kb, ConvTypesGrowOverReleases) {
  const OpInfo* conv86 = kb().find("8.6")->op("Conv");
  const OpInfo* conv10 = kb().find("10.15")->op("Conv");
  ASSERT_TRUE(conv86 && conv10);
  EXPECT_TRUE(conv86->importer);
  EXPECT_TRUE(conv86->types & bit(TrtType::INT8));
  EXPECT_FALSE(conv86->types & bit(TrtType::BF16));
  EXPECT_TRUE(conv10->types & bit(TrtType::BF16));
  const OpInfo* softmax = kb().find("8.6")->op("Softmax");
  ASSERT_NE(softmax, nullptr);
  EXPECT_FALSE(softmax->types & bit(TrtType::INT8));
}

TEST(Kb, TypeNamesRoundTrip) {
  for (int i = 0; i < static_cast<int>(TrtType::kCount); ++i) {
    const auto t = static_cast<TrtType>(i);
    EXPECT_EQ(trt_type_from_name(trt_type_name(t)), t);
  }
  EXPECT_FALSE(trt_type_from_name("FP64").has_value());
  EXPECT_EQ(type_names(bit(TrtType::FP32) | bit(TrtType::INT8)), (std::vector<std::string>{"FP32", "INT8"}));
  EXPECT_EQ(precision_from_name("fp16"), Precision::FP16);
  EXPECT_FALSE(precision_from_name("fp64").has_value());
}

TEST(Kb, Int64TensorsAreDowncastOnlyBefore10) {
  EXPECT_TRUE(kb().find("8.6")->initializer_types[7].downcast);    // INT64 -> INT32
  EXPECT_FALSE(kb().find("10.15")->initializer_types[7].downcast);
  EXPECT_FALSE(kb().find("8.6")->tensor_types[16].importable);      // BFLOAT16
  EXPECT_TRUE(kb().find("10.15")->tensor_types[16].importable);
}

TEST(Kb, OpSupportListsEveryReleaseNewestFirst) {
  const auto j = op_support(kb(), "Gelu");
  EXPECT_EQ(j["op"], "Gelu");
  ASSERT_EQ(j["releases"].size(), 26u);
  EXPECT_EQ(j["releases"].front()["release"], "10.15");
  EXPECT_EQ(j["releases"].back()["release"], "7.2");
  EXPECT_EQ(j["releases"].front()["importer"], true);
  EXPECT_EQ(j["releases"].back()["importer"], false);
}

TEST(Kb, MalformedDocumentIsAnError) {
  auto r = KnowledgeBase::from_documents({"{not json"});
  EXPECT_FALSE(r.ok());
}

// Every rule says where the parser makes its check (docs/kb-format.md): "code" only for releases whose parser source
// was read (their GA tag, or the release's own commit), "derived" for the rest.
TEST(Kb, EveryRuleNamesItsParserSourceAndConfidence) {
  int code = 0, derived = 0;
  for (const auto& r : kb().releases()) {
    const auto& parser = r.facts["parser_source"];
    const bool read = parser["confidence"] == "code";
    EXPECT_EQ(read, !parser["ref"].is_null()) << r.name;
    for (const auto& [name, op] : r.ops())
      for (const auto& rule : op.rules) {
        ASSERT_TRUE(rule.confidence == "code" || rule.confidence == "derived") << r.name << " " << name << " " << rule.code;
        ASSERT_FALSE(rule.source.empty()) << r.name << " " << name << " " << rule.code;
        if (rule.confidence == "code") {
          ++code;
          EXPECT_TRUE(read) << r.name << " " << name << " " << rule.code;
          EXPECT_EQ(rule.source.rfind(parser["ref"].get<std::string>() + " ", 0), 0u) << rule.source;
        } else {
          ++derived;
          EXPECT_EQ(rule.source.rfind("derived from ", 0), 0u) << rule.source;
        }
      }
  }
  EXPECT_GT(code, 1500);   // 1980 when written: 8.6, 10.1, 10.15 fully, the type checks at every readable tag
  EXPECT_GT(derived, 5000);
  EXPECT_EQ(kb().find("8.6")->facts["parser_source"]["ref"], "tag release/8.6-GA");
  EXPECT_EQ(kb().find("8.6")->facts["parser_source"]["commit"], "6ba67d3");
  EXPECT_EQ(kb().find("10.5")->facts["parser_source"]["confidence"], "derived");
  EXPECT_EQ(kb().find("7.2")->fact<std::string>("support_matrix", ""), "8.0");
}

}  // namespace
}  // namespace trtlens::test
