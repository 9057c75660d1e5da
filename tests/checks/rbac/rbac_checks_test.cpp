// K8S-RBAC checks: each check once where it must fire and once where it must not, plus the
// platform-object rule (bootstrap and EKS roles are reported only where custom bindings use them).
#include "checks/rbac/rbac_checks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../../rbac/rbac_test_support.h"

namespace eksguard::rbac_checks {
namespace {

std::vector<Finding> run(std::string_view yaml) {
  const rbac::Policy policy = rbac::testing::compile_yaml(yaml);
  std::vector<Finding> findings;
  check_rbac(policy, findings);
  return findings;
}

size_t count(const std::vector<Finding>& findings, std::string_view id) {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [&](const Finding& f) { return f.info().id == id; }));
}

const Finding* first(const std::vector<Finding>& findings, std::string_view id) {
  for (const Finding& f : findings)
    if (f.info().id == id) return &f;
  return nullptr;
}

// A custom ClusterRole `r` with one rule, bound cluster-wide to Group `team`.
std::string bound_role(std::string_view groups, std::string_view resources, std::string_view verbs,
                       std::string_view extra = {}) {
  return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
rules:
- apiGroups: [{}]
  resources: [{}]
  verbs: [{}]
{}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: rb
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}}
subjects:
- {{apiGroup: rbac.authorization.k8s.io, kind: Group, name: team}}
)",
                     groups, resources, verbs, extra);
}

struct Case {
  std::string_view id;
  std::string_view groups, resources, verbs;
  bool fires;
};

class RiskTest : public ::testing::TestWithParam<Case> {};

TEST_P(RiskTest, FiresOnlyForTheRiskyPermission) {
  const Case& c = GetParam();
  const auto findings = run(bound_role(c.groups, c.resources, c.verbs));
  EXPECT_EQ(count(findings, c.id), c.fires ? 1u : 0u)
      << c.id << " on " << c.verbs << " " << c.resources;
  if (!c.fires) return;
  const Finding* f = first(findings, c.id);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->resource().kind, "ClusterRole");
  EXPECT_EQ(f->resource().name, "r");
  EXPECT_EQ(f->position.line, 1u);
  EXPECT_EQ(f->path, "rules[0]");
  EXPECT_NE(f->message.find("Group team through ClusterRoleBinding rb"), std::string::npos)
      << f->message;
}

INSTANTIATE_TEST_SUITE_P(
    Checks, RiskTest,
    ::testing::Values(
        Case{"K8S-RBAC-003", "''", "secrets", "list", true},
        Case{"K8S-RBAC-003", "''", "configmaps", "list", false},
        Case{"K8S-RBAC-004", "apps", "'*'", "get", true},
        Case{"K8S-RBAC-004", "apps", "deployments", "get", false},
        Case{"K8S-RBAC-005", "''", "pods", "create", true},
        Case{"K8S-RBAC-005", "apps", "deployments", "patch", true},
        Case{"K8S-RBAC-005", "''", "pods", "get", false},
        Case{"K8S-RBAC-006", "''", "pods/exec", "get", true},
        Case{"K8S-RBAC-006", "''", "'*/attach'", "create", true},
        Case{"K8S-RBAC-006", "''", "pods/log", "get", false},
        Case{"K8S-RBAC-007", "rbac.authorization.k8s.io", "clusterroles", "bind", true},
        Case{"K8S-RBAC-007", "rbac.authorization.k8s.io", "rolebindings", "create", true},
        Case{"K8S-RBAC-007", "rbac.authorization.k8s.io", "roles", "list", false},
        Case{"K8S-RBAC-008", "''", "serviceaccounts", "impersonate", true},
        Case{"K8S-RBAC-008", "authentication.k8s.io", "userextras/scopes", "impersonate", true},
        Case{"K8S-RBAC-008", "authentication.k8s.io", "'*'", "impersonate", true},
        Case{"K8S-RBAC-008", "''", "serviceaccounts", "get", false},
        Case{"K8S-RBAC-009", "''", "nodes/proxy", "get", true},
        Case{"K8S-RBAC-009", "''", "nodes", "get", false},
        Case{"K8S-RBAC-010", "''", "serviceaccounts/token", "create", true},
        Case{"K8S-RBAC-010", "''", "secrets", "patch", true},
        Case{"K8S-RBAC-010", "''", "serviceaccounts", "create", false},
        Case{"K8S-RBAC-012", "admissionregistration.k8s.io", "mutatingwebhookconfigurations",
             "update", true},
        Case{"K8S-RBAC-012", "admissionregistration.k8s.io", "mutatingwebhookconfigurations",
             "list", false},
        Case{"K8S-RBAC-013", "''", "configmaps", "patch", true},
        Case{"K8S-RBAC-013", "''", "configmaps", "get", false},
        Case{"K8S-RBAC-014", "''", "persistentvolumes", "create", true},
        Case{"K8S-RBAC-014", "''", "persistentvolumeclaims", "create", false},
        Case{"K8S-RBAC-015", "''", "pods/ephemeralcontainers", "patch", true},
        Case{"K8S-RBAC-015", "''", "nodes/status", "update", true},
        Case{"K8S-RBAC-015", "''", "pods/status", "get", false}),
    [](const ::testing::TestParamInfo<Case>& param) {
      return std::string(param.param.id.substr(9)) + "_" + std::to_string(param.index);
    });

