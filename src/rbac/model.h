// The RBAC objects of the inputs: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings
// (rbac.authorization.k8s.io/v1), read from the document model and validated as the API server
// validates them (an object it would reject is reported with its position and left out).
// Inputs are files, directories and stdin, walked as `eksguard scan` walks them; `List`/`*List`
// kinds and `kubectl get -o json` dumps are split into their items.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/loader.h"
#include "findings/finding.h"
#include "k8s/object.h"

namespace eksguard::rbac {

// Where an object came from: an index into Inputs::files plus its 1-based position.
struct Origin {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t column = 0;
};

// One PolicyRule as written. Empty lists are kept as empty (nil and [] are equal in Kubernetes).
struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;

  bool operator==(const PolicyRule&) const = default;
};

// metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
struct LabelRequirement {
  enum class Op : uint8_t { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;
};
struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // matchLabels become `In` with one value
  bool matches(const std::vector<std::pair<std::string, std::string>>& labels) const;
};

enum class RoleKind : uint8_t { kRole, kClusterRole };
std::string_view to_string(RoleKind kind);

struct Role {
  RoleKind kind = RoleKind::kClusterRole;
  std::string namespace_;  // "" for ClusterRoles
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<PolicyRule> rules;
  // Set for aggregated ClusterRoles (aggregationRule.clusterRoleSelectors).
  std::optional<std::vector<LabelSelector>> aggregation;
  Origin origin;
  bool platform = false;  // installed and kept by Kubernetes or EKS (see is_platform_object)
};

enum class SubjectKind : uint8_t { kUser, kGroup, kServiceAccount };
std::string_view to_string(SubjectKind kind);

struct Subject {
  SubjectKind kind = SubjectKind::kUser;
  std::string name;
  std::string namespace_;  // as written; service accounts default to the binding's namespace
};

enum class BindingKind : uint8_t { kRoleBinding, kClusterRoleBinding };
std::string_view to_string(BindingKind kind);

struct Binding {
  BindingKind kind = BindingKind::kRoleBinding;
  std::string namespace_;  // "" for ClusterRoleBindings
  std::string name;
  RoleKind role_kind = RoleKind::kClusterRole;
  std::string role_name;
  std::vector<Subject> subjects;
  Origin origin;
  bool platform = false;  // installed and kept by Kubernetes or EKS (see is_platform_object)
};

// A CustomResourceDefinition's names, so queries can name custom resources as kubectl does.
struct CustomResource {
  std::string group;
  std::string plural;
  std::string singular;
  std::vector<std::string> short_names;
  bool namespaced = true;
};

// Everything read from the inputs, in input order, with the problems met on the way.
struct Inputs {
  std::vector<std::string> files;  // Origin::file indexes this
  std::vector<Role> roles;         // Roles and ClusterRoles
  std::vector<Binding> bindings;   // RoleBindings and ClusterRoleBindings
  std::vector<CustomResource> custom_resources;
  std::vector<InputError> errors;  // unreadable inputs, parse errors, invalid RBAC objects
  size_t objects = 0;              // Kubernetes objects seen, RBAC or not
};

// Objects Kubernetes or EKS install and keep: bootstrap policy (annotation
// `rbac.authorization.kubernetes.io/autoupdate: "true"` on a `system:` name or on cluster-admin,
// admin, edit, view) and EKS's own (`eks:` names, `aws-node`, label eks.amazonaws.com/component).
bool is_platform_object(const k8s::Object& object);

// Reads files, directories (recursively, *.yaml/*.yml/*.json, as `eksguard scan`) and "-".
Inputs load_inputs(const std::vector<std::string>& paths, const doc::Limits& limits = {});

// Adds the RBAC objects of one parsed document (a single object or a List) to `inputs`.
void add_document(const doc::Document& document, Inputs& inputs);

// Adds one Kubernetes object (RBAC or not; others are only counted) to `inputs`.
void add_object(const k8s::Object& object, Inputs& inputs);

// Appends `part` (read separately, e.g. one file on another thread), keeping input order.
void merge(Inputs& into, Inputs&& part);

// Adds the RBAC objects in `text`, read as the file `name` (tests, benchmarks).
void add_text(std::string_view text, std::string_view name, Inputs& inputs,
              const doc::Limits& limits = {});

}  // namespace eksguard::rbac
