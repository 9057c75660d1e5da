// Workload identity: IAM trust policies (object and URL-encoded), Pod Identity associations and
// IRSA-annotated ServiceAccounts read by IdentityCollector, and the EKS-IRSA/EKS-PI checks on
// them, positive and negative, with positions; malformed policies become input errors.
#include "identity/workload_identity.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "identity/iam_policy.h"
#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::findings_of;
using testing::identity_data;

constexpr std::string_view kIssuer = "oidc.eks.us-east-1.amazonaws.com/id/CLUSTER1";

// Documents separated by "\n---\n" (JSON has no multi-document form), offered in order.
IdentityInputs inputs_from(std::string_view text, std::string_view file = "input.json") {
  IdentityCollector collector;
  std::vector<doc::Document> kept;
  while (!text.empty()) {
    const size_t separator = text.find("\n---\n");
    const std::string_view part = text.substr(0, separator);
    text = separator == std::string_view::npos ? std::string_view() : text.substr(separator + 5);
    auto documents = doc::load_all(part, file);
    if (!documents) {
      ADD_FAILURE() << "parse error: " << documents.error().message << "\n" << part;
      return {};
    }
    for (const doc::Document& document : *documents) collector.add_document(document, part);
  }
  return std::move(collector).finish();
}

std::vector<Finding> run(const IdentityInputs& inputs, WorkloadIdentityOptions options = {}) {
  std::vector<Finding> out;
  check_workload_identity(inputs, options, out);
  return out;
}

// An IRSA trust policy for CLUSTER1 with the given Condition object (JSON text).
std::string irsa_role(std::string_view condition,
                      std::string_view action = "\"sts:AssumeRoleWithWebIdentity\"") {
  return fmt::format(
      R"({{"Role": {{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
    "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{}"}},
    "Action": {}{}}}]}}}}}})",
      kIssuer, action, condition.empty() ? "" : fmt::format(", \"Condition\": {}", condition));
}

std::string sub_aud(std::string_view op, std::string_view sub) {
  if (op == "StringEquals")
    return fmt::format(R"({{"StringEquals": {{"{0}:sub": {1}, "{0}:aud": "sts.amazonaws.com"}}}})",
                       kIssuer, sub);
  return fmt::format(
      R"({{"{}": {{"{}:sub": {}}}, "StringEquals": {{"{}:aud": "sts.amazonaws.com"}}}})", op,
      kIssuer, sub, kIssuer);
}

WorkloadIdentityOptions with_issuer(std::string issuer) {
  WorkloadIdentityOptions options;
  options.oidc_issuer = std::move(issuer);
  return options;
}

size_t count(const std::vector<Finding>& findings, CheckId check) {
  return findings_of(findings, check).size();
}

// ---- the collector ---------------------------------------------------------------------------

TEST(WorkloadIdentityInputs, RecognisesRolesPoliciesAssociationsAndServiceAccounts) {
  const IdentityInputs inputs = collect_identity_inputs({identity_data("workload").string()});
  for (const InputError& error : inputs.errors)
    ADD_FAILURE() << error.file << ":" << error.line << ": " << error.message;
  ASSERT_TRUE(inputs.cluster);
  EXPECT_EQ(inputs.cluster->oidc_issuer, kIssuer);
  ASSERT_EQ(inputs.roles.size(), 9u);
  EXPECT_TRUE(inputs.has_workload_identity());

  const IamRole* encoded = nullptr;
  const IamRole* bare = nullptr;
  for (const IamRole& role : inputs.roles) {
    if (role.name == "encoded") encoded = &role;
    if (role.name.empty()) bare = &role;
  }
  ASSERT_NE(encoded, nullptr);  // the URL-encoded AssumeRolePolicyDocument string
  ASSERT_EQ(encoded->trust.statements.size(), 1u);
  ASSERT_EQ(encoded->trust.statements[0].conditions.size(), 2u);
  EXPECT_EQ(encoded->trust.statements[0].conditions[0].values[0].text,
            "system:serviceaccount:apps:encoded");
  EXPECT_EQ(encoded->trust.statements[0].conditions[0].origin.position.line, 5u);  // the string
  ASSERT_NE(bare, nullptr);  // a bare trust policy document
  EXPECT_TRUE(bare->trust.statements[0].has_service("pods.eks.amazonaws.com"));
  EXPECT_NE(bare->display().find("trust-pods-open.json"), std::string::npos);

  ASSERT_EQ(inputs.pod_identity_associations.size(), 2u);  // list items replaced by describes
  for (const PodIdentityAssociation& association : inputs.pod_identity_associations) {
    EXPECT_TRUE(association.described) << association.service_account;
    EXPECT_FALSE(association.role_arn.empty());
  }
  ASSERT_EQ(inputs.service_account_roles.size(), 5u);  // `plain` has no annotation
  EXPECT_EQ(inputs.service_account_roles[0].namespace_, "apps");
  EXPECT_EQ(inputs.service_account_roles[0].name, "web");
  EXPECT_EQ(inputs.service_account_roles[0].origin.position.line, 7u);
  EXPECT_EQ(inputs.service_account_roles[0].origin.path,
            "items[0].metadata.annotations[\"eks.amazonaws.com/role-arn\"]");
}

