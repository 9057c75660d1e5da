// Shared by the RBAC → Cedar tests: reading the prototype's golden pairs in place, converting
// a compiled RBAC policy, and comparing the RBAC authorizer with the converted Cedar policies
// through the webhook's own SubjectAccessReview mapping over generated requests.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "k8s_authz/policy_store.h"
#include "k8s_authz/rbac_to_cedar.h"
#include "k8s_authz/review.h"
#include "rbac/authorizer.h"
#include "rbac/model.h"
#include "rbac/policy.h"

namespace eksguard::k8s_authz::testing {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A golden pair's YAML (binding, then role) as API objects: upstream decodes the two documents
// into typed Go structs, so they lack apiVersion/kind and their roleRef.apiGroup is "".
inline std::string golden_pair_objects(std::string_view yaml, bool role_binding) {
  std::string text(yaml);
  const std::string empty_ref = "roleRef:\n  apiGroup: \"\"";
  if (const size_t at = text.find(empty_ref); at != std::string::npos)
    text.replace(at, empty_ref.size(), "roleRef:\n  apiGroup: rbac.authorization.k8s.io");
  const size_t separator = text.find("\n---\n");
  if (separator == std::string::npos) return text;
  const std::string head = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ";
  return head + (role_binding ? "RoleBinding\n" : "ClusterRoleBinding\n") +
         text.substr(0, separator) + "\n---\n" + head +
         (role_binding ? "Role\n" : "ClusterRole\n") + text.substr(separator + 5);
}

inline rbac::Policy compile_text(std::string_view yaml, std::string_view name = "test.yaml") {
  rbac::Inputs inputs;
  rbac::add_text(yaml, name, inputs);
  for (const InputError& error : inputs.errors)
    ADD_FAILURE() << error.file << ":" << error.line << ": " << error.message;
  return rbac::Policy::compile(std::move(inputs));
}

inline Conversion convert(const rbac::Policy& policy) {
  auto conversion = rbac_to_cedar(policy);
  if (!conversion) {
    ADD_FAILURE() << conversion.error().message;
    return {};
  }
  return std::move(*conversion);
}

// ---- Equivalence ---------------------------------------------------------------------------

inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The SubjectAccessReview the API server would send for `user` and `request`.
inline std::string access_review(const rbac::UserInfo& user, const rbac::RequestAttributes& r) {
  std::string groups;
  for (const std::string& group : user.groups)
    groups += (groups.empty() ? "" : ", ") + json_string(group);
  std::string attributes;
  if (r.resource_request) {
    attributes =
        fmt::format(R"("resourceAttributes": {{"verb": {}, "group": {}, "version": "v1",
        "resource": {})",
                    json_string(r.verb), json_string(r.api_group), json_string(r.resource));
    if (!r.subresource.empty()) attributes += ", \"subresource\": " + json_string(r.subresource);
    if (!r.name.empty()) attributes += ", \"name\": " + json_string(r.name);
    if (!r.namespace_.empty()) attributes += ", \"namespace\": " + json_string(r.namespace_);
    attributes += "}";
  } else {
    attributes = fmt::format(R"("nonResourceAttributes": {{"verb": {}, "path": {}}})",
                             json_string(r.verb), json_string(r.path));
  }
  return fmt::format(
      R"({{"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
          "spec": {{"user": {}, "groups": [{}], {}}}}})",
      json_string(user.name), groups, attributes);
}

inline std::string describe(const rbac::UserInfo& user, const rbac::RequestAttributes& r) {
  std::string groups;
  for (const std::string& group : user.groups) groups += (groups.empty() ? "" : ",") + group;
  if (!r.resource_request)
    return fmt::format("user={} groups=[{}] {} {}", user.name, groups, r.verb, r.path);
  return fmt::format("user={} groups=[{}] verb={} group={} resource={} sub={} name={} ns={}",
                     user.name, groups, r.verb, r.api_group, r.resource, r.subresource, r.name,
                     r.namespace_);
}

// The verbs of the schema's actions, per kind of request (k8s.cedarschema).
inline const std::vector<std::string> kResourceVerbs = {
    "get",     "list",   "watch", "create",   "update", "patch", "delete", "deletecollection",
    "approve", "attest", "bind",  "escalate", "sign",   "use"};
inline const std::vector<std::string> kNonResourceVerbs = {"get", "head",  "options", "post",
                                                           "put", "patch", "delete"};
