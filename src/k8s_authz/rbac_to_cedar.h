// RBAC → Cedar: Roles, ClusterRoles and their bindings as Cedar policies over eksguard's published
// k8s schema (k8s.cedarschema), written so that, for the requests the webhook maps
// (review.h), the policies permit exactly what the Kubernetes RBAC authorizer allows.
//
// One `permit` per (binding, rule), annotated like the AWS prototype's converter:
// @clusterRoleBinding/@roleBinding, @clusterRole/@role, @policyRule("NN") and, for RoleBindings,
// @namespace. Aggregated ClusterRoles contribute their aggregated rules (Policy::rules_of).
// Semantics kept (pkg/apis/rbac/v1/evaluation_helpers.go), where the prototype differs:
//   - `*` in resources matches subresources too;
//   - `*/sub` matches subresource `sub` of any resource; `res/*` is only the literal subresource
//     `*` (RBAC has no `res/*` wildcard);
//   - resourceNames never match a request without a name;
//   - a nonResourceURL ending in `*` is a prefix: `like "<escaped prefix>*"`;
//   - impersonate rules become k8s::User/Node/Group/ServiceAccount/PrincipalUID/Extra
//     conditions, as the webhook maps impersonation requests;
//   - user subjects named `system:serviceaccount:NS:NAME` / `system:node:NAME` match the
//     ServiceAccount / Node principals the webhook builds for them.
// Not converted (reported as notes): bindings whose role is missing, rules or verbs that have no
// action in the schema for the entity they would apply to (e.g. `list` on a non-resource URL),
// RoleBinding grants that can never apply (non-resource URLs; impersonating users, groups, uids
// or extras, which carry no namespace), subjects no request can match.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "rbac/policy.h"

namespace eksguard::k8s_authz {

// Something of the inputs that was left out of the conversion, and why.
struct ConversionNote {
  std::string code;  // stable: rbac-to-cedar.dangling-role-ref, .verb-not-in-schema, ...
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

struct Conversion {
  std::string cedar;  // the policy set, formatted; "" when nothing was converted
  size_t policies = 0;
  std::vector<ConversionNote> notes;
};

// Converts every binding of `policy`, in input order.
Result<Conversion> rbac_to_cedar(const rbac::Policy& policy);

}  // namespace eksguard::k8s_authz
