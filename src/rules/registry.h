// The rule registry: every check the knowledge base can name, keyed by rule id ("attr_values") or by
// "custom:<check>" for bespoke checks. Rules register themselves from their own file (one op family, one place).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "rules/context.h"

namespace trtlens {

struct Finding {
  std::string message;       // what is wrong, naming the node's tensors/attributes
  std::string hint;          // what the user can do (may be empty: the engine adds a generic one)
  std::string code;          // empty: the rule instance's code
  std::optional<bool> warning;  // override the instance's severity
};

using RuleFn = std::optional<Finding> (*)(const RuleContext&);

struct RuleImpl {
  std::string id;
  RuleFn fn = nullptr;
  std::string default_code;
  bool default_warning = false;
  std::string summary;       // what the check verifies, in one line (documents the registration)
};

class RuleRegistry {
 public:
  static bool add(RuleImpl impl);
  static const RuleImpl* find(std::string_view id);
  static std::vector<const RuleImpl*> all();
};

// Registers a rule at static-initialisation time: TRTLENS_RULE(attr_values, "TRT_ATTRIBUTE_VALUE", false, "...")
#define TRTLENS_RULE_CONCAT2(a, b) a##b
#define TRTLENS_RULE_CONCAT(a, b) TRTLENS_RULE_CONCAT2(a, b)
#define TRTLENS_REGISTER_RULE(id, fn, code, warning, summary)                                                  \
  static const bool TRTLENS_RULE_CONCAT(registered_rule_, __LINE__) =                                         \
      ::trtlens::RuleRegistry::add(::trtlens::RuleImpl{id, fn, code, warning, summary})


}  // namespace trtlens
