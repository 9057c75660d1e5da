#include "cedar/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "cedar/lexer.h"
#include "cedar_test_support.h"

namespace eksguard::cedar {
namespace {

using testing::error_codes;
using testing::first_error;

const Policy& only_policy(const ParsedPolicies& parsed) {
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.errors.front().diagnostic.render());
  EXPECT_EQ(parsed.policies.size(), 1u);
  static const Policy kNone;
  return parsed.policies.empty() ? kNone : parsed.policies.front();
}

TEST(CedarLexerTest, SplitsTokensAndSkipsCommentsAndUnicodeSpace) {
  const auto tokens = tokenize("a::\"b\\\"\" // note\n\u00a0?principal <= 12\u3000!=");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[1].kind, TokenKind::kColonColon);
  EXPECT_EQ(tokens[2].kind, TokenKind::kString);
  EXPECT_EQ(tokens[2].text, "\"b\\\"\"");
  EXPECT_EQ(tokens[3].kind, TokenKind::kSlot);
  EXPECT_EQ(tokens[4].kind, TokenKind::kLessEq);
  EXPECT_EQ(tokens[5].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[6].kind, TokenKind::kNotEq);
  EXPECT_EQ(tokens[7].kind, TokenKind::kEnd);
}

TEST(CedarLexerTest, UnterminatedStringAndStrayCharactersAreInvalidTokens) {
  EXPECT_EQ(tokenize("\"abc")[0].kind, TokenKind::kInvalid);
  EXPECT_EQ(tokenize("a | b")[1].kind, TokenKind::kInvalid);
  EXPECT_EQ(tokenize("é")[0].length, 2u);
}

TEST(CedarParserTest, ParsesScopesAnnotationsAndIdsInTextOrder) {
  const ParsedPolicies parsed = parse_policies(R"(
    // comment
    @id("first") @advice
    permit(principal == User::"alice", action in [Action::"view", Action::"edit",], resource);
    forbid(principal is User in Group::"g", action == NS::Action::"x", resource is Photo)
      unless { context.ok };
    permit(principal in Group::"admins", action, resource,);
  )",
                                               "p.cedar");
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front().diagnostic.render();
  ASSERT_EQ(parsed.policies.size(), 3u);
  const Policy& first = parsed.policies[0];
  EXPECT_EQ(first.id, "policy0");
  EXPECT_EQ(first.annotation("id"), "first");
  EXPECT_EQ(first.annotation("advice"), "");
  EXPECT_FALSE(first.annotation("missing"));
  EXPECT_EQ(first.line, 3u);
  EXPECT_EQ(first.column, 5u);
  EXPECT_EQ(first.principal.op, ScopeConstraint::Op::kEq);
  EXPECT_EQ(to_cedar_string(*first.principal.entity), "User::\"alice\"");
  EXPECT_EQ(first.action.op, ActionConstraint::Op::kIn);
  EXPECT_EQ(first.action.entities.size(), 2u);
  EXPECT_EQ(first.resource.op, ScopeConstraint::Op::kAny);

  const Policy& second = parsed.policies[1];
  EXPECT_EQ(second.id, "policy1");
  EXPECT_EQ(second.effect, Effect::kForbid);
  EXPECT_EQ(second.principal.op, ScopeConstraint::Op::kIsIn);
  EXPECT_EQ(second.principal.entity_type, "User");
  EXPECT_EQ(second.action.op, ActionConstraint::Op::kEq);
  EXPECT_EQ(second.action.entities[0]->type, "NS::Action");
  EXPECT_EQ(second.resource.op, ScopeConstraint::Op::kIs);
  ASSERT_EQ(second.conditions.size(), 1u);
  EXPECT_FALSE(second.conditions[0].is_when);
  EXPECT_EQ(parsed.policies[2].id, "policy2");
}

TEST(CedarParserTest, TemplatesUseSlotsOnlyInTheScope) {
  const ParsedPolicies parsed =
      parse_policies("permit(principal == ?principal, action, resource in ?resource);", "t");
  const Policy& policy = only_policy(parsed);
  EXPECT_TRUE(policy.is_template);
  EXPECT_EQ(policy.principal.slot, SlotId::kPrincipal);
  EXPECT_EQ(policy.resource.slot, SlotId::kResource);
  EXPECT_EQ(error_codes("permit(principal, action, resource) when { principal == ?principal };"),
            std::vector<std::string>{"policy.parse.slot-in-condition"});
  EXPECT_EQ(error_codes("permit(principal == ?resource, action, resource);"),
            std::vector<std::string>{"policy.parse.wrong-entity-argument"});
  EXPECT_EQ(error_codes("permit(principal == ?other, action, resource);").front(),
            "policy.parse.invalid-slot");
}

