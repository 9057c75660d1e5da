// A small streaming JSON writer for every command that prints JSON (scan reports, SARIF, audit,
// rbac, cedar). It buffers output and hands it to the stream in large chunks, places commas and
// (optionally) indentation itself, and always produces valid UTF-8: strings are escaped per
// RFC 8259 and ill-formed UTF-8 is replaced by U+FFFD. It never throws on bad text.
//
//   JsonWriter json(std::cout, {.indent = 2});
//   json.begin_object().member("name", "eksguard").key("tags").begin_array();
//   json.value("a").value(2).end_array().end_object();
//   json.end_line();
//
// Misuse (a value where a key is due, unbalanced ends) is a programming error caught by assert
// in debug builds.
#pragma once

#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace eksguard::report {

// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

// Integers are written exactly; bool has its own overload.
template <typename T>
concept JsonInteger = std::integral<T> && !std::same_as<T, bool>;

struct JsonWriterOptions {
  int indent = 0;  // spaces per level; 0 writes everything on one line (JSON lines)
};

class JsonWriter {
 public:
  // Writes into `out`, flushing whenever the buffer passes kFlushBytes and on destruction.
  explicit JsonWriter(std::ostream& out, JsonWriterOptions options = {});
  // Appends to `out` (no stream involved).
  explicit JsonWriter(std::string& out, JsonWriterOptions options = {});
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  ~JsonWriter();

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(double number);  // NaN and infinities are written as null
  template <JsonInteger T>
  JsonWriter& value(T number) {
    if constexpr (std::is_signed_v<T>) return write_int(static_cast<int64_t>(number));
    return write_uint(static_cast<uint64_t>(number));
  }
  JsonWriter& null();
  // Inserts already serialised JSON as one value; the caller vouches for its validity.
  JsonWriter& raw_value(std::string_view json);

  // key(name).value(v) in one call.
  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // Ends a top-level value with a newline (JSON lines: one call after each value).
  JsonWriter& end_line();
  // Hands buffered output to the stream (no-op when writing into a string).
  void flush();
  // Nesting depth: 0 when every container has been closed.
  size_t depth() const { return stack_.size(); }

  static constexpr size_t kFlushBytes = size_t{1} << 16;

 private:
  JsonWriter& write_int(int64_t number);
  JsonWriter& write_uint(uint64_t number);
  void before_value();
  void open(char bracket, bool is_object);
  void close(char bracket, bool is_object);
  void newline_and_indent(size_t depth);
  void maybe_flush() {
    if (stream_ != nullptr && buffer_->size() >= kFlushBytes) flush();
  }

  std::ostream* stream_ = nullptr;
  std::string own_buffer_;
  std::string* buffer_;
  int indent_;
  // One entry per open container: bit 0 = object, bit 1 = has at least one member.
  std::vector<uint8_t> stack_;
  bool after_key_ = false;
};

}  // namespace eksguard::report
