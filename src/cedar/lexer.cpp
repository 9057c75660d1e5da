#include "cedar/lexer.h"

#include <algorithm>
#include <array>
#include <utility>

namespace eksguard::cedar {
namespace {

bool is_identifier_start(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
bool is_identifier_char(char ch) {
  return is_identifier_start(ch) || (ch >= '0' && ch <= '9');
}
bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

// Bytes of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes).
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Length of the Unicode White_Space character at `pos`, or 0. Rust's regex `\s`, which the Cedar
// grammar skips, is Unicode-aware, so NBSP, the U+2000 spaces, line and paragraph separators
// and ideographic space separate tokens too.
size_t whitespace_length(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u;
  };
  switch (byte(0)) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
      return 1;
    case 0xC2:
      return byte(1) == 0x85 || byte(1) == 0xA0 ? 2 : 0;
    case 0xE1:
      return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0;
    case 0xE2:
      if (byte(1) == 0x80) {
        const unsigned third = byte(2);
        return (third >= 0x80 && third <= 0x8A) || third == 0xA8 || third == 0xA9 || third == 0xAF
                   ? 3
                   : 0;
      }
      return byte(1) == 0x81 && byte(2) == 0x9F ? 3 : 0;
    case 0xE3:
      return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Comment>* comments) : text_(text), comments_(comments) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    tokens.reserve(text_.size() / 4 + 1);
    while (skip_trivia()) tokens.push_back(next());
    tokens.push_back(make(TokenKind::kEnd, pos_, 0));
    return tokens;
  }

 private:
  // Skips whitespace and comments; false at the end of input.
  bool skip_trivia() {
    while (pos_ < text_.size()) {
      if (const size_t n = whitespace_length(text_, pos_); n > 0) {
        pos_ += n;
      } else if (text_.compare(pos_, 2, "//") == 0) {
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        if (comments_ != nullptr) {
          comments_->push_back(Comment{static_cast<uint32_t>(start),
                                       static_cast<uint32_t>(pos_ - start),
                                       text_.substr(start, pos_ - start)});
        }
      } else {
        return true;
      }
    }
    return false;
  }

  Token make(TokenKind kind, size_t start, size_t length) const {
    Token token;
    token.kind = kind;
    token.offset = static_cast<uint32_t>(start);
    token.length = static_cast<uint32_t>(length);
    token.text = text_.substr(start, length);
    return token;
  }

  Token next() {
    const size_t start = pos_;
    const char ch = text_[pos_];
    if (is_identifier_start(ch)) {
      while (pos_ < text_.size() && is_identifier_char(text_[pos_])) ++pos_;
      Token token = make(TokenKind::kIdentifier, start, pos_ - start);
      token.keyword = keyword_of(token.text);
      return token;
    }
    if (is_digit(ch)) {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      return make(TokenKind::kNumber, start, pos_ - start);
    }
    if (ch == '"') return string_literal(start);
    if (ch == '?') {
      ++pos_;
      if (pos_ < text_.size() && is_identifier_start(text_[pos_])) {
        while (pos_ < text_.size() && is_identifier_char(text_[pos_])) ++pos_;
        return make(TokenKind::kSlot, start, pos_ - start);
      }
      return make(TokenKind::kInvalid, start, 1);
    }
    return punctuation(start);
  }

  // `"` ( `\` any-but-newline | any-but-quote-or-backslash )* `"`; anything else is invalid
  // from the opening quote on (the Rust lexer reports it there).
  Token string_literal(size_t start) {
    size_t i = start + 1;
    while (i < text_.size()) {
      const char ch = text_[i];
      if (ch == '"') {
        pos_ = i + 1;
        return make(TokenKind::kString, start, pos_ - start);
      }
      if (ch == '\\') {
        if (i + 1 >= text_.size() || text_[i + 1] == '\n') break;
        i += 1 + utf8_length(static_cast<unsigned char>(text_[i + 1]));
        continue;
      }
      ++i;
    }
    pos_ = start + 1;
    return make(TokenKind::kInvalid, start, 1);
  }

  Token punctuation(size_t start) {
    struct Op {
      std::string_view text;
      TokenKind kind;
    };
    // Two-character operators first: the lexer takes the longest match.
    static constexpr std::array<Op, 27> kOps{{
        {"::", TokenKind::kColonColon}, {"==", TokenKind::kEqEq},
        {"!=", TokenKind::kNotEq},      {"<=", TokenKind::kLessEq},
        {">=", TokenKind::kGreaterEq},  {"||", TokenKind::kOrOr},
        {"&&", TokenKind::kAndAnd},     {"@", TokenKind::kAt},
        {".", TokenKind::kDot},         {",", TokenKind::kComma},
        {";", TokenKind::kSemicolon},   {":", TokenKind::kColon},
        {"(", TokenKind::kLeftParen},   {")", TokenKind::kRightParen},
        {"{", TokenKind::kLeftBrace},   {"}", TokenKind::kRightBrace},
        {"[", TokenKind::kLeftBracket}, {"]", TokenKind::kRightBracket},
        {"<", TokenKind::kLess},        {">", TokenKind::kGreater},
        {"+", TokenKind::kPlus},        {"-", TokenKind::kMinus},
        {"*", TokenKind::kStar},        {"/", TokenKind::kSlash},
        {"%", TokenKind::kPercent},     {"!", TokenKind::kBang},
        {"=", TokenKind::kEq},
    }};
    for (const Op& op : kOps) {
      if (text_.compare(start, op.text.size(), op.text) == 0) {
        pos_ = start + op.text.size();
        return make(op.kind, start, op.text.size());
      }
    }
    const size_t length =
        std::min(utf8_length(static_cast<unsigned char>(text_[start])), text_.size() - start);
    pos_ = start + length;
    return make(TokenKind::kInvalid, start, length);
  }

  std::string_view text_;
  std::vector<Comment>* comments_;
  size_t pos_ = 0;
};

}  // namespace

Keyword keyword_of(std::string_view identifier) {
  static constexpr std::array<std::pair<std::string_view, Keyword>, 17> kKeywords{{
      {"true", Keyword::kTrue},
      {"false", Keyword::kFalse},
      {"if", Keyword::kIf},
      {"then", Keyword::kThen},
      {"else", Keyword::kElse},
      {"in", Keyword::kIn},
      {"has", Keyword::kHas},
      {"like", Keyword::kLike},
      {"is", Keyword::kIs},
      {"permit", Keyword::kPermit},
      {"forbid", Keyword::kForbid},
      {"when", Keyword::kWhen},
      {"unless", Keyword::kUnless},
      {"principal", Keyword::kPrincipal},
      {"action", Keyword::kAction},
      {"resource", Keyword::kResource},
      {"context", Keyword::kContext},
  }};
  for (const auto& [text, keyword] : kKeywords) {
    if (text == identifier) return keyword;
  }
  return Keyword::kNone;
}

std::vector<Token> tokenize(std::string_view text, std::vector<Comment>* comments) {
  return Lexer(text, comments).run();
}

std::string_view describe(const Token& token) {
  return token.kind == TokenKind::kEnd ? std::string_view("end of input") : token.text;
}

}  // namespace eksguard::cedar