TEST(CedarParserTest, BuildsExpressionsWithCedarPrecedence) {
  const ParsedPolicies parsed = parse_policies(
      "permit(principal, action, resource) when { a || b && c == 1 + 2 * -3 };", "t");
  ASSERT_FALSE(parsed.ok());  // `a`, `b`, `c` are not variables
  EXPECT_EQ(parsed.errors[0].diagnostic.code, "policy.parse.invalid-variable");
  EXPECT_EQ(parsed.errors[0].diagnostic.message, "invalid variable: a");

  const ParsedPolicies ok = parse_policies(
      "permit(principal, action, resource) when { context.a || context.b && context.c == 1 + 2 "
      "* -3 };",
      "t");
  const Policy& policy = only_policy(ok);
  const Expr& root = *policy.conditions[0].expr;
  EXPECT_EQ(root.kind, ExprKind::kOr);
  EXPECT_EQ(root.b->kind, ExprKind::kAnd);
  EXPECT_EQ(root.b->b->kind, ExprKind::kEq);
  EXPECT_EQ(root.b->b->b->kind, ExprKind::kAdd);
  EXPECT_EQ(root.b->b->b->b->kind, ExprKind::kMul);
  EXPECT_EQ(to_cedar_string(root), "context.a || (context.b && (context.c == (1 + (2 * (-3)))))");
}

TEST(CedarParserTest, AcceptsEveryExpressionForm) {
  const char* kPolicy = R"(
permit(principal, action, resource) when {
  if principal has name && principal has "odd key" && principal has a.b.c then
    principal.name like "a\*b*" && resource["odd key"] == "x\u{1F600}\x41\n\t\0\'\""
  else
    [1, true, "s", User::"u", {a: 1, "b c": [2,],},].contains(1) &&
    ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) && decimal("1.5").lessThan(decimal("2.0")) &&
    datetime("2024-01-01").offset(duration("1h")) > datetime("2024-01-01") &&
    principal is User in Group::"g" && resource is Photo && !!!!true && ----1 == 1 &&
    principal.hasTag("t") && principal.getTag("t") == 1 && [].isEmpty() &&
    [1].containsAll([1]) && [1].containsAny([]) && principal in [Group::"a", Group::"b"] &&
    "str".length == 1
};)";
  const ParsedPolicies parsed = parse_policies(kPolicy, "all.cedar");
  only_policy(parsed);
}

TEST(CedarParserTest, FoldsConstantsAndKeepsFailingExtensionCalls) {
  const ParsedPolicies parsed = parse_policies(
      "permit(principal, action, resource) when { [2, 1, 2] == [1, 2] && ip(\"bad\") == 1 };", "t");
  const Policy& policy = only_policy(parsed);
  const Expr& root = *policy.conditions[0].expr;
  EXPECT_EQ(root.a->a->kind, ExprKind::kLiteral);
  EXPECT_EQ(root.a->a->literal.set_items().size(), 2u);
  EXPECT_EQ(root.b->a->kind, ExprKind::kExtensionCall);
}

TEST(CedarParserTest, IntegerLiteralLimitsFollowCedar) {
  const ParsedPolicies min =
      parse_policies("permit(principal, action, resource) when { -9223372036854775808 < 0 };", "t");
  EXPECT_EQ(only_policy(min).conditions[0].expr->a->literal.as_long(), INT64_MIN);
  EXPECT_EQ(error_codes("permit(principal, action, resource) when { 9223372036854775808 > 0 };"),
            std::vector<std::string>{"policy.parse.integer-too-large"});
  EXPECT_EQ(first_error("permit(principal, action, resource) when { -9223372036854775809 < 0 };"),
            "integer literal `9223372036854775809` is too large");
  EXPECT_EQ(first_error("permit(principal, action, resource) when { 99999999999999999999 };"),
            "integer parse error: number too large to fit in target type");
}

