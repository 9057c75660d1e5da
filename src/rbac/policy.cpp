// Compiling the inputs into the indexed policy, with the ClusterRole aggregation controller's
// semantics (pkg/controller/clusterroleaggregation).
#include "rbac/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace eksguard::rbac {
namespace {

std::string role_key(RoleKind kind, std::string_view namespace_, std::string_view name) {
  std::string key;
  key.reserve(namespace_.size() + name.size() + 1);
  if (kind == RoleKind::kRole) key.append(namespace_);
  key.push_back('/');
  key.append(name);
  return key;
}

std::string subject_key(SubjectKind kind, std::string_view name, std::string_view namespace_) {
  std::string key;
  key.reserve(name.size() + namespace_.size() + 3);
  key.push_back(kind == SubjectKind::kUser ? 'U' : kind == SubjectKind::kGroup ? 'G' : 'S');
  key.push_back(':');
  if (kind == SubjectKind::kServiceAccount) {
    key.append(namespace_);
    key.push_back(':');
  }
  key.append(name);
  return key;
}

const std::vector<uint32_t> kEmpty;

}  // namespace

std::string_view Policy::subject_namespace(const Binding& binding, const Subject& subject) {
  if (subject.kind != SubjectKind::kServiceAccount) return {};
  return subject.namespace_.empty() ? std::string_view(binding.namespace_)
                                    : std::string_view(subject.namespace_);
}

Policy Policy::compile(Inputs inputs) {
  Policy policy;
  policy.inputs_ = std::move(inputs);
  policy.index_roles();
  policy.aggregate();
  policy.index_bindings();
  return policy;
}

void Policy::warn(const Origin& origin, std::string message) {
  warnings_.push_back(InputError{inputs_.files.empty() ? std::string() : inputs_.files[origin.file],
                                 origin.line, origin.column, std::move(message)});
}

void Policy::index_roles() {
  const std::vector<Role>& roles = inputs_.roles;
  aggregated_index_.assign(roles.size(), kNone);
  role_ids_.reserve(roles.size());
  for (uint32_t id = 0; id < roles.size(); ++id) {
    const Role& role = roles[id];
    auto [it, inserted] = role_ids_.emplace(role_key(role.kind, role.namespace_, role.name), id);
    if (!inserted) {
      const Role& earlier = roles[it->second];
      warn(role.origin,
           fmt::format("{} \"{}\" appears twice (also at {}:{}:{}); the later one is "
                       "used, as the API server keeps one object per name",
                       to_string(role.kind),
                       role.kind == RoleKind::kRole ? role.namespace_ + "/" + role.name : role.name,
                       inputs_.files[earlier.origin.file], earlier.origin.line,
                       earlier.origin.column));
      it->second = id;
    }
  }
}

// The controller lists the ClusterRoles matching each selector sorted by name, skips the
// aggregating role itself and appends every rule not already present. Aggregation chains
// (view → edit → admin) settle through its repeated passes; here, passes until nothing changes.
void Policy::aggregate() {
  const std::vector<Role>& roles = inputs_.roles;
  std::vector<uint32_t> cluster_roles;  // the live ones (duplicates replaced), sorted by name
  std::vector<uint32_t> aggregated;
  for (const auto& [key, id] : role_ids_) {
    if (roles[id].kind != RoleKind::kClusterRole) continue;
    cluster_roles.push_back(id);
    if (roles[id].aggregation) aggregated.push_back(id);
  }
  auto by_name = [&](uint32_t a, uint32_t b) { return roles[a].name < roles[b].name; };
  std::sort(cluster_roles.begin(), cluster_roles.end(), by_name);
  std::sort(aggregated.begin(), aggregated.end(), by_name);

  // Hostile inputs (thousands of roles aggregating each other) must not hang the run: past this
  // many label matches and rule comparisons the aggregation stops where it is, with a warning.
  constexpr size_t kWorkBudget = size_t{200} << 20;
  size_t work = 0;

  // Labels never change, so what each selector picks is listed once; only rules move in passes.
  // The lists are kept (aggregation_sources), so their total length is bounded too.
  constexpr size_t kSourceBudget = size_t{4} << 20;
  size_t listed = 0;
  std::vector<uint32_t> with_sources;  // aggregated roles whose selectors match some role
  for (uint32_t id : aggregated) {
    std::vector<AggregationSource> sources;
    const std::vector<LabelSelector>& selectors = *roles[id].aggregation;
    for (uint32_t s = 0; s < selectors.size() && work < kWorkBudget; ++s) {
      for (uint32_t other : cluster_roles) {
        work += selectors[s].requirements.size() + 1;
        if (other == id || !selectors[s].matches(roles[other].labels)) continue;
        if (++listed > kSourceBudget) work = kWorkBudget;  // stop: the warning below says so
        if (work >= kWorkBudget) break;
        sources.push_back(AggregationSource{s, other});
      }
    }
    // A partial dump (`kubectl get clusterrole admin -o yaml`) holds the materialized rules but
    // none of their sources: the written rules are then the best knowledge.
    if (sources.empty()) continue;
    with_sources.push_back(id);
    aggregated_index_[id] = static_cast<uint32_t>(aggregated_rules_.size());
    aggregated_rules_.push_back(roles[id].rules);
    aggregation_sources_.push_back(std::move(sources));
  }

  bool changed = true;
  size_t passes = 0;
  for (; changed && passes <= with_sources.size() + 1 && work < kWorkBudget; ++passes) {
    changed = false;
    for (uint32_t id : with_sources) {
      if (work >= kWorkBudget) {
        changed = true;  // unfinished
        break;
      }
      std::vector<PolicyRule> rules;
      for (const AggregationSource& source : aggregation_sources(id)) {
        for (const PolicyRule& rule : rules_of(source.role)) {
          work += rules.size() + 1;
          if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
        }
      }
      std::vector<PolicyRule>& current = aggregated_rules_[aggregated_index_[id]];
      if (rules != current) {
        current = std::move(rules);
        changed = true;
      }
    }
  }
  aggregation_settled_ = !changed;
  if (changed) {  // the budget ran out, maybe while listing sources: every aggregation is suspect
    for (uint32_t id : aggregated)
      warn(roles[id].origin,
           fmt::format("aggregated ClusterRole \"{}\" did not settle within the limits ({} passes, "
                       "{} label matches and rule comparisons); its rules are those computed so "
                       "far",
                       roles[id].name, passes, work));
  }
  for (uint32_t id : with_sources) {
    const Role& role = roles[id];
    if (!role.rules.empty() && role.rules != rules_of(id)) {
      warn(role.origin,
           fmt::format("aggregated ClusterRole \"{}\" lists {} rules, but its aggregationRule "
                       "selects {} from the ClusterRoles in the inputs; the selected rules are "
                       "used, as the aggregation controller would write them (give every "
                       "ClusterRole of the cluster when the inputs are a partial dump)",
                       role.name, role.rules.size(), rules_of(id).size()));
    }
  }
}

