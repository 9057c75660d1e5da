// `eksguard aws-auth migrate` and `eksguard aws-auth resolve` end to end: output, JSON shape,
// exit codes, and errors that name the input.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "doc/loader.h"
#include "support/test_support.h"

namespace {

using eksguard::testing::run_eksguard;

std::string data(std::string_view name) {
  return std::string(EKSGUARD_SOURCE_DIR) + "/tests/identity/data/" + std::string(name);
}

TEST(AwsAuthCommandTest, MigrateWritesEachFormat) {
  const auto cli = run_eksguard("aws-auth migrate --cluster prod " + data("aws-auth.yaml"));
  EXPECT_EQ(cli.exit_code, 0);
  EXPECT_NE(cli.out.find("CLUSTER='prod'"), std::string::npos);
  EXPECT_NE(cli.out.find("--type EC2_LINUX"), std::string::npos);
  EXPECT_NE(cli.out.find("AmazonEKSClusterAdminPolicy"), std::string::npos);

  const auto eksctl = run_eksguard("aws-auth migrate --format eksctl " + data("aws-auth.yaml"));
  EXPECT_EQ(eksctl.exit_code, 0);
  EXPECT_NE(eksctl.out.find("kind: ClusterConfig"), std::string::npos);

  const auto terraform =
      run_eksguard("aws-auth migrate -f terraform " + data("aws-auth-list.json"), true);
  EXPECT_EQ(terraform.exit_code, 0);
  EXPECT_NE(terraform.out.find("resource \"aws_eks_access_entry\" \"maproles_1\""),
            std::string::npos);
  // The broken mapUsers section is named, not skipped.
  EXPECT_NE(terraform.out.find("# mapUsers ("), std::string::npos);
  EXPECT_NE(terraform.out.find("2 of 3 items migrated"), std::string::npos);
}

TEST(AwsAuthCommandTest, MigrateTakesClusterAndAccountFromDescribeCluster) {
  const auto out = run_eksguard("aws-auth migrate " + data("entries"));
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_NE(out.out.find("CLUSTER='prod'"), std::string::npos);
}

TEST(AwsAuthCommandTest, MigrateErrors) {
  const auto no_aws_auth = run_eksguard("aws-auth migrate " + data("entries/cluster.json"), true);
  EXPECT_EQ(no_aws_auth.exit_code, 2);
  EXPECT_NE(no_aws_auth.out.find("no ConfigMap kube-system/aws-auth"), std::string::npos);
  const auto format = run_eksguard("aws-auth migrate -f yaml " + data("aws-auth.yaml"), true);
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.out.find("unknown format `yaml`"), std::string::npos);
  const auto missing = run_eksguard("aws-auth migrate /nonexistent/aws-auth.yaml", true);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("/nonexistent/aws-auth.yaml: no such file"), std::string::npos);
  EXPECT_EQ(run_eksguard("aws-auth migrate").exit_code, 2);
}

TEST(AwsAuthCommandTest, ResolveText) {
  const auto out = run_eksguard(
      "aws-auth resolve arn:aws:sts::111122223333:assumed-role/Developers/jo " + data("entries"));
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_NE(out.out.find("source:     aws-auth mapRoles ("), std::string::npos);
  EXPECT_NE(out.out.find("aws-auth.yaml:17:7)"), std::string::npos);
  EXPECT_NE(out.out.find("username:   dev:jo"), std::string::npos);
  EXPECT_NE(out.out.find("groups:     developers, system:authenticated"), std::string::npos);
  EXPECT_NE(out.out.find("missing inputs:"), std::string::npos);
}

TEST(AwsAuthCommandTest, ResolveJson) {
  const auto out =
      run_eksguard("aws-auth resolve --format json arn:aws:iam::111122223333:role/team/Platform " +
                   data("entries"));
  EXPECT_EQ(out.exit_code, 0);
  auto documents = eksguard::doc::load_all(out.out, "out.json");
  ASSERT_TRUE(documents) << out.out;
  const eksguard::doc::Node& root = *documents->front().root();
  EXPECT_EQ(root.string_at("source"), "access entry");
  EXPECT_EQ(root.string_at("authentication_mode"), "API_AND_CONFIG_MAP");
  EXPECT_EQ(root.get("authenticated")->as_bool(), std::optional<bool>(true));
  ASSERT_EQ(root.get("access_policies")->size(), 3u);
  EXPECT_EQ(root.get("access_policies")->items()[1]->string_at("kubernetes_equivalent"), "admin");
  EXPECT_EQ(root.get("access_policies")->items()[2]->get("known")->as_bool(),
            std::optional<bool>(false));
  EXPECT_EQ(root.get("location")->string_at("path"), "accessEntry");
}

TEST(AwsAuthCommandTest, ResolveReportsBrokenInputsAndGoesOn) {
  eksguard::testing::TempDir dir;
  std::ofstream(dir.path() / "broken.json") << R"({"accessEntry": {"principalArn": 3}})";
  const auto out = run_eksguard("aws-auth resolve arn:aws:iam::111122223333:role/Admin " +
                                    dir.path().string() + " " + data("aws-auth.yaml"),
                                true);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.out.find("broken.json:1:34: accessEntry.principalArn is a number"),
            std::string::npos);
  EXPECT_NE(out.out.find("source:     aws-auth mapRoles"), std::string::npos);
}

}  // namespace
