// EKS-AUTH-001…003: the cluster's authentication mode and bootstrap admin, from describe-cluster
// JSON and eksctl ClusterConfig YAML, positioned at the accessConfig field that decides.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::findings_of;
using testing::identity_data;

IdentityInputs inputs_of(
    std::initializer_list<std::pair<std::string_view, std::string_view>> files) {
  IdentityCollector collector;
  for (const auto& [name, text] : files) {
    auto documents = doc::load_all(text, name);
    EXPECT_TRUE(documents) << name;
    if (documents)
      for (const doc::Document& document : *documents) collector.add_document(document, text);
  }
  IdentityInputs inputs = std::move(collector).finish();
  for (const InputError& error : inputs.errors)
    ADD_FAILURE() << error.file << ": " << error.message;
  return inputs;
}

std::vector<Finding> check(const IdentityInputs& inputs, IdentityCheckOptions options = {}) {
  std::vector<Finding> findings;
  check_identity(inputs, options, findings);
  return findings;
}

std::string describe_cluster(std::string_view mode, std::string_view bootstrap) {
  return fmt::format(R"({{"cluster": {{
  "name": "prod",
  "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
  "accessConfig": {{"authenticationMode": "{}", "bootstrapClusterCreatorAdminPermissions": {}}}
}}}})",
                     mode, bootstrap);
}

constexpr std::string_view kNodesOnly = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/node
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
)";
// The node role and one for people (line 9).
const std::string kAwsAuth =
    std::string(kNodesOnly) + R"(    - rolearn: arn:aws:iam::111122223333:role/Dev
      username: dev:{{SessionName}}
      groups: [developers]
)";

TEST(IdentityAuthChecks, ConfigMapOnlyModeAtTheModeField) {
  const std::string cluster = describe_cluster("CONFIG_MAP", "true");
  const auto findings = check(inputs_of({{"cluster.json", cluster}}));
  const auto config_map = findings_of(findings, CheckId::kEksAuthConfigMapOnly);
  ASSERT_EQ(config_map.size(), 1u);
  EXPECT_EQ(config_map[0]->file(), "cluster.json");
  EXPECT_EQ(config_map[0]->position.line, 4u);
  EXPECT_EQ(config_map[0]->position.column, 42u);
  EXPECT_EQ(config_map[0]->path, "cluster.accessConfig.authenticationMode");
  EXPECT_EQ(config_map[0]->resource().kind, "Cluster");
  EXPECT_EQ(config_map[0]->resource().name, "prod");
  EXPECT_EQ(config_map[0]->severity, Severity::kMedium);
  EXPECT_EQ(config_map[0]->info().standards.cis_eks, "4.1.7");
  // The creator's invisible system:masters: informational only.
  const auto creator = findings_of(findings, CheckId::kEksAuthBootstrapAdmin);
  ASSERT_EQ(creator.size(), 1u);
  EXPECT_EQ(creator[0]->severity, Severity::kInfo);
  EXPECT_NE(creator[0]->message.find("system:masters"), std::string::npos);

  for (std::string_view mode : {"API", "API_AND_CONFIG_MAP"}) {
    const std::string other = describe_cluster(mode, "false");
    EXPECT_TRUE(
        findings_of(check(inputs_of({{"cluster.json", other}})), CheckId::kEksAuthConfigMapOnly)
            .empty())
        << mode;
  }
}

TEST(IdentityAuthChecks, UnfinishedMigrationNeedsNonNodeMappings) {
  const std::string mixed = describe_cluster("API_AND_CONFIG_MAP", "false");
  const auto findings = check(inputs_of({{"cluster.json", mixed}, {"aws-auth.yaml", kAwsAuth}}));
  const auto unfinished = findings_of(findings, CheckId::kEksAuthMigrationUnfinished);
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0]->file(), "cluster.json");
  EXPECT_EQ(unfinished[0]->position.line, 4u);
  EXPECT_NE(unfinished[0]->message.find("1 principal that is not"), std::string::npos);
  EXPECT_NE(unfinished[0]->message.find("role/Dev"), std::string::npos);
  EXPECT_NE(unfinished[0]->message.find("aws-auth.yaml:9"), std::string::npos);

  // Only node roles left, no aws-auth at all, or the mode is already API: nothing to finish.
  EXPECT_TRUE(
      findings_of(check(inputs_of({{"cluster.json", mixed}, {"aws-auth.yaml", kNodesOnly}})),
                  CheckId::kEksAuthMigrationUnfinished)
          .empty());
  EXPECT_TRUE(
      findings_of(check(inputs_of({{"cluster.json", mixed}})), CheckId::kEksAuthMigrationUnfinished)
          .empty());
  const std::string api = describe_cluster("API", "false");
  EXPECT_TRUE(findings_of(check(inputs_of({{"cluster.json", api}, {"aws-auth.yaml", kAwsAuth}})),
                          CheckId::kEksAuthMigrationUnfinished)
                  .empty());
}

