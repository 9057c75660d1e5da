// The Cedar formatter: layout (golden texts), parentheses, escapes, comments kept, options,
// printing ASTs without source, and parse errors.
#include "cedar/format/formatter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cedar/lexer.h"
#include "cedar/parser.h"

namespace eksguard::cedar {
namespace {

std::string format_ok(std::string_view source, const FormatOptions& options = {}) {
  auto formatted = format_policies(source, "test.cedar", options);
  if (!formatted) {
    ADD_FAILURE() << "format failed: " << formatted.error().front().diagnostic.render();
    return "";
  }
  // Every formatted text is a fixed point.
  auto again = format_policies(*formatted, "formatted.cedar", options);
  EXPECT_TRUE(again) << *formatted;
  if (again) {
    EXPECT_EQ(*again, *formatted) << "not idempotent";
  }
  return *formatted;
}

std::vector<std::string> comment_texts(std::string_view text) {
  std::vector<Comment> comments;
  tokenize(text, &comments);
  std::vector<std::string> out;
  for (const Comment& comment : comments) out.emplace_back(comment.text);
  return out;
}

TEST(CedarFormatTest, LaysOutPoliciesAsCedarFormatterDoes) {
  const std::string source = R"(@id("a") @foo
permit(principal == User::"alice", action in [Action::"a", Action::"b"], resource) when { context.a && context.b || (1 + 2) * 3 == 9 } unless { principal has foo.bar };
forbid(principal, action, resource);
permit(principal is User in Group::"g", action, resource == ?resource);
)";
  EXPECT_EQ(format_ok(source), R"(@id("a")
@foo
permit (
  principal == User::"alice",
  action in [Action::"a", Action::"b"],
  resource
)
when { (context.a && context.b) || (1 + 2) * 3 == 9 }
unless { principal has foo.bar };

forbid (principal, action, resource);

permit (
  principal is User in Group::"g",
  action,
  resource == ?resource
);
)");
}

TEST(CedarFormatTest, BreaksLongExpressionsOnlyWhenTheyDoNotFit) {
  const std::string source =
      "permit(principal, action, resource) when { context.aaaaaaaaaaaaaaa && "
      "context.bbbbbbbbbbbbbbbbbbbbbbbbb && context.cccccccccccccccccccccccccc && "
      "context.dddddddd };"
      "permit(principal, action, resource) when { principal.department == "
      "\"HardwareEngineering\" && principal.jobLevel >= 5 };"
      "permit(principal, action, resource) when { context.rrrrrrrrrrrrrrrrrrrrrrrr == "
      "{aaaaaaaaaa: 1, bbbbbbbbbbbbbb: [1,2,3], ccccccccccccc: {dddddddddd: "
      "\"eeeeeeeeeeeeeeeeeeeee\"}} };";
  EXPECT_EQ(format_ok(source), R"(permit (principal, action, resource)
when
{
  context.aaaaaaaaaaaaaaa &&
  context.bbbbbbbbbbbbbbbbbbbbbbbbb &&
  context.cccccccccccccccccccccccccc &&
  context.dddddddd
};

permit (principal, action, resource)
when
{ principal.department == "HardwareEngineering" && principal.jobLevel >= 5 };

permit (principal, action, resource)
when
{
  context.rrrrrrrrrrrrrrrrrrrrrrrr == {
    aaaaaaaaaa: 1,
    bbbbbbbbbbbbbb: [1, 2, 3],
    ccccccccccccc: { dddddddddd: "eeeeeeeeeeeeeeeeeeeee" }
  }
};
)");
}

TEST(CedarFormatTest, BreaksIfThenElseSetsCallsAndMemberChains) {
  const std::string source =
      "permit(principal, action, resource) when { if principal.xxxxxxxxxxxxxxxxxxxx then "
      "[1,2,3].contains(4) else {a: 1, \"b c\": ip(\"10.0.0.1\")} };"
      "permit(principal, action, resource) when { [context.aaaaaaaaaaaaaaaaaaaaa, "
      "context.bbbbbbbbbbbbbbbbbbbbbb].containsAny(principal.xxxxxxxxxxxxxxxxxxxxxxxxxx) };"
      "permit(principal, action, resource) when { "
      "context.aaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccc."
      "ddddddddddddddddddddddddd };";
  EXPECT_EQ(format_ok(source, FormatOptions{60, 2}), R"(permit (principal, action, resource)
when
{
  if
    principal.xxxxxxxxxxxxxxxxxxxx
  then
    [1, 2, 3].contains(4)
  else
    { a: 1, "b c": ip("10.0.0.1") }
};

permit (principal, action, resource)
when
{
  [
    context.aaaaaaaaaaaaaaaaaaaaa,
    context.bbbbbbbbbbbbbbbbbbbbbb
  ].containsAny(principal.xxxxxxxxxxxxxxxxxxxxxxxxxx)
};

permit (principal, action, resource)
when
{
  context.aaaaaaaaaaaaaaaaaaaaa
    .bbbbbbbbbbbbbbbbbbbbbb
    .ccccccccccccccccccccc
    .ddddddddddddddddddddddddd
};
)");
}

TEST(CedarFormatTest, HonoursLineWidthAndIndent) {
  const std::string source =
      "permit(principal == User::\"alice\", action, resource) when { context.a && context.b };";
  EXPECT_EQ(format_ok(source, FormatOptions{20, 4}), R"(permit (
    principal == User::"alice",
    action,
    resource
)
when
{
    context.a &&
    context.b
};
)");
  EXPECT_EQ(format_ok(source, FormatOptions{200, 2}), R"(permit (
  principal == User::"alice",
  action,
  resource
)
when { context.a && context.b };
)");
}

