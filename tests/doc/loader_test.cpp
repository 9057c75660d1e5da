#include "doc/loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace eksguard::doc {
namespace {

std::vector<Document> load_ok(std::string_view text) {
  auto documents = load_all(text, "t.yaml");
  EXPECT_TRUE(documents.has_value()) << (documents ? "" : documents.error().message);
  return documents ? std::move(*documents) : std::vector<Document>{};
}

TEST(YamlLoaderTest, KeepsPositionsOfEveryNode) {
  auto docs =
      load_ok("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: app\n    image: nginx\n");
  ASSERT_EQ(docs.size(), 1u);
  const Node* root = docs[0].root();
  ASSERT_TRUE(root->is_mapping());
  const Node* container = root->get("spec")->get("containers")->items()[0];
  EXPECT_EQ(container->position().line, 5u);
  EXPECT_EQ(container->position().column, 5u);
  EXPECT_EQ(container->get("image")->position().line, 6u);
  EXPECT_EQ(container->get("image")->position().column, 12u);
  EXPECT_EQ(container->find_entry("image")->key_position.column, 5u);
}

TEST(YamlLoaderTest, ResolvesScalarTypesAsKubernetes) {
  auto docs =
      load_ok("a: true\nb: yes\nc: \"true\"\nd: 42\ne: ~\nf: 1.5e3\ng: off\nh: '42'\ni: 0x1F\n");
  const Node* r = docs[0].root();
  EXPECT_TRUE(r->get("a")->is_true());
  EXPECT_TRUE(r->get("b")->is_true());
  EXPECT_TRUE(r->get("c")->is_string());
  EXPECT_EQ(r->get("d")->as_int(), 42);
  EXPECT_TRUE(r->get("e")->is_null());
  EXPECT_TRUE(r->get("f")->is_number());
  EXPECT_TRUE(r->get("g")->is_false());
  EXPECT_TRUE(r->get("h")->is_string());
  EXPECT_TRUE(r->get("i")->is_number());
}

TEST(YamlLoaderTest, SplitsMultiDocumentStreamsAndSkipsEmptyOnes) {
  auto docs = load_ok("---\na: 1\n---\n# only a comment\n---\nb: 2\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].root()->get("b")->position().line, 6u);
  EXPECT_EQ(docs[1].index(), 2u);
}

TEST(YamlLoaderTest, MergeKeysAndLastDuplicateWins) {
  auto docs = load_ok("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 4\n  z: 5\n");
  const Node* m = docs[0].root()->get("m");
  EXPECT_EQ(m->get("x")->as_int(), 1);
  EXPECT_EQ(m->get("y")->as_int(), 3);
  EXPECT_EQ(m->get("z")->as_int(), 5);
  EXPECT_EQ(m->size(), 3u);
}

TEST(YamlLoaderTest, RejectsBillionLaughs) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  auto result = load_all(text, "laughs.yaml");
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("billion"), std::string::npos);
  EXPECT_GT(result.error().line, 1u);
}

TEST(YamlLoaderTest, RejectsDeepNesting) {
  std::string text(1000, '[');
  auto result = load_all(text + "\n", "deep.yaml");
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("nesting"), std::string::npos);
}

TEST(YamlLoaderTest, EnforcesDocumentAndInputSizeLimits) {
  Limits limits;
  limits.max_document_bytes = 64;
  std::vector<std::string> keys;
  const std::string big = "big: \"" + std::string(200, 'x') + "\"\n";
  std::vector<Error> errors =
      load_text("small: 1\n---\n" + big + "---\nafter: 2\n", "t.yaml", limits,
                [&](Document& d) { keys.emplace_back(d.root()->entries()[0].key); });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("larger than 64 bytes"), std::string::npos);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(keys, (std::vector<std::string>{"small", "after"}));

  limits.max_input_bytes = 16;
  errors = load_text(big, "t.yaml", limits, [](Document&) {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("input larger than 16 bytes"), std::string::npos);
}

TEST(YamlLoaderTest, ResynchronisesAfterABrokenDocument) {
  std::vector<std::string> names;
  std::vector<Error> errors =
      load_text("a: 1\n---\nb: [unclosed\n---\nc: 3\n", "t.yaml", {},
                [&](Document& d) { names.emplace_back(d.root()->entries()[0].key); });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 4u);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "c"}));
}

