#include "cedar/entities.h"

#include <gtest/gtest.h>

#include "cedar/schema/cedar_schema_parser.h"
#include "cedar_test_support.h"

namespace eksguard::cedar {
namespace {

using testing::uid;

std::string load_error(std::string_view json, const Schema* schema = nullptr) {
  auto loaded = Entities::from_json_text(json, "e.json", schema);
  return loaded ? std::string("(loaded)") : loaded.error().message;
}

TEST(CedarEntitiesTest, LoadsAttributesParentsAndTags) {
  const Entities store = testing::entities(R"([
    {"uid": {"__entity": {"type": "A::User", "id": "alice"}},
     "attrs": {"n": -9223372036854775808, "s": "x", "b": false, "set": [3, 1, 3],
               "rec": {"k": {"__extn": {"fn": "decimal", "arg": "1.5"}}},
               "when": {"__extn": {"fn": "offset", "args": [
                   {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
                   {"__extn": {"fn": "duration", "arg": "1s"}}]}}},
     "parents": [{"type": "A::Group", "id": "g"}],
     "tags": {"t": "v"}},
    {"uid": {"type": "A::Group", "id": "g"}}
  ])");
  ASSERT_EQ(store.size(), 2u);
  const Entity* alice = store.find(uid("A::User", "alice"));
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->attrs.find("n")->as_long(), INT64_MIN);
  EXPECT_EQ(to_cedar_string(*alice->attrs.find("set")), "[1, 3]");
  EXPECT_EQ(to_cedar_string(*alice->attrs.find("rec")), "{\"k\": decimal(\"1.5000\")}");
  EXPECT_EQ(alice->attrs.find("when")->as_extension().kind(), ExtensionKind::kDatetime);
  EXPECT_EQ(alice->tags.find("t")->as_string(), "v");
  EXPECT_TRUE(store.has_ancestor(*alice, uid("A::Group", "g")));
  EXPECT_FALSE(store.has_ancestor(*alice, uid("A::User", "alice")));
  EXPECT_EQ(store.find(uid("A::User", "nobody")), nullptr);
}

TEST(CedarEntitiesTest, ComputesTheTransitiveClosureOnceThroughMissingParents) {
  const Entities store = testing::entities(R"([
    {"uid": {"type": "G", "id": "a"}, "parents": [{"type": "G", "id": "b"}]},
    {"uid": {"type": "G", "id": "b"}, "parents": [{"type": "G", "id": "c"}, {"type": "X", "id": "ghost"}]},
    {"uid": {"type": "G", "id": "c"}, "parents": [{"type": "G", "id": "d"}]}
  ])");
  const Entity* a = store.find(uid("G", "a"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->ancestors.size(), 4u);
  EXPECT_TRUE(store.has_ancestor(*a, uid("G", "d")));  // d exists only as a parent
  EXPECT_TRUE(store.has_ancestor(*a, uid("X", "ghost")));
}

TEST(CedarEntitiesTest, LongParentChainsDoNotExhaustTheStack) {
  std::string json = "[";
  for (int i = 0; i < 20000; ++i) {
    json += "{\"uid\": {\"type\": \"G\", \"id\": \"" + std::to_string(i) +
            "\"}, \"parents\": [{\"type\": \"G\", \"id\": \"" + std::to_string(i + 1) + "\"}]},";
  }
  json += "{\"uid\": {\"type\": \"G\", \"id\": \"end\"}}]";
  EntitiesLimits limits;
  limits.max_closure_entries = 1000;
  auto loaded = Entities::from_json_text(json, "chain.json", nullptr, limits);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("hierarchy is too large"), std::string::npos);
}

TEST(CedarEntitiesTest, RejectsBadInputWithPositions) {
  // Cedar accepts an entity listed twice only when both entries say the same thing.
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}}, {"uid": {"type": "U", "id": "a"}}])"),
            "(loaded)");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"n": 1}},
                           {"uid": {"type": "U", "id": "a"}, "attrs": {"n": 2}}])"),
            "e.json:2:36: duplicate entity entry `U::\"a\"`");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "G", "id": "a"}, "parents": [{"type": "G", "id": "b"}]},
                           {"uid": {"type": "G", "id": "b"}, "parents": [{"type": "G", "id": "a"}]}])"),
            "e.json: entities: input graph has a cycle containing vertex `G::\"a\"`");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"x": 1.5}}])"),
            "e.json:1:51: entity `U::\"a\"`: in `x`: `1.5` is not an integer; Cedar has no "
            "floating-point numbers");
  EXPECT_EQ(
      load_error(R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"x": 9223372036854775808}}])"),
      "e.json:1:51: entity `U::\"a\"`: in `x`: `9223372036854775808` is out of range for a "
      "Cedar long (64-bit integer)");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "if", "id": "a"}}])"),
            "e.json:1:19: `if` is not a valid entity type");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}, "atrs": {}}])"),
            "e.json:1:36: unexpected field `atrs` in an entity (expected `uid`, `attrs`, "
            "`parents`, `tags`)");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"x": null}}])"),
            "e.json:1:51: entity `U::\"a\"`: in `x`: null is not a Cedar value");
  EXPECT_EQ(
      load_error(
          R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "ip", "arg": "nope"}}}}])"),
      "e.json:1:62: entity `U::\"a\"`: in `x`: error while evaluating `ip` extension "
      "function: \"nope\" is not a valid IP address");
  EXPECT_EQ(load_error(R"({"uid": 1})"), "e.json: entities must be a JSON array");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "U", "id": "a"}, "attrs": {"x": 1, "x": 2}}])"),
            "e.json:1:54: invalid JSON: duplicate key `x` in a JSON object");
  EXPECT_EQ(load_error("[{\"uid\": "), "e.json:1:10: invalid JSON: invalid JSON value");
}

