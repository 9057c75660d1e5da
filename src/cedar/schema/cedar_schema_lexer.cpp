#include "cedar/schema/cedar_schema_lexer.h"

#include "common/utf8.h"

namespace eksguard::cedar::schema_internal {
namespace {

bool is_ident_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

// Unicode White_Space, which the grammar's `\s` matches (Rust regexes are Unicode-aware).
bool is_unicode_whitespace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

TokenKind punctuation(char c) {
  switch (c) {
    case ',':
      return TokenKind::kComma;
    case ';':
      return TokenKind::kSemicolon;
    case '{':
      return TokenKind::kLeftBrace;
    case '}':
      return TokenKind::kRightBrace;
    case '[':
      return TokenKind::kLeftBracket;
    case ']':
      return TokenKind::kRightBracket;
    case '<':
      return TokenKind::kLeftAngle;
    case '>':
      return TokenKind::kRightAngle;
    case '=':
      return TokenKind::kEquals;
    case '?':
      return TokenKind::kQuestion;
    case '@':
      return TokenKind::kAt;
    case '(':
      return TokenKind::kLeftParen;
    case ')':
      return TokenKind::kRightParen;
    default:
      return TokenKind::kInvalid;
  }
}

}  // namespace

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kString:
      return "string literal " + std::string(token.text);
    default:
      return "`" + std::string(token.text) + "`";
  }
}

void Lexer::advance(size_t count) {
  const size_t end = std::min(offset_ + count, text_.size());
  for (; offset_ < end; ++offset_) {
    if (text_[offset_] == '\n') {
      ++line_;
      line_start_ = offset_ + 1;
    }
  }
}

bool Lexer::skip_whitespace_char() {
  const Utf8Char c = decode_utf8(text_.data() + offset_, text_.size() - offset_);
  if (!is_unicode_whitespace(c.code_point)) return false;
  advance(c.length);
  return true;
}

void Lexer::skip_blanks() {
  while (offset_ < text_.size()) {
    if (text_.substr(offset_, 2) == "//") {
      const size_t eol = text_.find_first_of("\r\n", offset_);
      advance(eol == std::string_view::npos ? text_.size() - offset_ : eol - offset_);
    } else if (!skip_whitespace_char()) {
      return;
    }
  }
}

Token Lexer::make(TokenKind kind, size_t start, size_t end) const {
  return Token{kind, text_.substr(start, end - start), token_line_, token_column_, {}};
}

Token Lexer::invalid(size_t start, size_t end, std::string_view reason) {
  Token token = make(TokenKind::kInvalid, start, end);
  token.invalid_reason = reason;
  advance(end - start);
  return token;
}

// `"(\\.|[^"\\])*"`: a backslash takes the next character unless it is a newline (the regex
// `.` stops there), so `\` + newline leaves the literal unterminated.
Token Lexer::lex_string(size_t start) {
  size_t at = start + 1;
  while (at < text_.size()) {
    const char c = text_[at];
    if (c == '"') {
      Token token = make(TokenKind::kString, start, at + 1);
      advance(at + 1 - start);
      return token;
    }
    if (c == '\\') {
      if (at + 1 >= text_.size() || text_[at + 1] == '\n') break;
      at += 1 + decode_utf8(text_.data() + at + 1, text_.size() - at - 1).length;
    } else {
      ++at;
    }
  }
  return invalid(start, start + 1, "unterminated string literal");
}

Token Lexer::next() {
  skip_blanks();
  token_line_ = line_;
  token_column_ = static_cast<uint32_t>(offset_ - line_start_ + 1);
  if (offset_ >= text_.size()) return make(TokenKind::kEnd, offset_, offset_);
  const size_t start = offset_;
  const char c = text_[start];
  size_t end = start + 1;
  if (is_ident_start(c) || is_digit(c)) {
    while (end < text_.size() && (is_digit(c) ? is_digit(text_[end]) : is_ident_char(text_[end]))) {
      ++end;
    }
    const Token token = make(is_digit(c) ? TokenKind::kNumber : TokenKind::kIdentifier, start, end);
    advance(end - start);
    return token;
  }
  if (c == '"') return lex_string(start);
  TokenKind kind = punctuation(c);
  if (c == ':') {
    kind = text_.substr(start, 2) == "::" ? TokenKind::kPathSeparator : TokenKind::kColon;
    if (kind == TokenKind::kPathSeparator) end = start + 2;
  }
  if (kind == TokenKind::kInvalid) {
    const size_t length = decode_utf8(text_.data() + start, text_.size() - start).length;
    return invalid(start, start + length, "unexpected character");
  }
  const Token token = make(kind, start, end);
  advance(end - start);
  return token;
}

}  // namespace eksguard::cedar::schema_internal
