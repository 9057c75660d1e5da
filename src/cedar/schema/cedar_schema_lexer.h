// Tokens of the Cedar schema syntax, as cedar-policy-core's grammar.lalrpop defines them:
// identifiers (keywords are identifiers the parser recognises by spelling), string literals,
// numbers and punctuation; Unicode whitespace and `//` comments are skipped. Internal to
// src/cedar/schema.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eksguard::cedar::schema_internal {

enum class TokenKind : uint8_t {
  kEnd,
  kIdentifier,
  kString,  // text keeps its quotes; the parser unescapes
  kNumber,  // lexed as Cedar does, never valid in a schema
  kComma,
  kSemicolon,
  kColon,
  kPathSeparator,  // ::
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kLeftAngle,
  kRightAngle,
  kEquals,
  kQuestion,
  kAt,
  kLeftParen,
  kRightParen,
  kInvalid,  // text is the offending input; invalid_reason says why
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;
  uint32_t line = 0;
  uint32_t column = 0;              // 1-based byte column
  std::string_view invalid_reason;  // kInvalid only
};

// Describes a token for messages: `foo`, string literal `"x"`, end of input.
std::string describe(const Token& token);

class Lexer {
 public:
  // `text` must be valid UTF-8 (Cedar reads schemas as Rust strings).
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next();

 private:
  void skip_blanks();
  bool skip_whitespace_char();
  Token make(TokenKind kind, size_t start, size_t end) const;
  Token lex_string(size_t start);
  Token invalid(size_t start, size_t end, std::string_view reason);
  void advance(size_t count);

  std::string_view text_;
  size_t offset_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  // Position of the token being lexed (set by next()).
  uint32_t token_line_ = 1;
  uint32_t token_column_ = 1;
};

}  // namespace eksguard::cedar::schema_internal