TEST(RbacChecksTest, CsrApprovalNeedsBothPermissions) {
  const std::string approval_only =
      bound_role("certificates.k8s.io", "certificatesigningrequests/approval", "update");
  EXPECT_EQ(count(run(approval_only), "K8S-RBAC-011"), 0u);
  const std::string both = bound_role(
      "certificates.k8s.io", "certificatesigningrequests/approval", "update",
      "- apiGroups: [certificates.k8s.io]\n  resources: [signers]\n  verbs: [approve]\n");
  const auto findings = run(both);
  ASSERT_EQ(count(findings, "K8S-RBAC-011"), 1u);
  EXPECT_NE(first(findings, "K8S-RBAC-011")->message.find("rules[0] and rules[1]"),
            std::string::npos);
}

TEST(RbacChecksTest, StatusWritesAreMediumEphemeralContainersHigh) {
  EXPECT_EQ(first(run(bound_role("''", "services/status", "patch")), "K8S-RBAC-015")->severity,
            Severity::kMedium);
  EXPECT_EQ(
      first(run(bound_role("''", "pods/ephemeralcontainers", "patch")), "K8S-RBAC-015")->severity,
      Severity::kHigh);
}

TEST(RbacChecksTest, AwsAuthWritableOnlyWhereItReachesKubeSystem) {
  constexpr std::string_view kRole = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-writer, namespace: NS}
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [NAME]
  verbs: [update]
)";
  auto role = [&](std::string_view ns, std::string_view name) {
    std::string text(kRole);
    text.replace(text.find("NS"), 2, ns);
    text.replace(text.find("NAME"), 4, name);
    return text;
  };
  EXPECT_EQ(count(run(role("kube-system", "aws-auth")), "K8S-RBAC-013"), 1u);
  EXPECT_EQ(count(run(role("kube-system", "coredns")), "K8S-RBAC-013"), 0u);
  EXPECT_EQ(count(run(role("dev", "aws-auth")), "K8S-RBAC-013"), 0u);
}

