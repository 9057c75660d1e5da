#include "report/json_writer.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <ostream>

#include "common/utf8.h"

namespace eksguard::report {
namespace {

constexpr uint8_t kObject = 1;
constexpr uint8_t kHasMembers = 2;

// True for bytes a JSON string cannot hold as they are: controls, quote, backslash, and every
// non-ASCII byte (checked for well-formed UTF-8).
constexpr std::array<bool, 256> make_special_table() {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 256; ++c) table[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return table;
}
constexpr std::array<bool, 256> kSpecial = make_special_table();

void append_control_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default:
      break;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(escape, sizeof escape);
}

// Handles the special byte at text[i]; returns the number of bytes consumed.
size_t append_special(std::string& out, std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c == '"' || c == '\\') {
    const char escape[2] = {'\\', static_cast<char>(c)};
    out.append(escape, 2);
    return 1;
  }
  if (c < 0x20) {
    append_control_escape(out, c);
    return 1;
  }
  const Utf8Char decoded = decode_utf8(text.data() + i, text.size() - i);
  if (decoded.valid) {
    out.append(text.data() + i, decoded.length);
  } else {
    out.append(kReplacementCharacter);
  }
  return decoded.length;
}

template <typename T>
void append_number(std::string& out, T number) {
  char digits[32];
  const auto result = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, result.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_escaped_runs(out, text, kSpecial, append_special);
  out.push_back('"');
}

JsonWriter::JsonWriter(std::ostream& out, JsonWriterOptions options)
    : stream_(&out), buffer_(&own_buffer_), indent_(options.indent) {
  own_buffer_.reserve(kFlushBytes + 4096);
}

JsonWriter::JsonWriter(std::string& out, JsonWriterOptions options)
    : buffer_(&out), indent_(options.indent) {}

JsonWriter::~JsonWriter() {
  flush();
}

void JsonWriter::flush() {
  if (stream_ == nullptr || buffer_->empty()) return;
  stream_->write(buffer_->data(), static_cast<std::streamsize>(buffer_->size()));
  buffer_->clear();
}

void JsonWriter::newline_and_indent(size_t depth) {
  static constexpr std::string_view kSpaces = "                                ";
  buffer_->push_back('\n');
  size_t spaces = depth * static_cast<size_t>(indent_);
  while (spaces > 0) {
    const size_t chunk = std::min(spaces, kSpaces.size());
    buffer_->append(kSpaces.data(), chunk);
    spaces -= chunk;
  }
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  assert((stack_.back() & kObject) == 0 && "a value inside an object needs a key first");
  if ((stack_.back() & kHasMembers) != 0) buffer_->push_back(',');
  stack_.back() |= kHasMembers;
  if (indent_ > 0) newline_and_indent(stack_.size());
}

JsonWriter& JsonWriter::key(std::string_view name) {
  assert(!stack_.empty() && (stack_.back() & kObject) != 0 && !after_key_);
  if (stack_.empty()) return *this;
  if ((stack_.back() & kHasMembers) != 0) buffer_->push_back(',');
  stack_.back() |= kHasMembers;
  if (indent_ > 0) newline_and_indent(stack_.size());
  append_json_string(*buffer_, name);
  buffer_->append(indent_ > 0 ? ": " : ":");
  after_key_ = true;
  return *this;
}

void JsonWriter::open(char bracket, bool is_object) {
  before_value();
  buffer_->push_back(bracket);
  stack_.push_back(is_object ? kObject : 0);
}

void JsonWriter::close(char bracket, [[maybe_unused]] bool is_object) {
  assert(!stack_.empty() && ((stack_.back() & kObject) != 0) == is_object && !after_key_);
  if (stack_.empty()) return;
  const bool had_members = (stack_.back() & kHasMembers) != 0;
  stack_.pop_back();
  if (had_members && indent_ > 0) newline_and_indent(stack_.size());
  buffer_->push_back(bracket);
  maybe_flush();
}

JsonWriter& JsonWriter::begin_object() {
  open('{', true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}', true);
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[', false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']', false);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(*buffer_, text);
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  buffer_->append(flag ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();
  before_value();
  append_number(*buffer_, number);
  return *this;
}

JsonWriter& JsonWriter::write_int(int64_t number) {
  before_value();
  append_number(*buffer_, number);
  return *this;
}

JsonWriter& JsonWriter::write_uint(uint64_t number) {
  before_value();
  append_number(*buffer_, number);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  buffer_->append("null");
  return *this;
}

JsonWriter& JsonWriter::raw_value(std::string_view json) {
  before_value();
  buffer_->append(json);
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::end_line() {
  assert(stack_.empty() && "end_line() ends a top-level value");
  buffer_->push_back('\n');
  maybe_flush();
  return *this;
}

}  // namespace eksguard::report
