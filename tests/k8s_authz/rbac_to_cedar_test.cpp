// RBAC → Cedar: exact output for a few conversions (written here), what is reported instead of
// converted, schema validation of every conversion (default ClusterRoles, the prototype's golden
// pairs, the cases here), and `eksguard rbac to-cedar`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cedar/format/formatter.h"
#include "cedar/policy_set.h"
#include "cedar/validator/validator.h"
#include "k8s_authz/k8s_schema.h"
#include "k8s_authz/rbac_to_cedar_test_support.h"
#include "support/test_support.h"

namespace eksguard::k8s_authz {
namespace {

constexpr std::string_view kHeader = "apiVersion: rbac.authorization.k8s.io/v1\n";

std::string crb(std::string_view role, std::string_view subjects) {
  return fmt::format(
      "---\n{}kind: ClusterRoleBinding\nmetadata: {{name: b}}\nroleRef: {{apiGroup: "
      "rbac.authorization.k8s.io, kind: ClusterRole, name: {}}}\nsubjects: {}\n",
      kHeader, role, subjects);
}

std::string cluster_role(std::string_view name, std::string_view rules) {
  return fmt::format("---\n{}kind: ClusterRole\nmetadata: {{name: {}}}\nrules: {}\n", kHeader, name,
                     rules);
}

// Converts, checks the output validates against the published schema, returns the text.
std::string converted(std::string_view yaml, Conversion* out = nullptr) {
  const rbac::Policy policy = testing::compile_text(yaml);
  Conversion conversion = testing::convert(policy);
  if (!conversion.cedar.empty()) {
    auto schema = k8s_schema();
    EXPECT_TRUE(schema) << schema.error().message;
    auto policies = cedar::PolicySet::parse(conversion.cedar, "converted.cedar");
    EXPECT_TRUE(policies);
    if (schema && policies) {
      const auto validation = cedar::validate(*policies, *schema);
      EXPECT_TRUE(validation.ok())
          << cedar::render_all(validation.diagnostics(), policies->source()) << "\n"
          << conversion.cedar;
      EXPECT_EQ(validation.warning_count(), 0u)
          << cedar::render_all(validation.diagnostics(), policies->source());
    }
    auto reformatted = cedar::format_policies(conversion.cedar, "converted.cedar");
    EXPECT_TRUE(reformatted);
    if (reformatted) {
      EXPECT_EQ(*reformatted, conversion.cedar);  // already formatted
    }
  }
  if (out) *out = conversion;
  return conversion.cedar;
}

TEST(RbacToCedar, WildcardsSubresourcesNamesAndUserSubjects) {
  const std::string yaml =
      crb("r",
          "[{apiGroup: rbac.authorization.k8s.io, kind: User, name: "
          "\"system:serviceaccount:ci:deployer\"}, {apiGroup: rbac.authorization.k8s.io, kind: "
          "Group, name: "
          "devs}]") +
      cluster_role("r",
                   "[{apiGroups: ['*'], resources: ['*'], verbs: [get]},"
                   " {apiGroups: [apps, ''], resources: ['*/scale', deployments, pods/log, "
                   "pods/*], verbs: [update, patch]},"
                   " {apiGroups: [''], resources: [configmaps], resourceNames: [cm1, cm2], "
                   "verbs: [get, delete]}]");
  EXPECT_EQ(converted(yaml), R"(@clusterRoleBinding("b")
@clusterRole("r")
@policyRule("00")
permit (
  principal,
  action == k8s::Action::"get",
  resource is k8s::Resource
)
when
{
  (principal is k8s::ServiceAccount &&
   principal.namespace == "ci" &&
   principal.name == "deployer") ||
  principal in k8s::Group::"devs"
};

@clusterRoleBinding("b")
@clusterRole("r")
@policyRule("01")
permit (
  principal,
  action in [k8s::Action::"update", k8s::Action::"patch"],
  resource is k8s::Resource
)
when
{
  ((principal is k8s::ServiceAccount &&
    principal.namespace == "ci" &&
    principal.name == "deployer") ||
   principal in k8s::Group::"devs") &&
  ["apps", ""].contains(resource.apiGroup) &&
  ((!(resource has subresource) && resource.resource == "deployments") ||
   (resource has subresource &&
    (resource.subresource == "scale" ||
     (resource.resource == "pods" && resource.subresource == "log") ||
     (resource.resource == "pods" && resource.subresource == "*"))))
};

@clusterRoleBinding("b")
@clusterRole("r")
@policyRule("02")
permit (
  principal,
  action in [k8s::Action::"get", k8s::Action::"delete"],
  resource is k8s::Resource
)
when
{
  ((principal is k8s::ServiceAccount &&
    principal.namespace == "ci" &&
    principal.name == "deployer") ||
   principal in k8s::Group::"devs") &&
  resource.apiGroup == "" &&
  resource.resource == "configmaps" &&
  resource has name &&
  ["cm1", "cm2"].contains(resource.name)
}
unless { resource has subresource };
)");
}

TEST(RbacToCedar, NonResourceUrlPrefixesAreEscapedLikePatterns) {
  const std::string yaml =
      crb("r", "[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: g}]") +
      cluster_role("r", "[{nonResourceURLs: ['/healthz/*', '/we*rd/**', /version], verbs: [get]}]");
  EXPECT_EQ(converted(yaml), R"(@clusterRoleBinding("b")
@clusterRole("r")
@policyRule("00")
permit (
  principal in k8s::Group::"g",
  action == k8s::Action::"get",
  resource is k8s::NonResourceURL
)
when
{
  resource.path like "/healthz/*" ||
  resource.path like "/we\*rd/*" ||
  resource.path == "/version"
};
)");
}

TEST(RbacToCedar, RoleBindingRestrictsNamespaceAndDefaultsServiceAccounts) {
  const std::string yaml = fmt::format(
      "{}kind: RoleBinding\nmetadata: {{name: rb, namespace: team}}\nroleRef: {{apiGroup: "
      "rbac.authorization.k8s.io, kind: ClusterRole, name: r}}\nsubjects: [{{kind: "
      "ServiceAccount, name: bot}}]\n{}",
      kHeader,
      cluster_role("r",
                   "[{apiGroups: [''], resources: [secrets], verbs: [list]},"
                   " {nonResourceURLs: ['/metrics'], verbs: [get]},"
                   " {apiGroups: [authentication.k8s.io], resources: [serviceaccounts, users], "
                   "verbs: [impersonate]}]"));
  Conversion conversion;
  EXPECT_EQ(converted(yaml, &conversion), R"(@roleBinding("rb")
@clusterRole("r")
@policyRule("00")
@namespace("team")
permit (
  principal is k8s::ServiceAccount,
  action == k8s::Action::"list",
  resource is k8s::Resource
)
when
{
  principal.namespace == "team" &&
  principal.name == "bot" &&
  resource.apiGroup == "" &&
  resource.resource == "secrets" &&
  resource has namespace &&
  resource.namespace == "team"
}
unless { resource has subresource };

@roleBinding("rb")
@clusterRole("r")
@policyRule("02")
@namespace("team")
permit (
  principal is k8s::ServiceAccount,
  action == k8s::Action::"impersonate",
  resource
)
when
{
  principal.namespace == "team" &&
  principal.name == "bot" &&
  resource is k8s::ServiceAccount &&
  resource.namespace == "team"
};
)");
  ASSERT_EQ(conversion.notes.size(), 1u);
  EXPECT_EQ(conversion.notes[0].code, "rbac-to-cedar.rule-not-converted");
  EXPECT_NE(conversion.notes[0].message.find("rule 01"), std::string::npos);
}

TEST(RbacToCedar, ImpersonationOfNodesUidsAndExtras) {
  const std::string yaml =
      crb("r", "[{apiGroup: rbac.authorization.k8s.io, kind: User, name: \"system:node:n1\"}]") +
      cluster_role("r",
                   "[{apiGroups: [authentication.k8s.io], resources: [users, uids, "
                   "userextras/scopes], resourceNames: [\"system:node:n2\", alice], verbs: "
                   "[impersonate]}]");
  EXPECT_EQ(converted(yaml), R"(@clusterRoleBinding("b")
@clusterRole("r")
@policyRule("00")
permit (
  principal is k8s::Node,
  action == k8s::Action::"impersonate",
  resource
)
when
{
  principal.name == "n1" &&
  ((resource is k8s::Node && resource.name == "n2") ||
   (resource is k8s::User && resource.name == "alice") ||
   (resource is k8s::PrincipalUID &&
    resource in [
      k8s::PrincipalUID::"system:node:n2",
      k8s::PrincipalUID::"alice"
    ]) ||
   (resource is k8s::Extra &&
    resource.key == "scopes" &&
    resource has value &&
    ["system:node:n2", "alice"].contains(resource.value)))
};
)");
}

TEST(RbacToCedar, AggregatedClusterRolesUseTheAggregatedRules) {
  const std::string yaml =
      crb("agg", "[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: g}]") +
      fmt::format(
          "---\n{}kind: ClusterRole\nmetadata: {{name: agg}}\naggregationRule:\n  "
          "clusterRoleSelectors: [{{matchLabels: {{to-agg: \"true\"}}}}]\nrules: []\n",
          kHeader) +
      fmt::format(
          "---\n{}kind: ClusterRole\nmetadata: {{name: part, labels: {{to-agg: \"true\"}}}}\n"
          "rules: [{{apiGroups: [''], resources: [pods], verbs: [watch]}}]\n",
          kHeader);
  const std::string cedar = converted(yaml);
  EXPECT_NE(cedar.find("@clusterRole(\"agg\")"), std::string::npos) << cedar;
  EXPECT_NE(cedar.find("resource.resource == \"pods\""), std::string::npos) << cedar;
  EXPECT_NE(cedar.find("k8s::Action::\"watch\""), std::string::npos) << cedar;
}

TEST(RbacToCedar, ReportsWhatItCannotConvert) {
  Conversion conversion;
  // A dangling roleRef, verbs without a schema action, a service account without a namespace.
  const std::string yaml =
      crb("missing", "[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: g}]") +
      fmt::format(
          "---\n{}kind: ClusterRoleBinding\nmetadata: {{name: c}}\nroleRef: {{apiGroup: "
          "rbac.authorization.k8s.io, kind: ClusterRole, name: r}}\nsubjects: [{{apiGroup: "
          "rbac.authorization.k8s.io, kind: Group, "
          "name: g}}]\n",
          kHeader) +
      cluster_role("r",
                   "[{apiGroups: [''], resources: [pods], verbs: [get, frobnicate]},"
                   " {nonResourceURLs: ['/x'], verbs: [list]}]");
  const std::string cedar = converted(yaml, &conversion);
  EXPECT_EQ(conversion.policies, 1u);
  ASSERT_EQ(conversion.notes.size(), 3u);
  EXPECT_EQ(conversion.notes[0].code, "rbac-to-cedar.dangling-role-ref");
  EXPECT_EQ(conversion.notes[0].file, "test.yaml");
  EXPECT_GT(conversion.notes[0].line, 0u);
  EXPECT_EQ(conversion.notes[1].code, "rbac-to-cedar.verb-not-converted");
  EXPECT_NE(conversion.notes[1].message.find("frobnicate"), std::string::npos);
  EXPECT_EQ(conversion.notes[2].code, "rbac-to-cedar.verb-not-converted");
  EXPECT_NE(conversion.notes[2].message.find("rule not converted"), std::string::npos);
}

TEST(RbacToCedar, StringsAreEscaped) {
  const std::string yaml =
      crb("r", "[{apiGroup: rbac.authorization.k8s.io, kind: User, name: \"we\\\"ird\\\\name\"}]") +
      cluster_role("r", "[{nonResourceURLs: ['/a\"b*'], verbs: [get]}]");
  const std::string cedar = converted(yaml);
  EXPECT_NE(cedar.find(R"(principal.name == "we\"ird\\name")"), std::string::npos) << cedar;
  EXPECT_NE(cedar.find(R"(resource.path like "/a\"b*")"), std::string::npos) << cedar;
}

// Every conversion of the default ClusterRoles (bound cluster-wide and in a namespace) and of
// the golden pairs validates against the published k8s schema with no warning.
TEST(RbacToCedar, DefaultRolesAndGoldenPairsValidate) {
  std::filesystem::path roles_file;
  EKSGUARD_REQUIRE_SHARED("conformance/rbac/bootstrap/cluster-roles.yaml", roles_file);
  std::filesystem::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/internal/convert/testdata", dir);
  std::string yaml = testing::read_text(roles_file);
  const rbac::Policy roles = testing::compile_text(yaml);
  for (const rbac::Role& role : roles.roles()) {
    yaml += fmt::format(
        "---\n{}kind: ClusterRoleBinding\nmetadata: {{name: \"{}\"}}\nroleRef: {{apiGroup: "
        "rbac.authorization.k8s.io, kind: ClusterRole, name: \"{}\"}}\nsubjects: [{{apiGroup: "
        "rbac.authorization.k8s.io, kind: Group, name: g}}, {{kind: ServiceAccount, name: s, "
        "namespace: ns1}}]\n",
        kHeader, role.name, role.name);
    yaml += fmt::format(
        "---\n{}kind: RoleBinding\nmetadata: {{name: \"{}\", namespace: team}}\nroleRef: "
        "{{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \"{}\"}}\nsubjects: "
        "[{{apiGroup: rbac.authorization.k8s.io, kind: User, name: u}}]\n",
        kHeader, role.name, role.name);
  }
  Conversion conversion;
  converted(yaml, &conversion);
  EXPECT_GT(conversion.policies, 350u);  // 389: one per (binding, rule) that can apply
  for (const char* name : {"cluster-admin", "crazy-policy", "impersonate",
                           "impersonate-mixed-types", "non-resource-url", "system__coredns"}) {
    SCOPED_TRACE(name);
    converted(testing::golden_pair_objects(testing::read_text(dir / (std::string(name) + ".yaml")),
                                           false));
  }
}

TEST(RbacToCedar, InvalidServiceAccountGivesAnEmptyPolicySet) {
  std::filesystem::path file;
  EKSGUARD_REQUIRE_SHARED(
      "conformance/cedar-k8s/internal/convert/testdata/invalid-service-account.yaml", file);
  Conversion conversion;
  EXPECT_EQ(converted(testing::golden_pair_objects(testing::read_text(file), false), &conversion),
            "");
  EXPECT_EQ(conversion.policies, 0u);
  ASSERT_EQ(conversion.notes.size(), 1u);
  EXPECT_EQ(conversion.notes[0].code, "rbac-to-cedar.no-subject");
}

TEST(RbacToCedarCli, PrintsCedarOrJsonAndFailsOnBadInput) {
  eksguard::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "rbac.yaml";
  std::ofstream(file) << crb("r", "[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: g}]")
                      << cluster_role("r", "[{apiGroups: [''], resources: [pods], verbs: [get]}]");
  const auto cedar = eksguard::testing::run_eksguard("rbac to-cedar " + file.string());
  EXPECT_EQ(cedar.exit_code, 0);
  EXPECT_NE(cedar.out.find("permit ("), std::string::npos) << cedar.out;
  const auto json = eksguard::testing::run_eksguard("rbac to-cedar --format json " + file.string());
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"staticPolicies\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"policyRule\": \"00\""), std::string::npos) << json.out;

  const std::filesystem::path bad = dir.path() / "bad.yaml";
  std::ofstream(bad) << "kind: [";
  const auto failed = eksguard::testing::run_eksguard("rbac to-cedar " + bad.string(), true);
  EXPECT_EQ(failed.exit_code, 2) << failed.out;
  const auto both =
      eksguard::testing::run_eksguard("rbac to-cedar " + file.string() + " " + bad.string(), true);
  EXPECT_EQ(both.exit_code, 2) << both.out;
  EXPECT_NE(both.out.find("permit ("), std::string::npos) << both.out;
  const auto format =
      eksguard::testing::run_eksguard("rbac to-cedar --format yaml " + file.string(), true);
  EXPECT_EQ(format.exit_code, 2);
}

}  // namespace
}  // namespace eksguard::k8s_authz
