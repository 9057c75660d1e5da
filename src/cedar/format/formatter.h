// The Cedar policy formatter (`eksguard cedar format`), in the layout of Cedar's own formatter:
// annotations on their own lines, `permit (` with one scope element per line (or all three on
// the opening line when none is constrained), `when { ... }` / `unless { ... }` after `)`, one
// blank line between policies; expressions break across lines only when longer than the line
// width. Parentheses appear only where precedence needs them (and around `&&` inside `||`),
// strings and patterns are re-escaped, attributes are written `.name` where they can be, and
// every `//` comment is kept next to the token it was attached to.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/ast.h"
#include "cedar/parser.h"
#include "common/result.h"

namespace eksguard::cedar {

struct FormatOptions {
  uint32_t line_width = 80;
  uint32_t indent = 2;
};

// Formats policy source, comments kept; the parse errors when it does not parse.
Result<std::string, std::vector<ParseError>> format_policies(std::string_view source,
                                                             std::string file,
                                                             const FormatOptions& options = {});

// Prints policies that may have no source text (e.g. built from the JSON policy format): no
// comments. Works from the AST alone, folded literal values included.
std::string print_policies(std::span<const Policy> policies, const FormatOptions& options = {});

}  // namespace eksguard::cedar