TEST(RbacChecksTest, ClusterAdminEquivalentOnClusterWideBindingsAndSystemMasters) {
  const auto findings = run(bound_role("'*'", "'*'", "'*'"));
  ASSERT_EQ(count(findings, "K8S-RBAC-001"), 1u);
  const Finding* f = first(findings, "K8S-RBAC-001");
  EXPECT_EQ(f->resource().kind, "ClusterRoleBinding");
  EXPECT_EQ(f->path, "roleRef");
  EXPECT_EQ(count(findings, "K8S-RBAC-004"), 1u);  // the custom role's wildcards
  // The superuser rule says it all: no secrets/exec/... findings on top of it.
  EXPECT_EQ(count(findings, "K8S-RBAC-003"), 0u);

  const auto masters = run(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: m, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:masters}
)");
  EXPECT_EQ(count(masters, "K8S-RBAC-001"), 1u);

  // Bound in one namespace only: namespace admin, not cluster admin.
  std::string namespaced = bound_role("'*'", "'*'", "'*'");
  namespaced.replace(namespaced.find("kind: ClusterRoleBinding"), 24, "kind: RoleBinding");
  namespaced.replace(namespaced.find("name: rb"), 8, "name: rb\n  namespace: dev");
  EXPECT_EQ(count(run(namespaced), "K8S-RBAC-001"), 0u);
}

constexpr std::string_view kBootstrap = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:controller:token-cleaner
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:controller:token-cleaner
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:token-cleaner}
subjects:
- {kind: ServiceAccount, name: token-cleaner, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "eks:pod-reader"}
rules:
- apiGroups: [""]
  resources: [pods/exec]
  verbs: [create]
)";

TEST(RbacChecksTest, PlatformRolesAndBindingsAreNotReported) {
  EXPECT_TRUE(run(kBootstrap).empty());
}

TEST(RbacChecksTest, PlatformRoleHandedOutByACustomBindingIsReportedOnTheBinding) {
  const std::string yaml = std::string(kBootstrap) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: borrow, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:controller:token-cleaner}
subjects:
- {kind: ServiceAccount, name: app}
)";
  const auto findings = run(yaml);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].info().id, "K8S-RBAC-003");
  EXPECT_EQ(findings[0].resource().kind, "RoleBinding");
  EXPECT_EQ(findings[0].resource().name, "borrow");
  EXPECT_EQ(findings[0].position.line, 28u);
  EXPECT_NE(findings[0].message.find("ServiceAccount dev/app"), std::string::npos);
}

TEST(RbacChecksTest, WithoutTheAnnotationASystemNameIsCustom) {
  std::string yaml(kBootstrap);
  yaml.erase(yaml.find("  annotations"), yaml.find("rules:") - yaml.find("  annotations"));
  EXPECT_EQ(count(run(yaml), "K8S-RBAC-003"), 1u);
}

TEST(RbacChecksTest, AnonymousAndAuthenticatedGrants) {
  constexpr std::string_view kBinding = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: NAME}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ROLE}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: GROUP}
)";
  auto binding = [&](std::string_view name, std::string_view role, std::string_view group) {
    std::string text(kBinding);
    text.replace(text.find("NAME"), 4, name);
    text.replace(text.find("ROLE"), 4, role);
    text.replace(text.find("GROUP"), 5, group);
    return text;
  };
  EXPECT_EQ(count(run(binding("anon", "view", "system:unauthenticated")), "K8S-RBAC-002"), 1u);
  EXPECT_EQ(count(run(binding("all", "view", "system:authenticated")), "K8S-RBAC-002"), 1u);
  EXPECT_EQ(count(run(binding("system:public-info-viewer", "system:public-info-viewer",
                              "system:unauthenticated")),
                  "K8S-RBAC-002"),
            0u);
  EXPECT_EQ(count(run(binding("mine", "system:discovery", "system:authenticated")), "K8S-RBAC-002"),
            0u);
  EXPECT_EQ(count(run(binding("x", "view", "developers")), "K8S-RBAC-002"), 0u);
}

TEST(RbacChecksTest, AggregationLabelsOnCustomClusterRoles) {
  const std::string yaml = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: extra
  labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: [get]}
)";
  const auto findings = run(yaml);
  ASSERT_EQ(count(findings, "K8S-RBAC-016"), 1u);
  EXPECT_EQ(first(findings, "K8S-RBAC-016")->path, "metadata.labels");
  std::string other = yaml;
  other.replace(other.find("aggregate-to-edit"), 17, "aggregate-to-mine");
  EXPECT_EQ(count(run(other), "K8S-RBAC-016"), 0u);
}

