#include "cedar/authorizer.h"

#include <cstddef>

namespace eksguard::cedar {

std::string_view to_string(Decision decision) {
  return decision == Decision::kAllow ? "allow" : "deny";
}

Response is_authorized(const PolicySet& policies, const Request& request,
                       const Entities& entities) {
  // Most evaluations build no sets or records at all; those that do start on the stack.
  alignas(std::max_align_t) std::byte buffer[4096];
  Arena scratch(buffer, sizeof buffer);
  Evaluator evaluator(request, entities, scratch);

  thread_local std::vector<uint32_t> candidates;
  policies.candidates(request, entities, candidates);

  Response response;
  std::vector<uint32_t> permits;
  std::vector<uint32_t> forbids;
  for (const uint32_t index : candidates) {
    if (!policies.scope_matches(index, request, entities)) continue;
    const Policy& policy = policies.policies()[index];
    switch (evaluator.evaluate_conditions(policy)) {
      case Evaluator::Outcome::kSatisfied:
        (policy.effect == Effect::kForbid ? forbids : permits).push_back(index);
        break;
      case Evaluator::Outcome::kError:
        response.errors.push_back(PolicyError{index, evaluator.error()});
        break;
      case Evaluator::Outcome::kNotSatisfied:
        break;
    }
  }
  if (!forbids.empty()) {
    response.decision = Decision::kDeny;
    response.reasons = std::move(forbids);
  } else if (!permits.empty()) {
    response.decision = Decision::kAllow;
    response.reasons = std::move(permits);
  }
  return response;
}

}  // namespace eksguard::cedar
