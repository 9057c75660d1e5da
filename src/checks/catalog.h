// The check catalog: every check's id, title, severity, remediation and standard mappings,
// declared once in catalog.cpp. Code refers to checks by CheckId; reports read this table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "findings/severity.h"

namespace eksguard {

enum class CheckId : uint16_t {
  // Pod Security Standards, baseline (k8s.io/pod-security-admission check ids in comments).
  kPssPrivileged,              // privileged
  kPssHostNamespaces,          // hostNamespaces
  kPssHostPathVolumes,         // hostPathVolumes
  kPssHostPorts,               // hostPorts
  kPssCapabilitiesBaseline,    // capabilities_baseline
  kPssAppArmorProfile,         // appArmorProfile
  kPssSeLinuxOptions,          // seLinuxOptions
  kPssProcMount,               // procMount
  kPssSeccompProfileBaseline,  // seccompProfile_baseline
  kPssSysctls,                 // sysctls
  kPssWindowsHostProcess,      // windowsHostProcess
  kPssHostProbesAndLifecycle,  // hostProbesAndHostLifecycle
  // Pod Security Standards, restricted.
  kPssAllowPrivilegeEscalation,  // allowPrivilegeEscalation
  kPssCapabilitiesRestricted,    // capabilities_restricted
  kPssProcMountRestricted,       // procMount_restricted
  kPssRestrictedVolumes,         // restrictedVolumes
  kPssRunAsNonRoot,              // runAsNonRoot
  kPssRunAsUser,                 // runAsUser
  kPssSeccompProfileRestricted,  // seccompProfile_restricted
  // EKS pod hardening beyond PSS.
  kEksSaTokenAutomount,
  kEksDefaultServiceAccount,
  kEksWritableRootFilesystem,
  kEksRuntimeSocketMount,
  kEksSensitiveHostPath,
  kEksWritableHostPath,
  kEksHostNetworkImds,
  kEksSecretInEnvRef,
  kEksSecretLiteralInEnv,
  kEksImageNoDigest,
  kEksImageLatestTag,
  kEksImageRegistryNotAllowed,
  kEksMissingRequests,
  kEksMissingLimits,
  kEksDefaultNamespace,
  // Exceptions (suppressions) that need attention.
  kCfgExceptionExpired,
  kCfgExceptionUnused,
  kCount
};

struct Standards {
  std::string_view pss;        // upstream PSS check id
  std::string_view pss_level;  // baseline | restricted
  std::string_view cis_eks;    // CIS Amazon EKS Benchmark v1.8.0 recommendation
  std::string_view eks_bpg;    // EKS Best Practices Guide section
};

struct CheckInfo {
  CheckId check;
  std::string_view id;
  std::string_view family;  // pod-security | eks-hardening | config
  std::string_view title;
  Severity severity;
  std::string_view remediation;
  Standards standards;
};

const CheckInfo& check_info(CheckId check);
std::span<const CheckInfo> all_checks();
// Lookup by id (exact, case-insensitive); nullopt when unknown.
std::optional<CheckId> find_check(std::string_view id);

}  // namespace eksguard
