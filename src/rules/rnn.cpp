// RNN, GRU, LSTM (importer-rules.md B:RNN/GRU/LSTM, A13): activation names the parser knows, and bidirectional
// nodes whose forward and reverse activations differ.
#include <algorithm>

#include "rules/registry.h"

namespace trtlens {
namespace {

std::optional<Finding> rnn_activations(const RuleContext& c) {
  const auto* a = c.attr("activations");
  if (!a) return std::nullopt;
  const auto accepted = c.rule.params.value("accepted", nlohmann::json::array());
  for (const auto& name : a->strings()) {
    if (std::any_of(accepted.begin(), accepted.end(), [&](const nlohmann::json& v) { return v == name; })) continue;
    return Finding{c.release.display() + " does not know the " + c.ref().op_type + " activation '" + name + "'",
                   "Use one of the activations TensorRT implements (Relu, Tanh, Sigmoid, ...) or replace the "
                   "recurrence with a Loop of supported ops",
                   "", std::nullopt};
  }
  return std::nullopt;
}

template <typename List>
bool halves_differ(const List& list) {
  const int n = list.size();
  if (n < 2 || n % 2) return false;
  for (int i = 0; i < n / 2; ++i)
    if (list[i] != list[i + n / 2]) return true;
  return false;
}

std::optional<Finding> bidirectional_same_activations(const RuleContext& c) {
  if (c.attr_string("direction").value_or("forward") != "bidirectional") return std::nullopt;
  for (const char* name : {"activations", "activation_alpha", "activation_beta"}) {
    const auto* a = c.attr(name);
    if (!a) continue;
    if (halves_differ(a->strings()) || halves_differ(a->floats()))
      return Finding{c.release.display() + " requires the forward and reverse halves of " + c.ref().op_type + " '" +
                         name + "' to be equal for a bidirectional node",
                     "Use the same activations in both directions, or split into two unidirectional nodes", "",
                     std::nullopt};
  }
  return std::nullopt;
}

TRTLENS_REGISTER_RULE("custom:rnn_activations", rnn_activations, "TRT_RNN_ACTIVATION", false,
                      "activation names the parser knows");
TRTLENS_REGISTER_RULE("custom:bidirectional_same_activations", bidirectional_same_activations,
                      "TRT_RNN_BIDIRECTIONAL_ACTIVATIONS", false, "bidirectional halves agree");

}  // namespace
}  // namespace trtlens
