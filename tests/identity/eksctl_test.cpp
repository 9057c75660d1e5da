// eksctl ClusterConfig as an identity input: accessConfig (authentication mode, bootstrap admin,
// eksctl's defaults for absent fields) and accessConfig.accessEntries with their access policies,
// with positions; what AWS reports wins over what the config declares.
#include <gtest/gtest.h>

#include "identity/resolver.h"
#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::identity_data;

IdentityInputs collect_text(std::string_view text, std::string_view file) {
  IdentityCollector collector;
  auto documents = doc::load_all(text, file);
  EXPECT_TRUE(documents) << file;
  if (documents)
    for (const doc::Document& document : *documents) collector.add_document(document, text);
  return std::move(collector).finish();
}

const AccessEntry* entry_for(const IdentityInputs& inputs, std::string_view principal) {
  for (const AccessEntry& entry : inputs.access_entries)
    if (entry.principal_arn == principal) return &entry;
  return nullptr;
}

TEST(IdentityEksctl, ReadsAccessConfigAndEntriesWithPositions) {
  const std::string file = identity_data("eksctl/cluster-config.yaml").string();
  const IdentityInputs inputs = collect_identity_inputs({file});
  for (const InputError& error : inputs.errors)
    ADD_FAILURE() << error.line << ": " << error.message;
  ASSERT_TRUE(inputs.cluster);
  const ClusterAccess& cluster = *inputs.cluster;
  EXPECT_EQ(cluster.source, ClusterSource::kEksctl);
  EXPECT_EQ(cluster.name, "shop");
  EXPECT_EQ(cluster.api_version, "eksctl.io/v1alpha5");
  EXPECT_EQ(cluster.mode, AuthenticationMode::kApiAndConfigMap);
  EXPECT_FALSE(cluster.mode_defaulted);
  EXPECT_EQ(cluster.mode_origin.file, file);
  EXPECT_EQ(cluster.mode_origin.position.line, 8u);
  EXPECT_EQ(cluster.mode_origin.position.column, 23u);
  EXPECT_EQ(cluster.mode_origin.path, "accessConfig.authenticationMode");
  EXPECT_EQ(cluster.bootstrap_admin, std::optional<bool>(false));
  EXPECT_EQ(cluster.bootstrap_origin.position.line, 9u);
  EXPECT_TRUE(cluster.account.empty());  // a config has no cluster ARN

  ASSERT_EQ(inputs.access_entries.size(), 3u);
  const AccessEntry* admin = entry_for(inputs, "arn:aws:iam::111122223333:role/PlatformAdmin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->type, "STANDARD");  // eksctl's default
  EXPECT_TRUE(admin->from_eksctl);
  EXPECT_TRUE(admin->described);
  EXPECT_TRUE(admin->policies_listed);
  EXPECT_EQ(admin->origin.position.line, 11u);
  EXPECT_EQ(admin->origin.path, "accessConfig.accessEntries[0]");
  ASSERT_EQ(admin->policies.size(), 1u);
  ASSERT_NE(admin->policies[0].policy, nullptr);
  EXPECT_TRUE(admin->policies[0].policy->cluster_admin);
  EXPECT_EQ(admin->policies[0].scope.type, "cluster");
  EXPECT_EQ(admin->policies[0].origin.position.line, 13u);
  EXPECT_EQ(admin->policies[0].origin.path, "accessConfig.accessEntries[0].accessPolicies[0]");

  const AccessEntry* devs = entry_for(inputs, "arn:aws:iam::111122223333:role/Developers");
  ASSERT_NE(devs, nullptr);
  EXPECT_EQ(devs->username, "dev:{{SessionName}}");
  EXPECT_EQ(devs->kubernetes_groups, (std::vector<std::string>{"shop-devs"}));
  ASSERT_EQ(devs->policies.size(), 1u);
  EXPECT_EQ(devs->policies[0].scope.namespaces, (std::vector<std::string>{"shop", "kube-system"}));

  // A complete config: nothing about entries or policies is missing.
  for (const std::string& missing : inputs.missing()) {
    EXPECT_EQ(missing.find("describe-access-entry"), std::string::npos) << missing;
    EXPECT_EQ(missing.find("list-associated-access-policies"), std::string::npos) << missing;
  }
}

TEST(IdentityEksctl, AbsentFieldsTakeEksctlDefaults) {
  const IdentityInputs inputs =
      collect_identity_inputs({identity_data("eksctl/cluster-config-defaults.yaml").string()});
  EXPECT_TRUE(inputs.errors.empty());
  ASSERT_TRUE(inputs.cluster);
  EXPECT_EQ(inputs.cluster->mode, AuthenticationMode::kApiAndConfigMap);
  EXPECT_TRUE(inputs.cluster->mode_defaulted);
  EXPECT_EQ(inputs.cluster->bootstrap_admin, std::optional<bool>(true));
  EXPECT_TRUE(inputs.cluster->bootstrap_defaulted);
  // No accessConfig: positioned at the ClusterConfig itself.
  EXPECT_EQ(inputs.cluster->bootstrap_origin.position.line, 1u);
  EXPECT_TRUE(inputs.access_entries.empty());
}

TEST(IdentityEksctl, WrongShapesAreErrorsWithPositions) {
  const std::string file = identity_data("eksctl/cluster-config-broken.yaml").string();
  const IdentityInputs inputs = collect_identity_inputs({file});
  std::vector<std::string> messages;
  for (const InputError& error : inputs.errors) {
    EXPECT_EQ(error.file, file);
    messages.push_back(std::to_string(error.line) + ": " + error.message);
  }
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                "6: accessConfig.authenticationMode `CONFIGMAP` is not CONFIG_MAP, "
                "API_AND_CONFIG_MAP or API",
                "7: accessConfig.bootstrapClusterCreatorAdminPermissions is a string, expected a "
                "boolean",
                "9: accessConfig.accessEntries[0]: principalARN is missing",
                "11: accessConfig.accessEntries[1].kubernetesGroups is a string, expected an array "
                "of strings",
                "13: accessConfig.accessEntries[1].accessPolicies[0]: policyARN is missing",
                "17: accessConfig.accessEntries[1].accessPolicies[1].accessScope.namespaces holds "
                "a number, expected strings",
                "18: accessConfig.accessEntries[2] is a string, expected an access entry object",
            }));
  ASSERT_TRUE(inputs.cluster);
  EXPECT_EQ(inputs.cluster->mode, AuthenticationMode::kUnknown);  // written, but wrong
  EXPECT_FALSE(inputs.cluster->bootstrap_admin.has_value());
  ASSERT_EQ(inputs.access_entries.size(), 1u);
  ASSERT_EQ(inputs.access_entries[0].policies.size(), 1u);
  EXPECT_EQ(inputs.access_entries[0].policies[0].scope.namespaces,
            (std::vector<std::string>{"dev"}));
}

