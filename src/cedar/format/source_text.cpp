#include "cedar/format/source_text.h"

#include <algorithm>
#include <iterator>

namespace eksguard::cedar::format {
namespace {

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\v' ||
                           text.back() == '\f')) {
    text.remove_suffix(1);
  }
  return text;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\n\r") != std::string_view::npos;
}

}  // namespace

SourceText::SourceText(std::string_view source) : source_(source) {
  std::vector<Comment> comments;
  tokens_ = tokenize(source, &comments);
  comments_.reserve(comments.size());
  size_t next_token = 0;  // the first token after the comment
  for (const Comment& comment : comments) {
    while (tokens_[next_token].kind != TokenKind::kEnd &&
           tokens_[next_token].offset < comment.offset) {
      ++next_token;
    }
    Attached attached{trim_end(comment.text), tokens_[next_token].offset, false};
    if (next_token > 0) {
      const Token& previous = tokens_[next_token - 1];
      const uint32_t previous_end = previous.offset + previous.length;
      if (!has_line_break(source.substr(previous_end, comment.offset - previous_end))) {
        attached.anchor = previous.offset;
        attached.trailing = true;
      }
    }
    comments_.push_back(attached);
  }
}

std::optional<SourceSpan> SourceText::find(TokenKind kind, uint32_t from, uint32_t to,
                                           Keyword keyword) const {
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), from,
                             [](const Token& token, uint32_t at) { return token.offset < at; });
  for (; it != tokens_.end() && it->kind != TokenKind::kEnd && it->offset < to; ++it) {
    if (it->kind != kind) continue;
    if (keyword != Keyword::kNone && it->keyword != keyword) continue;
    return SourceSpan{it->offset, it->length};
  }
  return std::nullopt;
}

const Token& SourceText::token_at_or_after(uint32_t from) const {
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), from,
                             [](const Token& token, uint32_t at) { return token.offset < at; });
  return it == tokens_.end() ? tokens_.back() : *it;
}

std::optional<SourceSpan> SourceText::next(TokenKind kind, uint32_t from) const {
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), from,
                             [](const Token& token, uint32_t at) { return token.offset < at; });
  while (it != tokens_.end() && it->kind == TokenKind::kRightParen && kind != it->kind) ++it;
  if (it == tokens_.end() || it->kind != kind) return std::nullopt;
  return SourceSpan{it->offset, it->length};
}

std::optional<SourceSpan> SourceText::matching_close(SourceSpan open) const {
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), open.offset,
                             [](const Token& token, uint32_t at) { return token.offset < at; });
  size_t depth = 0;
  for (; it != tokens_.end() && it->kind != TokenKind::kEnd; ++it) {
    switch (it->kind) {
      case TokenKind::kLeftParen:
      case TokenKind::kLeftBracket:
      case TokenKind::kLeftBrace:
        ++depth;
        break;
      case TokenKind::kRightParen:
      case TokenKind::kRightBracket:
      case TokenKind::kRightBrace:
        if (depth == 0) return std::nullopt;
        if (--depth == 0) return SourceSpan{it->offset, it->length};
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

void SourceText::take_before(Docs& docs, uint32_t offset, std::vector<Doc>& out) {
  while (next_ < comments_.size() && comments_[next_].anchor < offset) {
    out.push_back(docs.leading_comment(comments_[next_].text));
    ++next_;
  }
}

Doc SourceText::piece(Docs& docs, SourceSpan span, Doc text) {
  const uint32_t end = span.offset + std::max<uint32_t>(span.length, 1);
  // The range may start in the whitespace before its first token.
  const Token& first = token_at_or_after(span.offset);
  if (first.kind != TokenKind::kEnd && first.offset < end) span.offset = first.offset;
  std::vector<Doc> parts;
  take_before(docs, span.offset, parts);
  while (next_ < comments_.size() && comments_[next_].anchor == span.offset &&
         !comments_[next_].trailing) {
    parts.push_back(docs.leading_comment(comments_[next_].text));
    ++next_;
  }
  parts.push_back(text);
  // Comments after the last token of the piece stay at the end of its line. Comments between
  // its tokens (inside an entity literal, say) cannot be placed inside it: they are left for
  // the next piece, before which they go on lines of their own, as the next formatting would
  // put them.
  auto last = std::lower_bound(tokens_.begin(), tokens_.end(), end,
                               [](const Token& token, uint32_t at) { return token.offset < at; });
  const uint32_t last_offset = last == tokens_.begin() ? span.offset : std::prev(last)->offset;
  size_t after_end = next_;
  bool only_trailing = true;
  for (; after_end < comments_.size() && comments_[after_end].anchor < end; ++after_end) {
    only_trailing = only_trailing && comments_[after_end].trailing &&
                    comments_[after_end].anchor == last_offset;
  }
  if (only_trailing) {
    for (; next_ < after_end; ++next_) {
      parts.push_back(docs.trailing_comment(comments_[next_].text));
    }
  }
  return docs.concat(parts);
}

Doc SourceText::remaining(Docs& docs) {
  std::vector<Doc> parts;
  take_before(docs, UINT32_MAX, parts);
  return docs.concat(parts);
}

}  // namespace eksguard::cedar::format