void Policy::index_bindings() {
  const std::vector<Binding>& bindings = inputs_.bindings;
  binding_roles_.reserve(bindings.size());
  std::unordered_map<std::string, uint32_t> seen;
  std::vector<bool> live(bindings.size(), true);
  for (uint32_t id = 0; id < bindings.size(); ++id) {
    const Binding& binding = bindings[id];
    const std::string key =
        fmt::format("{}/{}/{}", static_cast<int>(binding.kind), binding.namespace_, binding.name);
    if (auto [it, inserted] = seen.emplace(key, id); !inserted) {
      const Binding& earlier = bindings[it->second];
      warn(binding.origin,
           fmt::format(
               "{} \"{}\" appears twice (also at {}:{}:{}); the later one is used",
               to_string(binding.kind),
               binding.namespace_.empty() ? binding.name : binding.namespace_ + "/" + binding.name,
               inputs_.files[earlier.origin.file], earlier.origin.line, earlier.origin.column));
      live[it->second] = false;
      it->second = id;
    }
  }
  for (uint32_t id = 0; id < bindings.size(); ++id) {
    const Binding& binding = bindings[id];
    const uint32_t role = find_role(binding.role_kind, binding.namespace_, binding.role_name);
    binding_roles_.push_back(role);
    if (!live[id]) continue;
    if (role == kNone) {
      warn(binding.origin,
           fmt::format(
               "{} \"{}\" refers to {} \"{}\", which is not in the inputs: it grants "
               "nothing until that role exists (dangling roleRef)",
               to_string(binding.kind),
               binding.namespace_.empty() ? binding.name : binding.namespace_ + "/" + binding.name,
               to_string(binding.role_kind), binding.role_name));
    }
    if (binding.kind == BindingKind::kClusterRoleBinding) {
      cluster_bindings_.push_back(id);
    } else {
      auto& list = namespace_bindings_[binding.namespace_];
      if (list.empty()) binding_namespaces_.push_back(binding.namespace_);
      list.push_back(id);
    }
    for (const Subject& subject : binding.subjects) {
      auto& list = subject_bindings_[subject_key(subject.kind, subject.name,
                                                 subject_namespace(binding, subject))];
      if (list.empty() || list.back() != id) list.push_back(id);
    }
  }
  std::sort(binding_namespaces_.begin(), binding_namespaces_.end());
}

uint32_t Policy::find_role(RoleKind kind, std::string_view namespace_,
                           std::string_view name) const {
  const auto it = role_ids_.find(role_key(kind, namespace_, name));
  return it == role_ids_.end() ? kNone : it->second;
}

const std::vector<uint32_t>& Policy::namespace_bindings(std::string_view namespace_) const {
  const auto it = namespace_bindings_.find(std::string(namespace_));
  return it == namespace_bindings_.end() ? kEmpty : it->second;
}

const std::vector<uint32_t>& Policy::bindings_for(SubjectKind kind, std::string_view name,
                                                  std::string_view namespace_) const {
  const auto it = subject_bindings_.find(subject_key(kind, name, namespace_));
  return it == subject_bindings_.end() ? kEmpty : it->second;
}

size_t Policy::count(RoleKind kind) const {
  return static_cast<size_t>(std::count_if(inputs_.roles.begin(), inputs_.roles.end(),
                                           [&](const Role& r) { return r.kind == kind; }));
}

size_t Policy::count(BindingKind kind) const {
  return static_cast<size_t>(std::count_if(inputs_.bindings.begin(), inputs_.bindings.end(),
                                           [&](const Binding& b) { return b.kind == kind; }));
}

}  // namespace eksguard::rbac
