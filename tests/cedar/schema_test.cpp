// The Cedar schema model and its two syntaxes: grammar features, name resolution and its
// errors (with positions), the JSON format, printing, limits, and conformance with schemas
// Cedar itself wrote (../shared/conformance/cedar and cedar-k8s).
#include "cedar/schema/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cedar/diagnostic.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/schema/cedar_schema_printer.h"
#include "cedar/schema/json_schema_parser.h"
#include "support/test_support.h"

namespace eksguard::cedar {
namespace {

namespace fs = std::filesystem;

Schema parse_ok(std::string_view text) {
  auto schema = parse_cedar_schema(text, "test.cedarschema");
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : render_all(schema.error(), text));
  return schema ? *schema : Schema();
}

Schema parse_json_ok(std::string_view text) {
  auto schema = parse_json_schema(text, "test.json");
  EXPECT_TRUE(schema.has_value()) << (schema ? "" : render_all(schema.error(), text));
  return schema ? *schema : Schema();
}

// The first error of a schema that must not parse.
Diagnostic first_error(const Result<Schema, Diagnostics>& result) {
  EXPECT_FALSE(result.has_value()) << "the schema was accepted";
  if (result || result.error().empty()) return Diagnostic{};
  return result.error().front();
}

Diagnostic text_error(std::string_view text) {
  return first_error(parse_cedar_schema(text, "test.cedarschema"));
}

Diagnostic json_error(std::string_view text) {
  return first_error(parse_json_schema(text, "test.json"));
}

using ::eksguard::testing::read_file;

const SchemaType& attr_type(const Schema& schema, std::string_view entity, std::string_view attr) {
  const AttributeDef* def = schema.attribute(entity, attr);
  EXPECT_NE(def, nullptr) << entity << "." << attr;
  static const SchemaType missing = SchemaType::record({});
  return def != nullptr ? def->type : missing;
}

// ---- Grammar ------------------------------------------------------------------------------

TEST(CedarSchemaTextTest, ParsesEntitiesActionsAndCommonTypes) {
  const Schema schema = parse_ok(R"(
    namespace PhotoFlash {
      type Context = { "authenticated": Bool };
      entity User in UserGroup = { "department": String, "jobLevel": Long, "delegate"?: User };
      entity UserGroup;
      entity Album in [Album] { account: Account, private: Bool } tags Set<String>;
      entity Account { admins?: Set<User>, owner: User };
      entity Color enum ["red", "blue"];
      action "uploadPhoto" appliesTo { principal: User, resource: Album, context: Context };
      action viewPhoto, listAlbums in ["uploadPhoto"] appliesTo {
        principal: [User], resource: [Album, Account],
        context: { "ip": ipaddr, "score"?: decimal, "at": datetime, "ttl": duration },
      };
    })");
  ASSERT_EQ(schema.entity_types().size(), 5u);
  const EntityTypeDef* user = schema.find_entity_type("PhotoFlash::User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->member_of_types, std::vector<std::string>{"PhotoFlash::UserGroup"});
  EXPECT_TRUE(user->find_attribute("department")->required);
  EXPECT_FALSE(user->find_attribute("delegate")->required);
  EXPECT_EQ(user->find_attribute("delegate")->type, SchemaType::entity("PhotoFlash::User"));
  EXPECT_EQ(attr_type(schema, "PhotoFlash::User", "jobLevel").kind(), TypeKind::kLong);
  EXPECT_EQ(schema.tags_type("PhotoFlash::Album")->to_string(), "Set<String>");
  EXPECT_EQ(schema.tags_type("PhotoFlash::User"), nullptr);
  const EntityTypeDef* color = schema.find_entity_type("PhotoFlash::Color");
  ASSERT_NE(color, nullptr);
  EXPECT_TRUE(color->is_enum);
  EXPECT_EQ(color->enum_choices, (std::vector<std::string>{"red", "blue"}));
  EXPECT_TRUE(color->is_enum_choice("blue"));

  const ActionDef* view = schema.find_action("PhotoFlash::Action", "viewPhoto");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->member_of, (std::vector<ActionUid>{{"PhotoFlash::Action", "uploadPhoto"}}));
  EXPECT_EQ(view->resource_types,
            (std::vector<std::string>{"PhotoFlash::Account", "PhotoFlash::Album"}));
  EXPECT_EQ(view->context.to_string(),
            R"({"at": datetime, "ip": ipaddr, "score"?: decimal, "ttl": duration})");
  EXPECT_EQ(*schema.find_action("PhotoFlash::Action", "listAlbums"), [&] {
    ActionDef copy = *view;
    copy.uid.id = "listAlbums";
    return copy;
  }());
  const SchemaType* upload_context =
      schema.context_type(ActionUid{"PhotoFlash::Action", "uploadPhoto"});
  ASSERT_NE(upload_context, nullptr);
  EXPECT_EQ(upload_context->common_type_name(), "PhotoFlash::Context");
  EXPECT_EQ(upload_context->to_string(), R"({"authenticated": Bool})");
}

TEST(CedarSchemaTextTest, EntityDeclarationForms) {
  const Schema schema = parse_ok(R"(
    entity G;
    entity A, B in [G] = { x: Long } tags String;
    entity C { x: Long };
    entity D in G;
    entity E in [];
    entity F = {};
  )");
  for (const char* name : {"A", "B"}) {
    const EntityTypeDef* def = schema.find_entity_type(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_EQ(def->member_of_types, std::vector<std::string>{"G"});
    EXPECT_EQ(def->shape.to_string(), R"({"x": Long})");
    EXPECT_EQ(def->tags->kind(), TypeKind::kString);
  }
  EXPECT_EQ(schema.find_entity_type("C")->shape, schema.find_entity_type("A")->shape);
  EXPECT_EQ(schema.find_entity_type("D")->member_of_types, std::vector<std::string>{"G"});
  EXPECT_TRUE(schema.find_entity_type("E")->member_of_types.empty());
  EXPECT_TRUE(schema.find_entity_type("F")->shape.attributes().empty());
}

TEST(CedarSchemaTextTest, TrailingCommasWhereCedarAllowsThem) {
  parse_ok(R"(entity A { a: Long, b: { c: String, }, };
              action x appliesTo { principal: A, resource: A, context: {}, };)");
  // Lists of names take no trailing comma in the Cedar grammar.
  EXPECT_EQ(text_error("entity A; entity B in [A,];").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A enum [\"a\",];").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A,;").code, "schema.parse.unexpected-token");
}

TEST(CedarSchemaTextTest, CommentsAndUnicodeWhitespace) {
  const Schema schema = parse_ok(
      "// a comment\nentity A; // trailing\r\n//last\n\xC2\xA0"
      "entity\xE2\x80\x83"
      "B;\xE3\x80\x80// U+00A0, U+2003, U+3000 are whitespace to Cedar\n");
  EXPECT_EQ(schema.entity_types().size(), 2u);
}

TEST(CedarSchemaTextTest, StringEscapesFollowCedar) {
  const Schema schema = parse_ok(R"(entity A {
      "q\"uote": Long, "tab\t": Long, "\x41\u{1F600}\u{0_0_4_1}\'\0\\": Long };
    action "a\nb";)");
  const EntityTypeDef* a = schema.find_entity_type("A");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->find_attribute("q\"uote"), nullptr);
  EXPECT_NE(a->find_attribute("tab\t"), nullptr);
  EXPECT_NE(a->find_attribute(std::string("A\xF0\x9F\x98\x80"
                                          "A'\0\\",
                                          9)),
            nullptr);
  EXPECT_NE(schema.find_action("Action", "a\nb"), nullptr);
}

TEST(CedarSchemaTextTest, InvalidEscapesAreErrorsAtTheEscape) {
  struct Case {
    const char* text;
    uint32_t column;
  };
  for (const Case& c :
       {Case{R"(entity A { "ab\q": Long };)", 15}, Case{R"(entity A { "\x80": Long };)", 13},
        Case{R"(entity A { "\u{D800}": Long };)", 13},
        Case{R"(entity A { "\u{1234567}": Long };)", 13},
        Case{R"(entity A { "\u{_1}": Long };)", 13}, Case{R"(entity A { "\u{}": Long };)", 13},
        Case{R"(entity A { "\u12": Long };)", 13}, Case{"entity A { \"a\rb\": Long };", 14}}) {
    const Diagnostic error = text_error(c.text);
    EXPECT_EQ(error.code, "schema.parse.invalid-escape") << c.text;
    EXPECT_EQ(error.line, 1u) << c.text;
    EXPECT_EQ(error.column, c.column) << c.text;
  }
  // A backslash before a newline leaves the literal open, as Cedar's lexer does.
  EXPECT_EQ(text_error("entity A { \"a\\\nb\": Long };").code, "schema.parse.invalid-token");
}

TEST(CedarSchemaTextTest, Annotations) {
  const Schema schema = parse_ok(R"(
    @doc("the namespace")
    namespace N {
      @doc("a user") @internal
      entity User { @doc("name") "name": String };
      @if("reserved words are fine as annotation keys")
      action "view" appliesTo { principal: User, resource: User };
      @doc("common")
      type T = Long;
    })");
  ASSERT_EQ(schema.namespaces().size(), 1u);
  EXPECT_EQ(schema.namespaces()[0].annotations, (Annotations{{"doc", "the namespace"}}));
  const EntityTypeDef* user = schema.find_entity_type("N::User");
  EXPECT_EQ(user->annotations, (Annotations{{"doc", "a user"}, {"internal", ""}}));
  EXPECT_EQ(user->find_attribute("name")->annotations, (Annotations{{"doc", "name"}}));
  EXPECT_EQ(find_annotation(schema.find_action("N::Action", "view")->annotations, "if")->value,
            "reserved words are fine as annotation keys");
  EXPECT_EQ(schema.find_common_type("N::T")->annotations, (Annotations{{"doc", "common"}}));

  const Diagnostic duplicate = text_error("@a(\"1\")\n@b @a(\"2\") entity A;");
  EXPECT_EQ(duplicate.code, "schema.parse.duplicate-annotation");
  EXPECT_EQ(duplicate.line, 2u);
  EXPECT_EQ(duplicate.column, 5u);
}

TEST(CedarSchemaTextTest, ActionForms) {
  const Schema schema = parse_ok(R"(
    namespace Other { action "w"; }
    namespace N {
      entity U;
      action read, "write";
      action all;
      action "get" in read;
      action "put" in "write";
      action del in [Action::"all", Other::Action::"w", read] attributes {};
      action list appliesTo { resource: U, principal: [U] };
    })");
  auto parents = [&](const char* id) { return schema.find_action("N::Action", id)->member_of; };
  EXPECT_EQ(parents("get"), (std::vector<ActionUid>{{"N::Action", "read"}}));
  EXPECT_EQ(parents("put"), (std::vector<ActionUid>{{"N::Action", "write"}}));
  EXPECT_EQ(parents("del"),
            (std::vector<ActionUid>{
                {"N::Action", "all"}, {"N::Action", "read"}, {"Other::Action", "w"}}));
  const ActionDef* read = schema.find_action("N::Action", "read");
  EXPECT_TRUE(read->principal_types.empty());
  EXPECT_TRUE(read->context.attributes().empty());
  EXPECT_TRUE(schema.action_applies(ActionUid{"N::Action", "list"}, "N::U", "N::U"));

  EXPECT_EQ(text_error("action a in [];").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("action a appliesTo {};").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("action a attributes { x: Long };").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("action a in [A::B];").code, "schema.parse.unexpected-token");
}

TEST(CedarSchemaTextTest, AppliesToRules) {
  const Diagnostic missing = text_error("entity A;\naction a appliesTo { principal: A };");
  EXPECT_EQ(missing.code, "schema.missing-applies-to");
  EXPECT_EQ(missing.line, 2u);
  EXPECT_EQ(missing.column, 8u);
  EXPECT_EQ(text_error("entity A; action a appliesTo { principal: [], resource: A };").code,
            "schema.empty-applies-to");
  const Diagnostic twice =
      text_error("entity A; action a appliesTo { principal: A, resource: A, principal: A };");
  EXPECT_EQ(twice.code, "schema.duplicate-applies-to");
  EXPECT_EQ(twice.column, 59u);
  EXPECT_EQ(text_error("entity A; action a appliesTo { principal: A, resource: A, context: {},"
                       " context: {} };")
                .code,
            "schema.duplicate-applies-to");
}

TEST(CedarSchemaTextTest, KeywordsAreIdentifiersButReservedWordsAreNot) {
  const Schema schema = parse_ok(R"(
    entity Set, tags, entity, namespace { "in": Long, appliesTo: Set, s: Set<Long> };
    type principal = Long;
    action "if", context;)");
  EXPECT_EQ(attr_type(schema, "tags", "appliesTo"), SchemaType::entity("Set"));
  EXPECT_EQ(attr_type(schema, "tags", "s").to_string(), "Set<Long>");
  EXPECT_NE(schema.find_action("Action", "if"), nullptr);

  const Diagnostic error = text_error("entity A {\n  if: Long };");
  EXPECT_EQ(error.code, "schema.parse.reserved-identifier");
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 3u);
  EXPECT_EQ(text_error("entity in;").code, "schema.parse.reserved-identifier");
  EXPECT_EQ(text_error("entity A in [true];").code, "schema.parse.reserved-identifier");
  EXPECT_EQ(text_error("action has;").code, "schema.parse.reserved-identifier");
}