TEST(CedarParserTest, StringEscapesFollowRust) {
  const auto value = [](const std::string& literal) {
    const ParsedPolicies parsed = parse_policies(
        "permit(principal, action, resource) when { context.x == " + literal + " };", "t");
    EXPECT_TRUE(parsed.ok()) << literal;
    return parsed.ok() ? std::string(parsed.policies[0].conditions[0].expr->b->literal.as_string())
                       : std::string();
  };
  EXPECT_EQ(value(R"("a\nb")"), "a\nb");
  EXPECT_EQ(value(R"("\x7f\u{e9}\u{1_F6_00}")"), "\x7f\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(value(R"("\0")"), std::string(1, '\0'));
  const auto escape_error = [](const std::string& literal) {
    return first_error("permit(principal, action, resource) when { " + literal + " == \"\" };");
  };
  EXPECT_EQ(escape_error(R"("\x80")"),
            "the input `\\x80` is not a valid escape: OutOfRangeHexEscape");
  EXPECT_EQ(escape_error(R"("\q")"), "the input `\\q` is not a valid escape: InvalidEscape");
  EXPECT_EQ(escape_error(R"("\u{D800}")"),
            "the input `\\u{D800}` is not a valid escape: LoneSurrogateUnicodeEscape");
  EXPECT_EQ(escape_error(R"("\u{1234567}")"),
            "the input `\\u{1234567` is not a valid escape: OverlongUnicodeEscape");
  EXPECT_EQ(escape_error(R"("\*")"), "the input `\\*` is not a valid escape: InvalidEscape");
}

TEST(CedarParserTest, ReportsCedarErrorsWithCodesAndPositions) {
  const ParsedPolicies parsed =
      parse_policies("permit(principal, action, resource)\n  when { context.a = 1 };", "f.cedar");
  ASSERT_EQ(parsed.errors.size(), 1u);
  const Diagnostic& diagnostic = parsed.errors[0].diagnostic;
  EXPECT_EQ(diagnostic.code, "policy.parse.single-eq");
  EXPECT_EQ(diagnostic.message, "'=' is not a valid operator in Cedar");
  EXPECT_EQ(parsed.errors[0].help, "try using '==' instead");
  EXPECT_EQ(diagnostic.file, "f.cedar");
  EXPECT_EQ(diagnostic.line, 2u);
  EXPECT_EQ(diagnostic.column, 10u);

  const std::string head = "permit(principal, action, resource) when { ";
  const auto code_of = [&](const std::string& body) {
    const auto codes = error_codes(head + body + " };");
    return codes.empty() ? std::string("(parsed)") : codes.front();
  };
  EXPECT_EQ(code_of("1 < 2 < 3"), "policy.parse.ambiguous-operators");
  EXPECT_EQ(code_of("1 / 2 == 0"), "policy.parse.unsupported-operator");
  EXPECT_EQ(code_of("!!!!!true"), "policy.parse.unary-op-limit");
  EXPECT_EQ(code_of("context.if"), "policy.parse.reserved-identifier");
  EXPECT_EQ(code_of("{if: 1} == {}"), "policy.parse.reserved-identifier");
  EXPECT_EQ(code_of("context has if"), "policy.parse.reserved-identifier");
  EXPECT_EQ(code_of("context has a + 1"), "policy.parse.invalid-has");
  EXPECT_EQ(code_of("context has a::b"), "policy.parse.invalid-attribute");
  EXPECT_EQ(code_of("context like context"), "policy.parse.invalid-pattern");
  EXPECT_EQ(code_of("principal is \"User\""), "policy.parse.invalid-is");
  EXPECT_EQ(code_of("context.foo(1)"), "policy.parse.unknown-method");
  EXPECT_EQ(code_of("context.ip()"), "policy.parse.invalid-call");
  EXPECT_EQ(code_of("isIpv4(context)"), "policy.parse.invalid-call");
  EXPECT_EQ(code_of("iq(\"1.2.3.4\")"), "policy.parse.unknown-function");
  EXPECT_EQ(code_of("context.contains(1, 2)"), "policy.parse.wrong-arity");
  EXPECT_EQ(code_of("principal(1)"), "policy.parse.invalid-call");
  EXPECT_EQ(code_of("User.name"), "policy.parse.invalid-access");
  EXPECT_EQ(code_of("context[context]"), "policy.parse.invalid-string");
  EXPECT_EQ(code_of("{a: 1, a: 2} == {}"), "policy.parse.duplicate-key");
  EXPECT_EQ(code_of("User::{id: \"x\"} == principal"), "policy.parse.invalid-entity-literal");
  EXPECT_EQ(code_of("__cedar::User::\"x\" == principal"), "policy.parse.reserved-namespace");
  EXPECT_EQ(code_of("1 + if true then 1 else 2"), "policy.parse.unexpected-token");
  EXPECT_EQ(code_of("!-1"), "policy.parse.unexpected-token");
  EXPECT_EQ(code_of("(1 + 1)(2)"), "policy.parse.invalid-call");
  EXPECT_EQ(code_of("\"a\".foo"), "(parsed)");  // Cedar accepts attribute access on a literal
}

TEST(CedarParserTest, SuggestsKnownFunctionsAndMethods) {
  const ParsedPolicies parsed =
      parse_policies("permit(principal, action, resource) when { context.isIpv5() };", "t");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].diagnostic.message, "`isIpv5` is not a valid method");
  EXPECT_EQ(parsed.errors[0].help, "did you mean `isIpv4`?");
}

