// Golden tests of the JSON policy format writer: every expression form, scope constraint and
// policy-level field, as Cedar 4.13 writes them (each expected string was checked against
// cedar-wasm's policyToJson; numbers beyond 2^53 are exact here).
#include "cedar/est/est_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cedar/internal/expr_builder.h"
#include "cedar/parser.h"
#include "report/json_writer.h"

namespace eksguard::cedar::est {
namespace {

ParsedPolicies parse_as_written(std::string_view text) {
  ParseOptions options;
  options.keep_as_written = true;
  ParsedPolicies parsed = parse_policies(text, "golden.cedar", options);
  for (const ParseError& error : parsed.errors) ADD_FAILURE() << error.diagnostic.render();
  return parsed;
}

// The JSON of the first condition of `permit(principal, action, resource) when { <expr> };`.
std::string condition_json(std::string_view expr) {
  const ParsedPolicies parsed =
      parse_as_written("permit(principal, action, resource) when { " + std::string(expr) + " };");
  if (parsed.policies.empty()) return "<parse error>";
  std::string out;
  report::JsonWriter json(out);
  write_expr(json, *parsed.policies[0].conditions[0].expr);
  return out;
}

std::string policy_json(std::string_view text) {
  const ParsedPolicies parsed = parse_as_written(text);
  if (parsed.policies.empty()) return "<parse error>";
  std::string out;
  report::JsonWriter json(out);
  write_policy(json, parsed.policies[0]);
  return out;
}

struct Golden {
  std::string_view cedar;
  std::string_view json;
};

constexpr Golden kExpressions[] = {
    {"true", R"({"Value":true})"},
    {"42", R"({"Value":42})"},
    {"-9223372036854775808", R"({"Value":-9223372036854775808})"},
    {"9223372036854775807", R"({"Value":9223372036854775807})"},
    {R"("tab\t \"q\" \u{1F600} \\")", R"({"Value":"tab\t \"q\" 😀 \\"})"},
    {R"(ns::User::"al\"ice")", R"({"Value":{"__entity":{"type":"ns::User","id":"al\"ice"}}})"},
    {"principal", R"({"Var":"principal"})"},
    {"context", R"({"Var":"context"})"},
    {"!false", R"({"!":{"arg":{"Value":false}}})"},
    {"-context.n", R"({"neg":{"arg":{".":{"left":{"Var":"context"},"attr":"n"}}}})"},
    {"--1", R"({"neg":{"arg":{"Value":-1}}})"},
    {"1 == 2", R"({"==":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"1 != 2", R"({"!=":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"1 < 2", R"({"<":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"1 <= 2", R"({"<=":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"1 > 2", R"({">":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"1 >= 2", R"({">=":{"left":{"Value":1},"right":{"Value":2}}})"},
    {"true && false", R"({"&&":{"left":{"Value":true},"right":{"Value":false}}})"},
    {"true || false", R"({"||":{"left":{"Value":true},"right":{"Value":false}}})"},
    {"1 + 2 - 3",
     R"({"-":{"left":{"+":{"left":{"Value":1},"right":{"Value":2}}},"right":{"Value":3}}})"},
    {"2 * 3", R"({"*":{"left":{"Value":2},"right":{"Value":3}}})"},
    {R"(principal in Group::"g")",
     R"({"in":{"left":{"Var":"principal"},"right":{"Value":{"__entity":{"type":"Group","id":"g"}}}}})"},
    {"[1].contains(2)", R"({"contains":{"left":{"Set":[{"Value":1}]},"right":{"Value":2}}})"},
    {"[1].containsAll([])", R"({"containsAll":{"left":{"Set":[{"Value":1}]},"right":{"Set":[]}}})"},
    {"[1].containsAny([2])",
     R"({"containsAny":{"left":{"Set":[{"Value":1}]},"right":{"Set":[{"Value":2}]}}})"},
    {"[].isEmpty()", R"({"isEmpty":{"arg":{"Set":[]}}})"},
    {R"(principal.getTag("t"))",
     R"({"getTag":{"left":{"Var":"principal"},"right":{"Value":"t"}}})"},
    {R"(principal.hasTag("t"))",
     R"({"hasTag":{"left":{"Var":"principal"},"right":{"Value":"t"}}})"},
    {"context.a", R"({".":{"left":{"Var":"context"},"attr":"a"}})"},
    {R"(context["a b"])", R"({".":{"left":{"Var":"context"},"attr":"a b"}})"},
    {"context has a", R"({"has":{"left":{"Var":"context"},"attr":"a"}})"},
    {R"(context has "a b")", R"({"has":{"left":{"Var":"context"},"attr":"a b"}})"},
    {"context has a.b.c", R"({"has":{"left":{"Var":"context"},"attr":["a","b","c"]}})"},
    {R"("x" like "a*b\*c**é")",
     R"({"like":{"left":{"Value":"x"},"pattern":[{"Literal":"a"},"Wildcard",{"Literal":"b"},{"Literal":"*"},{"Literal":"c"},"Wildcard","Wildcard",{"Literal":"é"}]}})"},
    {R"("" like "")", R"({"like":{"left":{"Value":""},"pattern":[]}})"},
    {"principal is User", R"({"is":{"left":{"Var":"principal"},"entity_type":"User"}})"},
    {R"(principal is ns::User in Group::"g")",
     R"({"is":{"left":{"Var":"principal"},"entity_type":"ns::User","in":{"Value":{"__entity":{"type":"Group","id":"g"}}}}})"},
    {"if true then 1 else 2",
     R"({"if-then-else":{"if":{"Value":true},"then":{"Value":1},"else":{"Value":2}}})"},
    {"[1, principal, [true]]",
     R"({"Set":[{"Value":1},{"Var":"principal"},{"Set":[{"Value":true}]}]})"},
    {R"({z: 1, "a b": principal, a: {}})",
     R"({"Record":{"a":{"Record":{}},"a b":{"Var":"principal"},"z":{"Value":1}}})"},
    {R"(ip("10.0.0.1"))", R"({"ip":[{"Value":"10.0.0.1"}]})"},
    {R"(ip("10.0.0.1").isIpv4())", R"({"isIpv4":[{"ip":[{"Value":"10.0.0.1"}]}]})"},
    {R"(ip("10.0.0.1").isInRange(ip("10.0.0.0/8")))",
     R"({"isInRange":[{"ip":[{"Value":"10.0.0.1"}]},{"ip":[{"Value":"10.0.0.0/8"}]}]})"},
    {R"(decimal("1.5").lessThan(decimal("2.0")))",
     R"({"lessThan":[{"decimal":[{"Value":"1.5"}]},{"decimal":[{"Value":"2.0"}]}]})"},
    {R"(datetime("2024-01-01").offset(duration("1h")).toTime())",
     R"({"toTime":[{"offset":[{"datetime":[{"Value":"2024-01-01"}]},{"duration":[{"Value":"1h"}]}]}]})"},
};

TEST(CedarEstWriterTest, EveryExpressionFormIsWrittenAsCedarWritesIt) {
  for (const Golden& golden : kExpressions) {
    EXPECT_EQ(condition_json(golden.cedar), golden.json) << golden.cedar;
  }
}

constexpr Golden kPolicies[] = {
    {"permit(principal, action, resource);",
     R"({"effect":"permit","principal":{"op":"All"},"action":{"op":"All"},"resource":{"op":"All"},"conditions":[]})"},
    {R"(@id("p") @b @a("") forbid(principal == User::"a", action == Action::"v", resource in Folder::"f") when { true } unless { false };)",
     R"({"effect":"forbid","principal":{"op":"==","entity":{"type":"User","id":"a"}},"action":{"op":"==","entity":{"type":"Action","id":"v"}},"resource":{"op":"in","entity":{"type":"Folder","id":"f"}},"conditions":[{"kind":"when","body":{"Value":true}},{"kind":"unless","body":{"Value":false}}],"annotations":{"a":"","b":null,"id":"p"}})"},
    {R"(permit(principal is User, action in [Action::"a", ns::Action::"b"], resource is Photo in Album::"x");)",
     R"({"effect":"permit","principal":{"op":"is","entity_type":"User"},"action":{"op":"in","entities":[{"type":"Action","id":"a"},{"type":"ns::Action","id":"b"}]},"resource":{"op":"is","entity_type":"Photo","in":{"entity":{"type":"Album","id":"x"}}},"conditions":[]})"},
    // A one-element action list is written as a single entity; an empty one as a list.
    {R"(permit(principal, action in [Action::"a"], resource);)",
     R"({"effect":"permit","principal":{"op":"All"},"action":{"op":"in","entity":{"type":"Action","id":"a"}},"resource":{"op":"All"},"conditions":[]})"},
    {"permit(principal, action in [], resource);",
     R"({"effect":"permit","principal":{"op":"All"},"action":{"op":"in","entities":[]},"resource":{"op":"All"},"conditions":[]})"},
    {"permit(principal == ?principal, action, resource in ?resource);",
     R"({"effect":"permit","principal":{"op":"==","slot":"?principal"},"action":{"op":"All"},"resource":{"op":"in","slot":"?resource"},"conditions":[]})"},
    {"permit(principal is User in ?principal, action, resource is R in ?resource);",
     R"({"effect":"permit","principal":{"op":"is","entity_type":"User","in":{"slot":"?principal"}},"action":{"op":"All"},"resource":{"op":"is","entity_type":"R","in":{"slot":"?resource"}},"conditions":[]})"},
};

TEST(CedarEstWriterTest, ScopesConditionsAndAnnotations) {
  for (const Golden& golden : kPolicies) EXPECT_EQ(policy_json(golden.cedar), golden.json);
}

TEST(CedarEstWriterTest, FoldedLiteralsAreWrittenAsJsonValues) {
  // Without keep_as_written the parser folds constants; they come out as Cedar JSON values.
  const ParsedPolicies parsed = parse_policies(
      R"(permit(principal, action, resource) when { [1, {a: User::"x"}] == [decimal("1.5")] };)",
      "folded.cedar");
  ASSERT_TRUE(parsed.ok());
  std::string out;
  report::JsonWriter json(out);
  write_expr(json, *parsed.policies[0].conditions[0].expr);
  EXPECT_EQ(out, R"({"==":{"left":{"Value":[1,{"a":{"__entity":{"type":"User","id":"x"}}}]},)"
                 R"("right":{"Value":[{"__extn":{"fn":"decimal","arg":"1.5000"}}]}}})");
}

TEST(CedarEstWriterTest, SlotExpression) {
  Arena arena;
  const ParseOptions options;
  internal::ExprBuilder builder(arena, options);
  std::string out;
  report::JsonWriter json(out);
  write_expr(json, *builder.slot(SlotId::kResource, {}));
  EXPECT_EQ(out, R"({"Slot":"?resource"})");
}

TEST(CedarEstWriterTest, PolicySetKeysPoliciesByIdAndNamesLinkTemplates) {
  const ParsedPolicies parsed = parse_as_written(
      "@id(\"a\") permit(principal, action, resource);\n"
      "forbid(principal, action, resource);\n"
      "@id(\"t\") permit(principal == ?principal, action, resource);");
  TemplateLink link;
  link.template_id = "policy2";  // `policyN` or the `@id`: both name the template
  link.new_id = "linked";
  link.principal = std::pair{std::string("User"), std::string("alice")};
  std::string out;
  report::JsonWriter json(out);
  ASSERT_TRUE(write_policy_set(json, parsed.policies, std::span<const TemplateLink>(&link, 1)));
  const std::string all = R"({"op":"All"})";
  EXPECT_EQ(out,
            R"({"staticPolicies":{"a":{"effect":"permit","principal":)" + all + R"(,"action":)" +
                all + R"(,"resource":)" + all +
                R"(,"conditions":[],"annotations":{"id":"a"}},"policy1":{"effect":"forbid",)"
                R"("principal":)" +
                all + R"(,"action":)" + all + R"(,"resource":)" + all +
                R"(,"conditions":[]}},"templates":{"t":{"effect":"permit","principal":)"
                R"({"op":"==","slot":"?principal"},"action":)" +
                all + R"(,"resource":)" + all +
                R"(,"conditions":[],"annotations":{"id":"t"}}},"templateLinks":[{"templateId":)"
                R"("t","newId":"linked","values":{"?principal":{"type":"User","id":"alice"}}}]})");
}

TEST(CedarEstWriterTest, PolicySetRejectsDuplicateIdsAndUnknownTemplates) {
  const ParsedPolicies parsed = parse_as_written(
      "@id(\"a\") permit(principal, action, resource);\n"
      "@id(\"a\") forbid(principal, action, resource);");
  std::string out;
  report::JsonWriter json(out);
  const Status duplicate = write_policy_set(json, parsed.policies);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "two policies have the id `a`");
  EXPECT_TRUE(out.empty());

  TemplateLink link;
  link.template_id = "nope";
  link.new_id = "x";
  const Status unknown =
      write_policy_set(json, std::span(parsed.policies).first(1), std::span(&link, 1));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "no template with id `nope`");
}

}  // namespace
}  // namespace eksguard::cedar::est