TEST(CedarSchemaTextTest, SyntaxErrorsNameTheTokenAndPosition) {
  const Diagnostic error = text_error("namespace N {\n  entity A = { a: Long b: Long };\n}");
  EXPECT_EQ(error.code, "schema.parse.unexpected-token");
  EXPECT_EQ(error.message, "unexpected `b`; expected `,` or `}`");
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 24u);
  EXPECT_EQ(error.file, "test.cedarschema");

  EXPECT_EQ(text_error("entity A").code, "schema.parse.unexpected-eof");
  EXPECT_EQ(text_error("namespace N { namespace M {} }").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A { a: 5 };").code, "schema.parse.unexpected-token");
  const Diagnostic stray = text_error("entity A;\n  entity B $;");
  EXPECT_EQ(stray.code, "schema.parse.invalid-token");
  EXPECT_EQ(stray.line, 2u);
  EXPECT_EQ(stray.column, 12u);
  EXPECT_EQ(text_error("entity A { \"open: Long };").code, "schema.parse.invalid-token");
  EXPECT_EQ(text_error("entity A = ;").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A enum [];").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A in B enum [\"x\"];").code, "schema.parse.unexpected-token");
  EXPECT_EQ(text_error("entity A {}}").code, "schema.parse.unexpected-token");
}