TEST(WorkloadIdentityInputs, ListItemNeverReplacesADescribe) {
  IdentityInputs inputs = inputs_from(
      R"({"association": {"namespace": "a", "serviceAccount": "s", "clusterName": "c",
          "roleArn": "arn:aws:iam::1:role/x", "disableSessionTags": true}}
---
{"associations": [{"namespace": "a", "serviceAccount": "s", "clusterName": "c"}]})");
  ASSERT_EQ(inputs.pod_identity_associations.size(), 1u);
  EXPECT_TRUE(inputs.pod_identity_associations[0].described);
  EXPECT_EQ(inputs.pod_identity_associations[0].disable_session_tags, std::optional<bool>(true));
}

TEST(WorkloadIdentityInputs, ServiceAccountWithoutNamespaceIsInDefault) {
  IdentityInputs inputs = inputs_from(
      R"({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "s",
          "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"}}})");
  ASSERT_EQ(inputs.service_account_roles.size(), 1u);
  EXPECT_EQ(inputs.service_account_roles[0].namespace_, "default");
}

TEST(WorkloadIdentityInputs, ListRolesOutputIsRead) {
  IdentityInputs inputs = inputs_from(
      R"({"Roles": [{"RoleName": "a", "Arn": "arn:aws:iam::1:role/a"},
                   {"RoleName": "b", "Arn": "arn:aws:iam::1:role/b",
                    "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow",
                      "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}}}]})");
  EXPECT_TRUE(inputs.errors.empty());
  ASSERT_EQ(inputs.roles.size(), 2u);
  EXPECT_TRUE(inputs.roles[0].trust.statements.empty());  // trust unknown: no findings from it
  EXPECT_EQ(inputs.roles[1].trust.statements.size(), 1u);
  const auto findings = run(inputs);
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityNoCondition), 1u);
}

// ---- malformed input ---------------------------------------------------------------------------

