// Cedar authorization (cedar-k8s.md §2.7): a satisfied `forbid` denies; otherwise a satisfied
// `permit` allows; otherwise the default is deny. A policy whose evaluation errors is skipped
// (an erroring forbid does not deny) and reported. The response names the determining policies
// (`reasons`: the satisfied forbids on a deny by forbid, the satisfied permits on an allow,
// none on a default deny) and every erroring policy.
#pragma once

#include <cstdint>
#include <vector>

#include "cedar/entities.h"
#include "cedar/evaluator.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"

namespace eksguard::cedar {

enum class Decision : uint8_t { kAllow, kDeny };

std::string_view to_string(Decision decision);  // "allow" / "deny"

struct PolicyError {
  uint32_t policy = 0;  // index into PolicySet::policies()
  EvalError error;
};

struct Response {
  Decision decision = Decision::kDeny;
  std::vector<uint32_t> reasons;    // indices into PolicySet::policies(), ascending
  std::vector<PolicyError> errors;  // ascending by policy
};

// Thread-safe: every argument is only read.
Response is_authorized(const PolicySet& policies, const Request& request, const Entities& entities);

}  // namespace eksguard::cedar
