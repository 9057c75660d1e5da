// The JSON policy format reader: policy sets, single policies, templates and links, ids from the
// JSON keys, evaluation as Cedar text evaluates, and exact diagnostics for malformed input.
#include "cedar/est/est_reader.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "../cedar_test_support.h"
#include "cedar/est/est_writer.h"
#include "report/json_writer.h"

namespace eksguard::cedar::est {
namespace {

using testing::entities;
using testing::request;
using testing::uid;

// The diagnostics of a JSON text that must not read, rendered (file:line:column: message [code]).
std::vector<std::string> errors_of(std::string_view json) {
  const JsonPolicies read = read_policies_json(json, "p.json");
  std::vector<std::string> out;
  for (const ParseError& error : read.policies.errors) out.push_back(error.diagnostic.render());
  return out;
}

PolicySet compiled(std::string_view json, const ParseOptions& options = {}) {
  JsonPolicies read = read_policies_json(json, "p.json", options);
  for (const ParseError& error : read.policies.errors) ADD_FAILURE() << error.diagnostic.render();
  auto set = PolicySet::compile(std::move(read.policies), read.links);
  if (!set) {
    ADD_FAILURE() << set.error().message;
    return PolicySet();
  }
  return std::move(*set);
}

struct Answer {
  Decision decision;
  std::set<std::string> reasons;
  std::set<std::string> errors;
  bool operator==(const Answer&) const = default;
};

Answer answer(const PolicySet& set, const Request& req, const Entities& store) {
  const Response response = is_authorized(set, req, store);
  Answer out{response.decision, {}, {}};
  for (uint32_t index : response.reasons) {
    out.reasons.insert(std::string(PolicySet::display_id(set.policies()[index])));
  }
  for (const PolicyError& error : response.errors) {
    out.errors.insert(std::string(PolicySet::display_id(set.policies()[error.policy])));
  }
  return out;
}

// `conditions` (JSON) of a static policy `p` that permits everything else.
std::string permit_when(std::string_view body) {
  return R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "All"},
    "action": {"op": "All"}, "resource": {"op": "All"},
    "conditions": [{"kind": "when", "body": )" +
         std::string(body) + "}]}}}";
}

TEST(CedarEstReaderTest, PolicySetWithTemplatesAndLinksUsesTheJsonIds) {
  const PolicySet set = compiled(R"({
  "staticPolicies": {
    "allow-admins": {"effect": "permit", "principal": {"op": "in", "entity": {"type": "Group", "id": "admins"}},
                     "action": {"op": "all"}, "resource": {"op": "All"}, "conditions": [],
                     "annotations": {"id": "ignored-for-json", "note": null}}
  },
  "templates": {
    "owner": {"effect": "permit", "principal": {"op": "==", "slot": "?principal"},
              "action": {"op": "in", "entities": [{"type": "Action", "id": "view"}]},
              "resource": {"op": "is", "entity_type": "Photo", "in": {"slot": "?resource"}},
              "conditions": [{"kind": "unless", "body": {"Value": false}}]}
  },
  "templateLinks": [
    {"templateId": "owner", "newId": "bob-album",
     "values": {"?principal": {"__entity": {"type": "User", "id": "bob"}},
                "?resource": {"type": "Album", "id": "a"}}}
  ]
})");
  ASSERT_EQ(set.policies().size(), 2u);
  ASSERT_EQ(set.templates().size(), 1u);
  const Entities store = entities(R"([
    {"uid": {"type": "User", "id": "alice"}, "parents": [{"type": "Group", "id": "admins"}]},
    {"uid": {"type": "Photo", "id": "p1"}, "parents": [{"type": "Album", "id": "a"}]}])");
  EXPECT_EQ(answer(set, request("{}"), store), (Answer{Decision::kAllow, {"allow-admins"}, {}}));
  EXPECT_EQ(answer(set, request("{}", uid("User", "bob")), store),
            (Answer{Decision::kAllow, {"bob-album"}, {}}));
  EXPECT_EQ(answer(set, request("{}", uid("User", "carol")), store),
            (Answer{Decision::kDeny, {}, {}}));
  const Policy& admins = set.policies()[0];
  ASSERT_EQ(admins.annotations.size(), 2u);
  EXPECT_TRUE(admins.annotations[0].has_value);
  EXPECT_FALSE(admins.annotations[1].has_value);
  EXPECT_EQ(admins.line, 3u);
  EXPECT_EQ(admins.column, 21u);
}

