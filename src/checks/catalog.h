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
  // EKS cluster access: the aws-auth ConfigMap (EKS-CM-*) and access entries (EKS-AE-*).
  kEksAwsAuthUnparseable,       // EKS-CM-001
  kEksAwsAuthSuspiciousGroup,   // EKS-CM-002
  kEksAwsAuthSystemMasters,     // EKS-CM-003
  kEksAwsAuthRoleArnPath,       // EKS-CM-004
  kEksAwsAuthDuplicateArn,      // EKS-CM-005
  kEksAwsAuthMapAccounts,       // EKS-CM-006
  kEksAwsAuthIamUsers,          // EKS-CM-007
  kEksAwsAuthRootPrincipal,     // EKS-CM-008
  kEksAwsAuthNodeSpoofing,      // EKS-CM-009
  kEksAwsAuthStaticUsername,    // EKS-CM-010
  kEksAwsAuthCrossAccount,      // EKS-CM-011
  kEksAwsAuthIgnoredKey,        // EKS-CM-012
  kEksAccessClusterAdmin,       // EKS-AE-001
  kEksAccessBroadClusterScope,  // EKS-AE-002
  kEksAccessSecretsPolicy,      // EKS-AE-003
  kEksAccessDanglingGroup,      // EKS-AE-004
  kEksAccessPrivilegedGroup,    // EKS-AE-005
  kEksAccessWildcardNamespace,  // EKS-AE-006
  kEksAccessUnknownPolicy,      // EKS-AE-007
  kEksAccessCrossAccount,       // EKS-AE-008
  kEksAccessIamUser,            // EKS-AE-009
  kEksAccessShadowsAwsAuth,     // EKS-AE-010
  // Kubernetes RBAC over the compiled policy of all inputs (K8S-RBAC-*); 019 also reads the
  // ServiceAccounts and workloads of the inputs (the pods themselves are EKS-POD-001/002's).
  kRbacClusterAdmin,            // K8S-RBAC-001
  kRbacAnonymousGrant,          // K8S-RBAC-002
  kRbacSecretsRead,             // K8S-RBAC-003
  kRbacWildcard,                // K8S-RBAC-004
  kRbacWorkloadCreate,          // K8S-RBAC-005
  kRbacPodExec,                 // K8S-RBAC-006
  kRbacEscalation,              // K8S-RBAC-007
  kRbacImpersonation,           // K8S-RBAC-008
  kRbacNodeProxy,               // K8S-RBAC-009
  kRbacTokenCreate,             // K8S-RBAC-010
  kRbacCsrApproval,             // K8S-RBAC-011
  kRbacWebhookControl,          // K8S-RBAC-012
  kRbacAwsAuthWritable,         // K8S-RBAC-013
  kRbacPersistentVolumeCreate,  // K8S-RBAC-014
  kRbacStatusWrite,             // K8S-RBAC-015
  kRbacAggregationInjection,    // K8S-RBAC-016
  kRbacDanglingRoleRef,         // K8S-RBAC-017
  kRbacInvalidSubject,          // K8S-RBAC-018
  kRbacManyRoles,               // K8S-RBAC-020
  kRbacDefaultServiceAccount,   // K8S-RBAC-019
  // Workload identity: IRSA trust policies and annotations, EKS Pod Identity.
  kEksIrsaNoSubject,             // EKS-IRSA-001
  kEksIrsaWildcardSubject,       // EKS-IRSA-002
  kEksIrsaNegatedSubject,        // EKS-IRSA-003
  kEksIrsaNoAudience,            // EKS-IRSA-004
  kEksIrsaLiteralWildcard,       // EKS-IRSA-005
  kEksIrsaIssuerMismatch,        // EKS-IRSA-006
  kEksIrsaPrivilegedAccount,     // EKS-IRSA-007
  kEksIrsaAnnotationMismatch,    // EKS-IRSA-008
  kEksPodIdentityNoCondition,    // EKS-PI-001
  kEksPodIdentityNoTagSession,   // EKS-PI-002
  kEksPodIdentityNoSessionTags,  // EKS-PI-003
  kEksPodIdentityDualTrust,      // EKS-PI-004
  // The cluster's authentication configuration (describe-cluster or eksctl accessConfig).
  kEksAuthConfigMapOnly,        // EKS-AUTH-001
  kEksAuthMigrationUnfinished,  // EKS-AUTH-002
  kEksAuthBootstrapAdmin,       // EKS-AUTH-003
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
  std::string_view family;  // pod-security | eks-hardening | eks-identity | k8s-rbac | config
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
