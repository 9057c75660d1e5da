#include "cedar/evaluator.h"

#include <gtest/gtest.h>

#include "cedar_test_support.h"

namespace eksguard::cedar {
namespace {

using testing::Evaluated;

constexpr std::string_view kEntities = R"([
  {"uid": {"type": "User", "id": "alice"},
   "attrs": {"name": "alice", "age": 30, "big": 9007199254740993, "tags": ["a", "b"],
             "manager": {"__entity": {"type": "User", "id": "bob"}},
             "address": {"city": "Paris", "zip": {"code": 75001}},
             "ip": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}}},
   "parents": [{"type": "Group", "id": "staff"}],
   "tags": {"stage": "prod", "n": 1}},
  {"uid": {"type": "Group", "id": "staff"}, "parents": [{"type": "Group", "id": "everyone"}]},
  {"uid": {"type": "Group", "id": "everyone"}},
  {"uid": {"type": "Photo", "id": "p1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}}}
])";

class CedarEvaluatorTest : public ::testing::Test {
 protected:
  CedarEvaluatorTest()
      : store_(testing::entities(kEntities)),
        request_(testing::request(R"({"flag": true, "n": 5, "s": "hello", "set": [1, 2]})")),
        run_(request_, store_) {}

  // The value in Cedar syntax, or "error: <message>".
  std::string eval(std::string_view expression) {
    const Evaluated result = run_(expression);
    return result.value ? result.text : "error: " + result.error;
  }
  bool is_true(std::string_view expression) { return eval(expression) == "true"; }

  Entities store_;
  Request request_;
  testing::ExpressionRunner run_;
};

TEST_F(CedarEvaluatorTest, LogicShortCircuitsAndChecksBooleans) {
  EXPECT_EQ(eval("false && (1 < \"a\")"), "false");
  EXPECT_EQ(eval("true || principal.missing"), "true");
  EXPECT_EQ(eval("true && 1"), "error: type error: expected bool, got long");
  EXPECT_EQ(eval("1 || true"), "error: type error: expected bool, got long");
  EXPECT_EQ(eval("!\"x\""), "error: type error: expected bool, got string");
  EXPECT_EQ(eval("if context.flag then 1 else principal.missing"), "1");
  EXPECT_EQ(eval("if 1 then 1 else 2"), "error: type error: expected bool, got long");
}

TEST_F(CedarEvaluatorTest, ArithmeticIsCheckedSixtyFourBit) {
  EXPECT_EQ(eval("1 + 2 * 3 - 4"), "3");
  EXPECT_EQ(eval("9223372036854775807 + 1"),
            "error: integer overflow while attempting to add the values `9223372036854775807` "
            "and `1`");
  EXPECT_EQ(eval("-9223372036854775808 - 1"),
            "error: integer overflow while attempting to subtract the values "
            "`-9223372036854775808` and `1`");
  EXPECT_EQ(eval("4611686018427387904 * 2").substr(0, 23), "error: integer overflow");
  EXPECT_EQ(eval("--9223372036854775808"),
            "error: integer overflow while attempting to negate the value `-9223372036854775808`");
  EXPECT_EQ(eval("-(-9223372036854775807)"), "9223372036854775807");
  EXPECT_EQ(eval("1 + \"a\""), "error: type error: expected long, got string");
  EXPECT_EQ(eval("principal.big"), "9007199254740993");  // exact beyond 2^53
}

TEST_F(CedarEvaluatorTest, EqualityIsStructuralAcrossTypes) {
  EXPECT_TRUE(is_true("1 != \"1\""));
  EXPECT_TRUE(is_true("[1, 2, 2] == [2, 1]"));
  EXPECT_TRUE(is_true("{a: 1, b: [true]} == {b: [true], a: 1}"));
  EXPECT_TRUE(is_true("decimal(\"1.5\") == decimal(\"1.5000\")"));
  EXPECT_TRUE(is_true("ip(\"10.1.2.3\") == principal.ip"));
  EXPECT_TRUE(is_true("User::\"alice\" == principal"));
  EXPECT_TRUE(is_true("User::\"alice\" != Group::\"alice\""));
  EXPECT_TRUE(is_true("\"\\u{e9}\" == \"é\""));
  EXPECT_TRUE(is_true("principal.manager == User::\"bob\""));
}

TEST_F(CedarEvaluatorTest, ComparisonsTakeLongsDatetimesAndDurations) {
  EXPECT_TRUE(is_true("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3"));
  EXPECT_TRUE(is_true("datetime(\"2024-01-01\") < datetime(\"2024-01-02\")"));
  EXPECT_TRUE(is_true("duration(\"1h\") > duration(\"59m\")"));
  EXPECT_EQ(eval("\"a\" < \"b\"").substr(0, 18), "error: type error:");
  EXPECT_EQ(eval("1 < \"b\""), "error: type error: expected long, got string");
  EXPECT_EQ(eval("datetime(\"2024-01-01\") < duration(\"1h\")"),
            "error: type error: expected datetime, got duration");
  EXPECT_EQ(eval("decimal(\"1.0\") < decimal(\"2.0\")").substr(0, 18), "error: type error:");
}

