// Rule matching, subject matching and the binding walk of Kubernetes' RBAC authorizer.
#include "rbac/authorizer.h"

#include <fmt/format.h>

#include <algorithm>

namespace eksguard::rbac {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool verb_matches(const PolicyRule& rule, std::string_view verb) {
  return std::any_of(rule.verbs.begin(), rule.verbs.end(),
                     [&](const std::string& v) { return v == "*" || v == verb; });
}

bool api_group_matches(const PolicyRule& rule, std::string_view group) {
  return std::any_of(rule.api_groups.begin(), rule.api_groups.end(),
                     [&](const std::string& g) { return g == "*" || g == group; });
}

// `*` matches everything, subresources included; `resource/sub` only exactly; `*/sub` any
// resource's subresource `sub` (and nothing without a subresource).
bool resource_matches(const PolicyRule& rule, std::string_view resource,
                      std::string_view subresource) {
  for (const std::string& r : rule.resources) {
    if (r == "*") return true;
    if (subresource.empty()) {
      if (r == resource) return true;
      continue;
    }
    if (r.size() == resource.size() + 1 + subresource.size() && r.starts_with(resource) &&
        r[resource.size()] == '/' && r.ends_with(subresource)) {
      return true;
    }
    if (r.size() == subresource.size() + 2 && r.starts_with("*/") && r.ends_with(subresource))
      return true;
  }
  return false;
}

bool resource_name_matches(const PolicyRule& rule, std::string_view name) {
  return rule.resource_names.empty() || contains(rule.resource_names, name);
}

// `*`, an exact path, or a prefix ending in `*` (`/apis/*` matches `/apis/v1`, not `/apis`).
bool non_resource_url_matches(const PolicyRule& rule, std::string_view path) {
  for (const std::string& url : rule.non_resource_urls) {
    if (url == "*" || url == path) return true;
    if (url.ends_with('*')) {
      std::string_view prefix = url;
      while (!prefix.empty() && prefix.back() == '*') prefix.remove_suffix(1);
      if (path.starts_with(prefix)) return true;
    }
  }
  return false;
}

// Go's %q for the texts Kubernetes quotes.
std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string not_found(RoleKind kind, std::string_view name) {
  return fmt::format("{}.rbac.authorization.k8s.io {} not found",
                     kind == RoleKind::kRole ? "role" : "clusterrole", go_quote(name));
}

}  // namespace

bool parse_service_account_user(std::string_view user, std::string_view& namespace_,
                                std::string_view& name) {
  if (!user.starts_with(kServiceAccountPrefix)) return false;
  user.remove_prefix(kServiceAccountPrefix.size());
  const size_t colon = user.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == user.size()) return false;
  namespace_ = user.substr(0, colon);
  name = user.substr(colon + 1);
  return true;
}

UserInfo make_user(std::string name, std::vector<std::string> groups) {
  UserInfo user{std::move(name), std::move(groups)};
  auto add = [&](std::string group) {
    if (!contains(user.groups, group)) user.groups.push_back(std::move(group));
  };
  std::string_view sa_namespace;
  std::string_view sa_name;
  if (parse_service_account_user(user.name, sa_namespace, sa_name)) {
    add("system:serviceaccounts");
    add("system:serviceaccounts:" + std::string(sa_namespace));
  }
  if (user.name == kAnonymous) {
    add(std::string(kUnauthenticated));
  } else if (!contains(user.groups, kAuthenticated) && !contains(user.groups, kUnauthenticated)) {
    add(std::string(kAuthenticated));
  }
  return user;
}

bool rule_allows(const RequestAttributes& request, const PolicyRule& rule) {
  if (!request.resource_request)
    return verb_matches(rule, request.verb) && non_resource_url_matches(rule, request.path);
  return verb_matches(rule, request.verb) && api_group_matches(rule, request.api_group) &&
         resource_matches(rule, request.resource, request.subresource) &&
         resource_name_matches(rule, request.name);
}

std::string_view to_string(GrantSource source) {
  switch (source) {
    case GrantSource::kRbacBinding:
      return "rbac";
    case GrantSource::kPrivilegedGroup:
      return "privileged-group";
    case GrantSource::kAccessPolicy:
      return "access-policy";
  }
  return "rbac";
}