TEST(CedarFormatTest, WritesParenthesesOnlyWherePrecedenceNeedsThem) {
  const auto condition = [](std::string_view expression) {
    const std::string out =
        format_ok("permit(principal, action, resource) when { " + std::string(expression) + " };");
    const std::string prefix = "permit (principal, action, resource)\nwhen { ";
    EXPECT_TRUE(out.starts_with(prefix)) << out;
    return out.substr(prefix.size(), out.size() - prefix.size() - 4);  // " };\n"
  };
  EXPECT_EQ(condition("((context.a).b).c"), "context.a.b.c");
  EXPECT_EQ(condition("(((1 + 2)) * 3)"), "(1 + 2) * 3");
  EXPECT_EQ(condition("1 + (2 * 3)"), "1 + 2 * 3");
  EXPECT_EQ(condition("1 - (2 - 3)"), "1 - (2 - 3)");
  EXPECT_EQ(condition("(1 - 2) - 3"), "1 - 2 - 3");
  EXPECT_EQ(condition("-(-context.x) == 1"), "-(-context.x) == 1");
  EXPECT_EQ(condition("!(!context.b)"), "!(!context.b)");
  EXPECT_EQ(condition("-(5) == -5"), "-(5) == -5");
  EXPECT_EQ(condition("(-5).isEmpty()"), "(-5).isEmpty()");
  EXPECT_EQ(condition("context.a || (context.b || context.c)"),
            "context.a || (context.b || context.c)");
  EXPECT_EQ(condition("(context.a || context.b) && context.c"),
            "(context.a || context.b) && context.c");
  EXPECT_EQ(condition("context.a || context.b && context.c"),
            "context.a || (context.b && context.c)");
  EXPECT_EQ(condition("(if context.a then 1 else 2) == 1"), "(if context.a then 1 else 2) == 1");
  EXPECT_EQ(condition("(principal has a) == true"), "(principal has a) == true");
  EXPECT_EQ(condition("(principal is User) in Group::\"g\""),
            "(principal is User) in Group::\"g\"");
  EXPECT_EQ(condition("principal is User in (Group::\"g\")"), "principal is User in Group::\"g\"");
  EXPECT_EQ(condition("(context.s like \"a*\").isEmpty()"), "(context.s like \"a*\").isEmpty()");
  EXPECT_EQ(condition("[if true then 1 else 2, (3)]"), "[if true then 1 else 2, 3]");
  EXPECT_EQ(condition("ip(\"10.0.0.1\").isLoopback()"), "ip(\"10.0.0.1\").isLoopback()");
  EXPECT_EQ(condition("(ip(\"10.0.0.1\")).isInRange((ip(\"10.0.0.0/8\")))"),
            "ip(\"10.0.0.1\").isInRange(ip(\"10.0.0.0/8\"))");
}

