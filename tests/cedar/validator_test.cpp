// The Cedar policy validator (strict mode) and request validation: one test per typing rule,
// then agreement with Cedar's `shouldValidate` verdicts over the integration corpus of
// cedar-policy/cedar-integration-tests (../shared/conformance/cedar).
#include "cedar/validator/validator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/validator/typecheck.h"
#include "cedar/value_json.h"
#include "doc/loader.h"
#include "support/test_support.h"

namespace eksguard::cedar {
namespace {

namespace fs = std::filesystem;

// ---- helpers ------------------------------------------------------------------------------------

Schema schema_from(std::string_view text) {
  auto schema = parse_cedar_schema(text, "test.cedarschema");
  if (!schema) {
    ADD_FAILURE() << "schema: " << render_all(schema.error(), text);
    return Schema();
  }
  return std::move(*schema);
}

PolicySet policies_from(std::string_view text) {
  auto parsed = PolicySet::parse(text, "test.cedar");
  if (!parsed) {
    ADD_FAILURE() << "policies: " << parsed.error().front().diagnostic.render();
    return PolicySet();
  }
  return std::move(*parsed);
}

// The error codes of validating `policies` against `schema`, in report order.
std::vector<std::string> error_codes(const ValidationResult& result) {
  std::vector<std::string> codes;
  for (const PolicyValidation& policy : result.policies) {
    for (const ValidationDiagnostic& error : policy.errors) codes.push_back(error.diagnostic.code);
  }
  return codes;
}

std::vector<std::string> warning_codes(const ValidationResult& result) {
  std::vector<std::string> codes;
  for (const PolicyValidation& policy : result.policies) {
    for (const ValidationDiagnostic& w : policy.warnings) codes.push_back(w.diagnostic.code);
  }
  return codes;
}

std::string describe(const ValidationResult& result) {
  std::string out;
  for (const Diagnostic& d : result.diagnostics()) out += d.render() + "\n";
  return out;
}

// A small schema most rule tests share.
constexpr std::string_view kSchema = R"(
entity Group;
entity User in [Group] = {
  name: String,
  age: Long,
  nickname?: String,
  manager?: User,
  address?: { street: String, zip?: String },
  tags: Set<String>,
  ip: ipaddr,
  joined: datetime,
} tags String;
entity Photo in [Album] = {
  owner: User,
  private: Bool,
  size?: Long,
};
entity Album;
entity Color enum ["red", "green"];
entity Device = { score: decimal };
action view, edit appliesTo {
  principal: [User],
  resource: [Photo, Album],
  context: { mfa: Bool, source?: ipaddr, when: datetime, ttl: duration },
};
action manage in [edit] appliesTo { principal: User, resource: Photo };
action admin appliesTo { principal: Device, resource: Device };
action paint appliesTo { principal: User, resource: Color };
)";

class CedarValidatorTest : public ::testing::Test {
 protected:
  ValidationResult check(std::string_view policies, std::string_view schema = kSchema,
                         const ValidationOptions& options = {}) {
    schema_ = schema_from(schema);
    policies_ = policies_from(policies);
    return validate(policies_, schema_, options);
  }
  // The error codes of one `when` condition on `permit(principal, action, resource)` with the
  // given scope.
  std::vector<std::string> when(std::string_view condition,
                                std::string_view scope =
                                    "principal, action == Action::\"view\", "
                                    "resource") {
    const auto result =
        check("permit(" + std::string(scope) + ") when { " + std::string(condition) + " };");
    last_ = describe(result);
    return error_codes(result);
  }

  Schema schema_;
  PolicySet policies_;
  std::string last_;
};

using Codes = std::vector<std::string>;

// ---- scope and request environments ----------------------------------------------------------

TEST_F(CedarValidatorTest, WellTypedPoliciesValidate) {
  const auto result = check(R"(
    permit(principal, action == Action::"view", resource);
    permit(principal in Group::"admins", action in [Action::"view", Action::"edit"], resource);
    permit(principal is User, action, resource is Photo in Album::"a");
    forbid(principal == User::"bob", action == Action::"manage", resource)
      when { resource.owner == principal && principal.age > 18 };
  )");
  EXPECT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result.policies.size(), 4u);
  EXPECT_EQ(result.policies[0].policy_id, "policy0");
}

TEST_F(CedarValidatorTest, UnknownEntityTypesAndActions) {
  const auto result = check(R"(
    permit(principal == Usr::"a", action == Action::"manag", resource is Phot);
  )");
  EXPECT_EQ(error_codes(result),
            (Codes{"validation.unrecognized-entity-type", "validation.unrecognized-entity-type",
                   "validation.unrecognized-action", "validation.invalid-action-application"}))
      << describe(result);
  const auto& errors = result.policies[0].errors;
  EXPECT_NE(errors[0].diagnostic.message.find("unrecognized entity type `Usr`"), std::string::npos);
  EXPECT_EQ(errors[0].help, "did you mean `User`?");
  EXPECT_EQ(errors[2].help, "did you mean `Action::\"manage\"`?");
  EXPECT_EQ(errors[0].policy_id, "policy0");
  EXPECT_EQ(errors[0].diagnostic.line, 2u);
}

