#include "report/xml_escape.h"

#include <array>

#include "common/utf8.h"

namespace eksguard::report {
namespace {

// Bytes that need a look: markup, whitespace that attributes would normalise, controls,
// and every non-ASCII byte (checked for well-formed UTF-8 and XML's excluded characters).
constexpr std::array<bool, 256> make_special_table() {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 256; ++c) {
    table[c] = c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' || c >= 0x80;
  }
  return table;
}
constexpr std::array<bool, 256> kSpecial = make_special_table();

bool is_xml_char(char32_t c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  return c != 0xFFFE && c != 0xFFFF;  // surrogates never decode as valid UTF-8
}

// Handles the byte at text[i]; returns the number of bytes consumed.
size_t append_special(std::string& out, std::string_view text, size_t i, bool attribute) {
  switch (text[i]) {
    case '&':
      out.append("&amp;");
      return 1;
    case '<':
      out.append("&lt;");
      return 1;
    case '>':
      out.append("&gt;");
      return 1;
    case '\r':
      out.append("&#13;");
      return 1;
    case '"':
      out.append(attribute ? "&quot;" : "\"");
      return 1;
    case '\'':
      out.append(attribute ? "&apos;" : "'");
      return 1;
    case '\t':
      out.append(attribute ? "&#9;" : "\t");
      return 1;
    case '\n':
      out.append(attribute ? "&#10;" : "\n");
      return 1;
    default:
      break;
  }
  const Utf8Char decoded = decode_utf8(text.data() + i, text.size() - i);
  if (decoded.valid && is_xml_char(decoded.code_point)) {
    out.append(text.data() + i, decoded.length);
  } else {
    out.append(kReplacementCharacter);
  }
  return decoded.length;
}

void append_escaped(std::string& out, std::string_view text, bool attribute) {
  append_escaped_runs(out, text, kSpecial,
                      [attribute](std::string& o, std::string_view t, size_t at) {
                        return append_special(o, t, at, attribute);
                      });
}

}  // namespace

void append_xml_text(std::string& out, std::string_view text) {
  append_escaped(out, text, false);
}

void append_xml_attribute(std::string& out, std::string_view text) {
  append_escaped(out, text, true);
}

}  // namespace eksguard::report
