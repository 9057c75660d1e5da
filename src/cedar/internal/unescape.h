// Cedar string escapes, exactly as the Rust implementation applies them (rustc_lexer's
// unescape_str): \n \r \t \\ \0 \' \" \xHH (at most 0x7F) and \u{1-6 hex digits, `_` allowed
// after the first}. A bare carriage return is an error. In `like` patterns `\*` is a literal
// star and any other `*` (even one written \u{2a}) is the wildcard.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eksguard::cedar::internal {

struct UnescapeError {
  size_t offset = 0;  // within the raw text given to unescape()
  size_t length = 0;
  std::string message;  // "the input `\q` is not a valid escape: InvalidEscape"
};

// One element of an unescaped pattern: a literal character run or a wildcard (one per `*`, as
// written; ExprBuilder::like joins neighbouring ones).
struct PatternElement {
  std::string text;
  bool wildcard = false;
};

// Unescapes `raw` (a string literal's content without its quotes). Returns false and fills
// `errors` when an escape is invalid.
bool unescape(std::string_view raw, std::string& out, std::vector<UnescapeError>& errors);

bool unescape_pattern(std::string_view raw, std::vector<PatternElement>& out,
                      std::vector<UnescapeError>& errors);

}  // namespace eksguard::cedar::internal