TEST(CedarEstReaderTest, SinglePolicyObjectIsPolicy0) {
  const PolicySet set = compiled(R"({"effect": "forbid", "principal": {"op": "All"},
    "action": {"op": "==", "entity": {"type": "Action", "id": "view"}},
    "resource": {"op": "All"}, "conditions": []})");
  ASSERT_EQ(set.policies().size(), 1u);
  EXPECT_EQ(PolicySet::display_id(set.policies()[0]), "policy0");
  EXPECT_EQ(answer(set, request(), entities("[]")), (Answer{Decision::kDeny, {"policy0"}, {}}));
}

// Expressions from JSON evaluate exactly as the same Cedar text: records sorted by key, constant
// folding, extended `has`, `is ... in`, patterns with neighbouring wildcards or literals, and an
// `__extn` value with a bad argument erroring at evaluation (as in Cedar), not when read.
TEST(CedarEstReaderTest, ExpressionsEvaluateAsCedarText) {
  const Entities store = entities(R"([{"uid": {"type": "User", "id": "alice"},
      "attrs": {"a": {"b": {"c": 1}}, "name": "alice.smith"},
      "parents": [{"type": "Group", "id": "g"}]}])");
  const Request req = request(R"({"n": 7})");
  struct Case {
    std::string_view json;
    std::string_view cedar;
  };
  const Case cases[] = {
      {R"({"==": {"left": {"Record": {"b": {"Value": 2}, "a": {"Var": "context"}}},
                  "right": {"Value": {"a": {"n": 7}, "b": 2}}}})",
       R"({b: 2, a: context} == {a: {n: 7}, b: 2})"},
      {R"({"has": {"left": {"Var": "principal"}, "attr": ["a", "b", "c"]}})",
       "principal has a.b.c"},
      {R"({"has": {"left": {"Var": "principal"}, "attr": ["a", "x"]}})", "principal has a.x"},
      {R"({"is": {"left": {"Var": "principal"}, "entity_type": "User",
                  "in": {"Value": {"__entity": {"type": "Group", "id": "g"}}}}})",
       R"(principal is User in Group::"g")"},
      {R"({"like": {"left": {".": {"left": {"Var": "principal"}, "attr": "name"}},
                    "pattern": [{"Literal": "al"}, {"Literal": "ice"}, "Wildcard", "Wildcard",
                                {"Literal": "smith"}]}})",
       R"(principal.name like "alice**smith")"},
      {R"({"like": {"left": {"Value": "alxice"}, "pattern": [{"Literal": "al"}, {"Literal": "ice"}]}})",
       R"("alxice" like "alice")"},
      {R"({"isInRange": [{"Value": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}},
                         {"ip": [{"Value": "10.0.0.0/8"}]}]})",
       R"(ip("10.0.0.1").isInRange(ip("10.0.0.0/8")))"},
      {R"({"Value": {"__extn": {"fn": "ip", "arg": "not an ip"}}})", R"(ip("not an ip"))"},
      {R"({"ip": []})", "ip()"},
      {R"({"-": {"left": {"Value": -9223372036854775808}, "right": {"Value": 1}}})",
       "-9223372036854775808 - 1"},
      {R"({"if-then-else": {"if": {">": {"left": {".": {"left": {"Var": "context"}, "attr": "n"}},
                                         "right": {"Value": 5}}},
                            "then": {"Set": [{"Value": 1}, {"Value": 1}]},
                            "else": {"Value": []}}})",
       "if context.n > 5 then [1, 1] else []"},
  };
  for (const Case& test : cases) {
    const std::string json_policy = permit_when(test.json);
    const PolicySet from_json = compiled(json_policy);
    const PolicySet from_text = testing::policies("permit(principal, action, resource) when { " +
                                                  std::string(test.cedar) + " };");
    if (from_json.policies().empty() || from_text.policies().empty()) continue;
    const Answer text_answer = answer(from_text, req, store);
    Answer json_answer = answer(from_json, req, store);
    // The JSON policy is called `p`, the text one `policy0`.
    for (auto* ids : {&json_answer.reasons, &json_answer.errors}) {
      if (ids->erase("p") > 0) ids->insert("policy0");
    }
    EXPECT_EQ(json_answer, text_answer) << test.cedar;
  }
}

