// The Pod Security Standards registry: which variant of which check runs at each level and policy
// version, resolved at compile time into one plan per (level, version), exactly as upstream's
// registry resolves it (k8s.io/pod-security-admission policy/registry.go).
#include "checks/pss/pod_security.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>

#include "checks/pss/pss_internal.h"
#include "common/strings.h"

namespace eksguard::pss {
namespace {

using detail::PodContext;
using CheckFn = void (*)(const PodContext&);

constexpr CheckId kNone = CheckId::kCount;

// Short names for the registry table below.
using enum CheckId;
namespace d = detail;
constexpr Level kBase = Level::kBaseline;
constexpr Level kRest = Level::kRestricted;

// One variant of a check: it applies from `since` (policy v1.<since>) until the next variant of
// the same check. A restricted variant may name the baseline check it replaces at restricted.
struct VersionedCheck {
  CheckId check;
  Level level;
  int since;
  CheckFn run;
  CheckId overrides = kNone;
};

// Every check variant, grouped by check, variants in increasing version order: the table of
// upstream's Check/VersionedCheck registrations (MinimumVersion, OverrideCheckIDs).
// clang-format off
constexpr std::array kRegistry{
    // baseline
    VersionedCheck{kPssPrivileged,               kBase, 0,  d::privileged_1_0},
    VersionedCheck{kPssHostNamespaces,           kBase, 0,  d::host_namespaces_1_0},
    VersionedCheck{kPssHostPathVolumes,          kBase, 0,  d::host_path_volumes_1_0},
    VersionedCheck{kPssHostPorts,                kBase, 0,  d::host_ports_1_0},
    VersionedCheck{kPssCapabilitiesBaseline,     kBase, 0,  d::capabilities_baseline_1_0},
    VersionedCheck{kPssAppArmorProfile,          kBase, 0,  d::app_armor_profile_1_0},
    VersionedCheck{kPssSeLinuxOptions,           kBase, 0,  d::se_linux_options_1_0},
    VersionedCheck{kPssSeLinuxOptions,           kBase, 31, d::se_linux_options_1_31},
    VersionedCheck{kPssProcMount,                kBase, 0,  d::proc_mount_1_0},
    VersionedCheck{kPssProcMount,                kBase, 35, d::proc_mount_baseline_1_35},
    VersionedCheck{kPssSeccompProfileBaseline,   kBase, 0,  d::seccomp_profile_baseline_1_0},
    VersionedCheck{kPssSeccompProfileBaseline,   kBase, 19, d::seccomp_profile_baseline_1_19},
    VersionedCheck{kPssSysctls,                  kBase, 0,  d::sysctls_1_0},
    VersionedCheck{kPssSysctls,                  kBase, 27, d::sysctls_1_27},
    VersionedCheck{kPssSysctls,                  kBase, 29, d::sysctls_1_29},
    VersionedCheck{kPssSysctls,                  kBase, 32, d::sysctls_1_32},
    VersionedCheck{kPssSysctls,                  kBase, 37, d::sysctls_1_37},
    VersionedCheck{kPssWindowsHostProcess,       kBase, 0,  d::windows_host_process_1_0},
    VersionedCheck{kPssHostProbesAndLifecycle,   kBase, 34, d::host_probes_and_host_lifecycle_1_34},
    // restricted
    VersionedCheck{kPssAllowPrivilegeEscalation, kRest, 8,  d::allow_privilege_escalation_1_8},
    VersionedCheck{kPssAllowPrivilegeEscalation, kRest, 25, d::allow_privilege_escalation_1_25},
    VersionedCheck{kPssCapabilitiesRestricted,   kRest, 22, d::capabilities_restricted_1_22,
                   kPssCapabilitiesBaseline},
    VersionedCheck{kPssCapabilitiesRestricted,   kRest, 25, d::capabilities_restricted_1_25,
                   kPssCapabilitiesBaseline},
    VersionedCheck{kPssProcMountRestricted,      kRest, 35, d::proc_mount_restricted_1_35,
                   kPssProcMount},
    VersionedCheck{kPssRestrictedVolumes,        kRest, 0,  d::restricted_volumes_1_0,
                   kPssHostPathVolumes},
    VersionedCheck{kPssRunAsNonRoot,             kRest, 0,  d::run_as_non_root_1_0},
    VersionedCheck{kPssRunAsNonRoot,             kRest, 35, d::run_as_non_root_1_35},
    VersionedCheck{kPssRunAsUser,                kRest, 23, d::run_as_user_1_23},
    VersionedCheck{kPssRunAsUser,                kRest, 35, d::run_as_user_1_35},
    VersionedCheck{kPssSeccompProfileRestricted, kRest, 19, d::seccomp_profile_restricted_1_19,
                   kPssSeccompProfileBaseline},
    VersionedCheck{kPssSeccompProfileRestricted, kRest, 25, d::seccomp_profile_restricted_1_25,
                   kPssSeccompProfileBaseline},
};
// clang-format on

// Upstream's "latest" is the newest minimum version any check registers; ours must agree, or a
// check added upstream was not mirrored here (or kLatestMinor was bumped without one).
constexpr bool latest_matches_registry() {
  int newest = 0;
  for (const VersionedCheck& entry : kRegistry) newest = std::max(newest, entry.since);
  return newest == kLatestMinor;
}
static_assert(latest_matches_registry(), "kLatestMinor must equal the newest check version");

constexpr bool registry_is_ordered() {
  for (size_t i = 1; i < kRegistry.size(); ++i) {
    if (kRegistry[i].check == kRegistry[i - 1].check &&
        kRegistry[i].since <= kRegistry[i - 1].since) {
      return false;
    }
  }
  return true;
}
static_assert(registry_is_ordered(), "variants of a check must be adjacent, oldest first");

// The checks that run for one level and version, in registry order.
struct Plan {
  std::array<CheckFn, kRegistry.size()> run{};
  std::array<CheckId, kRegistry.size()> checks{};
  size_t size = 0;
};

// The variant of `check` in force at `minor`: the newest whose minimum version is not above it.
constexpr const VersionedCheck* variant_at(CheckId check, int minor) {
  const VersionedCheck* found = nullptr;
  for (const VersionedCheck& entry : kRegistry) {
    if (entry.check == check && entry.since <= minor) found = &entry;
  }
  return found;
}

constexpr bool overridden(CheckId check, Level level, int minor) {
  if (level != Level::kRestricted) return false;
  for (const VersionedCheck& entry : kRegistry) {
    if (entry.level == Level::kRestricted && variant_at(entry.check, minor) == &entry &&
        entry.overrides == check) {
      return true;
    }
  }
  return false;
}

// Baseline checks run at both levels, restricted ones only at restricted; at restricted a
// baseline check is skipped while a restricted variant in force overrides it.
constexpr Plan make_plan(Level level, int minor) {
  Plan plan;
  for (size_t i = 0; i < kRegistry.size(); ++i) {
    const VersionedCheck& entry = kRegistry[i];
    if (i > 0 && kRegistry[i - 1].check == entry.check) continue;  // one slot per check
    if (entry.level == Level::kRestricted && level != Level::kRestricted) continue;
    const VersionedCheck* variant = variant_at(entry.check, minor);
    if (variant == nullptr || overridden(entry.check, level, minor)) continue;
    plan.run[plan.size] = variant->run;
    plan.checks[plan.size] = variant->check;
    ++plan.size;
  }
  return plan;
}

constexpr size_t kVersions = kLatestMinor + 1;

constexpr std::array<Plan, 2 * kVersions> make_plans() {
  std::array<Plan, 2 * kVersions> plans{};
  for (int minor = 0; minor <= kLatestMinor; ++minor) {
    plans[minor] = make_plan(Level::kBaseline, minor);
    plans[kVersions + minor] = make_plan(Level::kRestricted, minor);
  }
  return plans;
}

constexpr std::array<Plan, 2 * kVersions> kPlans = make_plans();

const Plan& plan_for(const Policy& policy) {
  // Like upstream, a version newer than any check resolves to the newest plan.
  const int minor = std::clamp(policy.minor, 0, kLatestMinor);
  const size_t level = policy.level == Level::kRestricted ? 1 : 0;
  return kPlans[level * kVersions + static_cast<size_t>(minor)];
}

}  // namespace

namespace detail {

PodContext make_context(const k8s::PodTemplate& pod, FindingEmitter& emitter) {
  const doc::Node* spec = pod.spec;
  const doc::Node* host_users = value_at(spec, "hostUsers");
  return PodContext{
      .pod = pod,
      .emitter = emitter,
      .spec = spec,
      .security_context = mapping_at(spec, "securityContext"),
      .annotations = mapping_at(pod.metadata, "annotations"),
      .windows = text_at(mapping_at(spec, "os"), "name") == "windows",
      .user_namespace = host_users != nullptr && host_users->is_false(),
  };
}

std::string describe(const k8s::Container& container) {
  if (container.name.empty()) {
    return fmt::format("unnamed {} at index {}", container.type_name(), container.index);
  }
  return fmt::format("{} \"{}\"", container.type_name(), container.name);
}

std::string security_context_path(const k8s::Container& container, std::string_view field) {
  return fmt::format("{}.securityContext.{}", container.path, field);
}

std::string annotation_path(const PodContext& context, std::string_view key) {
  return fmt::format("{}.annotations['{}']", context.pod.metadata_path, key);
}

std::string Setter::name() const {
  return container != nullptr ? describe(*container) : "pod";
}

std::string Setter::path(const PodContext& context, std::string_view field) const {
  if (container != nullptr) return security_context_path(*container, field);
  return fmt::format("{}.securityContext.{}", context.pod.spec_path, field);
}

}  // namespace detail

std::optional<Level> parse_level(std::string_view text) {
  if (iequals(text, "baseline")) return Level::kBaseline;
  if (iequals(text, "restricted")) return Level::kRestricted;
  return std::nullopt;
}

// Accepts "latest", "v1.N" and "1.N" with N written without leading zeros, like upstream's
// ParseVersion (plus the bare "1.N" spelling). Versions newer than this build resolve to latest.
std::optional<int> parse_version(std::string_view text) {
  if (text == "latest") return kLatestMinor;
  if (text.starts_with('v')) text.remove_prefix(1);
  if (!text.starts_with("1.")) return std::nullopt;
  text.remove_prefix(2);
  if (text.empty() || text.size() > 6 || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  int minor = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    minor = minor * 10 + (c - '0');
  }
  return std::min(minor, kLatestMinor);
}

std::string_view to_string(Level level) {
  return level == Level::kRestricted ? "restricted" : "baseline";
}

std::span<const CheckId> active_checks(const Policy& policy) {
  const Plan& plan = plan_for(policy);
  return {plan.checks.data(), plan.size};
}

void check_pod_security(const k8s::PodTemplate& pod, const Policy& policy,
                        FindingEmitter& emitter) {
  if (pod.spec == nullptr) return;
  const PodContext context = detail::make_context(pod, emitter);
  const Plan& plan = plan_for(policy);
  for (size_t i = 0; i < plan.size; ++i) plan.run[i](context);
}

}  // namespace eksguard::pss
