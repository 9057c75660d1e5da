// The questions `eksguard rbac` answers over a compiled Policy:
//   who_can  — every subject allowed a request, and through which grants (kubectl-who-can, and
//              the upstream subject locator: system:masters first);
//   lookup   — every role bound to the subjects whose name contains a text (rbac-lookup);
//   matrix   — what one identity may do to each resource, verb by verb (rakkess);
// plus building RequestAttributes from what a user types (can-i uses the Authorizer directly).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rbac/authorizer.h"
#include "rbac/policy.h"
#include "rbac/resources.h"

namespace eksguard::rbac {

// One way a subject holds a permission (or, for lookup, a role).
struct Via {
  GrantSource source = GrantSource::kRbacBinding;
  uint32_t binding = kNone;  // Policy::bindings() index, for kRbacBinding
  uint32_t role = kNone;     // Policy::roles() index; kNone for a dangling roleRef (lookup)
};

// A subject and its grants. Later sources of identity (aws-auth, access entries) fill `iam`.
struct SubjectGrants {
  SubjectKind kind = SubjectKind::kUser;
  std::string name;
  std::string namespace_;  // service accounts only
  std::vector<Via> via;
  std::vector<std::string> iam;  // IAM principal ARNs behind the subject
};

// A row of a binding table: a binding and the index of one of its subjects.
struct BindingRow {
  uint32_t binding = kNone;
  uint32_t subject = kNone;
};

// Turns `VERB RESOURCE[/SUBRESOURCE] [NAME]` (or `VERB /non/resource/url`) into attributes.
// `namespace_` is dropped for cluster-scoped resources, as the API server's request carries none.
struct ParsedRequest {
  RequestAttributes attributes;
  std::optional<ApiResource> resource;  // for resource requests
};
Result<ParsedRequest> parse_request(const ResourceCatalog& catalog, std::string_view verb,
                                    std::string_view resource, std::string_view name,
                                    std::string_view namespace_);

struct WhoCanQuery {
  ParsedRequest request;  // its namespace: the one RoleBindings are read from ("" = none)
  bool all_namespaces = false;
  bool privileged_groups = true;  // list system:masters, as the API server allows it everything
};

struct WhoCanAnswer {
  std::vector<SubjectGrants> subjects;       // system:masters first, then by kind, namespace, name
  std::vector<BindingRow> role_bindings;     // sorted by namespace, binding name
  std::vector<BindingRow> cluster_bindings;  // sorted by binding name
  bool role_bindings_consulted = false;  // false for cluster-scoped resources and non-resource URLs
  std::vector<std::string> notes;        // inputs the answer is missing
};

WhoCanAnswer who_can(const Policy& policy, const WhoCanQuery& query);

struct LookupQuery {
  std::string text;                 // subject name substring; "" for every subject
  std::optional<SubjectKind> kind;  // only this kind
};

struct LookupAnswer {
  std::vector<SubjectGrants> subjects;  // by name, kind, namespace; via in binding order
  std::vector<std::string> notes;
};

LookupAnswer lookup(const Policy& policy, const LookupQuery& query);

// The roles bound to one authenticated identity: subjects naming its user, one of its groups or
// its service account (an IAM principal resolved through aws-auth or an access entry).
LookupAnswer lookup_identity(const Policy& policy, const UserInfo& user);

struct MatrixQuery {
  UserInfo user;
  std::string namespace_;  // "" for cluster-wide (every resource), else namespaced ones only
  std::vector<std::string> verbs = {"list", "create", "update", "delete"};
};

struct MatrixRow {
  ApiResource resource;
  std::vector<bool> allowed;  // per verb
};

std::vector<MatrixRow> matrix(const Policy& policy, const ResourceCatalog& catalog,
                              const MatrixQuery& query, AuthorizerOptions options = {});

// "no RoleBindings in the inputs" and the like, for whatever kinds of RBAC object are absent;
// empty when every kind is present.
std::vector<std::string> missing_inputs(const Policy& policy, bool role_bindings_matter);

}  // namespace eksguard::rbac