TEST(WorkloadIdentityInputs, MalformedPoliciesAreErrorsWithPositions) {
  struct Case {
    std::string_view text;
    uint32_t line;
    std::string_view message;
  };
  const Case cases[] = {
      {R"({"Role": {"RoleName": "r",
  "AssumeRolePolicyDocument": "%7B%22Version%2"}})",
       2, "malformed URL encoding"},
      {R"({"Role": {"RoleName": "r",
  "AssumeRolePolicyDocument": "%7B%22Version%22%3A"}})",
       2, "does not parse"},
      {R"({"Role": {"RoleName": "r", "AssumeRolePolicyDocument": "just text"}})", 1,
       "expected a JSON policy object"},
      {R"({"Role": {"RoleName": "r", "AssumeRolePolicyDocument": {
  "Statement": 42}}})",
       2, "Statement is a number"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
  "Principal": {"Service": "pods.eks.amazonaws.com"},
  "Condition": "StringEquals"}]})",
       3, "expected an object of condition operators"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
  "Principal": {"Robot": "x"}}]})",
       2, "unknown principal type `Robot`"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*"}]})", 1,
       "expected Allow or Deny"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": "*"}]})",
       1, "neither Action nor NotAction"},
      {R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
  "Principal": {"AWS": [{"a": 1}]}}]})",
       2, "expected a string"},
      {R"({"associations": {"namespace": "a"}})", 1, "expected an array of Pod Identity"},
      {R"({"association": {"namespace": "a",
  "disableSessionTags": "yes", "serviceAccount": "s"}})",
       2, "disableSessionTags is a string, expected a boolean"},
      {R"({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "s",
  "annotations": {"eks.amazonaws.com/role-arn": ["x"]}}})",
       2, "expected a role ARN"},
  };
  for (const Case& c : cases) {
    const IdentityInputs inputs = inputs_from(c.text, "bad.json");
    ASSERT_FALSE(inputs.errors.empty()) << c.text;
    const InputError& error = inputs.errors.front();
    EXPECT_EQ(error.file, "bad.json");
    EXPECT_EQ(error.line, c.line) << error.message;
    EXPECT_GT(error.column, 0u);
    EXPECT_NE(error.message.find(c.message), std::string::npos) << error.message;
    (void)run(inputs);  // the checks run on whatever was read
  }
}

TEST(WorkloadIdentityInputs, UrlDecoding) {
  EXPECT_EQ(url_decode("%7B%22a%22%3A+1%7d"), std::optional<std::string>("{\"a\": 1}"));
  EXPECT_FALSE(url_decode("%"));
  EXPECT_FALSE(url_decode("%4"));
  EXPECT_FALSE(url_decode("%zz"));
}

// ---- the policy model ------------------------------------------------------------------------

TEST(IamPolicy, GlobMatching) {
  EXPECT_TRUE(iam_glob_match("system:serviceaccount:*", "system:serviceaccount:a:b"));
  EXPECT_TRUE(iam_glob_match("*", ""));
  EXPECT_TRUE(iam_glob_match("a?c", "abc"));
  EXPECT_FALSE(iam_glob_match("a?c", "ac"));
  EXPECT_TRUE(iam_glob_match("*:team:*", "system:serviceaccount:team:x"));
  EXPECT_FALSE(iam_glob_match("system:serviceaccount:team:*", "system:serviceaccount:other:x"));
  EXPECT_FALSE(iam_glob_match("STS:*", "sts:AssumeRole"));
  EXPECT_TRUE(iam_glob_match("STS:*", "sts:AssumeRole", true));
}

TEST(IamPolicy, ActionsPrincipalsAndConditionKeys) {
  IdentityInputs inputs = inputs_from(
      R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "PODS.eks.amazonaws.com"]},
   "NotAction": "sts:TagSession",
   "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:RequestTag/Team": ["a", 1]}}},
  {"Effect": "Deny", "Principal": "*", "Action": "*"}]})");
  ASSERT_TRUE(inputs.errors.empty());
  ASSERT_EQ(inputs.roles.size(), 1u);
  const PolicyDocument& policy = inputs.roles[0].trust;
  ASSERT_EQ(policy.statements.size(), 2u);
  const PolicyStatement& first = policy.statements[0];
  EXPECT_TRUE(first.has_service("pods.eks.amazonaws.com"));
  EXPECT_TRUE(first.allows_action("sts:AssumeRole"));
  EXPECT_FALSE(first.allows_action("sts:TagSession"));
  ASSERT_EQ(first.conditions.size(), 1u);
  EXPECT_EQ(first.conditions[0].key, "aws:requesttag/team");
  EXPECT_EQ(first.conditions[0].base_op, "StringLike");
  EXPECT_TRUE(first.conditions[0].pattern());
  EXPECT_EQ(first.conditions[0].values.size(), 2u);
  EXPECT_EQ(first.conditions[0].origin.position.line, 4u);
  EXPECT_FALSE(policy.statements[1].allow);
  EXPECT_TRUE(policy.statements[1].any_principal);
}