TEST_F(CedarValidatorTest, UnknownTypesInConditionsAndIs) {
  EXPECT_EQ(when("principal is Admin"), Codes{"validation.unrecognized-entity-type"}) << last_;
  EXPECT_EQ(when("principal == Admin::\"x\""), Codes{"validation.unrecognized-entity-type"});
  EXPECT_EQ(when("[Admin::\"x\"].isEmpty()"), Codes{"validation.unrecognized-entity-type"});
  EXPECT_EQ(when("action == Action::\"fly\""), Codes{"validation.unrecognized-action"});
}

TEST_F(CedarValidatorTest, ScopeWithoutApplicableAction) {
  // `view` never applies to a Device principal; `admin` never to a User.
  EXPECT_EQ(
      error_codes(check(R"(permit(principal is Device, action == Action::"view", resource);)")),
      Codes{"validation.invalid-action-application"});
  const auto result =
      check(R"(permit(principal == Group::"g", action == Action::"view", resource);)");
  ASSERT_EQ(error_codes(result), Codes{"validation.invalid-action-application"});
  EXPECT_EQ(result.policies[0].errors[0].help,
            "try replacing `==` with `in` in the principal clause");
  // Action groups: `manage` is in `edit`, and applies to Photo only.
  EXPECT_TRUE(check(R"(permit(principal, action in Action::"edit", resource is Photo);)").ok());
  EXPECT_EQ(
      error_codes(check(R"(permit(principal, action in Action::"manage", resource is Album);)")),
      Codes{"validation.invalid-action-application"});
}

TEST_F(CedarValidatorTest, ActionListsMixingNamespacesAreIncompatible) {
  const auto result = check(R"(permit(principal, action in [Action::"view", NS::Action::"go"],
                                      resource);)",
                            std::string(kSchema) +
                                R"(namespace NS { action go appliesTo { principal: User,
                                                                        resource: Photo }; })");
  EXPECT_EQ(error_codes(result), Codes{"validation.incompatible-types"}) << describe(result);
}

TEST_F(CedarValidatorTest, InvalidEnumEntities) {
  const auto result = check(R"(
    permit(principal, action == Action::"paint", resource == Color::"blue");
    permit(principal, action == Action::"paint", resource) when { resource == Color::"red" };
  )");
  EXPECT_EQ(error_codes(result), Codes{"validation.invalid-enum-entity"}) << describe(result);
  EXPECT_EQ(result.policies[0].errors[0].help, "valid entity eids: \"red\", \"green\"");
}

