#include "cedar/format/doc.h"

#include <algorithm>

#include "common/utf8.h"

namespace eksguard::cedar::format {

struct Docs::Command {
  uint32_t indent = 0;
  bool flat = false;
  Doc doc = 0;
};

// Lays a document out: the classic Wadler/Lindig algorithm with an explicit command stack. A
// group is flat when its flat form, followed by what comes after it up to the next possible
// line break, fits in the rest of the line.
class Docs::Renderer {
 public:
  Renderer(const std::vector<Node>& nodes, uint32_t width) : nodes_(nodes), width_(width) {}

  std::string run(Doc root) {
    std::vector<Command> stack{{0, false, root}};
    while (!stack.empty()) {
      const Command command = stack.back();
      stack.pop_back();
      step(command, stack);
    }
    strip_trailing_spaces();
    return std::move(out_);
  }

 private:
  void step(const Command& command, std::vector<Command>& stack) {
    const Node& node = nodes_[command.doc];
    switch (node.kind) {
      case Kind::kNil:
        return;
      case Kind::kText:
        write(node.text, node.width, command.indent);
        return;
      case Kind::kLine:
      case Kind::kSoftLine:
        if (command.flat && !pending_break_) {
          if (node.kind == Kind::kLine) write(" ", 1, command.indent);
        } else {
          newline(command.indent);
        }
        return;
      case Kind::kHardLine:
        newline(command.indent);
        return;
      case Kind::kConcat:
        for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
          stack.push_back({command.indent, command.flat, *it});
        }
        return;
      case Kind::kNest:
        stack.push_back({command.indent + node.indent, command.flat, node.children[0]});
        return;
      case Kind::kGroup: {
        bool flat = command.flat;
        if (!flat && !node.hard) {
          const uint32_t column = pending_break_ ? command.indent : column_;
          const int64_t room = int64_t{width_} - column;
          flat = fits(node.children[0], room, stack);
        }
        stack.push_back({command.indent, flat && !node.hard, node.children[0]});
        return;
      }
      case Kind::kTrailingComment:
        if (pending_break_) newline(command.indent);
        if (line_has_content_) write(" ", 1, command.indent);
        write(node.text, node.width, command.indent);
        pending_break_ = true;
        return;
      case Kind::kLeadingComment:
        if (pending_break_ || line_has_content_) newline(command.indent);
        write(node.text, node.width, command.indent);
        pending_break_ = true;
        return;
    }
  }

  bool fits(Doc doc, int64_t room, const std::vector<Command>& rest) const {
    std::vector<Command> todo{{0, true, doc}};
    size_t next_rest = rest.size();
    while (room >= 0) {
      if (todo.empty()) {
        if (next_rest == 0) return true;
        todo.push_back(rest[--next_rest]);
      }
      const Command command = todo.back();
      todo.pop_back();
      const Node& node = nodes_[command.doc];
      switch (node.kind) {
        case Kind::kNil:
          break;
        case Kind::kText:
          room -= node.width;
          break;
        case Kind::kLine:
          if (!command.flat) return true;
          room -= 1;
          break;
        case Kind::kSoftLine:
          if (!command.flat) return true;
          break;
        case Kind::kHardLine:
        case Kind::kLeadingComment:
          return true;
        case Kind::kTrailingComment:
          return room - 1 - node.width >= 0;
        case Kind::kConcat:
          for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
            todo.push_back({0, command.flat, *it});
          }
          break;
        case Kind::kNest:
          todo.push_back({0, command.flat, node.children[0]});
          break;
        case Kind::kGroup:
          todo.push_back({0, command.flat && !node.hard, node.children[0]});
          break;
      }
    }
    return false;
  }

  void write(std::string_view text, uint32_t width, uint32_t indent) {
    if (text.empty()) return;
    if (pending_break_) newline(indent);
    if (at_line_start_) {
      if (text == " ") return;  // a flat line right after a break
      out_.append(line_indent_, ' ');
      column_ = line_indent_;
      at_line_start_ = false;
    }
    out_ += text;
    column_ += width;
    line_has_content_ = true;
  }

  void newline(uint32_t indent) {
    strip_trailing_spaces();
    out_ += '\n';
    at_line_start_ = true;
    line_has_content_ = false;
    pending_break_ = false;
    line_indent_ = indent;
    column_ = indent;
  }

  void strip_trailing_spaces() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }

  const std::vector<Node>& nodes_;
  uint32_t width_;
  std::string out_;
  uint32_t column_ = 0;
  uint32_t line_indent_ = 0;
  bool at_line_start_ = true;
  bool line_has_content_ = false;
  bool pending_break_ = false;  // a line comment ended the line: the next text starts a new one
};

Docs::Docs() {
  nodes_.push_back(Node{});  // 0: nil
}

Doc Docs::add(Node node) {
  nodes_.push_back(std::move(node));
  return static_cast<Doc>(nodes_.size() - 1);
}

Doc Docs::text(std::string_view text) {
  if (text.empty()) return nil();
  Node node;
  node.kind = Kind::kText;
  node.text = std::string(text);
  node.width = static_cast<uint32_t>(utf8_length(text));
  return add(std::move(node));
}

Doc Docs::line() {
  Node node;
  node.kind = Kind::kLine;
  return add(std::move(node));
}

Doc Docs::softline() {
  Node node;
  node.kind = Kind::kSoftLine;
  return add(std::move(node));
}

Doc Docs::hardline() {
  Node node;
  node.kind = Kind::kHardLine;
  node.hard = true;
  return add(std::move(node));
}

Doc Docs::concat(std::initializer_list<Doc> parts) {
  return concat(std::vector<Doc>(parts));
}

Doc Docs::concat(const std::vector<Doc>& parts) {
  Node node;
  node.kind = Kind::kConcat;
  for (const Doc part : parts) {
    if (part == nil()) continue;
    node.hard = node.hard || nodes_[part].hard;
    node.children.push_back(part);
  }
  if (node.children.empty()) return nil();
  if (node.children.size() == 1) return node.children[0];
  return add(std::move(node));
}

Doc Docs::nest(uint32_t indent, Doc doc) {
  if (doc == nil()) return nil();
  Node node;
  node.kind = Kind::kNest;
  node.indent = indent;
  node.hard = nodes_[doc].hard;
  node.children.push_back(doc);
  return add(std::move(node));
}

Doc Docs::group(Doc doc) {
  if (doc == nil()) return nil();
  Node node;
  node.kind = Kind::kGroup;
  node.hard = nodes_[doc].hard;
  node.children.push_back(doc);
  return add(std::move(node));
}

Doc Docs::comment(bool trailing, std::string_view text) {
  Node node;
  node.kind = trailing ? Kind::kTrailingComment : Kind::kLeadingComment;
  node.hard = true;
  node.text = std::string(text);
  node.width = static_cast<uint32_t>(utf8_length(text));
  return add(std::move(node));
}

Doc Docs::trailing_comment(std::string_view text) {
  return comment(true, text);
}

Doc Docs::leading_comment(std::string_view text) {
  return comment(false, text);
}

std::string Docs::render(Doc doc, uint32_t width) const {
  return Renderer(nodes_, width).run(doc);
}

}  // namespace eksguard::cedar::format
