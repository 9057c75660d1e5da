#include "cedar/schema/names.h"

#include <array>
#include <cstdint>

#include "common/utf8.h"

namespace eksguard::cedar {
namespace {

bool is_ident_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::nullopt_t escape_error(std::string& error, std::string message) {
  error = std::move(message);
  return std::nullopt;
}

// Decodes the `\u{...}` escape whose `{` is at body[at]; advances `at` past the `}`. Follows
// rustc_lexer: underscores may follow the first digit, at most 6 digits, no surrogates.
std::optional<uint32_t> unicode_escape(std::string_view body, size_t& at, std::string& error) {
  if (at >= body.size() || body[at] != '{')
    return escape_error(error, "missing `{` in `\\u` escape");
  ++at;
  if (at >= body.size()) return escape_error(error, "unterminated unicode escape");
  if (body[at] == '_') return escape_error(error, "leading `_` in unicode escape");
  if (body[at] == '}') return escape_error(error, "empty unicode escape");
  uint32_t value = 0;
  int digits = 0;
  for (; at < body.size(); ++at) {
    const char c = body[at];
    if (c == '_') continue;
    if (c == '}') {
      ++at;
      if (digits > 6) return escape_error(error, "unicode escape has more than 6 digits");
      if (value > 0x10FFFF) return escape_error(error, "unicode escape above U+10FFFF");
      if (value >= 0xD800 && value <= 0xDFFF) {
        return escape_error(error, "unicode escape is a lone surrogate");
      }
      return value;
    }
    const int digit = hex_value(c);
    if (digit < 0) return escape_error(error, "invalid character in unicode escape");
    // Past 6 digits the escape is already invalid; stop accumulating so `value` cannot wrap.
    if (++digits <= 6) value = value * 16 + static_cast<uint32_t>(digit);
  }
  return escape_error(error, "unterminated unicode escape");
}

// Decodes the escape whose backslash is at body[at]; advances `at` past it.
bool unescape_one(std::string_view body, size_t& at, std::string& out, std::string& error) {
  ++at;  // the backslash
  if (at >= body.size()) {
    error = "lone `\\` at the end of the string";
    return false;
  }
  const char c = body[at++];
  switch (c) {
    case 'n':
      out.push_back('\n');
      return true;
    case 'r':
      out.push_back('\r');
      return true;
    case 't':
      out.push_back('\t');
      return true;
    case '\\':
      out.push_back('\\');
      return true;
    case '0':
      out.push_back('\0');
      return true;
    case '\'':
      out.push_back('\'');
      return true;
    case '"':
      out.push_back('"');
      return true;
    case 'x': {
      const int hi = at < body.size() ? hex_value(body[at]) : -1;
      const int lo = at + 1 < body.size() ? hex_value(body[at + 1]) : -1;
      if (hi < 0 || lo < 0) {
        error = "`\\x` needs two hex digits";
        return false;
      }
      at += 2;
      if (hi > 7) {
        error = "`\\x` escape above 0x7F";
        return false;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      return true;
    }
    case 'u': {
      const std::optional<uint32_t> cp = unicode_escape(body, at, error);
      if (!cp) return false;
      append_utf8(out, *cp);
      return true;
    }
    default:
      error = "unknown escape `\\" + std::string(1, c) + "`";
      return false;
  }
}

}  // namespace

bool is_any_identifier(std::string_view text) {
  if (text.empty() || !is_ident_start(text[0])) return false;
  for (char c : text.substr(1)) {
    if (!is_ident_char(c)) return false;
  }
  return true;
}

bool is_reserved_word(std::string_view text) {
  static constexpr std::array<std::string_view, 9> kReserved = {
      "true", "false", "if", "then", "else", "in", "is", "like", "has"};
  for (std::string_view word : kReserved) {
    if (text == word) return true;
  }
  return false;
}

bool is_path(std::string_view text) {
  while (true) {
    const size_t sep = text.find("::");
    if (!is_identifier(text.substr(0, sep))) return false;
    if (sep == std::string_view::npos) return true;
    text.remove_prefix(sep + 2);
  }
}

bool has_cedar_component(std::string_view path) {
  while (true) {
    const size_t sep = path.find("::");
    if (path.substr(0, sep) == kCedarNamespace) return true;
    if (sep == std::string_view::npos) return false;
    path.remove_prefix(sep + 2);
  }
}

std::string_view basename(std::string_view path) {
  const size_t sep = path.rfind("::");
  return sep == std::string_view::npos ? path : path.substr(sep + 2);
}

std::string_view namespace_of(std::string_view path) {
  const size_t sep = path.rfind("::");
  return sep == std::string_view::npos ? std::string_view{} : path.substr(0, sep);
}

std::string qualify(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string out;
  out.reserve(ns.size() + 2 + name.size());
  out.append(ns).append("::").append(name);
  return out;
}

std::optional<std::string> unescape_cedar_string(std::string_view body, size_t& error_offset,
                                                 std::string& error_message) {
  std::string out;
  out.reserve(body.size());
  size_t at = 0;
  while (at < body.size()) {
    const char c = body[at];
    if (c == '\\') {
      const size_t start = at;
      if (!unescape_one(body, at, out, error_message)) {
        error_offset = start;
        return std::nullopt;
      }
    } else if (c == '\r') {
      // Rust rejects a bare carriage return in a string literal; Cedar inherits that.
      error_offset = at;
      error_message = "bare carriage return in string; write `\\r`";
      return std::nullopt;
    } else {
      out.push_back(c);
      ++at;
    }
  }
  return out;
}

std::string escape_cedar_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const Utf8Char ch = decode_utf8(text.data() + i, text.size() - i);
    const char32_t cp = ch.code_point;
    switch (cp) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        // Control characters (C0, DEL, C1) are invisible in a terminal: spell them out.
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
          static constexpr char kHex[] = "0123456789abcdef";
          std::string hex;
          for (char32_t v = cp; v != 0 || hex.empty(); v >>= 4)
            hex.insert(hex.begin(), kHex[v & 0xF]);
          out += "\\u{" + hex + "}";
        } else {
          out.append(text.data() + i, ch.length);
        }
    }
    i += ch.length;
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string backticked(std::string_view text) {
  return "`" + std::string(text) + "`";
}

std::string quote_cedar_string(std::string_view text) {
  return "\"" + escape_cedar_string(text) + "\"";
}

}  // namespace eksguard::cedar