// ---- Name resolution ----------------------------------------------------------------------

TEST(CedarSchemaResolutionTest, CommonBeatsEntityBeatsBuiltin) {
  // The example of Cedar's "type name disambiguation" documentation.
  const Schema schema = parse_ok(R"(
    namespace Demo {
      entity Host { ip: ipaddr, bandwidth: decimal };
      entity String { groups: Set<__cedar::String> };
      type ipaddr = { repr: String, isV4: Bool };
    })");
  const SchemaType& ip = attr_type(schema, "Demo::Host", "ip");
  EXPECT_EQ(ip.common_type_name(), "Demo::ipaddr");
  EXPECT_EQ(ip.to_string(), R"({"isV4": Bool, "repr": Demo::String})");
  EXPECT_EQ(attr_type(schema, "Demo::Host", "bandwidth"),
            SchemaType::extension(ExtensionType::kDecimal));
  EXPECT_EQ(attr_type(schema, "Demo::String", "groups").to_string(), "Set<String>");
  // Declaring built-in names is legal but draws Cedar's warnings.
  ASSERT_EQ(schema.warnings().size(), 2u);
  EXPECT_EQ(schema.warnings()[0].severity, Severity::kWarning);
  EXPECT_EQ(schema.warnings()[0].code, "schema.shadows-builtin");
}

TEST(CedarSchemaResolutionTest, UnqualifiedNamesFallBackToTheEmptyNamespace) {
  const Schema schema = parse_ok(R"(
    entity User;
    type Name = String;
    namespace NS {
      entity Doc in [User] { owner: User, name: Name, other: NS::Doc, peer: A::B::Peer };
    }
    namespace A::B { entity Peer; })");
  EXPECT_EQ(schema.find_entity_type("NS::Doc")->member_of_types, std::vector<std::string>{"User"});
  EXPECT_EQ(attr_type(schema, "NS::Doc", "owner"), SchemaType::entity("User"));
  EXPECT_EQ(attr_type(schema, "NS::Doc", "name").kind(), TypeKind::kString);
  EXPECT_EQ(attr_type(schema, "NS::Doc", "name").common_type_name(), "Name");
  EXPECT_EQ(attr_type(schema, "NS::Doc", "other"), SchemaType::entity("NS::Doc"));
  EXPECT_EQ(attr_type(schema, "NS::Doc", "peer"), SchemaType::entity("A::B::Peer"));
}

TEST(CedarSchemaResolutionTest, CurrentNamespaceWinsOverTheEmptyOne) {
  // In N, `ipaddr` finds the entity N::ipaddr before the common type `ipaddr` (the built-in
  // alias) of the empty namespace: the nearer namespace is tried first, whatever the kind.
  const Schema schema = parse_ok(R"(
    namespace N { entity ipaddr; entity E { t: ipaddr, u: U, v: __cedar::ipaddr }; }
    type U = Long;
    namespace M { entity E { t: ipaddr }; })");
  EXPECT_EQ(attr_type(schema, "N::E", "t"), SchemaType::entity("N::ipaddr"));
  EXPECT_EQ(attr_type(schema, "N::E", "u").kind(), TypeKind::kLong);
  EXPECT_EQ(attr_type(schema, "N::E", "v"), SchemaType::extension(ExtensionType::kIpAddr));
  EXPECT_EQ(attr_type(schema, "M::E", "t"), SchemaType::extension(ExtensionType::kIpAddr));
}

TEST(CedarSchemaResolutionTest, BuiltinAliasesYieldToEmptyNamespaceDeclarations) {
  const Schema schema = parse_ok(R"(
    entity Long;
    entity E { a: Long, b: __cedar::Long, c: __cedar::ipaddr, d: __cedar::Bool };)");
  EXPECT_EQ(attr_type(schema, "E", "a"), SchemaType::entity("Long"));
  EXPECT_EQ(attr_type(schema, "E", "b"), SchemaType::long_type());
  EXPECT_EQ(attr_type(schema, "E", "c"), SchemaType::extension(ExtensionType::kIpAddr));
  EXPECT_EQ(attr_type(schema, "E", "d"), SchemaType::boolean());
  // "Boolean" is the JSON spelling; in the Cedar syntax it is just an undeclared name.
  EXPECT_EQ(text_error("entity E { a: Boolean };").code, "schema.undefined-type");
  EXPECT_EQ(text_error("entity E { a: __cedar::Boolean };").code, "schema.undefined-type");
}

TEST(CedarSchemaResolutionTest, UndeclaredNamesAreErrorsAtTheReference) {
  const Diagnostic error = text_error("namespace N {\n  entity A { b: Missing };\n}");
  EXPECT_EQ(error.code, "schema.undefined-type");
  EXPECT_EQ(error.message,
            "failed to resolve type `Missing`: neither `N::Missing` nor `Missing` has been "
            "declared as a common or entity type");
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 17u);
  EXPECT_EQ(error.length, 7u);
  // Parents and appliesTo lists name entity types only.
  EXPECT_EQ(text_error("type T = {}; entity A in [T];").code, "schema.undefined-entity-type");
  EXPECT_EQ(text_error("type T = {}; action a appliesTo { principal: T, resource: T };").code,
            "schema.undefined-entity-type");
  // `context: Name` names a common type only.
  EXPECT_EQ(
      text_error("entity A; action a appliesTo { principal: A, resource: A, context: A };").code,
      "schema.undefined-type");
  const Diagnostic action = text_error("action a in [\"b\"];");
  EXPECT_EQ(action.code, "schema.undefined-action");
  EXPECT_EQ(action.column, 14u);
}

