#include "cedar/internal/unescape.h"

#include <fmt/format.h>

#include <cstdint>
#include <optional>

namespace eksguard::cedar::internal {
namespace {

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::optional<uint32_t> hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return static_cast<uint32_t>(ch - '0');
  if (ch >= 'a' && ch <= 'f') return static_cast<uint32_t>(ch - 'a' + 10);
  if (ch >= 'A' && ch <= 'F') return static_cast<uint32_t>(ch - 'A' + 10);
  return std::nullopt;
}

size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// What one step of unescaping produced.
struct Step {
  enum class Kind { kChar, kStarEscape, kError } kind = Kind::kChar;
  std::string text;       // the character(s), UTF-8
  std::string_view name;  // error name, as Rust's EscapeError Debug output
  size_t end = 0;         // offset after the consumed input
};

class Unescaper {
 public:
  explicit Unescaper(std::string_view raw) : raw_(raw) {}

  bool done() const { return pos_ >= raw_.size(); }
  size_t pos() const { return pos_; }

  Step next() {
    const size_t start = pos_;
    const char ch = raw_[pos_];
    if (ch == '\\') return escape(start);
    if (ch == '\r') return error(start + 1, "BareCarriageReturn");
    const size_t length =
        std::min(utf8_length(static_cast<unsigned char>(ch)), raw_.size() - start);
    return character(std::string(raw_.substr(start, length)), start + length);
  }

 private:
  Step character(std::string text, size_t end) {
    pos_ = end;
    Step step;
    step.text = std::move(text);
    step.end = end;
    return step;
  }
  Step error(size_t end, std::string_view name) {
    pos_ = end;
    Step step;
    step.kind = Step::Kind::kError;
    step.name = name;
    step.end = end;
    return step;
  }

  Step escape(size_t start) {
    if (start + 1 >= raw_.size()) return error(start + 1, "LoneSlash");
    const char ch = raw_[start + 1];
    switch (ch) {
      case 'n':
        return character("\n", start + 2);
      case 'r':
        return character("\r", start + 2);
      case 't':
        return character("\t", start + 2);
      case '\\':
        return character("\\", start + 2);
      case '0':
        return character(std::string(1, '\0'), start + 2);
      case '\'':
        return character("'", start + 2);
      case '"':
        return character("\"", start + 2);
      case 'x':
        return hex_escape(start);
      case 'u':
        return unicode_escape(start);
      case '*': {
        Step step = error(start + 2, "InvalidEscape");
        step.kind = Step::Kind::kStarEscape;
        return step;
      }
      default: {
        const size_t length = utf8_length(static_cast<unsigned char>(ch));
        return error(std::min(start + 1 + length, raw_.size()), "InvalidEscape");
      }
    }
  }

  Step hex_escape(size_t start) {
    size_t i = start + 2;
    if (i >= raw_.size()) return error(i, "TooShortHexEscape");
    const auto high = hex_value(raw_[i]);
    if (!high) return error(i + 1, "InvalidCharInHexEscape");
    if (i + 1 >= raw_.size()) return error(i + 1, "TooShortHexEscape");
    const auto low = hex_value(raw_[i + 1]);
    if (!low) return error(i + 2, "InvalidCharInHexEscape");
    const uint32_t value = *high * 16 + *low;
    if (value > 0x7F) return error(i + 2, "OutOfRangeHexEscape");
    return character(std::string(1, static_cast<char>(value)), i + 2);
  }

  Step unicode_escape(size_t start) {
    size_t i = start + 2;
    if (i >= raw_.size() || raw_[i] != '{') return error(i, "NoBraceInUnicodeEscape");
    ++i;
    if (i >= raw_.size()) return error(i, "UnclosedUnicodeEscape");
    if (raw_[i] == '}') return error(i + 1, "EmptyUnicodeEscape");
    if (raw_[i] == '_') return error(i + 1, "LeadingUnderscoreUnicodeEscape");
    uint32_t value = 0;
    int digits = 0;
    while (true) {
      if (i >= raw_.size()) return error(i, "UnclosedUnicodeEscape");
      const char ch = raw_[i];
      if (ch == '}') break;
      if (ch == '_') {
        ++i;
        continue;
      }
      const auto digit = hex_value(ch);
      if (!digit) return error(i + 1, "InvalidCharInUnicodeEscape");
      if (++digits > 6) return error(i + 1, "OverlongUnicodeEscape");
      value = value * 16 + *digit;
      ++i;
    }
    if (value > 0x10FFFF) return error(i + 1, "OutOfRangeUnicodeEscape");
    if (value >= 0xD800 && value <= 0xDFFF) {
      return error(i + 1, "LoneSurrogateUnicodeEscape");
    }
    std::string text;
    append_utf8(text, value);
    return character(std::move(text), i + 1);
  }

  std::string_view raw_;
  size_t pos_ = 0;
};

UnescapeError make_error(std::string_view raw, size_t start, const Step& step) {
  return UnescapeError{start, step.end - start,
                       fmt::format("the input `{}` is not a valid escape: {}",
                                   raw.substr(start, step.end - start), step.name)};
}

}  // namespace

bool unescape(std::string_view raw, std::string& out, std::vector<UnescapeError>& errors) {
  const size_t errors_before = errors.size();
  Unescaper unescaper(raw);
  while (!unescaper.done()) {
    const size_t start = unescaper.pos();
    const Step step = unescaper.next();
    if (step.kind == Step::Kind::kChar) {
      out += step.text;
    } else {
      errors.push_back(make_error(raw, start, step));
    }
  }
  return errors.size() == errors_before;
}

bool unescape_pattern(std::string_view raw, std::vector<PatternElement>& out,
                      std::vector<UnescapeError>& errors) {
  const size_t errors_before = errors.size();
  Unescaper unescaper(raw);
  const auto append_literal = [&out](std::string_view text) {
    if (out.empty() || out.back().wildcard) out.push_back(PatternElement{});
    out.back().text += text;
  };
  while (!unescaper.done()) {
    const size_t start = unescaper.pos();
    const Step step = unescaper.next();
    switch (step.kind) {
      case Step::Kind::kChar:
        if (step.text == "*") {
          out.push_back(PatternElement{"", true});
        } else {
          append_literal(step.text);
        }
        break;
      case Step::Kind::kStarEscape:
        append_literal("*");
        break;
      case Step::Kind::kError:
        errors.push_back(make_error(raw, start, step));
        break;
    }
  }
  return errors.size() == errors_before;
}

}  // namespace eksguard::cedar::internal
