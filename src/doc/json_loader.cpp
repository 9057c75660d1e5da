#include "doc/json_loader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace eksguard::doc::internal {
namespace {

namespace od = simdjson::ondemand;

// Turns byte offsets into line/column. Offsets arrive in increasing order during a forward
// walk, so the cursor only ever moves forward: O(input) for the whole document.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  Position at(size_t offset) {
    if (offset < offset_) rewind();
    while (offset_ < offset && offset_ < text_.size()) {
      const void* nl =
          std::memchr(text_.data() + offset_, '\n', std::min(offset, text_.size()) - offset_);
      if (nl == nullptr) {
        offset_ = std::min(offset, text_.size());
        break;
      }
      const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - text_.data());
      ++line_;
      line_start_ = at + 1;
      offset_ = at + 1;
    }
    return Position{line_, static_cast<uint32_t>(offset - line_start_ + 1)};
  }

 private:
  void rewind() {
    offset_ = 0;
    line_ = 1;
    line_start_ = 0;
  }
  std::string_view text_;
  size_t offset_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

class Converter {
 public:
  Converter(std::string_view text, DocumentBuilder& builder, const Limits& limits)
      : text_(text), cursor_(text), builder_(builder), limits_(limits) {}

  const Node* convert(od::value value, size_t depth);
  const Error& error() const { return error_; }
  Position position_of(const char* at) {
    return cursor_.at(static_cast<size_t>(std::max(at, text_.data()) - text_.data()));
  }
  bool fail(std::string message, Position position) {
    if (error_.message.empty()) error_ = Error{std::move(message), position.line, position.column};
    return false;
  }

 private:
  const Node* fail_node(std::string message, Position position) {
    fail(std::move(message), position);
    return nullptr;
  }
  const Node* convert_object(od::object object, Position position, size_t depth);
  static constexpr size_t kNoEntry = SIZE_MAX;
  static size_t find_key(const std::vector<MapEntry>& entries, std::string_view key,
                         std::unordered_map<std::string_view, size_t>& index);
  const Node* convert_array(od::array array, Position position, size_t depth);

  std::string_view text_;
  LineCursor cursor_;
  DocumentBuilder& builder_;
  const Limits& limits_;
  size_t nodes_ = 0;
  Error error_;
};

const Node* Converter::convert(od::value value, size_t depth) {
  const std::string_view token = value.raw_json_token();
  const Position position = position_of(token.data());
  if (++nodes_ > limits_.max_nodes) {
    return fail_node(fmt::format("document has more than {} nodes", limits_.max_nodes), position);
  }
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return fail_node("invalid JSON value", position);
  switch (type) {
    case od::json_type::object: {
      if (depth >= limits_.max_depth) {
        return fail_node(fmt::format("nesting deeper than {} levels", limits_.max_depth), position);
      }
      od::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS)
        return fail_node("invalid JSON object", position);
      return convert_object(object, position, depth + 1);
    }
    case od::json_type::array: {
      if (depth >= limits_.max_depth) {
        return fail_node(fmt::format("nesting deeper than {} levels", limits_.max_depth), position);
      }
      od::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS)
        return fail_node("invalid JSON array", position);
      return convert_array(array, position, depth + 1);
    }
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return fail_node("invalid JSON string (bad escape or UTF-8)", position);
      }
      return builder_.scalar(NodeKind::kString, text, position);
    }
    case od::json_type::number: {
      // Validate the number, keep its spelling (large integers stay exact).
      od::number number;
      if (value.get_number().get(number) != simdjson::SUCCESS)
        return fail_node("invalid JSON number", position);
      size_t end = 0;
      while (end < token.size() && token[end] != ' ' && token[end] != '\t' && token[end] != '\n' &&
             token[end] != '\r' && token[end] != ',' && token[end] != '}' && token[end] != ']') {
        ++end;
      }
      return builder_.scalar(NodeKind::kNumber, token.substr(0, end), position);
    }
    case od::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS)
        return fail_node("invalid JSON literal", position);
      return builder_.scalar(NodeKind::kBool, flag ? "true" : "false", position);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
        return fail_node("invalid JSON literal", position);
      }
      return builder_.null(position);
    }
  }
  return fail_node("invalid JSON value", position);
}

