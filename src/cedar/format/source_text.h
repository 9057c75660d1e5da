// The source side of formatting: the policy text's tokens, to find where operators and
// punctuation that the AST does not record were written, and its `//` comments, each attached to
// a token (the one it follows on the same line, else the next one) and handed out as the printer
// reaches that token, so that every comment is printed once, next to where it was.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cedar/ast.h"
#include "cedar/format/doc.h"
#include "cedar/lexer.h"

namespace eksguard::cedar::format {

class SourceText {
 public:
  explicit SourceText(std::string_view source);

  std::string_view source() const { return source_; }
  size_t comment_count() const { return comments_.size(); }

  // The first token at or after offset `from` and before `to` that has `kind` (and `keyword`
  // for identifiers, unless kNone).
  std::optional<SourceSpan> find(TokenKind kind, uint32_t from, uint32_t to,
                                 Keyword keyword = Keyword::kNone) const;
  // The first token at or after `from` (the end token at the end of the text).
  const Token& token_at_or_after(uint32_t from) const;
  // The first token at or after `from` that is not a `)`, if it has `kind` (the `)` that close
  // parentheses around the expression before it are skipped).
  std::optional<SourceSpan> next(TokenKind kind, uint32_t from) const;
  // The bracket closing the `(`, `[` or `{` at `open`.
  std::optional<SourceSpan> matching_close(SourceSpan open) const;

  // `text` printed for the source range `span`, with the comments due there: first every
  // comment attached before `span` that was not printed yet (on lines of their own), then the
  // text, then the comments that followed its last token on the same line. Comments between the
  // tokens of `span` are left for the next piece.
  Doc piece(Docs& docs, SourceSpan span, Doc text);
  // Every comment not printed yet, each on its own line.
  Doc remaining(Docs& docs);

 private:
  struct Attached {
    std::string_view text;  // trailing whitespace removed
    uint32_t anchor;        // offset of the token it is attached to
    bool trailing;          // follows that token on the same line
  };

  void take_before(Docs& docs, uint32_t offset, std::vector<Doc>& out);

  std::string_view source_;
  std::vector<Token> tokens_;
  std::vector<Attached> comments_;
  size_t next_ = 0;
};

}  // namespace eksguard::cedar::format
