// aws-auth parsing as aws-iam-authenticator does it: sections parsed on their own, lockout
// mechanisms (a section that does not parse, a missing `|`, mis-indentation), case rules,
// invalid items, duplicates, and positions that point into the ConfigMap's file.
#include "identity/aws_auth.h"

#include <gtest/gtest.h>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::diagnostics_with;
using testing::parse_aws_auth_file;
using testing::parse_aws_auth_text;

TEST(IdentityAwsAuth, ReadsEverySectionWithFilePositions) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth.yaml");
  EXPECT_TRUE(auth.diagnostics.empty());
  ASSERT_EQ(auth.roles.size(), 5u);
  ASSERT_EQ(auth.users.size(), 1u);
  ASSERT_EQ(auth.accounts.size(), 1u);
  EXPECT_EQ(auth.accounts[0].account, "444455556666");

  const AwsAuthMapping& admin = auth.roles[3];
  EXPECT_EQ(admin.arn, "arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(admin.username, "admin:{{SessionName}}");
  EXPECT_EQ(admin.groups, std::vector<std::string>{"system:masters"});
  // The block scalar starts on line 8; item 3 is on line 25 of the file.
  EXPECT_EQ(admin.origin.position.line, 25u);
  EXPECT_EQ(admin.origin.position.column, 7u);
  EXPECT_EQ(admin.arn_origin.position.line, 25u);
  EXPECT_EQ(admin.arn_origin.position.column, 16u);
  EXPECT_EQ(admin.arn_origin.path, "data.mapRoles[3].rolearn");
  EXPECT_EQ(auth.roles[0].group_origins[1].position.line, 12u);
  EXPECT_EQ(auth.roles[0].group_origins[1].position.column, 11u);
  EXPECT_EQ(auth.users[0].key, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(auth.roles[3].key, "arn:aws:iam::111122223333:role/admin");
}

TEST(IdentityAwsAuth, YamlErrorDropsOnlyThatSection) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-broken-section.yaml");
  EXPECT_EQ(auth.roles.size(), 1u);
  EXPECT_TRUE(auth.users.empty());
  const auto syntax = diagnostics_with(auth, "aws-auth.section.syntax");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_EQ(syntax[0]->problem, AwsAuthProblem::kSectionSyntax);
  EXPECT_NE(syntax[0]->message.find("mapUsers does not parse"), std::string::npos);
  EXPECT_NE(syntax[0]->message.find("lockout"), std::string::npos);
  // The unclosed flow list is reported inside the mapUsers block (lines 14-16 of the file).
  EXPECT_GE(syntax[0]->origin.position.line, 14u);
  EXPECT_LE(syntax[0]->origin.position.line, 17u);
  EXPECT_EQ(syntax[0]->origin.path, "data.mapUsers");
}

TEST(IdentityAwsAuth, MissingBarIsRejected) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-missing-bar.yaml");
  EXPECT_TRUE(auth.roles.empty());
  const auto shape = diagnostics_with(auth, "aws-auth.section.not-a-string");
  ASSERT_EQ(shape.size(), 1u);
  EXPECT_EQ(shape[0]->origin.position.line, 8u);
}

TEST(IdentityAwsAuth, IndentationBugJoinsGroupsIntoOneString) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-indentation.yaml");
  ASSERT_EQ(auth.roles.size(), 1u);
  EXPECT_EQ(auth.roles[0].groups, std::vector<std::string>{"system:bootstrappers - system:nodes"});
  EXPECT_TRUE(auth.diagnostics.empty());  // the authenticator sees nothing wrong
}

TEST(IdentityAwsAuth, ItemKeysIgnoreCaseDataKeysDoNot) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-crazy-case.yaml");
  ASSERT_EQ(auth.roles.size(), 2u);
  EXPECT_EQ(auth.roles[0].arn, "arn:aws:iam::111122223333:role/eks-node-role");
  EXPECT_EQ(auth.roles[0].username, "system:node:{{EC2PrivateDNSName}}");
  EXPECT_EQ(auth.roles[0].groups.size(), 2u);
  // roleARN and rolearn both set the field: the spelling that sorts last wins.
  EXPECT_EQ(auth.roles[1].arn, "arn:aws:iam::111122223333:role/Other");
  EXPECT_EQ(diagnostics_with(auth, "aws-auth.key.repeated").size(), 1u);
  EXPECT_TRUE(auth.users.empty());
  const auto wrong_case = diagnostics_with(auth, "aws-auth.key.case");
  ASSERT_EQ(wrong_case.size(), 1u);
  EXPECT_NE(wrong_case[0]->message.find("`MapUsers`"), std::string::npos);
  EXPECT_EQ(wrong_case[0]->origin.position.line, 17u);
}

TEST(IdentityAwsAuth, InvalidItemsAreDroppedOneAtATime) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-invalid-items.yaml");
  ASSERT_EQ(auth.roles.size(), 2u);
  EXPECT_EQ(auth.roles[0].arn, "arn:aws:iam::111122223333:role/StringGroups");
  EXPECT_EQ(auth.roles[0].username, "");  // `yes` is a boolean: zeroed
  EXPECT_TRUE(auth.roles[0].groups.empty());
  EXPECT_EQ(auth.roles[1].username, "u:{{sessionName}}");
  EXPECT_TRUE(auth.users.empty());
  // Items 0 (userarn in mapRoles), 1 (rolearn and sso), 3 (a string) and mapUsers item 0.
  const auto dropped = diagnostics_with(auth, "aws-auth.item.dropped");
  ASSERT_EQ(dropped.size(), 4u);
  EXPECT_EQ(dropped[0]->origin.position.line, 8u);
  EXPECT_EQ(dropped[2]->origin.position.line, 19u);  // "- just a string"
  EXPECT_EQ(dropped[2]->origin.position.column, 7u);
  EXPECT_EQ(dropped[3]->origin.position.line, 24u);
  EXPECT_EQ(dropped[3]->origin.path, "data.mapUsers[0]");
  EXPECT_EQ(diagnostics_with(auth, "aws-auth.field.ignored").size(), 2u);
  const auto unknown = diagnostics_with(auth, "aws-auth.key.unknown");
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_NE(unknown[0]->message.find("mapRoles items take rolearn"), std::string::npos);
  EXPECT_NE(unknown[1]->message.find("did you mean groups"), std::string::npos);
  EXPECT_EQ(unknown[0]->origin.position.line, 8u);
}

