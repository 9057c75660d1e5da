// A strict little XML reader for the JUnit tests: elements, attributes, text and the XML
// declaration, nothing else (no DTD, comments, CDATA). It rejects anything that is not
// well-formed XML 1.0 (unbalanced or misnamed tags, raw '<' or bad entities, characters
// XML 1.0 forbids, ill-formed UTF-8) and decodes entities, so tests can compare values. It
// also rejects raw tabs and newlines in attribute values, which parsers would turn into spaces.
#pragma once

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/utf8.h"

namespace eksguard::report::testing {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // concatenated character data directly inside this element
  std::vector<XmlElement> children;

  const std::string* attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string attr(std::string_view key) const {
    const std::string* value = attribute(key);
    return value != nullptr ? *value : std::string();
  }
  std::vector<const XmlElement*> all(std::string_view child_name) const {
    std::vector<const XmlElement*> found;
    for (const XmlElement& child : children) {
      if (child.name == child_name) found.push_back(&child);
    }
    return found;
  }
  const XmlElement* first(std::string_view child_name) const {
    for (const XmlElement& child : children) {
      if (child.name == child_name) return &child;
    }
    return nullptr;
  }
};

class XmlReader {
 public:
  explicit XmlReader(std::string_view text) : text_(text) {}

  std::optional<XmlElement> document() {
    if (!valid_characters()) return std::nullopt;
    constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    if (!text_.starts_with(kDeclaration)) return fail("missing XML declaration");
    pos_ = kDeclaration.size();
    skip_space();
    std::optional<XmlElement> root = element();
    if (!root) return std::nullopt;
    skip_space();
    if (pos_ != text_.size()) return fail("content after the root element");
    return root;
  }
  const std::string& error() const { return error_; }

 private:
  std::nullopt_t fail(std::string message) {
    if (error_.empty()) error_ = message + " at byte " + std::to_string(pos_);
    return std::nullopt;
  }

  bool valid_characters() {
    for (size_t i = 0; i < text_.size();) {
      const Utf8Char c = decode_utf8(text_.data() + i, text_.size() - i);
      const bool allowed = c.valid &&
                           (c.code_point >= 0x20 || c.code_point == 0x9 || c.code_point == 0xA ||
                            c.code_point == 0xD) &&
                           c.code_point != 0xFFFE && c.code_point != 0xFFFF;
      if (!allowed) {
        pos_ = i;
        fail("character not allowed in XML 1.0");
        return false;
      }
      i += c.length;
    }
    return true;
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::optional<std::string> name() {
    const size_t start = pos_;
    auto name_char = [](char c, bool first) {
      const auto b = static_cast<unsigned char>(c);
      return std::isalpha(b) || c == '_' || c == ':' ||
             (!first && (std::isdigit(b) || c == '-' || c == '.'));
    };
    while (pos_ < text_.size() && name_char(text_[pos_], pos_ == start)) ++pos_;
    if (pos_ == start) return fail("expected a name");
    return std::string(text_.substr(start, pos_ - start));
  }

  // Decodes the entity at pos_ ('&') into out.
  bool entity(std::string& out) {
    const size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos) return fail("unterminated entity"), false;
    const std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
    if (body == "amp")
      out.push_back('&');
    else if (body == "lt")
      out.push_back('<');
    else if (body == "gt")
      out.push_back('>');
    else if (body == "quot")
      out.push_back('"');
    else if (body == "apos")
      out.push_back('\'');
    else if (body.size() > 1 && body[0] == '#' && numeric_entity(body.substr(1), out)) {
    } else
      return fail("unknown entity &" + std::string(body) + ";"), false;
    pos_ = end + 1;
    return true;
  }

  bool numeric_entity(std::string_view digits, std::string& out) {
    uint32_t value = 0;
    for (char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > 0x10FFFF) return false;
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value != 0x9 && value != 0xA && value != 0xD) return false;  // all the writer may use
    out.push_back(static_cast<char>(value));
    return true;
  }

  std::optional<std::string> attribute_value() {
    if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected '\"'");
    ++pos_;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const char c = text_[pos_];
      if (c == '<') return fail("'<' in an attribute value");
      if (c == '\n' || c == '\t' || c == '\r') return fail("raw whitespace would be normalised");
      if (c == '&') {
        if (!entity(value)) return std::nullopt;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    if (pos_ >= text_.size()) return fail("unterminated attribute value");
    ++pos_;
    return value;
  }

  bool attributes(XmlElement& element) {
    while (true) {
      const size_t before = pos_;
      skip_space();
      if (pos_ >= text_.size()) return fail("unterminated tag"), false;
      if (text_[pos_] == '>' || text_[pos_] == '/') return true;
      if (pos_ == before) return fail("attributes must be separated by space"), false;
      std::optional<std::string> key = name();
      if (!key || pos_ >= text_.size() || text_[pos_] != '=') return fail("expected '='"), false;
      ++pos_;
      std::optional<std::string> value = attribute_value();
      if (!value) return false;
      if (element.attribute(*key) != nullptr) return fail("duplicate attribute " + *key), false;
      element.attributes.emplace_back(std::move(*key), std::move(*value));
    }
  }

  bool content(XmlElement& element) {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '<') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') return true;
        std::optional<XmlElement> child = this->element();
        if (!child) return false;
        element.children.push_back(std::move(*child));
      } else if (c == '&') {
        if (!entity(element.text)) return false;
      } else {
        if (text_.substr(pos_).starts_with("]]>")) return fail("']]>' in text"), false;
        element.text.push_back(c);
        ++pos_;
      }
    }
    return fail("unterminated element " + element.name), false;
  }

  std::optional<XmlElement> element() {
    if (pos_ >= text_.size() || text_[pos_] != '<') return fail("expected '<'");
    ++pos_;
    XmlElement result;
    std::optional<std::string> tag = name();
    if (!tag) return std::nullopt;
    result.name = std::move(*tag);
    if (!attributes(result)) return std::nullopt;
    if (text_[pos_] == '/') {
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '>') return fail("expected '/>'");
      pos_ += 2;
      return result;
    }
    ++pos_;  // '>'
    if (!content(result)) return std::nullopt;
    pos_ += 2;  // "</"
    std::optional<std::string> closing = name();
    if (!closing || *closing != result.name) return fail("mismatched end tag for " + result.name);
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '>') return fail("expected '>'");
    ++pos_;
    return result;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace eksguard::report::testing
