// Reading RBAC objects: the API server's validation as input errors with positions, List and
// typed-list dumps, duplicates, dangling roleRefs, aggregation (selectors, chains, partial dumps).
#include "rbac/model.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "rbac/policy.h"
#include "rbac/rbac_test_support.h"
#include "support/test_support.h"

namespace eksguard::rbac {
namespace {

Inputs read(std::string_view yaml) {
  Inputs inputs;
  add_text(yaml, "in.yaml", inputs);
  return inputs;
}

bool has_error(const Inputs& inputs, std::string_view code, uint32_t line, uint32_t column) {
  return std::any_of(inputs.errors.begin(), inputs.errors.end(), [&](const InputError& e) {
    return e.message.starts_with(std::string(code) + ":") && e.line == line && e.column == column &&
           e.file == "in.yaml";
  });
}

std::string all_errors(const Inputs& inputs) {
  std::string out;
  for (const InputError& e : inputs.errors)
    out += std::to_string(e.line) + ":" + std::to_string(e.column) + " " + e.message + "\n";
  return out;
}

TEST(RbacModelTest, ValidationErrorsArePositionedAndTheObjectLeftOut) {
  const Inputs inputs = read(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: n}
rules:
- apiGroups: [""]
  resources: [pods]
- verbs: [get]
  nonResourceURLs: [/healthz]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mixed}
rules:
- {verbs: [get], apiGroups: [""], resources: [pods], nonResourceURLs: [/x]}
- {verbs: [get], resources: [pods]}
- {verbs: [get], apiGroups: [""]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: ServiceAccount, name: sa}
- {kind: User, name: u}
- {kind: Robot, name: r2}
- {kind: Group, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ok, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: sa}]
)");
  EXPECT_TRUE(has_error(inputs, "rbac.rule.verbs", 5, 3)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.rule.non-resource", 8, 20)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.rule.non-resource", 14, 3)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.rule.api-groups", 15, 3)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.rule.resources", 16, 3)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.role-ref", 21, 10)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.subject", 23, 3)) << all_errors(inputs);  // SA needs ns
  EXPECT_TRUE(has_error(inputs, "rbac.subject", 24, 3)) << all_errors(inputs);  // apiGroup
  EXPECT_TRUE(has_error(inputs, "rbac.subject", 25, 3)) << all_errors(inputs);  // kind
  EXPECT_TRUE(has_error(inputs, "rbac.subject", 26, 3)) << all_errors(inputs);  // name
  EXPECT_TRUE(inputs.roles.empty());
  ASSERT_EQ(inputs.bindings.size(), 1u);  // the valid one goes on
  EXPECT_EQ(inputs.bindings[0].name, "ok");
  EXPECT_EQ(inputs.objects, 4u);
}

TEST(RbacModelTest, WrongShapesAreErrorsNotSilence) {
  const Inputs inputs = read(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: c
  labels: {a: {b: c}}
rules:
- verbs: get
  apiGroups: [""]
  resources: [pods, 3]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: c}
---
- just a list
---
kind: Role
)");
  EXPECT_TRUE(has_error(inputs, "rbac.shape", 5, 15)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.shape", 7, 10)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.shape", 9, 21)) << all_errors(inputs);
  EXPECT_TRUE(has_error(inputs, "rbac.name", 13, 11)) << all_errors(inputs);
  EXPECT_EQ(inputs.errors.size(), 6u) << all_errors(inputs);  // + the list, + no apiVersion
  EXPECT_TRUE(inputs.roles.empty());
  EXPECT_TRUE(inputs.bindings.empty());
}

TEST(RbacModelTest, KubectlDumpsAndTypedListsAreSplit) {
  const Inputs inputs =
      read(R"({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleList",
 "items": [{"metadata": {"name": "a"}, "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]},
           {"metadata": {"name": "b"}, "rules": null}]}
)");
  EXPECT_TRUE(inputs.errors.empty()) << all_errors(inputs);
  ASSERT_EQ(inputs.roles.size(), 2u);
  EXPECT_EQ(inputs.roles[0].kind, RoleKind::kClusterRole);
  EXPECT_EQ(inputs.roles[1].name, "b");
  EXPECT_TRUE(inputs.roles[1].rules.empty());

  const Inputs list = read(R"(apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: r}
  rules: []
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
- 42
)");
  ASSERT_EQ(list.roles.size(), 1u);
  EXPECT_EQ(list.roles[0].namespace_, "default");  // where kubectl apply puts it
  EXPECT_EQ(list.objects, 2u);
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_EQ(list.errors[0].line, 11u);
}

TEST(RbacModelTest, DuplicatesAndDanglingRoleRefsAreWarnings) {
  const Policy policy = testing::compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules: [{verbs: [list], apiGroups: [""], resources: [pods]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: c}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: d, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: u}]
)");
  ASSERT_EQ(policy.warnings().size(), 2u);
  EXPECT_NE(policy.warnings()[0].message.find("appears twice"), std::string::npos);
  EXPECT_EQ(policy.warnings()[0].line, 7u);
  EXPECT_NE(policy.warnings()[1].message.find("dangling roleRef"), std::string::npos);
  const Authorizer authorizer(policy);
  using testing::resource_request;
  EXPECT_TRUE(
      authorizer.authorize(make_user("u"), resource_request("list", "", "", "pods")).allowed);
  EXPECT_FALSE(
      authorizer.authorize(make_user("u"), resource_request("get", "", "", "pods")).allowed);
}

