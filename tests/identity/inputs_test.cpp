// Access entries, access policies and the cluster's access configuration read from AWS CLI JSON,
// joined across files, with the missing inputs named.
#include "identity/inputs.h"

#include <gtest/gtest.h>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::identity_data;

const AccessEntry* entry_for(const IdentityInputs& inputs, std::string_view principal) {
  for (const AccessEntry& entry : inputs.access_entries)
    if (entry.principal_arn == principal) return &entry;
  return nullptr;
}

TEST(IdentityInputs, JoinsListsDescriptionsAndPolicies) {
  const IdentityInputs inputs = collect_identity_inputs({identity_data("entries").string()});
  EXPECT_TRUE(inputs.errors.empty());
  ASSERT_TRUE(inputs.cluster);
  EXPECT_EQ(inputs.cluster->name, "prod");
  EXPECT_EQ(inputs.cluster->account, "111122223333");
  EXPECT_EQ(inputs.cluster->mode, AuthenticationMode::kApiAndConfigMap);
  EXPECT_EQ(inputs.cluster->bootstrap_admin, std::optional<bool>(true));
  EXPECT_EQ(inputs.cluster->mode_origin.position.line, 8u);
  ASSERT_EQ(inputs.aws_auth.size(), 1u);
  ASSERT_EQ(inputs.node_roles.size(), 1u);
  EXPECT_EQ(inputs.node_roles[0].source, "node group ng-1");
  ASSERT_EQ(inputs.access_entries.size(), 5u);

  const AccessEntry* platform = entry_for(inputs, "arn:aws:iam::111122223333:role/team/Platform");
  ASSERT_NE(platform, nullptr);
  EXPECT_TRUE(platform->described);
  EXPECT_TRUE(platform->policies_listed);
  EXPECT_EQ(platform->kubernetes_groups, (std::vector<std::string>{"platform", "system:masters"}));
  ASSERT_EQ(platform->policies.size(), 3u);
  ASSERT_NE(platform->policies[1].policy, nullptr);
  EXPECT_EQ(platform->policies[1].policy->k8s_equivalent, "admin");
  EXPECT_EQ(platform->policies[1].scope.namespaces,
            (std::vector<std::string>{"team-*", "kube-system"}));
  EXPECT_EQ(platform->policies[2].policy, nullptr);  // AmazonEKSFuturePolicy: unknown
  EXPECT_EQ(platform->policies[1].origin.position.line, 9u);

  const AccessEntry* listed = entry_for(inputs, "arn:aws:iam::111122223333:role/Listed");
  ASSERT_NE(listed, nullptr);
  EXPECT_FALSE(listed->described);
  EXPECT_EQ(listed->type, "");
  const auto missing = inputs.missing();
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_NE(missing[0].find("describe-access-entry for 1 listed entry"), std::string::npos);
  EXPECT_NE(missing[1].find("list-associated-access-policies for 1 entry"), std::string::npos);
}

