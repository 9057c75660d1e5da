// aws-auth → access entries: every item appears in the plan (migrated or with the reason), the
// per-item rules, and golden outputs for the CLI, eksctl and Terraform formats.
#include "identity/migrate.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::identity_data;
using testing::read_file;

AwsAuth migration_fixture() {
  return testing::parse_aws_auth_text(read_file(identity_data("migrate/aws-auth.yaml")),
                                      "aws-auth.yaml");
}

const PlannedEntry& by_source(const MigrationPlan& plan, std::string_view source) {
  for (const PlannedEntry& entry : plan.entries)
    if (entry.source == source) return entry;
  ADD_FAILURE() << "no planned entry for " << source;
  static const PlannedEntry kNone;
  return kNone;
}

bool noted(const PlannedEntry& entry, std::string_view text) {
  for (const std::string& note : entry.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

TEST(IdentityMigrate, EveryItemIsPlannedNothingSilentlyDropped) {
  const AwsAuth auth = migration_fixture();
  const MigrationPlan plan = plan_migration(auth, {"prod", "111122223333"});
  const size_t ignored_by_authenticator =
      testing::diagnostics_with(auth, "aws-auth.item.dropped").size();
  EXPECT_EQ(ignored_by_authenticator, 1u);
  EXPECT_EQ(plan.entries.size(), auth.roles.size() + auth.users.size() + auth.accounts.size() +
                                     ignored_by_authenticator);
  EXPECT_EQ(plan.migrated(), 11u);
  for (const PlannedEntry& entry : plan.entries) {
    if (!entry.migrate) {
      EXPECT_FALSE(entry.notes.empty()) << entry.source << " lacks a reason";
    }
    for (MigrationFormat format :
         {MigrationFormat::kCli, MigrationFormat::kEksctl, MigrationFormat::kTerraform}) {
      EXPECT_NE(render_migration(plan, format).find("# " + entry.source + " ("), std::string::npos)
          << entry.source;
    }
  }
}

TEST(IdentityMigrate, ItemRules) {
  const MigrationPlan plan = plan_migration(migration_fixture(), {"prod", "111122223333"});
  EXPECT_EQ(by_source(plan, "mapRoles[0]").type, "EC2_LINUX");
  EXPECT_TRUE(noted(by_source(plan, "mapRoles[0]"), "`node-extras` is dropped"));
  EXPECT_EQ(by_source(plan, "mapRoles[1]").type, "EC2_WINDOWS");
  EXPECT_EQ(by_source(plan, "mapRoles[2]").type, "FARGATE_LINUX");
  EXPECT_TRUE(by_source(plan, "mapRoles[2]").groups.empty());

  const PlannedEntry& admin = by_source(plan, "mapRoles[3]");
  EXPECT_EQ(admin.type, "STANDARD");
  EXPECT_EQ(admin.groups, std::vector<std::string>{"platform-admins"});
  ASSERT_EQ(admin.policies.size(), 1u);
  EXPECT_EQ(admin.policies[0].policy_arn,
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  EXPECT_EQ(admin.policies[0].scope_type, "cluster");

  EXPECT_FALSE(by_source(plan, "mapRoles[4]").migrate);  // replaced by mapRoles[12]
  EXPECT_TRUE(noted(by_source(plan, "mapRoles[4]"), "replaced by mapRoles[12]"));
  EXPECT_EQ(by_source(plan, "mapRoles[5]").username, "");  // eks: is reserved
  EXPECT_EQ(by_source(plan, "mapRoles[6]").username, "");  // {{SessionNameRaw}}
  EXPECT_EQ(by_source(plan, "mapRoles[7]").username, "");  // no ':' before {{SessionName}}
  EXPECT_EQ(by_source(plan, "mapRoles[8]").username, "acct-111122223333");
  const PlannedEntry& path = by_source(plan, "mapRoles[9]");
  EXPECT_TRUE(path.migrate);
  EXPECT_EQ(path.principal_arn, "arn:aws:iam::111122223333:role/team/ci/Deployer");
  EXPECT_TRUE(noted(path, "never matched"));
  EXPECT_FALSE(by_source(plan, "mapRoles[10]").migrate);  // sso
  EXPECT_FALSE(by_source(plan, "mapRoles[11]").migrate);  // wildcard
  EXPECT_TRUE(by_source(plan, "mapRoles[12]").migrate);
  EXPECT_FALSE(by_source(plan, "mapRoles[13]").migrate);  // node role of another account
  EXPECT_FALSE(by_source(plan, "mapRoles[14]").migrate);  // ignored by the authenticator
  EXPECT_TRUE(by_source(plan, "mapUsers[0]").migrate);
  EXPECT_TRUE(noted(by_source(plan, "mapUsers[1]"), "same principal as mapUsers[0]"));
  EXPECT_FALSE(by_source(plan, "mapUsers[2]").migrate);  // root
  EXPECT_FALSE(by_source(plan, "mapAccounts[0]").migrate);
}

void expect_golden(const std::string& actual, const char* golden) {
  const std::filesystem::path path = identity_data(std::string("migrate/") + golden);
  if (std::getenv("EKSGUARD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, read_file(path))
      << "golden " << path << " differs (EKSGUARD_UPDATE_GOLDEN=1 rewrites it)";
}

TEST(IdentityMigrate, GoldenOutputs) {
  const MigrationPlan plan = plan_migration(migration_fixture(), {"prod", "111122223333"});
  expect_golden(render_migration(plan, MigrationFormat::kCli), "expected-cli.sh.golden");
  expect_golden(render_migration(plan, MigrationFormat::kEksctl), "expected-eksctl.yaml.golden");
  expect_golden(render_migration(plan, MigrationFormat::kTerraform),
                "expected-terraform.tf.golden");
}

TEST(IdentityMigrate, PlaceholdersWithoutClusterName) {
  const MigrationPlan plan = plan_migration(migration_fixture(), {});
  EXPECT_NE(render_migration(plan, MigrationFormat::kCli).find("CLUSTER=\"${CLUSTER:?"),
            std::string::npos);
  const std::string terraform = render_migration(plan, MigrationFormat::kTerraform);
  EXPECT_NE(terraform.find("variable \"cluster_name\" {\n  type = string\n}"), std::string::npos);
  // Without the cluster's account, the other account's node role is migrated as a node entry.
  EXPECT_TRUE(by_source(plan, "mapRoles[13]").migrate);
}

}  // namespace
}  // namespace eksguard::identity
