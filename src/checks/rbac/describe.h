// How the K8S-RBAC checks name RBAC objects in messages and where their findings point: shared
// by the policy checks (rbac_checks.cpp) and the service account checks (service_accounts.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "findings/finding.h"
#include "rbac/policy.h"

namespace eksguard::rbac_checks {

// "ServiceAccount dev/app", "Group team", "User alice".
std::string describe_subject(const rbac::Binding& binding, const rbac::Subject& subject);
// "RoleBinding dev/x" or "ClusterRoleBinding x".
std::string describe_binding(const rbac::Binding& binding);
// "ClusterRole \"x\"" or "Role \"dev/x\"": the role a binding refers to.
std::string describe_role_ref(const rbac::Binding& binding);

// "a, b, c and 7 more": the first `shown` items, and how many were left out.
std::string shortened(const std::vector<std::string>& items, size_t shown);

// The finding subject of an RBAC object: its reference and its file.
SubjectPtr rbac_subject(const rbac::Policy& policy, std::string_view kind,
                        const std::string& namespace_, const std::string& name,
                        const rbac::Origin& origin);
SubjectPtr role_subject(const rbac::Policy& policy, const rbac::Role& role);
SubjectPtr binding_subject(const rbac::Policy& policy, const rbac::Binding& binding);

// A finding at an RBAC object's position.
Finding& emit_at(std::vector<Finding>& out, CheckId check, const SubjectPtr& subject,
                 const rbac::Origin& origin, std::string path, std::string message);

}  // namespace eksguard::rbac_checks
