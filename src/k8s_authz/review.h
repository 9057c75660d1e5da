// SubjectAccessReview and AdmissionReview bodies → Cedar requests and entities.
//
// Authorization (`authorization.k8s.io/v1` or `v1beta1` SubjectAccessReview):
//   principal  k8s::User | k8s::ServiceAccount (`system:serviceaccount:NS:NAME`) |
//              k8s::Node (`system:node:NAME`), id = the user's uid or else the username, attrs
//              `name`, `namespace` (service accounts), `extra` (Set<{key, values}>, keys
//              lower-cased); its parents are `k8s::Group::"<group>"` entities `{name}`.
//   action     k8s::Action::"<verb>".
//   resource   k8s::Resource::"<URL path>" {apiGroup, resource, name?, namespace?,
//              subresource?, labelSelector?: Set<{key, operator, values}>,
//              fieldSelector?: Set<{field, operator, value}>}; k8s::NonResourceURL::"<path>"
//              {path}; for `impersonate` on authentication.k8s.io users/groups/serviceaccounts/
//              uids/userextras the impersonated k8s::User/Node/Group/ServiceAccount/
//              PrincipalUID/Extra.
//   Selectors: requirements (In/NotIn/Exists/DoesNotExist) or, when the API server sent none,
//   the rawSelector text. Label operators are Kubernetes' selection operators (`in`, `notin`,
//   `exists`, `!`, `gt`, `lt`); a requirement that means equality (`=`, `==`, or In with one
//   value) is listed under each of `=`, `==` and `in`, and a single-value inequality under
//   `!=` and `notin`, so a policy matches however the client wrote it. Field requirements:
//   In/`=`/`==` with one value → `=` and `==`, NotIn/`!=` → one `!=` per value, In with
//   several values → one `in` per value, Exists → `exists`, DoesNotExist → `!` (value "").
//
// Admission (`admission.k8s.io/v1` or `v1beta1` AdmissionReview):
//   principal  as above, from request.userInfo.
//   action     k8s::admission::Action::"create|update|delete|connect", a member of
//              k8s::admission::Action::"all" (the group works, unlike the prototype's).
//   resource   `<group>::<version>::<Kind>` from request.kind, where the API group is spelled
//              as the schema's namespaces are: "" → `core`, `*.k8s.io` → its first label
//              (`rbac.authorization.k8s.io` → `rbac`, `networking.k8s.io` → `networking`),
//              any other dotted group reversed (`cedar.k8s.aws` → `aws::k8s::cedar`),
//              characters outside [A-Za-z0-9_] as `_`. Its id is the URL path; its attributes
//              are the object converted as the schema types it (object_value.h), the old
//              object on DELETE; on UPDATE attribute `oldObject` refers to a second entity of the
//              same type (id: the request uid) holding request.oldObject. Both carry their labels
//              as entity tags. For CONNECT the object is the options kind
//              (core::v1::PodExecOptions, ...).
//
// Any problem with the body itself (not JSON, wrong apiVersion/kind, a missing or mistyped
// field, too large or too deep) is a BadRequest naming the JSON path and what was expected.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/entities.h"
#include "cedar/request.h"
#include "common/result.h"
#include "k8s_authz/object_value.h"

namespace eksguard::k8s_authz {

struct DecodeLimits {
  size_t max_body_bytes = size_t{7} << 19;  // 3.5 MiB: two objects at etcd's 1.5 MiB limit
  uint32_t max_depth = 96;                  // JSON nesting of the whole body
  size_t max_list_items = 10'000;           // groups, extra values, selector requirements
  ObjectLimits object;
};

struct BadRequest {
  int http_status = 400;  // 400, or 413 for a body over the size limit
  std::string message;
};

// Who made the request (views into the Review's entity store).
struct Identity {
  std::string_view username;
  std::vector<std::string_view> groups;
};

struct Review {
  std::string api_version;  // as received; the response uses the same
  std::string uid;          // AdmissionReview request.uid ("" for a SubjectAccessReview)
  Identity identity;
  std::string summary;  // e.g. `alice list configmaps (namespace default)`, for logs
  std::optional<cedar::Request> request;
  cedar::Entities entities;
};

Result<Review, BadRequest> decode_access_review(std::string_view body,
                                                const DecodeLimits& limits = {});
// `plan` (compiled from the schema in force) decides how the objects convert.
Result<Review, BadRequest> decode_admission_review(std::string_view body,
                                                   const ConversionPlan& plan,
                                                   const DecodeLimits& limits = {});

// The Cedar namespace for an API group ("" → "core", "rbac.authorization.k8s.io" → "rbac",
// "cedar.k8s.aws" → "aws::k8s::cedar", "cert-manager.io" → "io::cert_manager").
std::string cedar_namespace_for_group(std::string_view group);

// The entity type of an object kind, `<group namespace>::<version>::<Kind>`
// ("apps", "v1", "Deployment" → "apps::v1::Deployment"). Every path component is made a Cedar
// identifier: characters outside [A-Za-z0-9_] become `_`, and a component that is empty, starts
// with a digit, is a reserved word (`in`, `is`, `if`, ...) or starts with `__cedar` gets a
// leading `_`. The admission webhook and `eksguard cedar schema crd` both name kinds by this.
std::string cedar_entity_type_for_kind(std::string_view group, std::string_view version,
                                       std::string_view kind);

// One label or field selector requirement as the webhook maps it.
struct SelectorRequirement {
  std::string key;
  std::string op;  // Kubernetes selection operator: "=", "==", "!=", "in", "notin", "exists",
                   // "!", "gt", "lt"
  std::vector<std::string> values;
};
// Parses a label or field selector string (`a=b,c!=d,e in (x,y),!f,g`); an error names the
// offending position.
Result<std::vector<SelectorRequirement>> parse_selector(std::string_view text);

}  // namespace eksguard::k8s_authz