TEST(CedarFormatTest, ReEscapesStringsPatternsAndAttributes) {
  const std::string out = format_ok(
      R"(@note("tab\there \u{41}") permit(principal == User::"a\"b\\c", action, resource)
      when { context["a"] == "\u{0}\r\n" && context["if"] has "x y" && context["two words"].b
             && context has "true" && principal.tags has a.b
             && context.s like "*\*\u{2a}x*" && context["__cedar"] == {"if": 1, "ok": 2} };)");
  EXPECT_EQ(out, R"(@note("tab\there A")
permit (
  principal == User::"a\"b\\c",
  action,
  resource
)
when
{
  context.a == "\0\r\n" &&
  context["if"] has "x y" &&
  context["two words"].b &&
  context has "true" &&
  principal.tags has a.b &&
  context.s like "*\**x*" &&
  context["__cedar"] == { "if": 1, ok: 2 }
};
)");
}

TEST(CedarFormatTest, KeepsValuelessAnnotationsAndSingleActionsAsWritten) {
  EXPECT_EQ(format_ok("@a @b(\"\") permit(principal, action in Action::\"x\", resource);"
                      "permit(principal, action in [Action::\"x\"], resource);"),
            R"(@a
@b("")
permit (
  principal,
  action in Action::"x",
  resource
);

permit (
  principal,
  action in [Action::"x"],
  resource
);
)");
}

TEST(CedarFormatTest, KeepsEveryCommentNextToItsToken) {
  const std::string source = R"(// file header

// policy one
@id("one") // trailing annotation
permit ( // after paren
  principal == User::"alice", // after principal
  // before action
  action in [Action::"a", // in list
     Action::"b"],
  resource // after resource
) // after close
when { // after brace
  (context.a && // after and
   // before b
   context.b) || [1, // one
  2].contains(3) // end of expr
} // after cond
unless { principal has x.y // has
}; // after semi
// between
forbid(principal, action, resource); // end
// final comment
)";
  const std::string out = format_ok(source);
  EXPECT_EQ(out, R"(// file header
// policy one
@id("one") // trailing annotation
permit ( // after paren
  principal == User::"alice", // after principal
  // before action
  action in [
    Action::"a", // in list
    Action::"b"
  ],
  resource // after resource
) // after close
when
{ // after brace
  (context.a && // after and
   // before b
   context.b) ||
  [
    1, // one
    2
  ].contains(3) // end of expr
} // after cond
unless
{
  principal has x.y // has
}; // after semi

// between
forbid (principal, action, resource); // end
// final comment
)");
  EXPECT_EQ(comment_texts(out), comment_texts(source));
}

TEST(CedarFormatTest, KeepsCommentsInAwkwardPlaces) {
  // Comments inside dropped parentheses, entity literals, unary operators, trailing commas and
  // between `has` and its attribute: each is kept on its own line near where it was.
  const std::string source = R"(permit(principal, action, resource) when {
  ( // open paren
    context.a // inside
  ) // close paren
  && - // minus
  5 == User:: // inside entity
  "a".x && [1, 2, // trailing comma
  ].isEmpty() && principal has // before attribute
  a && ! // bang
  context.b
};)";
  const std::string out = format_ok(source);
  EXPECT_EQ(comment_texts(out), comment_texts(source));
  const ParsedPolicies original = parse_policies(source, "a");
  const ParsedPolicies formatted = parse_policies(out, "b");
  ASSERT_TRUE(original.ok());
  ASSERT_TRUE(formatted.ok()) << out;
  EXPECT_EQ(to_cedar_string(*formatted.policies[0].conditions[0].expr),
            to_cedar_string(*original.policies[0].conditions[0].expr));
}

