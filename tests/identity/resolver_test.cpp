// IAM principal → Kubernetes identity, by authentication mode, and the reverse lookups that feed
// `rbac who-can`'s iam column.
#include "identity/resolver.h"

#include <gtest/gtest.h>

#include "identity_test_util.h"

namespace eksguard::identity {
namespace {

using testing::identity_data;

IdentityInputs inputs_with_mode(AuthenticationMode mode) {
  IdentityInputs inputs = collect_identity_inputs({identity_data("entries").string()});
  inputs.cluster->mode = mode;
  return inputs;
}

bool has_note(const Resolution& resolution, std::string_view text) {
  for (const std::string& note : resolution.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

TEST(IdentityResolver, AccessEntryWinsInMixedMode) {
  const IdentityInputs inputs = inputs_with_mode(AuthenticationMode::kApiAndConfigMap);
  const Resolver resolver(inputs);
  const Resolution admin = resolver.resolve("arn:aws:sts::111122223333:assumed-role/Admin/alice");
  EXPECT_TRUE(admin.authenticated);
  EXPECT_EQ(admin.source, AccessSource::kAccessEntry);
  EXPECT_EQ(admin.caller_arn, "arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(admin.username, "arn:aws:sts::111122223333:assumed-role/Admin/alice");
  EXPECT_EQ(admin.groups, std::vector<std::string>{"system:authenticated"});
  ASSERT_EQ(admin.access_policies.size(), 1u);
  EXPECT_TRUE(admin.access_policies[0].policy->cluster_admin);
  EXPECT_TRUE(has_note(admin, "also maps this principal; the access entry wins"));

  const Resolution dev =
      resolver.resolve("arn:aws:sts::111122223333:assumed-role/Developers/a@b.c");
  EXPECT_EQ(dev.source, AccessSource::kAwsAuthRole);
  EXPECT_EQ(dev.username, "dev:a-b.c");
  EXPECT_EQ(dev.groups, (std::vector<std::string>{"developers", "system:authenticated"}));
  EXPECT_EQ(dev.origin.position.line, 17u);
}

TEST(IdentityResolver, ModeDecidesWhichSourceCounts) {
  const IdentityInputs config_map = inputs_with_mode(AuthenticationMode::kConfigMap);
  const Resolution by_config_map =
      Resolver(config_map).resolve("arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(by_config_map.source, AccessSource::kAwsAuthRole);
  EXPECT_EQ(by_config_map.groups,
            (std::vector<std::string>{"system:masters", "system:authenticated"}));
  EXPECT_EQ(by_config_map.username, "admin:{{SessionName}}");
  EXPECT_TRUE(has_note(by_config_map, "still holds placeholders"));

  const IdentityInputs api = inputs_with_mode(AuthenticationMode::kApi);
  const Resolution dev = Resolver(api).resolve("arn:aws:iam::111122223333:role/Developers");
  EXPECT_FALSE(dev.authenticated);
  EXPECT_TRUE(has_note(dev, "authentication mode is API"));

  IdentityInputs unknown = inputs_with_mode(AuthenticationMode::kUnknown);
  const Resolution either = Resolver(unknown).resolve("arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(either.source, AccessSource::kAccessEntry);
  EXPECT_TRUE(has_note(either, "authentication mode unknown"));
}

TEST(IdentityResolver, NodeEntriesGetNodeGroupsAndUsernames) {
  const IdentityInputs inputs = inputs_with_mode(AuthenticationMode::kApi);
  const Resolution node =
      Resolver(inputs).resolve("arn:aws:sts::111122223333:assumed-role/eks-node-role/i-0123");
  EXPECT_EQ(node.username, "system:node:{{EC2PrivateDNSName}}");
  EXPECT_EQ(node.groups, (std::vector<std::string>{"system:nodes", "system:authenticated"}));
}

TEST(IdentityResolver, AwsAuthSemantics) {
  IdentityInputs inputs;
  inputs.aws_auth.push_back(testing::parse_aws_auth_file("aws-auth-duplicates-paths.yaml"));
  inputs.aws_auth.back().accounts.push_back(AccountMapping{"555566667777", {}});
  const Resolver resolver(inputs);
  // The later ADMIN mapping replaced the first one (same ARN ignoring case).
  const Resolution admin = resolver.resolve("arn:aws:iam::111122223333:role/admin");
  EXPECT_EQ(admin.username_template, "admin:{{SessionName}}");
  // A role ARN with a path never matches, whichever way the caller is named.
  const Resolution deployer =
      resolver.resolve("arn:aws:sts::111122223333:assumed-role/Deployer/ci");
  EXPECT_FALSE(deployer.authenticated);
  EXPECT_TRUE(has_note(deployer, "never matches"));
  // SSO mapping: the role's random suffix matches the pattern.
  const Resolution sso = resolver.resolve(
      "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_0123abcd/jo@x.io");
  EXPECT_EQ(sso.source, AccessSource::kAwsAuthSso);
  EXPECT_EQ(sso.username, "sso:jo-x.io");
  // mapUsers keys keep their case: Bob and bob both match, which one applies is undefined.
  const Resolution bob = resolver.resolve("arn:aws:iam::111122223333:user/BOB");
  EXPECT_EQ(bob.source, AccessSource::kAwsAuthUser);
  EXPECT_TRUE(has_note(bob, "differ only in case"));
  // mapAccounts: the ARN is the username, no groups but system:authenticated.
  const Resolution stranger = resolver.resolve("arn:aws:iam::555566667777:role/Anything");
  EXPECT_EQ(stranger.source, AccessSource::kAwsAuthAccount);
  EXPECT_EQ(stranger.username, "arn:aws:iam::555566667777:role/Anything");
  EXPECT_EQ(stranger.groups, std::vector<std::string>{"system:authenticated"});
  EXPECT_FALSE(resolver.resolve("arn:aws:iam::999999999999:role/Nobody").authenticated);
  EXPECT_FALSE(resolver.resolve("bogus").authenticated);
}

TEST(IdentityResolver, ReverseLookupForWhoCan) {
  const IdentityInputs inputs = inputs_with_mode(AuthenticationMode::kApiAndConfigMap);
  const Resolver resolver(inputs);
  EXPECT_EQ(resolver.principals_for_subject("Group", "developers"),
            std::vector<std::string>{"arn:aws:iam::111122223333:role/Developers"});
  // Admin's aws-auth system:masters mapping is shadowed by its access entry; Platform's entry
  // puts it in system:masters.
  EXPECT_EQ(resolver.principals_for_subject("Group", "system:masters"),
            std::vector<std::string>{"arn:aws:iam::111122223333:role/team/Platform"});
  EXPECT_EQ(resolver.principals_for_subject("Group", "system:nodes"),
            std::vector<std::string>{"arn:aws:iam::111122223333:role/eks-node-role"});
  EXPECT_EQ(resolver.principals_for_subject("User", "dev:alice"),
            std::vector<std::string>{"arn:aws:iam::111122223333:role/Developers"});
  EXPECT_EQ(resolver.principals_for_subject("User", "arn:aws:iam::444455556666:user/contractor"),
            std::vector<std::string>{"arn:aws:iam::444455556666:user/contractor"});
  EXPECT_TRUE(resolver.principals_for_subject("ServiceAccount", "default").empty());
  EXPECT_GE(resolver.principals_for_subject("Group", "system:authenticated").size(), 6u);

  const IdentityInputs config_map = inputs_with_mode(AuthenticationMode::kConfigMap);
  EXPECT_EQ(Resolver(config_map).principals_for_subject("Group", "system:masters"),
            std::vector<std::string>{"arn:aws:iam::111122223333:role/Admin"});
}

TEST(IdentityResolver, PolicyGrantsListEveryAssociation) {
  const IdentityInputs inputs = inputs_with_mode(AuthenticationMode::kApi);
  const auto grants = Resolver(inputs).policy_grants();
  ASSERT_EQ(grants.size(), 5u);
  EXPECT_EQ(grants[0].username, "arn:aws:sts::111122223333:assumed-role/Admin/{{SessionName}}");
  const IdentityInputs config_map = inputs_with_mode(AuthenticationMode::kConfigMap);
  EXPECT_TRUE(Resolver(config_map).policy_grants().empty());
}

}  // namespace
}  // namespace eksguard::identity
