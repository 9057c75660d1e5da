#include "cedar/authorizer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cedar_test_support.h"

namespace eksguard::cedar {
namespace {

using testing::uid;

constexpr std::string_view kEntities = R"([
  {"uid": {"type": "User", "id": "alice"}, "attrs": {"level": 5},
   "parents": [{"type": "Group", "id": "admins"}]},
  {"uid": {"type": "User", "id": "bob"}, "attrs": {"level": 1}},
  {"uid": {"type": "Photo", "id": "p1"}, "attrs": {"private": false}},
  {"uid": {"type": "Photo", "id": "p2"}, "attrs": {"private": true}},
  {"uid": {"type": "Action", "id": "view"}, "parents": [{"type": "Action", "id": "read"}]},
  {"uid": {"type": "Action", "id": "read"}, "parents": [{"type": "Action", "id": "any"}]}
])";

std::vector<std::string_view> ids(const PolicySet& set, const std::vector<uint32_t>& indices) {
  std::vector<std::string_view> out;
  for (const uint32_t index : indices) out.push_back(set.policies()[index].id);
  return out;
}

std::vector<std::string_view> error_ids(const PolicySet& set, const Response& response) {
  std::vector<std::string_view> out;
  for (const PolicyError& error : response.errors) out.push_back(set.policies()[error.policy].id);
  return out;
}

class CedarAuthorizerTest : public ::testing::Test {
 protected:
  CedarAuthorizerTest() : store_(testing::entities(kEntities)) {}

  Response decide(const PolicySet& set, std::string_view principal, std::string_view action,
                  std::string_view resource) {
    const Request request = testing::request("{}", uid("User", principal), uid("Action", action),
                                             uid("Photo", resource));
    return is_authorized(set, request, store_);
  }

  Entities store_;
};

TEST_F(CedarAuthorizerTest, DefaultDenyWithoutReasons) {
  const PolicySet set = testing::policies("permit(principal == User::\"bob\", action, resource);");
  const Response response = decide(set, "alice", "view", "p1");
  EXPECT_EQ(response.decision, Decision::kDeny);
  EXPECT_TRUE(response.reasons.empty());
  EXPECT_TRUE(response.errors.empty());
}

TEST_F(CedarAuthorizerTest, ForbidOverridesPermitAndReasonsAreTheDeterminingPolicies) {
  const PolicySet set = testing::policies(R"(
    permit(principal in Group::"admins", action in Action::"read", resource);
    permit(principal, action == Action::"view", resource is Photo);
    forbid(principal, action, resource) when { resource.private };
    forbid(principal, action, resource) when { resource.private && principal.level > 3 };
  )");
  Response response = decide(set, "alice", "view", "p1");
  EXPECT_EQ(response.decision, Decision::kAllow);
  EXPECT_EQ(ids(set, response.reasons), (std::vector<std::string_view>{"policy0", "policy1"}));
  response = decide(set, "alice", "view", "p2");
  EXPECT_EQ(response.decision, Decision::kDeny);
  EXPECT_EQ(ids(set, response.reasons), (std::vector<std::string_view>{"policy2", "policy3"}));
}

TEST_F(CedarAuthorizerTest, ErroringPoliciesAreSkippedAndReported) {
  const PolicySet set = testing::policies(R"(
    permit(principal, action, resource);
    forbid(principal, action, resource) when { principal.nope };
    forbid(principal, action, resource) unless { 1 };
    permit(principal, action, resource) when { principal.level + 9223372036854775807 > 0 };
  )");
  const Response response = decide(set, "alice", "view", "p1");
  EXPECT_EQ(response.decision, Decision::kAllow);  // an erroring forbid does not deny
  EXPECT_EQ(ids(set, response.reasons), std::vector<std::string_view>{"policy0"});
  EXPECT_EQ(error_ids(set, response),
            (std::vector<std::string_view>{"policy1", "policy2", "policy3"}));
  EXPECT_EQ(response.errors[0].error.message,
            "`User::\"alice\"` does not have the attribute `nope`");
  EXPECT_EQ(response.errors[1].error.message, "type error: expected bool, got long");
}