TEST(IdentityAuthChecks, BootstrapAdminAtTheBootstrapField) {
  const std::string on = describe_cluster("API", "true");
  const auto findings = check(inputs_of({{"cluster.json", on}}));
  const auto bootstrap = findings_of(findings, CheckId::kEksAuthBootstrapAdmin);
  ASSERT_EQ(bootstrap.size(), 1u);
  EXPECT_EQ(bootstrap[0]->severity, Severity::kMedium);
  EXPECT_EQ(bootstrap[0]->position.line, 4u);
  EXPECT_EQ(bootstrap[0]->position.column, 92u);
  EXPECT_EQ(bootstrap[0]->path, "cluster.accessConfig.bootstrapClusterCreatorAdminPermissions");

  const std::string off = describe_cluster("API", "false");
  EXPECT_TRUE(
      findings_of(check(inputs_of({{"cluster.json", off}})), CheckId::kEksAuthBootstrapAdmin)
          .empty());
  // Older clusters do not say: unknown is not a finding.
  const std::string old =
      R"({"cluster": {"name": "prod", "accessConfig": {"authenticationMode": "API"}}})";
  EXPECT_TRUE(
      findings_of(check(inputs_of({{"cluster.json", old}})), CheckId::kEksAuthBootstrapAdmin)
          .empty());
}

constexpr std::string_view kCreatorEntry =
    R"({"principalArn": "arn:aws:iam::111122223333:role/Creator",
  "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "accessScope": {"type": "cluster"}}]})";
constexpr std::string_view kCreatorView =
    R"({"principalArn": "arn:aws:iam::111122223333:role/Creator",
  "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    "accessScope": {"type": "cluster"}}]})";

TEST(IdentityAuthChecks, KnownCreatorIsJudgedByItsAccessEntry) {
  IdentityCheckOptions options;
  options.cluster_creator = "arn:aws:sts::111122223333:assumed-role/Creator/alice";
  const std::string on = describe_cluster("API", "true");
  const auto findings =
      check(inputs_of({{"cluster.json", on}, {"creator.json", kCreatorEntry}}), options);
  const auto still_admin = findings_of(findings, CheckId::kEksAuthBootstrapAdmin);
  ASSERT_EQ(still_admin.size(), 1u);
  EXPECT_EQ(still_admin[0]->file(), "cluster.json");  // reported on the cluster
  EXPECT_NE(still_admin[0]->message.find("creator.json:2"), std::string::npos);

  // Disassociated: the BPG's remedy is done, whatever the flag says.
  EXPECT_TRUE(
      findings_of(check(inputs_of({{"cluster.json", on}, {"creator.json", kCreatorView}}), options),
                  CheckId::kEksAuthBootstrapAdmin)
          .empty());
  // The flag is unknown (older cluster), but the entry shows the admin policy.
  const std::string old =
      R"({"cluster": {"name": "prod", "accessConfig": {"authenticationMode": "API"}}})";
  EXPECT_EQ(findings_of(
                check(inputs_of({{"cluster.json", old}, {"creator.json", kCreatorEntry}}), options),
                CheckId::kEksAuthBootstrapAdmin)
                .size(),
            1u);
}

TEST(IdentityAuthChecks, EksctlConfigsUseEksctlDefaults) {
  const auto defaults = check(
      collect_identity_inputs({identity_data("eksctl/cluster-config-defaults.yaml").string()}));
  const auto bootstrap = findings_of(defaults, CheckId::kEksAuthBootstrapAdmin);
  ASSERT_EQ(bootstrap.size(), 1u);
  EXPECT_EQ(bootstrap[0]->resource().kind, "ClusterConfig");
  EXPECT_EQ(bootstrap[0]->resource().api_version, "eksctl.io/v1alpha5");
  EXPECT_EQ(bootstrap[0]->resource().name, "shop");
  EXPECT_EQ(bootstrap[0]->position.line, 1u);
  EXPECT_NE(bootstrap[0]->message.find("eksctl's default"), std::string::npos);
  EXPECT_TRUE(findings_of(defaults, CheckId::kEksAuthConfigMapOnly).empty());

  const auto config_map_findings = check(
      collect_identity_inputs({identity_data("eksctl/cluster-config-configmap.yaml").string()}));
  const auto config_map = findings_of(config_map_findings, CheckId::kEksAuthConfigMapOnly);
  ASSERT_EQ(config_map.size(), 1u);
  EXPECT_EQ(config_map[0]->position.line, 7u);
  EXPECT_EQ(config_map[0]->path, "accessConfig.authenticationMode");

  // bootstrapClusterCreatorAdminPermissions: false, API_AND_CONFIG_MAP without aws-auth.
  const auto explicit_config =
      check(collect_identity_inputs({identity_data("eksctl/cluster-config.yaml").string()}));
  for (const Finding& finding : explicit_config)
    EXPECT_FALSE(finding.info().id.starts_with("EKS-AUTH-")) << finding.message;
  EXPECT_EQ(findings_of(explicit_config, CheckId::kEksAccessClusterAdmin).size(), 1u);
}

}  // namespace
}  // namespace eksguard::identity