TEST(IamPolicy, TrustAdmits) {
  IdentityInputs inputs = inputs_from(irsa_role(sub_aud(
      "StringLike", R"(["system:serviceaccount:team:*", "system:serviceaccount:apps:web"])")));
  ASSERT_EQ(inputs.roles.size(), 1u);
  const PolicyDocument& trust = inputs.roles[0].trust;
  bool by_pattern = false;
  EXPECT_TRUE(trust_admits(trust, kIssuer, "apps", "web", &by_pattern));
  EXPECT_FALSE(by_pattern);
  EXPECT_TRUE(
      trust_admits(trust, "https://" + std::string(kIssuer) + "/", "team", "x", &by_pattern));
  EXPECT_TRUE(by_pattern);
  EXPECT_FALSE(trust_admits(trust, kIssuer, "apps", "api"));
  EXPECT_FALSE(trust_admits(trust, "oidc.eks.us-east-1.amazonaws.com/id/OTHER", "apps", "web"));
  EXPECT_TRUE(trust_admits(trust, "", "apps", "web"));
}

// ---- the checks on the fixture directory ------------------------------------------------------

TEST(WorkloadIdentityChecks, FixtureDirectory) {
  const IdentityInputs inputs = collect_identity_inputs({identity_data("workload").string()});
  const std::vector<Finding> findings = run(inputs);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaNoSubject), 1u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaWildcardSubject), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaNegatedSubject), 1u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaNoAudience), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaLiteralWildcard), 1u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaIssuerMismatch), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaPrivilegedAccount), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksIrsaAnnotationMismatch), 3u);
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityNoCondition), 1u);
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityNoTagSession), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityNoSessionTags), 2u);
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityDualTrust), 1u);
  for (const Finding& finding : findings) {
    EXPECT_GT(finding.position.line, 0u) << finding.message;
    EXPECT_FALSE(finding.path.empty()) << finding.message;
    // The well-formed roles and the good annotation give nothing.
    EXPECT_NE(finding.resource().name, "arn:aws:iam::111122223333:role/apps/web")
        << finding.message;
    EXPECT_NE(finding.resource().name, "arn:aws:iam::111122223333:role/encoded") << finding.message;
    EXPECT_NE(finding.resource().name, "web") << finding.message;
  }

  const auto open = findings_of(findings, CheckId::kEksIrsaNoSubject);
  EXPECT_EQ(open[0]->resource().kind, "IAMRole");
  EXPECT_EQ(open[0]->resource().name, "arn:aws:iam::111122223333:role/open");
  EXPECT_EQ(open[0]->position.line, 9u);
  EXPECT_EQ(open[0]->path, "Role.AssumeRolePolicyDocument.Statement.Principal.Federated[0]");

  const auto wild = findings_of(findings, CheckId::kEksIrsaWildcardSubject);
  EXPECT_EQ(wild[0]->severity, Severity::kHigh);    // *:builder: every namespace
  EXPECT_EQ(wild[1]->severity, Severity::kMedium);  // team:*: namespace-wide
  EXPECT_EQ(wild[1]->position.line, 13u);

  const auto mismatch = findings_of(findings, CheckId::kEksIrsaAnnotationMismatch);
  EXPECT_EQ(mismatch[0]->resource().name, "api");  // role web does not admit apps/api
  EXPECT_EQ(mismatch[0]->resource().kind, "ServiceAccount");
  EXPECT_EQ(mismatch[1]->resource().name, "runner");  // admitted only by team:*
  EXPECT_EQ(mismatch[1]->severity, Severity::kLow);
  EXPECT_EQ(mismatch[2]->resource().name, "typo");  // not an ARN

  const auto tags = findings_of(findings, CheckId::kEksPodIdentityNoSessionTags);
  EXPECT_EQ(tags[0]->path, "association.disableSessionTags");
  EXPECT_EQ(tags[1]->severity, Severity::kInfo);  // cross-account target role
  EXPECT_EQ(tags[1]->resource().kind, "PodIdentityAssociation");
}