TEST_F(CedarAuthorizerTest, ActionHierarchyAndScopeTypesSelectPolicies) {
  const PolicySet set = testing::policies(R"(
    permit(principal, action in Action::"any", resource);
    permit(principal, action in [Action::"edit", Action::"read"], resource);
    permit(principal, action == Action::"edit", resource);
    permit(principal is Group, action, resource);
    permit(principal == User::"alice", action, resource is User);
  )");
  std::vector<uint32_t> candidates;
  const Request request =
      testing::request("{}", uid("User", "alice"), uid("Action", "view"), uid("Photo", "p1"));
  set.candidates(request, store_, candidates);
  // `action == edit` and the Group/User-typed scopes never reach evaluation.
  EXPECT_EQ(ids(set, candidates), (std::vector<std::string_view>{"policy0", "policy1"}));
  const Response response = is_authorized(set, request, store_);
  EXPECT_EQ(ids(set, response.reasons), (std::vector<std::string_view>{"policy0", "policy1"}));
}

TEST_F(CedarAuthorizerTest, TemplatesApplyOnlyOnceLinked) {
  auto parsed = parse_policies(
      "@id(\"owner-view\") permit(principal == ?principal, action, resource in ?resource);",
      "t.cedar");
  ASSERT_TRUE(parsed.ok());
  TemplateLink link;
  link.template_id = "policy0";
  link.new_id = "alice-p1";
  link.principal = std::pair{std::string("User"), std::string("alice")};
  link.resource = std::pair{std::string("Photo"), std::string("p1")};
  auto set = PolicySet::compile(std::move(parsed), std::span<const TemplateLink>(&link, 1));
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->policies().size(), 1u);
  ASSERT_EQ(set->templates().size(), 1u);
  EXPECT_EQ(decide(*set, "alice", "view", "p1").decision, Decision::kAllow);
  EXPECT_EQ(decide(*set, "bob", "view", "p1").decision, Decision::kDeny);
  // A linked policy is named by its link (two links of one template must be told apart), not by
  // the `@id` annotation it shares with its template.
  EXPECT_EQ(PolicySet::display_id(set->policies()[0]), "alice-p1");

  auto unlinked = PolicySet::parse("permit(principal == ?principal, action, resource);", "t");
  ASSERT_TRUE(unlinked);
  EXPECT_TRUE(unlinked->policies().empty());
  EXPECT_EQ(decide(*unlinked, "alice", "view", "p1").decision, Decision::kDeny);

  TemplateLink missing = link;
  missing.template_id = "nope";
  auto bad =
      PolicySet::compile(parse_policies("permit(principal == ?principal, action, resource);", "t"),
                         std::span<const TemplateLink>(&missing, 1));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "no template with id `nope`");
}

TEST_F(CedarAuthorizerTest, DisplayIdPrefersTheIdAnnotation) {
  const PolicySet set = testing::policies(
      "@id(\"named\") permit(principal, action, resource);\n"
      "permit(principal, action, resource);");
  EXPECT_EQ(PolicySet::display_id(set.policies()[0]), "named");
  EXPECT_EQ(PolicySet::display_id(set.policies()[1]), "policy1");
}

TEST_F(CedarAuthorizerTest, SharedPolicySetIsSafeAcrossThreads) {
  const PolicySet set = testing::policies(R"(
    permit(principal in Group::"admins", action in Action::"read", resource)
      when { [resource.private, principal.level > 2].contains(true) };
    forbid(principal, action, resource) when { resource.private };
  )");
  const Request allow =
      testing::request("{}", uid("User", "alice"), uid("Action", "view"), uid("Photo", "p1"));
  const Request deny =
      testing::request("{}", uid("User", "alice"), uid("Action", "view"), uid("Photo", "p2"));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (is_authorized(set, allow, store_).decision != Decision::kAllow) ++wrong;
        if (is_authorized(set, deny, store_).decision != Decision::kDeny) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace eksguard::cedar