constexpr std::string_view kAggregation = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions:
    - {key: tier, operator: In, values: [mid, low]}
    - {key: skip, operator: DoesNotExist}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mid, labels: {tier: mid}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {part-of: mid}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b-source, labels: {part-of: mid}}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a-source, labels: {part-of: mid, tier: low}}
rules:
- {verbs: [list], apiGroups: [""], resources: [pods]}
- {verbs: [get], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: skipped, labels: {tier: low, skip: "yes"}}
rules: [{verbs: [delete], apiGroups: [""], resources: [pods]}]
)";

TEST(RbacModelTest, AggregationFollowsTheControllerThroughChains) {
  const Policy policy = testing::compile_yaml(kAggregation);
  using testing::rule;
  const auto& mid = policy.rules_of(policy.find_role(RoleKind::kClusterRole, "", "mid"));
  // Sources by name (a-source, b-source), duplicates left out.
  EXPECT_EQ(mid, (std::vector<PolicyRule>{rule("list", "''", "pods"), rule("get", "''", "pods")}));
  const auto& top = policy.rules_of(policy.find_role(RoleKind::kClusterRole, "", "top"));
  EXPECT_EQ(top, mid);  // a-source then mid: same rules; `skipped` fails DoesNotExist
  EXPECT_TRUE(policy.warnings().empty());
}

TEST(RbacModelTest, AggregationSourcesListWhatEachSelectorPicked) {
  const Policy policy = testing::compile_yaml(kAggregation);
  auto names = [&](std::string_view role) {
    std::vector<std::string> out;
    for (const AggregationSource& source :
         policy.aggregation_sources(policy.find_role(RoleKind::kClusterRole, "", role)))
      out.push_back(fmt::format("{}:{}", source.selector, policy.roles()[source.role].name));
    return out;
  };
  EXPECT_EQ(names("top"), (std::vector<std::string>{"0:a-source", "0:mid"}));
  EXPECT_EQ(names("mid"), (std::vector<std::string>{"0:a-source", "0:b-source"}));
  EXPECT_TRUE(names("b-source").empty());
  EXPECT_TRUE(policy.aggregation_settled());
}

TEST(RbacModelTest, AggregationListsAreBoundedAndSaySo) {
  // 2,100 roles selecting everything among 4,200: 8.8 million picks, past the listing limit.
  std::string json = R"({"apiVersion":"v1","kind":"List","items":[)";
  for (int i = 0; i < 2100; ++i) {
    json += fmt::format(
        R"({}{{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{{"name":"agg{}"}},"aggregationRule":{{"clusterRoleSelectors":[{{}}]}}}},)"
        R"({{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{{"name":"r{}"}},"rules":[{{"apiGroups":[""],"resources":["r{}"],"verbs":["get"]}}]}})",
        i == 0 ? "" : ",", i, i, i);
  }
  json += "]}";
  const Policy policy = testing::compile_yaml(json);
  EXPECT_FALSE(policy.aggregation_settled());
  ASSERT_FALSE(policy.warnings().empty());
  EXPECT_NE(policy.warnings().front().message.find("did not settle within the limits"),
            std::string::npos);
}

TEST(RbacModelTest, PartialDumpKeepsMaterializedRulesAndDriftIsReported) {
  // Only the aggregated role, as `kubectl get clusterrole top -o yaml` gives it.
  const Policy partial = testing::compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: "y"}}]}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
)");
  EXPECT_EQ(partial.rules_of(0).size(), 1u);
  EXPECT_TRUE(partial.warnings().empty());

  const Policy drift = testing::compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: "y"}}]}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: source, labels: {x: "y"}}
rules: [{verbs: [list], apiGroups: [""], resources: [pods]}]
)");
  EXPECT_EQ(drift.rules_of(0), drift.rules_of(1));
  ASSERT_EQ(drift.warnings().size(), 1u);
  EXPECT_NE(drift.warnings()[0].message.find("selects 1"), std::string::npos);
}

TEST(RbacModelTest, AggregationCyclesSettle) {
  const Policy policy = testing::compile_yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {ring: "1"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {ring: "1"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {ring: "1"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {ring: "1"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c, labels: {ring: "1"}}
rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
)");
  EXPECT_EQ(policy.rules_of(0).size(), 1u);
  EXPECT_EQ(policy.rules_of(1).size(), 1u);
}

TEST(RbacModelTest, CustomResourceDefinitionsAreRead) {
  const Inputs inputs = read(R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
)");
  ASSERT_EQ(inputs.custom_resources.size(), 1u);
  EXPECT_FALSE(inputs.custom_resources[0].namespaced);
  EXPECT_EQ(inputs.custom_resources[0].short_names, std::vector<std::string>{"wd"});
}

TEST(RbacModelTest, UnreadablePathsAreNamed) {
  const Inputs inputs = load_inputs({"/nonexistent/rbac.yaml"});
  ASSERT_EQ(inputs.errors.size(), 1u);
  EXPECT_EQ(inputs.errors[0].file, "/nonexistent/rbac.yaml");
}

}  // namespace
}  // namespace eksguard::rbac