TEST(CedarEstReaderTest, KeepAsWrittenKeepsCallsSetsAndNeighbouringWildcards) {
  ParseOptions options;
  options.keep_as_written = true;
  JsonPolicies read =
      read_policies_json(permit_when(R"({"&&": {"left": {"like": {"left": {"Value": "a"},
                                              "pattern": ["Wildcard", "Wildcard"]}},
                             "right": {"isIpv4": [{"ip": [{"Value": "10.0.0.1"}]}]}}})"),
                         "p.json", options);
  ASSERT_TRUE(read.ok());
  std::string out;
  report::JsonWriter json(out);
  write_expr(json, *read.policies.policies[0].conditions[0].expr);
  EXPECT_EQ(out,
            R"({"&&":{"left":{"like":{"left":{"Value":"a"},"pattern":["Wildcard","Wildcard"]}},)"
            R"("right":{"isIpv4":[{"ip":[{"Value":"10.0.0.1"}]}]}}})");
}

TEST(CedarEstReaderTest, EvaluationErrorsPointIntoTheJson) {
  const std::string json = permit_when(R"({"+": {"left": {"Value": "x"},
      "right": {"Value": 1}}})");
  const PolicySet set = compiled(json);
  const Response response = is_authorized(set, request(), entities("[]"));
  ASSERT_EQ(response.errors.size(), 1u);
  const LineColumn at = line_column(set.source(), response.errors[0].error.span.offset);
  EXPECT_EQ(at.line, 3u);
  EXPECT_EQ(at.column, 70u);  // the offending value
}

