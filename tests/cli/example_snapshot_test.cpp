// The bundled cluster snapshot examples/eks-snapshot (RBAC, aws-auth, describe-cluster, access
// entries and their access policies of an example cluster "prod"), run through the real binary
// with the answers worked out by hand in examples/eks-snapshot/README.md: who-can, lookup and
// can-i follow IAM principals through aws-auth and access entries.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "doc/loader.h"
#include "support/test_support.h"

namespace eksguard {
namespace {

using eksguard::testing::run_eksguard;

const std::string kSnapshot = std::string(EKSGUARD_SOURCE_DIR) + "/examples/eks-snapshot";
constexpr std::string_view kAccount = "arn:aws:iam::111122223333:";

// (kind, name, namespace, IAM principals joined by ",") of every subject of a JSON answer.
using Subject = std::tuple<std::string, std::string, std::string, std::string>;

std::set<Subject> subjects_of(const std::string& json) {
  std::set<Subject> out;
  auto documents = doc::load_all(json, "answer.json");
  if (!documents || documents->empty()) {
    ADD_FAILURE() << "not JSON: " << json;
    return out;
  }
  const doc::Node* subjects = documents->front().root()->get("subjects");
  if (subjects == nullptr) return out;
  for (const doc::Node* subject : subjects->items()) {
    std::string iam;
    if (const doc::Node* principals = subject->get("iam")) {
      for (const doc::Node* arn : principals->items()) {
        iam += (iam.empty() ? "" : ",") + std::string(arn->as_string().value_or(""));
      }
    }
    out.emplace(subject->string_at("kind"), subject->string_at("name"),
                subject->string_at("namespace"), iam);
  }
  return out;
}

std::string arn(std::string_view resource) {
  return std::string(kAccount) + std::string(resource);
}

TEST(ExampleSnapshot, WhoCanReadSecretsInProd) {
  const auto result = run_eksguard("rbac who-can get secrets -n prod --format json " + kSnapshot);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  const std::string auditor_user = "arn:aws:sts::111122223333:assumed-role/Auditor/{{SessionName}}";
  EXPECT_EQ(subjects_of(result.out),
            (std::set<Subject>{
                {"Group", "system:masters", "", ""},
                {"Group", "ops", "", arn("role/Ops")},
                {"Group", "platform-admins", "", arn("role/Platform")},
                // AmazonEKSAdminViewPolicy scoped to prod reads every resource, Secrets included.
                {"User", auditor_user, "", arn("role/Auditor")},
            }));
  EXPECT_NE(result.out.find("AmazonEKSAdminViewPolicy"), std::string::npos);
}

TEST(ExampleSnapshot, WhoCanExecIntoPodsInProd) {
  const auto result =
      run_eksguard("rbac who-can create pods/exec -n prod --format json " + kSnapshot);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  // alice reaches `devs` through mapUsers; role/teams/Dev maps to `devs` too but, having a path,
  // never matches, so it is not listed.
  EXPECT_EQ(subjects_of(result.out), (std::set<Subject>{
                                         {"Group", "system:masters", "", ""},
                                         {"Group", "devs", "", arn("user/alice")},
                                         {"Group", "platform-admins", "", arn("role/Platform")},
                                         {"ServiceAccount", "deployer", "ci", ""},
                                     }));
}

TEST(ExampleSnapshot, LookupFollowsAnIamRoleThroughAwsAuth) {
  const auto result =
      run_eksguard("rbac lookup " + arn("role/Ops") + " --format json " + kSnapshot);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(subjects_of(result.out), (std::set<Subject>{{"Group", "ops", "", arn("role/Ops")}}));
  EXPECT_NE(result.out.find("secret-reader"), std::string::npos);
  EXPECT_NE(result.out.find("aws-auth mapRoles at " + kSnapshot + "/aws-auth.yaml:14"),
            std::string::npos)
      << result.out;

  // The role with a path is refused by the authenticator: named as unmapped, exit 2.
  const auto unmapped =
      run_eksguard("rbac lookup " + arn("role/teams/Dev") + " " + kSnapshot, true);
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_NE(unmapped.out.find("the cluster would refuse its requests"), std::string::npos)
      << unmapped.out;
}

TEST(ExampleSnapshot, CanIHonoursAccessPolicyScopes) {
  const std::string auditor = " --as " + arn("role/Auditor") + " " + kSnapshot;
  EXPECT_EQ(run_eksguard("rbac can-i get secrets -n prod" + auditor).exit_code, 0);
  EXPECT_EQ(run_eksguard("rbac can-i get secrets -n dev" + auditor).exit_code, 1);
  EXPECT_EQ(run_eksguard("rbac can-i delete pods -n prod" + auditor).exit_code, 1);
  const std::string platform = " --as " + arn("role/Platform") + " " + kSnapshot;
  EXPECT_EQ(run_eksguard("rbac can-i delete nodes" + platform).exit_code, 0);
  const std::string alice = " --as " + arn("user/alice") + " " + kSnapshot;
  EXPECT_EQ(run_eksguard("rbac can-i create pods/exec -n prod" + alice).exit_code, 0);
  EXPECT_EQ(run_eksguard("rbac can-i get secrets -n prod" + alice).exit_code, 1);
}

// scan: the authentication configuration is reported at describe-cluster's fields, and a
// complete snapshot leaves no missing inputs to name.
TEST(ExampleSnapshot, ScanReportsTheUnfinishedMigrationAndTheCreatorAdmin) {
  const auto result =
      run_eksguard("scan --format json --fail-on none --config /dev/null " + kSnapshot);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  auto documents = doc::load_all(result.out, "report.json");
  ASSERT_TRUE(documents) << result.out;
  const doc::Node& report = *documents->front().root();
  std::set<std::string> auth;
  for (const doc::Node* finding : report.get("findings")->items()) {
    const std::string id(finding->string_at("check_id"));
    if (!id.starts_with("EKS-AUTH-")) continue;
    const doc::Node* location = finding->get("location");
    auth.insert(id + " " + std::string(finding->get("resource")->string_at("kind")) + " line " +
                std::to_string(location->get("line")->as_int().value_or(0)));
  }
  EXPECT_EQ(auth,
            (std::set<std::string>{"EKS-AUTH-002 Cluster line 9", "EKS-AUTH-003 Cluster line 10"}));
  EXPECT_TRUE(report.get("notes")->items().empty());
}

}  // namespace
}  // namespace eksguard
