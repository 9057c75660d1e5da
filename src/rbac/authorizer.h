// Kubernetes' RBAC authorizer (plugin/pkg/auth/authorizer/rbac) over a compiled Policy:
// ClusterRoleBindings first, then the RoleBindings of the request's namespace, the first rule
// that allows ends the search; otherwise "no opinion" (RBAC never denies). Optionally with the
// API server's privileged-group authorizer in front (system:masters is allowed everything before
// RBAC is asked), which is what a cluster does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rbac/model.h"
#include "rbac/policy.h"

namespace eksguard::rbac {

inline constexpr std::string_view kSystemMasters = "system:masters";
inline constexpr std::string_view kAuthenticated = "system:authenticated";
inline constexpr std::string_view kUnauthenticated = "system:unauthenticated";
inline constexpr std::string_view kAnonymous = "system:anonymous";
inline constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";

// The authenticated identity, as the authorizer sees it (groups already complete).
struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

// The identity the API server builds for `name` with `groups` (impersonation, or a token):
// a service account user `system:serviceaccount:NS:NAME` gets `system:serviceaccounts` and
// `system:serviceaccounts:NS`; everyone but `system:anonymous` gets `system:authenticated`
// unless the groups already hold it or `system:unauthenticated`; the anonymous user is in
// `system:unauthenticated`.
UserInfo make_user(std::string name, std::vector<std::string> groups = {});

// The service account a user name stands for, or false when it is not one.
bool parse_service_account_user(std::string_view user, std::string_view& namespace_,
                                std::string_view& name);

// authorizer.Attributes, the parts RBAC reads.
struct RequestAttributes {
  std::string verb;
  bool resource_request = true;
  // Resource requests:
  std::string namespace_;  // "" for cluster-scoped resources and cluster-wide requests
  std::string api_group;   // "" for the core group
  std::string resource;
  std::string subresource;
  std::string name;
  // Non-resource requests:
  std::string path;
};

// RBAC's PolicyRule evaluation (pkg/apis/rbac/v1/evaluation_helpers.go).
bool rule_allows(const RequestAttributes& request, const PolicyRule& rule);

// What grants a permission. RBAC bindings today; later sources (EKS access policy associations,
// aws-auth mappings) are further kinds, so results keep one shape.
enum class GrantSource : uint8_t {
  kRbacBinding,      // a RoleBinding or ClusterRoleBinding of the inputs
  kPrivilegedGroup,  // system:masters, allowed by the API server before RBAC
  kAccessPolicy,     // an EKS access policy association, authorized by EKS after RBAC
};
std::string_view to_string(GrantSource source);

struct Grant {
  GrantSource source = GrantSource::kRbacBinding;
  uint32_t binding = kNone;  // Policy::bindings() index
  uint32_t role = kNone;     // Policy::roles() index
  uint32_t rule = kNone;     // index in Policy::rules_of(role)
  uint32_t subject = kNone;  // index in the binding's subjects
};

struct Decision {
  bool allowed = false;
  // Kubernetes' reason: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group
  // "z"`; on no opinion, the errors met (roles not found), or "" when there are none.
  std::string reason;
  Grant grant;                      // valid when allowed
  std::vector<std::string> errors;  // roles that bindings of this user refer to but are missing
  // What the answer rests on besides RBAC: how an IAM principal was resolved to the user, access
  // policies that could not be evaluated.
  std::vector<std::string> notes;
};

struct AuthorizerOptions {
  // Put the API server's privileged-group authorizer (system:masters) in front of RBAC. Off for
  // a comparison with RBAC alone.
  bool privileged_groups = true;
};

class Authorizer {
 public:
  explicit Authorizer(const Policy& policy, AuthorizerOptions options = {})
      : policy_(policy), options_(options) {}

  Decision authorize(const UserInfo& user, const RequestAttributes& request) const;

  // The subject of `binding` that `user` is (the first that applies), or kNone.
  uint32_t applies_to(const UserInfo& user, uint32_t binding) const;

 private:
  // The bindings that name the user, one of its groups or its service account: CRBs first,
  // each kind in input order, as the upstream visitor walks them.
  std::vector<uint32_t> candidate_bindings(const UserInfo& user) const;

  const Policy& policy_;
  AuthorizerOptions options_;
};

// The upstream describer texts: `ClusterRoleBinding "name" of ClusterRole "role" to Group "g"`,
// `RoleBinding "name/ns" of Role "role" to ServiceAccount "sa/ns"`.
std::string describe_grant(const Policy& policy, const Grant& grant);

}  // namespace eksguard::rbac