constexpr std::string_view kConfig = R"(apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod}
accessConfig:
  authenticationMode: API
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/Admin
      kubernetesGroups: [declared]
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: {type: cluster}
)";

TEST(IdentityEksctl, WhatAwsReportsWinsOverTheConfig) {
  const std::string cluster = R"({"cluster": {"name": "prod",
    "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
    "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}})";
  const std::string entry =
      R"({"accessEntry": {"principalArn": "arn:aws:iam::111122223333:role/Admin",
    "kubernetesGroups": ["live"], "type": "STANDARD"}})";
  const std::string policies = R"({"principalArn": "arn:aws:iam::111122223333:role/Admin",
    "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      "accessScope": {"type": "cluster"}}]})";
  // In either order: the describe-cluster and the described entry replace the declared ones.
  for (bool config_first : {true, false}) {
    IdentityCollector collector;
    auto add = [&](std::string_view text, std::string_view file) {
      auto documents = doc::load_all(text, file);
      ASSERT_TRUE(documents);
      collector.add_document(documents->front(), text);
    };
    if (config_first) add(kConfig, "eksctl.yaml");
    add(cluster, "cluster.json");
    add(entry, "entry.json");
    add(policies, "policies.json");
    if (!config_first) add(kConfig, "eksctl.yaml");
    const IdentityInputs inputs = std::move(collector).finish();
    EXPECT_TRUE(inputs.errors.empty());
    ASSERT_TRUE(inputs.cluster);
    EXPECT_EQ(inputs.cluster->source, ClusterSource::kDescribeCluster);
    EXPECT_EQ(inputs.cluster->mode, AuthenticationMode::kApiAndConfigMap);
    ASSERT_EQ(inputs.access_entries.size(), 1u);
    const AccessEntry& admin = inputs.access_entries[0];
    EXPECT_EQ(admin.kubernetes_groups, (std::vector<std::string>{"live"}));
    ASSERT_EQ(admin.policies.size(), 1u) << config_first;
    EXPECT_EQ(admin.policies[0].policy->name, "AmazonEKSViewPolicy");
  }
}

TEST(IdentityEksctl, PolicyListsReplaceDeclaredPolicies) {
  const std::string policies = R"({"principalArn": "arn:aws:iam::111122223333:role/Admin",
    "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      "accessScope": {"type": "cluster"}}]})";
  IdentityCollector collector;
  auto config = doc::load_all(kConfig, "eksctl.yaml");
  auto list = doc::load_all(policies, "policies.json");
  ASSERT_TRUE(config && list);
  collector.add_document(config->front(), kConfig);
  collector.add_document(list->front(), policies);
  const IdentityInputs inputs = std::move(collector).finish();
  ASSERT_EQ(inputs.access_entries.size(), 1u);
  EXPECT_EQ(inputs.access_entries[0].kubernetes_groups, (std::vector<std::string>{"declared"}));
  ASSERT_EQ(inputs.access_entries[0].policies.size(), 1u);
  EXPECT_EQ(inputs.access_entries[0].policies[0].policy->name, "AmazonEKSViewPolicy");
}

TEST(IdentityEksctl, ResolverSeesDeclaredEntries) {
  const IdentityInputs inputs = collect_text(kConfig, "eksctl.yaml");
  const Resolver resolver(inputs);
  EXPECT_EQ(resolver.mode(), AuthenticationMode::kApi);
  const Resolution resolution =
      resolver.resolve("arn:aws:sts::111122223333:assumed-role/Admin/alice");
  ASSERT_TRUE(resolution.authenticated);
  EXPECT_EQ(resolution.source, AccessSource::kAccessEntry);
  EXPECT_EQ(resolution.origin.file, "eksctl.yaml");
  EXPECT_EQ(resolution.origin.position.line, 7u);
  EXPECT_EQ(resolution.groups, (std::vector<std::string>{"declared", "system:authenticated"}));
  ASSERT_EQ(resolution.access_policies.size(), 1u);
  EXPECT_TRUE(resolution.access_policies[0].policy->cluster_admin);
}

TEST(IdentityEksctl, OtherEksctlKindsAndApiVersionsAreNotClusterConfigs) {
  EXPECT_FALSE(collect_text("apiVersion: example.com/v1\nkind: ClusterConfig\nmetadata: {name: "
                            "x}\naccessConfig: {authenticationMode: API}\n",
                            "other.yaml")
                   .cluster);
}

}  // namespace
}  // namespace eksguard::identity