TEST_F(CedarEvaluatorTest, InFollowsTheHierarchy) {
  EXPECT_TRUE(is_true("principal in Group::\"staff\""));
  EXPECT_TRUE(is_true("principal in Group::\"everyone\""));  // transitively
  EXPECT_TRUE(is_true("principal in principal"));
  EXPECT_TRUE(is_true("principal in [Group::\"nope\", Group::\"everyone\"]"));
  EXPECT_FALSE(is_true("Group::\"everyone\" in Group::\"staff\""));
  // An entity missing from the store has no ancestors but is still itself.
  EXPECT_TRUE(is_true("User::\"ghost\" in User::\"ghost\""));
  EXPECT_EQ(eval("User::\"ghost\" in Group::\"staff\""), "false");
  EXPECT_EQ(eval("principal in [Group::\"staff\", 1]"),
            "error: type error: expected (entity of type `any_entity_type`), got long");
  EXPECT_EQ(eval("1 in [1]"),
            "error: type error: expected (entity of type `any_entity_type`), got long (`in` is "
            "for checking the entity hierarchy; use `.contains()` to test set membership)");
  EXPECT_EQ(eval("principal in 1"),
            "error: type error: expected one of [set, (entity of type `any_entity_type`)], got "
            "long");
}

TEST_F(CedarEvaluatorTest, AttributesOfMissingEntitiesAreErrorsButHasIsFalse) {
  EXPECT_EQ(eval("principal.name"), "\"alice\"");
  EXPECT_EQ(eval("principal[\"age\"]"), "30");
  EXPECT_EQ(eval("principal.address.zip.code"), "75001");
  EXPECT_EQ(eval("principal.missing"),
            "error: `User::\"alice\"` does not have the attribute `missing`");
  EXPECT_EQ(eval("principal.address.missing"),
            "error: record does not have the attribute `missing`");
  EXPECT_EQ(eval("User::\"ghost\".name"), "error: entity `User::\"ghost\"` does not exist");
  EXPECT_EQ(eval("User::\"ghost\" has name"), "false");
  EXPECT_EQ(eval("principal has name"), "true");
  EXPECT_EQ(eval("context has flag && !(context has nope)"), "true");
  EXPECT_EQ(eval("1 has a"),
            "error: type error: expected one of [record, (entity of type `any_entity_type`)], "
            "got long");
  EXPECT_EQ(eval("resource.owner.name"), "\"alice\"");
}

TEST_F(CedarEvaluatorTest, ExtendedHasWalksThePath) {
  EXPECT_EQ(eval("principal has address.zip.code"), "true");
  EXPECT_EQ(eval("principal has address.zip.nope"), "false");
  EXPECT_EQ(eval("principal has nope.zip"), "false");
  EXPECT_EQ(eval("principal has manager.name"), "false");  // bob is not in the store
  EXPECT_EQ(eval("principal has age.x").substr(0, 18), "error: type error:");
}

TEST_F(CedarEvaluatorTest, LikeMatchesWildcards) {
  EXPECT_TRUE(is_true("\"hello\" like \"h*o\""));
  EXPECT_TRUE(is_true("\"hello\" like \"*\""));
  EXPECT_TRUE(is_true("\"\" like \"*\""));
  EXPECT_TRUE(is_true("\"a*b\" like \"a\\*b\""));
  EXPECT_FALSE(is_true("\"axb\" like \"a\\*b\""));
  EXPECT_TRUE(is_true("\"abcabc\" like \"*bc*bc\""));
  EXPECT_FALSE(is_true("\"abc\" like \"*bc*bc\""));
  EXPECT_TRUE(is_true("\"ééx\" like \"é*x\""));
  EXPECT_FALSE(is_true("\"hello\" like \"hell\""));
  EXPECT_EQ(eval("1 like \"*\""), "error: type error: expected string, got long");
}

TEST_F(CedarEvaluatorTest, IsTestsTheEntityType) {
  EXPECT_TRUE(is_true("principal is User"));
  EXPECT_FALSE(is_true("principal is Group"));
  EXPECT_TRUE(is_true("principal is User in Group::\"everyone\""));
  // `is T in E` does not look at E when the type differs.
  EXPECT_EQ(eval("principal is Group in principal.missing"), "false");
  EXPECT_EQ(eval("1 is User"),
            "error: type error: expected (entity of type `any_entity_type`), got long");
}

