// The scan configuration file (.eksguard.yaml):
//
//   pss: {level: restricted, version: v1.37}
//   failOn: high                     # critical|high|medium|low|info|none
//   allowedRegistries: ["123456789012.dkr.ecr.us-east-1.amazonaws.com", "public.ecr.aws/eks"]
//   systemComponents: inform         # inform (info-level findings) | enforce (full severity)
//   rbac: {rolesPerSubject: 4, subjectsPerNamespace: 5}   # K8S-RBAC-020 thresholds
//   exceptions:
//     - checks: [PSS-PRIVILEGED, EKS-POD-004]   # or "*"
//       namespaces: [monitoring]                # '*' wildcards allowed; empty = any
//       kinds: [DaemonSet]
//       names: ["node-exporter*"]
//       reason: "needs host metrics; reviewed by secops"
//       expires: 2027-06-30
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/pss/pod_security.h"
#include "common/result.h"
#include "findings/severity.h"
#include "scan/exceptions.h"

namespace eksguard::scan {

inline constexpr std::string_view kDefaultConfigFile = ".eksguard.yaml";

// The exit-code threshold: findings at or above `severity` fail the run, unless disabled ("none").
struct FailOn {
  bool enabled = true;
  Severity severity = Severity::kHigh;
  bool fails(Severity s) const { return enabled && s >= severity; }
};

struct Config {
  std::optional<pss::Level> pss_level;
  std::optional<int> pss_version;
  std::optional<FailOn> fail_on;
  std::vector<std::string> allowed_registries;
  std::optional<bool> enforce_system_components;
  std::optional<size_t> rbac_roles_per_subject;       // K8S-RBAC-020
  std::optional<size_t> rbac_subjects_per_namespace;  // K8S-RBAC-020
  std::vector<Exception> exceptions;
};

// Parses a config file; errors name the file, line and the expected shape.
Result<Config> load_config(const std::string& path);
Result<Config> parse_config(std::string_view text, const std::string& file);

// "none" or a severity.
std::optional<FailOn> parse_fail_on(std::string_view text);

}  // namespace eksguard::scan