TEST(CedarSchemaResolutionTest, DuplicateDeclarations) {
  EXPECT_EQ(text_error("entity A; entity A;").code, "schema.duplicate-declaration");
  EXPECT_EQ(text_error("entity A, A;").code, "schema.duplicate-declaration");
  EXPECT_EQ(text_error("action a; action \"a\";").code, "schema.duplicate-declaration");
  EXPECT_EQ(text_error("type T = Long; type T = String;").code, "schema.duplicate-declaration");
  EXPECT_EQ(text_error("namespace N {} namespace N {}").code, "schema.duplicate-namespace");
  // Top-level declarations all belong to one empty namespace.
  EXPECT_EQ(text_error("entity A; namespace N {} entity A;").code, "schema.duplicate-declaration");
  // An entity type and a common type may share a name (with a warning).
  const Schema schema = parse_ok("entity A; type A = Long;");
  ASSERT_EQ(schema.warnings().size(), 1u);
  EXPECT_EQ(schema.warnings()[0].code, "schema.shadows-entity-type");
}

TEST(CedarSchemaResolutionTest, CommonTypeCyclesAreErrors) {
  EXPECT_EQ(text_error("type A = Set<B>; type B = { a: A };").code, "schema.common-type-cycle");
  EXPECT_EQ(text_error("type A = A;").code, "schema.common-type-cycle");
  EXPECT_EQ(text_error("namespace N { type ipaddr = ipaddr; }").code, "schema.common-type-cycle");
  const Diagnostic error = text_error("type Z = Long;\ntype A = B;\ntype B = C;\ntype C = B;");
  EXPECT_EQ(error.code, "schema.common-type-cycle");
  EXPECT_GE(error.line, 3u);  // B or C, not A, which only leads into the cycle
  // Entity types may refer to themselves; common types may chain.
  parse_ok("entity Node { next?: Node, all: Set<Node> }; type A = B; type B = Set<Node>;");
}

TEST(CedarSchemaResolutionTest, ActionHierarchyMustBeAcyclic) {
  EXPECT_EQ(text_error("action a in b; action b in a;").code, "schema.action-cycle");
  const Diagnostic self = text_error("action x;\naction a in a;");
  EXPECT_EQ(self.code, "schema.action-cycle");
  EXPECT_EQ(self.line, 2u);
  // Entity type hierarchies may be cyclic.
  const Schema schema = parse_ok("entity Album in [Album, Folder]; entity Folder in [Album];");
  EXPECT_TRUE(schema.find_entity_type("Album")->has_ancestor("Album"));
  EXPECT_TRUE(schema.entity_type_in("Folder", "Folder"));
}

TEST(CedarSchemaResolutionTest, EmptyNamespaceDeclarationsMayNotBeShadowed) {
  // RFC 70, the example of Cedar's documentation.
  const Diagnostic error = text_error(
      "type id = { group: String, name: String };\n"
      "namespace Demo {\n  entity User { name: id };\n  type id = String;\n}");
  EXPECT_EQ(error.code, "schema.shadowed-declaration");
  EXPECT_EQ(error.line, 4u);
  EXPECT_EQ(text_error("entity A; namespace N { entity A; }").code, "schema.shadowed-declaration");
  EXPECT_EQ(text_error("entity A; namespace N::M { type A = Long; }").code,
            "schema.shadowed-declaration");
  EXPECT_EQ(text_error("action a; namespace N { action a; }").code, "schema.shadowed-declaration");
  parse_ok("namespace N { entity A; } namespace M { entity A; }");
}

TEST(CedarSchemaResolutionTest, ReservedNames) {
  EXPECT_EQ(text_error("namespace __cedar { entity A; }").code, "schema.reserved-name");
  EXPECT_EQ(text_error("namespace A::__cedar {}").code, "schema.reserved-name");
  EXPECT_EQ(text_error("entity __cedar;").code, "schema.reserved-name");
  EXPECT_EQ(text_error("type __cedar = Long;").code, "schema.reserved-name");
  for (const char* name :
       {"Bool", "Boolean", "Entity", "Extension", "Long", "Record", "Set", "String"}) {
    EXPECT_EQ(text_error("type " + std::string(name) + " = {};").code,
              "schema.reserved-common-type-name")
        << name;
  }
  EXPECT_EQ(text_error("namespace N { entity Action; }").code, "schema.action-entity-type");
}

TEST(CedarSchemaResolutionTest, ShapesAndContextsMustBeRecords) {
  const Diagnostic error = text_error(
      "type C = Long;\nentity A;\naction a appliesTo { principal: A, resource: A, "
      "context: C };");
  EXPECT_EQ(error.code, "schema.not-a-record");
  EXPECT_EQ(error.line, 3u);
  const Schema schema = parse_ok(
      "type Ctx = { ip: ipaddr }; entity A;"
      "action a appliesTo { principal: A, resource: A, context: Ctx };");
  EXPECT_EQ(schema.context_type(ActionUid{"Action", "a"})->to_string(), R"({"ip": ipaddr})");
}

TEST(CedarSchemaResolutionTest, HierarchyLookups) {
  const Schema schema = parse_ok(R"(
    namespace k8s {
      entity Group;
      entity User in [Group] { name: String } tags String;
      entity ServiceAccount in [Group];
      entity Resource;
      action all;
      action read in [all];
      action get in [read] appliesTo { principal: [User, ServiceAccount], resource: Resource };
    })");
  EXPECT_TRUE(schema.entity_type_in("k8s::User", "k8s::Group"));
  EXPECT_TRUE(schema.entity_type_in("k8s::User", "k8s::User"));
  EXPECT_FALSE(schema.entity_type_in("k8s::Group", "k8s::User"));
  EXPECT_EQ(schema.find_entity_type("k8s::Group")->descendants,
            (std::vector<std::string>{"k8s::ServiceAccount", "k8s::User"}));
  const ActionUid get{"k8s::Action", "get"};
  const ActionUid all{"k8s::Action", "all"};
  EXPECT_TRUE(schema.action_in(get, all));
  EXPECT_FALSE(schema.action_in(all, get));
  EXPECT_EQ(schema.find_action(all)->descendants,
            (std::vector<ActionUid>{get, {"k8s::Action", "read"}}));
  EXPECT_TRUE(schema.action_applies(get, "k8s::ServiceAccount", "k8s::Resource"));
  EXPECT_FALSE(schema.action_applies(get, "k8s::Group", "k8s::Resource"));
  EXPECT_FALSE(schema.action_applies(all, "k8s::User", "k8s::Resource"));
  EXPECT_EQ(schema.attribute("k8s::User", "name")->type.kind(), TypeKind::kString);
  EXPECT_EQ(schema.attribute("k8s::User", "nope"), nullptr);
  EXPECT_EQ(schema.tags_type("k8s::User")->kind(), TypeKind::kString);
  EXPECT_EQ(schema.find_entity_type("k8s::Nope"), nullptr);
  EXPECT_EQ(schema.find_action("k8s::Action", "nope"), nullptr);
  EXPECT_EQ(get.to_string(), R"(k8s::Action::"get")");
}