TEST(CedarEstReaderTest, MalformedInputHasExactDiagnostics) {
  struct Case {
    std::string json;
    std::string error;
  };
  const std::string head =
      R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "All"}, )"
      R"("action": {"op": "All"}, "resource": {"op": "All"}, )";
  const auto body = [&](std::string_view expr) {
    return head + "\n\"conditions\": [{\"kind\": \"when\", \"body\": " + std::string(expr) +
           "}]}}}";
  };
  const Case cases[] = {
      {R"({"staticPolicies": {)",
       "p.json:1:20: error: invalid JSON: invalid JSON object member [policy.json.invalid-json]"},
      {"permit(principal, action, resource);",
       "p.json:1:1: error: expected JSON (an object or an array) [policy.json.invalid-json]"},
      {R"({"policies": {}})",
       "p.json:1:2: error: $: unexpected key `policies` in a policy set; expected "
       "`staticPolicies`, `templates` or `templateLinks` [policy.json.unexpected-key]"},
      {R"([1])",
       "p.json:1:1: error: $: expected a policy set or a policy (a JSON object), found "
       "an array [policy.json.wrong-type]"},
      {head + "\"x\": 1}}}",
       "p.json:1:127: error: $.staticPolicies.p: unexpected key `x` in a policy; expected "
       "`effect`, `principal`, `action`, `resource`, `conditions` or `annotations` "
       "[policy.json.unexpected-key]"},
      {head + "\"annotations\": {}}}}",
       "p.json:1:26: error: $.staticPolicies.p: a policy is missing the key `conditions` "
       "[policy.json.missing-key]"},
      {R"({"effect": "Permit", "principal": {"op": "All"}, "action": {"op": "All"},
          "resource": {"op": "All"}, "conditions": []})",
       "p.json:1:12: error: $.effect: unknown effect `Permit`; expected `permit` or `forbid` "
       "[policy.json.invalid-variant]"},
      {body(R"({"==": {"left": {"Value": 1}, "rite": {"Value": 2}}})"),
       "p.json:2:71: error: $.staticPolicies.p.conditions[0].body[\"==\"]: unexpected key `rite` "
       "in the operands of `==`; expected `left` or `right` [policy.json.unexpected-key]"},
      {body(R"({"Var": "principal", "Slot": "?principal"})"),
       "p.json:2:62: error: $.staticPolicies.p.conditions[0].body: an expression has one key, "
       "but this one has `Var` and `Slot` [policy.json.invalid-expression]"},
      {body("{}"),
       "p.json:2:41: error: $.staticPolicies.p.conditions[0].body: an empty object is not an "
       "expression [policy.json.invalid-expression]"},
      {body(R"({"foo": []})"),
       "p.json:2:42: error: $.staticPolicies.p.conditions[0].body.foo: unknown expression `foo`; "
       "expected `Value`, `Var`, `Slot`, an operator (`!`, `neg`, `==`, `&&`, `.`, `has`, "
       "`like`, `is`, `if-then-else`, ...), `Set`, `Record` or an extension function "
       "[policy.json.unknown-expression]"},
      {body(R"({"!": {"arg": 1}})"),
       "p.json:2:55: error: $.staticPolicies.p.conditions[0].body[\"!\"].arg: expected an "
       "expression (a JSON object with one key), found a number [policy.json.wrong-type]"},
      {body(R"({"Var": "user"})"),
       "p.json:2:49: error: $.staticPolicies.p.conditions[0].body.Var: unknown variable `user`; "
       "expected `principal`, `action`, `resource` or `context` [policy.json.invalid-variant]"},
      {body(R"({"Value": null})"),
       "p.json:2:51: error: $.staticPolicies.p.conditions[0].body.Value: null is not a Cedar "
       "value [policy.json.invalid-value]"},
      {body(R"({"Value": 1.5})"),
       "p.json:2:51: error: $.staticPolicies.p.conditions[0].body.Value: `1.5` is not an "
       "integer; Cedar has no floating-point numbers [policy.json.invalid-value]"},
      {body(R"({"Value": {"__expr": "1"}})"),
       "p.json:2:51: error: $.staticPolicies.p.conditions[0].body.Value: the `__expr` escape is "
       "no longer supported; use `__entity` or `__extn` [policy.json.invalid-value]"},
      {body(R"({"Value": {"__extn": {"fn": "ipaddr", "arg": "1.2.3.4"}}})"),
       "p.json:2:69: error: $.staticPolicies.p.conditions[0].body.Value.__extn.fn: `ipaddr` is "
       "not an extension function [policy.json.invalid-value]"},
      {body(R"({"is": {"left": {"Var": "principal"}, "entity_type": "if"}})"),
       "p.json:2:94: error: $.staticPolicies.p.conditions[0].body.is.entity_type: `if` is not a "
       "valid entity type [policy.json.invalid-entity-type]"},
      {body(R"({"has": {"left": {"Var": "principal"}, "attr": []}})"),
       "p.json:2:88: error: $.staticPolicies.p.conditions[0].body.has.attr: expected an "
       "attribute (a string) or a non-empty array of attributes, found an array "
       "[policy.json.wrong-type]"},
      {body(R"({"like": {"left": {"Value": "a"}, "pattern": ["*"]}})"),
       "p.json:2:87: error: $.staticPolicies.p.conditions[0].body.like.pattern[0]: expected a "
       "pattern element: \"Wildcard\" or {\"Literal\": \"...\"} [policy.json.invalid-pattern]"},
      {body(R"({"Value": {"__entity": {"type": "User", "id": "a", "x": 1}}})"),
       "p.json:2:92: error: $.staticPolicies.p.conditions[0].body.Value: unexpected field `x` "
       "in `__entity` [policy.json.invalid-entity]"},
      {body(R"({"Slot": "?principal"})"),
       "p.json:2:50: error: $.staticPolicies.p.conditions[0].body.Slot: found template slot "
       "?principal in a `when` clause [policy.json.slot-in-condition]"},
      {R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "All"},
          "action": {"op": "==", "entity": {"type": "User", "id": "view"}},
          "resource": {"op": "All"}, "conditions": []}}})",
       "p.json:2:21: error: $.staticPolicies.p.action: expected an entity uid with type `Action` "
       "but got `User::\"view\"` [policy.json.invalid-action-type]"},
      {R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "==", "slot": "?resource"},
          "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}})",
       "p.json:1:81: error: $.staticPolicies.p.principal.slot: `?resource` cannot be used in the "
       "principal scope; the slot there is `?principal` [policy.json.invalid-slot]"},
      {R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "==", "slot": "?principal"},
          "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}})",
       "p.json:1:26: error: $.staticPolicies.p: a static policy cannot have slots; put a policy "
       "with slots under `templates` [policy.json.not-static]"},
      {R"({"templates": {"t": {"effect": "permit", "principal": {"op": "All"},
          "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}})",
       "p.json:1:21: error: $.templates.t: a template needs a slot (`?principal` or "
       "`?resource`) in its scope; put a policy without slots under `staticPolicies` "
       "[policy.json.not-a-template]"},
      {R"({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "All"},
          "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": [],
          "annotations": {"two words": "x"}}}})",
       "p.json:3:27: error: $.staticPolicies.p.annotations[\"two words\"]: `two words` is not a "
       "valid annotation name (an identifier) [policy.json.invalid-annotation]"},
  };
  for (const Case& test : cases) {
    const std::vector<std::string> errors = errors_of(test.json);
    ASSERT_EQ(errors.size(), 1u) << test.json;
    EXPECT_EQ(errors[0], test.error) << test.json;
  }
}

