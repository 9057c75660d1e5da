// EKS-CM-*, EKS-AE-* (and EKS-AUTH-* on the same fixtures): each check fires where it should, with
// a position, and not elsewhere.
#include "identity/checks.h"

#include <gtest/gtest.h>

#include <map>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::identity_data;

std::map<std::string, size_t> count_by_id(const std::vector<Finding>& findings) {
  std::map<std::string, size_t> counts;
  for (const Finding& finding : findings) {
    ++counts[std::string(finding.info().id)];
    EXPECT_FALSE(finding.file().empty()) << finding.message;
    EXPECT_GT(finding.position.line, 0u) << finding.info().id << ": " << finding.message;
    EXPECT_FALSE(finding.message.empty());
  }
  return counts;
}

std::map<std::string, size_t> check_aws_auth(std::string_view fixture,
                                             IdentityCheckOptions options = {}) {
  IdentityInputs inputs;
  inputs.aws_auth.push_back(testing::parse_aws_auth_file(fixture));
  std::vector<Finding> findings;
  check_identity(inputs, options, findings);
  return count_by_id(findings);
}

using Counts = std::map<std::string, size_t>;

TEST(IdentityChecks, AwsAuthLockoutRisksFirst) {
  EXPECT_EQ(check_aws_auth("aws-auth-broken-section.yaml"), (Counts{{"EKS-CM-001", 1}}));
  EXPECT_EQ(check_aws_auth("aws-auth-missing-bar.yaml"), (Counts{{"EKS-CM-001", 1}}));
  EXPECT_EQ(check_aws_auth("aws-auth-indentation.yaml"), (Counts{{"EKS-CM-002", 1}}));
  EXPECT_EQ(check_aws_auth("aws-auth-crazy-case.yaml"), (Counts{{"EKS-CM-012", 2}}));
  EXPECT_EQ(check_aws_auth("aws-auth-invalid-items.yaml"),
            (Counts{{"EKS-CM-001", 6}, {"EKS-CM-002", 1}, {"EKS-CM-010", 1}, {"EKS-CM-012", 2}}));
}

TEST(IdentityChecks, AwsAuthRiskyMappings) {
  EXPECT_EQ(check_aws_auth("aws-auth.yaml"),
            (Counts{{"EKS-CM-003", 1}, {"EKS-CM-006", 1}, {"EKS-CM-007", 1}, {"EKS-CM-010", 1}}));
  IdentityCheckOptions options;
  options.cluster_account = "111122223333";
  EXPECT_EQ(check_aws_auth("aws-auth-duplicates-paths.yaml", options), (Counts{{"EKS-CM-003", 1},
                                                                               {"EKS-CM-004", 1},
                                                                               {"EKS-CM-005", 3},
                                                                               {"EKS-CM-007", 2},
                                                                               {"EKS-CM-008", 1},
                                                                               {"EKS-CM-009", 1},
                                                                               {"EKS-CM-010", 2},
                                                                               {"EKS-CM-011", 1}}));
}

TEST(IdentityChecks, FindingsPointAtTheEntry) {
  IdentityInputs inputs;
  inputs.aws_auth.push_back(testing::parse_aws_auth_file("aws-auth-duplicates-paths.yaml"));
  std::vector<Finding> findings;
  check_identity(inputs, {}, findings);
  const auto paths = testing::findings_of(findings, CheckId::kEksAwsAuthRoleArnPath);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0]->position.line, 14u);
  EXPECT_EQ(paths[0]->position.column, 16u);
  EXPECT_EQ(paths[0]->path, "data.mapRoles[2].rolearn");
  EXPECT_EQ(paths[0]->resource().kind, "ConfigMap");
  EXPECT_EQ(paths[0]->resource().name, "aws-auth");
  EXPECT_EQ(paths[0]->severity, Severity::kHigh);
  EXPECT_NE(paths[0]->message.find("arn:aws:iam::111122223333:role/Deployer"), std::string::npos);
}

TEST(IdentityChecks, NodeSpoofingNeedsTheNodeRoles) {
  IdentityInputs inputs = collect_identity_inputs({identity_data("entries").string()});
  inputs.cluster->mode = AuthenticationMode::kConfigMap;
  std::vector<Finding> findings;
  check_identity(inputs, {}, findings);
  EXPECT_TRUE(testing::findings_of(findings, CheckId::kEksAwsAuthNodeSpoofing).empty());
  inputs.node_roles[0].arn = "arn:aws:iam::111122223333:role/another-node-role";
  findings.clear();
  check_identity(inputs, {}, findings);
  EXPECT_EQ(testing::findings_of(findings, CheckId::kEksAwsAuthNodeSpoofing).size(), 1u);
}

TEST(IdentityChecks, AccessEntries) {
  const IdentityInputs inputs = collect_identity_inputs({identity_data("entries").string()});
  IdentityCheckOptions options;
  options.bound_groups = std::vector<std::string>{"platform", "developers"};
  std::vector<Finding> findings;
  check_identity(inputs, options, findings);
  Counts counts = count_by_id(findings);
  EXPECT_EQ(counts, (Counts{{"EKS-AE-001", 1},
                            {"EKS-AE-002", 1},
                            {"EKS-AE-003", 2},
                            {"EKS-AE-004", 1},
                            {"EKS-AE-005", 1},
                            {"EKS-AE-006", 2},
                            {"EKS-AE-007", 1},
                            {"EKS-AE-008", 1},
                            {"EKS-AE-009", 1},
                            {"EKS-AE-010", 2},
                            {"EKS-AUTH-002", 1},  // aws-auth still maps Admin and Developers
                            {"EKS-AUTH-003", 1},  // bootstrapClusterCreatorAdminPermissions: true
                            {"EKS-CM-003", 1}}));
  const auto unknown = testing::findings_of(findings, CheckId::kEksAccessUnknownPolicy);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0]->resource().kind, "AccessEntry");
  EXPECT_EQ(unknown[0]->resource().name, "arn:aws:iam::111122223333:role/team/Platform");
  EXPECT_NE(unknown[0]->file().find("policies-platform.json"), std::string::npos);
  EXPECT_EQ(unknown[0]->position.line, 13u);

  // Without RBAC inputs the dangling-group check has nothing to compare with; under API the
  // ConfigMap is not read, so nothing is shadowed.
  IdentityInputs api = inputs;
  api.cluster->mode = AuthenticationMode::kApi;
  findings.clear();
  check_identity(api, {}, findings);
  counts = count_by_id(findings);
  EXPECT_EQ(counts.count("EKS-AE-004"), 0u);
  EXPECT_EQ(counts.count("EKS-AE-010"), 0u);
  // ... and its findings are informational.
  const auto masters = testing::findings_of(findings, CheckId::kEksAwsAuthSystemMasters);
  ASSERT_EQ(masters.size(), 1u);
  EXPECT_EQ(masters[0]->severity, Severity::kInfo);
  EXPECT_NE(masters[0]->note().find("authentication mode is API"), std::string_view::npos);
}

}  // namespace
}  // namespace eksguard::identity