TEST(CedarParserTest, ChecksTheScopeAsCedarDoes) {
  EXPECT_EQ(first_error("permit(principal, action);"),
            "this policy is missing the `resource` variable in the scope");
  EXPECT_EQ(first_error("permit(principal, action, resource, context);"),
            "this policy has an extra element in the scope: context");
  EXPECT_EQ(first_error("permit(resource, action, principal);"),
            "found the variable `resource` where the variable `principal` must be used");
  EXPECT_EQ(first_error("permit(principal, action is Action, resource);"),
            "`is` cannot appear in the action scope");
  EXPECT_EQ(first_error("permit(principal is User == User::\"a\", action, resource);"),
            "`is` cannot be used together with `==`");
  EXPECT_EQ(first_error("permit(principal in Group::\"g\" is User, action, resource);"),
            "when `is` and `in` are used together, `is` must come first");
  EXPECT_EQ(first_error("permit(principal, action == User::\"x\", resource);"),
            "expected an entity uid with type `Action` but got `User::\"x\"`");
  EXPECT_EQ(first_error("permit(principal < User::\"x\", action, resource);"),
            "invalid operator in the policy scope: <");
  EXPECT_EQ(first_error("permit(principal: User, action, resource);"),
            "type constraints using `:` are not supported");
  EXPECT_EQ(first_error("permit(principal == [User::\"a\"], action, resource);"),
            "expected single entity uid or template slot, found set of entity uids");
  EXPECT_EQ(first_error("allow(principal, action, resource);"), "invalid policy effect: allow");
  EXPECT_EQ(first_error("permit(principal, action, resource) if { true };"),
            "invalid policy condition: if");
  EXPECT_EQ(first_error("permit(principal, action, resource) when {};"),
            "`when` condition clause cannot be empty");
  EXPECT_EQ(first_error("@a @a permit(principal, action, resource);"), "duplicate annotation: @a");
}

TEST(CedarParserTest, RecoversAfterASyntaxErrorAtTheNextSemicolon) {
  const ParsedPolicies parsed = parse_policies(
      "permit(principal, action, resource) when { 1 + };\n"
      "permit(principal, action, resource);\n"
      "forbid(principal, action resource);\n",
      "t");
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_EQ(parsed.errors[0].diagnostic.line, 1u);
  EXPECT_EQ(parsed.errors[0].diagnostic.message, "unexpected token `}`");
  EXPECT_EQ(parsed.errors[1].diagnostic.line, 3u);
  EXPECT_EQ(parsed.errors[1].diagnostic.message, "unexpected token `resource`");
  EXPECT_TRUE(parsed.policies.empty());
  EXPECT_EQ(first_error("permit(principal, action, resource)"), "unexpected end of input");
  EXPECT_EQ(first_error("permit(principal, action, resource) when { \"abc };"), "invalid token");
}

TEST(CedarParserTest, DeepNestingIsAnErrorNotACrash) {
  const std::string head = "permit(principal, action, resource) when { ";
  const std::string parens = std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_EQ(error_codes(head + parens + " };").front(), "policy.parse.too-deep");
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  EXPECT_EQ(error_codes(head + chain + " == 0 };").front(), "policy.parse.too-deep");
  std::string members = "context";
  for (int i = 0; i < 100000; ++i) members += ".a";
  EXPECT_EQ(error_codes(head + members + " };").front(), "policy.parse.too-deep");
  std::string sets = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(error_codes(head + sets + " == [] };").front(), "policy.parse.too-deep");
  EXPECT_EQ(error_codes(head + std::string(100000, '!') + "true };").front(),
            "policy.parse.unary-op-limit");
  // Well within the limit parses.
  EXPECT_TRUE(
      error_codes(head + std::string(50, '(') + "true" + std::string(50, ')') + " };").empty());
}

TEST(CedarParserTest, RejectsInputOverTheSizeLimit) {
  ParseOptions options;
  options.max_bytes = 10;
  const ParsedPolicies parsed =
      parse_policies("permit(principal, action, resource);", "big.cedar", options);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].diagnostic.code, "policy.parse.input-too-large");
}

TEST(CedarParserTest, ParsesEntityUidLiterals) {
  auto uid = parse_entity_uid(" k8s::User::\"al\\\"ice\" ");
  ASSERT_TRUE(uid) << uid.error().message;
  EXPECT_EQ(uid->first, "k8s::User");
  EXPECT_EQ(uid->second, "al\"ice");
  EXPECT_FALSE(parse_entity_uid("User"));
  EXPECT_FALSE(parse_entity_uid("User::\"a\" extra"));
  EXPECT_FALSE(parse_entity_uid("if::\"a\""));
}

TEST(CedarParserTest, LineColumnCountsBytes) {
  EXPECT_EQ(line_column("ab\ncd", 4).line, 2u);
  EXPECT_EQ(line_column("ab\ncd", 4).column, 2u);
  EXPECT_EQ(line_column("ab", 0).column, 1u);
}

}  // namespace
}  // namespace eksguard::cedar