TEST(RbacChecksTest, DanglingRoleRefAndInvalidSubjects) {
  const auto findings = run(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "*"}
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
)");
  ASSERT_EQ(count(findings, "K8S-RBAC-017"), 1u);
  EXPECT_EQ(first(findings, "K8S-RBAC-017")->path, "roleRef");
  ASSERT_EQ(count(findings, "K8S-RBAC-018"), 1u);
  EXPECT_EQ(first(findings, "K8S-RBAC-018")->path, "subjects[0]");
  EXPECT_EQ(count(run(bound_role("''", "configmaps", "get")), "K8S-RBAC-017"), 0u);
}

// `count` ClusterRoleBindings b0, b1, … of ClusterRoles role0, role1, … to User alice.
std::string roles_for_alice(int count) {
  std::string yaml;
  for (int i = 0; i < count; ++i) {
    yaml += fmt::format(R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: b{0}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role{0}}}
subjects:
- {{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}}
)",
                        i);
  }
  return yaml;
}

TEST(RbacChecksTest, ManyRolesForOneSubjectIsInformational) {
  std::string yaml = roles_for_alice(4);
  auto findings = run(yaml);
  ASSERT_EQ(count(findings, "K8S-RBAC-020"), 1u);
  EXPECT_EQ(first(findings, "K8S-RBAC-020")->resource().name, "b0");
  EXPECT_EQ(first(findings, "K8S-RBAC-020")->severity, Severity::kInfo);
  yaml.resize(yaml.rfind("---"));
  EXPECT_EQ(count(run(yaml), "K8S-RBAC-020"), 0u);
}

TEST(RbacChecksTest, ManyRolesThresholdIsConfigurable) {
  const rbac::Policy policy = rbac::testing::compile_yaml(roles_for_alice(2));
  std::vector<Finding> findings;
  check_rbac(policy, findings, Options{.roles_per_subject = 2});
  EXPECT_EQ(count(findings, "K8S-RBAC-020"), 1u);
}

// RoleBindings in `dev`, each naming `per_binding` distinct users.
std::string namespace_bindings(int bindings, int per_binding, std::string_view ns = "dev",
                               std::string_view prefix = "rb") {
  std::string yaml;
  for (int b = 0; b < bindings; ++b) {
    yaml += fmt::format(R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {2}{0}, namespace: {1}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects:
)",
                        b, ns, prefix);
    for (int u = 0; u < per_binding; ++u)
      yaml += fmt::format(
          "- {{apiGroup: rbac.authorization.k8s.io, kind: User, name: user{}-{}}}\n", b, u);
  }
  return yaml;
}

TEST(RbacChecksTest, NamespaceWithManySubjectsIsInformational) {
  // Subjects are counted once: user0-0..2 and user0-0..1 are three distinct subjects.
  auto findings = run(namespace_bindings(1, 3) + namespace_bindings(1, 2, "dev", "again"));
  EXPECT_EQ(count(findings, "K8S-RBAC-020"), 0u);

  findings = run(namespace_bindings(5, 1));
  ASSERT_EQ(count(findings, "K8S-RBAC-020"), 1u);
  const Finding* f = first(findings, "K8S-RBAC-020");
  EXPECT_EQ(f->resource().kind, "RoleBinding");
  EXPECT_EQ(f->resource().name, "rb0");
  EXPECT_EQ(f->position.line, 2u);
  EXPECT_EQ(f->path, "subjects");
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_NE(f->message.find("namespace dev: its RoleBindings name 5 subjects (User user0-0, "),
            std::string::npos)
      << f->message;

  EXPECT_EQ(count(run(namespace_bindings(4, 1)), "K8S-RBAC-020"), 0u);
  // Spread over two namespaces: neither reaches five.
  EXPECT_EQ(count(run(namespace_bindings(3, 1) + namespace_bindings(2, 1, "prod")), "K8S-RBAC-020"),
            0u);

  const rbac::Policy policy = rbac::testing::compile_yaml(namespace_bindings(4, 1));
  std::vector<Finding> configured;
  check_rbac(policy, configured, Options{.subjects_per_namespace = 4});
  EXPECT_EQ(count(configured, "K8S-RBAC-020"), 1u);
}

