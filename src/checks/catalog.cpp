#include "checks/catalog.h"

#include <array>

#include "common/strings.h"

namespace eksguard {
namespace {

using S = Severity;
constexpr std::string_view kBpgPods = "Security > Pod Security";
constexpr std::string_view kBpgIam = "Security > Identity and Access Management";
constexpr std::string_view kBpgImages = "Security > Image Security";
constexpr std::string_view kBpgSecrets = "Security > Data Encryption and Secrets Management";
constexpr std::string_view kBpgTenancy = "Security > Multi-tenancy";

// clang-format off
constexpr std::array<CheckInfo, static_cast<size_t>(CheckId::kCount)> kChecks{{
  {CheckId::kPssPrivileged, "PSS-PRIVILEGED", "pod-security",
   "Privileged container", S::kCritical,
   "Remove securityContext.privileged or set it to false; grant only the capabilities the container needs.",
   {"privileged", "baseline", "4.2.1", kBpgPods}},
  {CheckId::kPssHostNamespaces, "PSS-HOST-NAMESPACES", "pod-security",
   "Pod shares host namespaces", S::kHigh,
   "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).",
   {"hostNamespaces", "baseline", "4.2.2, 4.2.3, 4.2.4", kBpgPods}},
  {CheckId::kPssHostPathVolumes, "PSS-HOST-PATH-VOLUMES", "pod-security",
   "hostPath volume", S::kHigh,
   "Replace hostPath volumes with emptyDir, configMap, secret or persistent volumes.",
   {"hostPathVolumes", "baseline", "", kBpgPods}},
  {CheckId::kPssHostPorts, "PSS-HOST-PORTS", "pod-security",
   "Container binds a host port", S::kMedium,
   "Remove hostPort from container ports; expose the pod through a Service instead.",
   {"hostPorts", "baseline", "", kBpgPods}},
  {CheckId::kPssCapabilitiesBaseline, "PSS-CAPABILITIES-BASELINE", "pod-security",
   "Container adds capabilities beyond the baseline set", S::kHigh,
   "Remove capabilities outside the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, "
   "MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) from capabilities.add.",
   {"capabilities_baseline", "baseline", "", kBpgPods}},
  {CheckId::kPssAppArmorProfile, "PSS-APPARMOR-PROFILE", "pod-security",
   "AppArmor profile disabled or overridden", S::kMedium,
   "Use the RuntimeDefault or a Localhost AppArmor profile; never Unconfined.",
   {"appArmorProfile", "baseline", "", kBpgPods}},
  {CheckId::kPssSeLinuxOptions, "PSS-SELINUX-OPTIONS", "pod-security",
   "Custom SELinux options", S::kMedium,
   "Do not set seLinuxOptions.user or role, and use only the container_t, container_init_t, "
   "container_kvm_t or container_engine_t types.",
   {"seLinuxOptions", "baseline", "", kBpgPods}},
  {CheckId::kPssProcMount, "PSS-PROC-MOUNT", "pod-security",
   "Unmasked /proc mount", S::kMedium,
   "Remove securityContext.procMount or set it to Default.",
   {"procMount", "baseline", "", kBpgPods}},
  {CheckId::kPssSeccompProfileBaseline, "PSS-SECCOMP-PROFILE-BASELINE", "pod-security",
   "Seccomp explicitly disabled", S::kMedium,
   "Do not set the seccomp profile to Unconfined; use RuntimeDefault or Localhost.",
   {"seccompProfile_baseline", "baseline", "", kBpgPods}},
  {CheckId::kPssSysctls, "PSS-SYSCTLS", "pod-security",
   "Unsafe sysctls", S::kMedium,
   "Set only the namespaced sysctls the Pod Security Standards allow.",
   {"sysctls", "baseline", "", kBpgPods}},
  {CheckId::kPssWindowsHostProcess, "PSS-WINDOWS-HOST-PROCESS", "pod-security",
   "Windows HostProcess container", S::kCritical,
   "Remove windowsOptions.hostProcess or set it to false.",
   {"windowsHostProcess", "baseline", "", kBpgPods}},
  {CheckId::kPssHostProbesAndLifecycle, "PSS-HOST-PROBES-AND-LIFECYCLE", "pod-security",
   "Probe or lifecycle handler targets another host", S::kMedium,
   "Remove the host field from httpGet and tcpSocket probes and lifecycle handlers.",
   {"hostProbesAndHostLifecycle", "baseline", "", kBpgPods}},
  {CheckId::kPssAllowPrivilegeEscalation, "PSS-ALLOW-PRIVILEGE-ESCALATION", "pod-security",
   "Container allows privilege escalation", S::kMedium,
   "Set securityContext.allowPrivilegeEscalation=false on every container.",
   {"allowPrivilegeEscalation", "restricted", "4.2.5", kBpgPods}},
  {CheckId::kPssCapabilitiesRestricted, "PSS-CAPABILITIES-RESTRICTED", "pod-security",
   "Container does not drop all capabilities", S::kMedium,
   "Set securityContext.capabilities.drop=[\"ALL\"] and add back only NET_BIND_SERVICE if needed.",
   {"capabilities_restricted", "restricted", "", kBpgPods}},
  {CheckId::kPssProcMountRestricted, "PSS-PROC-MOUNT-RESTRICTED", "pod-security",
   "Unmasked /proc mount", S::kMedium,
   "Remove securityContext.procMount or set it to Default.",
   {"procMount_restricted", "restricted", "", kBpgPods}},
  {CheckId::kPssRestrictedVolumes, "PSS-RESTRICTED-VOLUMES", "pod-security",
   "Volume type not allowed by the restricted policy", S::kMedium,
   "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, "
   "projected and secret volumes.",
   {"restrictedVolumes", "restricted", "", kBpgPods}},
  {CheckId::kPssRunAsNonRoot, "PSS-RUN-AS-NON-ROOT", "pod-security",
   "Container may run as root", S::kMedium,
   "Set securityContext.runAsNonRoot=true on the pod or on every container.",
   {"runAsNonRoot", "restricted", "", kBpgPods}},
  {CheckId::kPssRunAsUser, "PSS-RUN-AS-USER", "pod-security",
   "Container runs as UID 0", S::kMedium,
   "Set securityContext.runAsUser to a non-zero UID, or leave it unset with runAsNonRoot=true.",
   {"runAsUser", "restricted", "", kBpgPods}},
  {CheckId::kPssSeccompProfileRestricted, "PSS-SECCOMP-PROFILE-RESTRICTED", "pod-security",
   "Seccomp profile not set", S::kMedium,
   "Set securityContext.seccompProfile.type to RuntimeDefault or Localhost on the pod or every container.",
   {"seccompProfile_restricted", "restricted", "", kBpgPods}},

  {CheckId::kEksSaTokenAutomount, "EKS-POD-001", "eks-hardening",
   "Service account token mounted automatically", S::kMedium,
   "Set automountServiceAccountToken: false on the pod (or its service account) unless the workload "
   "calls the Kubernetes API; mount a projected token explicitly where it does.",
   {"", "", "4.1.6", kBpgIam}},
  {CheckId::kEksDefaultServiceAccount, "EKS-POD-002", "eks-hardening",
   "Workload uses the default service account", S::kLow,
   "Create a dedicated service account for the workload and set serviceAccountName.",
   {"", "", "4.1.5", kBpgIam}},
  {CheckId::kEksWritableRootFilesystem, "EKS-POD-003", "eks-hardening",
   "Root filesystem is writable", S::kMedium,
   "Set securityContext.readOnlyRootFilesystem=true and mount emptyDir volumes where the container writes.",
   {"", "", "", kBpgPods}},
  {CheckId::kEksRuntimeSocketMount, "EKS-POD-004", "eks-hardening",
   "Container runtime socket mounted", S::kCritical,
   "Do not mount the containerd, CRI-O or Docker socket; whoever can reach it controls the node.",
   {"", "", "", kBpgPods}},
  {CheckId::kEksSensitiveHostPath, "EKS-POD-005", "eks-hardening",
   "Sensitive host path mounted", S::kHigh,
   "Do not mount host system paths (/, /etc, /proc, /sys, /var/lib/kubelet, /root, ...) into pods.",
   {"", "", "", kBpgPods}},
  {CheckId::kEksWritableHostPath, "EKS-POD-006", "eks-hardening",
   "hostPath volume mounted writable", S::kHigh,
   "Mount hostPath volumes with readOnly: true, or avoid hostPath altogether.",
   {"", "", "", kBpgPods}},
  {CheckId::kEksHostNetworkImds, "EKS-POD-007", "eks-hardening",
   "Host-network pod can reach the node's instance metadata credentials", S::kHigh,
   "Avoid hostNetwork; pods on the host network reach IMDS whatever the hop limit and can take the "
   "node role's credentials. Use IRSA or EKS Pod Identity for AWS access.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksSecretInEnvRef, "EKS-POD-008", "eks-hardening",
   "Secret exposed through environment variables", S::kMedium,
   "Mount secrets as files (a secret volume) or use the Secrets Store CSI driver instead of "
   "env valueFrom.secretKeyRef / envFrom.secretRef.",
   {"", "", "4.4.1", kBpgSecrets}},
  {CheckId::kEksSecretLiteralInEnv, "EKS-POD-009", "eks-hardening",
   "Credential written literally in an environment variable", S::kHigh,
   "Move the value to AWS Secrets Manager or a Kubernetes Secret mounted as a file; rotate the "
   "exposed credential.",
   {"", "", "4.4.1", kBpgSecrets}},
  {CheckId::kEksImageNoDigest, "EKS-POD-010", "eks-hardening",
   "Image not pinned by digest", S::kLow,
   "Reference images by digest (image@sha256:...) or use ECR repositories with immutable tags.",
   {"", "", "", kBpgImages}},
  {CheckId::kEksImageLatestTag, "EKS-POD-011", "eks-hardening",
   "Image uses the latest tag or no tag", S::kMedium,
   "Pin a specific version tag or, better, a digest.",
   {"", "", "", kBpgImages}},
  {CheckId::kEksImageRegistryNotAllowed, "EKS-POD-012", "eks-hardening",
   "Image from a registry outside the allowed list", S::kHigh,
   "Pull images only from approved registries (e.g. your ECR); mirror third-party images there.",
   {"", "", "5.1.4", kBpgImages}},
  {CheckId::kEksMissingRequests, "EKS-POD-013", "eks-hardening",
   "CPU or memory request not set", S::kLow,
   "Set resources.requests.cpu and resources.requests.memory on every container.",
   {"", "", "", kBpgTenancy}},
  {CheckId::kEksMissingLimits, "EKS-POD-014", "eks-hardening",
   "CPU or memory limit not set", S::kLow,
   "Set resources.limits.memory (and cpu where fairness matters) on every container.",
   {"", "", "", kBpgTenancy}},
  {CheckId::kEksDefaultNamespace, "EKS-POD-015", "eks-hardening",
   "Workload in the default namespace", S::kLow,
   "Deploy workloads into dedicated namespaces with their own RBAC, quotas and network policies.",
   {"", "", "4.5.2", kBpgTenancy}},

  {CheckId::kCfgExceptionExpired, "CFG-EXCEPTION-EXPIRED", "config",
   "Exception has expired", S::kMedium,
   "Fix the findings the exception covered, or renew it with a new expires date and a reason.",
   {"", "", "", ""}},
  {CheckId::kCfgExceptionUnused, "CFG-EXCEPTION-UNUSED", "config",
   "Exception matches no finding", S::kInfo,
   "Remove the exception, or correct its selectors so it matches what it was written for.",
   {"", "", "", ""}},

  {CheckId::kEksAwsAuthUnparseable, "EKS-CM-001", "eks-identity",
   "aws-auth section or entry ignored by the authenticator (lockout risk)", S::kCritical,
   "Fix the YAML of the aws-auth section (each of mapRoles, mapUsers and mapAccounts is a YAML "
   "string of its own, written after `|`); give every mapRoles item a rolearn and every mapUsers "
   "item a userarn, with groups as a list. Better: move the mappings to EKS access entries "
   "(eksguard aws-auth migrate).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthSuspiciousGroup, "EKS-CM-002", "eks-identity",
   "aws-auth username or group that is not what was meant", S::kHigh,
   "Write groups as a YAML list with one group per item (`- system:nodes`); a node role needs both "
   "system:bootstrappers and system:nodes.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthSystemMasters, "EKS-CM-003", "eks-identity",
   "IAM principal mapped to system:masters", S::kHigh,
   "Map administrators to a group bound to a ClusterRole (or use the AmazonEKSClusterAdminPolicy "
   "access policy, which can be removed); system:masters bypasses RBAC and cannot be revoked by it.",
   {"", "", "4.1.1", kBpgIam}},
  {CheckId::kEksAwsAuthRoleArnPath, "EKS-CM-004", "eks-identity",
   "aws-auth role ARN with a path never matches", S::kHigh,
   "Remove the path from the role ARN in aws-auth (role/team/dev/Admin becomes role/Admin), or "
   "create an access entry, which accepts the full ARN.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthDuplicateArn, "EKS-CM-005", "eks-identity",
   "Same IAM principal mapped twice in aws-auth", S::kMedium,
   "Keep one mapping per ARN; the authenticator uses only one of them (the last role mapping).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthMapAccounts, "EKS-CM-006", "eks-identity",
   "Every principal of an AWS account can authenticate (mapAccounts)", S::kHigh,
   "Remove mapAccounts and map the roles that need access one by one (or create access entries).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthIamUsers, "EKS-CM-007", "eks-identity",
   "IAM user mapped in aws-auth", S::kMedium,
   "Map IAM roles (short-term credentials) instead of IAM users (long-term access keys).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthRootPrincipal, "EKS-CM-008", "eks-identity",
   "Account root principal mapped in aws-auth", S::kHigh,
   "Do not map the account root user; map a role that administrators assume.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthNodeSpoofing, "EKS-CM-009", "eks-identity",
   "Non-node role mapped to a node identity", S::kHigh,
   "Give system:node:* usernames and the system:nodes group only to node instance roles and Fargate "
   "pod execution roles.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthStaticUsername, "EKS-CM-010", "eks-identity",
   "Role mapped to a shared username (actions not attributable)", S::kLow,
   "Put {{SessionName}} in the username of roles people assume (e.g. admin:{{SessionName}}) so audit "
   "logs name the person.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthCrossAccount, "EKS-CM-011", "eks-identity",
   "aws-auth maps a principal of another AWS account", S::kMedium,
   "Confirm the other account is trusted; prefer a role in the cluster's account that the other "
   "account assumes.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAwsAuthIgnoredKey, "EKS-CM-012", "eks-identity",
   "aws-auth key ignored by the authenticator", S::kHigh,
   "Spell the data keys exactly mapRoles, mapUsers and mapAccounts (they are case-sensitive); inside "
   "items use only rolearn, userarn, sso, username, groups and userid.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessClusterAdmin, "EKS-AE-001", "eks-identity",
   "Access entry with AmazonEKSClusterAdminPolicy", S::kHigh,
   "Associate the cluster-admin access policy only with break-glass roles; give others "
   "AmazonEKSAdminPolicy or narrower policies scoped to namespaces.",
   {"", "", "4.1.1", kBpgIam}},
  {CheckId::kEksAccessBroadClusterScope, "EKS-AE-002", "eks-identity",
   "Broad access policy at cluster scope", S::kMedium,
   "Scope Admin, Edit and AdminView access policies to the namespaces the principal works in.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessSecretsPolicy, "EKS-AE-003", "eks-identity",
   "Access policy that reads Secrets", S::kMedium,
   "Use AmazonEKSViewPolicy (no Secrets) where read access is enough.",
   {"", "", "4.1.2", kBpgIam}},
  {CheckId::kEksAccessDanglingGroup, "EKS-AE-004", "eks-identity",
   "Access entry group bound by no RBAC binding", S::kLow,
   "Bind the group with a RoleBinding or ClusterRoleBinding, or remove it from the access entry "
   "(a binding created later would silently grant it rights).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessPrivilegedGroup, "EKS-AE-005", "eks-identity",
   "Access entry grants a privileged group", S::kCritical,
   "Remove system:masters and groups bound to cluster-admin from kubernetesGroups; use a scoped access "
   "policy instead.",
   {"", "", "4.1.1", kBpgIam}},
  {CheckId::kEksAccessWildcardNamespace, "EKS-AE-006", "eks-identity",
   "Access policy scoped to wildcard or system namespaces", S::kMedium,
   "List the namespaces explicitly; wildcards also match namespaces created later, and kube-system "
   "holds cluster credentials.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessUnknownPolicy, "EKS-AE-007", "eks-identity",
   "Unknown access policy (review)", S::kMedium,
   "Review what the policy grants (aws eks list-access-policies) and add its dump to the inputs.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessCrossAccount, "EKS-AE-008", "eks-identity",
   "Access entry for a principal of another AWS account", S::kMedium,
   "Confirm the other account is trusted; prefer a role in the cluster's account.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessIamUser, "EKS-AE-009", "eks-identity",
   "Access entry for an IAM user", S::kMedium,
   "Give access to IAM roles (short-term credentials) instead of IAM users.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksAccessShadowsAwsAuth, "EKS-AE-010", "eks-identity",
   "aws-auth mapping shadowed by an access entry", S::kInfo,
   "Remove the aws-auth mapping: the access entry decides for this principal.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksIrsaNoSubject, "EKS-IRSA-001", "eks-identity",
   "IRSA trust policy lacks a `sub` condition", S::kHigh,
   "Add a StringEquals condition on `<issuer>:sub` naming the service account "
   "(system:serviceaccount:NAMESPACE:NAME); without it every pod of the cluster can assume the role.",
   {"", "", "5.2.1", kBpgIam}},
  {CheckId::kEksIrsaWildcardSubject, "EKS-IRSA-002", "eks-identity",
   "IRSA trust policy admits service accounts by wildcard", S::kHigh,
   "Replace the StringLike pattern on `<issuer>:sub` with StringEquals and the exact service "
   "accounts; a wildcard in the namespace part admits every namespace, one in the name part every "
   "service account of the namespace.",
   {"", "", "5.2.1", kBpgIam}},
  {CheckId::kEksIrsaNegatedSubject, "EKS-IRSA-003", "eks-identity",
   "IRSA subject restricted only by a negated condition", S::kHigh,
   "Replace StringNotEquals/StringNotLike on `<issuer>:sub` with a positive StringEquals naming the "
   "service accounts allowed; a deny-list admits every other service account.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksIrsaNoAudience, "EKS-IRSA-004", "eks-identity",
   "IRSA trust policy lacks the `aud` condition", S::kLow,
   "Add `<issuer>:aud` = sts.amazonaws.com under StringEquals (defence in depth).",
   {"", "", "", kBpgIam}},
  {CheckId::kEksIrsaLiteralWildcard, "EKS-IRSA-005", "eks-identity",
   "Wildcard in a StringEquals subject never matches", S::kMedium,
   "StringEquals compares literally: use StringLike for a pattern, or (better) list the exact "
   "service accounts under StringEquals.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksIrsaIssuerMismatch, "EKS-IRSA-006", "eks-identity",
   "IRSA trust names another OIDC issuer", S::kMedium,
   "Use the cluster's issuer (describe-cluster identity.oidc.issuer) both in the Federated provider "
   "ARN and in the condition keys; update trust policies after re-creating a cluster.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksIrsaPrivilegedAccount, "EKS-IRSA-007", "eks-identity",
   "IAM role for a kube-system or default service account", S::kMedium,
   "Review roles given to kube-system service accounts (inventory); give IAM roles to dedicated "
   "service accounts, never to `default`, which every pod without serviceAccountName uses.",
   {"", "", "5.2.1", kBpgIam}},
  {CheckId::kEksIrsaAnnotationMismatch, "EKS-IRSA-008", "eks-identity",
   "Service account annotation and role trust disagree", S::kMedium,
   "Make the role's trust policy name system:serviceaccount:NAMESPACE:NAME for this cluster's "
   "issuer (or fix the eks.amazonaws.com/role-arn annotation); pods otherwise fail to get "
   "credentials.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksPodIdentityNoCondition, "EKS-PI-001", "eks-identity",
   "Pod Identity trust policy without conditions", S::kMedium,
   "Add conditions on aws:RequestTag/eks-cluster-arn, aws:RequestTag/kubernetes-namespace and "
   "aws:RequestTag/kubernetes-service-account; otherwise any association in the account can use the "
   "role.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksPodIdentityNoTagSession, "EKS-PI-002", "eks-identity",
   "Pod Identity trust policy lacks sts:TagSession (association fails)", S::kMedium,
   "Allow both sts:AssumeRole and sts:TagSession to the service principal pods.eks.amazonaws.com.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksPodIdentityNoSessionTags, "EKS-PI-003", "eks-identity",
   "Pod Identity association disables session tags or chains to another account", S::kLow,
   "Keep session tags on unless a session policy needs them off: ABAC conditions on "
   "aws:PrincipalTag/kubernetes-* no longer match without them. Review cross-account target roles.",
   {"", "", "", kBpgIam}},
  {CheckId::kEksPodIdentityDualTrust, "EKS-PI-004", "eks-identity",
   "Role trusted by both IRSA and Pod Identity", S::kInfo,
   "Pick one mechanism per role, so that one trust policy tells who can use it.",
   {"", "", "", kBpgIam}},
}};
// clang-format on

constexpr bool catalog_is_ordered() {
  for (size_t i = 0; i < kChecks.size(); ++i) {
    if (static_cast<size_t>(kChecks[i].check) != i) return false;
  }
  return true;
}
static_assert(catalog_is_ordered(), "kChecks must list checks in CheckId order");

}  // namespace

const CheckInfo& check_info(CheckId check) {
  return kChecks[static_cast<size_t>(check)];
}

std::span<const CheckInfo> all_checks() {
  return kChecks;
}

std::optional<CheckId> find_check(std::string_view id) {
  for (const CheckInfo& info : kChecks) {
    if (iequals(info.id, id)) return info.check;
  }
  return std::nullopt;
}

}  // namespace eksguard