TEST(IdentityInputs, AccessPolicyTableKnowsManagedPolicies) {
  EXPECT_TRUE(
      find_access_policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
          ->cluster_admin);
  EXPECT_NE(find_access_policy("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
            nullptr);
  EXPECT_FALSE(find_access_policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
                   ->reads_secrets);
  EXPECT_TRUE(find_access_policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy")
                  ->reads_secrets);
  EXPECT_EQ(find_access_policy("arn:aws:eks::aws:cluster-access-policy/Nope"), nullptr);
  EXPECT_EQ(find_access_policy("AmazonEKSViewPolicy"), nullptr);
  EXPECT_EQ(find_access_policy("arn:aws:iam::aws:policy/AmazonEKSViewPolicy"), nullptr);
}

TEST(IdentityInputs, WrongShapesAreErrorsWithPositions) {
  IdentityCollector collector;
  const std::string text = R"({"accessEntry": {"principalArn": "arn:aws:iam::1:role/x",
  "kubernetesGroups": "admins", "type": 7}})";
  auto documents = doc::load_all(text, "entry.json");
  ASSERT_TRUE(documents);
  EXPECT_TRUE(collector.add_document(documents->front()));
  const std::string list = R"({"principalArn": "arn:aws:iam::1:role/x",
  "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"}, 3]})";
  auto policies = doc::load_all(list, "policies.json");
  ASSERT_TRUE(policies);
  EXPECT_TRUE(collector.add_document(policies->front()));
  const IdentityInputs inputs = std::move(collector).finish();
  ASSERT_EQ(inputs.errors.size(), 4u);
  EXPECT_EQ(inputs.errors[0].file, "entry.json");
  EXPECT_EQ(inputs.errors[0].line, 2u);
  EXPECT_EQ(inputs.errors[0].column, 41u);
  EXPECT_NE(inputs.errors[0].message.find("accessEntry.type is a number"), std::string::npos);
  EXPECT_NE(inputs.errors[1].message.find("kubernetesGroups is a string"), std::string::npos);
  EXPECT_NE(inputs.errors[2].message.find("accessScope is missing"), std::string::npos);
  EXPECT_NE(inputs.errors[3].message.find("is a number, expected an object"), std::string::npos);
  ASSERT_EQ(inputs.access_entries.size(), 1u);
  EXPECT_EQ(inputs.access_entries[0].policies.size(), 1u);
}

TEST(IdentityInputs, UnrelatedDocumentsAreNotIdentityInputs) {
  IdentityCollector collector;
  auto documents = doc::load_all("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
  ASSERT_TRUE(documents);
  EXPECT_FALSE(collector.add_document(documents->front()));
  const IdentityInputs inputs = std::move(collector).finish();
  EXPECT_TRUE(inputs.empty());
  EXPECT_EQ(inputs.missing().size(), 3u);  // describe-cluster, aws-auth, access entries
}

// Lists are split by the scanner's splitter: items may leave out the kind, and what is not an
// object is an error with its position (not silently skipped).
TEST(IdentityInputs, ListItemsAreSplitLikeTheScannerDoes) {
  const std::string text = R"({"apiVersion": "v1", "kind": "ConfigMapList", "items": [
  {"metadata": {"name": "aws-auth", "namespace": "kube-system"},
   "data": {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/Admin\n  groups: [admins]\n"}},
  "not an object"]})";
  IdentityCollector collector;
  auto documents = doc::load_all(text, "configmaps.json");
  ASSERT_TRUE(documents);
  EXPECT_TRUE(collector.add_document(documents->front(), text));
  const IdentityInputs inputs = std::move(collector).finish();
  ASSERT_EQ(inputs.aws_auth.size(), 1u);
  EXPECT_EQ(inputs.aws_auth[0].origin.path, "items[0]");
  ASSERT_EQ(inputs.aws_auth[0].roles.size(), 1u);
  ASSERT_EQ(inputs.errors.size(), 1u);
  EXPECT_EQ(inputs.errors[0].file, "configmaps.json");
  EXPECT_EQ(inputs.errors[0].line, 4u);
  EXPECT_NE(inputs.errors[0].message.find("items[1]"), std::string::npos);
}

// hardeneks' recorded describe-cluster (boto3 shape, no accessConfig): read in place.
TEST(IdentityInputs, RecordedDescribeClusterWithoutAccessConfig) {
  std::filesystem::path path;
  EKSGUARD_REQUIRE_SHARED(
      "conformance/eks/hardeneks/check_endpoint_public_access/cluster_metadata.json", path);
  const IdentityInputs inputs = collect_identity_inputs({path.string()});
  EXPECT_TRUE(inputs.errors.empty());
  ASSERT_TRUE(inputs.cluster);
  EXPECT_EQ(inputs.cluster->name, "eks-bp-cli");
  EXPECT_EQ(inputs.cluster->mode, AuthenticationMode::kUnknown);
  EXPECT_FALSE(inputs.cluster->bootstrap_admin.has_value());
  const auto missing = inputs.missing();
  EXPECT_NE(missing[0].find("no accessConfig.authenticationMode"), std::string::npos);
}

}  // namespace
}  // namespace eksguard::identity
