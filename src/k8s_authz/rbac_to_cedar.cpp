// RBAC → Cedar conversion (see rbac_to_cedar.h): builds each policy's text from the rule and the
// binding's subjects, then formats the whole set with the Cedar formatter (which also proves it
// parses).
#include "k8s_authz/rbac_to_cedar.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "cedar/format/formatter.h"
#include "rbac/authorizer.h"

namespace eksguard::k8s_authz {
namespace {

using rbac::Binding;
using rbac::BindingKind;
using rbac::PolicyRule;

constexpr std::string_view kNodePrefix = "system:node:";
constexpr std::string_view kImpersonationGroup = "authentication.k8s.io";

// The schema's actions for each kind of resource entity (k8s.cedarschema; a test checks them
// against the schema).
constexpr std::array<std::string_view, 14> kResourceVerbs = {
    "get",     "list",   "watch", "create",   "update", "patch", "delete", "deletecollection",
    "approve", "attest", "bind",  "escalate", "sign",   "use"};
constexpr std::array<std::string_view, 7> kNonResourceVerbs = {"get", "head",  "options", "post",
                                                               "put", "patch", "delete"};
constexpr std::string_view kImpersonateVerb = "impersonate";

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

template <typename List>
bool has_view(const List& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A Cedar string literal.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\u{{{:x}}}", byte);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// A `like` pattern matching every string that starts with `prefix`.
std::string prefix_pattern(std::string_view prefix) {
  std::string literal = quote(prefix);
  literal.pop_back();  // closing quote
  std::string out;
  for (const char c : literal) {
    if (c == '*') out += '\\';
    out += c;
  }
  return out + "*\"";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string any_of(const std::vector<std::string>& parts) {
  if (parts.size() == 1) return parts.front();
  return "(" + join(parts, " || ") + ")";
}

// `expr == "a"` or `["a", "b"].contains(expr)`.
std::string one_of(std::string_view expr, const std::vector<std::string>& values) {
  if (values.size() == 1) return fmt::format("{} == {}", expr, quote(values.front()));
  std::vector<std::string> quoted;
  for (const std::string& value : values) quoted.push_back(quote(value));
  return fmt::format("[{}].contains({})", join(quoted, ", "), expr);
}

void add_unique(std::vector<std::string>& list, std::string_view item) {
  if (!has(list, item)) list.emplace_back(item);
}

// An optional attribute among `values`; "" among them also admits the attribute's absence
// (the webhook leaves empty names out, RBAC compares them as "").
std::string optional_one_of(std::string_view object, std::string_view attribute,
                            const std::vector<std::string>& values) {
  std::vector<std::string> present;
  for (const std::string& value : values)
    if (!value.empty()) add_unique(present, value);
  const std::string absent = fmt::format("!({} has {})", object, attribute);
  if (present.empty()) return absent;
  std::string test = fmt::format("{} has {} && {}", object, attribute,
                                 one_of(fmt::format("{}.{}", object, attribute), present));
  if (present.size() == values.size() || !has(values, "")) return test;
  return fmt::format("({} || {})", absent, test);
}

// The webhook's principal classification (review.cpp): `system:serviceaccount:NS:NAME` with
// exactly three colons, `system:node:NAME` with exactly two.
std::string user_condition(std::string_view name, std::string_view var) {
  const auto colons = std::count(name.begin(), name.end(), ':');
  if (name.starts_with(rbac::kServiceAccountPrefix) && colons == 3) {
    const std::string_view rest = name.substr(rbac::kServiceAccountPrefix.size());
    const size_t colon = rest.find(':');
    return fmt::format("{0} is k8s::ServiceAccount && {0}.namespace == {1} && {0}.name == {2}", var,
                       quote(rest.substr(0, colon)), quote(rest.substr(colon + 1)));
  }
  if (name.starts_with(kNodePrefix) && colons == 2)
    return fmt::format("{0} is k8s::Node && {0}.name == {1}", var,
                       quote(name.substr(kNodePrefix.size())));
  return fmt::format("{0} is k8s::User && {0}.name == {1}", var, quote(name));
}

// An impersonated user: the webhook makes `system:node:NAME` a k8s::Node, anything else a
// k8s::User named as given.
std::string impersonated_user(std::string_view name) {
  const auto colons = std::count(name.begin(), name.end(), ':');
  if (name.starts_with(kNodePrefix) && colons == 2)
    return fmt::format("resource is k8s::Node && resource.name == {}",
                       quote(name.substr(kNodePrefix.size())));
  return fmt::format("resource is k8s::User && resource.name == {}", quote(name));
}

// One condition per subject that some request can match.
std::vector<std::string> principal_conditions(const Binding& binding) {
  std::vector<std::string> out;
  for (const rbac::Subject& subject : binding.subjects) {
    switch (subject.kind) {
      case rbac::SubjectKind::kUser:
        out.push_back(user_condition(subject.name, "principal"));
        break;
      case rbac::SubjectKind::kGroup:
        out.push_back(fmt::format("principal in k8s::Group::{}", quote(subject.name)));
        break;
      case rbac::SubjectKind::kServiceAccount: {
        // RBAC matches the user `system:serviceaccount:NS:NAME` split at its first colon.
        const std::string_view ns = rbac::Policy::subject_namespace(binding, subject);
        if (ns.empty() || ns.find(':') != std::string_view::npos || subject.name.empty()) break;
        out.push_back(user_condition(
            fmt::format("{}{}:{}", rbac::kServiceAccountPrefix, ns, subject.name), "principal"));
        break;
      }
    }
  }
  std::vector<std::string> unique;
  for (const std::string& condition : out) add_unique(unique, condition);
  return unique;
}

// The requests of one entity type (or several) a rule can allow.
struct Clause {
  std::string type;  // "k8s::Resource", ...; "" when the conditions test it
  std::vector<std::string> conjuncts;
  bool without_subresource = false;  // `unless { resource has subresource }`
  std::string expression() const {
    std::vector<std::string> parts;
    if (!type.empty()) parts.push_back("resource is " + type);
    parts.insert(parts.end(), conjuncts.begin(), conjuncts.end());
    if (without_subresource) parts.push_back("!(resource has subresource)");
    return parts.empty() ? "true" : "(" + join(parts, " && ") + ")";
  }
};

// Every (resource, subresource) a `res/sub` entry stands for: RBAC compares it with
// `resource + "/" + subresource`, so each slash is a possible split.
std::vector<std::pair<std::string, std::string>> splits(std::string_view entry) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = entry.find('/'); i != std::string_view::npos; i = entry.find('/', i + 1))
    out.emplace_back(std::string(entry.substr(0, i)), std::string(entry.substr(i + 1)));
  return out;
}

std::optional<Clause> resource_clause(const PolicyRule& rule, const Binding& binding) {
  if (rule.api_groups.empty() || rule.resources.empty()) return std::nullopt;
  Clause clause{"k8s::Resource", {}, false};
  if (!has(rule.api_groups, "*")) {
    std::vector<std::string> groups;
    for (const std::string& group : rule.api_groups) add_unique(groups, group);
    clause.conjuncts.push_back(one_of("resource.apiGroup", groups));
  }
  if (!has(rule.resources, "*")) {
    std::vector<std::string> plain;
    std::vector<std::string> any_resource_subs;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& entry : rule.resources) {
      if (entry.find('/') == std::string::npos) {
        add_unique(plain, entry);
        continue;
      }
      if (entry.starts_with("*/")) add_unique(any_resource_subs, entry.substr(2));
      for (auto& split : splits(entry)) {
        if (split.first == "*") continue;  // covered by `*/sub`
        if (std::find(pairs.begin(), pairs.end(), split) == pairs.end())
          pairs.push_back(std::move(split));
      }
    }
    if (any_resource_subs.empty() && pairs.empty()) {
      clause.conjuncts.push_back(one_of("resource.resource", plain));
      clause.without_subresource = true;
    } else {
      std::vector<std::string> options;
      if (!plain.empty())
        options.push_back("!(resource has subresource) && " + one_of("resource.resource", plain));
      std::vector<std::string> with_sub;
      if (!any_resource_subs.empty())
        with_sub.push_back(one_of("resource.subresource", any_resource_subs));
      for (const auto& [resource, sub] : pairs)
        with_sub.push_back(fmt::format("resource.resource == {} && resource.subresource == {}",
                                       quote(resource), quote(sub)));
      if (!with_sub.empty()) options.push_back("resource has subresource && " + any_of(with_sub));
      clause.conjuncts.push_back(any_of(options));
    }
  }
  if (!rule.resource_names.empty())
    clause.conjuncts.push_back(optional_one_of("resource", "name", rule.resource_names));
  if (binding.kind == BindingKind::kRoleBinding)
    clause.conjuncts.push_back(fmt::format("resource has namespace && resource.namespace == {}",
                                           quote(binding.namespace_)));
  return clause;
}

std::optional<Clause> non_resource_clause(const PolicyRule& rule, const Binding& binding) {
  // A RoleBinding applies to namespaced requests only; non-resource requests have none.
  if (rule.non_resource_urls.empty() || binding.kind == BindingKind::kRoleBinding)
    return std::nullopt;
  Clause clause{"k8s::NonResourceURL", {}, false};
  if (has(rule.non_resource_urls, "*")) return clause;
  std::vector<std::string> exact;
  std::vector<std::string> options;
  for (const std::string& url : rule.non_resource_urls) {
    if (!url.ends_with('*')) {
      add_unique(exact, url);
      continue;
    }
    std::string_view prefix = url;
    while (!prefix.empty() && prefix.back() == '*') prefix.remove_suffix(1);
    const std::string like = "resource.path like " + prefix_pattern(prefix);
    if (!has(options, like)) options.push_back(like);
  }
  if (!exact.empty()) options.push_back(one_of("resource.path", exact));
  clause.conjuncts.push_back(any_of(options));
  return clause;
}

// Impersonation requests (authentication.k8s.io, verb impersonate) reach Cedar as the
// impersonated identity; the API server sends no subresource for them and a namespace only for
// service accounts.
std::optional<Clause> impersonation_clause(const PolicyRule& rule, const Binding& binding) {
  if (!has(rule.api_groups, "*") && !has(rule.api_groups, kImpersonationGroup)) return std::nullopt;
  const bool all = has(rule.resources, "*");
  const bool cluster = binding.kind == BindingKind::kClusterRoleBinding;
  const std::vector<std::string>& names = rule.resource_names;
  std::vector<std::string> options;
  auto typed = [&](std::string_view type, std::string condition) {
    options.push_back(condition.empty() ? fmt::format("resource is {}", type)
                                        : fmt::format("resource is {} && {}", type, condition));
  };
  if (cluster && (all || has(rule.resources, "users"))) {
    if (names.empty()) {
      typed("k8s::User", "");
      typed("k8s::Node", "");
    } else {
      std::vector<std::string> users;
      for (const std::string& name : names) add_unique(users, impersonated_user(name));
      options.insert(options.end(), users.begin(), users.end());
    }
  }
  // Impersonated groups and service accounts always carry `name`.
  std::vector<std::string> unique_names;
  for (const std::string& name : names) add_unique(unique_names, name);
  const std::string name_test = names.empty() ? "" : one_of("resource.name", unique_names);
  if (cluster && (all || has(rule.resources, "groups"))) typed("k8s::Group", name_test);
  if (all || has(rule.resources, "serviceaccounts")) {
    std::vector<std::string> parts;
    if (!name_test.empty()) parts.push_back(name_test);
    if (!cluster) parts.push_back("resource.namespace == " + quote(binding.namespace_));
    typed("k8s::ServiceAccount", join(parts, " && "));
  }
  if (cluster && (all || has(rule.resources, "uids"))) {
    std::vector<std::string> uids;
    for (const std::string& name : names)
      add_unique(uids, fmt::format("k8s::PrincipalUID::{}", quote(name)));
    if (uids.empty()) {
      typed("k8s::PrincipalUID", "");
    } else if (uids.size() == 1) {
      options.push_back("resource == " + uids.front());
    } else {
      typed("k8s::PrincipalUID", "resource in [" + join(uids, ", ") + "]");
    }
  }
  if (cluster) {
    // userextras/KEY: the extra's key is the subresource ("" for plain `userextras`).
    bool any_key = all;
    std::vector<std::string> keys;
    for (const std::string& entry : rule.resources) {
      if (entry == "userextras") add_unique(keys, "");
      if (entry.starts_with("*/")) add_unique(keys, entry.substr(2));
      for (const auto& [resource, sub] : splits(entry))
        if (resource == "userextras") add_unique(keys, sub);
    }
    if (any_key || !keys.empty()) {
      std::vector<std::string> parts;
      if (!any_key) parts.push_back(one_of("resource.key", keys));
      if (!names.empty()) parts.push_back(optional_one_of("resource", "value", names));
      typed("k8s::Extra", join(parts, " && "));
    }
  }
  if (options.empty()) return std::nullopt;
  return Clause{"", {any_of(options)}, false};
}

std::string annotations(const Binding& binding, size_t rule) {
  const bool cluster = binding.kind == BindingKind::kClusterRoleBinding;
  std::string out =
      fmt::format("@{}({})\n", cluster ? "clusterRoleBinding" : "roleBinding", quote(binding.name));
  out +=
      fmt::format("@{}({})\n", binding.role_kind == rbac::RoleKind::kRole ? "role" : "clusterRole",
                  quote(binding.role_name));
  out += fmt::format("@policyRule(\"{:02}\")\n", rule);
  if (!cluster) out += fmt::format("@namespace({})\n", quote(binding.namespace_));
  return out;
}

class Converter {
 public:
  explicit Converter(const rbac::Policy& policy) : policy_(policy) {}