constexpr std::string_view kSchema = R"(
  entity Group;
  entity User in [Group] { name: String, boss?: User, ip?: ipaddr };
  entity Color enum ["red", "blue"];
  entity Doc { level: Long } tags String;
  action view, edit in [read];
  action read appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr, n?: Long } };
)";

class CedarSchemaEntitiesTest : public ::testing::Test {
 protected:
  CedarSchemaEntitiesTest() {
    auto parsed = parse_cedar_schema(kSchema, "s.cedarschema");
    if (!parsed) ADD_FAILURE() << render_all(parsed.error(), kSchema);
    if (parsed) schema_ = std::move(*parsed);
  }
  Schema schema_;
};

TEST_F(CedarSchemaEntitiesTest, ReadsValuesAsTheSchemaDeclaresThem) {
  const Entities store = testing::entities(R"([
    {"uid": {"type": "User", "id": "a"},
     "attrs": {"name": "A", "boss": {"type": "User", "id": "b"}, "ip": "10.0.0.1"},
     "parents": [{"type": "Group", "id": "g"}]},
    {"uid": {"type": "Doc", "id": "d"}, "attrs": {"level": 2}, "tags": {"x": "y"}}
  ])",
                                           &schema_);
  const Entity* user = store.find(uid("User", "a"));
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->attrs.find("boss")->is_entity());
  EXPECT_EQ(user->attrs.find("ip")->as_extension().kind(), ExtensionKind::kIpAddr);
  // Actions come from the schema, with their groups.
  const Entity* view = store.find(uid("Action", "view"));
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(store.has_ancestor(*view, uid("Action", "read")));
}

TEST_F(CedarSchemaEntitiesTest, RejectsWhatTheSchemaDoesNotAllow) {
  EXPECT_EQ(load_error(R"([{"uid": {"type": "Cat", "id": "c"}}])", &schema_),
            "e.json:1:10: entity `Cat::\"c\"`: entity `Cat::\"c\"` has type `Cat` which is not "
            "declared in the schema");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}}])", &schema_),
            "e.json:1:48: entity `User::\"a\"`: expected the record to have an attribute "
            "`name`, but it does not");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"name": "A", "x": 1}}])",
                       &schema_),
            "e.json:1:62: entity `User::\"a\"`: record attribute `x` should not exist according "
            "to the schema");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"name": 1}}])", &schema_),
            "e.json:1:57: entity `User::\"a\"`: in `name`: type mismatch: value was expected to "
            "have type String, but it actually has type long");
  EXPECT_EQ(
      load_error(
          R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"name": "A"}, "parents": [{"type": "Doc", "id": "d"}]}])",
          &schema_),
      "e.json:1:75: entity `User::\"a\"`: `User::\"a\"` is not allowed to have an ancestor "
      "of type `Doc` according to the schema");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "Color", "id": "green"}}])", &schema_),
            "e.json:1:10: entity `Color::\"green\"`: entity `Color::\"green\"` is of an "
            "enumerated entity type, but `\"green\"` is not declared as a valid eid");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "Group", "id": "g"}, "tags": {"t": "v"}}])", &schema_),
            "e.json:1:49: entity `Group::\"g\"`: found a tag `t` on `Group::\"g\"`, but no tags "
            "should exist on `Group::\"g\"` according to the schema");
  EXPECT_EQ(load_error(R"([{"uid": {"type": "Action", "id": "fly"}}])", &schema_),
            "e.json:1:10: entity `Action::\"fly\"`: found action entity `Action::\"fly\"`, but it "
            "was not declared as an action in the schema");
  EXPECT_EQ(
      load_error(
          R"([{"uid": {"type": "Action", "id": "view"}, "parents": [{"type": "Action", "id": "read"}]}])",
          &schema_),
      "(loaded)");
}

TEST_F(CedarSchemaEntitiesTest, ValidatesRequestsAndTypesTheirContext) {
  const auto make = [&](std::string_view principal, std::string_view resource,
                        std::string_view context, bool validate = true) -> std::string {
    auto documents = doc::load_all(context, "ctx.json");
    auto request =
        Request::from_uids(uid("User", principal), uid("Action", "read"), uid("Doc", resource),
                           documents->front().root(), &schema_, validate);
    if (!request) return request.error().message;
    return to_cedar_string(request->context());
  };
  EXPECT_EQ(make("a", "d", R"({"ip": "10.0.0.1"})"), "{\"ip\": ip(\"10.0.0.1/32\")}");
  EXPECT_EQ(make("a", "d", R"({})"),
            "context: expected the record to have an attribute `ip`, but it does not");
  EXPECT_EQ(make("a", "d", R"({"ip": "10.0.0.1", "n": "x"})"),
            "context: in `n`: type mismatch: value was expected to have type Long, but it "
            "actually has type string");
  const auto rejected = [&](std::string_view principal_type, std::string_view action) {
    auto request = Request::from_uids(uid(principal_type, "a"), uid("Action", action),
                                      uid("Doc", "d"), nullptr, &schema_);
    return request ? std::string("(accepted)") : request.error().message;
  };
  EXPECT_EQ(rejected("Doc", "read"), "principal type `Doc` is not valid for `Action::\"read\"`");
  EXPECT_EQ(rejected("User", "fly"),
            "request's action `Action::\"fly\"` is not declared in the schema");
}

}  // namespace
}  // namespace eksguard::cedar