TEST_F(CedarValidatorTest, ConditionsAreOnlyTypedWhereTheScopeHolds) {
  // `resource.owner` exists on Photo only; the `is` in the scope rules out Album.
  EXPECT_EQ(when("resource.owner == principal", "principal, action, resource is Photo"), Codes{});
  EXPECT_EQ(when("resource.owner == principal"), Codes{"validation.unsafe-attribute-access"})
      << last_;
  // `false && e` does not look at `e`.
  EXPECT_EQ(when("false && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("principal.nonexistent && false"), Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(when("true || principal.nonexistent"), Codes{});
  EXPECT_EQ(when("if false then principal.nonexistent else true"), Codes{});
  EXPECT_EQ(when("if true then true else principal.nonexistent"), Codes{});
}

TEST_F(CedarValidatorTest, ImpossiblePolicyWarning) {
  const auto result = check(R"(permit(principal, action == Action::"view", resource)
                               when { principal is Device };)");
  EXPECT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(warning_codes(result), Codes{"validation.impossible-policy"});
  EXPECT_TRUE(warning_codes(check(R"(permit(principal, action, resource);)")).empty());
}

// ---- attributes and `has` ----------------------------------------------------------------------

TEST_F(CedarValidatorTest, OptionalAttributesNeedAHasGuard) {
  EXPECT_EQ(when("principal.nickname == \"x\""),
            Codes{"validation.unsafe-optional-attribute-access"});
  EXPECT_EQ(when("principal has nickname && principal.nickname == \"x\""), Codes{}) << last_;
  EXPECT_EQ(when("if principal has nickname then principal.nickname == \"x\" else false"), Codes{});
  // Knowledge does not flow into the `else` branch or across `||`.
  EXPECT_EQ(when("if principal has nickname then true else principal.nickname == \"x\""),
            Codes{"validation.unsafe-optional-attribute-access"});
  EXPECT_EQ(when("principal has nickname || principal.nickname == \"x\""),
            Codes{"validation.unsafe-optional-attribute-access"});
  // ... but out of `||` when both sides know it.
  EXPECT_EQ(
      when("(principal has nickname || principal has nickname) && principal.nickname == \"\""),
      Codes{});
  EXPECT_EQ(when("!(principal has nickname) || principal.nickname == \"x\""),
            Codes{"validation.unsafe-optional-attribute-access"});
  // A guard on one expression says nothing about another.
  EXPECT_EQ(when("resource has size && principal.nickname == \"x\"",
                 "principal, action, resource is Photo"),
            Codes{"validation.unsafe-optional-attribute-access"});
}

TEST_F(CedarValidatorTest, ConditionsAreOneConjunction) {
  // `when` conditions and negated `unless` conditions are joined with `&&`, in order, so a
  // guard in an earlier clause covers later ones.
  EXPECT_EQ(error_codes(check(R"(permit(principal, action == Action::"view", resource)
                                 when { principal has nickname }
                                 unless { principal.nickname == "x" };)")),
            Codes{});
  EXPECT_EQ(error_codes(check(R"(permit(principal, action == Action::"view", resource)
                                 unless { principal.nickname == "x" }
                                 when { principal has nickname };)")),
            Codes{"validation.unsafe-optional-attribute-access"});
  EXPECT_EQ(error_codes(check(R"(permit(principal, action == Action::"view", resource)
                                 unless { principal.age };)")),
            Codes{"validation.unexpected-type"});
}

TEST_F(CedarValidatorTest, OptionalAttributeMessageAndHelp) {
  const auto result = check(R"(permit(principal, action == Action::"view", resource)
                               when { principal.address.zip == "1" };)");
  ASSERT_EQ(error_codes(result), (Codes{"validation.unsafe-optional-attribute-access",
                                        "validation.unsafe-optional-attribute-access"}))
      << describe(result);
  const auto& errors = result.policies[0].errors;
  std::vector<std::string> messages{errors[0].diagnostic.message, errors[1].diagnostic.message};
  std::sort(messages.begin(), messages.end());
  EXPECT_EQ(messages[0],
            "for policy `policy0`, unable to guarantee safety of access to optional attribute "
            "`address.zip` on entity type `User`");
  EXPECT_EQ(messages[1],
            "for policy `policy0`, unable to guarantee safety of access to optional attribute "
            "`address` on entity type `User`");
}

TEST_F(CedarValidatorTest, NestedAndExtendedHas) {
  EXPECT_EQ(when("principal has address && principal.address has zip && "
                 "principal.address.zip == \"1\""),
            Codes{})
      << last_;
  EXPECT_EQ(when("principal has address.zip && principal.address.zip == \"1\""), Codes{}) << last_;
  EXPECT_EQ(when("principal has address.zip && principal.address.street == \"1\""), Codes{});
  EXPECT_EQ(when("principal has address && principal.address.zip == \"1\""),
            Codes{"validation.unsafe-optional-attribute-access"});
  EXPECT_EQ(when("context has source && context.source.isLoopback()"), Codes{}) << last_;
  EXPECT_EQ(when("context.source.isLoopback()"),
            Codes{"validation.unsafe-optional-attribute-access"});
}

TEST_F(CedarValidatorTest, UnknownAttributes) {
  const auto result = check(R"(permit(principal, action == Action::"view", resource)
                               when { principal.nam == "x" };)");
  ASSERT_EQ(error_codes(result), Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(result.policies[0].errors[0].diagnostic.message,
            "for policy `policy0`, attribute `nam` on entity type `User` not found");
  EXPECT_EQ(result.policies[0].errors[0].help, "did you mean `name`?");
  EXPECT_EQ(when("context.foo"), Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(when("{a: 1}.b == 1"), Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(when("{a: 1}.a == 1"), Codes{});
  EXPECT_EQ(when("action.foo"), Codes{"validation.unsafe-attribute-access"});
}

TEST_F(CedarValidatorTest, HasOnAnUndeclaredAttributeIsFalse) {
  // `principal has foo` is always false for a closed type, so `&&` never evaluates the rest.
  EXPECT_EQ(when("principal has foo && principal.foo"), Codes{});
  EXPECT_EQ(when("principal.foo"), Codes{"validation.unsafe-attribute-access"});
}

TEST_F(CedarValidatorTest, AttributeAccessNeedsEntityOrRecord) {
  EXPECT_EQ(when("principal.name.length == 1"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.tags has x"), Codes{"validation.unexpected-type"});
}

// ---- operators -----------------------------------------------------------------------------

TEST_F(CedarValidatorTest, BooleanOperatorsNeedBooleans) {
  EXPECT_EQ(when("1 && true"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("!principal.name"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("if principal.age then true else false"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.name"), Codes{"validation.unexpected-type"});
}

TEST_F(CedarValidatorTest, ArithmeticAndComparisons) {
  EXPECT_EQ(when("principal.age + 1 > 3 * -principal.age"), Codes{});
  EXPECT_EQ(when("principal.name + 1 == 2"), Codes{"validation.unexpected-type"});
  // Neither side comparable: both are reported.
  EXPECT_EQ(when("principal.name < \"b\""),
            (Codes{"validation.unexpected-type", "validation.unexpected-type"}));
  EXPECT_EQ(when("principal.age < \"b\""), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("context.when < datetime(\"2024-01-01\")"), Codes{});
  EXPECT_EQ(when("context.ttl >= duration(\"1h\")"), Codes{});
  EXPECT_EQ(when("context.ttl >= context.when"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("decimal(\"1.0\") < decimal(\"2.0\")"),
            (Codes{"validation.unexpected-type", "validation.unexpected-type"}));
}

TEST_F(CedarValidatorTest, StrictEquality) {
  EXPECT_EQ(when("principal.name == \"x\""), Codes{});
  EXPECT_EQ(when("principal.name == 1"), Codes{"validation.incompatible-types"}) << last_;
  EXPECT_EQ(when("principal.name != 1"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("principal == resource"), Codes{}) << last_;  // distinct entity types: false
  EXPECT_EQ(
      when("principal.manager == principal", "principal, action == Action::\"view\", resource"),
      Codes{"validation.unsafe-optional-attribute-access"});
  EXPECT_EQ(when("principal == principal"), Codes{});
  EXPECT_EQ(when("{a: 1} == {a: \"x\"}"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("{a: 1} == {b: 1}"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("principal.tags == [1]"), Codes{"validation.incompatible-types"});
}

TEST_F(CedarValidatorTest, SetsMustBeHomogeneousAndNonEmpty) {
  EXPECT_EQ(when("[1, \"a\"].contains(1)"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("[principal, Group::\"g\"].contains(principal)"),
            Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("[].isEmpty()"), Codes{"validation.empty-set-forbidden"});
  EXPECT_EQ(when("principal.tags.contains(1)"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("principal.tags.containsAll([\"a\"])"), Codes{});
  EXPECT_EQ(when("principal.tags.containsAny([1])"), Codes{"validation.incompatible-types"});
  EXPECT_EQ(when("principal.tags.containsAll(\"a\")"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.name.contains(\"a\")"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.name.isEmpty()"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.tags.isEmpty()"), Codes{});
}

TEST_F(CedarValidatorTest, ConditionalBranchesMustAgree) {
  EXPECT_EQ(when("(if context.mfa then 1 else 2) == 1"), Codes{});
  EXPECT_EQ(when("(if context.mfa then 1 else \"a\") == 1"),
            Codes{"validation.incompatible-types"});
  // A literal test picks one branch; the other is not typed at all.
  EXPECT_EQ(when("(if true then 1 else \"a\") == 1"), Codes{});
}

TEST_F(CedarValidatorTest, LikeAndIs) {
  EXPECT_EQ(when("principal.name like \"a*\""), Codes{});
  EXPECT_EQ(when("principal like \"a*\""), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.name is User"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal is User && principal.age > 1"), Codes{});
  EXPECT_EQ(when("principal is Photo && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("resource is Photo in Album::\"a\" && resource.private"), Codes{}) << last_;
}

// ---- hierarchy membership --------------------------------------------------------------------

TEST_F(CedarValidatorTest, InNeedsEntities) {
  EXPECT_EQ(when("principal in [Group::\"a\", Group::\"b\"]"), Codes{});
  EXPECT_EQ(when("principal.name in Group::\"a\""), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal in principal.tags"), Codes{"validation.unexpected-type"});
}

TEST_F(CedarValidatorTest, InBetweenUnrelatedTypesIsFalse) {
  // Users are never in Albums, so the `&&` stops there.
  EXPECT_EQ(when("principal in Album::\"a\" && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("principal in Group::\"a\" && principal.nonexistent"),
            Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(warning_codes(check(R"(permit(principal in Album::"a", action == Action::"view",
                                          resource);)")),
            Codes{"validation.impossible-policy"});
}

TEST_F(CedarValidatorTest, ActionHierarchyIsExact) {
  EXPECT_EQ(when("action in Action::\"edit\" && principal.nonexistent",
                 "principal, action == Action::\"view\", resource"),
            Codes{});
  EXPECT_EQ(when("action in Action::\"edit\" && principal.nonexistent",
                 "principal, action == Action::\"manage\", resource"),
            Codes{"validation.unsafe-attribute-access"});
}

// ---- tags and extensions -------------------------------------------------------------------

TEST_F(CedarValidatorTest, TagsNeedAHasTagGuard) {
  EXPECT_EQ(when("principal.getTag(\"k\") == \"v\""), Codes{"validation.unsafe-tag-access"});
  EXPECT_EQ(when("principal.hasTag(\"k\") && principal.getTag(\"k\") == \"v\""), Codes{}) << last_;
  EXPECT_EQ(when("principal.hasTag(\"k\") && principal.getTag(\"j\") == \"v\""),
            Codes{"validation.unsafe-tag-access"});
  EXPECT_EQ(when("principal.hasTag(\"k\") && principal.getTag(\"k\") == 1"),
            Codes{"validation.incompatible-types"});
  // Photos have no tags: `hasTag` is always false, and a guarded `getTag` is an error.
  EXPECT_EQ(when("resource.hasTag(\"k\") && resource.nonexistent",
                 "principal, action, resource is Photo"),
            Codes{});
  EXPECT_EQ(
      when("if resource.hasTag(\"k\") then true else true", "principal, action, resource is Photo"),
      Codes{});
  EXPECT_EQ(when("principal.hasTag(1)"), Codes{"validation.unexpected-type"});
}

TEST_F(CedarValidatorTest, ExtensionConstructorsTakeValidLiterals) {
  EXPECT_EQ(when("principal.ip.isInRange(ip(\"10.0.0.0/8\"))"), Codes{});
  EXPECT_EQ(when("principal.ip.isInRange(ip(principal.name))"),
            Codes{"validation.non-literal-extension-constructor"});
  EXPECT_EQ(when("principal.ip == ip(\"not an ip\")"),
            Codes{"validation.invalid-extension-literal"});
  EXPECT_EQ(when("decimal(\"1.23456\").lessThan(decimal(\"1.0\"))"),
            Codes{"validation.invalid-extension-literal"});
  EXPECT_EQ(when("principal.joined.offset(duration(\"1d\")) > context.when"), Codes{});
  EXPECT_EQ(when("principal.joined.durationSince(context.when).toHours() > 1"), Codes{});
}

TEST_F(CedarValidatorTest, ExtensionMethodsCheckArgumentTypes) {
  EXPECT_EQ(when("principal.name.isIpv4()"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("principal.joined.toDays() > 1"), Codes{"validation.unexpected-type"});
  EXPECT_EQ(when("context.ttl.toDays() > 1"), Codes{});
}

TEST_F(CedarValidatorTest, FoldedExtensionResultsAreNotLiterals) {
  // `ip("127.0.0.1").isLoopback()` is Bool to Cedar, not `true`: the right side is typed.
  EXPECT_EQ(when("ip(\"127.0.0.1\").isLoopback() || principal.nonexistent"),
            Codes{"validation.unsafe-attribute-access"});
  EXPECT_EQ(when("true || principal.nonexistent"), Codes{});
  EXPECT_EQ(when("(true) || principal.nonexistent"), Codes{});
}

// ---- templates -----------------------------------------------------------------------------

TEST_F(CedarValidatorTest, TemplatesAreTypedForEveryPossibleLink) {
  const auto result = check(R"(
    permit(principal == ?principal, action == Action::"view", resource in ?resource)
      when { principal.age > 1 && resource.nonexistent };
  )");
  ASSERT_EQ(result.policies.size(), 1u);
  EXPECT_TRUE(result.policies[0].is_template);
  // Once for each resource type `view` applies to.
  EXPECT_EQ(error_codes(result),
            (Codes{"validation.unsafe-attribute-access", "validation.unsafe-attribute-access"}))
      << describe(result);
}

TEST_F(CedarValidatorTest, TemplateLinksAreCheckedWithTheirValues) {
  ParsedPolicies parsed = parse_policies(
      R"(permit(principal in ?principal, action == Action::"view", resource);)", "links.cedar");
  ASSERT_TRUE(parsed.ok());
  const std::vector<TemplateLink> links{
      {"policy0", "good", std::pair<std::string, std::string>{"Group", "g"}, std::nullopt},
      {"policy0", "ghost", std::pair<std::string, std::string>{"Ghost", "g"}, std::nullopt},
      {"policy0", "album", std::pair<std::string, std::string>{"Album", "a"}, std::nullopt}};
  auto compiled = PolicySet::compile(std::move(parsed), links);
  ASSERT_TRUE(compiled) << compiled.error().message;
  const Schema schema = schema_from(kSchema);
  const ValidationResult result = validate(*compiled, schema);
  ASSERT_EQ(result.policies.size(), 4u);
  EXPECT_TRUE(result.find("good")->errors.empty());
  std::vector<std::string> ghost;
  for (const auto& e : result.find("ghost")->errors) ghost.push_back(e.diagnostic.code);
  EXPECT_EQ(ghost, (Codes{"validation.unrecognized-entity-type",
                          "validation.invalid-action-application"}));
  ASSERT_EQ(result.find("album")->errors.size(), 1u);
  EXPECT_EQ(result.find("album")->errors[0].diagnostic.code,
            "validation.invalid-action-application");
  EXPECT_TRUE(result.find("policy0")->is_template);
  EXPECT_TRUE(result.find("policy0")->errors.empty());
}

TEST_F(CedarValidatorTest, EmptyActionListIsAnEmptySet) {
  EXPECT_EQ(error_codes(check(R"(permit(principal, action in [], resource);)")),
            (Codes{"validation.invalid-action-application", "validation.empty-set-forbidden"}));
}

TEST_F(CedarValidatorTest, LiteralEqualityIsKnownStatically) {
  EXPECT_EQ(when("\"a\" == \"b\" && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("1 == 1 || principal.nonexistent"), Codes{});
  EXPECT_EQ(when("1 != 1 && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("action == Action::\"edit\" && principal.nonexistent"), Codes{});
  EXPECT_EQ(when("action == Action::\"view\" && principal.nonexistent"),
            Codes{"validation.unsafe-attribute-access"});
  // Two literals compare statically, so strict mode does not ask for compatible types; other
  // operands of different types are an error.
  EXPECT_EQ(when("1 == \"a\""), Codes{});
  EXPECT_EQ(when("principal.age == \"a\""), Codes{"validation.incompatible-types"});
}

TEST_F(CedarValidatorTest, RecordsWithAdditionalAttributesMayHaveAnything) {
  // Cedar's schema syntaxes reject `additionalAttributes`, but the model can carry it.
  SchemaParts parts;
  EntityTypeDef user;
  user.name = "User";
  user.shape = SchemaType::record({{"name", SchemaType::string_type(), true, {}}}, true);
  parts.entity_types.push_back(user);
  ActionDef view;
  view.uid = {"Action", "view"};
  view.principal_types = {"User"};
  view.resource_types = {"User"};
  parts.actions.push_back(view);
  auto schema = Schema::assemble(std::move(parts));
  ASSERT_TRUE(schema) << render_all(schema.error(), "");
  PolicySet set = policies_from(R"(
      permit(principal, action, resource) when { principal.nme == "x" };
      permit(principal, action, resource) when { principal has other && principal.name == "" };
  )");
  const ValidationResult result = validate(set, *schema);
  ASSERT_EQ(error_codes(result), Codes{"validation.unsafe-attribute-access"}) << describe(result);
  EXPECT_EQ(result.policies[0].errors[0].help,
            "did you mean `name`? (there may also be additional attributes that the validator is "
            "not able to reason about)");
}

TEST_F(CedarValidatorTest, DiagnosticsPointAtTheExpression) {
  const std::string text =
      R"(permit(principal, action == Action::"view", resource) when { principal.nam == "x" };)";
  const auto result = check(text);
  ASSERT_EQ(result.policies[0].errors.size(), 1u);
  const ValidationDiagnostic& error = result.policies[0].errors[0];
  EXPECT_EQ(error.offset, text.find("principal.nam"));
  EXPECT_EQ(error.diagnostic.line, 1u);
  EXPECT_EQ(error.diagnostic.column, text.find("principal.nam") + 1);
  EXPECT_EQ(error.diagnostic.length, std::string_view("principal.nam").size());
  EXPECT_EQ(error.diagnostic.file, "test.cedar");
  EXPECT_EQ(error.diagnostic.severity, Severity::kError);
}

TEST_F(CedarValidatorTest, BidirectionalControlCharactersWarn) {
  const auto result = check(
      "permit(principal, action == Action::\"view\", resource) when { principal.name == "
      "\"a\xE2\x80\xAE"
      "b\" };");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(warning_codes(result), Codes{"validation.bidi-characters"});
  ValidationOptions quiet;
  quiet.warnings = false;
  EXPECT_TRUE(
      warning_codes(check(R"(permit(principal, action, resource) when { false };)", kSchema, quiet))
          .empty());
}

TEST(CedarValidatorLiteralTest, FoldedCallsAreNotPlainLiterals) {
  const std::string text =
      R"(permit(principal, action, resource) when { (true) && ip("1.2.3.4").isIpv4() && -5 == duration("1s").toSeconds() && User::"a(" == User::"a(" };)";
  ParsedPolicies parsed = parse_policies(text, "t.cedar");
  ASSERT_TRUE(parsed.ok());
  std::vector<const Expr*> leaves;
  std::function<void(const Expr*)> walk = [&](const Expr* e) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kLiteral) leaves.push_back(e);
    walk(e->a);
    walk(e->b);
  };
  walk(parsed.policies[0].conditions[0].expr);
  ASSERT_EQ(leaves.size(), 6u);
  std::vector<bool> plain;
  for (const Expr* e : leaves) plain.push_back(validation::is_plain_literal(*e, parsed.source));
  EXPECT_EQ(plain, (std::vector<bool>{true, false, true, false, true, true}));
}

// ---- request validation ----------------------------------------------------------------------

EntityUid uid(std::string_view type, std::string_view id) {
  return EntityUid{type, id, EntityUid::hash_of(type, id)};
}

Value context_value(Arena& arena, std::string_view json, const SchemaType* type = nullptr) {
  auto documents = doc::load_all(json, "context.json");
  EXPECT_TRUE(documents);
  auto value = type != nullptr ? value_from_json(*documents->front().root(), *type, arena)
                               : record_from_json(*documents->front().root(), arena);
  EXPECT_TRUE(value) << value.error().message;
  return value ? *value : Value::from_canonical_record({});
}

std::vector<std::string> request_codes(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics) codes.push_back(d.code);
  return codes;
}

TEST_F(CedarValidatorTest, RequestValidation) {
  const Schema schema = schema_from(kSchema);
  Arena arena;
  const ActionDef* view = schema.find_action("Action", "view");
  ASSERT_NE(view, nullptr);
  const Value good =
      context_value(arena,
                    R"({"mfa": true, "when": {"__extn": {"fn": "datetime", "arg": "2024-01-01"}},
          "ttl": {"__extn": {"fn": "duration", "arg": "1h"}}})");
  EXPECT_TRUE(
      validate_request(schema, uid("User", "a"), uid("Action", "view"), uid("Photo", "p"), good)
          .empty());
  EXPECT_EQ(request_codes(validate_request(schema, uid("User", "a"), uid("Action", "fly"),
                                           uid("Photo", "p"), good)),
            Codes{"request.undeclared-action"});
  EXPECT_EQ(request_codes(validate_request(schema, uid("Photo", "a"), uid("Action", "view"),
                                           uid("User", "p"), good)),
            (Codes{"request.invalid-principal-type", "request.invalid-resource-type"}));
  EXPECT_EQ(request_codes(validate_request(schema, uid("Ghost", "a"), uid("Action", "view"),
                                           uid("Photo", "p"), good)),
            Codes{"request.undeclared-principal-type"});
  EXPECT_EQ(request_codes(validate_request(schema, uid("User", "a"), uid("Action", "paint"),
                                           uid("Color", "blue"), Value::from_canonical_record({}))),
            Codes{"request.invalid-enum-entity"});
  // Context: a missing required attribute, an undeclared one, a wrong type.
  const Value missing = context_value(arena, R"({"mfa": true})");
  const Value extra = context_value(
      arena, R"({"mfa": true, "x": 1, "when": {"__extn": {"fn": "datetime", "arg": "2024-01-01"}},
                 "ttl": {"__extn": {"fn": "duration", "arg": "1h"}}})");
  const Value wrong = context_value(
      arena, R"({"mfa": 1, "when": {"__extn": {"fn": "datetime", "arg": "2024-01-01"}},
                 "ttl": {"__extn": {"fn": "duration", "arg": "1h"}}})");
  for (const Value* context : {&missing, &extra, &wrong}) {
    EXPECT_EQ(request_codes(validate_request(schema, uid("User", "a"), uid("Action", "view"),
                                             uid("Photo", "p"), *context)),
              Codes{"request.invalid-context"});
  }
  // Schema-based parsing accepts the bare extension literal where the schema says datetime.
  const Value typed = context_value(
      arena, R"({"mfa": false, "when": "2024-01-01", "ttl": "1h", "source": "10.0.0.1"})",
      &view->context);
  EXPECT_TRUE(
      validate_request(schema, uid("User", "a"), uid("Action", "view"), uid("Photo", "p"), typed)
          .empty());
}

// ---- conformance ---------------------------------------------------------------------------

using ::eksguard::testing::read_file;

// Agreement of our verdict with `shouldValidate` over a set of test files.
struct Agreement {
  size_t files = 0;
  size_t should_pass = 0;
  size_t passed = 0;  // shouldValidate and we report no error
  size_t should_fail = 0;
  size_t failed = 0;  // !shouldValidate and we report an error
  std::vector<std::string> false_positives;
  std::vector<std::string> misses;

  std::string report(std::string_view name) const {
    std::ostringstream out;
    out << name << ": " << files << " test files\n"
        << "  shouldValidate=true:  " << passed << " / " << should_pass
        << " validate without errors (false positives: " << should_pass - passed << ")\n"
        << "  shouldValidate=false: " << failed << " / " << should_fail
        << " get at least one error (accepted by us: " << should_fail - failed << ")\n";
    for (size_t i = 0; i < std::min<size_t>(false_positives.size(), 20); ++i) {
      out << "    false positive: " << false_positives[i] << "\n";
    }
    return out.str();
  }
};

void run_file(const fs::path& test_path, const fs::path& base, const ValidationOptions& options,
              Agreement& tally) {
  auto loaded = doc::load_all(read_file(test_path), test_path.string());
  ASSERT_TRUE(loaded) << test_path;
  const doc::Node& test = *loaded->front().root();
  const bool should_validate =
      test.get("shouldValidate") != nullptr && test.get("shouldValidate")->is_true();
  const fs::path policy_path = base / std::string(test.string_at("policies"));
  const fs::path schema_path = base / std::string(test.string_at("schema"));
  auto schema = parse_cedar_schema(read_file(schema_path), schema_path.string());
  ASSERT_TRUE(schema) << schema_path;
  auto policies = PolicySet::parse(read_file(policy_path), policy_path.string());
  ASSERT_TRUE(policies) << policy_path;
  const ValidationResult result = validate(*policies, *schema, options);
  ++tally.files;
  if (should_validate) {
    ++tally.should_pass;
    if (result.ok()) {
      ++tally.passed;
    } else {
      tally.false_positives.push_back(test_path.filename().string() + ": " +
                                      result.diagnostics().front().render());
    }
  } else {
    ++tally.should_fail;
    if (!result.ok()) {
      ++tally.failed;
    } else {
      tally.misses.push_back(test_path.filename().string());
    }
  }
}

TEST(CedarValidatorConformanceTest, HandWrittenTestsValidateAsCedarSays) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 22u);
  Agreement tally;
  for (const fs::path& file : files) run_file(file, root, {}, tally);
  std::cout << tally.report("hand-written tests");
  EXPECT_EQ(tally.passed, tally.should_pass) << tally.report("hand-written tests");
  EXPECT_EQ(tally.failed, tally.should_fail);
}

TEST(CedarValidatorConformanceTest, GeneratedCorpusValidatesAsCedarSays) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar", root);
  const ::eksguard::testing::TempDir temp("eksguard-validator");
  ASSERT_FALSE(temp.path().empty());
  // Entity files are not needed to validate policies.
  ASSERT_EQ(::eksguard::testing::extract_cedar_corpus(root / "corpus-tests.tar.gz", temp.path(),
                                                      "--exclude='*.entities.json'"),
            0);
  const std::vector<fs::path> files = ::eksguard::testing::cedar_corpus_tests(temp.path());
  ASSERT_EQ(files.size(), 7809u);
  Agreement tally;
  const auto start = std::chrono::steady_clock::now();
  for (const fs::path& file : files) run_file(file, temp.path(), {}, tally);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << tally.report("generated corpus") << "  (validation and parsing took "
            << elapsed.count() << " ms)\n";
  EXPECT_EQ(tally.should_pass, 6190u);
  EXPECT_EQ(tally.should_fail, 1619u);
  // No false positives: every policy set Cedar accepts, we accept.
  EXPECT_EQ(tally.passed, tally.should_pass) << tally.report("generated corpus");
  // Cedar's harness tolerates a validator that accepts some invalid policies; we aim for all
  // but a few dozen.
  EXPECT_GE(tally.failed + 35, tally.should_fail) << tally.report("generated corpus");
}

// The policies of the AWS prototype (cedar-access-control-for-k8s): its RBAC converter's golden
// outputs and its demo policies, against its own schemas.
std::string demo_policies(const fs::path& yaml) {
  auto documents = doc::load_all(read_file(yaml), yaml.string());
  EXPECT_TRUE(documents) << yaml;
  std::string text;
  if (!documents) return text;
  for (const doc::Document& document : *documents) {
    const doc::Node* root = document.root();
    if (root == nullptr || root->string_at("kind") != "Policy") continue;
    text += std::string(root->get("spec")->string_at("content")) + "\n";
  }
  return text;
}

TEST(CedarValidatorConformanceTest, KubernetesPrototypePolicies) {
  fs::path root;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s", root);
  const auto load_schema = [&](std::string_view name) {
    return schema_from(read_file(root / "cedarschema" / name));
  };
  const Schema authorization = load_schema("k8s-authorization.cedarschema");
  const Schema full = load_schema("k8s-full.cedarschema");

  size_t converted = 0;
  for (const auto& entry : fs::directory_iterator(root / "internal/convert/testdata")) {
    if (entry.path().extension() != ".cedar") continue;
    const PolicySet set = policies_from(read_file(entry.path()));
    const ValidationResult result = validate(set, authorization);
    EXPECT_TRUE(result.ok()) << entry.path() << "\n" << describe(result);
    converted += set.policies().size();
  }
  EXPECT_GT(converted, 50u);

  const std::string authz = demo_policies(root / "demo/authorization-policy.yaml");
  EXPECT_TRUE(validate(policies_from(authz), authorization).ok());
  EXPECT_TRUE(validate(policies_from(authz), full).ok());

  // The admission demo reads optional attributes without `has` guards, which strict validation
  // rejects: `resource.metadata.name` (both optional) and `principal.extra` twice.
  const std::string admission = demo_policies(root / "demo/admission-policy.yaml");
  const ValidationResult result = validate(policies_from(admission), full);
  EXPECT_EQ(error_codes(result), Codes(4, "validation.unsafe-optional-attribute-access"))
      << describe(result);

  // Cost on a realistic schema (24 actions, 1,048 request environments): 1,000 policies.
  std::string many;
  for (int i = 0; i < 63; ++i) many += admission + authz;
  const PolicySet large = policies_from(many);
  const auto start = std::chrono::steady_clock::now();
  const ValidationResult large_result = validate(large, full);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  EXPECT_EQ(large_result.error_count(), 63u * 4u);
  std::cout << "validated " << large.policies().size() << " policies against k8s-full in "
            << elapsed.count() << " ms\n";
}

}  // namespace
}  // namespace eksguard::cedar
