// The Kubernetes RBAC checks (K8S-RBAC-001…018, 020) over the compiled RBAC policy of all
// inputs. A risky permission is reported where it is granted: on a custom role (naming the rule
// and who its bindings grant it to), or, for a role Kubernetes or EKS installs (bootstrap
// `system:` roles, admin/edit/view, `eks:` roles), on each custom binding that hands it out.
// Platform roles bound by platform bindings are Kubernetes' own design and are not reported.
#pragma once

#include <string>
#include <vector>

#include "findings/finding.h"
#include "rbac/policy.h"

namespace eksguard::rbac_checks {

// Runs every K8S-RBAC check; appends findings (unsorted) to `out`.
void check_rbac(const rbac::Policy& policy, std::vector<Finding>& out);

// Group names some binding names as a subject, sorted and distinct (EKS-AE-004).
std::vector<std::string> bound_groups(const rbac::Policy& policy);

// Groups that get cluster-admin rights: bound cluster-wide to a role allowing every verb on
// every resource, and system:masters (EKS-AE-005). Sorted and distinct.
std::vector<std::string> cluster_admin_groups(const rbac::Policy& policy);

}  // namespace eksguard::rbac_checks
