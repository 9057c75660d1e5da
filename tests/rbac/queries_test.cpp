// who-can, lookup, matrix and request parsing over small policies.
#include "rbac/queries.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "rbac/rbac_test_support.h"

namespace eksguard::rbac {
namespace {

constexpr std::string_view kPolicy = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets}
rules: [{verbs: [get, list], apiGroups: [""], resources: [secrets]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: nodes}
rules:
- {verbs: [get], apiGroups: [""], resources: [nodes]}
- {verbs: [get], nonResourceURLs: [/metrics]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditors}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: auditors}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets}
subjects:
- {kind: ServiceAccount, name: app}
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: auditors}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nodes-here, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodes}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodes}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
)";

WhoCanAnswer ask(const Policy& policy, std::string_view verb, std::string_view resource,
                 std::string_view ns, bool all = false) {
  ResourceCatalog catalog;
  auto request = parse_request(catalog, verb, resource, "", ns);
  EXPECT_TRUE(request) << request.error().message;
  return who_can(policy, WhoCanQuery{*request, all});
}

std::vector<std::string> names(const WhoCanAnswer& answer) {
  std::vector<std::string> out;
  for (const SubjectGrants& s : answer.subjects)
    out.push_back(std::string(to_string(s.kind)) + ":" +
                  (s.namespace_.empty() ? "" : s.namespace_ + "/") + s.name);
  return out;
}

TEST(RbacWhoCanTest, ClusterAndNamespaceBindings) {
  const Policy policy = testing::compile_yaml(kPolicy);
  const WhoCanAnswer prod = ask(policy, "get", "secrets", "prod");
  EXPECT_EQ(names(prod), (std::vector<std::string>{"Group:system:masters", "Group:auditors",
                                                   "ServiceAccount:prod/app"}));
  EXPECT_EQ(prod.subjects[1].via.size(), 2u);  // the CRB and the RB
  EXPECT_EQ(prod.cluster_bindings.size(), 1u);
  EXPECT_EQ(prod.role_bindings.size(), 2u);
  EXPECT_TRUE(prod.role_bindings_consulted);

  const WhoCanAnswer all = ask(policy, "list", "secrets", "", true);
  EXPECT_EQ(names(all), (std::vector<std::string>{"Group:system:masters", "User:ci",
                                                  "Group:auditors", "ServiceAccount:prod/app"}));
  EXPECT_EQ(all.role_bindings.size(), 3u);
  EXPECT_EQ(policy.bindings()[all.role_bindings[0].binding].namespace_, "dev");  // sorted

  const WhoCanAnswer watch = ask(policy, "watch", "secrets", "prod");
  EXPECT_EQ(names(watch), (std::vector<std::string>{"Group:system:masters"}));
}

TEST(RbacWhoCanTest, ClusterScopedAndNonResourceIgnoreRoleBindings) {
  const Policy policy = testing::compile_yaml(kPolicy);
  const WhoCanAnswer nodes = ask(policy, "get", "nodes", "prod");
  EXPECT_FALSE(nodes.role_bindings_consulted);
  EXPECT_EQ(names(nodes), (std::vector<std::string>{"Group:system:masters",
                                                    "ServiceAccount:monitoring/prometheus"}));
  const WhoCanAnswer metrics = ask(policy, "get", "/metrics", "prod");
  EXPECT_FALSE(metrics.role_bindings_consulted);
  EXPECT_EQ(metrics.subjects.size(), 2u);
}

TEST(RbacWhoCanTest, MissingInputsAreNamed) {
  const Policy only_roles = testing::compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
)");
  const WhoCanAnswer answer = ask(only_roles, "get", "pods", "default");
  EXPECT_EQ(answer.notes, (std::vector<std::string>{"no ClusterRoleBindings in the inputs",
                                                    "no RoleBindings in the inputs"}));
  const WhoCanAnswer cluster = ask(only_roles, "get", "nodes", "default");
  EXPECT_EQ(cluster.notes, (std::vector<std::string>{"no ClusterRoleBindings in the inputs"}));
}

