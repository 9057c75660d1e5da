// The Kubernetes RBAC checks (K8S-RBAC-001…018, 020; 019 in service_accounts.h) over the compiled
// RBAC policy of all inputs. A risky permission is reported where it is granted: on a custom role
// (naming the rule and who its bindings grant it to), or, for a role Kubernetes or EKS installs
// (bootstrap `system:` roles, admin/edit/view, `eks:` roles), on each custom binding that hands it
// out. Platform roles bound by platform bindings are Kubernetes' own design and are not reported.
#pragma once

#include <string>
#include <vector>

#include "findings/finding.h"
#include "rbac/policy.h"

namespace eksguard::rbac_checks {

// Thresholds of the informational K8S-RBAC-020 (krane's; .eksguard.yaml `rbac:` overrides).
struct Options {
  size_t roles_per_subject = 4;       // a subject bound to this many distinct roles
  size_t subjects_per_namespace = 5;  // a namespace whose RoleBindings name this many subjects
};

// Runs the K8S-RBAC checks over the policy (all but 019, see service_accounts.h); appends
// findings (unsorted) to `out`.
void check_rbac(const rbac::Policy& policy, std::vector<Finding>& out, const Options& options = {});

// Group names some binding names as a subject, sorted and distinct (EKS-AE-004).
std::vector<std::string> bound_groups(const rbac::Policy& policy);

// Groups that get cluster-admin rights: bound cluster-wide to a role allowing every verb on
// every resource, and system:masters (EKS-AE-005). Sorted and distinct.
std::vector<std::string> cluster_admin_groups(const rbac::Policy& policy);

}  // namespace eksguard::rbac_checks