TEST(CedarSchemaResolutionTest, DuplicateAttributesKeepTheLastWithAWarning) {
  const Schema schema = parse_ok("entity A { a: Long, a: String };");
  EXPECT_EQ(attr_type(schema, "A", "a").kind(), TypeKind::kString);
  ASSERT_EQ(schema.warnings().size(), 1u);
  EXPECT_EQ(schema.warnings()[0].code, "schema.duplicate-attribute");
  EXPECT_EQ(schema.warnings()[0].column, 21u);
}

// ---- JSON ---------------------------------------------------------------------------------

constexpr std::string_view kPhotoJson = R"({
  "PhotoFlash": {
    "annotations": { "doc": "photos" },
    "commonTypes": {
      "Ctx": { "type": "Record", "attributes": {
        "authenticated": { "type": "Boolean" },
        "ip": { "type": "Extension", "name": "ipaddr", "required": false } } }
    },
    "entityTypes": {
      "User": {
        "memberOfTypes": ["UserGroup"],
        "annotations": { "doc": null },
        "shape": { "type": "Record", "attributes": {
          "name": { "type": "String", "annotations": { "doc": "full name" } },
          "level": { "type": "Long" },
          "boss": { "type": "Entity", "name": "User", "required": false },
          "groups": { "type": "Set", "element": { "type": "EntityOrCommon", "name": "UserGroup" } }
        } },
        "tags": { "type": "Set", "element": { "type": "String" } }
      },
      "UserGroup": {},
      "Color": { "enum": ["red", "green"] }
    },
    "actions": {
      "all": {},
      "view": {
        "memberOf": [{ "id": "all" }, { "type": "PhotoFlash::Action", "id": "all" }],
        "appliesTo": { "principalTypes": ["User"], "resourceTypes": ["UserGroup"],
                       "context": { "type": "Ctx" } }
      },
      "none": { "appliesTo": null, "memberOf": null }
    }
  }
})";

constexpr std::string_view kPhotoText = R"(
  @doc("photos")
  namespace PhotoFlash {
    type Ctx = { authenticated: Bool, ip?: ipaddr };
    @doc
    entity User in [UserGroup] {
      @doc("full name") name: String, level: Long, boss?: User, groups: Set<UserGroup>
    } tags Set<String>;
    entity UserGroup;
    entity Color enum ["red", "green"];
    action all;
    action view in [all, PhotoFlash::Action::"all"]
      appliesTo { principal: User, resource: UserGroup, context: Ctx };
    action none;
  })";

TEST(CedarSchemaJsonTest, SameModelAsTheCedarSyntax) {
  const Schema json = parse_json_ok(kPhotoJson);
  const Schema text = parse_ok(kPhotoText);
  EXPECT_EQ(json, text);
  EXPECT_EQ(json.find_entity_type("PhotoFlash::User")->annotations, (Annotations{{"doc", ""}}));
  EXPECT_EQ(json.context_type(ActionUid{"PhotoFlash::Action", "view"})->common_type_name(),
            "PhotoFlash::Ctx");
  // Differences must show: drop one attribute.
  std::string changed(kPhotoText);
  changed.replace(changed.find("level: Long, "), 13, "");
  EXPECT_FALSE(json == parse_ok(changed));
}

TEST(CedarSchemaJsonTest, BoolIsACommonTypeReferenceInJson) {
  // {"type": "Bool"} names the common type `Bool`, the alias of `__cedar::Bool`.
  const Schema schema = parse_json_ok(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record",
      "attributes": {"a": {"type": "Bool"}, "b": {"type": "__cedar::Long"},
                     "c": {"type": "EntityOrCommon", "name": "decimal"}}}}}, "actions": {}}})");
  EXPECT_EQ(attr_type(schema, "A", "a"), SchemaType::boolean());
  EXPECT_EQ(attr_type(schema, "A", "b"), SchemaType::long_type());
  EXPECT_EQ(attr_type(schema, "A", "c"), SchemaType::extension(ExtensionType::kDecimal));
  EXPECT_EQ(json_error(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record",
      "attributes": {"a": {"type": "Entity", "name": "Bool"}}}}}, "actions": {}}})")
                .code,
            "schema.undefined-entity-type");
}

TEST(CedarSchemaJsonTest, FormatErrorsWithPositions) {
  const Diagnostic unknown = json_error(
      "{\"\": {\"entityTypes\": {\"A\": {\"shape\": {\"type\": \"Record\", \"attributes\": {\n"
      "  \"f\": {\"type\": \"Long\", \"requiredd\": true}}}}}, \"actions\": {}}}");
  EXPECT_EQ(unknown.code, "schema.json.unknown-field");
  EXPECT_EQ(unknown.line, 2u);
  EXPECT_EQ(unknown.column, 25u);

  const Diagnostic duplicate =
      json_error("{\"N\": {\"entityTypes\": {\"A\": {},\n \"A\": {}}, \"actions\": {}}}");
  EXPECT_EQ(duplicate.code, "schema.json.duplicate-key");
  EXPECT_EQ(duplicate.line, 2u);
  EXPECT_EQ(duplicate.column, 2u);
  EXPECT_EQ(json_error(R"({"N": {"entityTypes": {"\u0041": {}, "A": {}}, "actions": {}}})").code,
            "schema.json.duplicate-key");

  struct Case {
    const char* json;
    const char* code;
  };
  const Case cases[] = {
      {R"([])", "schema.json.expected-object"},
      {R"({"N": {"actions": {}}})", "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {}}})", "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {}, "actions": {}, "extra": 1}})", "schema.json.unknown-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Entity"}}}, "actions": {}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"attributes": {}}}}, "actions": {}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Set"}}}, "actions": {}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Record"}}}, "actions": {}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Long", "element": {}}}}, "actions": {}}})",
       "schema.json.unknown-field"},
      {R"({"N": {"entityTypes": {"A": {"tags": {"type": "Set", "element": {"type": "Long",
          "required": true}}}}, "actions": {}}})",
       "schema.json.unknown-field"},
      {R"({"N": {"entityTypes": {"A": {"enum": ["a"], "shape": {"type": "Record",
          "attributes": {}}}}, "actions": {}}})",
       "schema.json.unexpected-field"},
      {R"({"N": {"entityTypes": {"A": {"enum": []}}, "actions": {}}})", "schema.json.empty-enum"},
      {R"({"N": {"entityTypes": {"A": {"memberOfTypes": null}}, "actions": {}}})",
       "schema.json.expected-array"},
      {R"({"N": {"entityTypes": {"if": {}}, "actions": {}}})", "schema.json.invalid-name"},
      {R"({"N ": {"entityTypes": {}, "actions": {}}})", "schema.json.invalid-name"},
      {R"({"N": {"entityTypes": {"A": {"memberOfTypes": ["B C"]}}, "actions": {}}})",
       "schema.json.invalid-name"},
      {R"({"": {"entityTypes": {}, "actions": {}, "annotations": {"a": "b"}}})",
       "schema.json.empty-namespace-annotations"},
      {R"({"N": {"entityTypes": {}, "actions": {"a": {"appliesTo": {"principalTypes": []}}}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {}, "actions": {"a": {"memberOf": [{"type": "Action"}]}}}})",
       "schema.json.missing-field"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {},
          "additionalAttributes": "no"}}}, "actions": {}}})",
       "schema.json.expected-boolean"},
      {R"({"N": {"entityTypes": {"A": {"annotations": {"a": 1}}}, "actions": {}}})",
       "schema.json.expected-string"},
      {R"({"N": {"entityTypes": {}, "actions": {}} )", "schema.json.syntax"},
  };
  for (const Case& c : cases) EXPECT_EQ(json_error(c.json).code, c.code) << c.json;
}