TEST(CedarFormatTest, FormatsEmptyAndCommentOnlyFiles) {
  EXPECT_EQ(format_ok(""), "");
  EXPECT_EQ(format_ok("  \n\n"), "");
  EXPECT_EQ(format_ok("// only\n\n   // comments   \n"), "// only\n// comments\n");
}

TEST(CedarFormatTest, ReportsParseErrors) {
  const auto formatted =
      format_policies("permit(principal, action, resource) when { 1 = 2 };", "bad.cedar");
  ASSERT_FALSE(formatted);
  ASSERT_EQ(formatted.error().size(), 1u);
  EXPECT_EQ(formatted.error()[0].diagnostic.code, "policy.parse.single-eq");
  EXPECT_EQ(formatted.error()[0].diagnostic.file, "bad.cedar");
  EXPECT_EQ(formatted.error()[0].diagnostic.line, 1u);
}

TEST(CedarFormatTest, RefusesTextThatIsNotUtf8) {
  // The parser takes any bytes in strings, but they could not be written back faithfully.
  const auto formatted = format_policies(
      "permit(principal, action, resource)\nwhen { \"a\xfe\" == \"b\" };", "bytes.cedar");
  ASSERT_FALSE(formatted);
  EXPECT_EQ(formatted.error()[0].diagnostic.code, "policy.format.invalid-utf8");
  EXPECT_EQ(formatted.error()[0].diagnostic.line, 2u);
  EXPECT_EQ(formatted.error()[0].diagnostic.column, 10u);
}

TEST(CedarFormatTest, PrintsPoliciesFromTheAstAloneWithFoldedValues) {
  // The default parse folds sets, records, entity literals and extension constructors into
  // values and sorts records; printing works from that AST with no source text.
  const std::string source = R"(permit(principal in Group::"g", action == Action::"a", resource)
    when { context.x == {b: [3, 1, 2], a: ip("10.0.0.1"), c: decimal("1.5")} &&
           [User::"b", User::"a"].contains(principal) && context.d == -9223372036854775808 }
    unless { context has "a b" };)";
  const ParsedPolicies parsed = parse_policies(source, "in.cedar");
  ASSERT_TRUE(parsed.ok());
  const std::string printed = print_policies(parsed.policies);
  EXPECT_EQ(printed, R"(permit (
  principal in Group::"g",
  action == Action::"a",
  resource
)
when
{
  context.x == { a: ip("10.0.0.1/32"), b: [1, 2, 3], c: decimal("1.5000") } &&
  [User::"a", User::"b"].contains(principal) &&
  context.d == -9223372036854775808
}
unless { context has "a b" };
)");
  const ParsedPolicies reparsed = parse_policies(printed, "out.cedar");
  ASSERT_TRUE(reparsed.ok()) << printed;
  EXPECT_EQ(to_cedar_string(*reparsed.policies[0].conditions[0].expr),
            to_cedar_string(*parsed.policies[0].conditions[0].expr));
}

TEST(CedarFormatTest, PrintsTemplatesAndEmptyCollections) {
  const ParsedPolicies parsed = parse_policies(
      R"(@id("t") forbid(principal == ?principal, action in [], resource is Doc in ?resource)
         when { [] == context.s && {} == context.r };)",
      "t.cedar");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(print_policies(parsed.policies), R"(@id("t")
forbid (
  principal == ?principal,
  action in [],
  resource is Doc in ?resource
)
when { [] == context.s && {} == context.r };
)");
}

}  // namespace
}  // namespace eksguard::cedar
