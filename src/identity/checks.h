// The cluster-access checks: the aws-auth ConfigMap (EKS-CM-001…012, lockout risks first),
// EKS access entries with their access policies (EKS-AE-001…010) and the cluster's
// authentication configuration from describe-cluster or an eksctl ClusterConfig
// (EKS-AUTH-001…003). They read the immutable
// IdentityInputs and report Findings at the file, line and column of the offending entry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "identity/inputs.h"

namespace eksguard::identity {

struct IdentityCheckOptions {
  // The cluster's AWS account; "" takes it from describe-cluster's ARN (cross-account checks
  // are skipped when neither is known).
  std::string cluster_account;
  // Group names that some RoleBinding or ClusterRoleBinding subject names (from the RBAC
  // engine). nullopt when no RBAC objects were in the inputs: EKS-AE-004 is then skipped.
  std::optional<std::vector<std::string>> bound_groups;
  // Groups bound to cluster-admin or an equivalent ClusterRole (EKS-AE-005).
  std::vector<std::string> cluster_admin_groups;
  // The IAM principal that created the cluster (from the user or CloudTrail), "" when unknown:
  // EKS-AUTH-003 then looks at its access entry instead of guessing from the bootstrap flag.
  std::string cluster_creator;
};

// Runs every EKS-CM, EKS-AE and EKS-AUTH check; appends findings (unsorted) to `out`.
void check_identity(const IdentityInputs& inputs, const IdentityCheckOptions& options,
                    std::vector<Finding>& out);

// The subjects findings are about: the aws-auth ConfigMap, or an access entry
// (kind "AccessEntry", name = principal ARN).
k8s::ObjectRef access_entry_ref(const AccessEntry& entry);
// The cluster (kind "Cluster" from describe-cluster, or the eksctl ClusterConfig).
k8s::ObjectRef cluster_ref(const ClusterAccess& cluster);

}  // namespace eksguard::identity
