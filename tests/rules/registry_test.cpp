// The gate: every rule the knowledge base names is implemented.
#include <gtest/gtest.h>

#include "kb/kb.h"
#include "rules/registry.h"

namespace trtlens::test {
namespace {

TEST(RuleRegistry, EveryRuleTheKnowledgeBaseNamesIsImplemented) {
  const auto problems = KnowledgeBase::builtin().problems();
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_TRUE(problems.empty());
}

TEST(RuleRegistry, EveryRuleInstanceResolvesToAnImplementationAndHasACode) {
  int instances = 0;
  for (const auto& release : KnowledgeBase::builtin().releases())
    for (const auto& [name, op] : release.ops())
      for (const auto& rule : op.rules) {
        ++instances;
        ASSERT_NE(rule.impl, nullptr) << release.name << " " << name << " " << rule.rule << ":" << rule.check;
        EXPECT_EQ(rule.code.rfind("TRT_", 0), 0u) << release.name << " " << name << " " << rule.code;
      }
  EXPECT_GT(instances, 7000);
}

}  // namespace
}  // namespace trtlens::test
