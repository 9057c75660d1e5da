// who-can, lookup and matrix over the compiled policy. who-can evaluates each role once per
// query (a role's verdict does not depend on the binding), then walks the bindings.
#include "rbac/queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace eksguard::rbac {
namespace {

// Collects subjects and their grants, keyed by (kind, name, namespace).
class SubjectCollector {
 public:
  void add(const Policy& policy, uint32_t binding_id, uint32_t subject_index, uint32_t role) {
    const Binding& binding = policy.bindings()[binding_id];
    const Subject& subject = binding.subjects[subject_index];
    const std::string_view namespace_ = Policy::subject_namespace(binding, subject);
    key_.clear();
    key_.push_back(static_cast<char>('0' + static_cast<int>(subject.kind)));
    key_.append(namespace_).push_back('\0');
    key_.append(subject.name);
    auto [it, inserted] = index_.try_emplace(key_, subjects_.size());
    if (inserted) {
      SubjectGrants grants;
      grants.kind = subject.kind;
      grants.name = subject.name;
      grants.namespace_ = std::string(namespace_);
      subjects_.push_back(std::move(grants));
    }
    std::vector<Via>& via = subjects_[it->second].via;
    if (via.empty() || via.back().binding != binding_id)
      via.push_back(Via{GrantSource::kRbacBinding, binding_id, role});
  }

  std::vector<SubjectGrants> take() { return std::move(subjects_); }

 private:
  std::unordered_map<std::string, size_t> index_;  // kind, namespace, name
  std::string key_;
  std::vector<SubjectGrants> subjects_;
};

bool subject_order(const SubjectGrants& a, const SubjectGrants& b) {
  return std::tie(a.kind, a.namespace_, a.name) < std::tie(b.kind, b.namespace_, b.name);
}

std::string qualified(const Binding& binding) {
  return binding.namespace_.empty() ? binding.name : binding.namespace_ + "/" + binding.name;
}

}  // namespace

std::vector<std::string> missing_inputs(const Policy& policy, bool role_bindings_matter) {
  std::vector<std::string> notes;
  if (policy.count(RoleKind::kRole) + policy.count(RoleKind::kClusterRole) == 0)
    notes.emplace_back(
        "no Roles or ClusterRoles in the inputs: bindings grant nothing without them");
  if (policy.count(BindingKind::kClusterRoleBinding) == 0)
    notes.emplace_back("no ClusterRoleBindings in the inputs");
  if (role_bindings_matter && policy.count(BindingKind::kRoleBinding) == 0)
    notes.emplace_back("no RoleBindings in the inputs");
  return notes;
}

Result<ParsedRequest> parse_request(const ResourceCatalog& catalog, std::string_view verb,
                                    std::string_view resource, std::string_view name,
                                    std::string_view namespace_) {
  ParsedRequest parsed;
  RequestAttributes& request = parsed.attributes;
  request.verb = std::string(verb);
  if (verb.empty()) return fail("empty verb");
  if (resource.starts_with('/')) {
    if (!name.empty()) return fail("a non-resource URL takes no NAME");
    request.resource_request = false;
    request.path = std::string(resource);
    return parsed;
  }
  std::string_view subresource;
  if (const size_t slash = resource.find('/'); slash != std::string_view::npos) {
    subresource = resource.substr(slash + 1);
    resource = resource.substr(0, slash);
    if (subresource.empty() || subresource.find('/') != std::string_view::npos)
      return fail(
          fmt::format("`{}/{}`: expected RESOURCE or RESOURCE/SUBRESOURCE", resource, subresource));
  }
  auto resolved = catalog.resolve(resource);
  if (!resolved) return Unexpected(resolved.error());
  request.api_group = resolved->group;
  request.resource = resolved->resource;
  request.subresource = std::string(subresource);
  request.name = std::string(name);
  if (resolved->namespaced) request.namespace_ = std::string(namespace_);
  parsed.resource = std::move(*resolved);
  return parsed;
}