TEST(CedarSchemaJsonTest, SemanticErrors) {
  struct Case {
    const char* json;
    const char* code;
  };
  const Case cases[] = {
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {},
          "additionalAttributes": true}}}, "actions": {}}})",
       "schema.unsupported.additional-attributes"},
      {R"({"N": {"entityTypes": {}, "actions": {"a": {"attributes": {}}}}})",
       "schema.unsupported.action-attributes"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Extension", "name": "ipv4"}}},
          "actions": {}}})",
       "schema.unknown-extension-type"},
      {R"({"N": {"entityTypes": {"A": {"shape": {"type": "Long"}}}, "actions": {}}})",
       "schema.not-a-record"},
      {R"({"N": {"commonTypes": {"Set": {"type": "Long"}}, "entityTypes": {}, "actions": {}}})",
       "schema.reserved-common-type-name"},
      {R"({"__cedar": {"entityTypes": {}, "actions": {}}})", "schema.reserved-name"},
      {R"({"N": {"entityTypes": {"Action": {}}, "actions": {}}})", "schema.action-entity-type"},
      {R"({"N": {"entityTypes": {}, "actions": {"a": {"memberOf": [{"id": "b"}]}}}})",
       "schema.undefined-action"},
      {R"({"N": {"entityTypes": {}, "actions": {"a": {"memberOf": [{"id": "a",
          "type": "Action"}]}}}})",
       "schema.action-cycle"},
      {R"({"N": {"commonTypes": {"T": {"type": "T"}}, "entityTypes": {}, "actions": {}}})",
       "schema.common-type-cycle"},
  };
  for (const Case& c : cases) EXPECT_EQ(json_error(c.json).code, c.code) << c.json;
  // An unused common type still gets its types checked, as in Cedar.
  EXPECT_EQ(json_error(R"({"N": {"commonTypes": {"T": {"type": "Extension", "name": "x"}},
                          "entityTypes": {}, "actions": {}}})")
                .code,
            "schema.unknown-extension-type");
}

TEST(CedarSchemaJsonTest, EmptyAppliesToListsMeanNoRequests) {
  const Schema schema = parse_json_ok(R"({"": {"entityTypes": {"A": {}}, "actions": {
      "a": {"appliesTo": {"principalTypes": [], "resourceTypes": ["A"]}}}}})");
  EXPECT_TRUE(schema.find_action("Action", "a")->principal_types.empty());
  EXPECT_FALSE(schema.action_applies(ActionUid{"Action", "a"}, "A", "A"));
}

TEST(CedarSchemaJsonTest, EmptySchemasAndEmbeddedDocuments) {
  EXPECT_TRUE(parse_ok("").entity_types().empty());
  EXPECT_TRUE(parse_ok("  // only a comment\n").entity_types().empty());
  EXPECT_TRUE(parse_json_ok(" {} ").entity_types().empty());
  // A schema inside a larger YAML configuration, loaded by the document model.
  const doc::Document document = ::eksguard::testing::parse_one(
      "schema:\n  App:\n    entityTypes:\n      User: {}\n    actions:\n      view:\n"
      "        appliesTo: {principalTypes: [User], resourceTypes: [User]}\n");
  auto schema = json_schema_from_node(*document.root()->get("schema"), "config.yaml");
  ASSERT_TRUE(schema.has_value()) << render_all(schema.error(), "");
  EXPECT_TRUE(schema->action_applies(ActionUid{"App::Action", "view"}, "App::User", "App::User"));
}

// ---- The model ----------------------------------------------------------------------------

TEST(CedarSchemaModelTest, AssembleValidatesParts) {
  auto assemble_error = [](SchemaParts parts) {
    auto schema = Schema::assemble(std::move(parts));
    EXPECT_FALSE(schema.has_value());
    return schema ? std::string() : schema.error().front().code;
  };
  auto entity = [](std::string name, std::vector<std::string> parents = {}) {
    EntityTypeDef def;
    def.name = std::move(name);
    def.member_of_types = std::move(parents);
    return def;
  };
  SchemaParts parts;
  parts.entity_types = {entity("A"), entity("A")};
  EXPECT_EQ(assemble_error(parts), "schema.duplicate-declaration");
  parts.entity_types = {entity("A", {"Missing"})};
  EXPECT_EQ(assemble_error(parts), "schema.undefined-type");
  parts.entity_types = {entity("A")};
  parts.entity_types[0].shape = SchemaType::long_type();
  EXPECT_EQ(assemble_error(parts), "schema.not-a-record");
  parts.entity_types = {entity("A")};
  parts.entity_types[0].tags = SchemaType::set_of(SchemaType::entity("Missing"));
  EXPECT_EQ(assemble_error(parts), "schema.undefined-type");

  ActionDef a;
  a.uid = ActionUid{"Action", "a"};
  a.member_of = {ActionUid{"Action", "b"}};
  ActionDef b;
  b.uid = ActionUid{"Action", "b"};
  b.member_of = {ActionUid{"Action", "a"}};
  parts = SchemaParts{};
  parts.actions = {a, b};
  EXPECT_EQ(assemble_error(parts), "schema.action-cycle");
  parts.actions = {a};
  EXPECT_EQ(assemble_error(parts), "schema.undefined-action");

  // Valid parts: references sorted and deduplicated, closures computed.
  b.member_of.clear();
  a.principal_types = {"A", "A"};
  a.resource_types = {"A"};
  parts = SchemaParts{};
  parts.entity_types = {entity("B", {"A", "A"}), entity("A")};
  parts.actions = {a, b};
  auto schema = Schema::assemble(parts);
  ASSERT_TRUE(schema.has_value()) << render_all(schema.error(), "");
  EXPECT_EQ(schema->entity_types()[0].name, "A");
  EXPECT_EQ(schema->find_entity_type("B")->member_of_types, std::vector<std::string>{"A"});
  EXPECT_EQ(schema->find_entity_type("A")->descendants, std::vector<std::string>{"B"});
  EXPECT_EQ(schema->find_action(a.uid)->principal_types, std::vector<std::string>{"A"});
  EXPECT_TRUE(schema->action_in(a.uid, b.uid));
  EXPECT_EQ(Schema(), Schema());
  EXPECT_FALSE(*schema == Schema());
}