TEST(IdentityAwsAuth, LaterRoleMappingReplacesEarlierIgnoringCase) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-duplicates-paths.yaml");
  ASSERT_EQ(auth.roles.size(), 6u);
  EXPECT_FALSE(auth.roles[0].effective);
  EXPECT_TRUE(auth.roles[1].effective);
  ASSERT_TRUE(auth.roles[3].sso);
  EXPECT_EQ(auth.roles[3].key, "arn:aws:iam::111122223333:role/awsreservedsso_readonly_*");
  // User keys keep their case: both Bob and bob stay.
  ASSERT_EQ(auth.users.size(), 3u);
  EXPECT_TRUE(auth.users[0].effective);
  EXPECT_TRUE(auth.users[1].effective);
}

TEST(IdentityAwsAuth, JsonStringSectionsPointAtTheValue) {
  const AwsAuth auth = parse_aws_auth_file("aws-auth-list.json");
  EXPECT_EQ(auth.ref.name, "aws-auth");
  ASSERT_EQ(auth.roles.size(), 2u);
  EXPECT_EQ(auth.roles[1].origin.path, "items[0].data.mapRoles[1]");
  EXPECT_EQ(auth.roles[1].origin.position.line, 7u);  // the JSON string's line
  const auto syntax = diagnostics_with(auth, "aws-auth.section.syntax");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_NE(syntax[0]->message.find("of the text"), std::string::npos);
  EXPECT_EQ(syntax[0]->origin.position.line, 8u);
}

TEST(IdentityAwsAuth, EmptyAndSkippableSectionsAreAbsent) {
  const AwsAuth auth = parse_aws_auth_text(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: ""
  mapUsers: '""'
  mapAccounts: |
    # nothing yet
)");
  EXPECT_TRUE(auth.diagnostics.empty());
  EXPECT_FALSE(auth.has_section[0]);
  EXPECT_FALSE(auth.has_section[1]);
  EXPECT_TRUE(auth.roles.empty());
}

TEST(IdentityAwsAuth, OddShapesAreDiagnosticsNotCrashes) {
  const AwsAuth not_list = parse_aws_auth_text(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth}
data:
  mapRoles: |
    rolearn: arn:aws:iam::1:role/x
  mapAccounts: |
    - [1, 2]
    - 111122223333
  mapRole: |
    - rolearn: arn:aws:iam::1:role/y
)");
  EXPECT_EQ(diagnostics_with(not_list, "aws-auth.section.not-a-list").size(), 1u);
  EXPECT_EQ(diagnostics_with(not_list, "aws-auth.field.ignored").size(), 1u);
  EXPECT_EQ(diagnostics_with(not_list, "aws-auth.key.unknown").size(), 1u);
  ASSERT_EQ(not_list.accounts.size(), 1u);
  EXPECT_EQ(not_list.accounts[0].account, "111122223333");  // unquoted: read by its text

  const AwsAuth bad_data = parse_aws_auth_text(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data: [1]
)");
  EXPECT_EQ(diagnostics_with(bad_data, "aws-auth.data.not-a-mapping").size(), 1u);
}

TEST(IdentityAwsAuth, OnlyKubeSystemAwsAuthCounts) {
  const auto documents = doc::load_all(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: default}
data: {mapRoles: ""}
)");
  ASSERT_TRUE(documents);
  EXPECT_FALSE(is_aws_auth(k8s::make_object(*documents->front().root(), "x.yaml")));
}

}  // namespace
}  // namespace eksguard::identity

namespace eksguard::identity {
namespace {

TEST(IdentityAwsAuth, SsoMatchersAreValidatedLikeTheAuthenticator) {
  const AwsAuth auth = testing::parse_aws_auth_text(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - sso: {permissionSetName: Admin, accountID: "12345"}
      username: a
    - sso: {permissionSetName: "bad name!", accountID: "111122223333"}
      username: b
    - sso: {permissionSetName: Ok_1+=.@-, accountID: "111122223333", partition: mars}
      username: c
    - sso: {permissionSetName: Ok_1+=.@-, accountID: "111122223333", partition: aws-cn}
      username: d
)");
  const auto dropped = testing::diagnostics_with(auth, "aws-auth.item.dropped");
  ASSERT_EQ(dropped.size(), 3u);
  EXPECT_NE(dropped[0]->message.find("not a 12-digit account id"), std::string::npos);
  EXPECT_NE(dropped[1]->message.find("not a permission set name"), std::string::npos);
  EXPECT_NE(dropped[2]->message.find("not an AWS partition"), std::string::npos);
  ASSERT_EQ(auth.roles.size(), 1u);
  EXPECT_EQ(auth.roles[0].key, "arn:aws-cn:iam::111122223333:role/awsreservedsso_ok_1+=.@-_*");
}

}  // namespace
}  // namespace eksguard::identity