  void convert_binding(uint32_t id);
  std::string text;
  size_t policies = 0;
  std::vector<ConversionNote> notes;

 private:
  void note(const Binding& binding, std::string code, std::string message) {
    const rbac::Origin& origin = binding.origin;
    notes.push_back(ConversionNote{"rbac-to-cedar." + std::move(code),
                                   policy_.files().empty() ? "" : policy_.files()[origin.file],
                                   origin.line, origin.column, std::move(message)});
  }
  void convert_rule(const Binding& binding, const std::vector<std::string>& principals,
                    const PolicyRule& rule, size_t index);

  const rbac::Policy& policy_;
};

void Converter::convert_binding(uint32_t id) {
  const Binding& binding = policy_.bindings()[id];
  const std::string what =
      fmt::format("{} {}{}", rbac::to_string(binding.kind),
                  binding.namespace_.empty() ? "" : binding.namespace_ + "/", binding.name);
  const uint32_t role = policy_.role_of(id);
  if (role == rbac::kNone) {
    note(binding, "dangling-role-ref",
         fmt::format("{}: {} {} is not in the inputs; not converted", what,
                     rbac::to_string(binding.role_kind), binding.role_name));
    return;
  }
  const std::vector<std::string> principals = principal_conditions(binding);
  if (principals.empty()) {
    note(binding, "no-subject",
         fmt::format("{}: no subject any request can match (a service account needs a namespace "
                     "without `:`); not converted",
                     what));
    return;
  }
  const std::vector<PolicyRule>& rules = policy_.rules_of(role);
  for (size_t i = 0; i < rules.size(); ++i) convert_rule(binding, principals, rules[i], i);
}

void Converter::convert_rule(const Binding& binding, const std::vector<std::string>& principals,
                             const PolicyRule& rule, size_t index) {
  const bool all_verbs = has(rule.verbs, "*");
  auto verb_applies = [&](auto&& verbs) {
    return all_verbs || std::any_of(rule.verbs.begin(), rule.verbs.end(),
                                    [&](const std::string& v) { return has_view(verbs, v); });
  };
  std::vector<Clause> clauses;
  std::vector<std::string> verbs;
  bool any_candidate = false;
  auto take = [&](std::optional<Clause> clause, auto&& applicable) {
    if (!clause) return;
    any_candidate = true;
    if (!verb_applies(applicable)) return;
    clauses.push_back(std::move(*clause));
    for (const std::string& verb : rule.verbs)
      if (has_view(applicable, verb)) add_unique(verbs, verb);
  };
  take(resource_clause(rule, binding), kResourceVerbs);
  take(non_resource_clause(rule, binding), kNonResourceVerbs);
  if (all_verbs || has(rule.verbs, kImpersonateVerb))
    take(impersonation_clause(rule, binding), std::array<std::string_view, 1>{kImpersonateVerb});

  const std::string where =
      fmt::format("{} {}{} rule {:02}", rbac::to_string(binding.kind),
                  binding.namespace_.empty() ? "" : binding.namespace_ + "/", binding.name, index);
  if (!any_candidate) {
    note(binding, "rule-not-converted",
         fmt::format("{}: grants nothing a request mapped by the webhook can ask for{}", where,
                     binding.kind == BindingKind::kRoleBinding
                         ? " through a RoleBinding (non-resource URLs and impersonating users, "
                           "groups, uids and extras carry no namespace)"
                         : ""));
    return;
  }
  if (!all_verbs) {
    std::vector<std::string> dropped;
    for (const std::string& verb : rule.verbs)
      if (!has(verbs, verb)) add_unique(dropped, verb);
    if (!dropped.empty())
      note(binding, "verb-not-converted",
           fmt::format("{}: verbs {} have no action in the k8s schema for what the rule grants{}",
                       where, join(dropped, ", "),
                       clauses.empty() ? "; rule not converted" : "; left out"));
  }
  if (clauses.empty()) return;

  std::string action = "action";
  if (!all_verbs) {
    std::vector<std::string> uids;
    for (const std::string& verb : verbs) uids.push_back("k8s::Action::" + quote(verb));
    action =
        uids.size() == 1 ? "action == " + uids.front() : "action in [" + join(uids, ", ") + "]";
  }
  std::string principal = "principal";
  std::vector<std::string> when;
  if (principals.size() == 1 && principals.front().starts_with("principal in ")) {
    principal = principals.front();
  } else if (principals.size() == 1) {
    const std::string& only = principals.front();
    const size_t type_end = only.find(" && ");
    principal = only.substr(0, type_end);
    when.push_back(only.substr(type_end + 4));
  } else {
    when.push_back(any_of(principals));
  }
  std::string resource = "resource";
  bool unless = false;
  if (clauses.size() == 1) {
    const Clause& clause = clauses.front();
    if (!clause.type.empty()) resource = "resource is " + clause.type;
    when.insert(when.end(), clause.conjuncts.begin(), clause.conjuncts.end());
    unless = clause.without_subresource;
  } else {
    std::vector<std::string> options;
    for (const Clause& clause : clauses) options.push_back(clause.expression());
    when.push_back(any_of(options));
  }
  if (!text.empty()) text += "\n";
  text += annotations(binding, index);
  text += fmt::format("permit ({}, {}, {})", principal, action, resource);
  if (!when.empty()) text += "\nwhen { " + join(when, " && ") + " }";
  if (unless) text += "\nunless { resource has subresource }";
  text += ";\n";
  ++policies;
}

}  // namespace

Result<Conversion> rbac_to_cedar(const rbac::Policy& policy) {
  Converter converter(policy);
  for (uint32_t id = 0; id < policy.bindings().size(); ++id) converter.convert_binding(id);
  Conversion out;
  out.policies = converter.policies;
  out.notes = std::move(converter.notes);
  if (converter.text.empty()) return out;
  auto formatted = cedar::format_policies(converter.text, "rbac-to-cedar");
  if (!formatted) {
    const auto& error = formatted.error().front().diagnostic;
    return fail(fmt::format("internal error: generated Cedar does not parse ({}:{}: {})",
                            error.line, error.column, error.message));
  }
  out.cedar = std::move(*formatted);
  return out;
}

}  // namespace eksguard::k8s_authz