inline constexpr std::string_view kImpersonation = "authentication.k8s.io";

inline bool impersonation_target(std::string_view group, std::string_view resource) {
  return group == kImpersonation &&
         (resource == "users" || resource == "groups" || resource == "serviceaccounts" ||
          resource == "uids" || resource == "userextras");
}

// Requests near what a role's rules grant: each rule's own values and, one dimension at a
// time, neighbours (other verbs, groups, resources, subresources, names, namespaces).
class RequestGenerator {
 public:
  explicit RequestGenerator(std::vector<std::string> namespaces)
      : namespaces_(std::move(namespaces)) {}

  void add_rules(const std::vector<rbac::PolicyRule>& rules) {
    for (const rbac::PolicyRule& rule : rules) {
      add_resource_rule(rule);
      add_non_resource_rule(rule);
    }
  }
  const std::vector<rbac::RequestAttributes>& requests() const { return requests_; }

 private:
  using Key = std::tuple<bool, std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string>;

  // Requests the webhook maps as the API server sends them: impersonation targets carry no
  // subresource (userextras: the key) and a namespace only for service accounts; verbs are
  // those the schema declares for the kind of request.
  void add(rbac::RequestAttributes r) {
    if (r.resource_request) {
      const bool target = impersonation_target(r.api_group, r.resource);
      if (r.verb == "impersonate") {
        if (!target) return;
        if (r.resource != "userextras") r.subresource.clear();
        if (r.resource != "serviceaccounts") r.namespace_.clear();
      } else if (std::find(kResourceVerbs.begin(), kResourceVerbs.end(), r.verb) ==
                 kResourceVerbs.end()) {
        return;
      }
    } else if (std::find(kNonResourceVerbs.begin(), kNonResourceVerbs.end(), r.verb) ==
               kNonResourceVerbs.end()) {
      return;
    }
    Key key{r.resource_request, r.verb,        r.namespace_, r.api_group,
            r.resource,         r.subresource, r.name,       r.path};
    if (seen_.insert(key).second) requests_.push_back(std::move(r));
  }

  static std::vector<std::string> concrete(const std::vector<std::string>& values,
                                           std::vector<std::string> extra) {
    std::vector<std::string> out;
    for (const std::string& value : values)
      if (value != "*") out.push_back(value);
    if (out.empty()) out.push_back(extra.front());
    for (std::string& value : extra) out.push_back(std::move(value));
    return out;
  }

  void add_resource_rule(const rbac::PolicyRule& rule) {
    if (rule.resources.empty()) return;
    const bool impersonates =
        std::find(rule.verbs.begin(), rule.verbs.end(), "impersonate") != rule.verbs.end() ||
        std::find(rule.verbs.begin(), rule.verbs.end(), "*") != rule.verbs.end();
    std::vector<std::string> verbs = concrete(rule.verbs, {"get", "delete", "deletecollection"});
    if (impersonates) verbs.push_back("impersonate");
    const std::vector<std::string> groups =
        concrete(rule.api_groups, {"", "other.example.com", std::string(kImpersonation)});
    std::vector<std::pair<std::string, std::string>> resources;
    for (const std::string& entry : rule.resources) {
      const size_t slash = entry.find('/');
      if (entry == "*") {
        resources.insert(resources.end(), {{"pods", ""}, {"pods", "exec"}, {"widgets", ""}});
      } else if (slash == std::string::npos) {
        resources.insert(resources.end(), {{entry, ""}, {entry, "status"}});
      } else {
        std::string resource = entry.substr(0, slash);
        const std::string sub = entry.substr(slash + 1);
        if (resource == "*") resource = "pods";
        resources.insert(resources.end(),
                         {{resource, sub}, {resource, ""}, {resource, "other"}, {"other", sub}});
        if (sub == "*") resources.emplace_back(resource, "status");
      }
    }
    if (impersonates) {
      resources.insert(resources.end(), {{"users", ""},
                                         {"groups", ""},
                                         {"serviceaccounts", ""},
                                         {"uids", ""},
                                         {"userextras", "mykey"},
                                         {"userextras", "other"}});
    }
    resources.insert(resources.end(), {{"pods", ""}, {"other", ""}});
    std::vector<std::string> names = concrete(rule.resource_names, {"", "other-name"});
    if (impersonates) names.insert(names.end(), {"jedi", "system:node:n1"});
    // Seeds walk each dimension's values in step; then each seed varies one dimension.
    const size_t steps =
        std::max({verbs.size(), groups.size(), resources.size(), names.size(), namespaces_.size()});
    for (size_t i = 0; i < steps; ++i) {
      rbac::RequestAttributes seed;
      seed.verb = verbs[i % verbs.size()];
      seed.api_group = groups[i % groups.size()];
      std::tie(seed.resource, seed.subresource) = resources[i % resources.size()];
      seed.name = names[i % names.size()];
      seed.namespace_ = namespaces_[i % namespaces_.size()];
      add(seed);
      for (const std::string& verb : verbs) add(with(seed, &rbac::RequestAttributes::verb, verb));
      for (const std::string& group : groups)
        add(with(seed, &rbac::RequestAttributes::api_group, group));
      for (const auto& [resource, sub] : resources) {
        rbac::RequestAttributes r = seed;
        r.resource = resource;
        r.subresource = sub;
        add(r);
      }
      for (const std::string& name : names) add(with(seed, &rbac::RequestAttributes::name, name));
      for (const std::string& ns : namespaces_)
        add(with(seed, &rbac::RequestAttributes::namespace_, ns));
    }
  }

