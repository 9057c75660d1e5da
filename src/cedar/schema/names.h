// Cedar names and strings as the schema syntaxes spell them: identifiers, `::` paths, the
// reserved words and the `__cedar` namespace, and Cedar's string escapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksguard::cedar {

// The reserved `__cedar` namespace of built-in types (RFC 52).
inline constexpr std::string_view kCedarNamespace = "__cedar";

// `[_a-zA-Z][_a-zA-Z0-9]*` (Cedar's AnyId: keywords included).
bool is_any_identifier(std::string_view text);
// Words Cedar never accepts as an identifier: true false if then else in is like has.
bool is_reserved_word(std::string_view text);
// An identifier usable as a name (Cedar's Id): not a reserved word; `__cedar` is allowed.
inline bool is_identifier(std::string_view text) {
  return is_any_identifier(text) && !is_reserved_word(text);
}
// A normalized path of identifiers, `A::B::C`, without whitespace.
bool is_path(std::string_view text);
// Whether any component of the path is `__cedar`.
bool has_cedar_component(std::string_view path);

std::string_view basename(std::string_view path);      // "C" for "A::B::C"
std::string_view namespace_of(std::string_view path);  // "A::B" for "A::B::C", "" for "C"
// `name` in namespace `ns` ("" is the empty namespace).
std::string qualify(std::string_view ns, std::string_view name);

// Cedar's string escapes (Rust's), for the body of a string literal between its quotes:
// \n \r \t \\ \0 \' \" \xHH (HH <= 7F) \u{H..H} (1-6 hex digits, `_` allowed after the first).
// A bare carriage return is an error, as in Rust. On error, returns nullopt and sets
// `error_offset` (byte offset into `body`) and `error_message`.
std::optional<std::string> unescape_cedar_string(std::string_view body, size_t& error_offset,
                                                 std::string& error_message);
// The reverse: a body that unescape_cedar_string() maps back to `text`.
std::string escape_cedar_string(std::string_view text);
// `"` + escape_cedar_string(text) + `"`.
std::string quote_cedar_string(std::string_view text);

// Appends the UTF-8 encoding of `code_point`.
void append_utf8(std::string& out, uint32_t code_point);

// `text` in backticks, as diagnostics show user input.
std::string backticked(std::string_view text);

}  // namespace eksguard::cedar
