// Schema fragments: namespaces merged across fragments and syntaxes, names resolved across
// fragments, duplicates and parse errors named by file, line and column.
#include "cedar/schema/fragments.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cedar/schema/cedar_schema_parser.h"

namespace eksguard::cedar {
namespace {

std::string render(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.render() + "\n";
  return out;
}

constexpr std::string_view kBase = R"(namespace App {
  type Name = { "first": String, "last": String };
  entity User = { "name": Name };
  action "view" appliesTo { principal: User, resource: User };
}
)";

TEST(SchemaFragments, DetectsTheSyntax) {
  EXPECT_EQ(detect_schema_syntax("  \n{\"\": {}}"), SchemaSyntax::kJson);
  EXPECT_EQ(detect_schema_syntax("namespace A {}"), SchemaSyntax::kCedar);
  EXPECT_EQ(detect_schema_syntax(""), SchemaSyntax::kCedar);
}

TEST(SchemaFragments, MergesANamespaceAcrossFragmentsAndSyntaxes) {
  constexpr std::string_view kMore = R"(namespace App {
  entity Photo in [Album] = { "owner": User, "title": Name };
  action "edit" in ["view"] appliesTo { principal: User, resource: Photo };
}
namespace Other { entity Album; }
)";
  // JSON, and it declares an entity the Cedar fragments use (Album is referenced unqualified
  // from App, so it must be App::Album).
  constexpr std::string_view kJson = R"({"App": {"entityTypes": {"Album": {}}, "actions": {}}})";
  const std::vector<SchemaFragment> fragments = {{"base.cedarschema", kBase, SchemaSyntax::kCedar},
                                                 {"more.cedarschema", kMore, SchemaSyntax::kCedar},
                                                 {"album.json", kJson, SchemaSyntax::kJson}};
  auto schema = parse_schema_fragments(fragments);
  ASSERT_TRUE(schema) << render(schema.error());
  const EntityTypeDef* photo = schema->find_entity_type("App::Photo");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->member_of_types, std::vector<std::string>{"App::Album"});
  // The common type of the first fragment resolves in the second.
  const AttributeDef* title = schema->attribute("App::Photo", "title");
  ASSERT_NE(title, nullptr);
  EXPECT_TRUE(title->type.is_record());
  EXPECT_NE(schema->find_entity_type("Other::Album"), nullptr);
  const ActionDef* edit = schema->find_action("App::Action", "edit");
  ASSERT_NE(edit, nullptr);
  EXPECT_TRUE(schema->action_in(edit->uid, ActionUid{"App::Action", "view"}));

  // The same declarations in one text give the same schema.
  const std::string one =
      std::string(kBase) + std::string(kMore) + "namespace App { entity Album; }\n";
  auto single = parse_cedar_schema(one);
  // One text cannot repeat a namespace; so compare with the namespaces written once each.
  ASSERT_FALSE(single);
  EXPECT_EQ(single.error().front().code, "schema.duplicate-namespace");
}

TEST(SchemaFragments, ADuplicateDeclarationNamesTheSecondFile) {
  constexpr std::string_view kAgain = R"(// again
namespace App {
  entity User;
}
)";
  const std::vector<SchemaFragment> fragments = {
      {"base.cedarschema", kBase, SchemaSyntax::kCedar},
      {"again.cedarschema", kAgain, SchemaSyntax::kCedar}};
  auto schema = parse_schema_fragments(fragments);
  ASSERT_FALSE(schema);
  ASSERT_EQ(schema.error().size(), 1U) << render(schema.error());
  const Diagnostic& d = schema.error().front();
  EXPECT_EQ(d.code, "schema.duplicate-declaration");
  EXPECT_EQ(d.file, "again.cedarschema");
  EXPECT_EQ(d.line, 3U);
  EXPECT_EQ(d.column, 10U);

  // Duplicate actions and common types across fragments too.
  constexpr std::string_view kActions = R"(namespace App { action "view"; type Name = String; })";
  const std::vector<SchemaFragment> more = {
      {"base.cedarschema", kBase, SchemaSyntax::kCedar},
      {"actions.cedarschema", kActions, SchemaSyntax::kCedar}};
  auto twice = parse_schema_fragments(more);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().size(), 2U) << render(twice.error());
  for (const Diagnostic& error : twice.error()) {
    EXPECT_EQ(error.file, "actions.cedarschema");
    EXPECT_EQ(error.code, "schema.duplicate-declaration");
  }
}

TEST(SchemaFragments, ErrorsNameTheirFragment) {
  // A reference another fragment does not declare: the error is at the reference.
  constexpr std::string_view kDangling =
      "namespace App {\n  entity Photo = { \"a\": Missing };\n}\n";
  const std::vector<SchemaFragment> dangling = {
      {"base.cedarschema", kBase, SchemaSyntax::kCedar},
      {"photo.cedarschema", kDangling, SchemaSyntax::kCedar}};
  auto schema = parse_schema_fragments(dangling);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().front().file, "photo.cedarschema");
  EXPECT_EQ(schema.error().front().line, 2U);
  EXPECT_EQ(schema.error().front().code, "schema.undefined-type");

  // Syntax errors of every fragment are reported, each with its file.
  const std::vector<SchemaFragment> broken = {
      {"a.cedarschema", "namespace A { entity }", SchemaSyntax::kCedar},
      {"b.json", "{\"B\": {\"entityTypes\": 3}}", SchemaSyntax::kJson},
      {"c.cedarschema", kBase, SchemaSyntax::kCedar}};
  auto parsed = parse_schema_fragments(broken);
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 2U) << render(parsed.error());
  EXPECT_EQ(parsed.error()[0].file, "a.cedarschema");
  EXPECT_EQ(parsed.error()[1].file, "b.json");
  EXPECT_EQ(parsed.error()[1].line, 1U);
}

TEST(SchemaFragments, ANamespaceRepeatedInsideOneFragmentIsStillAnError) {
  const std::vector<SchemaFragment> fragments = {
      {"base.cedarschema", kBase, SchemaSyntax::kCedar},
      {"twice.cedarschema", "namespace App { entity A; }\nnamespace App { entity B; }\n",
       SchemaSyntax::kCedar}};
  auto schema = parse_schema_fragments(fragments);
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().front().code, "schema.duplicate-namespace");
  EXPECT_EQ(schema.error().front().file, "twice.cedarschema");
  EXPECT_EQ(schema.error().front().line, 2U);
}

TEST(SchemaFragments, OneFragmentIsTheSchemaOfItsText) {
  const std::vector<SchemaFragment> fragments = {{"base.cedarschema", kBase, SchemaSyntax::kCedar}};
  auto merged = parse_schema_fragments(fragments);
  auto single = parse_cedar_schema(kBase, "base.cedarschema");
  ASSERT_TRUE(merged);
  ASSERT_TRUE(single);
  EXPECT_TRUE(*merged == *single);
}

}  // namespace
}  // namespace eksguard::cedar