// ---- each check, positive and negative ---------------------------------------------------------

TEST(WorkloadIdentityChecks, Irsa001NoSubject) {
  EXPECT_EQ(count(run(inputs_from(irsa_role(""))), CheckId::kEksIrsaNoSubject), 1u);
  EXPECT_EQ(count(run(inputs_from(irsa_role("", "\"*\""))), CheckId::kEksIrsaNoSubject), 1u);
  // aud only: still no subject.
  EXPECT_EQ(count(run(inputs_from(irsa_role(fmt::format(
                      R"({{"StringEquals": {{"{}:aud": "sts.amazonaws.com"}}}})", kIssuer)))),
                  CheckId::kEksIrsaNoSubject),
            1u);
  EXPECT_EQ(
      count(run(inputs_from(irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:b\"")))),
            CheckId::kEksIrsaNoSubject),
      0u);
  // Not a web-identity action, or a Deny: not an IRSA trust.
  EXPECT_TRUE(run(inputs_from(irsa_role("", "\"sts:AssumeRole\""))).empty());
}

TEST(WorkloadIdentityChecks, Irsa002WildcardSubject) {
  auto findings = run(inputs_from(irsa_role(sub_aud("ForAnyValue:StringLike", "\"*\""))));
  ASSERT_EQ(count(findings, CheckId::kEksIrsaWildcardSubject), 1u);
  EXPECT_EQ(findings[0].severity, Severity::kHigh);
  findings =
      run(inputs_from(irsa_role(sub_aud("StringLike", "\"system:serviceaccount:ns:app-?\""))));
  ASSERT_EQ(count(findings, CheckId::kEksIrsaWildcardSubject), 1u);
  EXPECT_EQ(findings[0].severity, Severity::kMedium);
  EXPECT_EQ(
      count(run(inputs_from(irsa_role(sub_aud("StringLike", "\"system:serviceaccount:ns:app\"")))),
            CheckId::kEksIrsaWildcardSubject),
      0u);
}

TEST(WorkloadIdentityChecks, Irsa003NegatedOnly) {
  EXPECT_EQ(
      count(run(inputs_from(irsa_role(sub_aud("StringNotLike", "\"system:serviceaccount:x:*\"")))),
            CheckId::kEksIrsaNegatedSubject),
      1u);
  const std::string both = fmt::format(
      R"({{"StringNotEquals": {{"{0}:sub": "system:serviceaccount:a:c"}},
          "StringEquals": {{"{0}:sub": "system:serviceaccount:a:b", "{0}:aud": "sts.amazonaws.com"}}}})",
      kIssuer);
  const auto findings = run(inputs_from(irsa_role(both)));
  EXPECT_TRUE(findings.empty()) << findings[0].message;
}

TEST(WorkloadIdentityChecks, Irsa004Audience) {
  const std::string wrong = fmt::format(
      R"({{"StringEquals": {{"{0}:sub": "system:serviceaccount:a:b", "{0}:aud": "vault"}}}})",
      kIssuer);
  const auto findings = run(inputs_from(irsa_role(wrong)));
  ASSERT_EQ(count(findings, CheckId::kEksIrsaNoAudience), 1u);
  EXPECT_NE(findings[0].message.find("does not allow sts.amazonaws.com"), std::string::npos);
  EXPECT_TRUE(run(inputs_from(irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:b\""))))
                  .empty());
}

TEST(WorkloadIdentityChecks, Irsa005LiteralWildcard) {
  EXPECT_EQ(
      count(run(inputs_from(irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:*\"")))),
            CheckId::kEksIrsaLiteralWildcard),
      1u);
  EXPECT_EQ(
      count(run(inputs_from(irsa_role(sub_aud("StringLike", "\"system:serviceaccount:a:*\"")))),
            CheckId::kEksIrsaLiteralWildcard),
      0u);
}

