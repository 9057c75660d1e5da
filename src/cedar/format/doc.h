// A Wadler-style pretty-printing document for the Cedar formatter: text, line breaks that a
// group lays out flat (as a space or nothing) when it fits the line width and breaks otherwise,
// nesting, and line comments, which always end their line and so force every enclosing group to
// break.
//
// Documents are nodes in a pool (Docs) referred to by index; rendering is iterative, so deep
// documents cost no stack.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace eksguard::cedar::format {

using Doc = uint32_t;

class Docs {
 public:
  Docs();

  Doc nil() const { return 0; }
  Doc text(std::string_view text);
  Doc line();      // a space when flat, a line break when broken
  Doc softline();  // nothing when flat, a line break when broken
  Doc hardline();  // always a line break
  Doc concat(std::initializer_list<Doc> parts);
  Doc concat(const std::vector<Doc>& parts);
  Doc nest(uint32_t indent, Doc doc);  // line breaks inside `doc` indent by `indent` more
  Doc group(Doc doc);                  // flat when it fits in the rest of the line
  // `// ...` after the text on the current line; the line ends after it.
  Doc trailing_comment(std::string_view text);
  // `// ...` on a line of its own (a line break is added before it when needed); the line ends
  // after it.
  Doc leading_comment(std::string_view text);

  // Lays `doc` out within `width` columns where it can; no line has trailing spaces.
  std::string render(Doc doc, uint32_t width) const;

 private:
  enum class Kind : uint8_t {
    kNil,
    kText,
    kLine,
    kSoftLine,
    kHardLine,
    kConcat,
    kNest,
    kGroup,
    kTrailingComment,
    kLeadingComment
  };
  struct Node {
    Kind kind = Kind::kNil;
    bool hard = false;   // contains a hard line break or a comment: never flat
    uint32_t width = 0;  // kText, comments: characters
    uint32_t indent = 0;
    std::string text;
    std::vector<Doc> children;
  };
  struct Command;
  class Renderer;

  Doc add(Node node);
  Doc comment(bool trailing, std::string_view text);

  std::vector<Node> nodes_;
};

}  // namespace eksguard::cedar::format
