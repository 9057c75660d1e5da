// The compiled RBAC policy of a cluster: the objects of the inputs, indexed once and immutable
// afterwards. Aggregated ClusterRoles get their rules as the aggregation controller computes
// them; bindings are resolved to their roles and indexed by subject, by namespace and by role.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rbac/model.h"

namespace eksguard::rbac {

inline constexpr uint32_t kNone = UINT32_MAX;

// A ClusterRole an aggregationRule picks, and which of its clusterRoleSelectors picked it.
struct AggregationSource {
  uint32_t selector = 0;
  uint32_t role = 0;
};

class Policy {
 public:
  // Takes the inputs over; warnings (duplicates, dangling roleRefs, aggregation drift) are
  // collected in warnings().
  static Policy compile(Inputs inputs);

  const std::vector<Role>& roles() const { return inputs_.roles; }
  const std::vector<Binding>& bindings() const { return inputs_.bindings; }
  const std::vector<std::string>& files() const { return inputs_.files; }
  const Inputs& inputs() const { return inputs_; }

  // The rules a role grants: its own, or for an aggregated ClusterRole the aggregated ones.
  const std::vector<PolicyRule>& rules_of(uint32_t role) const {
    const uint32_t aggregated = aggregated_index_[role];
    return aggregated == kNone ? inputs_.roles[role].rules : aggregated_rules_[aggregated];
  }
  // What an aggregated ClusterRole's selectors pick, as the controller lists it: selector by
  // selector, live ClusterRoles by name, itself skipped (a role two selectors pick is listed
  // twice). Empty for other roles and for aggregations that pick nothing in the inputs.
  std::span<const AggregationSource> aggregation_sources(uint32_t role) const {
    const uint32_t aggregated = aggregated_index_[role];
    return aggregated == kNone ? std::span<const AggregationSource>{}
                               : aggregation_sources_[aggregated];
  }
  // False when the aggregation stopped at its work limit (see warnings()): aggregated rules and
  // aggregation_sources are then partial.
  bool aggregation_settled() const { return aggregation_settled_; }
  // The role a binding refers to, or kNone when it is not in the inputs (dangling roleRef).
  uint32_t role_of(uint32_t binding) const { return binding_roles_[binding]; }
  // The ClusterRole called `name` or the Role `namespace_/name`; kNone when absent.
  uint32_t find_role(RoleKind kind, std::string_view namespace_, std::string_view name) const;

  // ClusterRoleBindings, in input order.
  const std::vector<uint32_t>& cluster_bindings() const { return cluster_bindings_; }
  // RoleBindings of one namespace, in input order.
  const std::vector<uint32_t>& namespace_bindings(std::string_view namespace_) const;
  // Namespaces that hold RoleBindings, sorted.
  const std::vector<std::string>& binding_namespaces() const { return binding_namespaces_; }
  // Bindings naming a subject, ascending. `namespace_` only matters for service accounts (the
  // service account's namespace, already defaulted to the binding's).
  const std::vector<uint32_t>& bindings_for(SubjectKind kind, std::string_view name,
                                            std::string_view namespace_ = {}) const;
  // The namespace a subject of a binding lives in: a service account's own namespace, defaulted
  // to the binding's; "" for users and groups.
  static std::string_view subject_namespace(const Binding& binding, const Subject& subject);

  size_t count(RoleKind kind) const;
  size_t count(BindingKind kind) const;
  const std::vector<InputError>& warnings() const { return warnings_; }

 private:
  void index_roles();
  void aggregate();
  void index_bindings();
  void warn(const Origin& origin, std::string message);

  Inputs inputs_;
  // Aggregated ClusterRoles get their computed rules here; other roles use their own.
  std::vector<uint32_t> aggregated_index_;
  std::vector<std::vector<PolicyRule>> aggregated_rules_;
  std::vector<std::vector<AggregationSource>> aggregation_sources_;  // by aggregated index
  bool aggregation_settled_ = true;
  std::unordered_map<std::string, uint32_t> role_ids_;  // "ns/name", "/name" for ClusterRoles
  std::vector<uint32_t> binding_roles_;
  std::vector<uint32_t> cluster_bindings_;
  std::unordered_map<std::string, std::vector<uint32_t>> namespace_bindings_;
  std::vector<std::string> binding_namespaces_;
  std::unordered_map<std::string, std::vector<uint32_t>> subject_bindings_;
  std::vector<InputError> warnings_;
};

}  // namespace eksguard::rbac
