// The Cedar policy lexer: text → tokens with byte offsets, as the Rust grammar
// (cedar-policy-core/src/parser/grammar.lalrpop) tokenises. Whitespace is Unicode White_Space,
// `//` comments run to the end of the line, identifiers are [_a-zA-Z][_a-zA-Z0-9]*, numbers are
// unsigned decimal digits, strings are `"` (\\. | [^"\\])* `"` kept raw (unescaped later).
// Comments are skipped, or reported on request.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace eksguard::cedar {

enum class TokenKind : uint8_t {
  kEnd,         // end of input
  kInvalid,     // a character (or unterminated string) no token starts with
  kIdentifier,  // identifiers and keywords alike; see Keyword
  kNumber,
  kString,  // text includes the quotes
  kSlot,    // ?principal, ?resource, or any other ?name
  kAt,
  kDot,
  kComma,
  kSemicolon,
  kColon,
  kColonColon,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kEqEq,
  kNotEq,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kOrOr,
  kAndAnd,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kBang,
  kEq,
};

// Identifiers with a role in the grammar; everything else is kNone.
enum class Keyword : uint8_t {
  kNone,
  kTrue,
  kFalse,
  kIf,
  kThen,
  kElse,
  kIn,
  kHas,
  kLike,
  kIs,
  kPermit,
  kForbid,
  kWhen,
  kUnless,
  kPrincipal,
  kAction,
  kResource,
  kContext,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string_view text;
};

Keyword keyword_of(std::string_view identifier);

// A `//` comment: from the slashes to the end of the line, the line break excluded.
struct Comment {
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string_view text;
};

// Splits `text` into tokens, ending with one kEnd token. Lexing never fails: a character that
// starts no token becomes a kInvalid token, which the parser reports. When `comments` is given,
// the comments skipped between tokens are appended to it in text order (for the formatter).
std::vector<Token> tokenize(std::string_view text, std::vector<Comment>* comments = nullptr);

// Shown in messages about `token`: its text, or "end of input".
std::string_view describe(const Token& token);

}  // namespace eksguard::cedar