uint32_t Authorizer::applies_to(const UserInfo& user, uint32_t binding_id) const {
  const Binding& binding = policy_.bindings()[binding_id];
  for (uint32_t i = 0; i < binding.subjects.size(); ++i) {
    const Subject& subject = binding.subjects[i];
    switch (subject.kind) {
      case SubjectKind::kUser:
        if (user.name == subject.name) return i;
        break;
      case SubjectKind::kGroup:
        if (contains(user.groups, subject.name)) return i;
        break;
      case SubjectKind::kServiceAccount: {
        const std::string_view sa_namespace = Policy::subject_namespace(binding, subject);
        std::string_view user_namespace;
        std::string_view user_sa;
        if (!sa_namespace.empty() &&
            parse_service_account_user(user.name, user_namespace, user_sa) &&
            user_namespace == sa_namespace && user_sa == subject.name) {
          return i;
        }
        break;
      }
    }
  }
  return kNone;
}

std::vector<uint32_t> Authorizer::candidate_bindings(const UserInfo& user) const {
  std::vector<uint32_t> ids;
  auto add = [&](const std::vector<uint32_t>& list) {
    ids.insert(ids.end(), list.begin(), list.end());
  };
  add(policy_.bindings_for(SubjectKind::kUser, user.name));
  for (const std::string& group : user.groups)
    add(policy_.bindings_for(SubjectKind::kGroup, group));
  std::string_view sa_namespace;
  std::string_view sa_name;
  if (parse_service_account_user(user.name, sa_namespace, sa_name))
    add(policy_.bindings_for(SubjectKind::kServiceAccount, sa_name, sa_namespace));
  const std::vector<Binding>& bindings = policy_.bindings();
  std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
    const bool a_cluster = bindings[a].kind == BindingKind::kClusterRoleBinding;
    const bool b_cluster = bindings[b].kind == BindingKind::kClusterRoleBinding;
    if (a_cluster != b_cluster) return a_cluster;
    return a < b;
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Decision Authorizer::authorize(const UserInfo& user, const RequestAttributes& request) const {
  Decision decision;
  if (options_.privileged_groups && contains(user.groups, kSystemMasters)) {
    decision.allowed = true;
    decision.grant.source = GrantSource::kPrivilegedGroup;
    decision.reason =
        "allowed by the privileged group system:masters (the API server allows it before RBAC)";
    return decision;
  }
  const std::vector<Binding>& bindings = policy_.bindings();
  for (const uint32_t id : candidate_bindings(user)) {
    const Binding& binding = bindings[id];
    // A RoleBinding counts only for requests in its namespace; cluster-wide requests and
    // non-resource URLs carry no namespace.
    if (binding.kind == BindingKind::kRoleBinding &&
        (request.namespace_.empty() || binding.namespace_ != request.namespace_)) {
      continue;
    }
    const uint32_t subject = applies_to(user, id);
    if (subject == kNone) continue;
    const uint32_t role = policy_.role_of(id);
    if (role == kNone) {
      decision.errors.push_back(not_found(binding.role_kind, binding.role_name));
      continue;
    }
    const std::vector<PolicyRule>& rules = policy_.rules_of(role);
    for (uint32_t rule = 0; rule < rules.size(); ++rule) {
      if (!rule_allows(request, rules[rule])) continue;
      decision.allowed = true;
      decision.grant = Grant{GrantSource::kRbacBinding, id, role, rule, subject};
      decision.reason = "RBAC: allowed by " + describe_grant(policy_, decision.grant);
      return decision;
    }
  }
  if (decision.errors.size() == 1) {
    decision.reason = "RBAC: " + decision.errors.front();
  } else if (!decision.errors.empty()) {
    decision.reason = "RBAC: [";
    for (size_t i = 0; i < decision.errors.size(); ++i)
      decision.reason += (i ? ", " : "") + decision.errors[i];
    decision.reason += "]";
  }
  return decision;
}

std::string describe_grant(const Policy& policy, const Grant& grant) {
  if (grant.source == GrantSource::kPrivilegedGroup) return "Group \"system:masters\"";
  if (grant.source == GrantSource::kAccessPolicy) return "an EKS access policy association";
  const Binding& binding = policy.bindings()[grant.binding];
  const Subject& subject = binding.subjects[grant.subject];
  std::string who;
  if (subject.kind == SubjectKind::kServiceAccount) {
    who = fmt::format(
        "ServiceAccount {}",
        go_quote(subject.name + "/" + std::string(Policy::subject_namespace(binding, subject))));
  } else {
    who = fmt::format("{} {}", to_string(subject.kind), go_quote(subject.name));
  }
  const std::string name = binding.kind == BindingKind::kRoleBinding
                               ? binding.name + "/" + binding.namespace_
                               : binding.name;
  return fmt::format("{} {} of {} {} to {}", to_string(binding.kind), go_quote(name),
                     to_string(binding.role_kind), go_quote(binding.role_name), who);
}

}  // namespace eksguard::rbac