// The index of `key` in `entries`, or kNoEntry. Small objects are scanned; from kIndexFrom
// entries on, `index` (filled lazily) answers.
size_t Converter::find_key(const std::vector<MapEntry>& entries, std::string_view key,
                           std::unordered_map<std::string_view, size_t>& index) {
  constexpr size_t kIndexFrom = 16;
  if (entries.size() < kIndexFrom) {
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].key == key) return i;
    }
    return kNoEntry;
  }
  for (size_t i = index.size(); i < entries.size(); ++i) index.emplace(entries[i].key, i);
  const auto found = index.find(key);
  return found == index.end() ? kNoEntry : found->second;
}

const Node* Converter::convert_object(od::object object, Position position, size_t depth) {
  std::vector<MapEntry> entries;
  std::unordered_map<std::string_view, size_t> index;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS)
      return fail_node("invalid JSON object member", position);
    const char* key_at = field.key().raw();
    const Position key_position = position_of(key_at != nullptr ? key_at - 1 : text_.data());
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return fail_node("invalid JSON object key", key_position);
    }
    const std::string_view stored_key = builder_.intern(key);
    // Looked up before the value is converted, so the first problem in text order is reported.
    const auto earlier = find_key(entries, stored_key, index);
    if (earlier != kNoEntry && limits_.reject_duplicate_keys) {
      fail_node(fmt::format("duplicate key `{}` in a JSON object", key), key_position);
      error_.code = kDuplicateKeyCode;
      return nullptr;
    }
    const Node* value = convert(field.value(), depth);
    if (value == nullptr) return nullptr;
    if (earlier == kNoEntry) {
      entries.push_back(MapEntry{stored_key, key_position, value});
    } else {
      entries[earlier].value = value;  // the later value wins, as in the API server's decoding
    }
  }
  return builder_.mapping(entries, position);
}

const Node* Converter::convert_array(od::array array, Position position, size_t depth) {
  std::vector<const Node*> items;
  for (auto element_result : array) {
    od::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS)
      return fail_node("invalid JSON array element", position);
    const Node* item = convert(element, depth);
    if (item == nullptr) return nullptr;
    items.push_back(item);
  }
  return builder_.sequence(items, position);
}

std::string describe(simdjson::error_code code) {
  return simdjson::error_message(code);
}

}  // namespace

std::vector<Error> load_json_padded(std::string_view text, std::string_view file,
                                    const Limits& limits, const DocumentHandler& on_document) {
  thread_local od::parser parser;
  od::document json;
  if (const auto code =
          parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING)
              .get(json);
      code != simdjson::SUCCESS) {
    return {Error{fmt::format("invalid JSON: {}", describe(code)), 1, 1}};
  }
  Document document{std::string(file), 0};
  DocumentBuilder builder(document, text.size());
  Converter converter(text, builder, limits);
  od::value root;
  if (const auto code = json.get_value().get(root); code != simdjson::SUCCESS) {
    return {Error{fmt::format("invalid JSON: {}", describe(code)), 1, 1}};
  }
  const Node* node = converter.convert(root, 0);
  if (node == nullptr) {
    Error error = converter.error();
    if (error.message.empty())
      error.message = "invalid JSON";
    else
      error.message = "invalid JSON: " + error.message;
    return {error};
  }
  // Anything but the end of input after the top-level value is an error.
  if (const char* at = nullptr; json.current_location().get(at) == simdjson::SUCCESS) {
    const Position position = converter.position_of(at);
    return {Error{"invalid JSON: unexpected content after the top-level value", position.line,
                  position.column}};
  }
  builder.set_root(node);
  on_document(document);
  return {};
}

}  // namespace eksguard::doc::internal