TEST(CedarEstReaderTest, LinksAreCheckedAgainstTheTemplates) {
  const std::string templates = R"({"templates": {"t": {"effect": "permit",
    "principal": {"op": "==", "slot": "?principal"}, "action": {"op": "All"},
    "resource": {"op": "All"}, "conditions": []}},
  "staticPolicies": {"s": {"effect": "permit", "principal": {"op": "All"},
    "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}},
  "templateLinks": [)";
  const std::string alice = R"({"?principal": {"type": "User", "id": "alice"}})";
  const auto links = [&](std::string_view list) { return templates + std::string(list) + "]}"; };
  EXPECT_EQ(errors_of(links(R"({"templateId": "x", "newId": "l", "values": {}})")),
            std::vector<std::string>{"p.json:6:21: error: $.templateLinks[0]: no template with id "
                                     "`x` [policy.json.invalid-link]"});
  EXPECT_EQ(errors_of(links(R"({"templateId": "t", "newId": "l", "values": {}})")),
            std::vector<std::string>{
                "p.json:6:21: error: $.templateLinks[0]: the link gives no value for "
                "`?principal`, which template `t` needs [policy.json.invalid-link]"});
  EXPECT_EQ(
      errors_of(links(R"({"templateId": "t", "newId": "l", "values": {"?principal":
        {"type": "User", "id": "a"}, "?resource": {"type": "User", "id": "b"}}})")),
      std::vector<std::string>{
          "p.json:6:21: error: $.templateLinks[0]: the link gives a value for `?resource`, which "
          "template `t` does not have [policy.json.invalid-link]"});
  EXPECT_EQ(errors_of(links(R"({"templateId": "t", "newId": "s", "values": )" + alice + "}")),
            std::vector<std::string>{"p.json:6:21: error: $.templateLinks[0]: the new id `s` is "
                                     "already the id of a policy [policy.json.duplicate-id]"});
  EXPECT_EQ(errors_of(links(R"({"templateId": "t", "newId": "l", "values": {"?who": {}}})")),
            std::vector<std::string>{"p.json:6:66: error: $.templateLinks[0].values[\"?who\"]: "
                                     "unknown slot `?who`; expected `?principal` or `?resource` "
                                     "[policy.json.invalid-slot]"});
  EXPECT_TRUE(
      errors_of(links(R"({"templateId": "t", "newId": "l", "values": )" + alice + "}")).empty());
}