TEST(CedarSchemaModelTest, RecordsKeepTheLastOfRepeatedAttributes) {
  const SchemaType record =
      SchemaType::record({AttributeDef{"b", SchemaType::long_type(), true, {}},
                          AttributeDef{"a", SchemaType::boolean(), true, {}},
                          AttributeDef{"b", SchemaType::string_type(), false, {}}});
  ASSERT_EQ(record.attributes().size(), 2u);
  EXPECT_EQ(record.find_attribute("b")->type, SchemaType::string_type());
  EXPECT_FALSE(record.find_attribute("b")->required);
  EXPECT_EQ(record.depth(), 1u);
  EXPECT_EQ(record.element(), record);  // element() of a non-set is the type itself
  EXPECT_EQ(SchemaType::set_of(record).element(), record);
  EXPECT_FALSE(SchemaType::set_of(record) == record);
}

// ---- Printing -----------------------------------------------------------------------------

TEST(CedarSchemaPrinterTest, RoundTripsThroughTheCedarSyntax) {
  for (std::string_view text : {kPhotoText, std::string_view(R"(
          entity Long; type T = { a: Long, b: __cedar::Long, c: Set<T2> }; type T2 = String;
          namespace N { entity String { s: __cedar::String, t: T, u: N::String }; type S = N::String;
            action "a\"b" in [Action::"c"] appliesTo { principal: String, resource: [String, Long],
              context: { x: S } }; action c; }
          namespace M { action d in [N::Action::"c"]; })")}) {
    const Schema schema = parse_ok(text);
    auto printed = to_cedar_text(schema);
    ASSERT_TRUE(printed.has_value()) << printed.error().message;
    const Schema again = parse_ok(*printed);
    EXPECT_EQ(again, schema) << *printed;
    EXPECT_EQ(to_cedar_text(again)->size(), printed->size());
  }
}

TEST(CedarSchemaPrinterTest, LayoutFollowsCedar) {
  const Schema schema = parse_ok(R"(namespace N { @doc("u") entity U in [G] { a?: Long };
      entity G; action r appliesTo { principal: U, resource: G }; })");
  EXPECT_EQ(*to_cedar_text(schema), R"(namespace N {
  entity G;
  @doc("u")
  entity U in [G] = {
    "a"?: Long
  };
  action "r" appliesTo {
    principal: [U],
    resource: [G],
    context: {}
  };
}
)");
}

// ---- Limits and hostile input --------------------------------------------------------------

TEST(CedarSchemaLimitsTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "type T = ";
  for (int i = 0; i < 5000; ++i) deep += "Set<";
  deep += "Long";
  for (int i = 0; i < 5000; ++i) deep += ">";
  EXPECT_EQ(text_error(deep + ";").code, "schema.limit.nesting");

  std::string json = R"({"": {"commonTypes": {"T": )";
  for (int i = 0; i < 300; ++i) json += R"({"type": "Set", "element": )";
  json += R"({"type": "Long"})";
  for (int i = 0; i < 300; ++i) json += "}";
  json += R"(}, "entityTypes": {}, "actions": {}}})";
  const Diagnostic error = json_error(json);
  EXPECT_TRUE(error.code == "schema.limit.nesting" || error.code == "schema.json.syntax")
      << error.code;
}

TEST(CedarSchemaLimitsTest, CommonTypeChainsAndDagsStayBounded) {
  // Each type nests only once as written, but 2000 of them chained nest 2000 deep.
  std::string chain;
  for (int i = 0; i < 2000; ++i) {
    chain += "type T" + std::to_string(i) + " = Set<T" + std::to_string(i + 1) + ">;\n";
  }
  chain += "type T2000 = Long;";
  EXPECT_EQ(text_error(chain).code, "schema.limit.type-depth");

  // Doubling at every level: 2^60 nodes when expanded, but inlining shares them.
  std::string dag;
  for (int i = 0; i < 60; ++i) {
    const std::string next = "T" + std::to_string(i + 1);
    dag += "type T" + std::to_string(i) + " = { a: " + next + ", b: " + next + " };\n";
  }
  dag += "type T60 = Long; entity E { t: T0 };";
  const auto start = std::chrono::steady_clock::now();
  const Schema schema = parse_ok(dag);
  EXPECT_EQ(schema.attribute("E", "t")->type.depth(), 60u);
  EXPECT_EQ(parse_ok(dag), schema);  // two separate builds: equality must not expand either
  EXPECT_EQ(schema.attribute("E", "t")->type.to_string(), R"({"a": T1, "b": T1})");
  const Diagnostic error =
      text_error(dag +
                 "type S = Set<T0>; action a appliesTo { principal: E, resource: E, "
                 "context: S };");
  EXPECT_EQ(error.message,
            "the context of action Action::\"a\" must be a record type, not "
            "`Set<T0>`");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(CedarSchemaLimitsTest, SizeAndDeclarationCounts) {
  SchemaLimits limits;
  limits.max_input_bytes = 10;
  EXPECT_EQ(first_error(parse_cedar_schema("entity Abcdef;", "f", limits)).code,
            "schema.limit.size");
  limits = SchemaLimits{};
  limits.max_declarations = 2;
  EXPECT_EQ(first_error(parse_cedar_schema("entity A, B, C;", "f", limits)).code,
            "schema.limit.declarations");
  limits = SchemaLimits{};
  limits.max_closure_size = 10;
  std::string chain = "entity E0;";
  for (int i = 1; i < 10; ++i) {
    chain += "entity E" + std::to_string(i) + " in [E" + std::to_string(i - 1) + "];";
  }
  EXPECT_EQ(first_error(parse_cedar_schema(chain, "f", limits)).code, "schema.limit.hierarchy");
}

TEST(CedarSchemaLimitsTest, InvalidUtf8AndRandomBytesNeverCrash) {
  const Diagnostic utf8 = text_error("entity A;\nentity \xFF;");
  EXPECT_EQ(utf8.code, "schema.parse.invalid-utf8");
  EXPECT_EQ(utf8.line, 2u);
  EXPECT_EQ(utf8.column, 8u);

  const std::string alphabet =
      "entity action type namespace in appliesTo principal resource "
      "context Set< > { } [ ] , ; : :: = ? @ ( ) \" \\ A B enum tags";
  std::mt19937 random(12345);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int length = static_cast<int>(random() % 60);
    for (int j = 0; j < length; ++j) text += alphabet[random() % alphabet.size()];
    auto cedar = parse_cedar_schema(text);
    auto json = parse_json_schema("{\"N\":" + text + "}");
    if (!cedar) {
      EXPECT_FALSE(cedar.error().empty()) << text;
    }
    if (!json) {
      EXPECT_FALSE(json.error().empty()) << text;
    }
  }
}