// A custom ClusterRole `gather` aggregating with `selector`, bound cluster-wide to Group
// `everyone-here`, and ClusterRoles `secrets` (labelled tier: ops) and `pods` (labelled
// tier: dev) it may pick.
std::string labelled_role(std::string_view name, std::string_view tier, std::string_view verbs) {
  return fmt::format(R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {0}
  labels: {{tier: {1}}}
rules:
- {{apiGroups: [""], resources: [{0}], verbs: [{2}]}}
)",
                     name, tier, verbs);
}

std::string aggregation(std::string_view selector, bool bound = true) {
  std::string yaml = fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: gather}}
aggregationRule:
  clusterRoleSelectors:
  - {}
rules: []
)",
                                 selector);
  yaml += labelled_role("secrets", "ops", "get, list") + labelled_role("pods", "dev", "get");
  if (bound)
    yaml += R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: gather-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gather}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: everyone-here}
)";
  return yaml;
}

std::vector<const Finding*> all_of(const std::vector<Finding>& findings, std::string_view id) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings)
    if (f.info().id == id) out.push_back(&f);
  return out;
}

TEST(RbacChecksTest, AggregationRuleNamesWhatItPullsIn) {
  const auto findings = run(aggregation("{matchLabels: {tier: ops}}"));
  const auto agg = all_of(findings, "K8S-RBAC-016");
  ASSERT_EQ(agg.size(), 1u);
  EXPECT_EQ(agg[0]->resource().name, "gather");
  EXPECT_EQ(agg[0]->path, "aggregationRule");
  EXPECT_EQ(agg[0]->position.line, 1u);
  EXPECT_EQ(agg[0]->severity, Severity::kHigh);  // secrets pulled into a bound role
  EXPECT_NE(agg[0]->message.find("aggregates the rules of 1 ClusterRole: \"secrets\" "
                                 "(clusterRoleSelectors[0]; can read secrets)"),
            std::string::npos)
      << agg[0]->message;
  EXPECT_NE(agg[0]->message.find("Group everyone-here through ClusterRoleBinding gather-all"),
            std::string::npos);
  // The aggregated rules are the role's own: K8S-RBAC-003 reports them on it too.
  EXPECT_EQ(first(findings, "K8S-RBAC-003")->resource().name, "gather");
  ASSERT_EQ(all_of(findings, "K8S-RBAC-003").size(), 2u);  // on gather and on secrets
}

TEST(RbacChecksTest, AggregationRuleSeverityFollowsRightsAndBindings) {
  auto severity = [](const std::string& yaml) {
    const auto findings = run(yaml);
    const auto agg = all_of(findings, "K8S-RBAC-016");
    EXPECT_EQ(agg.size(), 1u);
    return agg.empty() ? Severity::kInfo : agg[0]->severity;
  };
  EXPECT_EQ(severity(aggregation("{matchLabels: {tier: ops}}", false)), Severity::kMedium);
  EXPECT_EQ(severity(aggregation("{matchLabels: {tier: dev}}")), Severity::kLow);
  const auto none = run(aggregation("{matchLabels: {tier: qa}}"));
  ASSERT_EQ(count(none, "K8S-RBAC-016"), 1u);
  EXPECT_NE(first(none, "K8S-RBAC-016")->message.find("picks none of the ClusterRoles"),
            std::string::npos);
}