TEST(WorkloadIdentityChecks, Irsa006Issuer) {
  const std::string text = irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:b\""));
  const IdentityInputs inputs = inputs_from(text);
  EXPECT_TRUE(run(inputs, with_issuer(std::string("https://") + std::string(kIssuer))).empty());
  EXPECT_TRUE(run(inputs).empty());  // issuer unknown: no cluster comparison
  const auto other = run(inputs, with_issuer("oidc.eks.us-east-1.amazonaws.com/id/NEW"));
  ASSERT_EQ(count(other, CheckId::kEksIrsaIssuerMismatch), 1u);
  EXPECT_EQ(other[0].path, "Role.AssumeRolePolicyDocument.Statement[0].Principal.Federated");
}

TEST(WorkloadIdentityChecks, Irsa007PrivilegedNamespaceAndDefault) {
  const std::string accounts = R"({"apiVersion": "v1", "kind": "ServiceAccount",
    "metadata": {"name": "ebs-csi", "namespace": "platform",
    "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/ebs"}}})";
  EXPECT_TRUE(run(inputs_from(accounts)).empty());
  EXPECT_EQ(
      count(run(inputs_from(accounts),
                WorkloadIdentityOptions{.oidc_issuer = "", .privileged_namespaces = {"platform"}}),
            CheckId::kEksIrsaPrivilegedAccount),
      1u);
  EXPECT_EQ(count(run(inputs_from(
                      irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:default\"")))),
                  CheckId::kEksIrsaPrivilegedAccount),
            1u);
}

TEST(WorkloadIdentityChecks, Irsa008AnnotationAgainstTrust) {
  const std::string role = irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:b\""));
  auto with_account = [&](std::string_view ns, std::string_view name, std::string_view arn) {
    return inputs_from(role + fmt::format(R"(
---
{{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {{"name": "{}", "namespace": "{}",
  "annotations": {{"eks.amazonaws.com/role-arn": "{}"}}}}}})",
                                          name, ns, arn));
  };
  EXPECT_TRUE(run(with_account("a", "b", "arn:aws:iam::111122223333:role/R")).empty());  // case
  EXPECT_EQ(count(run(with_account("a", "c", "arn:aws:iam::111122223333:role/r")),
                  CheckId::kEksIrsaAnnotationMismatch),
            1u);
  // Another account's role of the same name is not this role: its trust is unknown.
  EXPECT_TRUE(run(with_account("a", "c", "arn:aws:iam::999999999999:role/r")).empty());
  // The trust admits it, but only for another cluster's issuer.
  EXPECT_EQ(count(run(with_account("a", "b", "arn:aws:iam::111122223333:role/r"),
                      with_issuer("oidc.eks.us-east-1.amazonaws.com/id/NEW")),
                  CheckId::kEksIrsaAnnotationMismatch),
            1u);
}

std::string pods_role(std::string_view actions, std::string_view condition,
                      std::string_view extra = "") {
  return fmt::format(
      R"({{"Role": {{"RoleName": "p", "Arn": "arn:aws:iam::1:role/p", "AssumeRolePolicyDocument": {{
  "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "pods.eks.amazonaws.com"}},
    "Action": {}{}}}{}]}}}}}})",
      actions, condition.empty() ? "" : fmt::format(", \"Condition\": {}", condition), extra);
}

constexpr std::string_view kTagCondition =
    R"({"StringEquals": {"aws:RequestTag/kubernetes-namespace": "apps"}})";

TEST(WorkloadIdentityChecks, PodIdentity001And002) {
  EXPECT_TRUE(run(inputs_from(pods_role(R"(["sts:AssumeRole", "sts:TagSession"])", kTagCondition)))
                  .empty());
  auto findings = run(inputs_from(pods_role(R"(["sts:AssumeRole", "sts:TagSession"])", "")));
  EXPECT_EQ(count(findings, CheckId::kEksPodIdentityNoCondition), 1u);
  EXPECT_EQ(findings.size(), 1u);
  findings = run(inputs_from(pods_role(R"("sts:AssumeRole")", kTagCondition)));
  ASSERT_EQ(count(findings, CheckId::kEksPodIdentityNoTagSession), 1u);
  EXPECT_NE(findings[0].message.find("sts:TagSession"), std::string::npos);
  EXPECT_TRUE(run(inputs_from(pods_role(R"("sts:*")", kTagCondition))).empty());
}

