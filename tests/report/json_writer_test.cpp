#include "report/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>

namespace eksguard::report {
namespace {

std::string json_quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Writes `text` as a one-element array and reads it back through simdjson.
std::string round_trip(std::string_view text) {
  std::string json;
  {
    JsonWriter writer(json);
    writer.begin_array().value(text).end_array();
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
  return std::string(std::string_view(doc.at(0)));
}

TEST(JsonWriterTest, CompactOutputPlacesCommasAndColons) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_object();
  writer.member("a", 1).key("b").begin_array().value(true).value(false).null().end_array();
  writer.key("c").begin_object().end_object();
  writer.key("d").begin_array().end_array();
  writer.member("e", "x").member("f", std::string("y"));
  writer.end_object();
  EXPECT_EQ(json, R"({"a":1,"b":[true,false,null],"c":{},"d":[],"e":"x","f":"y"})");
  EXPECT_EQ(writer.depth(), 0u);
}

TEST(JsonWriterTest, IndentedOutputIsStableAndKeepsEmptyContainersShort) {
  std::string json;
  JsonWriter writer(json, {.indent = 2});
  writer.begin_object().member("a", 1).key("list").begin_array().value("x").begin_object();
  writer.member("k", false).end_object().end_array().key("empty").begin_object().end_object();
  writer.end_object().end_line();
  EXPECT_EQ(json,
            "{\n"
            "  \"a\": 1,\n"
            "  \"list\": [\n"
            "    \"x\",\n"
            "    {\n"
            "      \"k\": false\n"
            "    }\n"
            "  ],\n"
            "  \"empty\": {}\n"
            "}\n");
}

TEST(JsonWriterTest, WritesJsonLinesOneValuePerLine) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_object().member("decision", "allow").end_object().end_line();
  writer.begin_object().member("decision", "deny").end_object().end_line();
  EXPECT_EQ(json, "{\"decision\":\"allow\"}\n{\"decision\":\"deny\"}\n");
}

TEST(JsonWriterTest, WritesIntegersAtTheirLimitsAndDoubles) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_array();
  writer.value(std::numeric_limits<int64_t>::min()).value(std::numeric_limits<uint64_t>::max());
  writer.value(uint32_t{7}).value(int16_t{-3}).value(0.5).value(1e300);
  writer.value(std::numeric_limits<double>::quiet_NaN());
  writer.value(std::numeric_limits<double>::infinity());
  writer.end_array();
  EXPECT_EQ(json, "[-9223372036854775808,18446744073709551615,7,-3,0.5,1e+300,null,null]");
}

TEST(JsonWriterTest, RawValueIsInsertedAsOneValue) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_object().key("object").raw_value(R"({"uid":"1"})").member("n", 2).end_object();
  EXPECT_EQ(json, R"({"object":{"uid":"1"},"n":2})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_quoted("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(json_quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_quoted(std::string_view("\0\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(json_quoted(""), "\"\"");
}

TEST(JsonWriterTest, EveryControlCharacterRoundTrips) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string text = std::string("x") + static_cast<char>(c) + "y";
    EXPECT_EQ(round_trip(text), text) << "control character " << c;
  }
}

TEST(JsonWriterTest, KeepsWellFormedUtf8) {
  const std::string text = "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x92 \xEF\xBF\xBF";
  EXPECT_EQ(json_quoted(text), "\"" + text + "\"");
  EXPECT_EQ(round_trip(text), text);
}

TEST(JsonWriterTest, ReplacesEachMaximalIllFormedSubpartWithOneReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"a\x80z", "a" + r + "z"},                             // lone continuation byte
      {"a\xC3(z", "a" + r + "(z"},                           // lead byte without its continuation
      {"\xC0\xAF", r + r},                                   // overlong '/'
      {"\xE0\x80\xAF", r + r + r},                           // overlong 3-byte form
      {"\xED\xA0\x80", r + r + r},                           // UTF-16 surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},                   // above U+10FFFF
      {"\xF0\x9F\x94", r},                                   // truncated 4-byte sequence at the end
      {"\xE2\x82z", r + "z"},                                // truncated 3-byte sequence
      {"\xFF\xFE", r + r},                                   // bytes that never appear in UTF-8
      {"ok\xF0\x9F\x94\x92\x80", "ok\xF0\x9F\x94\x92" + r},  // valid, then a stray byte
  };
  for (const Case& c : cases) {
    EXPECT_EQ(json_quoted(c.input), "\"" + c.expected + "\"") << c.input;
    EXPECT_EQ(round_trip(c.input), c.expected);
  }
}

TEST(JsonWriterTest, EscapesKeysToo) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_object().member("k\"\n\xFF", 1).end_object();
  EXPECT_EQ(json, "{\"k\\\"\\n\xEF\xBF\xBD\":1}");
}

TEST(JsonWriterTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 random(20240611);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string text(static_cast<size_t>(length(random)), '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    std::string json;
    {
      JsonWriter writer(json);
      writer.begin_object().member(text, text).end_object();
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(simdjson::padded_string(json)).get(doc), simdjson::SUCCESS) << json;
    ASSERT_TRUE(doc.is_object());
  }
}

TEST(JsonWriterTest, StreamOutputMatchesStringOutputAcrossFlushes) {
  auto write = [](JsonWriter& writer) {
    writer.begin_array();
    for (int i = 0; i < 20000; ++i) {
      writer.begin_object().member("i", i).member("text", "value \"quoted\"\n").end_object();
    }
    writer.end_array();
  };
  std::string expected;
  {
    JsonWriter writer(expected, {.indent = 2});
    write(writer);
  }
  ASSERT_GT(expected.size(), 4 * JsonWriter::kFlushBytes);
  std::ostringstream stream;
  {
    JsonWriter writer(stream, {.indent = 2});
    write(writer);
  }
  EXPECT_EQ(stream.str(), expected);
}

TEST(JsonWriterTest, FlushHandsPendingOutputToTheStream) {
  std::ostringstream stream;
  JsonWriter writer(stream);
  writer.begin_object().member("a", 1).end_object();
  EXPECT_EQ(stream.str(), "");  // still buffered
  writer.flush();
  EXPECT_EQ(stream.str(), R"({"a":1})");
}

}  // namespace
}  // namespace eksguard::report
