#include "identity/arn.h"

#include <gtest/gtest.h>

#include "identity/resolver.h"

namespace eksguard::identity {
namespace {

TEST(IdentityArn, ParsesRolesUsersRootAndSessions) {
  auto role = parse_arn("arn:aws:iam::111122223333:role/team/dev/Admin");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->type, PrincipalType::kRole);
  EXPECT_EQ(role->account, "111122223333");
  EXPECT_EQ(role->path, "team/dev/");
  EXPECT_EQ(role->name, "Admin");

  auto session = parse_arn("arn:aws-cn:sts::111122223333:assumed-role/Admin/alice@example.com");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->type, PrincipalType::kAssumedRole);
  EXPECT_EQ(session->name, "Admin");
  EXPECT_EQ(session->session, "alice@example.com");

  EXPECT_EQ(parse_arn("arn:aws:iam::111122223333:root")->type, PrincipalType::kRoot);
  EXPECT_EQ(parse_arn("arn:aws:iam::111122223333:user/ops/bob")->name, "bob");
  EXPECT_EQ(parse_arn("arn:aws:sts::1:federated-user/bob")->type, PrincipalType::kFederatedUser);
  EXPECT_EQ(parse_arn("arn:aws:s3:::bucket")->type, PrincipalType::kUnknown);
  EXPECT_EQ(parse_arn("arn:aws:sts::1:assumed-role/NoSession")->type, PrincipalType::kUnknown);
  EXPECT_FALSE(parse_arn("not-an-arn"));
  EXPECT_FALSE(parse_arn("arn:aws:iam::1"));
  EXPECT_FALSE(parse_arn(""));
}

TEST(IdentityArn, CallerArnIsTheRoleWithoutPath) {
  EXPECT_EQ(caller_arn(*parse_arn("arn:aws:sts::111122223333:assumed-role/Admin/s1")),
            "arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(caller_arn(*parse_arn("arn:aws:iam::111122223333:role/team/Admin")),
            "arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(caller_arn(*parse_arn("arn:aws:iam::111122223333:user/ops/bob")),
            "arn:aws:iam::111122223333:user/ops/bob");
  EXPECT_EQ(caller_arn(*parse_arn("arn:aws:s3:::bucket")), "");
  EXPECT_TRUE(is_known_partition("aws-us-gov"));
  EXPECT_FALSE(is_known_partition("azure"));
}

TEST(IdentityArn, TemplatesAreCaseSensitiveAndRenderLikeTheAuthenticator) {
  EXPECT_EQ(scan_template("system:node:{{EC2PrivateDNSName}}").placeholders, kEc2PrivateDnsName);
  const TemplateInfo mixed = scan_template("{{AccountID}}:{{SessionNameRaw}}:{{sessionName}}");
  EXPECT_EQ(mixed.placeholders, kAccountId | kSessionNameRaw);
  EXPECT_EQ(mixed.unknown, "{{sessionName}}");

  const CallerFacts facts{"111122223333", "alice@example.com", std::nullopt};
  EXPECT_EQ(render_template("u:{{SessionName}}", facts), "u:alice-example.com");
  EXPECT_EQ(render_template("u:{{SessionNameRaw}}", facts), "u:alice@example.com");
  EXPECT_EQ(render_template("{{AccountID}}:{{AccessKeyID}}", facts),
            "111122223333:{{AccessKeyID}}");
}

TEST(IdentityArn, TemplateMatchingNeedsNonEmptyPlaceholders) {
  EXPECT_TRUE(template_matches("system:node:{{EC2PrivateDNSName}}", "system:node:ip-10-0-0-1"));
  EXPECT_FALSE(template_matches("system:node:{{EC2PrivateDNSName}}", "system:node:"));
  EXPECT_FALSE(template_matches("system:node:{{EC2PrivateDNSName}}", "system:nodes"));
  EXPECT_TRUE(template_matches("{{SessionName}}-x-{{AccountID}}", "a-x-x-1"));
  EXPECT_TRUE(template_matches("plain", "plain"));
  EXPECT_FALSE(template_matches("plain", "plainer"));
  EXPECT_FALSE(template_matches("a{{SessionName}}b", "ab"));
}

TEST(IdentityArn, ArnLikeMatchesFieldByField) {
  EXPECT_TRUE(arn_like("arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_abc",
                       "arn:aws:iam::111122223333:role/awsreservedsso_admin_*"));
  EXPECT_FALSE(arn_like("arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_abc",
                        "arn:aws:iam::999988887777:role/awsreservedsso_admin_*"));
  EXPECT_TRUE(arn_like("arn:aws:iam::111122223333:role/x", "arn:*:iam::*:role/?"));
  EXPECT_FALSE(arn_like("arn:aws:iam::111122223333:role/x", "arn:*:iam:*"));
}

}  // namespace
}  // namespace eksguard::identity
