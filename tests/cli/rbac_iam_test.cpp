// `eksguard rbac` with cluster-access inputs (the fixture cluster of tests/scan/data/cluster:
// RBAC, aws-auth, an access entry, describe-cluster): who-can's `iam` column, and can-i/lookup
// with an IAM principal resolved to its Kubernetes user and groups.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "doc/loader.h"
#include "support/test_support.h"

namespace {

using ::eksguard::testing::run_eksguard;
using ::eksguard::testing::TempDir;

const std::string kCluster = std::string(EKSGUARD_SOURCE_DIR) + "/tests/scan/data/cluster";
constexpr std::string_view kAccount = "arn:aws:iam::111122223333:role/";

const eksguard::doc::Node* subject(const eksguard::doc::Node& root, std::string_view name) {
  for (const eksguard::doc::Node* s : root.get("subjects")->items())
    if (s->string_at("name") == name) return s;
  return nullptr;
}

std::vector<std::string> strings(const eksguard::doc::Node& list) {
  std::vector<std::string> out;
  for (const eksguard::doc::Node* item : list.items()) out.emplace_back(*item->as_string());
  return out;
}

TEST(RbacIamTest, WhoCanListsTheIamPrincipalsBehindUsersAndGroups) {
  const auto result = run_eksguard("rbac who-can get secrets -A --format json " + kCluster);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  auto documents = eksguard::doc::load_all(result.out, "out.json");
  ASSERT_TRUE(documents) << result.out;
  const eksguard::doc::Node& root = *documents->front().root();
  const auto* developers = subject(root, "developers");
  ASSERT_NE(developers, nullptr);
  EXPECT_EQ(strings(*developers->get("iam")),
            std::vector<std::string>{std::string(kAccount) + "Developers"});
  const auto* ops = subject(root, "ops");  // from the access entry's kubernetesGroups
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(strings(*ops->get("iam")), std::vector<std::string>{std::string(kAccount) + "Ops"});
  const auto* masters = subject(root, "system:masters");
  ASSERT_NE(masters, nullptr);
  EXPECT_EQ(strings(*masters->get("iam")),
            std::vector<std::string>{std::string(kAccount) + "Admin"});
  const auto* anonymous = subject(root, "system:anonymous");
  ASSERT_NE(anonymous, nullptr);
  EXPECT_EQ(anonymous->get("iam")->size(), 0u);

  const auto text = run_eksguard("rbac who-can get secrets -A " + kCluster);
  EXPECT_NE(text.out.find("IAM principals (aws-auth, access entries):\n"), std::string::npos);
  EXPECT_NE(text.out.find("  Group developers: " + std::string(kAccount) + "Developers\n"),
            std::string::npos)
      << text.out;
}

TEST(RbacIamTest, CanIResolvesAnArnThroughAwsAuth) {
  const auto yes = run_eksguard("rbac can-i list secrets -n dev --as " + std::string(kAccount) +
                                "Developers " + kCluster);
  EXPECT_EQ(yes.exit_code, 0) << yes.out;
  EXPECT_NE(yes.out.find("authenticates as user dev:"), std::string::npos) << yes.out;
  EXPECT_NE(yes.out.find("ClusterRoleBinding \"read-secrets\""), std::string::npos) << yes.out;

  const auto no = run_eksguard("rbac can-i delete nodes --as " + std::string(kAccount) +
                               "Developers " + kCluster);
  EXPECT_EQ(no.exit_code, 1) << no.out;

  const auto unmapped = run_eksguard(
      "rbac can-i get pods --as " + std::string(kAccount) + "Nobody " + kCluster, true);
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_NE(unmapped.out.find("not mapped"), std::string::npos) << unmapped.out;
}

TEST(RbacIamTest, AccessPolicyAssociationsCountAsGrants) {
  TempDir dir;
  for (const auto& entry : std::filesystem::directory_iterator(kCluster))
    std::filesystem::copy_file(entry.path(), dir.path() / entry.path().filename());
  // An access entry without groups: RBAC alone allows it nothing; its access policy does.
  std::ofstream(dir.path() / "entry-breakglass.json") << R"({"accessEntry": {
  "clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/BreakGlass",
  "kubernetesGroups": [], "username": "breakglass", "type": "STANDARD"}})";
  std::ofstream(dir.path() / "policies-breakglass.json") << R"({
  "clusterName": "prod",
  "principalArn": "arn:aws:iam::111122223333:role/BreakGlass",
  "associatedAccessPolicies": [{
    "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "accessScope": {"type": "cluster", "namespaces": []}}]})";
  const auto result = run_eksguard("rbac can-i delete nodes --format json --as " +
                                   std::string(kAccount) + "BreakGlass " + dir.path().string());
  EXPECT_EQ(result.exit_code, 0) << result.out;
  auto documents = eksguard::doc::load_all(result.out, "out.json");
  ASSERT_TRUE(documents) << result.out;
  const eksguard::doc::Node& root = *documents->front().root();
  EXPECT_TRUE(root.get("allowed")->is_true());
  EXPECT_EQ(root.get("via")->string_at("source"), "access-policy");
  EXPECT_NE(root.string_at("reason").find("AmazonEKSClusterAdminPolicy"), std::string::npos);

  // who-can lists the access entry as a User subject with source access-policy.
  const auto who = run_eksguard("rbac who-can delete nodes --format json " + dir.path().string());
  ASSERT_EQ(who.exit_code, 0) << who.out;
  auto who_documents = eksguard::doc::load_all(who.out, "out.json");
  ASSERT_TRUE(who_documents) << who.out;
  const auto* breakglass = subject(*who_documents->front().root(), "breakglass");
  ASSERT_NE(breakglass, nullptr) << who.out;
  EXPECT_EQ(breakglass->get("via")->items()[0]->string_at("source"), "access-policy");
  EXPECT_EQ(strings(*breakglass->get("iam")),
            std::vector<std::string>{std::string(kAccount) + "BreakGlass"});

  // Scoped to a namespace: nothing cluster-wide, and only there.
  std::ofstream(dir.path() / "policies-breakglass.json") << R"({
  "clusterName": "prod",
  "principalArn": "arn:aws:iam::111122223333:role/BreakGlass",
  "associatedAccessPolicies": [{
    "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "accessScope": {"type": "namespace", "namespaces": ["team-*"]}}]})";
  const std::string as = " --as " + std::string(kAccount) + "BreakGlass " + dir.path().string();
  EXPECT_EQ(run_eksguard("rbac can-i delete nodes" + as).exit_code, 1);
  EXPECT_EQ(run_eksguard("rbac can-i delete pods -n team-a" + as).exit_code, 0);
  EXPECT_EQ(run_eksguard("rbac can-i delete pods -n prod" + as).exit_code, 1);
}

TEST(RbacIamTest, LookupOfAnArnShowsTheRolesOfItsUserAndGroups) {
  const auto result =
      run_eksguard("rbac lookup " + std::string(kAccount) + "Ops --format json " + kCluster);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  auto documents = eksguard::doc::load_all(result.out, "out.json");
  ASSERT_TRUE(documents) << result.out;
  const eksguard::doc::Node& root = *documents->front().root();
  const auto* ops = subject(root, "ops");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(ops->get("via")->items()[0]->string_at("binding"), "ops-admin");
  EXPECT_EQ(subject(root, "developers"), nullptr);
  const auto notes = strings(*root.get("notes"));
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes[0].find("authenticates as user ops:"), std::string::npos) << notes[0];
}

// eksctl ClusterConfig access entries are identity inputs of every command, with positions.
TEST(RbacIamTest, EksctlAccessEntriesReachCanIAndResolve) {
  const std::string config =
      std::string(EKSGUARD_SOURCE_DIR) + "/tests/identity/data/eksctl/cluster-config.yaml";
  TempDir dir;
  std::filesystem::copy_file(config, dir.path() / "cluster-config.yaml");
  std::ofstream(dir.path() / "rbac.yaml") << R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: shop-editor}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shop-editor}
subjects: [{kind: Group, name: shop-devs, apiGroup: rbac.authorization.k8s.io}]
)";
  const std::string in = " " + dir.path().string();
  // The cluster-admin access policy declared for PlatformAdmin.
  const auto admin =
      run_eksguard("rbac can-i delete nodes --as " + std::string(kAccount) + "PlatformAdmin" + in);
  EXPECT_EQ(admin.exit_code, 0) << admin.out;
  EXPECT_NE(admin.out.find("cluster-config.yaml:13"), std::string::npos) << admin.out;
  // Developers: group shop-devs (RBAC) in shop, nothing elsewhere; the declared view policy is
  // named (it is evaluated through ClusterRole view, which these inputs lack).
  const std::string dev = " --as " + std::string(kAccount) + "Developers" + in;
  EXPECT_EQ(run_eksguard("rbac can-i update configmaps -n shop" + dev).exit_code, 0);
  EXPECT_EQ(run_eksguard("rbac can-i update configmaps -n prod" + dev).exit_code, 1);
  const auto scoped = run_eksguard("rbac can-i list pods -n kube-system" + dev);
  EXPECT_EQ(scoped.exit_code, 1);
  EXPECT_NE(scoped.out.find("AmazonEKSViewPolicy"), std::string::npos) << scoped.out;

  const auto resolved = run_eksguard(
      "aws-auth resolve arn:aws:sts::111122223333:assumed-role/"
      "Developers/bob " +
      config);
  EXPECT_EQ(resolved.exit_code, 0) << resolved.out;
  EXPECT_NE(resolved.out.find("source:     access entry (" + config + ":16:7)"), std::string::npos)
      << resolved.out;
  EXPECT_NE(resolved.out.find("username:   dev:bob"), std::string::npos);
}

}  // namespace