TEST(CedarEstReaderTest, EveryBrokenPolicyIsReported) {
  const std::vector<std::string> errors = errors_of(R"({"staticPolicies": {
  "a": {"effect": "permit"},
  "b": {"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
        "resource": {"op": "All"}, "conditions": []},
  "c": {"effect": "deny"}},
  "templates": {"b": {"effect": "permit", "principal": {"op": "in", "slot": "?principal"},
        "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}})");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            "p.json:2:8: error: $.staticPolicies.a: a policy is missing the key "
            "`principal` [policy.json.missing-key]");
  EXPECT_EQ(errors[1],
            "p.json:5:8: error: $.staticPolicies.c: a policy is missing the key "
            "`principal` [policy.json.missing-key]");
  EXPECT_EQ(errors[2],
            "p.json:6:22: error: $.templates.b: `b` is the id of a static policy "
            "and of a template [policy.json.duplicate-id]");
}

TEST(CedarEstReaderTest, DepthAndSizeAreBounded) {
  std::string deep = R"({"Value": true})";
  for (int i = 0; i < 200; ++i) deep = R"({"!": {"arg": )" + deep + "}}";
  const std::vector<std::string> errors = errors_of(permit_when(deep));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("nesting deeper than 272 levels"), std::string::npos) << errors[0];

  std::string nested = R"({"Value": true})";
  for (int i = 0; i < 128; ++i) nested = R"({"!": {"arg": )" + nested + "}}";
  const std::vector<std::string> too_deep = errors_of(permit_when(nested));
  ASSERT_EQ(too_deep.size(), 1u);
  EXPECT_NE(too_deep[0].find("expression is nested too deeply: the limit is 128 levels "
                             "[policy.json.too-deep]"),
            std::string::npos)
      << too_deep[0];

  ParseOptions small;
  small.max_bytes = 10;
  const JsonPolicies read = read_policies_json(permit_when(R"({"Value": true})"), "p.json", small);
  ASSERT_EQ(read.policies.errors.size(), 1u);
  EXPECT_EQ(read.policies.errors[0].diagnostic.code, code::kTooLarge);
}

TEST(CedarEstReaderTest, TemplateLinkFiles) {
  auto links = read_template_links_json(
      R"([{"templateId": "policy0", "newId": "l1",
           "values": {"?principal": {"type": "User", "id": "alice"}}},
          {"templateId": "policy0", "newId": "l2", "values": {"?resource": {"__entity":
           {"type": "Photo", "id": "p"}}}}])",
      "links.json");
  ASSERT_TRUE(links);
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].new_id, "l1");
  EXPECT_EQ((*links)[0].principal->second, "alice");
  EXPECT_FALSE((*links)[0].resource.has_value());
  EXPECT_EQ((*links)[1].resource->first, "Photo");

  auto wrapped = read_template_links_json(R"({"templateLinks": []})", "links.json");
  ASSERT_TRUE(wrapped);
  EXPECT_TRUE(wrapped->empty());

  auto bad =
      read_template_links_json(R"([{"templateId": 1, "newId": "x", "values": {}}])", "links.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().front().diagnostic.render(),
            "links.json:1:17: error: $[0].templateId: expected a template id (a string), found a "
            "number [policy.json.wrong-type]");
}

}  // namespace
}  // namespace eksguard::cedar::est