WhoCanAnswer who_can(const Policy& policy, const WhoCanQuery& query) {
  WhoCanAnswer answer;
  const RequestAttributes& request = query.request.attributes;
  std::vector<int8_t> verdicts(policy.roles().size(), -1);
  auto role_allows = [&](uint32_t role) {
    if (role == kNone) return false;
    if (verdicts[role] < 0) {
      const std::vector<PolicyRule>& rules = policy.rules_of(role);
      verdicts[role] = std::any_of(rules.begin(), rules.end(), [&](const PolicyRule& rule) {
        return rule_allows(request, rule);
      });
    }
    return verdicts[role] == 1;
  };

  SubjectCollector collector;
  auto visit = [&](uint32_t id, std::vector<BindingRow>& rows) {
    const uint32_t role = policy.role_of(id);
    if (!role_allows(role)) return;
    const Binding& binding = policy.bindings()[id];
    for (uint32_t s = 0; s < binding.subjects.size(); ++s) {
      rows.push_back(BindingRow{id, s});
      collector.add(policy, id, s, role);
    }
  };
  for (uint32_t id : policy.cluster_bindings()) visit(id, answer.cluster_bindings);

  const bool namespaced = query.request.resource && query.request.resource->namespaced;
  answer.role_bindings_consulted = request.resource_request && namespaced &&
                                   (query.all_namespaces || !request.namespace_.empty());
  if (answer.role_bindings_consulted) {
    if (query.all_namespaces) {
      for (const std::string& ns : policy.binding_namespaces())
        for (uint32_t id : policy.namespace_bindings(ns)) visit(id, answer.role_bindings);
    } else {
      for (uint32_t id : policy.namespace_bindings(request.namespace_))
        visit(id, answer.role_bindings);
    }
  }

  answer.subjects = collector.take();
  std::sort(answer.subjects.begin(), answer.subjects.end(), subject_order);
  // The API server allows system:masters everything before RBAC is asked (the upstream subject
  // locator lists it first too).
  // The API server allows system:masters everything before RBAC is asked (the upstream subject
  // locator lists it first too).
  if (query.privileged_groups) {
    SubjectGrants masters;
    masters.kind = SubjectKind::kGroup;
    masters.name = std::string(kSystemMasters);
    auto existing =
        std::find_if(answer.subjects.begin(), answer.subjects.end(), [](const SubjectGrants& s) {
          return s.kind == SubjectKind::kGroup && s.name == kSystemMasters;
        });
    if (existing != answer.subjects.end()) {
      masters.via = std::move(existing->via);
      answer.subjects.erase(existing);
    }
    masters.via.insert(masters.via.begin(), Via{GrantSource::kPrivilegedGroup, kNone, kNone});
    answer.subjects.insert(answer.subjects.begin(), std::move(masters));
  }

  const std::vector<Binding>& bindings = policy.bindings();
  auto row_order = [&](const BindingRow& a, const BindingRow& b) {
    const Binding& x = bindings[a.binding];
    const Binding& y = bindings[b.binding];
    return std::tie(x.namespace_, x.name, a.binding, a.subject) <
           std::tie(y.namespace_, y.name, b.binding, b.subject);
  };
  std::sort(answer.role_bindings.begin(), answer.role_bindings.end(), row_order);
  std::sort(answer.cluster_bindings.begin(), answer.cluster_bindings.end(), row_order);
  answer.notes = missing_inputs(policy, answer.role_bindings_consulted);
  return answer;
}

namespace {

template <typename Matches>
LookupAnswer lookup_subjects(const Policy& policy, Matches&& matches) {
  LookupAnswer answer;
  SubjectCollector collector;
  auto visit = [&](uint32_t id) {
    const Binding& binding = policy.bindings()[id];
    for (uint32_t s = 0; s < binding.subjects.size(); ++s)
      if (matches(binding, binding.subjects[s])) collector.add(policy, id, s, policy.role_of(id));
  };
  for (uint32_t id : policy.cluster_bindings()) visit(id);
  for (const std::string& ns : policy.binding_namespaces())
    for (uint32_t id : policy.namespace_bindings(ns)) visit(id);
  answer.subjects = collector.take();
  std::sort(answer.subjects.begin(), answer.subjects.end(),
            [](const SubjectGrants& a, const SubjectGrants& b) {
              return std::tie(a.name, a.kind, a.namespace_) <
                     std::tie(b.name, b.kind, b.namespace_);
            });
  const std::vector<Binding>& bindings = policy.bindings();
  for (SubjectGrants& subject : answer.subjects) {
    std::stable_sort(subject.via.begin(), subject.via.end(), [&](const Via& a, const Via& b) {
      const Binding& x = bindings[a.binding];
      const Binding& y = bindings[b.binding];
      return std::make_tuple(x.kind == BindingKind::kRoleBinding, qualified(x)) <
             std::make_tuple(y.kind == BindingKind::kRoleBinding, qualified(y));
    });
  }
  answer.notes = missing_inputs(policy, true);
  return answer;
}

}  // namespace

LookupAnswer lookup(const Policy& policy, const LookupQuery& query) {
  return lookup_subjects(policy, [&](const Binding&, const Subject& subject) {
    if (query.kind && subject.kind != *query.kind) return false;
    return subject.name.find(query.text) != std::string::npos;
  });
}

LookupAnswer lookup_identity(const Policy& policy, const UserInfo& user) {
  return lookup_subjects(policy, [&](const Binding& binding, const Subject& subject) {
    switch (subject.kind) {
      case SubjectKind::kUser:
        return subject.name == user.name;
      case SubjectKind::kGroup:
        return std::find(user.groups.begin(), user.groups.end(), subject.name) != user.groups.end();
      case SubjectKind::kServiceAccount:
        return user.name == fmt::format("{}{}:{}", kServiceAccountPrefix,
                                        Policy::subject_namespace(binding, subject), subject.name);
    }
    return false;
  });
}

std::vector<MatrixRow> matrix(const Policy& policy, const ResourceCatalog& catalog,
                              const MatrixQuery& query, AuthorizerOptions options) {
  const Authorizer authorizer(policy, options);
  std::vector<MatrixRow> rows;
  for (const ApiResource& resource : catalog.resources()) {
    if (!query.namespace_.empty() && !resource.namespaced) continue;
    MatrixRow row{resource, {}};
    RequestAttributes request;
    request.api_group = resource.group;
    request.resource = resource.resource;
    request.namespace_ = resource.namespaced ? query.namespace_ : std::string();
    for (const std::string& verb : query.verbs) {
      request.verb = verb;
      row.allowed.push_back(authorizer.authorize(query.user, request).allowed);
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const MatrixRow& a, const MatrixRow& b) {
    return std::tie(a.resource.resource, a.resource.group) <
           std::tie(b.resource.resource, b.resource.group);
  });
  return rows;
}

}  // namespace eksguard::rbac