  void add_non_resource_rule(const rbac::PolicyRule& rule) {
    if (rule.non_resource_urls.empty()) return;
    const std::vector<std::string> verbs = concrete(rule.verbs, {"get", "post", "head"});
    std::vector<std::string> paths = {"/", "/other", "/healthz"};
    for (const std::string& url : rule.non_resource_urls) {
      std::string prefix = url;
      while (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
      paths.insert(paths.end(), {url, prefix, prefix + "x", prefix + "x/y", url + "/"});
      if (!prefix.empty()) paths.push_back(prefix.substr(0, prefix.size() - 1));
    }
    for (const std::string& verb : verbs) {
      for (const std::string& path : paths) {
        rbac::RequestAttributes r;
        r.resource_request = false;
        r.verb = verb;
        r.path = path;
        add(r);
      }
    }
  }

  template <typename Field>
  static rbac::RequestAttributes with(rbac::RequestAttributes r, Field field, std::string value) {
    r.*field = std::move(value);
    return r;
  }

  std::vector<std::string> namespaces_;
  std::vector<rbac::RequestAttributes> requests_;
  std::set<Key> seen_;
};

struct EquivalenceCounts {
  size_t cases = 0;
  size_t allowed = 0;
  size_t mismatches = 0;
};

// Every (user, request) through the RBAC authorizer (RBAC alone) and through the converted
// policies with the webhook's SubjectAccessReview mapping; they must agree and Cedar must
// raise no evaluation error (unless `expect_equal` is false: then mismatches are only counted).
inline void check_equivalence(const rbac::Policy& policy, std::string_view cedar,
                              const std::vector<rbac::UserInfo>& users,
                              const std::vector<rbac::RequestAttributes>& requests,
                              EquivalenceCounts& counts, bool expect_equal = true) {
  const std::vector<std::pair<std::string, std::string>> files{
      {"converted.cedar", std::string(cedar)}};
  auto store = PolicyStore::from_texts(files, nullptr);
  ASSERT_TRUE(store) << store.error().message;
  const rbac::Authorizer authorizer(policy, rbac::AuthorizerOptions{.privileged_groups = false});
  for (const rbac::UserInfo& user : users) {
    for (const rbac::RequestAttributes& request : requests) {
      const bool rbac_allows = authorizer.authorize(user, request).allowed;
      auto review = decode_access_review(access_review(user, request));
      ASSERT_TRUE(review) << review.error().message;
      const StoreDecision decision = (*store)->decide(*review->request, review->entities);
      const bool cedar_allows = decision.forbids.empty() && !decision.permits.empty();
      ++counts.cases;
      if (rbac_allows) ++counts.allowed;
      if (expect_equal) {
        EXPECT_TRUE(decision.errors.empty())
            << describe(user, request) << ": " << decision.errors.front().message;
      }
      if (rbac_allows != cedar_allows) {
        if (++counts.mismatches <= 20 && expect_equal)
          ADD_FAILURE() << "RBAC " << (rbac_allows ? "allows" : "denies") << ", Cedar "
                        << (cedar_allows ? "allows" : "denies") << ": " << describe(user, request);
      }
    }
  }
}

}  // namespace eksguard::k8s_authz::testing
