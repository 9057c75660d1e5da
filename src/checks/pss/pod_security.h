// Pod Security Standards: every baseline and restricted check of k8s.io/pod-security-admission,
// evaluated as the policy version a user selects (v1.0 … latest).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "checks/emitter.h"
#include "k8s/workload.h"

namespace eksguard::pss {

enum class Level : uint8_t { kBaseline, kRestricted };

// The newest policy version this build knows ("latest" resolves to it).
inline constexpr int kLatestMinor = 37;

struct Policy {
  Level level = Level::kRestricted;
  int minor = kLatestMinor;  // policy version v1.<minor>
};

std::optional<Level> parse_level(std::string_view text);  // baseline | restricted
// v1.N | 1.N | latest. A version newer than kLatestMinor resolves to it, as upstream resolves
// versions newer than its newest check.
std::optional<int> parse_version(std::string_view text);
std::string_view to_string(Level level);

// The checks that run at the policy's level and version, in evaluation order. At restricted, a
// baseline check that a restricted check overrides is not listed (e.g. capabilities_baseline from
// v1.22, where capabilities_restricted replaces it).
std::span<const CheckId> active_checks(const Policy& policy);

// Evaluates every check that applies at the policy's level and version and emits one finding per
// violation, with the path and node of the offending field.
void check_pod_security(const k8s::PodTemplate& pod, const Policy& policy, FindingEmitter& emitter);

}  // namespace eksguard::pss