TEST(RbacChecksTest, MatchExpressionsSelectLikeTheController) {
  const auto in =
      run(aggregation("{matchExpressions: [{key: tier, operator: In, values: [ops, qa]}]}"));
  EXPECT_NE(first(in, "K8S-RBAC-016")->message.find("1 ClusterRole: \"secrets\""),
            std::string::npos);
  const auto not_in = run(aggregation(
      "{matchExpressions: [{key: tier, operator: Exists}, {key: tier, operator: NotIn, values: "
      "[ops]}]}"));
  // Exists with NotIn and no In: broad, and it picks `pods` only.
  const auto agg = all_of(not_in, "K8S-RBAC-016");
  ASSERT_EQ(agg.size(), 2u);
  const auto broad = std::find_if(agg.begin(), agg.end(), [](const Finding* f) {
    return f->path == "aggregationRule.clusterRoleSelectors[0]";
  });
  ASSERT_NE(broad, agg.end());
  EXPECT_NE((*broad)->message.find("carrying the label key tier, whatever its value: it picks 1 "
                                   "of the 3 ClusterRoles"),
            std::string::npos)
      << (*broad)->message;
}

TEST(RbacChecksTest, BroadSelectorsAreHigh) {
  for (std::string_view selector :
       {"{}", "{matchExpressions: [{key: tier, operator: Exists}]}",
        "{matchExpressions: [{key: locked, operator: DoesNotExist}]}"}) {
    const auto findings = run(aggregation(selector));
    const auto agg = all_of(findings, "K8S-RBAC-016");
    const auto broad = std::find_if(agg.begin(), agg.end(), [](const Finding* f) {
      return f->path == "aggregationRule.clusterRoleSelectors[0]";
    });
    ASSERT_NE(broad, agg.end()) << selector;
    EXPECT_EQ((*broad)->severity, Severity::kHigh);
    EXPECT_NE((*broad)->message.find("picks 2 of the 3 ClusterRoles"), std::string::npos)
        << (*broad)->message;
    EXPECT_NE((*broad)->message.find("whoever can create or label a ClusterRole adds its rules"),
              std::string::npos);
  }
  // A selector on a label value is not broad.
  const auto narrow = run(aggregation("{matchLabels: {tier: ops}}"));
  for (const Finding* f : all_of(narrow, "K8S-RBAC-016"))
    EXPECT_EQ(f->path, "aggregationRule") << f->message;
}

TEST(RbacChecksTest, CustomRolePickedByAPlatformAggregationIsReportedOnItsLabels) {
  const std::string yaml = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregate-monitoring
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-monitoring: "true"}}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: sneaky
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
)";
  const auto findings = run(yaml);
  ASSERT_EQ(count(findings, "K8S-RBAC-016"), 1u);
  const Finding* f = first(findings, "K8S-RBAC-016");
  EXPECT_EQ(f->resource().name, "sneaky");
  EXPECT_EQ(f->path, "metadata.labels");
  EXPECT_EQ(f->position.line, 10u);
  EXPECT_NE(f->message.find("ClusterRole \"system:aggregate-monitoring\" "
                            "aggregationRule.clusterRoleSelectors[0] selects"),
            std::string::npos)
      << f->message;
  std::string unlabelled = yaml;
  unlabelled.replace(unlabelled.rfind("\"true\"}"), 7, "\"no\"}");
  EXPECT_EQ(count(run(unlabelled), "K8S-RBAC-016"), 0u);
}

TEST(RbacChecksTest, GroupsForIdentityChecks) {
  const rbac::Policy policy =
      rbac::testing::compile_yaml(bound_role("'*'", "'*'", "'*'") + "---\n" +
                                  R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: v, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: viewers}
)");
  EXPECT_EQ(bound_groups(policy), (std::vector<std::string>{"team", "viewers"}));
  EXPECT_EQ(cluster_admin_groups(policy), (std::vector<std::string>{"system:masters", "team"}));
}

}  // namespace
}  // namespace eksguard::rbac_checks