TEST(JsonLoaderTest, KeepsPositionsAndTypes) {
  auto docs = load_ok(
      "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"n\": 12345678901234567890, \"b\": true, \"z\": "
      "null}\n}");
  ASSERT_EQ(docs.size(), 1u);
  const Node* r = docs[0].root();
  EXPECT_EQ(r->get("kind")->position().line, 2u);
  EXPECT_EQ(r->get("kind")->position().column, 11u);
  EXPECT_EQ(r->find_entry("spec")->key_position.column, 3u);
  const Node* spec = r->get("spec");
  EXPECT_EQ(spec->get("n")->text(), "12345678901234567890");
  EXPECT_TRUE(spec->get("b")->is_true());
  EXPECT_TRUE(spec->get("z")->is_null());
  EXPECT_EQ(spec->get("b")->position().line, 3u);
}

TEST(JsonLoaderTest, ReportsErrorsWithAPosition) {
  auto result = load_all("{\n  \"a\": 1,\n  \"b\": [1, 2\n}\n", "bad.json");
  ASSERT_FALSE(result.has_value());
  EXPECT_GT(result.error().line, 1u);
}

TEST(JsonLoaderTest, RejectsDeepNesting) {
  std::string text(5000, '[');
  text += std::string(5000, ']');
  auto result = load_all(text, "deep.json");
  ASSERT_FALSE(result.has_value());
}

TEST(JsonLoaderTest, LaterDuplicateKeyWinsAtAnySize) {
  // Small objects are scanned, large ones indexed: both keep one entry with the later value.
  for (const int keys : {3, 40, 100}) {
    std::string text = "{";
    for (int i = 0; i < keys; ++i) text += fmt::format("\"k{}\": {}, ", i, i);
    text += "\"k1\": \"again\"}";
    auto docs = load_ok(text);
    ASSERT_EQ(docs.size(), 1u);
    const Node* root = docs[0].root();
    EXPECT_EQ(root->entries().size(), static_cast<size_t>(keys)) << keys;
    EXPECT_EQ(root->get("k1")->text(), "again") << keys;
  }
}

TEST(JsonLoaderTest, StrictModeRejectsDuplicateKeysWithTheirPosition) {
  Limits strict;
  strict.reject_duplicate_keys = true;
  auto result = load_all("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}", "dup.json", strict);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "invalid JSON: duplicate key `c` in a JSON object");
  EXPECT_EQ(result.error().line, 2u);
  EXPECT_EQ(result.error().column, 16u);
}

TEST(JsonLoaderTest, DecodesEscapes) {
  auto docs = load_ok(R"({"a\u0041": "line\nbreak \u00e9"})");
  EXPECT_EQ(docs[0].root()->get("aA")->text(), "line\nbreak \xc3\xa9");
}

}  // namespace
}  // namespace eksguard::doc

namespace eksguard::doc {
namespace {

TEST(YamlLoaderTest, IntegersReadAsKubernetesDecodesThem) {
  auto docs = load_all(
      "a: 0x50\nb: 0o17\nc: 0b101\nd: 1_000\ne: 0120\nf: -0x10\ng: 8080.0\nh: 0b102\n"
      "i: 9223372036854775808\n");
  ASSERT_TRUE(docs.has_value());
  const Node* r = docs->front().root();
  EXPECT_EQ(r->get("a")->as_int(), 80);
  EXPECT_EQ(r->get("b")->as_int(), 15);
  EXPECT_EQ(r->get("c")->as_int(), 5);
  EXPECT_EQ(r->get("d")->as_int(), 1000);
  EXPECT_EQ(r->get("e")->as_int(), 80);  // YAML 1.1 octal
  EXPECT_EQ(r->get("f")->as_int(), -16);
  EXPECT_EQ(r->get("g")->as_int(), 8080);
  EXPECT_TRUE(r->get("h")->is_string());
  EXPECT_EQ(r->get("i")->as_int(), std::nullopt);  // beyond int64
}

}  // namespace
}  // namespace eksguard::doc