TEST(RbacLookupTest, RolesBoundToMatchingSubjects) {
  const Policy policy = testing::compile_yaml(kPolicy);
  const LookupAnswer auditors = lookup(policy, {"audit", std::nullopt});
  ASSERT_EQ(auditors.subjects.size(), 1u);
  ASSERT_EQ(auditors.subjects[0].via.size(), 2u);
  EXPECT_EQ(policy.bindings()[auditors.subjects[0].via[0].binding].name, "auditors");  // CRB first
  EXPECT_EQ(policy.bindings()[auditors.subjects[0].via[1].binding].name, "app");

  const LookupAnswer accounts = lookup(policy, {"", SubjectKind::kServiceAccount});
  ASSERT_EQ(accounts.subjects.size(), 2u);
  EXPECT_EQ(accounts.subjects[0].name, "app");
  EXPECT_EQ(accounts.subjects[0].namespace_, "prod");
  EXPECT_EQ(lookup(policy, {"nobody", std::nullopt}).subjects.size(), 0u);
}

TEST(RbacMatrixTest, VerbsPerResource) {
  const Policy policy = testing::compile_yaml(kPolicy);
  ResourceCatalog catalog;
  const auto rows = matrix(
      policy, catalog,
      MatrixQuery{make_user("system:serviceaccount:prod:app"), "prod", {"get", "list", "create"}});
  auto row = [&](std::string_view name) {
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const MatrixRow& r) { return r.resource.qualified_name() == name; });
    EXPECT_NE(it, rows.end()) << name;
    return it == rows.end() ? std::vector<bool>{} : it->allowed;
  };
  EXPECT_EQ(row("secrets"), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(row("pods"), (std::vector<bool>{false, false, false}));
  EXPECT_TRUE(std::none_of(rows.begin(), rows.end(),
                           [](const MatrixRow& r) { return !r.resource.namespaced; }));

  const auto cluster =
      matrix(policy, catalog, MatrixQuery{make_user("x", {"auditors"}), "", {"list"}});
  EXPECT_TRUE(std::any_of(cluster.begin(), cluster.end(), [](const MatrixRow& r) {
    return r.resource.resource == "secrets" && r.allowed[0];
  }));
}

TEST(RbacRequestTest, ResourceNamesResolveAsKubectl) {
  Inputs inputs;
  add_text(R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, scope: Namespaced, names: {plural: widgets, singular: widget, shortNames: [wd]}}
)",
           "crd.yaml", inputs);
  ResourceCatalog catalog;
  catalog.add_inputs(inputs);
  auto get = [&](std::string_view resource, std::string_view ns = "n") {
    auto parsed = parse_request(catalog, "get", resource, "", ns);
    EXPECT_TRUE(parsed) << resource;
    return parsed ? parsed->attributes : RequestAttributes{};
  };
  EXPECT_EQ(get("svc").resource, "services");
  EXPECT_EQ(get("deploy/scale").api_group, "apps");
  EXPECT_EQ(get("deploy/scale").subresource, "scale");
  EXPECT_EQ(get("pod").resource, "pods");
  EXPECT_EQ(get("events").api_group, "");
  EXPECT_EQ(get("events.events.k8s.io").api_group, "events.k8s.io");
  EXPECT_EQ(get("wd").api_group, "example.com");
  EXPECT_EQ(get("things.other.io").resource, "things");
  EXPECT_EQ(get("nodes").namespace_, "");  // cluster-scoped: the request carries no namespace
  EXPECT_EQ(get("/healthz").path, "/healthz");
  EXPECT_FALSE(get("/healthz").resource_request);
  EXPECT_FALSE(parse_request(catalog, "get", "gizmos", "", "n"));
  EXPECT_FALSE(parse_request(catalog, "get", "pods/a/b", "", "n"));
  EXPECT_FALSE(parse_request(catalog, "get", "/x", "name", "n"));
}

}  // namespace
}  // namespace eksguard::rbac