TEST(WorkloadIdentityChecks, PodIdentity002AssociationToRoleWithoutPodsTrust) {
  const std::string association = R"(
---
{"association": {"namespace": "a", "serviceAccount": "s", "roleArn": "arn:aws:iam::111122223333:role/r"}})";
  const auto findings = run(inputs_from(
      irsa_role(sub_aud("StringEquals", "\"system:serviceaccount:a:s\"")) + association));
  ASSERT_EQ(count(findings, CheckId::kEksPodIdentityNoTagSession), 1u);
  EXPECT_EQ(findings[0].path, "association.roleArn");
  EXPECT_EQ(findings[0].position.line, 1u);
}

TEST(WorkloadIdentityChecks, PodIdentity003SessionTagsAndTargetRole) {
  auto association = [](std::string_view fields) {
    return inputs_from(fmt::format(
        R"({{"association": {{"namespace": "a", "serviceAccount": "s",
            "roleArn": "arn:aws:iam::1:role/x"{}}}}})",
        fields));
  };
  EXPECT_TRUE(run(association("")).empty());
  EXPECT_TRUE(run(association(R"(, "disableSessionTags": false)")).empty());
  EXPECT_TRUE(run(association(R"(, "targetRoleArn": "arn:aws:iam::1:role/y")")).empty());
  EXPECT_EQ(count(run(association(R"(, "disableSessionTags": true)")),
                  CheckId::kEksPodIdentityNoSessionTags),
            1u);
  const auto chained = run(association(R"(, "targetRoleArn": "arn:aws:iam::2:role/y")"));
  ASSERT_EQ(chained.size(), 1u);
  EXPECT_EQ(chained[0].severity, Severity::kInfo);
}

TEST(WorkloadIdentityChecks, PodIdentity004DualTrust) {
  const std::string irsa = fmt::format(
      R"(, {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::1:oidc-provider/{0}"}},
    "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{
    "{0}:sub": "system:serviceaccount:a:b", "{0}:aud": "sts.amazonaws.com"}}}}}})",
      kIssuer);
  const auto findings =
      run(inputs_from(pods_role(R"(["sts:AssumeRole", "sts:TagSession"])", kTagCondition, irsa)));
  ASSERT_EQ(findings.size(), 1u) << findings[0].message;
  EXPECT_EQ(findings[0].check, CheckId::kEksPodIdentityDualTrust);
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
}

TEST(WorkloadIdentityInputs, MissingInputsAreNamed) {
  EXPECT_TRUE(
      missing_workload_inputs(collect_identity_inputs({identity_data("workload").string()}), {})
          .size() == 1u);  // vpc-cni (kube-system/aws-node) has no get-role
  const IdentityInputs inputs = inputs_from(irsa_role("") + R"(
---
{"associations": [{"namespace": "a", "serviceAccount": "s"}]}
---
{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "s", "namespace": "a",
  "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/gone"}}})");
  const auto missing = missing_workload_inputs(inputs, {});
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_NE(missing[0].find("1 role in use (gone)"), std::string::npos) << missing[0];
  EXPECT_NE(missing[1].find("for 1 listed association"), std::string::npos) << missing[1];
  EXPECT_NE(missing[2].find("identity.oidc.issuer"), std::string::npos) << missing[2];
  EXPECT_EQ(missing_workload_inputs(inputs, with_issuer(std::string(kIssuer))).size(), 2u);
}

TEST(WorkloadIdentityChecks, CatalogRowsExist) {
  for (std::string_view id : {"EKS-IRSA-001", "EKS-IRSA-008", "EKS-PI-001", "EKS-PI-004"}) {
    const auto check = find_check(id);
    ASSERT_TRUE(check) << id;
    EXPECT_EQ(check_info(*check).family, "eks-identity");
  }
  EXPECT_EQ(check_info(CheckId::kEksIrsaNoSubject).standards.cis_eks, "5.2.1");
}

}  // namespace
}  // namespace eksguard::identity