// ---- Diagnostics --------------------------------------------------------------------------

TEST(CedarSchemaDiagnosticTest, RendersACaretUnderTheRange) {
  const std::string text = "namespace N {\n\tentity A { b: Missing };\n}";
  const Diagnostic error = text_error(text);
  EXPECT_EQ(error.render_with_snippet(text),
            "test.cedarschema:2:16: error: failed to resolve type `Missing`: neither "
            "`N::Missing` nor `Missing` has been declared as a common or entity type "
            "[schema.undefined-type]\n"
            " 2 | \tentity A { b: Missing };\n"
            "   | \t              ^~~~~~~");
  Diagnostic no_position{"x.y", Severity::kWarning, "careful", "", 0, 0, 0};
  EXPECT_EQ(no_position.render_with_snippet(text), "warning: careful [x.y]");
}

// ---- Conformance with schemas Cedar wrote ---------------------------------------------------

TEST(CedarSchemaConformanceTest, SampleDataSchemas) {
  fs::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar/sample-data", dir);
  size_t parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".cedarschema") continue;
    const std::string text = read_file(entry.path());
    auto schema = parse_cedar_schema(text, entry.path().string());
    ASSERT_TRUE(schema.has_value()) << render_all(schema.error(), text);
    EXPECT_NE(schema->find_entity_type("User"), nullptr) << entry.path();
    EXPECT_NE(schema->find_action("Action", "view"), nullptr) << entry.path();
    ++parsed;
  }
  EXPECT_EQ(parsed, 3u);
}

// The prototype's JSON form of k8s-full refers to one common type as an entity type
// (`{"type": "Entity", "name": "APIResource"}` in meta::v1::APIResourceList), which Cedar 4
// rejects: `Entity` references resolve to entity types only. With that one reference written
// as Cedar means it, both syntaxes give the same model.
std::string fix_prototype_json(std::string json) {
  const size_t name = json.find(R"("name": "APIResource")");
  if (name == std::string::npos) return json;
  const size_t entity = json.rfind(R"("Entity")", name);
  return json.replace(entity, 8, R"("EntityOrCommon")");
}

TEST(CedarSchemaConformanceTest, KubernetesSchemasAgreeInBothSyntaxes) {
  fs::path dir;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar-k8s/cedarschema", dir);
  for (const char* name : {"k8s-authorization", "k8s-full"}) {
    const std::string text = read_file(dir / (std::string(name) + ".cedarschema"));
    const std::string json = read_file(dir / (std::string(name) + ".cedarschema.json"));
    auto from_text = parse_cedar_schema(text, name);
    auto from_json = parse_json_schema(fix_prototype_json(json), name);
    ASSERT_TRUE(from_text.has_value()) << render_all(from_text.error(), text);
    ASSERT_TRUE(from_json.has_value()) << render_all(from_json.error(), json);
    EXPECT_EQ(*from_text, *from_json) << name;
    EXPECT_TRUE(
        from_text->action_applies(ActionUid{"k8s::Action", "get"}, "k8s::User", "k8s::Resource"))
        << name;
    EXPECT_TRUE(from_text->entity_type_in("k8s::ServiceAccount", "k8s::Group")) << name;
    const AttributeDef* extra = from_text->attribute("k8s::User", "extra");
    ASSERT_NE(extra, nullptr) << name;
    EXPECT_FALSE(extra->required);
    EXPECT_EQ(extra->type.element().common_type_name(), "k8s::ExtraAttribute");
    auto printed = to_cedar_text(*from_text);
    ASSERT_TRUE(printed.has_value()) << name;
    EXPECT_EQ(parse_ok(*printed), *from_text) << name;
  }
  const std::string full = read_file(dir / "k8s-full.cedarschema.json");
  const Diagnostic error = first_error(parse_json_schema(full, "k8s-full.cedarschema.json"));
  EXPECT_EQ(error.code, "schema.undefined-entity-type");
  EXPECT_EQ(error.line, 10358u);
  EXPECT_EQ(error.column, 16u);
  const auto schema = parse_cedar_schema(read_file(dir / "k8s-full.cedarschema"));
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->namespaces().size(), 24u);
  EXPECT_TRUE(schema->action_in(ActionUid{"k8s::admission::Action", "create"},
                                ActionUid{"k8s::admission::Action", "all"}));
}

// The corpus of cedar-integration-tests: 7,809 schemas written by Cedar's own printer.
TEST(CedarSchemaConformanceTest, EveryCorpusSchemaParses) {
  fs::path tarball;
  EKSGUARD_REQUIRE_SHARED("conformance/cedar/corpus-tests.tar.gz", tarball);
  if (std::system("tar --version > /dev/null 2>&1") != 0) {
    if (::eksguard::testing::running_in_ci()) FAIL() << "`tar` is needed to unpack the corpus";
    GTEST_SKIP() << "`tar` is not installed; cannot unpack the corpus";
  }
  const ::eksguard::testing::TempDir temp("eksguard-cedar-corpus");
  const fs::path& dir = temp.path();
  ASSERT_FALSE(dir.empty());
  ASSERT_EQ(::eksguard::testing::extract_cedar_corpus(tarball, dir, "--wildcards '*.cedarschema'"),
            0);

  size_t parsed = 0;
  size_t round_tripped = 0;
  std::vector<std::string> failures;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".cedarschema") continue;
    const std::string text = read_file(entry.path());
    auto schema = parse_cedar_schema(text, entry.path().filename().string());
    if (!schema) {
      if (failures.size() < 5) failures.push_back(render_all(schema.error(), text));
      continue;
    }
    ++parsed;
    auto printed = to_cedar_text(*schema);
    auto again = printed ? parse_cedar_schema(*printed) : Result<Schema, Diagnostics>(Schema());
    if (printed && again && *again == *schema) ++round_tripped;
  }
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  EXPECT_EQ(parsed, 7809u);
  EXPECT_EQ(round_tripped, parsed);
  std::cout << "[ corpus   ] " << parsed << " Cedar schemas parsed, " << round_tripped
            << " printed and parsed back to the same model\n";
}

}  // namespace
}  // namespace eksguard::cedar