TEST_F(CedarEvaluatorTest, SetMethods) {
  EXPECT_TRUE(is_true("context.set.contains(2)"));
  EXPECT_TRUE(is_true("[1, 2, 3].containsAll([3, 1])"));
  EXPECT_FALSE(is_true("[1, 2, 3].containsAll([4])"));
  EXPECT_TRUE(is_true("[1, 2].containsAny([5, 2])"));
  EXPECT_FALSE(is_true("[1, 2].containsAny([])"));
  EXPECT_TRUE(is_true("[].isEmpty() && ![1].isEmpty()"));
  EXPECT_TRUE(is_true("[principal.name, \"x\"].contains(\"alice\")"));
  EXPECT_EQ(eval("1.contains(1)"), "error: type error: expected set, got long");
  EXPECT_EQ(eval("[1].containsAll(1)"), "error: type error: expected set, got long");
}

TEST_F(CedarEvaluatorTest, EntityTags) {
  EXPECT_TRUE(is_true("principal.hasTag(\"stage\") && principal.getTag(\"stage\") == \"prod\""));
  EXPECT_FALSE(is_true("principal.hasTag(\"nope\")"));
  EXPECT_EQ(eval("User::\"ghost\".hasTag(\"stage\")"), "false");
  EXPECT_EQ(eval("principal.getTag(\"nope\")"),
            "error: `User::\"alice\"` does not have the tag `nope`");
  EXPECT_EQ(eval("User::\"ghost\".getTag(\"stage\")"),
            "error: entity `User::\"ghost\"` does not exist");
  EXPECT_EQ(eval("principal.getTag(1)"), "error: type error: expected string, got long");
}

TEST_F(CedarEvaluatorTest, ExtensionFunctionsAndMethods) {
  EXPECT_TRUE(is_true("principal.ip.isInRange(ip(\"10.0.0.0/8\")) && principal.ip.isIpv4()"));
  EXPECT_TRUE(is_true("ip(\"::1\").isLoopback() && ip(\"224.0.0.1\").isMulticast()"));
  EXPECT_TRUE(is_true("decimal(\"1.23\").lessThan(decimal(\"1.24\"))"));
  EXPECT_TRUE(is_true("decimal(\"-1.5\").greaterThanOrEqual(decimal(\"-1.5\"))"));
  EXPECT_TRUE(is_true("duration(\"2h30m\").toMinutes() == 150"));
  EXPECT_TRUE(is_true("datetime(\"2024-10-15T11:35:00Z\").toDate() == datetime(\"2024-10-15\")"));
  EXPECT_TRUE(
      is_true("datetime(\"2024-01-02\").durationSince(datetime(\"2024-01-01\")) == "
              "duration(\"1d\")"));
  EXPECT_EQ(eval("ip(context.s)"),
            "error: error while evaluating `ip` extension function: \"hello\" is not a valid IP "
            "address");
  EXPECT_EQ(eval("ip(1)"), "error: type error: expected string, got long");
  EXPECT_EQ(eval("ip(\"1.2.3.4\", \"x\")"),
            "error: wrong number of arguments provided to extension function `ip`: expected 1, "
            "got 2");
  EXPECT_EQ(eval("decimal(\"1.0\").lessThan(1)"), "error: type error: expected decimal, got long");
  EXPECT_EQ(eval("principal.ip.isIpv4(1)"),
            "error: wrong number of arguments provided to extension function `isIpv4`: expected "
            "1, got 2");
}

TEST_F(CedarEvaluatorTest, RecordsAndSetsBuiltAtRuntime) {
  EXPECT_EQ(eval("{b: principal.age, a: context.n}"), "{\"a\": 5, \"b\": 30}");
  EXPECT_EQ(eval("[context.n, 1, context.n]"), "[1, 5]");
  EXPECT_EQ(eval("{a: principal.missing}"),
            "error: `User::\"alice\"` does not have the attribute `missing`");
}

TEST_F(CedarEvaluatorTest, ErrorsPointAtTheFaultyExpression) {
  const Evaluated result = run_("1 + principal.missing");
  ASSERT_FALSE(result.value);
  EXPECT_EQ(result.kind, EvalErrorKind::kAttributeDoesNotExist);
}

TEST(CedarWildcardTest, MatchesLikeCedar) {
  const std::vector<PatternPart> pattern = {{"a", false}, {"", true}, {"c", false}};
  EXPECT_TRUE(wildcard_match("ac", pattern));
  EXPECT_TRUE(wildcard_match("abbbc", pattern));
  EXPECT_FALSE(wildcard_match("abbb", pattern));
  EXPECT_FALSE(wildcard_match("c", pattern));
  const std::vector<PatternPart> overlap = {{"ab", false}, {"", true}, {"ba", false}};
  EXPECT_FALSE(wildcard_match("aba", overlap));
  EXPECT_TRUE(wildcard_match("abba", overlap));
  EXPECT_TRUE(wildcard_match("", {}));
  EXPECT_FALSE(wildcard_match("x", {}));
}

}  // namespace
}  // namespace eksguard::cedar
